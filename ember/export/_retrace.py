"""Run an ATen-level graph again on real values with the op tracer recording, calling a decomposition
instead of each overload that has one: what ``run_decompositions`` and ``make_fx``'s lowering share."""
import copy
import operator

from ember.fx.graph import Graph
from ember.fx.node import map_arg


def retrace(graph, inputs, table, attrs=None):
    """``(new graph, tracer)``: ``graph`` re-recorded on ``inputs`` (one value per placeholder, in
    order; ``attrs`` gives the values of ``get_attr`` nodes) with the overloads of ``table`` replaced by their decompositions. The output node of the
    new graph holds the recorded nodes; unused results are dropped."""
    from ember.export._export import placeholder
    from ember.export._tracer import OpTracer, TracedTensor, run_traced
    new_graph = Graph()
    tracer = OpTracer(new_graph)
    values, inputs, output = {}, iter(inputs), None
    for node in graph.nodes:
        if node.op == 'placeholder':
            value = next(inputs)
            new = placeholder(new_graph, node.name)
            new.meta = copy.copy(node.meta)
            if hasattr(value, 'detach'):
                values[node] = tracer.track(value.detach().clone(), new)
            else:
                values[node] = value
                new.meta['val'] = value
        elif node.op == 'output':
            output = node
        elif node.op == 'get_attr':
            new = new_graph.get_attr(node.target)
            new.meta = copy.copy(node.meta)
            values[node] = tracer.track(attrs[node.target].detach(), new)
        elif node.op == 'call_function':
            args = map_arg(node.args, lambda n: values[n])
            kwargs = map_arg(node.kwargs, lambda n: values[n])
            if node.target is operator.getitem:
                values[node] = args[0][args[1]]
                continue
            tracer.stack_trace = node.meta.get('stack_trace')
            fn = table.get(node.target, node.target)
            values[node] = run_traced(tracer, lambda: fn(*args, **kwargs), ())
        else:
            raise NotImplementedError(f're-tracing {node.op} nodes is not supported by ember')
    outs = map_arg(output.args[0], lambda n: values[n])

    def as_node(v):
        return tracer.node_of(v) if isinstance(v, TracedTensor) else v
    out_nodes = tuple(as_node(v) for v in outs) if isinstance(outs, (tuple, list)) else as_node(outs)
    new_graph.output(out_nodes)
    for node in reversed(list(new_graph.nodes)):
        # the unused results of multi-output ops (a batch norm's saved statistics), and dead ops
        if node.op == 'call_function' and not node.users and not node.is_impure():
            new_graph.erase_node(node)
    untrack(tracer)
    return new_graph


def untrack(tracer):
    """The tracer's tensors go back to plain ones: outside a trace nothing should dispatch to them."""
    from ember._tensor import Tensor
    from ember.export._tracer import TracedTensor
    for t, _ in tracer.nodes.values():
        if type(t) is TracedTensor:
            t.__class__ = Tensor
