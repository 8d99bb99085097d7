"""``reinplace``: turn the out-of-place ATen calls of a functionalized graph back into in-place ones
where nothing can tell the difference, as PyTorch's pass does. ember runs the graph on the sample
inputs (real values, where PyTorch uses fake tensors) to learn which values share storage."""
import itertools
import operator
from collections import defaultdict

from ember.fx.interpreter import Interpreter
from ember.fx.node import Node, map_arg

__all__ = ['reinplace']


def _first_arg_type(op):
    schema = getattr(op, '_schema', None)
    return schema.args[0].type if schema is not None and schema.args else None


def _view_kind(op):
    """'single' for a view op (``Tensor(a)``), 'multi' for one returning several views, else None."""
    t = _first_arg_type(op)
    if t is None or '(' not in t or '!' in t:
        return None
    return 'multi' if '*' in t else 'single'


def _storage(t):
    return t.untyped_storage().data_ptr()


class _MetadataProp(Interpreter):
    """Runs the graph, keeping each node's result (``meta['fake_result']``), its position
    (``meta['node_idx']``) and, for views, the node viewed (``meta['view_of']``)."""

    def run_node(self, node):
        self.counter += 1
        result = super().run_node(node)
        node.meta['fake_result'] = result
        node.meta['node_idx'] = self.counter
        if node.op == 'call_function':
            kind = _view_kind(node.target)
            if kind == 'single':
                node.meta['view_of'] = node.args[0]
            elif kind == 'multi':
                self.multi_views[node] = node.args[0]
            elif node.target is operator.getitem and node.args[0] in self.multi_views:
                node.meta['view_of'] = self.multi_views[node.args[0]]
        return result

    def propagate(self, *args):
        self.multi_views, self.counter = {}, -1
        return super().run(*args)


def _inplace_op(op):
    """The in-place overload of ``op`` (``aten.add_.Tensor`` for ``aten.add.Tensor``) with the same
    argument types, or None."""
    from ember.export import _aten
    schema = getattr(op, '_schema', None)
    if schema is None or _view_kind(op) is not None:
        return None
    packet = _aten.packet(op._packet._name + '_')
    if packet is None:
        return None
    types = [a.type for a in schema.args]
    for name in packet.overloads():
        candidate = getattr(packet, name)
        cand_types = [a.type for a in candidate._schema.args]
        if len(cand_types) == len(types) and cand_types[0] == 'Tensor(a!)' and cand_types[1:] == types[1:] \
                and types[0] == 'Tensor':
            return candidate
    return None


def _view_inverse_map():
    from ember.export._aten import overload
    return {overload('diagonal_scatter', 'default'): overload('diagonal', 'default'),
            overload('select_scatter', 'default'): overload('select', 'int'),
            overload('slice_scatter', 'default'): overload('slice', 'Tensor'),
            overload('as_strided_scatter', 'default'): overload('as_strided', 'default')}


def _later_usages(aliases, index):
    """The nodes after position ``index`` that use a value sharing the storage (views and
    getitems of the aliases themselves aside)."""
    from ember.export._aten import OpOverload
    used = set()
    for t in aliases:
        for n in t.users:
            if 'node_idx' not in n.meta or n.meta['node_idx'] <= index:
                continue
            if n in aliases and (isinstance(n.target, OpOverload) or n.target is operator.getitem):
                continue
            used.add(n)
    return used


def _same_view(a, b):
    return tuple(a.shape) == tuple(b.shape) and a.stride() == b.stride() and a.storage_offset() == b.storage_offset()


def _view_inverse_usages(later, aliases, inverse_map):
    """The later ``*_scatter`` calls that only write back a view the pass is mutating in place."""
    found = set()
    for n in sorted(later, key=lambda x: x.meta['node_idx']):
        if n.target not in inverse_map:
            continue
        base = n.args[0]
        view = inverse_map[n.target]
        for alias in aliases:
            if 'view_of' not in alias.meta:
                continue
            alias_base = alias.meta['view_of']
            try:
                replay = view(alias_base.meta['fake_result'], *n.args[2:], **n.kwargs)
            except Exception:       # the view's arguments do not apply to this alias
                continue
            if _same_view(alias_base.meta['fake_result'], base.meta['fake_result']) and \
                    _same_view(replay, alias.meta['fake_result']):
                found.add(n)
                break
    return found


def _overlaps(t):
    """Whether some elements of ``t`` share memory (a broadcast view): writing it in place is unsafe."""
    return t.numel() > 1 and any(s == 0 and d > 1 for s, d in zip(t.stride(), t.shape))


def reinplace(gm, *sample_args):
    """Rewrite ``gm`` (a functionalized graph of ATen operators, from ``make_fx``) in place: a call
    ``b = foo(a, ...)`` becomes ``a.foo_(...)`` where ``a`` is not an input of the graph, is used by
    no later node (nor is any value sharing its storage) and has ``b``'s size and dtype; a
    ``{view}_scatter`` that writes back a mutated view becomes a ``copy_`` into that view. The graph
    module is modified and returned.

    Args:
        gm (GraphModule): the graph to rewrite.
        *sample_args: inputs to run it on once, to learn which values share storage.

    Example:
        >>> from ember.fx.experimental.proxy_tensor import make_fx
        >>> from ember.fx.passes.reinplace import reinplace
        >>> def f(x):
        ...     y = x.clone()
        ...     return y.add(1).mul(2)
        >>> gm = reinplace(make_fx(f)(ember.ones(3)), ember.ones(3))
        >>> [str(n.target) for n in gm.graph.nodes if n.op == 'call_function']
        ['aten.clone.default', 'aten.add_.Tensor', 'aten.mul_.Tensor']
    """
    import ember
    from ember.export._aten import OpOverload, overload
    _MetadataProp(gm).propagate(*sample_args)
    inverse_map = _view_inverse_map()
    input_storages = {_storage(n.meta['fake_result']) for n in gm.graph.nodes
                      if n.op == 'placeholder' and isinstance(n.meta.get('fake_result'), ember.Tensor)}
    storage_to_nodes = defaultdict(set)
    for n in gm.graph.nodes:
        results = n.meta.get('fake_result')
        for t in (results if isinstance(results, (tuple, list)) else (results,)):
            if isinstance(t, ember.Tensor):
                storage_to_nodes[_storage(t)].add(n)

    to_delete = set()
    for node in gm.graph.nodes:
        if node.op != 'call_function' or not isinstance(node.target, OpOverload):
            continue
        if _first_arg_type(node.target) not in ('Tensor', 'Tensor(a)', 'Tensor(a!)') or \
                not isinstance(node.args[0], Node):
            continue
        self_arg = node.args[0]
        self_value, result = self_arg.meta.get('fake_result'), node.meta.get('fake_result')
        if not isinstance(self_value, ember.Tensor):
            continue
        if isinstance(result, ember.Tensor) and (self_value.numel() != result.numel() or
                                                 self_value.dtype != result.dtype or _overlaps(self_value)):
            continue
        if _storage(self_value) in input_storages:
            continue                 # the caller's tensors are never written
        if sum(1 for a in node.args if a is self_arg) > 1:
            continue
        aliases = storage_to_nodes[_storage(self_value)]
        later = _later_usages(aliases, node.meta['node_idx'])
        scatters = _view_inverse_usages(later, aliases, inverse_map)
        if later - scatters:
            continue
        if node.target in inverse_map and node not in to_delete:
            # a = foo_scatter(a, mutated, args) -> foo(a, args).copy_(mutated)
            with gm.graph.inserting_before(node):
                view = gm.graph.create_node('call_function', inverse_map[node.target],
                                            (self_arg,) + tuple(node.args[2:]), node.kwargs)
                gm.graph.create_node('call_function', overload('copy_', 'default'), (view, node.args[1]), {})
            to_delete.add(node)
        else:
            inplace = _inplace_op(node.target)
            if inplace is None:
                continue
            node.target = inplace
        if isinstance(result, ember.Tensor):
            merged = storage_to_nodes[_storage(self_value)] | storage_to_nodes[_storage(result)]
            storage_to_nodes[_storage(self_value)] = storage_to_nodes[_storage(result)] = merged
        to_delete.update(scatters)
        # later readers of the old result read the mutated input instead
        for old in itertools.chain([node], scatters):
            new = old.args[0]
            for user in [u for u in old.users if u.meta.get('node_idx', -1) > node.meta['node_idx']]:
                user.args = map_arg(user.args, lambda a: new if a is old else a)
                user.kwargs = map_arg(user.kwargs, lambda a: new if a is old else a)
    for n in to_delete:
        gm.graph.erase_node(n)
    gm.recompile()
    return gm
