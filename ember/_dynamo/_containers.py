"""Arguments that are containers: lists, tuples, dicts, namedtuples and any nesting of them (what
``ember.utils._pytree`` flattens), taken by ``ember.compile`` as PyTorch's compiler takes them.

Each tensor inside a container argument is a graph input of its own, known by the expression that reaches
it from the argument (its source: ``xs[0]``, ``batch['ids']``, ``p.weight``) and named after it in the graph
(``L_xs_0_``, ``L_batch_ids_``, ``L_p_weight``). The traced code gets a copy of the container that holds the
tensors' proxies (a container without tensors is copied too); the compiled graph runs on the caller's own
tensors, so in-place operations on them reach the caller, and what the code changes in the copies (an item
appended, set, deleted) is made again in the caller's containers at each call (``_returns``). ``*args`` and
``**kwargs`` are such arguments (a tuple and a dict), and so is a registered pytree node whose leaves can be
named (``flatten_with_keys_fn``).

The guards cover a container argument whole: the types of its containers, their lengths and keys, which of
its leaves are tensors (each guarded as a tensor argument is), the values of the others, and which leaves are
one tensor. PyTorch guards only what the code reads, so ember may recompile where PyTorch does not (a dict
key the code never reads changed), never the other way round.
"""
import re
from collections import OrderedDict, defaultdict

from ember.utils import _pytree


class TreeGuard(tuple):
    """The guard entry of a container argument: ``(name, structure, leaves, duplicates)``; ``leaves`` holds
    ``(source, dtype, device, requires_grad, sizes)`` per tensor and ``(source, type, value or id)`` per
    other leaf; ``duplicates``: ``(source, source of its first occurrence)`` per tensor met twice."""


def is_container(value):
    return _pytree._node_of(value) is not None


# (argument name, structure) -> (its TreeSpec, the sources of its leaves): a structure's spec and sources are
# made once, a call then only walks its argument (this runs at every compiled call)
_KNOWN = {}
_KNOWN_MAX = 4096


def expand(arguments):
    """``(flat, trees)`` for a call's ``arguments`` (name -> value): ``flat`` adds each tensor inside a
    container argument under its source (``arguments`` itself when there is none); ``trees`` maps each
    container argument to ``(structure, [(source, leaf), ...])`` (``structure``: hashable, see ``_walk``)."""
    from ember import Tensor
    if not _TENSOR:
        _TENSOR.append(Tensor)
    trees = None
    for name, value in arguments.items():
        if not isinstance(value, Tensor) and (type(value) in _PLAIN or is_container(value)):
            leaves = []
            structure = _walk(value, leaves)
            try:
                known = _KNOWN.get((name, structure))
            except TypeError:
                raise _refused(name, "a pytree node's context is not hashable") from None
            if known is None:
                if len(_KNOWN) >= _KNOWN_MAX:
                    _KNOWN.clear()
                try:
                    pairs, spec = _pytree.tree_flatten_with_path(value)
                except ValueError:          # a node registered without flatten_with_keys_fn: its leaves have no names
                    raise _refused(name, 'a pytree node was registered without flatten_with_keys_fn') from None
                known = _KNOWN[name, structure] = (spec, [name + _pytree.keystr(path) for path, _ in pairs])
            if trees is None:
                trees = {}
            trees[name] = (structure, list(zip(known[1], leaves)))
    if trees is None:
        return arguments, {}
    flat = dict(arguments)
    for _, leaves in trees.values():
        flat.update((source, leaf) for source, leaf in leaves if isinstance(leaf, Tensor))
    return flat, trees


def _refused(name, why):
    from ember._dynamo._capture import _CannotCapture
    return _CannotCapture(f"Unsupported: ember cannot guard the structure of argument '{name}' ({why})")


_PLAIN = (list, tuple, dict)
_TENSOR = []            # ember.Tensor, imported once (_walk runs for each leaf at every call)


def _walk(value, leaves):
    """``value``'s structure as nested tuples (node type, context, children), its leaves added to ``leaves``."""
    kind = type(value)
    if kind is _TENSOR[0]:
        leaves.append(value)
        return None
    if kind is list or kind is tuple:
        return kind, tuple([_walk(v, leaves) for v in value])
    if kind is dict:
        return kind, tuple(value), tuple([_walk(v, leaves) for v in value.values()])
    node = _pytree._node_of(value)
    if node is None:
        leaves.append(value)
        return None
    children, context = _pytree._node_def(node).flatten_fn(value)
    return node, _frozen(context), tuple([_walk(c, leaves) for c in children])


def _frozen(context):
    """A node's context, hashable (a custom node's may be a list or a dict)."""
    if isinstance(context, (list, tuple)):
        return tuple(_frozen(c) for c in context)
    if isinstance(context, dict):
        return tuple((k, _frozen(v)) for k, v in context.items())
    return context


def _spec(name, structure):
    known = _KNOWN.get((name, structure))
    return None if known is None else known[0]


def guard(name, tree, describe_tensor):
    """The guard entry (a ``TreeGuard``) of container argument ``name`` flattened to ``tree``;
    ``describe_tensor(source, tensor)`` is a tensor leaf's entry."""
    from ember import Tensor
    structure, leaves = tree
    described, first, duplicates = [], {}, []
    for source, leaf in leaves:
        if isinstance(leaf, Tensor):
            described.append(describe_tensor(source, leaf))
            seen = first.setdefault(id(leaf), source)
            if seen != source:
                duplicates.append((source, seen))
        else:
            described.append((source, type(leaf), leaf if hashable(leaf) else id(leaf)))
    return TreeGuard((name, structure, tuple(described), tuple(duplicates)))


def graph_input_name(prefix, base, path=''):
    """PyTorch's name for the graph input read from ``prefix['base']`` then ``path``: every character
    that is not a letter or a digit made ``_``, runs of ``_`` made one (``L['xs'][0]`` -> ``L_xs_0_``)."""
    return re.sub('_+', '_', re.sub('[^a-zA-Z0-9]', '_', f"{prefix}['{base}']{path}"))


def items_of(container):
    """A container's own items, to see them change: ``(key, value)`` pairs of a mapping, else its values."""
    return list(container.items()) if isinstance(container, dict) else list(container)


def items_changed(container, before):
    """Whether ``container``'s items differ from ``before`` (``items_of``'s, which keeps them alive): keys, or
    which objects they are."""
    now = items_of(container)
    if len(now) != len(before):
        return True
    if isinstance(container, dict):
        return any(k != j or v is not w for (k, v), (j, w) in zip(now, before))
    return any(v is not w for v, w in zip(now, before))


def holds_unflattened_tensor(value):
    """Whether ``value`` holds a tensor inside a container ``_pytree`` does not flatten (a list subclass)."""
    from ember import Tensor
    if isinstance(value, Tensor):
        return False
    if is_container(value):
        return any(holds_unflattened_tensor(leaf) for leaf in _pytree.tree_leaves(value))
    return _holds_tensor(value)


def _holds_tensor(value):
    from ember import Tensor
    if isinstance(value, Tensor):
        return True
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_holds_tensor(v) for v in value)
    if isinstance(value, dict):
        return any(_holds_tensor(v) for v in value.values())
    return False


def failure(old, new, flat, tensor_failure):
    """The first guard of ``old`` (a ``TreeGuard``) that ``new`` fails, worded as PyTorch's recompiles
    log words it; ``tensor_failure(old entry, new entry, flat)`` words a tensor's."""
    name, old_structure, old_leaves, old_dups = old
    old_spec = _spec(name, old_structure)
    if not isinstance(new, TreeGuard):          # no container now
        return _type_failure(name, _node_type(old_spec)) if old_spec is not None else f"{name} does not match"
    _, new_structure, new_leaves, new_dups = new
    if old_structure != new_structure:
        new_spec = _spec(name, new_structure)
        if old_spec is None or new_spec is None:
            return f"{name} does not match"
        return _structure_failure(name, old_spec, new_spec, {leaf[0]: leaf for leaf in old_leaves})
    for a, b in zip(old_leaves, new_leaves):
        if a == b:
            continue
        if len(a) == 5 and len(b) != 5:
            return f"expected type of '{a[0]}' to be a tensor type, ' but found {b[1]}"
        if len(a) == 5:
            return tensor_failure(a, b, flat)
        if len(b) == 5 or a[1] is not b[1]:
            return _type_failure(a[0], a[1])
        return f"{a[0]} == {a[2]!r}"
    sources = sorted({s for pair in old_dups + new_dups for s in pair})
    return 'Duplicate tensors found: [' + ', '.join(f'"{s}"' for s in sources) + ']'


def _type_failure(source, expected):
    return f"___check_type_id({source}, {id(expected)}), type={expected}"


def _structure_failure(source, old, new, old_leaves):
    """The first difference of two specs, at ``source``; ``old_leaves``: the old leaves' entries by source."""
    if old.is_leaf():
        leaf = old_leaves[source]
        if len(leaf) == 5:
            return f"expected type of '{source}' to be a tensor type, ' but found {_node_type(new)}"
        return _type_failure(source, leaf[1])
    old_type = _node_type(old)
    if new.is_leaf() or old_type is not _node_type(new):
        return _type_failure(source, old_type)
    if _keys(old) is not None and _keys(old) != _keys(new):
        return f"list(dict.keys({source})) == {_keys(old)!r}"
    if old.num_children != new.num_children:
        return f"len({source}) == {old.num_children}"
    for index, (a, b) in enumerate(zip(old.children_specs, new.children_specs)):
        if a != b:
            return _structure_failure(source + _child_path(old, index), a, b, old_leaves)
    return f"{source} does not match"


def _child_path(spec, index):
    if spec.type is _pytree.namedtuple:
        return f'.{spec.context._fields[index]}'
    keys = _keys(spec)
    return f'[{index}]' if keys is None else f'[{keys[index]!r}]'


def _keys(spec):
    """A mapping node's keys (a defaultdict's context also holds its factory), else None."""
    if spec.type in (dict, OrderedDict):
        return spec.context
    if spec.type is defaultdict:
        return spec.context[1]
    return None


def _node_type(spec):
    if spec.is_leaf():
        return None
    if spec.type is _pytree.namedtuple:
        return spec.context
    return spec.type


def hashable(value):
    """Whether ``value`` can stand in a guard's key itself (else its identity does)."""
    try:
        hash(value)
    except TypeError:
        return False
    return True
