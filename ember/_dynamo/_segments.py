"""Graph breaks that split a compiled call into graphs, as PyTorch's compiler splits it.

A call whose code breaks the graph (a data-dependent ``if`` on a tensor, ``print``, ``.item()``,
``.tolist()``, ``.numpy()``, ``.backward()``) runs traced from start to end on every call: the
traced operations since the last break form a graph; at a break that graph is closed, its outputs
being the traced values still alive (those held by the code's variables and the value the break
needs), handed to the backend (once per distinct graph: later calls find it by its code and input
signature) and run on the real inputs; the break then runs eagerly on the real values, and tracing
resumes in a new graph whose inputs are the values carried over. The shapes and branches the traced
code reads come from the tracer's copies (``CaptureTracer``); what the user sees (returned,
printed, ``.item()``) comes from the backend's graphs.
"""
import weakref

from ember._dynamo._tracer import ACTIVE, CaptureTracer, StoreNames, ValueProxy, _shadow, lookup_state, name_nodes
from ember.fx.node import map_arg
from ember.fx.proxy import Proxy

# PyTorch's words for each break (the first line of its reason); a branch's is logged in other words
BOOL_REASON = 'generic_jump TensorVariable()'
BOOL_LOGGED = 'Data-dependent branching'
PRINT_REASON = 'Failed to trace builtin operator'
DISABLED_REASON = 'Skip calling `ember.compiler.disable()`d function'
METHOD_REASONS = {'item': 'Unsupported Tensor.item() call with capture_scalar_outputs=False',
                  'tolist': 'Unsupported Tensor.tolist() call', 'numpy': 'Unsupported Tensor.numpy() call',
                  'backward': 'Unsupported Tensor.backward() call'}


class SegmentTracer(CaptureTracer):
    """A ``CaptureTracer`` that closes and runs its graph at each break and goes on in a new one."""

    def __init__(self, run, real_inputs, root_name):
        super().__init__(real_inputs, root_name)
        self.run = run
        self.alive = weakref.WeakSet()      # the proxies the code may still hold
        self.carried = {}                   # node of an earlier graph -> its placeholder in this one

    def proxy(self, node):
        proxy = ValueProxy(node, self)
        if node.op != 'placeholder':
            self.alive.add(proxy)
        return proxy

    def create_proxy(self, kind, target, args, kwargs, *rest, **more):
        if kind == 'call_method' and target in METHOD_REASONS:
            this, *others = args
            if isinstance(this, ValueProxy):
                self.run.cut(METHOD_REASONS[target], first=this)
                return getattr(self.run.actual_of(this), target)(*self.run.actuals(others),
                                                                 **self.run.actuals(kwargs))
        return super().create_proxy(kind, target, args, kwargs, *rest, **more)

    def create_arg(self, a):
        if isinstance(a, ValueProxy) and a.node.graph is not self.graph:
            return self._carry(a.node)
        return super().create_arg(a)

    def _carry(self, node):
        """A value of an earlier graph, as an input of this one."""
        if node not in self.carried:
            if node.op == 'placeholder' and 'state' in node.meta:
                return self.state_input(lookup_state(self.traced, node.meta['state'])).node
            if node.op == 'placeholder' and 'arg' in node.meta:
                placeholder = self.graph.create_node('placeholder', node.meta['arg'], (), {})
                placeholder.meta['arg'] = node.meta['arg']
            else:
                source = self.run.hints.get(node) or f'stack{len(self.carried)}'
                placeholder = self.graph.create_node('placeholder', source, (), {})
                placeholder.meta['carried'] = node
                placeholder.meta['source'] = source
            self.real[placeholder] = self.real[node]
            self.carried[node] = placeholder
        return self.carried[node]

    def from_outside(self, value):
        """What code run outside the graphs returned (a disabled function's result), as inputs of the
        graph that goes on (``stack0``, as PyTorch names a value left on the stack)."""
        from ember import Tensor
        if isinstance(value, Tensor) and not isinstance(value, Proxy):
            key = object()
            self.run.actual[key] = value
            node = self.graph.create_node('placeholder', f'stack{len(self.carried)}', (), {})
            node.meta['carried'] = key
            node.meta['source'] = node.target
            self.real[node] = _shadow(value)
            self.carried[key] = node
            return self.proxy(node)
        if isinstance(value, (tuple, list)):
            return type(value)(self.from_outside(v) for v in value)
        return value

    def to_bool(self, obj):
        self.run.cut(BOOL_REASON, first=obj)
        return bool(self.run.actual_of(obj))

    def iter(self, obj):
        self.run.cut(BOOL_REASON, first=obj)
        return iter(self.run.actual_of(obj))


class SegmentedRun:
    """One call of ``compiled`` (a ``CompiledCallable``) run graph by graph; ``breaks`` lists the
    reasons of the breaks it met, ``graphs`` the graphs it ran."""

    def __init__(self, compiled, arguments, graphs, on_break=None, name_stores=True):
        self.compiled = compiled
        self.cache = graphs
        self.on_break = on_break        # called with (reason, logged reason) at each break
        self.name_stores = name_stores  # watch variable stores to name nodes (new graphs are expected)
        self.arguments = arguments
        self.actual = {}            # node -> the real value the backend's graph gave it
        self.breaks = []
        self.graphs = []
        self.hints = {}

    def __call__(self, fn, constants):
        from ember._dynamo._capture import _print_breaks_graph
        from ember.nn import Module
        from ember.fx._symbolic_trace import _is_from_ember_nn
        root_name = 'fn' if isinstance(fn, Module) and _is_from_ember_nn(fn) else 'self'
        self.tracer = SegmentTracer(self, self.arguments, root_name)
        with _print_breaks_graph(on_print=self._on_print), StoreNames(self.name_stores) as names:
            self.names = names
            self.hints = names.hints
            graph = self.tracer.trace(fn, constants or None)
        output = next(n for n in graph.nodes if n.op == 'output')
        leaves = []
        map_arg(output.args[0], lambda n: leaves.append(n) or n)
        structure = output.args[0]
        output.args = (tuple(leaves),)
        self.names.paused = True
        values = dict(zip(leaves, self._close(graph, leaves)))
        return _rebuild(structure, values)

    def eager_call(self, fn, args, kwargs):
        """A disabled function called by the traced code: a graph break, then ``fn`` on real values."""
        self.cut(DISABLED_REASON)
        self.names.paused = True
        try:
            out = fn(*self.actuals(args), **self.actuals(kwargs))
        finally:
            self.names.paused = False
        return self.tracer.from_outside(out)

    def _on_print(self):
        if not self.names.paused:
            self.cut(PRINT_REASON)

    def actual_of(self, proxy):
        return self.actual[proxy.node] if proxy.node in self.actual else self._input_actual(proxy.node)

    def actuals(self, value):
        if isinstance(value, ValueProxy):
            return self.actual_of(value)
        if isinstance(value, (tuple, list)):
            return type(value)(self.actuals(v) for v in value)
        if isinstance(value, dict):
            return {k: self.actuals(v) for k, v in value.items()}
        return value

    def _input_actual(self, node):
        if 'carried' in node.meta:
            return self.actual[node.meta['carried']]
        if 'state' in node.meta:
            return lookup_state(self.tracer.traced, node.meta['state'])
        return self.arguments[node.target]

    def cut(self, reason, first=None):
        """Closes the graph so far at a break: its live values become its outputs and get their real
        values; tracing goes on in a new graph."""
        from ember.fx.graph import Graph
        tracer = self.tracer
        graph = tracer.graph
        live = [p.node for p in list(tracer.alive) if p.node.graph is graph and p.node.op != 'placeholder']
        live = sorted(set(live), key=_position(graph))
        if first is not None and first.node in live:
            live.remove(first.node)
            live.insert(0, first.node)
        if not any(n.op not in ('placeholder', 'output') for n in graph.nodes):
            return          # nothing traced since the last break: PyTorch counts no break here either
        self.breaks.append(reason)
        if self.on_break is not None:
            self.on_break(reason, BOOL_LOGGED if reason == BOOL_REASON else reason)
        graph.create_node('output', 'output', (tuple(live),), {})
        self.names.paused = True          # the backend's code and graph run now, not the traced code
        try:
            values = self._close(graph, live)
        finally:
            self.names.paused = False
        self.actual.update(zip(live, values))
        tracer.graph = Graph(tracer_cls=type(tracer))
        tracer.state_inputs = {}
        tracer.carried = {}

    def _close(self, graph, outputs):
        """Compiles (once per distinct graph) and runs ``graph``; returns its outputs' real values."""
        from ember._dynamo._capture import _name_inputs
        for node in list(graph.nodes):
            if node.op == 'placeholder' and not node.users:
                graph.erase_node(node)
        graph.eliminate_dead_code()
        tensors = [n.meta['arg'] for n in graph.nodes if n.op == 'placeholder' and 'arg' in n.meta]
        sources = _name_inputs(graph, tensors, list(self.arguments), self.tracer.root_name)
        values = [self._source_value(where, name) for where, name in sources]
        key = (_structure(graph), _signature(values))
        if key not in self.cache:       # a new graph: named for its code (a known one runs without codegen)
            name_nodes(graph, self.hints)
        compiled = self.compiled.compile_graph(self.cache, key, self.tracer.root, graph, values)
        self.graphs.append(compiled)
        return compiled(*values)

    def _source_value(self, where, name):
        if where == 'carried':
            return self.actual[name] if name in self.actual else self._input_actual(name)
        if where == 'state':
            return lookup_state(self.tracer.traced, name)
        return self.arguments[name]


def _structure(graph):
    """What a graph computes, independent of its nodes' names: a later call's graph finds the
    backend's callable by it without generating code."""
    index = {}
    items = []
    for i, node in enumerate(graph.nodes):
        index[node] = i
        if node.op == 'placeholder':
            where, name = node.meta['input']
            items.append(('placeholder', where, None if where == 'carried' else name))
        else:
            items.append((node.op, node.target, _frozen(node.args, index), _frozen(node.kwargs, index)))
    return tuple(items)


def _frozen(value, index):
    from ember.fx.node import Node
    if isinstance(value, Node):
        return ('node', index[value])
    if isinstance(value, (tuple, list)):
        return (type(value).__name__,) + tuple(_frozen(v, index) for v in value)
    if isinstance(value, dict):
        return ('dict',) + tuple((k, _frozen(v, index)) for k, v in value.items())
    try:
        hash(value)
    except TypeError:
        return (type(value).__name__, repr(value))
    return (type(value).__name__, value)


def _signature(values):
    from ember import Tensor
    return tuple((v.dtype, tuple(v.shape), str(v.device), v.requires_grad) if isinstance(v, Tensor)
                 else (type(v), repr(v)) for v in values)


def _position(graph):
    order = {n: i for i, n in enumerate(graph.nodes)}
    return lambda n: order[n]


def _rebuild(structure, values):
    from ember.fx.node import Node
    if isinstance(structure, Node):
        return values[structure]
    if isinstance(structure, (tuple, list)):
        return type(structure)(_rebuild(v, values) for v in structure)
    if isinstance(structure, dict):
        return {k: _rebuild(v, values) for k, v in structure.items()}
    return structure


def call_disabled(fn, args, kwargs):
    """A call of a function marked with ``ember.compiler.disable``: as it is outside a capture; inside
    one, a graph break around an eager call."""
    if not ACTIVE:
        return fn(*args, **kwargs)
    tracer = ACTIVE[-1]
    if isinstance(tracer, SegmentTracer):
        return tracer.run.eager_call(fn, args, kwargs)
    from ember._dynamo._capture import _CannotCapture
    raise _CannotCapture(DISABLED_REASON, True)


def user_break(msg):
    """``ember._dynamo.graph_break()`` inside compiled code: a graph break there."""
    if not ACTIVE:
        return
    reason = (f"Call to `ember._dynamo.graph_break()`\n  Explanation: User-inserted graph break. "
              f"Message: {msg or None}")
    tracer = ACTIVE[-1]
    if isinstance(tracer, SegmentTracer):
        tracer.run.cut(reason)
        return
    from ember._dynamo._capture import _CannotCapture
    raise _CannotCapture(reason, True)
