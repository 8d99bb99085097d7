"""Fuse groups of nodes of a GraphModule into submodules: each group becomes a GraphModule of its own,
called where the group was (``fuse_by_partitions``), with the helpers that do each step."""
import heapq
import operator

from ember.fx.graph import Graph
from ember.fx.passes.tools_common import stable_topological_sort
from ember.fx.passes.utils.common import lift_subgraph_as_module

__all__ = ['topo_sort', 'validate_partition', 'fuse_as_graphmodule', 'insert_subgm', 'erase_nodes',
           'fuse_by_partitions']


def topo_sort(nodes):
    """``nodes`` ordered so that each follows those of them it uses (otherwise keeping their order)."""
    position = {node: i for i, node in enumerate(nodes)}
    waiting = {node: sum(1 for n in node.all_input_nodes if n in position) for node in nodes}
    ready = [(position[n], id(n), n) for n in nodes if waiting[n] == 0]
    heapq.heapify(ready)
    out = []
    while ready:
        node = heapq.heappop(ready)[2]
        out.append(node)
        for user in node.users:
            if user in waiting:
                waiting[user] -= 1
                if waiting[user] == 0:
                    heapq.heappush(ready, (position[user], id(user), user))
    if len(out) != len(nodes):
        raise AssertionError("topological sorted nodes doesn't have same length as input nodes")
    return out


def validate_partition(partition):
    """Whether fusing ``partition`` leaves the graph acyclic: no path leaves the group and comes back."""
    members = set(partition)
    frontier = [user for node in members for user in node.users if user not in members]
    seen = set()
    while frontier:
        node = frontier.pop()
        seen.add(node)
        if node in members:
            return False
        frontier.extend(u for u in node.users if u not in seen)
    return True


def fuse_as_graphmodule(gm, nodes, module_name, partition_lookup_table=None, *, always_return_tuple=False):
    """A GraphModule (class ``module_name``) computing ``nodes`` (topologically sorted nodes of
    ``gm``); its inputs are the values the group reads from outside, its outputs the group's values
    used outside. Returns ``(module, original input nodes, original output nodes)``."""
    for node in nodes:
        if node.graph.owning_module is not gm:
            raise AssertionError(f"{node} doesn't belong to passed in graph module {gm._get_name()}")
        if node._erased:
            raise AssertionError(f'{node} has been removed from owning graph')
    if not validate_partition(nodes):
        raise AssertionError('Invalid partition, found dependency cycles')
    members = dict.fromkeys(nodes) if partition_lookup_table is None else partition_lookup_table
    subgraph, inputs, copies = Graph(), {}, {}

    def remap(x):
        if x in members:
            return copies[x]
        if x not in inputs:
            inputs[x] = subgraph.placeholder(x.name, type_expr=x.type)
            inputs[x].meta = dict(x.meta)
        return inputs[x]
    for node in nodes:
        copies[node] = subgraph.node_copy(node, remap)
    outputs = {node: copies[node] for node in nodes if any(u not in members for u in node.users)}
    outs = tuple(outputs.values())
    subgraph.output(outs if always_return_tuple or len(outs) != 1 else outs[0])
    subgraph.lint()
    fused, _ = lift_subgraph_as_module(gm, subgraph, comp_name='', class_name=module_name)
    return fused, tuple(inputs), tuple(outputs)


def insert_subgm(gm, sub_gm, orig_inputs, orig_outputs, insertion_point=None):
    """Install ``sub_gm`` in ``gm`` (named by its class) and call it after ``insertion_point`` (default:
    the last of ``orig_outputs``) on ``orig_inputs``; the uses of ``orig_outputs`` then read its results."""
    name = type(sub_gm).__name__
    gm.add_submodule(name, sub_gm)
    if insertion_point is None:
        insertion_point = next((n for n in reversed(list(gm.graph.nodes)) if n in orig_outputs), None)
        if insertion_point is None:
            raise AssertionError('Cannot determine insertion point: no insertion_point provided and orig_outputs '
                                 'is empty. Pass the last partition node as insertion_point.')
    with gm.graph.inserting_after(insertion_point):
        call = gm.graph.call_module(name, args=tuple(orig_inputs), kwargs=None)
    if orig_outputs:
        returned = sub_gm.graph.output_node().args[0]
        with gm.graph.inserting_before(call.next):
            if len(orig_outputs) == 1 and not isinstance(returned, tuple):
                orig_outputs[0].replace_all_uses_with(call, propagate_meta=True)
            else:
                for i, out in enumerate(orig_outputs):
                    out.replace_all_uses_with(gm.graph.call_function(operator.getitem, (call, i)),
                                              propagate_meta=True)
                call.meta['val'] = tuple(out.meta.get('val', None) for out in orig_outputs)
    return gm


def erase_nodes(gm, nodes):
    """Erase ``nodes`` from ``gm``'s graph, users first."""
    for node in reversed(nodes):
        gm.graph.erase_node(node)


def fuse_by_partitions(gm, partitions, prefix='fused_', always_return_tuple=False):
    """Replace each group of nodes in ``partitions`` (iterables of ``gm``'s nodes) by a call of a new
    submodule ``<prefix><i>`` computing it. Returns ``gm``.

    Example::

        >>> from ember.fx.passes.utils.fuser_utils import fuse_by_partitions
        >>> gm = ember.fx.symbolic_trace(lambda x: (x + 1).relu() * 2)
        >>> add, relu = list(gm.graph.nodes)[1:3]
        >>> gm = fuse_by_partitions(gm, [{add: None, relu: None}])
        >>> [n.op for n in gm.graph.nodes], gm(ember.ones(1))
        (['placeholder', 'call_module', 'call_function', 'output'], tensor([4.]))
    """
    for i, partition in enumerate(partitions):
        nodes = topo_sort(list(partition))
        sub_gm, inputs, outputs = fuse_as_graphmodule(gm, nodes, prefix + str(i), partition,
                                                      always_return_tuple=always_return_tuple)
        insert_subgm(gm, sub_gm, inputs, outputs, nodes[-1])
        erase_nodes(gm, nodes)
    stable_topological_sort(gm)
    gm.graph.lint()
    return gm
