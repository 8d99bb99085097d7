"""``make_fx``: trace a function into a graph of ATen operators (``aten.addmm.default``), with the same
op-level tracer as ``ember.export``."""
import inspect

import ember.nn as nn
from ember._tensor import Tensor

_MODES = ('real', 'fake', 'symbolic')


def make_fx(f, decomposition_table=None, tracing_mode='real', _allow_non_fake_inputs=False, *,
            pre_dispatch=False, record_module_stack=False, _allow_fake_constant=False,
            _error_on_data_dependent_ops=True, record_stack_traces=False, proxy_module_inputs=False,
            _disable_torch_fn_metadata_mode=False):
    """A function that, called with example inputs, traces ``f`` on them and returns a ``GraphModule``
    of the ATen operators it ran.

    Args:
        f (callable): the function (tensors in, tensors out).
        decomposition_table (dict, optional): overload -> function to record instead of it.
        tracing_mode (str): ``'real'``; ``'fake'`` and ``'symbolic'`` trace the same way on the real
            values (ember has no fake tensors), so sizes are those of the example.
        pre_dispatch (bool): keep the operators as called (``aten.linear``) instead of lowering them
            as PyTorch's autograd layer does (``aten.t`` and ``aten.addmm``).
        record_stack_traces (bool): keep each node's stack trace in ``node.meta['stack_trace']``.

    Example:
        >>> from ember.fx.experimental.proxy_tensor import make_fx
        >>> gm = make_fx(lambda x, w: F.linear(x, w).relu())(ember.ones(2, 3), ember.ones(4, 3))
        >>> [str(n.target) for n in gm.graph.nodes if n.op == 'call_function']
        ['aten.t.default', 'aten.mm.default', 'aten.relu.default']
    """
    if tracing_mode not in _MODES:
        raise AssertionError(f'Unexpected tracing type: {tracing_mode}')
    for flag, name in ((record_module_stack, 'record_module_stack'), (proxy_module_inputs, 'proxy_module_inputs')):
        if flag:
            raise NotImplementedError(f'make_fx({name}=True) is not supported by ember')

    def wrapped(*args):
        return _trace(f, args, decomposition_table, pre_dispatch, record_stack_traces)
    return wrapped


def _placeholder_names(f, n):
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        params = []
    names = []
    for p in params:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            break
        names.append(f'{p.name}_1')
    if len(names) < n:     # *args: PyTorch's arg0_1, arg1_1, ...
        return [f'arg{i}_1' for i in range(n)]
    return names[:n]


def _trace(f, args, decomposition_table, pre_dispatch, record_stack_traces):
    from ember.export._export import placeholder
    from ember.export._internal_calls import recording_internal_calls
    from ember.export._retrace import retrace, untrack
    from ember.export._tracer import OpTracer, run_traced
    from ember.export.decomp_utils import autograd_decompositions
    from ember.fx.graph import Graph
    from ember.fx.graph_module import GraphModule
    graph = Graph()
    constants = {}

    def lift_constant(value):
        # a tensor the function closes over: read from the module just before its first use, as
        # PyTorch's _param_constant0 (parameters) and _tensor_constant0 (other tensors); never one
        # computed from the inputs out of the trace's sight
        watcher.check_value(value)
        kind = '_param_constant' if isinstance(value, nn.Parameter) else '_tensor_constant'
        name = f'{kind}{sum(1 for k in constants if k.startswith(kind))}'
        constants[name] = value
        return graph.get_attr(name)
    tracer = OpTracer(graph, lift_constant=lift_constant)
    traced = []
    for name, a in zip(_placeholder_names(f, len(args)), args):
        node = placeholder(graph, name)
        if isinstance(a, Tensor):
            traced.append(tracer.track(a.detach().clone(), node))
        else:
            node.meta['val'] = a
            traced.append(a)

    def run(*a):
        if isinstance(f, nn.Module):
            watcher.attributes.mod = f
            watcher.attributes(f, a)
        else:
            watcher.attributes.swap_function(f)
        return f(*a)
    with recording_internal_calls() as watcher:
        out = run_traced(tracer, run, traced)
        flat = out if isinstance(out, (tuple, list)) else (out,)
        nodes = [tracer.node_of(o) if isinstance(o, Tensor) else o for o in flat]
    graph.output(tuple(nodes) if isinstance(out, (tuple, list)) else nodes[0])
    untrack(tracer)
    table = {} if pre_dispatch else dict(autograd_decompositions())
    table.update(decomposition_table or {})
    if table:
        graph = retrace(graph, list(args), table, constants)
    if not record_stack_traces:
        for n in graph.nodes:
            n.meta.pop('stack_trace', None)
    root = nn.Module()
    for name, value in constants.items():
        root.register_buffer(name, value)
    return GraphModule(root, graph)


def get_proxy_mode():
    """The tracer recording the running program while ``make_fx`` or ``ember.export`` traces it (PyTorch's
    proxy mode), else None: libraries ask it before reading tensor values they cannot trace."""
    from ember.export._tracer import _tracer
    return _tracer()
