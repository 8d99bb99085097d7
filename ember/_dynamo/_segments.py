"""Graph breaks that split a compiled call into graphs, as PyTorch's compiler splits it.

A call whose code breaks the graph (a data-dependent ``if`` on a tensor, ``print``, ``.item()``,
``.tolist()``, ``.numpy()``, ``.backward()``) is traced from start to end (on its first call, and
later where it leaves the plan the earlier calls made, ``_plan``): the traced operations since the
last break form a graph; at a break that graph is closed, its outputs being the traced values
still alive (those held by the code's variables and the value the break needs), handed to the
backend (once per distinct graph: later calls find it by its code and input signature) and run on
the real inputs; the break then runs eagerly on the real values, and tracing
resumes in a new graph whose inputs are the values carried over. The shapes and branches the traced
code reads come from the tracer's copies (``CaptureTracer``); what the user sees (returned,
printed, ``.item()``) comes from the backend's graphs. Each graph and break is noted as a step of
the plan, so that calls that follow the same way run them without tracing.
"""
import weakref

from ember._dynamo import _plan
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
        self.writes = None                  # the changes the code made to its container arguments (``_returns``)

    def proxy(self, node):
        proxy = ValueProxy(node, self)
        if node.op != 'placeholder':
            self.alive.add(proxy)
        return proxy

    def create_proxy(self, kind, target, args, kwargs, *rest, **more):
        if kind == 'call_method' and target in METHOD_REASONS:
            this, *others = args
            if isinstance(this, ValueProxy):
                run = self.run
                run.cut(METHOD_REASONS[target], first=this)
                action = run.action('method', target, this, tuple(others), kwargs)
                return run.at_break(action, lambda: getattr(run.actual_of(this), target)(*run.actuals(others),
                                                                                     **run.actuals(kwargs)))
        return super().create_proxy(kind, target, args, kwargs, *rest, **more)

    def create_output_arg(self, result):
        """The result; where the code changed containers it was given, with the traced values of their final
        items (``SegmentedRun`` writes them into the caller's containers)."""
        from ember._dynamo._returns import Writes
        changed = self.changed_containers()
        if not changed:
            return super().create_output_arg(result)
        self.writes = Writes(self, changed)
        return super().create_output_arg((result, self.writes.proxies))

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
                if 'leaf' in node.meta:         # a tensor inside a container argument
                    placeholder.meta['leaf'] = node.meta['leaf']
            else:
                source = self.run.hints.get(node) or f'stack{len(self.carried)}'
                placeholder = self.graph.create_node('placeholder', source, (), {})
                placeholder.meta['carried'] = node
                placeholder.meta['source'] = source
            self.real[placeholder] = self.real[node]
            self.carried[node] = placeholder
        return self.carried[node]

    def from_outside(self, value, name=None):
        """What code run outside the graphs returned (a disabled function's result), as inputs of the
        graph that goes on (``stack0``, as PyTorch names a value left on the stack; ``stack0_1`` the
        second item of a tuple left there)."""
        from ember import Tensor
        name = name or f'stack{len(self.carried)}'
        if isinstance(value, Tensor) and not isinstance(value, Proxy):
            key = object()
            self.run.actual[key] = value
            self.run.slot[key] = (len(self.run.steps) - 1, 'o', self.run.outside)
            self.run.outside += 1
            node = self.graph.create_node('placeholder', name, (), {})
            node.meta['carried'] = key
            node.meta['source'] = node.target
            self.real[node] = _shadow(value)
            self.carried[key] = node
            return self.proxy(node)
        if isinstance(value, (tuple, list)):
            return type(value)(self.from_outside(v, f'{name}_{i}') for i, v in enumerate(value))
        return value

    def skipped_call(self, fn, args, kwargs):
        from ember._dynamo._marked import SKIPPED_REASON
        return self.run.eager_call(fn, args, kwargs, SKIPPED_REASON)

    def to_bool(self, obj):
        run = self.run
        run.cut(BOOL_REASON, first=obj)
        return run.at_break(run.action('bool', obj), lambda: bool(run.actual_of(obj)))

    def iter(self, obj):
        # the loop runs on real tensors, outside any graph: only a trace can run it
        run = self.run
        run.cut(BOOL_REASON, first=obj)
        return run.at_break(('trace',), lambda: iter(run.actual_of(obj)))


class SegmentedRun:
    """One call of ``compiled`` (a ``CompiledCallable``) run graph by graph; ``breaks`` lists the
    reasons of the breaks it met, ``graphs`` the graphs it ran."""

    def __init__(self, compiled, arguments, graphs, on_break=None, name_stores=True, caught_up=(), first=True):
        self.compiled = compiled
        self.cache = graphs
        self.on_break = on_break        # called with (reason, logged reason) at each break
        self.name_stores = name_stores  # watch variable stores to name nodes (new graphs are expected)
        self.arguments = arguments
        self.actual = {}            # node -> the real value the backend's graph gave it
        self.breaks = []
        self.hints = {}
        # the plan's steps this call already ran (``_plan.Done``): the trace replays them
        self.caught_up = list(caught_up)
        self.graphs = [done.step.compiled for done in self.caught_up if done.step.compiled is not None]
        self.steps = []             # the plan's steps this call took, and the outcome of each one's break
        self.outcomes = []
        self.slot = {}              # node (or a disabled function's tensor) -> its slot in the plan
        self.outside = 0            # tensors a disabled function returned, counted for their slots
        self.recordable = True      # False where the trace left the steps it replays
        self.first = first          # the guard key's first call (later ones meeting a new graph recompile)

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
        last = len(self.steps) - 1
        step = self.steps[last]
        if step.action is None:
            slots = {node: _plan.Ref(('slot', (last, j))) for j, node in enumerate(leaves)}
            step.action = ('return', _rebuild(structure, slots))
        self.outcomes.append(None)
        result = _rebuild(structure, values)
        if self.tracer.writes is not None:
            result, written = result
            self.tracer.writes.apply(written, self.arguments)
        return result

    def eager_call(self, fn, args, kwargs, reason=DISABLED_REASON):
        """A disabled function called by the traced code (or one ``disallow_in_graph`` marked): a graph
        break, then ``fn`` on real values."""
        self.cut(reason)

        def call():
            # the disabled function runs as outside any capture: ``is_compiling()`` is False in it
            from ember._dynamo import _tracer
            self.names.paused = True
            capturing, _tracer.ACTIVE[:] = _tracer.ACTIVE[:], []
            try:
                return fn(*self.actuals(args), **self.actuals(kwargs))
            finally:
                _tracer.ACTIVE[:] = capturing
                self.names.paused = False
        out = self.at_break(self.action('call', fn, args, kwargs), call)
        self.outside = 0
        return self.tracer.from_outside(out)

    def _on_print(self):
        if not self.names.paused:
            self.cut(PRINT_REASON)
            self.at_break(('trace',), lambda: None)     # print runs in the traced code

    def action(self, kind, *parts):
        """A break's action for the plan: its values as ``_plan.Ref``s, or ``('trace',)`` where it
        takes values that are not the graphs' (only the traced code can run it then)."""
        try:
            return (kind,) + tuple(self._template(p) for p in parts)
        except _Untemplatable:
            return ('trace',)

    def _template(self, value):
        from ember import Tensor
        if isinstance(value, ValueProxy):
            return _plan.Ref(self._canon(value.node))
        if isinstance(value, (Proxy, Tensor)):
            raise _Untemplatable
        if isinstance(value, (tuple, list)):
            return type(value)(self._template(v) for v in value)
        if isinstance(value, dict):
            return {k: self._template(v) for k, v in value.items()}
        return value

    def _canon(self, node):
        """Where a value comes from, the same in every trace: ``('slot', slot)``, ``('arg', name)``
        or ``('state', state)``."""
        while node not in self.slot:
            meta = node.meta
            if 'carried' in meta:
                node = meta['carried']
            elif 'state' in meta:
                return ('state', meta['state'])
            elif 'arg' in meta:
                return ('arg', meta['arg'])
            else:
                raise _Untemplatable
        return ('slot', self.slot[node])

    def at_break(self, action, perform):
        """The break that the last cut closed a graph for: notes its action and outcome, and returns
        its result (``perform()``, or what it gave when this call replayed it)."""
        at = len(self.steps) - 1
        step = self.steps[at]
        if step.action is None:
            step.action = action
        if at < len(self.caught_up) and step.action[0] != 'trace':
            result = self.caught_up[at].result
        else:
            result = perform()
        self.outcomes.append(_plan.outcome(step.action, result))
        return result

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
        return self.arguments[node.meta.get('arg', node.target)]     # (a closed graph renamed it L_x_)

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
            # nothing traced since the last break: PyTorch counts no break here either
            self._take_step(None, (), (), None)
            return
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
        at = len(self.steps) - 1
        for j, node in enumerate(live):
            self.slot[node] = (at, j)
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
        key = (_structure(graph, self.tracer.root), _signature(values))
        replayed = self._take_step(key, sources, values, graph)
        if replayed is not None:
            return replayed.outputs
        if not any(n.op not in ('placeholder', 'output') for n in graph.nodes):
            # it computes nothing (the call returns values it has): no graph for the backend, as in PyTorch
            compiled = _passing_on(graph)
        else:
            if key not in self.cache:       # a new graph: named for its code (a known one runs without codegen)
                name_nodes(graph, self.hints)
            resumes = None
            if not self.first:         # where the code this graph runs starts, named as PyTorch's frames
                before = self.steps[-2].where if len(self.steps) > 1 else None
                code = getattr(getattr(self.tracer.traced, 'forward', self.tracer.traced), '__code__', None)
                name = code.co_name if code else type(self.tracer.traced).__name__
                resumes = ((before[0], f'torch_dynamo_resume_in_{name}_at_{before[1]}', before[1]) if before else
                           (code.co_filename if code else '<unknown>', name, code.co_firstlineno if code else 0))
            compiled = self.compiled.compile_graph(self.cache, key, self.tracer.root, graph, values, resumes)
            if compiled is None:            # run eagerly (the stance): the graph as traced, no backend, no plan
                from ember.fx.graph_module import GraphModule
                compiled = GraphModule(self.tracer.root, graph, 'GraphModule').forward
                self.recordable = False
        self.graphs.append(compiled)
        self.steps[-1].compiled = compiled
        return compiled(*values)

    def _take_step(self, key, sources, values, graph):
        """Notes the plan's next step (``key``: the graph's, or None where a break closed none);
        returns the ``_plan.Done`` of this call's replay where that step already ran."""
        at = len(self.steps)
        if at < len(self.caught_up):
            done = self.caught_up[at]
            if done.step.key == key:
                self.steps.append(done.step)
                return done
            # the code took another way than when the plan was made: go on tracing, keep no plan
            del self.caught_up[at:]
            self.recordable = False
        try:
            canon = tuple(self._canon_source(where, name) for where, name in sources)
        except _Untemplatable:
            canon, self.recordable = (), False
        step = _plan.Step(key, None, canon, _signature(values))
        step.where = _user_line()
        self.steps.append(step)
        return None

    def _canon_source(self, where, name):
        return self._canon(name) if where == 'carried' and not isinstance(name, str) else (where, name)

    def _source_value(self, where, name):
        if where == 'carried':
            return self.actual[name] if name in self.actual else self._input_actual(name)
        if where == 'state':
            return lookup_state(self.tracer.traced, name)
        return self.arguments[name]


def _user_line():
    """``(filename, line)`` of the user's code running now (a break's place), or None."""
    import sys
    from ember._dynamo._tracer import _is_ember_file
    frame = sys._getframe(1)
    while frame is not None and _is_ember_file(frame.f_code.co_filename):
        frame = frame.f_back
    return None if frame is None else (frame.f_code.co_filename, frame.f_lineno)


def _passing_on(graph):
    """For a graph without operations: a callable giving back the inputs it returns."""
    inputs = [n for n in graph.nodes if n.op == 'placeholder']
    output = next(n for n in graph.nodes if n.op == 'output')
    picks = [inputs.index(n) for n in output.args[0]]
    return lambda *values: tuple(values[i] for i in picks)


class _Untemplatable(Exception):
    """A break's value that is not one of the graphs' (the plan cannot name it)."""


def _structure(graph, root):
    """What a graph computes, independent of its nodes' names: a later call's graph finds the
    backend's callable by it without generating code. A tensor the traced code made (a constant of
    the graph: a row of a tensor iterated over, ``tensor(x.item())``) counts by its values."""
    index = {}
    items = []
    for i, node in enumerate(graph.nodes):
        index[node] = i
        if node.op == 'placeholder':
            # a graph's callable serves any inputs of its signature: where they come from (an argument
            # or an earlier graph) is the plan's concern, a module's state excepted (its type is printed)
            where, name = node.meta['input']
            items.append(('placeholder', name) if where == 'state' else ('placeholder',))
        elif node.op == 'get_attr':
            items.append(('get_attr', node.target, _constant_key(root, node.target)))
        else:
            items.append((node.op, node.target, _frozen(node.args, index), _frozen(node.kwargs, index)))
    return tuple(items)


def _constant_key(root, target):
    from ember import Tensor
    value = root
    for name in target.split('.'):
        value = getattr(value, name)
    if isinstance(value, Tensor):
        try:
            return (value.dtype, tuple(value.shape), value.detach().cpu().numpy().tobytes())
        except (TypeError, RuntimeError):      # a dtype NumPy has not: the tensor itself
            pass
    return id(value)


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


_signature = _plan.signature


def _position(graph):
    order = {n: i for i, n in enumerate(graph.nodes)}
    return lambda n: order[n]


def _rebuild(structure, values):
    from ember.fx.node import Node
    if isinstance(structure, Node):
        return values[structure]
    if isinstance(structure, tuple):
        items = [_rebuild(v, values) for v in structure]
        return type(structure)(*items) if hasattr(structure, '_fields') else type(structure)(items)
    if isinstance(structure, list):         # (fx's immutable_list: the code returned a list)
        return [_rebuild(v, values) for v in structure]
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
