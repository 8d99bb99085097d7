"""``torch._dynamo.explain``: what compiling a function captured (graphs, graph breaks and their reasons,
the operations in each graph)."""
from ember._dynamo import _capture


class ExplainOutput:
    """The result of ``explain(fn)(*args)``: ``graphs``, ``graph_count``, ``graph_break_count``,
    ``break_reasons``, ``op_count``, ``ops_per_graph``.

    Example::

        >>> out = ember._dynamo.explain(lambda x: x.sin() + 1)(ember.ones(2))
        >>> out.graph_count, out.graph_break_count, out.op_count
        (1, 0, 1)
    """

    def __init__(self, graphs, graph_count, graph_break_count, break_reasons, op_count, ops_per_graph=None,
                 out_guards=None, compile_times=None):
        self.graphs, self.graph_count, self.graph_break_count = graphs, graph_count, graph_break_count
        self.break_reasons, self.op_count, self.ops_per_graph = break_reasons, op_count, ops_per_graph
        self.out_guards, self.compile_times = out_guards, compile_times

    def __str__(self):
        lines = [f"Graph Count: {self.graph_count}", f"Graph Break Count: {self.graph_break_count}",
                 f"Op Count: {self.op_count}", "Break Reasons:"]
        for i, br in enumerate(self.break_reasons, 1):
            lines += [f"  Break Reason {i}:", f"    Reason: {br.reason}", "    User Stack:"]
            lines += [f"      <FrameSummary file {f}, line {ln} in {name}>" for f, ln, name in br.user_stack]
        if self.ops_per_graph is not None:
            lines.append("Ops per Graph:")
            for i, ops in enumerate(self.ops_per_graph, 1):
                lines.append(f"  Ops {i}:")
                lines += [f"    {op}" for op in ops]
        return '\n'.join(lines) + '\n'


def _ops(gm):
    return [n.target for n in gm.graph.nodes if n.op == 'call_function']


def explain(f, *extra_args, **extra_kwargs):
    """``explain(f)(*args, **kwargs)`` compiles ``f``, calls it once, and returns an ``ExplainOutput``
    describing the captured graphs and graph breaks (the compile caches are reset first).

    Example::

        >>> def f(x):
        ...     if x.sum() > 0:
        ...         return x + 1
        ...     return x - 1
        >>> out = ember._dynamo.explain(f)(ember.ones(2))
        >>> out.graph_break_count, out.break_reasons[0].reason
        (1, 'generic_jump TensorVariable()')
    """
    def inner(*args, **kwargs):
        from ember._dynamo import reset
        from ember._dynamo._capture import CompiledCallable
        reset()
        graphs = []

        def record(gm, example_inputs):
            graphs.append(gm)
            return gm.forward
        CompiledCallable(f, record, False, None)(*args, **kwargs)
        breaks = list(_capture._RECORD['breaks'])
        ops = [_ops(gm) for gm in graphs]
        return ExplainOutput(graphs, len(graphs), len(breaks), breaks, sum(map(len, ops)), ops)

    if extra_args or extra_kwargs:
        import warnings
        warnings.warn("explain(f, *args, **kwargs) is deprecated, use explain(f)(*args, **kwargs) instead.  If you "
                      "don't migrate, we may break your explain call in the future if your user defined kwargs "
                      "conflict with future kwargs added to explain(f).", FutureWarning, stacklevel=2)
        return inner(*extra_args, **extra_kwargs)
    return inner
