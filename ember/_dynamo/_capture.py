"""What ``ember.compile`` does on a call: capture the program into an ``fx.GraphModule``, hand it to
the backend once per distinct input signature (the guards), and run what the backend returns.

Capture is ember's ``fx.symbolic_trace``: tensor arguments, and the tensors inside list, tuple, dict and
namedtuple arguments (``_containers``; ``*args`` and ``**kwargs`` are such), become placeholders named as
PyTorch's compiler names them (``L_x_``, read into ``l_x_``; ``L_xs_0_``, ``L_kwargs_mask_``), other
arguments are fixed for the graph (and guarded on), and the graph returns the tensors it computes as a flat
tuple, the call's result rebuilt around them (``_returns``, which also redoes the code's changes to container
arguments). Where capture is impossible (data-dependent control flow) the call runs eagerly and a graph
break is recorded with its reason; ``fullgraph=True`` raises ``Unsupported`` instead.
"""
import builtins
import contextlib
import inspect
import itertools
import logging
import os
import sys
import weakref

from ember import _logging as _logs
from ember.compiler import _STANCE
from ember._dynamo import _containers
from ember._dynamo._python_state import PythonState, reason as python_state_reason
from ember._dynamo.exc import BackendCompilerFailed, FailOnRecompileLimitHit, Unsupported

# everything captured since the last reset: read by explain()
_RECORD = {'graphs': [], 'breaks': []}
_FRAME_IDS = itertools.count()    # numbers compiled callables as PyTorch numbers frames in its logs
_GRAPH_IDS = itertools.count(1)


_CONTAINER_CHANGED = ("Unsupported: the compiled code, split by graph breaks, changes a container it was given; "
                      "later calls run eagerly")


class GraphBreak:
    """Why a call could not be captured: ``reason`` (text) and ``user_stack`` (the function's name and file)."""

    def __init__(self, reason, fn):
        self.reason = reason
        self.graph_break = True
        code = getattr(getattr(fn, 'forward', fn), '__code__', None)
        self.user_stack = [] if code is None else [(code.co_filename, code.co_firstlineno, code.co_name)]

    def __repr__(self):
        return f"GraphBreak(reason={self.reason!r})"


class _CannotCapture(Exception):
    """Why a call cannot be captured as one graph; ``splits``: a graph break that splits it in graphs."""

    def __init__(self, reason, splits=False):
        super().__init__(reason)
        self.splits = splits


def _reason(err):
    text = str(err)
    if 'control flow' in text:
        return 'Data-dependent branching'
    return f'Unsupported: {type(err).__name__}: {text}'


def _bind(fn, args, kwargs):
    """The call's arguments by parameter name (defaults applied; ``*args`` a tuple, ``**kwargs`` a dict: container
    arguments, their tensors graph inputs ``L_args_0_``, ``L_kwargs_mask_`` as PyTorch names them)."""
    target = fn.forward if hasattr(fn, 'forward') and not inspect.isfunction(fn) else fn
    sig, names = _signature_of(target)
    if not kwargs and names is not None and len(args) == len(names):   # all passed by position: no checks
        return dict(zip(names, args))
    bound = sig.bind(*args, **kwargs)
    bound.apply_defaults()
    return bound.arguments


# function -> (bound?, its signature, the names positional arguments fill or None): computed once, not at
# every call
_SIGNATURES = weakref.WeakKeyDictionary()


def _signature_of(target):
    # keyed by the function under a bound method (a fresh object at each attribute read); a bound
    # method's signature leaves out its first parameter, whatever the instance
    fn = getattr(target, '__func__', target)
    bound = fn is not target
    try:
        known = _SIGNATURES.get(fn)
    except TypeError:
        known = None
    if known is not None and known[0] == bound:
        return known[1:]
    sig = inspect.signature(target)
    params = sig.parameters.values()
    # the names that positional arguments fill, when every parameter is positional or keyword
    names = None if any(p.kind != p.POSITIONAL_OR_KEYWORD for p in params) else tuple(sig.parameters)
    try:
        _SIGNATURES[fn] = (bound, sig, names)
    except TypeError:           # not weakly referable: computed at each call
        pass
    return sig, names


# Tensor methods whose results leave the graph (a Python number, an array, gradients written to
# leaves): PyTorch's compiler breaks the graph at them, and tracing on past them would run the code
# after them with proxies (an optimizer step would update the parameters during the trace).
_BREAKING_METHODS = {'backward': 'Tensor.backward() call', 'item': 'Tensor.item() call',
                     'tolist': 'Tensor.tolist() call', 'numpy': 'Tensor.numpy() call'}


def _refuse_breaking_methods(kind, target):
    if kind == 'call_method' and target in _BREAKING_METHODS:
        raise _CannotCapture(f'Unsupported: {_BREAKING_METHODS[target]}', True)


def _trace(fn, arguments, constants):
    from ember.fx._symbolic_trace import _is_from_ember_nn
    from ember.nn import Module
    from ember._dynamo._tracer import CaptureTracer, StoreNames
    from ember._dynamo._untraced_writes import UntracedWrites
    root_name = 'fn' if isinstance(fn, Module) and _is_from_ember_nn(fn) else 'self'
    tracer = CaptureTracer(arguments, root_name, on_proxy=_refuse_breaking_methods)
    tracer.flat_outputs = True
    with StoreNames() as names, UntracedWrites(tracer):
        graph = tracer.trace(fn, constants or None)
    return tracer, graph, root_name, names.hints


_EMBER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@contextlib.contextmanager
def _print_breaks_graph(on_print=None):
    """While tracing, the user's code calling ``print`` ends the capture (the call then runs eagerly,
    printing once), as PyTorch's compiler breaks the graph at ``print``. The call is seen by a profile
    hook of this thread alone (``sys.setprofile``), before ``print`` runs: other threads, and ember's
    own code, print as ever."""
    printer = builtins.print
    previous = sys.getprofile()
    if previous is not None:        # a profiler holds the hook (cProfile's cannot be handed back): run eagerly
        raise _CannotCapture('Unsupported: a profiler is active (sys.setprofile), which ember needs to see print')

    def watch(frame, event, arg):
        if event == 'c_call' and arg is printer and not _in_ember(frame.f_code.co_filename):
            if on_print is None:
                raise _CannotCapture('Unsupported: print() has side effects that a graph cannot hold', True)
            on_print()
    sys.setprofile(watch)
    try:
        yield
    finally:
        sys.setprofile(previous)


def _in_ember(filename):
    return os.path.abspath(filename).startswith(_EMBER_DIR + os.sep)


def capture(fn, arguments, parameters):
    """``(gm, inputs, returns)`` for ``fn`` called with ``arguments`` (name -> value, with the tensors inside
    container arguments by source: ``_containers.expand``) of its ``parameters`` (their names); ``inputs``
    says where each graph input comes from: ``('arg', name)`` or ``('state', state)`` (see
    ``_tracer._states``); ``returns`` rebuilds the call's result from the graph's (``_returns``)."""
    from ember._dynamo._containers import holds_unflattened_tensor
    from ember._dynamo._tracer import name_nodes
    from ember import Tensor
    tensors = {n for n, v in arguments.items() if isinstance(v, Tensor)}      # (a set: a long list holds many)
    constants = {n: arguments[n] for n in parameters if n not in tensors}
    if any(holds_unflattened_tensor(v) for v in constants.values()):
        raise _CannotCapture('Unsupported: ember captures tensors passed as arguments or inside lists, tuples, '
                             'dicts and namedtuples, not inside other containers')
    from ember.fx.graph_module import GraphModule
    from ember.overrides import _entered
    modes_entered = _entered[0]
    try:
        with _print_breaks_graph():
            tracer, graph, root_name, hints = _trace(fn, arguments, constants)
    except _CannotCapture:
        raise
    except Exception as err:        # the traced code met a proxy it cannot use: run it eagerly instead
        raise _CannotCapture(_reason(err), 'control flow' in str(err)) from err
    if _entered[0] != modes_entered:
        # the graph records the code's operations, not what a TorchFunctionMode entered in it makes of them
        raise _CannotCapture('Unsupported: a TorchFunctionMode entered in the compiled code')
    inputs = _name_inputs(graph, tensors, list(parameters), root_name)
    tracer.returns.resolve_inputs()
    name_nodes(graph, hints)
    gm = GraphModule(tracer.root, graph, 'GraphModule')
    return gm, inputs, tracer.returns


def _name_inputs(graph, tensors, parameter_names, root_name):
    """Names the graph's inputs as PyTorch's compiler does (``L_x_`` read into ``l_x_``; ``L_args_0_``
    for ember.nn's own modules; parameters and buffers by where they live), drops the unused ones and
    orders them by first use (a parameter or buffer where the code reads it, an argument where an
    operation first takes it). Returns where each input comes from."""
    from ember import Tensor
    from ember._dynamo._containers import graph_input_name
    from ember.nn import Parameter
    placeholders = [n for n in graph.nodes if n.op == 'placeholder']
    taken = set()
    for node in placeholders:
        if 'state' in node.meta:
            prefix, source, _, _ = node.meta['state']
            node.type = Parameter if isinstance(node.meta.get('value'), Parameter) else Tensor
            target = f'{prefix}_{source}_'
        elif 'carried' in node.meta:        # a value an earlier graph computed (after a graph break)
            target = f"L_{node.meta['source']}_"
            node.type = Tensor
        elif node.target in tensors:
            # an argument, or a tensor inside one (``xs[0]``: its parameter and the path from it)
            parameter, path = node.meta.get('leaf', (node.target, ''))
            source = f'args_{parameter_names.index(parameter)}' if root_name == 'fn' else parameter
            target = graph_input_name('L', source, path)
            node.type = Tensor          # printed in the code and the graph, as PyTorch's compiler annotates
        else:
            if not node.users:
                graph.erase_node(node)      # a fixed argument: its value is in the graph
            continue
        node.meta['input'] = (('state', node.meta['state']) if 'state' in node.meta else
                              ('carried', node.meta['carried']) if 'carried' in node.meta else ('arg', node.target))
        # two sources one name (``d['a b']`` and ``d['a_b']``): the later ones numbered, as PyTorch numbers them
        unique, index = target, 0
        while unique in taken:
            unique, index = f'{target}_{index}', index + 1
        taken.add(unique)
        node.target, node.name = unique, unique.lower()
        node.args = ()                  # every input is passed: no defaults in the graph's signature
    order = []
    for node in graph.nodes:
        if node.op == 'placeholder':
            if 'state' in node.meta:
                order.append(node)
            continue
        for used in node.all_input_nodes:
            if used.op == 'placeholder' and 'input' in used.meta and used not in order:
                order.append(used)
    for node in [n for n in graph.nodes if n.op == 'placeholder' and 'input' in n.meta and not n.users]:
        graph.erase_node(node)          # an input the code never uses is no graph input (as in PyTorch)
        if node in order:
            order.remove(node)
    anchor = next(n for n in graph.nodes if n.op != 'placeholder')
    for node in order:
        anchor.prepend(node)
    return [node.meta['input'] for node in order]


def _input_values(fn, inputs, arguments):
    """The values of a graph's inputs for a call: its arguments (and the tensors inside them, by source) and
    the module's current state."""
    from ember._dynamo._tracer import lookup_state
    return [arguments[name] if where == 'arg' else lookup_state(fn, name) for where, name in inputs]


def _input_value(fn, where, arguments):
    from ember._dynamo._tracer import lookup_state
    return arguments[where[1]] if where[0] == 'arg' else lookup_state(fn, where[1])


_BUILT_IN_KWARGS_WARNING = {'eager': 'eager backend', 'aot_eager': 'aot_autograd-based backend',
                            'cudagraphs': 'cudagraphs backend'}


def _backend_callable(backend, extra):
    """The callable a backend name stands for, given ``compile``'s ``mode``/``options`` (``extra``): a
    custom backend is called with them as keyword arguments, as PyTorch calls it; ember's built-in
    names run the graph as captured (the non-Inductor ones warn that they ignore them, as PyTorch's do)."""
    if callable(backend) or backend in _registered():
        fn = backend if callable(backend) else _registered()[backend][0]
        name = getattr(fn, '__name__', type(fn).__name__) if callable(backend) else backend
        return ((lambda gm, example_inputs: fn(gm, example_inputs, **extra)) if extra else fn), name

    def built_in(gm, example_inputs):
        if extra and backend in _BUILT_IN_KWARGS_WARNING:
            logging.getLogger('ember._dynamo').warning('%s ignoring extra kwargs %s',
                                                       _BUILT_IN_KWARGS_WARNING[backend], extra)
        return gm.forward
    return built_in, backend


def _registered():
    from ember._dynamo import _REGISTERED
    return _REGISTERED


class _Entries:
    """Graphs captured for one function's code: shared by every ``compile`` of it, as PyTorch keeps its
    cache on the code object, or owned by one ``compile(isolate_recompiles=True)``."""

    def __init__(self):
        self.cache = {}
        self.keys = []                 # guard keys captured so far, to explain a recapture
        self.frame = None              # (frame id, graphs captured) in the compiler's logs
        self.first_sizes = {}          # parameter -> sizes seen first (automatic dynamic shapes)
        self.dynamic_dims = {}         # parameter -> dimensions seen to change
        self.warned_limit = False
        self.invocations = 0           # calls so far (``eager_then_compile`` runs the first eagerly)
        _ALL_ENTRIES.add(self)

    def clear(self):
        self.cache.clear()
        self.keys.clear()
        self.frame = None
        self.first_sizes.clear()
        self.dynamic_dims.clear()
        self.warned_limit = False
        self.invocations = 0


_ALL_ENTRIES = weakref.WeakSet()                # every cache, so that reset() can empty them
_SHARED = weakref.WeakKeyDictionary()           # code object -> its _Entries
_TOKENS = weakref.WeakKeyDictionary()           # compiled function or module -> its number in guard keys
_TOKEN_IDS = itertools.count()


def _code_of(fn):
    """The code object whose cache ``fn``'s compiles share (a module's ``forward``), or None."""
    from ember.nn import Module
    target = type(fn).forward if isinstance(fn, Module) else fn
    return getattr(target, '__code__', None)


class CompiledCallable:
    """``fn`` compiled by ``backend``: one backend call per distinct guard key, reused afterwards.

    Guard keys name the function object and the backend, so compiles of one function share captured
    graphs (and the recompile limit) as PyTorch's do, while another backend or another closure captures
    anew; ``isolate_recompiles`` keeps new graphs in this compile's own cache, still reusing shared ones."""

    def __init__(self, fn, backend, fullgraph, dynamic, recompile_limit=None, isolate_recompiles=False,
                 mode=None, options=None, error_on_graph_break=None):
        self.fn = fn
        self.recompile_limit = recompile_limit       # None: ember._dynamo.config.recompile_limit
        extra = {}
        if mode and mode != 'default':
            extra['mode'] = mode
        if options:
            extra['options'] = options
        backend = 'inductor' if backend is None else backend
        self.backend, self.backend_name = _backend_callable(backend, extra)
        self.fullgraph = fullgraph
        self.error_on_graph_break = error_on_graph_break
        self.dynamic = dynamic
        self.backend_key = (backend, repr(sorted(extra.items())), dynamic)
        self.own_backend = (self.backend, self.backend_name, self.backend_key)
        code = _code_of(fn)
        try:
            self.token = _TOKENS.setdefault(fn, next(_TOKEN_IDS))
        except TypeError:               # not weakly referable: its graphs stay its own
            self.token, code = next(_TOKEN_IDS), None
        shared = None if code is None else _SHARED.get(code)
        if code is not None and shared is None:
            shared = _SHARED[code] = _Entries()
        if shared is None or isolate_recompiles:
            self.entries, self.fallback = _Entries(), shared
        else:
            self.entries, self.fallback = shared, None

    @property
    def cache(self):
        return self.entries.cache

    def _backend_now(self):
        """The backend for this call: this compile's, or the one ``set_stance(force_backend=...)`` forces."""
        force = _STANCE['force_backend']
        if force is None:
            return self.own_backend
        fn, name = _backend_callable(force, {})
        return fn, name, (force, '[]', self.dynamic)

    def _guard_key(self, arguments, trees):
        """What a captured graph is valid for: the compile, grad and training modes, each tensor argument's
        dtype, device, requires_grad and sizes, the other arguments' values, and the containers' structure
        and leaves (``trees``: ``_containers.expand``'s)."""
        import ember
        from ember import Tensor
        key = [self.token, self.backend_key, ember.is_grad_enabled(), getattr(self.fn, 'training', None)]
        for name, value in arguments.items():
            if isinstance(value, Tensor):
                key.append((name, value.dtype, str(value.device), value.requires_grad, self._sizes(name, value)))
            elif name in trees:
                key.append(_containers.guard(name, trees[name], self._describe))
            else:
                key.append((name, type(value), value if _containers.hashable(value) else id(value)))
        return tuple(key)

    def _describe(self, name, t):
        return (name, t.dtype, str(t.device), t.requires_grad, self._sizes(name, t))

    def _sizes(self, name, t):
        sizes = tuple(t.shape)
        marked = getattr(t, '_dynamo_dynamic_indices', None)      # (a set only where needed: this runs per tensor)
        dims = set(marked) if marked else None
        if self.dynamic is True:
            dims = set(range(len(sizes)))
        elif self.dynamic is None:
            entries = self.entries
            first = entries.first_sizes.setdefault(name, sizes)
            if first != sizes and len(first) == len(sizes):
                entries.dynamic_dims.setdefault(name, set()).update(i for i, (a, b) in enumerate(zip(first, sizes))
                                                                    if a != b)
            seen = entries.dynamic_dims.get(name)
            if seen:
                dims = seen if dims is None else dims | seen
        if not dims:            # (the common case, at every call: no dimension is dynamic)
            return sizes
        # sizes 0 and 1 stay specialised, as PyTorch's dynamic shapes keep them
        return tuple(None if i in dims and s > 1 else s for i, s in enumerate(sizes))

    def __call__(self, *args, **kwargs):
        stance = _STANCE['stance']
        self.entries.invocations += 1
        if stance == 'force_eager' or (stance.endswith('eager_then_compile') and self.entries.invocations == 1):
            return self.fn(*args, **kwargs)
        if _function_mode_on():
            # the graphs record the code's operations, not what the entered TorchFunctionMode makes of them (PyTorch's
            # compiler traces through the mode): the call runs eagerly, through the mode
            return self.fn(*args, **kwargs)
        if _STANCE['force_backend'] is not None or self.backend_key[0] is not self.own_backend[2][0]:
            self.backend, self.backend_name, self.backend_key = self._backend_now()
        entries = self.entries
        seen = None if stance != 'eager_on_recompile' else (
            dict(entries.first_sizes), {n: set(d) for n, d in entries.dynamic_dims.items()})
        try:
            parameters = _bind(self.fn, args, kwargs)
            arguments, trees = _containers.expand(parameters)
            key = self._guard_key(parameters, trees)
        except _CannotCapture as err:
            return self._eager(str(err), args, kwargs)
        entry = entries.cache.get(key)
        if entry is None and self.fallback is not None:
            entry = self.fallback.cache.get(key)
        if entry is None and self._at_recompile_limit(key):
            return self.fn(*args, **kwargs)
        if entry is None and entries.keys and stance == 'eager_on_recompile':
            # nothing is compiled for this call: the sizes it brought do not make dimensions dynamic, so the
            # graphs already captured still serve the calls they fit (as in PyTorch)
            entries.first_sizes, entries.dynamic_dims = seen
            return self.fn(*args, **kwargs)
        if entry is None and entries.keys and stance == 'fail_on_recompile':
            code = getattr(getattr(self.fn, 'forward', self.fn), '__code__', None)
            raise _recompile_refused(code.co_filename if code else '<unknown>',
                                     code.co_name if code else type(self.fn).__name__,
                                     code.co_firstlineno if code else 0)
        if entry is None:
            if entries.frame is None:
                entries.frame = [next(_FRAME_IDS), 0]
            elif entries.keys and _logs.enabled('recompiles'):
                _logs.log('recompiles', entries.frame,
                          _recompile_message(self.fn, entries.keys[-1], key, arguments,
                                             (entries.frame[0], len(entries.keys))))
            entries.keys.append(key)
            state = PythonState(self.fn, parameters)
            try:
                gm, names, returns = capture(self.fn, arguments, parameters)
            except _CannotCapture as err:
                state.restore()         # what the attempt changed (with traced values) runs again, on real ones
                if err.splits and not (self.fullgraph or self.error_on_graph_break):
                    entries.cache[key] = entry = ('graphs', {}, [])
                    return self._in_graphs(key, entry, arguments, args, kwargs, first=True, state=state)
                entries.cache[key] = entry = ('eager', str(err))
                return self._eager(str(err), args, kwargs)
            changed = state.changed()
            inputs = _input_values(self.fn, names, arguments)
            try:
                compiled = self.backend(gm, inputs)
            except Exception as err:
                raise BackendCompilerFailed(self.backend_name, err) from err
            _RECORD['graphs'].append(gm)
            if _logs.enabled('graph_code'):
                _logs.log('graph_code', entries.frame, _graph_code(gm, inputs))
            entries.frame[1] += 1
            entries.cache[key] = entry = ('graph', compiled, names, returns)
            if changed is not None:
                # the capture changed it with traced values: put back, and this call and later ones run eagerly,
                # so that the Python state changes at each of them
                state.restore()
                entries.cache[key] = entry = ('eager', python_state_reason(changed))
                self._record_break(python_state_reason(changed))
        if entry[0] == 'eager':
            return self._eager(entry[1], args, kwargs, record=False)
        if entry[0] == 'graphs':
            return self._in_graphs(key, entry, arguments, args, kwargs, first=False)
        _, compiled, names, returns = entry
        out = compiled(*_input_values(self.fn, names, arguments))
        if returns.whole:
            return out if type(out) is tuple else tuple(out)
        if returns.single:
            return out[0]
        return returns.rebuild(out, lambda where: _input_value(self.fn, where, arguments), arguments)

    def _in_graphs(self, key, entry, arguments, args, kwargs, first, state=None):
        """A call whose code breaks the graph, run graph by graph: the plan earlier calls made
        (``_plan``) as far as this call follows it, traced from there (``_segments``). ``entry``
        holds the backend's results for this guard key, by graph code and input signature, and the plan."""
        _, graphs, plan = entry
        finished, got = _replay(plan, arguments, self.fn) if plan else (False, [])
        if finished:
            return got
        from ember import Tensor
        from ember._dynamo import _plan
        from ember._dynamo._segments import SegmentedRun
        # a trace takes over, catching up with the steps that ran; the variable stores that name new
        # graphs' nodes are watched unless it only runs a print (or a loop) it ran before
        last = got[-1].step if got else None
        again = last is not None and last.action[0] == 'trace' and last.retraced
        run = SegmentedRun(self, arguments, graphs, on_break=self._record_break if first else None,
                           name_stores=not again, caught_up=got, first=first)
        try:
            out = run(self.fn, {n: v for n, v in arguments.items() if not isinstance(v, Tensor)})
        except Exception as err:
            if run.graphs:            # graphs have run (and breaks printed): running it again would repeat them
                raise
            self.entries.cache[key] = ('eager', _reason(err))
            return self._eager(_reason(err), args, kwargs, record=first)
        if last is not None:
            last.retraced = True
        if run.tracer.writes is not None:
            # the code changed a container it was given: done for this call; replaying the plan would not redo
            # it, so later calls run eagerly
            self.entries.cache[key] = ('eager', _CONTAINER_CHANGED)
            return out
        changed = state.changed() if state is not None else None
        if changed is not None:
            self.entries.cache[key] = ('eager', python_state_reason(changed))
            self._record_break(python_state_reason(changed))
        elif run.recordable:
            _plan.store(plan, run.steps, run.outcomes)
        return out

    def compile_graph(self, graphs, key, root, graph, values, resumes=None):
        """The backend's callable for one graph of a call split by graph breaks (called once per
        distinct graph ``key``: what it computes and its input signature), or None where the stance
        runs it eagerly. ``resumes``: for a graph a later call meets, ``(filename, name, line)`` of
        the code it runs (PyTorch's name for the code after a break: that code is a frame of its
        own, whose first compile a ``fail_on_recompile`` stance refuses and an
        ``eager_on_recompile`` one runs eagerly)."""
        from ember.fx.graph_module import GraphModule
        stance = _STANCE['stance']
        if key not in graphs and resumes is not None and stance in ('fail_on_recompile', 'eager_on_recompile'):
            if stance == 'eager_on_recompile':
                return None
            raise _recompile_refused(*resumes)
        if key not in graphs:
            gm = GraphModule(root, graph, 'GraphModule')
            try:
                graphs[key] = self.backend(gm, list(values))
            except Exception as err:
                raise BackendCompilerFailed(self.backend_name, err) from err
            _RECORD['graphs'].append(gm)
            entries = self.entries
            if entries.frame is None:
                entries.frame = [next(_FRAME_IDS), 0]
            if _logs.enabled('graph_code'):
                _logs.log('graph_code', entries.frame, _graph_code(gm, values))
            entries.frame[1] += 1
        return graphs[key]

    def _at_recompile_limit(self, key):
        """Whether capturing for ``key`` would pass the limit (warned once; the call then runs eagerly,
        or raises ``FailOnRecompileLimitHit`` under ``fullgraph=True``)."""
        from ember._dynamo import config
        limit = config.recompile_limit if self.recompile_limit is None else self.recompile_limit
        if len(self.entries.keys) < limit:
            return False
        if not self.entries.warned_limit:
            self.entries.warned_limit = True
            name = getattr(getattr(self.fn, 'forward', self.fn), '__name__', type(self.fn).__name__)
            logging.getLogger('ember._dynamo').warning(
                "ember._dynamo hit config.recompile_limit (%d)\n   function: '%s' (%s)", limit, name,
                _where(self.fn))
        if self.fullgraph:
            raise FailOnRecompileLimitHit('Hard failure due to fullgraph=True')
        return True

    def _eager(self, reason, args, kwargs, record=True):
        if self.fullgraph or self.error_on_graph_break:
            raise Unsupported(reason)
        if record:
            self._record_break(reason)
        return self.fn(*args, **kwargs)

    def _record_break(self, reason, logged=None):
        """A graph break for ``explain`` (``reason``) and the graph_breaks log (``logged``, if worded
        otherwise there)."""
        _RECORD['breaks'].append(GraphBreak(reason, self.fn))
        if _logs.enabled('graph_breaks'):
            _logs.log('graph_breaks', self.entries.frame or [next(_FRAME_IDS), 0],
                      f"Graph break in user code at {_where(self.fn)}\nGraph Break Reason: {logged or reason}")


def _replay(plan, arguments, fn):
    from ember._dynamo._plan import replay
    global _replay
    _replay = replay            # imported once: this runs at every call of a function with graph breaks
    return replay(plan, arguments, fn)


def _function_mode_on():
    from ember.overrides import _modes_on
    return _modes_on()


def _recompile_refused(filename, name, line):
    return RuntimeError(f"Detected recompile when torch.compile stance is 'fail_on_recompile'. filename: "
                        f"'{filename}', function name: '{name}', line number: {line}")


def _where(fn):
    code = getattr(getattr(fn, 'forward', fn), '__code__', None)
    return '<unknown>' if code is None else f'{code.co_filename}:{code.co_firstlineno}'


def _recompile_message(fn, old, new, arguments, frame):
    """Why ``new`` missed the cache, compared with the last key captured (PyTorch's recompiles text);
    ``frame``: the frame's number and how many times it was compiled (the graphs of a call split by
    graph breaks are one compile here, PyTorch compiling the code after a break as another frame)."""
    failures = []
    for a, b in zip(old[4:], new[4:]):
        if a == b:
            continue
        if isinstance(a, _containers.TreeGuard):
            failures.append(_containers.failure(a, b, arguments, _tensor_failure))
        elif len(a) == 5 and len(b) == 5:         # a tensor: (name, dtype, device, requires_grad, sizes)
            failures.append(_tensor_failure(a, b, arguments))
        else:
            failures.append(f"{a[0]} == {a[2]!r}")
    if old[2:4] != new[2:4]:
        failures.append('grad mode or training mode changed')
    if old[:2] != new[:2]:
        failures.append('another function object or backend compiled this code')
    name = getattr(getattr(fn, 'forward', fn), '__name__', type(fn).__name__)
    lines = [f"Recompiling function {name} in {_where(fn)}", "    triggered by the following guard failure(s):"]
    lines += [f"    - {frame[0]}/{frame[1] - 1}: {f}" for f in failures[:1]]     # the first guard that failed
    return '\n'.join(lines)


def _tensor_failure(a, b, arguments):
    """PyTorch's words for tensor guard ``a`` failing as ``b``: ``(source, dtype, device, requires_grad, sizes)``."""
    from ember._tensor import _scalar_type_name
    name = a[0]
    if a[1] != b[1]:
        return f"tensor '{name}' dtype mismatch. expected {_scalar_type_name(a[1])}, actual {_scalar_type_name(b[1])}"
    if a[4] != b[4] and len(a[4]) == len(b[4]):
        i = next(i for i, (p, q) in enumerate(zip(a[4], b[4])) if p != q)
        return f"tensor '{name}' size mismatch at index {i}. expected {a[4][i]}, actual {arguments[name].shape[i]}"
    return f"tensor '{name}' does not match"


def _graph_code(gm, inputs):
    """The traced graph as PyTorch's graph_code log shows it: a readable class with shapes."""
    from ember.fx.passes.shape_prop import ShapeProp
    ShapeProp(gm).propagate(*inputs)
    return (f"TRACED GRAPH\n ===== __compiled_fn_{next(_GRAPH_IDS)} =====\n "
            + gm.print_readable(print_output=False, include_stride=True, include_device=True).lstrip('\n') + '\n')


def reset():
    """Forgets every captured graph: each compiled callable captures and calls its backend again."""
    _RECORD['graphs'].clear()
    _RECORD['breaks'].clear()
    for entries in list(_ALL_ENTRIES):
        entries.clear()
