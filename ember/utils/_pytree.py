"""Nested containers ("pytrees") flattened to their leaves and rebuilt: PyTorch's ``torch.utils._pytree``.

A pytree is a leaf or a container node whose children are pytrees. The node types are tuple, list,
dict, namedtuples, ``OrderedDict``, ``defaultdict``, ``deque``, the result tuples of ``ember.return_types``
(``ember.max(x, 0)``), and the types added with :func:`register_pytree_node`; anything else (tensors,
numbers, None, strings) is a leaf. ``tree_flatten`` gives the leaves in order and a :class:`TreeSpec`
describing the structure; ``tree_unflatten`` puts new leaves into it.

Example::

    >>> from ember.utils import _pytree as pytree
    >>> leaves, spec = pytree.tree_flatten({'a': [1, 2], 'b': (3,)})
    >>> leaves
    [1, 2, 3]
    >>> pytree.tree_unflatten([x * 10 for x in leaves], spec)
    {'a': [10, 20], 'b': (30,)}
    >>> pytree.tree_map(lambda x: x + 1, [1, {'k': 2}])
    [2, {'k': 3}]
"""
import dataclasses
from collections import OrderedDict, defaultdict, deque, namedtuple
from typing import Any, Callable, NamedTuple

__all__ = ['TreeSpec', 'LeafSpec', 'register_pytree_node', 'tree_flatten', 'tree_unflatten', 'tree_iter', 'tree_leaves',
           'tree_structure', 'tree_map', 'tree_map_', 'tree_map_only', 'tree_map_only_', 'tree_all', 'tree_any',
           'tree_all_only', 'tree_any_only', 'tree_is_leaf', 'tree_flatten_with_path', 'tree_leaves_with_path',
           'tree_map_with_path', 'keystr', 'key_get', 'SequenceKey', 'MappingKey', 'GetAttrKey', 'is_namedtuple',
           'is_namedtuple_class', 'is_namedtuple_instance', 'is_structseq', 'is_structseq_class',
           'is_structseq_instance', 'treespec_leaf', 'treespec_tuple', 'treespec_dict', 'PyTree', 'Context',
           'KeyEntry', 'KeyPath', 'FlattenFunc', 'UnflattenFunc', 'PyTreeSpec', 'register_dataclass',
           'register_constant', 'is_constant_class', 'map_only', 'arg_tree_leaves']


# ---------------------------------------------------------------------------------------- key paths
@dataclasses.dataclass(frozen=True)
class SequenceKey:
    """The position of a child in a sequence node."""
    idx: int

    def __str__(self):
        return f'[{self.idx!r}]'

    def get(self, sequence):
        return sequence[self.idx]


@dataclasses.dataclass(frozen=True)
class MappingKey:
    """The key of a child in a mapping node."""
    key: Any

    def __str__(self):
        return f'[{self.key!r}]'

    def get(self, mapping):
        return mapping[self.key]


@dataclasses.dataclass(frozen=True)
class GetAttrKey:
    """The attribute name of a child (namedtuple fields)."""
    name: str

    def __str__(self):
        return f'.{self.name}'

    def get(self, obj):
        return getattr(obj, self.name)


def keystr(kp):
    """A key path as the Python expression that reaches the leaf (``"['a'][1].x"``)."""
    return ''.join(str(k) for k in kp)


def key_get(obj, kp):
    """The part of ``obj`` at key path ``kp``."""
    for k in kp:
        obj = k.get(obj)
    return obj


# ---------------------------------------------------------------------------------------- node types
class NodeDef(NamedTuple):
    type: Any
    flatten_fn: Callable
    unflatten_fn: Callable
    flatten_with_keys_fn: Any


SUPPORTED_NODES = {}


def register_pytree_node(cls, flatten_fn, unflatten_fn, *, serialized_type_name=None, to_dumpable_context=None,
                         from_dumpable_context=None, flatten_with_keys_fn=None):
    """Make ``cls`` a node type: ``flatten_fn(node) -> (children, context)`` and
    ``unflatten_fn(children, context) -> node``; ``flatten_with_keys_fn(node) -> ([(key, child)...], context)``
    gives key paths (:func:`tree_flatten_with_path`). The serialization arguments are accepted as PyTorch's
    are (ember does not serialize tree specs).

    Raises:
        ValueError: if ``cls`` is already a node type.
    """
    if cls in SUPPORTED_NODES:
        raise ValueError(f"{cls} is already registered as pytree node.")
    SUPPORTED_NODES[cls] = NodeDef(cls, flatten_fn, unflatten_fn, flatten_with_keys_fn)


def _seq_keys(node, context):
    return [(SequenceKey(i), child) for i, child in enumerate(node)], context


# the built-in node types' functions, under PyTorch's private names (libraries registering their own
# dict-like types reuse them: transformers' ModelOutput takes _dict_flatten_with_keys)
def _tuple_flatten(d):
    return list(d), None


def _tuple_flatten_with_keys(d):
    return _seq_keys(d, None)


def _tuple_unflatten(values, context):
    return tuple(values)


def _list_flatten(d):
    return list(d), None


def _list_flatten_with_keys(d):
    return _seq_keys(d, None)


def _list_unflatten(values, context):
    return list(values)


def _dict_flatten(d):
    return list(d.values()), list(d.keys())


def _dict_flatten_with_keys(d):
    return [(MappingKey(k), v) for k, v in d.items()], list(d)


def _dict_unflatten(values, context):
    return dict(zip(context, values))


def _ordereddict_flatten(d):
    return list(d.values()), list(d.keys())


def _ordereddict_flatten_with_keys(d):
    return [(MappingKey(k), v) for k, v in d.items()], list(d)


def _ordereddict_unflatten(values, context):
    return OrderedDict(zip(context, values))


def _defaultdict_flatten(d):
    return list(d.values()), [d.default_factory, list(d.keys())]


def _defaultdict_flatten_with_keys(d):
    return [(MappingKey(k), v) for k, v in d.items()], [d.default_factory, list(d)]


def _defaultdict_unflatten(values, context):
    return defaultdict(context[0], zip(context[1], values))


def _deque_flatten(d):
    return list(d), d.maxlen


def _deque_flatten_with_keys(d):
    return _seq_keys(d, d.maxlen)


def _deque_unflatten(values, context):
    return deque(values, maxlen=context)


def _namedtuple_flatten(d):
    return list(d), type(d)


def _namedtuple_flatten_with_keys(d):
    return [(GetAttrKey(f), getattr(d, f)) for f in d._fields], type(d)


def _namedtuple_unflatten(values, context):
    return context(*values)


def _register_builtins():
    for cls, kind in ((tuple, 'tuple'), (list, 'list'), (dict, 'dict'), (OrderedDict, 'ordereddict'),
                      (defaultdict, 'defaultdict'), (deque, 'deque'), (namedtuple, 'namedtuple')):
        found = globals()
        register_pytree_node(cls, found[f'_{kind}_flatten'], found[f'_{kind}_unflatten'],
                             flatten_with_keys_fn=found[f'_{kind}_flatten_with_keys'])


_register_builtins()


def is_structseq_class(cls):
    """Whether ``cls`` is one of ``ember.return_types``'s result tuples (PyTorch's structseqs)."""
    return isinstance(cls, type) and issubclass(cls, tuple) and cls.__module__ == 'ember.return_types'


def is_structseq_instance(obj):
    return is_structseq_class(type(obj))


is_structseq = is_structseq_instance


def is_namedtuple_class(cls):
    return (isinstance(cls, type) and issubclass(cls, tuple) and isinstance(getattr(cls, '_fields', None), tuple)
            and not is_structseq_class(cls))


def is_namedtuple_instance(obj):
    return is_namedtuple_class(type(obj))


is_namedtuple = is_namedtuple_instance


def _node_of(tree):
    """The node type key of ``tree`` (None for a leaf)."""
    cls = type(tree)
    if cls in SUPPORTED_NODES:
        return cls
    if is_structseq_class(cls):
        return cls
    if is_namedtuple_class(cls):
        return namedtuple
    return None


def _node_def(key):
    if key in SUPPORTED_NODES:
        return SUPPORTED_NODES[key]
    if is_structseq_class(key):          # its own class, rebuilt from the sequence of its fields
        return NodeDef(key, lambda t: (list(t), None), lambda c, _: key(c),
                       lambda t: _seq_keys(t, None))
    raise ValueError(f"{key} is not a pytree node type")


def tree_is_leaf(tree, is_leaf=None):
    """Whether ``tree`` is a leaf: not a node type, or ``is_leaf(tree)`` is true."""
    return (is_leaf is not None and is_leaf(tree)) or _node_of(tree) is None


# ---------------------------------------------------------------------------------------- tree specs
class TreeSpec:
    """The structure of a pytree: its node ``type``, the ``context`` that type needs to rebuild it (dict keys,
    the namedtuple class, ...) and one spec per child."""

    def __init__(self, type, context, children_specs):
        self.type, self.context = type, context
        self._children = list(children_specs)
        self.num_nodes = 1 + sum(c.num_nodes for c in self._children)
        self.num_leaves = sum(c.num_leaves for c in self._children)
        self.num_children = len(self._children)

    @property
    def children_specs(self):
        return self._children

    def children(self):
        return list(self._children)

    def child(self, index):
        return self._children[index]

    def is_leaf(self):
        return False

    def __eq__(self, other):
        return (isinstance(other, TreeSpec) and self.is_leaf() == other.is_leaf() and self.type == other.type
                and self.context == other.context and self._children == other._children)

    def __hash__(self):
        return hash((self.type, repr(self.context), tuple(self._children)))

    def __repr__(self, indent=0):
        name = getattr(self.type, '__name__', repr(self.type))
        head = f'TreeSpec({name}, {self.context}, ['
        if not self._children:
            return head + '])'
        indent += 2
        parts = [self._children[0].__repr__(indent)]
        parts += ['\n' + ' ' * indent + child.__repr__(indent) for child in self._children[1:]]
        return head + ','.join(parts) + '])'

    def unflatten(self, leaves):
        """The pytree of this structure holding ``leaves`` (in order)."""
        leaves = list(leaves)
        if len(leaves) != self.num_leaves:
            raise ValueError(f"treespec.unflatten(leaves): `leaves` has length {len(leaves)} but the spec refers to "
                             f"a pytree that holds {self.num_leaves} items ({self}).")
        return self._build(iter(leaves))

    def _build(self, it):
        children = [c._build(it) for c in self._children]
        return _node_def(self.type).unflatten_fn(children, self.context)


class LeafSpec(TreeSpec):
    """The spec of a leaf (printed ``*``)."""

    def __init__(self):
        super().__init__(None, None, [])
        self.num_nodes, self.num_leaves = 1, 1

    def is_leaf(self):
        return True

    def __repr__(self, indent=0):
        return '*'

    def _build(self, it):
        return next(it)


def treespec_leaf():
    return LeafSpec()


def treespec_tuple(iterable=()):
    return TreeSpec(tuple, None, list(iterable))


def treespec_dict(mapping=(), **kwargs):
    d = dict(mapping, **kwargs)
    return TreeSpec(dict, list(d.keys()), list(d.values()))


# ---------------------------------------------------------------------------------------- flatten / map
def _flatten(tree, leaves, is_leaf):
    node = None if is_leaf is not None and is_leaf(tree) else _node_of(tree)
    if node is None:
        leaves.append(tree)
        return LeafSpec()
    children, context = _node_def(node).flatten_fn(tree)
    return TreeSpec(node, context, [_flatten(c, leaves, is_leaf) for c in children])


def tree_flatten(tree, is_leaf=None):
    """``(leaves, spec)``: the leaves of ``tree`` in order and its structure."""
    leaves = []
    spec = _flatten(tree, leaves, is_leaf)
    return leaves, spec


def tree_unflatten(leaves, treespec):
    """The pytree of structure ``treespec`` holding ``leaves``."""
    if not isinstance(treespec, TreeSpec):
        raise TypeError(f"tree_unflatten(leaves, treespec): Expected `treespec` to be instance of TreeSpec but got "
                        f"item of type {type(treespec)}.")
    return treespec.unflatten(leaves)


def tree_iter(tree, is_leaf=None):
    """The leaves of ``tree``, one at a time."""
    yield from tree_leaves(tree, is_leaf)


def tree_leaves(tree, is_leaf=None):
    return tree_flatten(tree, is_leaf)[0]


def tree_structure(tree, is_leaf=None):
    return tree_flatten(tree, is_leaf)[1]


def tree_map(func, tree, *rests, is_leaf=None):
    """``tree`` with each leaf replaced by ``func(leaf, *matching leaves of rests)``."""
    leaves, spec = tree_flatten(tree, is_leaf)
    others = [_flatten_up_to(spec, r) for r in rests]
    return spec.unflatten(func(*xs) for xs in zip(leaves, *others))


def _flatten_up_to(spec, tree):
    """The parts of ``tree`` where ``spec`` has its leaves (``tree`` has ``spec``'s structure down to them)."""
    if spec.is_leaf():
        return [tree]
    node = _node_of(tree)
    children, context = _node_def(node).flatten_fn(tree) if node is not None else (None, None)
    if node != spec.type or context != spec.context or len(children) != spec.num_children:
        raise ValueError(f"Node structures do not match: {tree_structure(tree)} vs {spec}")
    return [leaf for child, sub in zip(children, spec.children_specs) for leaf in _flatten_up_to(sub, child)]


def tree_map_(func, tree, *rests, is_leaf=None):
    """Call ``func`` on every leaf (for its effect, e.g. in-place updates); returns ``tree``."""
    leaves, spec = tree_flatten(tree, is_leaf)
    others = [_flatten_up_to(spec, r) for r in rests]
    for xs in zip(leaves, *others):
        func(*xs)
    return tree


def _only(type_or_types, func):
    def mapped(x):
        return func(x) if isinstance(x, type_or_types) else x
    return mapped


def tree_map_only(type_or_types, func, tree, is_leaf=None):
    """:func:`tree_map` on the leaves of the given type(s) only; the others stay."""
    return tree_map(_only(type_or_types, func), tree, is_leaf=is_leaf)


def tree_map_only_(type_or_types, func, tree, is_leaf=None):
    return tree_map_(_only(type_or_types, func), tree, is_leaf=is_leaf)


def tree_all(pred, tree, is_leaf=None):
    return all(pred(x) for x in tree_leaves(tree, is_leaf))


def tree_any(pred, tree, is_leaf=None):
    return any(pred(x) for x in tree_leaves(tree, is_leaf))


def tree_all_only(type_or_types, pred, tree, is_leaf=None):
    return all(pred(x) for x in tree_leaves(tree, is_leaf) if isinstance(x, type_or_types))


def tree_any_only(type_or_types, pred, tree, is_leaf=None):
    return any(pred(x) for x in tree_leaves(tree, is_leaf) if isinstance(x, type_or_types))


# ---------------------------------------------------------------------------------------- with paths
def _flatten_with_path(tree, path, out, is_leaf):
    node = None if is_leaf is not None and is_leaf(tree) else _node_of(tree)
    if node is None:
        out.append((path, tree))
        return
    keys_fn = _node_def(node).flatten_with_keys_fn
    if keys_fn is None:
        raise ValueError(f"Did not find a flatten_with_keys_fn for type: {node}. Please pass a "
                         "flatten_with_keys_fn argument to register_pytree_node.")
    for key, child in keys_fn(tree)[0]:
        _flatten_with_path(child, path + (key,), out, is_leaf)


def tree_flatten_with_path(tree, is_leaf=None):
    """``([(key path, leaf), ...], spec)``: each leaf with the keys that reach it."""
    out = []
    _flatten_with_path(tree, (), out, is_leaf)
    return out, tree_structure(tree, is_leaf)


def tree_leaves_with_path(tree, is_leaf=None):
    return tree_flatten_with_path(tree, is_leaf)[0]


def tree_map_with_path(func, tree, *rests, is_leaf=None):
    """``tree`` with each leaf replaced by ``func(key path, leaf, *matching leaves of rests)``."""
    pairs, spec = tree_flatten_with_path(tree, is_leaf)
    others = [_flatten_up_to(spec, r) for r in rests]
    return spec.unflatten(func(kp, x, *xs) for (kp, x), *xs in zip(pairs, *others))


# ---------------------------------------------------------------------------------------- the rest of PyTorch's names
# type names libraries annotate with (``from torch.utils._pytree import PyTree``)
PyTree = Any
Context = Any
DumpableContext = Any
KeyEntry = Any
KeyPath = tuple
FlattenFunc = FlattenFn = Callable
UnflattenFunc = UnflattenFn = Callable
FlattenWithKeysFunc = FlattenWithKeysFn = Callable
PyTreeSpec = TreeSpec
_odict_flatten, _odict_unflatten = _ordereddict_flatten, _ordereddict_unflatten
_is_leaf = tree_is_leaf
CONSTANT_NODES = set()


def _get_node_type(tree):
    """The node type ``tree`` is flattened as (every namedtuple counts as ``namedtuple``)."""
    return namedtuple if is_namedtuple_class(type(tree)) else type(tree)


def _register_pytree_node(cls, flatten_fn, unflatten_fn, to_str_fn=None, maybe_from_str_fn=None, *,
                          serialized_type_name=None, to_dumpable_context=None, from_dumpable_context=None,
                          flatten_with_keys_fn=None):
    """The older spelling of :func:`register_pytree_node` (its string-conversion functions are no longer
    used, as in PyTorch, where passing them warns)."""
    if to_str_fn is not None or maybe_from_str_fn is not None:
        import warnings
        warnings.warn("`to_str_fn` and `maybe_from_str_fn` is deprecated. Please use `to_dumpable_context` and "
                      "`from_dumpable_context` instead.", FutureWarning, stacklevel=2)
    register_pytree_node(cls, flatten_fn, unflatten_fn, serialized_type_name=serialized_type_name,
                         to_dumpable_context=to_dumpable_context, from_dumpable_context=from_dumpable_context,
                         flatten_with_keys_fn=flatten_with_keys_fn)


def register_dataclass(cls, *, field_names=None, drop_field_names=None, serialized_type_name=None):
    """Make ``cls`` (a dataclass, or a class built from keyword fields) a node whose children are the values of
    ``field_names`` (default: the dataclass's init fields less ``drop_field_names``)."""
    if field_names is None:
        if not dataclasses.is_dataclass(cls):
            raise ValueError(f"field_names must be specified with a list of all fields used to initialize {cls}, "
                             "as it is not a dataclass.")
        dropped = set(drop_field_names or ())
        field_names = [f.name for f in dataclasses.fields(cls) if f.init and f.name not in dropped]
    names = list(field_names)

    def flatten(obj):
        return [getattr(obj, n) for n in names], names

    def unflatten(values, context):
        return cls(**dict(zip(context, values)))

    def flatten_with_keys(obj):
        return [(GetAttrKey(n), getattr(obj, n)) for n in names], names
    register_pytree_node(cls, flatten, unflatten, serialized_type_name=serialized_type_name,
                         flatten_with_keys_fn=flatten_with_keys)


def register_constant(cls):
    """Make instances of ``cls`` nodes with no leaves: tree functions keep them whole, as constants."""
    if cls.__eq__ is object.__eq__ or cls.__hash__ in (None, object.__hash__):
        raise TypeError("register_constant(cls) expects `cls` to have a non-default `__eq__` implementation.")
    CONSTANT_NODES.add(cls)
    register_pytree_node(cls, lambda obj: ([], obj), lambda values, obj: obj,
                         flatten_with_keys_fn=lambda obj: ([], obj))


def is_constant_class(cls):
    return isinstance(cls, type) and cls in CONSTANT_NODES


def map_only(type_or_types_or_pred, /):
    """Decorator: ``map_only(Tensor)(f)`` applies ``f`` to values of that type (or passing the predicate)
    and returns anything else unchanged, for use with :func:`tree_map`."""
    if isinstance(type_or_types_or_pred, (type, tuple)):
        def pred(x):
            return isinstance(x, type_or_types_or_pred)
    elif callable(type_or_types_or_pred):
        pred = type_or_types_or_pred
    else:
        raise TypeError("Argument must be a type, a tuple of types, or a callable.")

    def wrap(func):
        import functools

        @functools.wraps(func)
        def mapped(x):
            return func(x) if pred(x) else x
        return mapped
    return wrap


def arg_tree_leaves(*args, **kwargs):
    """The leaves of ``args`` then ``kwargs``' values: ``tree_leaves((args, kwargs))``."""
    leaves = []
    for a in args:
        leaves.extend(tree_iter(a))
    for a in kwargs.values():
        leaves.extend(tree_iter(a))
    return leaves
