"""``tree_flatten_spec``: the leaves of a pytree laid out as a given ``TreeSpec`` says (the graphs of
unflattened programs with preserved call signatures flatten a submodule's inputs and outputs with it)."""
from ember.utils._pytree import tree_flatten

__all__ = ['tree_flatten_spec']


def tree_flatten_spec(pytree, spec):
    """The leaves of ``pytree`` in the order of ``spec``: dicts read by the spec's keys, lists and
    tuples by position; another node type must have exactly the spec's structure."""
    if spec.is_leaf():
        return [pytree]
    if spec.type is dict:
        children = [pytree[k] for k in spec.context]
    elif spec.type in (list, tuple):
        children = [pytree[i] for i in range(spec.num_children)]
    else:
        leaves, real = tree_flatten(pytree)
        if real != spec:
            raise RuntimeError(f'Real spec {real} of object {pytree} is different from expected spec {spec}.')
        return leaves
    out = []
    for child, child_spec in zip(children, spec.children()):
        out += tree_flatten_spec(child, child_spec)
    return out
