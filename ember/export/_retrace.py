"""Run an ATen-level graph again on real values with the op tracer recording, calling a decomposition
instead of each overload that has one: what ``run_decompositions`` and ``make_fx``'s lowering share."""
import copy
import operator

from ember.fx.graph import Graph
from ember.fx.node import map_arg


_mutations = []     # while a functionalizing re-trace runs: its {id(old value): new value} map


def note_mutation(old, new):
    """Within a decomposition: ``old`` (an input) now holds ``new``'s value, which the graph returns."""
    if _mutations:
        _update(_mutations[-1], old, new)


def _update(current, old, new):
    for key, value in current.items():
        if value is old:            # ``old`` is itself the latest value of an earlier input
            current[key] = new
            return
    current[id(old)] = new


def retrace(graph, inputs, table, attrs=None, functionalize=False, renamed=None):
    """The new graph: ``graph`` re-recorded on ``inputs`` (one value per placeholder, in order;
    ``attrs`` gives the values of ``get_attr`` nodes) with the overloads of ``table`` replaced by their
    decompositions. Unused results are dropped.

    With ``functionalize``, in-place overloads are recorded as their out-of-place forms and each
    changed input's final value is returned first: the result is ``(graph, [(placeholder name, node),
    ...])`` for the changed inputs, in input order. ``renamed`` (a dict), if given, is filled with each
    old value's name -> the name of the node holding it in the new graph."""
    from ember.export._tracer import OpTracer, TracedTensor
    new_graph = Graph()
    tracer = OpTracer(new_graph)
    tracer.track_grad = False
    values, inputs, output = {}, iter(inputs), None
    current = {}          # id(original input value) -> its latest value, when functionalizing
    placeholders = []
    _mutations.append(current)
    try:
        for node in graph.nodes:
            output = _retrace_node(node, new_graph, tracer, values, inputs, table, attrs, functionalize, current,
                                   placeholders) or output
    finally:
        _mutations.pop()
    if renamed is not None:
        for old, value in values.items():
            new = tracer.node_of(value) if isinstance(value, TracedTensor) else None
            if new is not None:
                renamed[old.name] = new.name
    mutated = [(name, current[id(values[p])]) for name, p in placeholders if id(values[p]) in current]
    outs = map_arg(output.args[0], lambda n: values[n])

    def as_node(v):
        return tracer.node_of(v) if isinstance(v, TracedTensor) else v
    out_nodes = tuple(as_node(v) for v in outs) if isinstance(outs, (tuple, list)) else as_node(outs)
    if functionalize:
        mutated = [(name, as_node(v)) for name, v in mutated]
        out_nodes = tuple(n for _, n in mutated) + tuple(out_nodes)
    new_graph.output(out_nodes)
    for node in reversed(list(new_graph.nodes)):
        # the unused results of multi-output ops (a batch norm's saved statistics), and dead ops
        if node.op == 'call_function' and not node.users and not node.is_impure():
            new_graph.erase_node(node)
    untrack(tracer)
    return (new_graph, mutated) if functionalize else new_graph


def _retrace_node(node, new_graph, tracer, values, inputs, table, attrs, functionalize, current, placeholders):
    from ember.export._export import placeholder
    from ember.export._tracer import run_traced
    if node.op == 'placeholder':
        value = next(inputs)
        new = placeholder(new_graph, node.name)
        new.meta = copy.copy(node.meta)
        if hasattr(value, 'detach'):
            values[node] = tracer.track(value.detach().clone(), new,
                                        getattr(node.meta.get('tensor_meta'), 'requires_grad', False))
            placeholders.append((node.name, node))
        else:
            values[node] = value
            new.meta['val'] = value
    elif node.op == 'output':
        return node
    elif node.op == 'get_attr':
        new = new_graph.get_attr(node.target)
        new.meta = copy.copy(node.meta)
        values[node] = tracer.track(attrs[node.target].detach(), new)
    elif node.op == 'call_function':
        def latest(n):
            v = values[n]
            return current.get(id(v), v)
        args = map_arg(node.args, latest)
        kwargs = map_arg(node.kwargs, latest)
        if node.target is operator.getitem:
            values[node] = args[0][args[1]]
            return None
        tracer.stack_trace = node.meta.get('stack_trace')
        tracer.module_stack_meta = node.meta.get('nn_module_stack', {})
        target = node.target
        if functionalize and _is_inplace(target):
            # x.add_(1) becomes add(x, 1), and x's later uses (and the program's result for x) the new value
            functional = _functional(target)
            result = run_traced(tracer, lambda: functional(*args, **kwargs), ())
            _update(current, args[0], result)
            values[node] = result
            return None
        fn = table.get(target, target)
        values[node] = run_traced(tracer, lambda: fn(*args, **kwargs), ())
    else:
        raise NotImplementedError(f're-tracing {node.op} nodes is not supported by ember')
    return None


def _is_inplace(target):
    schema = getattr(target, '_schema', None)
    return schema is not None and schema.args and '!' in schema.args[0].type and \
        target._packet._name.endswith('_') and not any(a.kw_only and '!' in a.type for a in schema.args)


def _functional(target):
    from ember.export import _aten
    name = target._packet._name[:-1]
    packet = _aten.packet(name)
    if packet is None or target._overloadname not in packet.overloads():
        raise NotImplementedError(f'run_decompositions: ember cannot make {target} functional')
    return getattr(packet, target._overloadname)


def untrack(tracer):
    """The tracer's tensors go back to plain ones: outside a trace nothing should dispatch to them."""
    from ember._tensor import Tensor
    from ember.export._tracer import TracedTensor
    for t, _ in tracer.nodes.values():
        if type(t) is TracedTensor:
            t.__class__ = Tensor
