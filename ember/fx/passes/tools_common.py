"""Helpers the partitioning passes share: a node's target as a type name, whether it outputs a
tensor, and re-sorting a graph's nodes topologically (after a pass disturbed their order)."""
import collections
import heapq
import operator

from ember.fx.graph import Graph
from ember.fx.node import _qualified_name

__all__ = ['get_acc_ops_name', 'get_node_target', 'is_node_output_tensor', 'legalize_graph',
           'stable_topological_sort', 'CALLABLE_NODE_OPS']

CALLABLE_NODE_OPS = {'call_module', 'call_function', 'call_method'}
# runtime checks on sizes sort before the data-dependent ops that follow them
_FIRST = {operator.add, operator.mul, operator.sub, operator.floordiv, operator.truediv, operator.mod, operator.le,
          operator.lt, operator.ge, operator.gt, operator.eq, operator.ne}


def get_acc_ops_name(k):
    """``k`` if a string, else the qualified name of the class or function ``k``."""
    if isinstance(k, str):
        return k
    if k.__module__ and 'acc_ops' in k.__module__:
        return f'acc_ops.{k.__name__}'
    return f"{k.__module__ or ''}.{k.__name__}"


def get_node_target(submodules, node):
    """The type name of what ``node`` calls: its module's class (call_module), its function's
    qualified name (call_function) or the method name (call_method)."""
    if node.op not in CALLABLE_NODE_OPS:
        raise AssertionError('Expect op types of ' + ', '.join(CALLABLE_NODE_OPS) + f', but found {node.op}')
    if node.op == 'call_module':
        submod = submodules[node.target]
        return get_acc_ops_name(getattr(submod, '_base_class_origin', type(submod)))
    if node.op == 'call_function':
        target = node.target
        if target.__module__ is not None and 'acc_ops' in target.__module__:
            return f'acc_ops.{target.__name__}'
        return _qualified_name(target)
    return node.target


def is_node_output_tensor(node):
    """Whether ``node`` outputs a tensor, by the type ShapeProp recorded (``node.meta['type']``)."""
    import ember
    kind = node.meta.get('type', None)
    return kind is not None and issubclass(kind, ember.Tensor)


def _sorted(gm, ready_push, ready_pop, ready_init):
    pending = dict.fromkeys(gm.graph.nodes, 0)
    for node in gm.graph.nodes:
        for user in node.users:
            pending[user] += 1
    order = {node: i for i, node in enumerate(gm.graph.nodes)}
    ready = ready_init()
    for node in gm.graph.nodes:
        if pending[node] == 0:
            ready_push(ready, node, order[node], False)
    new_graph, copied = Graph(), {}
    while ready:
        current = ready_pop(ready)
        copied[current] = new_graph.node_copy(current, lambda n: copied[n])
        for user in current.users:
            pending[user] -= 1
            if pending[user] == 0:
                ready_push(ready, user, order[user], user.op == 'call_function' and user.target in _FIRST)
    if len(copied) != len(pending):
        return None, [node for node in pending if pending[node] != 0]
    return new_graph, []


def legalize_graph(gm):
    """Re-sort ``gm``'s nodes so each comes after the nodes it uses (breadth first from the nodes
    that use none; not stable: see :func:`stable_topological_sort`). Returns ``gm``.

    Raises:
        RuntimeError: if the graph has a cycle.
    """
    def push(queue, node, index, first):
        (queue.appendleft if first else queue.append)(node)
    new_graph, stuck = _sorted(gm, push, lambda q: q.popleft(), collections.deque)
    if new_graph is None:
        raise RuntimeError(f'Input graph has cycles, unable to add {stuck}')
    gm.graph = new_graph
    return gm


def stable_topological_sort(gm):
    """Re-sort ``gm``'s nodes so each comes after the nodes it uses, otherwise keeping their order
    (the earliest ready node first). Returns ``gm``.

    Raises:
        AssertionError: if the graph has a cycle.
    """
    def push(heap, node, index, first):
        heapq.heappush(heap, (index, id(node), node))
    new_graph, stuck = _sorted(gm, push, lambda h: heapq.heappop(h)[2], list)
    if new_graph is None:
        raise AssertionError(f'Input graph has cycles, unable to add {stuck}')
    gm.graph = new_graph
    return gm
