"""The tracer ``ember.compile`` captures with: fx's symbolic tracer, changed to see what PyTorch's
compiler sees.

- Every proxy carries the real value its node computes on copies of the call's inputs, so sizes, dtypes and
  devices read in the traced code are plain values (fixed in the graph, as the compiler's static
  shapes are) and modules that check their input's shape trace through.
- Submodules are traced through (inlined), and the parameters and buffers they read become graph
  inputs named after where they live (``L_self_modules_fc_parameters_weight_``), in the order the
  code first reads them.
- Calls are recorded with the arguments as given (no defaults filled in), and a node takes the name
  of the local variable its value is first stored in (``h = a + b`` makes ``h``).
"""
import builtins
import collections
import os
import sys
import traceback

from ember.fx._symbolic_trace import Tracer
from ember.compiler import _DISALLOWED_IN_GRAPH as _DISALLOWED
from ember.fx.proxy import Attribute, Proxy
from ember.utils._pytree import keystr, tree_flatten_with_path
from ember._dynamo._containers import items_changed, items_of

# tensor facts the traced code may read: answered from the real value, recorded nowhere
_STATIC_ATTRS = frozenset({'shape', 'dtype', 'device', 'ndim', 'is_cuda', 'layout', 'requires_grad', 'is_sparse',
                           'is_quantized', 'is_meta', 'is_leaf'})
_STATIC_METHODS = frozenset({'dim', 'size', 'numel', 'ndimension', 'nelement', 'is_floating_point', 'is_complex',
                             'is_contiguous', 'element_size', 'get_device', 'stride', 'is_signed'})
_EMBER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
# ember code the compiler reads as it reads the user's (module forwards): its stores name nodes too
_INLINED_DIR = os.path.join(_EMBER_DIR, 'nn', 'modules') + os.sep
_STDLIB_DIR = os.path.dirname(os.__file__) + os.sep


def _disallowed(kind, target):
    from ember._tensor import Tensor
    from ember._torch_function import unwrapped
    # (while a trace runs, operators are bound to their dispatching wrappers: the op is behind one)
    fn = unwrapped(Tensor.__dict__.get(target) if kind == 'call_method' else target)
    return _DISALLOWED.get(id(fn))


class ValueProxy(Proxy):
    """A proxy that answers questions about its tensor's metadata from the real value."""

    def __getattr__(self, k):
        if k in _STATIC_ATTRS:
            return getattr(self.tracer.real[self.node], k)
        return Attribute(self, k)

    def __repr__(self):
        # printed after a graph break (``print(y)``): the value the backend's graph gave it
        run = getattr(self.tracer, 'run', None)
        if run is not None:
            try:
                return repr(run.actual_of(self))
            except KeyError:
                pass
        return super().__repr__()

    def __format__(self, spec):
        run = getattr(self.tracer, 'run', None)
        return format(run.actual_of(self), spec) if run is not None else super().__format__(spec)


class CaptureTracer(Tracer):
    """fx's tracer with real values alongside (see the module's docstring).

    ``real_inputs`` maps the traced function's parameter names to the call's values; ``root_name``
    is how the inputs of the traced module are named (``self``, or ``fn`` for ember.nn's own
    modules, as PyTorch's compiler names them)."""

    records_defaults = False

    def __init__(self, real_inputs, root_name, on_proxy=None):
        super().__init__()
        self.real = {}
        self.real_inputs = real_inputs
        self.root_name = root_name
        self.state_inputs = {}           # state (see _states) -> its placeholder proxy
        self.states = None
        self.traced = None
        self.on_proxy = on_proxy         # called with each new op proxy (the break checks, stack traces)
        self.constants = {}              # id -> [tensor, its attribute]: assume_constant_result's results
        self.container_copies = []       # (a container of a traced copy, argument, key path, its items at the start)
        self.flat_outputs = False        # the graph returns its computed tensors flat, the result rebuilt
        self.returns = None              # then: how to rebuild it (``_returns.Returns``)
        self.container_sources = {}      # id of a copy's container -> (argument name, key path in it)

    def is_leaf_module(self, m, module_qualified_name):
        return False

    def proxy(self, node):
        return ValueProxy(node, self)

    def create_proxy(self, kind, target, args, kwargs, *rest, **more):
        if kind in ('call_function', 'call_method') and _DISALLOWED:
            fn = _disallowed(kind, target)
            if fn is not None:          # one of ember's operators, disallow_in_graph marked
                return self.skipped_call(fn, args, kwargs)
        if kind == 'call_method' and target in _STATIC_METHODS:
            this, *others = self._reals(args)
            return getattr(this, target)(*others, **self._reals(kwargs))
        if kind == 'call_function' and target is builtins.getattr and args[1] in _STATIC_ATTRS:
            return getattr(self._reals(args[0]), args[1])
        op = kind not in ('placeholder', 'output', 'get_attr')
        if op and self.on_proxy is not None:
            self.on_proxy(kind, target)
        proxy = super().create_proxy(kind, target, args, kwargs, *rest, **more)
        node = proxy.node
        if op:
            node.meta['stack_trace'] = _user_frame()
        if kind == 'placeholder':
            self.real[node] = _shadow(self.real_inputs.get(target))
            node.meta['arg'] = target
        elif kind == 'get_attr':
            self.real[node] = _shadow(lookup_state(self.root, (None, None, ('root',), tuple(target.split('.')))))
        elif kind != 'output':
            self.real[node] = _evaluate(kind, target, self._reals(args), self._reals(kwargs))
        return proxy

    def _reals(self, value):
        if isinstance(value, Proxy):
            return self.real[value.node]
        if isinstance(value, (tuple, list)):
            return type(value)(self._reals(v) for v in value)
        if isinstance(value, dict):
            return {k: self._reals(v) for k, v in value.items()}
        return value

    def getattr(self, attr, attr_val, parameter_proxy_cache):
        """A tensor the code reads from a module: a graph input if it is a known state (one per tensor)."""
        from ember import Tensor
        if isinstance(attr_val, Tensor):
            proxy = self.state_input(attr_val)
            if proxy is not None:
                return proxy
        return attr_val

    def create_arg(self, a):
        from ember import Tensor
        if isinstance(a, Tensor) and not isinstance(a, Proxy):
            proxy = self.state_input(a)
            if proxy is not None:       # a global or closure tensor used directly (``x * scale``)
                return proxy.node
        return super().create_arg(a)

    def call_module(self, m, forward, args, kwargs):
        return forward(*args, **kwargs)         # every module is traced through, wherever it lives

    def _concrete(self, param, value):
        """A fixed argument; a container is copied with a graph input in place of each of its tensors (see
        ``_containers``), the copy's containers noted to see the code change them."""
        from ember import Tensor
        from ember._dynamo._containers import is_container
        if not is_container(value):
            return super()._concrete(param, value)
        # copied even without tensors: what the code changes in it is seen, and redone at each call (``_returns``)
        pairs, spec = tree_flatten_with_path(value)
        leaves = [self._leaf_input(param.name, keystr(path)) if isinstance(leaf, Tensor) else leaf
                  for path, leaf in pairs]
        copy = spec.unflatten(leaves)
        self._note_containers(copy, param.name, ())
        return copy

    def _note_containers(self, value, name, path):
        """Notes where each container of a traced copy stands in its argument: the code returning one
        returns the caller's (as PyTorch's compiled code does)."""
        from ember.utils._pytree import _node_def, _node_of
        node = _node_of(value)
        if node is None:
            return
        self.container_sources[id(value)] = (name, path)
        if isinstance(value, _MUTABLE):             # (a tuple's items, or a custom node's, cannot change)
            self.container_copies.append((value, name, path, items_of(value)))
        for key, child in _node_def(node).flatten_with_keys_fn(value)[0]:
            self._note_containers(child, name, path + (key,))

    def _leaf_input(self, name, path):
        proxy = self.create_proxy('placeholder', name + path, (), {})
        proxy.node.meta['leaf'] = (name, path)
        return proxy

    def changed_containers(self):
        """``[(container, argument name, key path), ...]``: the containers of the arguments' copies whose items
        the traced code changed (set, added, removed), outermost first."""
        return [(copy, name, path) for copy, name, path, before in self.container_copies
                if items_changed(copy, before)]

    def create_output_arg(self, result):
        """With ``flat_outputs``: the graph returns the tensors it computes, flat (``_returns``)."""
        if not self.flat_outputs:
            return super().create_output_arg(result)
        from ember._dynamo._returns import Returns
        self.returns = Returns(self, result, self.changed_containers())
        return tuple(self.returns.outputs)

    def state_input(self, t):
        """The graph input for tensor ``t`` if it is a parameter or buffer of the traced module, or a
        tensor the traced code reaches through its closure or globals; else None."""
        from ember.nn import Parameter
        if self.states is None:
            self.states = _states(self.traced, self.root_name)
        state = self.states.get(id(t))
        if state is None:
            return None
        if state not in self.state_inputs:
            proxy = self.create_proxy('placeholder', state[1], (), {})
            del proxy.node.meta['arg']
            proxy.node.meta['state'] = state
            proxy.node.meta['value'] = t if isinstance(t, Parameter) else None     # its type, printed
            self.real[proxy.node] = _shadow(t)
            self.state_inputs[state] = proxy
        return self.state_inputs[state]

    def _patch_wrapped(self, patcher, fn):
        """fx's wrapped functions, and those the compiler markers mark that the traced code reaches
        (``_marked``): ``allow_in_graph``'s and custom operators recorded as one call each (opaque
        to the compiler, as in PyTorch), ``assume_constant_result``'s fixed, ``disallow_in_graph``'s
        breaking the graph, ``substitute_in_graph``'s originals replaced by their stand-ins."""
        super()._patch_wrapped(patcher, fn)
        from ember._dynamo._marked import patch_marked
        forward = type(self.traced).__dict__.get('forward')
        traced = self.traced if callable(self.traced) and hasattr(self.traced, '__code__') else None
        patch_marked(self, patcher, list({id(f): f for f in (traced, fn, forward) if f is not None}.values()))

    def skipped_call(self, fn, args, kwargs):
        """A call of a function ``disallow_in_graph`` marked: a graph break (see ``SegmentTracer``)."""
        from ember._dynamo._capture import _CannotCapture
        from ember._dynamo._marked import SKIPPED_REASON
        raise _CannotCapture(SKIPPED_REASON, True)

    def constant_result(self, fn, value):
        """What a function ``assume_constant_result`` marked returned, fixed in the graph: a tensor
        becomes an attribute of the GraphModule named after the function (``fn_0``, ``fn_1``, ...)."""
        from ember import Tensor
        if isinstance(value, Tensor) and not isinstance(value, Proxy):
            held = self.constants.setdefault(id(value), [value, None])    # (kept alive: ids stay unique)
            if held[1] is None:
                # the function's name, or (taken by an attribute or a global of the code) name_0, name_1, ...
                code_fn = type(self.traced).forward if hasattr(type(self.traced), 'forward') else self.traced
                scope = getattr(code_fn, '__globals__', {})
                base = getattr(getattr(fn, '__code__', None), 'co_name', None) or getattr(fn, '__name__', 'constant')
                name, index = base, 0
                while hasattr(self.root, name) or name in scope:
                    name, index = f'{base}_{index}', index + 1
                setattr(self.root, name, value)
                held[1] = name
            return self.create_proxy('get_attr', held[1], (), {})
        if isinstance(value, (tuple, list)):
            return type(value)(self.constant_result(fn, v) for v in value)
        return value

    def trace(self, root, concrete_args=None):
        from ember._dynamo._marked import marked_arguments
        self.traced = root
        ACTIVE.append(self)
        try:
            return super().trace(root, marked_arguments(self, concrete_args))
        finally:
            ACTIVE.pop()


ACTIVE = []          # the capture tracers running (innermost last): what a disabled function asks
_MUTABLE = (list, dict, collections.deque)      # the containers whose changes a compiled call redoes


def _states(fn, root_name):
    """id(tensor) -> ``(prefix, source, base, attributes)`` for every tensor the compiler lifts into
    graph inputs: the module's parameters and buffers (``L``, ``self_modules_fc_parameters_weight``), and
    those reached through the code's closure (``L``) and globals (``G``): modules' state, tensors, and
    either held by a plain object's attribute (``G_h_model_parameters_weight``)."""
    import types
    from ember.nn import Module
    out = {}
    if isinstance(fn, Module):
        _walk(fn, root_name, 'L', ('root',), (), out, 0)
        code_fn = type(fn).forward
    else:
        code_fn = fn
    code = getattr(code_fn, '__code__', None)
    if code is None:
        return out
    for name, cell in zip(code.co_freevars, getattr(code_fn, '__closure__', None) or ()):
        try:
            _walk(cell.cell_contents, name, 'L', ('closure', name), (), out, 0)
        except ValueError:          # an empty cell
            pass
    scope = getattr(code_fn, '__globals__', {})
    for name in code.co_names:
        if name in scope and not isinstance(scope[name], (types.ModuleType, type, types.FunctionType)):
            _walk(scope[name], name, 'G', ('global', name), (), out, 0)
    return out


def _walk(value, source, prefix, base, attributes, out, depth):
    from ember import Tensor
    from ember.nn import Module
    if isinstance(value, Tensor):
        out.setdefault(id(value), (prefix, source, base, attributes))
    elif isinstance(value, Module):
        for kind, items in (('parameters', value.named_parameters()), ('buffers', value.named_buffers())):
            for name, t in items:
                *modules, leaf = name.split('.')
                path = '_'.join([source] + [f'modules_{m}' for m in modules] + [kind, leaf])
                out.setdefault(id(t), (prefix, path, base, attributes + tuple(name.split('.'))))
    elif depth == 0 and hasattr(value, '__dict__') and not callable(value):
        for k, v in list(vars(value).items()):
            if isinstance(v, (Tensor, Module)):
                _walk(v, f'{source}_{k}', prefix, base, attributes + (k,), out, 1)


_MODULE = []


def _module_class():
    # ``nn.Module``, imported once (lookup_state runs for each state input at every compiled call)
    if not _MODULE:
        from ember.nn import Module
        _MODULE.append(Module)
    return _MODULE[0]


def lookup_state(fn, state):
    """The tensor a state (see ``_states``) names now: read again at each call."""
    _, _, base, attributes = state
    if base[0] == 'root':
        value = fn
    else:
        code_fn = type(fn).forward if isinstance(fn, _module_class()) else fn
        if base[0] == 'global':
            value = code_fn.__globals__[base[1]]
        else:
            value = code_fn.__closure__[code_fn.__code__.co_freevars.index(base[1])].cell_contents
    module = _module_class()
    for name in attributes:
        if isinstance(value, module):       # _plain_getattr, inline: this runs at every compiled call
            found = value.__dict__
            if name in found.get('_parameters', ()):
                value = found['_parameters'][name]
                continue
            if name in found.get('_buffers', ()):
                value = found['_buffers'][name]
                continue
            if name in found.get('_modules', ()):
                value = found['_modules'][name]
                continue
        value = getattr(value, name)
    return value


def _plain_getattr(obj, name):
    """``getattr`` past a trace's hook on modules' attributes (which would answer with a proxy)."""
    if isinstance(obj, _module_class()):
        for store in ('_parameters', '_buffers', '_modules'):
            found = obj.__dict__.get(store, {})
            if name in found:
                return found[name]
    return getattr(obj, name)


def _user_frame():
    """The innermost frame of the user's code, as fx stack traces hold it (for the graph_code log)."""
    # walked frame by frame (not ``traceback.extract_stack``, which reads every frame's source): this
    # runs for each traced operation, and a call split by graph breaks traces at every call
    frame = sys._getframe(1)
    while frame is not None and _is_ember_file(frame.f_code.co_filename):
        frame = frame.f_back
    if frame is None:
        return ''
    # (its line read when formatted, from linecache, without checking the file again at each operation)
    return ''.join(traceback.StackSummary.extract([(frame, frame.f_lineno)], lookup_lines=False).format())


_EMBER_FILES = {}


def _is_ember_file(filename):
    inside = _EMBER_FILES.get(filename)
    if inside is None:
        inside = _EMBER_FILES[filename] = os.path.abspath(filename).startswith(_EMBER_DIR)
    return inside


def _shadow(value):
    """A copy of an input tensor for the capture to compute on: what the traced code changes in place
    (a batch norm's running statistics) the compiled graph changes, once per call, and not the capture."""
    from ember import Tensor
    from ember.nn import Parameter
    if type(value) not in (Tensor, Parameter):      # subclasses keep their own behaviour (an attention bias)
        return value
    copy = value.detach().clone()
    return copy.requires_grad_() if value.requires_grad else copy


def _evaluate(kind, target, args, kwargs):
    """The real value of a node: its operation run eagerly on its arguments' real values."""
    if kind == 'call_method':
        this, *others = args
        return getattr(this, target)(*others, **kwargs)
    if kind == 'call_function':
        return target(*args, **kwargs)
    raise RuntimeError(f'cannot evaluate a {kind} node during capture')


class StoreNames:
    """A trace hook of the capturing thread (``sys.settrace``) that notes, for each traced value the
    user's code (or a module's forward) stores in a local variable, the first variable's name:
    ``name_nodes`` then names the nodes as PyTorch's compiler does (``h = a + b`` makes ``h``)."""

    def __init__(self, watch=True):
        self.watch = watch
        self.hints = {}
        self.seen = {}
        self.paused = False          # while a graph break runs the backend's graph: not the traced code

    def __enter__(self):
        self.previous = sys.gettrace()
        # a debugger or coverage tracer keeps its hook: nodes keep their own names
        self.installed = self.watch and self.previous is None
        if self.installed:
            sys.settrace(self.on_call)
        return self

    def __exit__(self, *exc):
        if self.installed:
            sys.settrace(None)

    def on_call(self, frame, event, arg):
        if self.paused or _unwatched(frame.f_code.co_filename):
            return None
        # the arguments a frame starts with were stored by its caller, not here
        self.seen[id(frame)] = {k: id(v) for k, v in frame.f_locals.items()}
        return self.on_line

    def on_line(self, frame, event, arg):
        if event in ('line', 'return') and not self.paused:
            seen = self.seen.setdefault(id(frame), {})
            for name, value in frame.f_locals.items():
                if seen.get(name) != id(value):     # ids, not the values: holding them would keep them alive
                    seen[name] = id(value)
                    if isinstance(value, ValueProxy):
                        self.hints.setdefault(value.node, name)
        if event == 'return':
            self.seen.pop(id(frame), None)
        return self.on_line


_UNWATCHED = {}        # filename -> whether its frames are not the user's code (looked up once per file)


def _unwatched(filename):
    """The standard library's and ember's own code (but for the module forwards read as the user's)."""
    known = _UNWATCHED.get(filename)
    if known is None:
        path = os.path.abspath(filename)
        known = _UNWATCHED[filename] = path.startswith(_STDLIB_DIR) or (path.startswith(_EMBER_DIR) and
                                                                       not path.startswith(_INLINED_DIR))
    return known


def name_nodes(graph, hints):
    """Names the graph's nodes afresh in order, as PyTorch's compiler names them: each operation after
    its target, then (when its value was stored in a variable) after the variable, the first name
    staying taken; inputs keep the names they have."""
    from ember.fx.graph import _Namespace
    namespace = _Namespace()
    for node in graph.nodes:
        if node.op in ('placeholder', 'output'):
            node.name = namespace.create_name(node.name, None)
            continue
        node.name = namespace.create_name(graph._target_to_str(node.target), None)
        if node in hints:
            node.name = namespace.create_name(hints[node], None)
    graph._graph_namespace = namespace
