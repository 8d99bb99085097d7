"""Nested containers of tensors (tuples, lists, dicts), flattened to leaves and rebuilt."""


def flatten(tree):
    """(leaves, rebuild): ``rebuild(new_leaves)`` gives ``tree``'s structure with ``new_leaves`` in place."""
    if isinstance(tree, (tuple, list)):
        parts = [flatten(x) for x in tree]
        return _join(parts, lambda subs: type(tree)(subs) if not hasattr(tree, '_fields') else type(tree)(*subs))
    if isinstance(tree, dict):
        keys = list(tree)
        parts = [flatten(tree[k]) for k in keys]
        return _join(parts, lambda subs: type(tree)(zip(keys, subs)))
    return [tree], lambda leaves: leaves[0]


def _join(parts, build):
    leaves, sizes, rebuilders = [], [], []
    for sub_leaves, rebuild in parts:
        leaves.extend(sub_leaves)
        sizes.append(len(sub_leaves))
        rebuilders.append(rebuild)

    def rebuild_all(new_leaves):
        subs, at = [], 0
        for n, rb in zip(sizes, rebuilders):
            subs.append(rb(list(new_leaves[at:at + n])))
            at += n
        return build(subs)
    return leaves, rebuild_all


def tree_map(fn, tree):
    leaves, rebuild = flatten(tree)
    return rebuild([fn(x) for x in leaves])


def treespec(tree, depth=0):
    """``tree``'s structure written as PyTorch's pytree ``TreeSpec`` repr (leaves ``*``), for errors."""
    if tree is None:
        return 'TreeSpec(NoneType, None, [])'
    if isinstance(tree, (tuple, list, dict)):
        if isinstance(tree, dict):
            name, context, children = 'dict', repr(list(tree)), list(tree.values())
        else:
            name, context, children = type(tree).__name__ if type(tree) in (tuple, list) else 'tuple', 'None', tree
        sep = ',\n' + '  ' * (depth + 1)
        return f"TreeSpec({name}, {context}, [{sep.join(treespec(c, depth + 1) for c in children)}])"
    return '*'
