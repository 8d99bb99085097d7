"""What ``ember.export`` does so that nothing a module computes is missing from its program: recurrent layers
and multi-head attention (which ember computes with internal functions, not through the API the tracer
sees) are recorded as their one ATen operator each; functions of ember's API a module keeps as attributes
are made to dispatch; and any other computation run on traced values outside the recording is refused,
naming the operator, instead of being frozen into the program as a constant that would be wrong for
every other input."""
import contextlib
import re
import sys
import types

import ember
from ember.autograd import _op_observers
from ember.export._normalize import Unsupported


class UntracedComputation(Unsupported):
    """A value the program needs was computed by ember outside the operators the trace records."""

    def __init__(self, op, module):
        # module: (qualified name, type path) of the module whose forward ran the operator, or None
        self.op = op
        kind = module[1].rsplit('.', 1)[-1] if module else ''
        self.place = f" in {kind} '{module[0]}'" if module and module[0] else f' in {kind}' if kind else ''
        super().__init__(f"ember.export cannot record {op}{self.place}: ember computes it outside the operators it "
                         "records, so its result would be frozen into the program as a constant; this model cannot be "
                         "exported by ember yet")


class UntracedOps(_op_observers.OpObserver):
    """Finds computation the recording cannot see: an op run on traced values without being recorded
    (inside a module ember computes with its own internal functions) whose result the program uses."""

    def __init__(self):
        self.leaked = {}      # id(tensor) -> (tensor, what made it)
        self.first = None     # the first op run on traced values unrecorded (where the untraced computation began)

    def _is_leaked(self, t):
        from ember.export._tracer import TracedTensor
        entry = self.leaked.get(id(t))
        return entry is not None and entry[0] is t and type(t) is not TracedTensor

    def op(self, proceed, cls, args, kwargs):
        from ember.export._tracer import TracedTensor, _tracer
        from ember.overrides import _disabled
        out = proceed(cls, *args, **kwargs)
        tensors = [t for t in _flat(args) + _flat(list(kwargs.values())) if isinstance(t, ember.Tensor)]
        if _disabled():        # an op being recorded: a value it reads must be in the graph
            for t in tensors:
                if self._is_leaked(t):
                    raise self.error(t)
        elif any(type(t) is TracedTensor or self._is_leaked(t) for t in tensors):
            tracer = _tracer()
            where = tracer.module_stack[-1][1] if tracer is not None and tracer.module_stack else None
            for o in _flat([out]):
                if isinstance(o, ember.Tensor) and type(o) is not TracedTensor and id(o) not in self.leaked:
                    self.leaked[id(o)] = (o, (cls.__name__, where))
                    self.first = self.first or (cls.__name__, where)
        return out

    def inplace(self, proceed, tensor, args, kwargs):
        # a traced value changed in place unseen: every later use in the program would read the old value
        from ember.export._tracer import TracedTensor, _tracer
        from ember.overrides import _disabled
        if not _disabled() and (type(tensor) is TracedTensor or self._is_leaked(tensor)):
            tracer = _tracer()
            where = tracer.module_stack[-1][1] if tracer is not None and tracer.module_stack else None
            name = _called_function()
            op = f'aten::{name}' if name else 'an in-place operator'
            raise UntracedComputation(op, where)
        return proceed(tensor, *args, **kwargs)

    def error(self, t):
        name, where = self.first or self.leaked[id(t)][1]
        op = 'aten::' + re.sub(r'(?<=[a-z0-9])(?=[A-Z])', '_', name.lstrip('_')).lower()
        return UntracedComputation(op, where)

    def check_value(self, t):
        """Refuse ``t`` (about to enter the program as a constant) when it was computed from traced values."""
        if isinstance(t, ember.Tensor) and self._is_leaked(t):
            raise self.error(t)
        made_by = getattr(t._version_counter, 'made_by', None)
        if made_by is not None:
            name, where = made_by
            raise UntracedComputation(f'aten::{name}' if name and not name.startswith('_') else 'an operator', where)



def _called_function():
    """The name of ember's function the program called (the outermost of ember's frames on the stack)."""
    frame, name = sys._getframe(2), None
    while frame is not None:
        module = frame.f_globals.get('__name__', '')
        if module != 'ember' and not module.startswith('ember.'):
            break
        name = frame.f_code.co_name
        frame = frame.f_back
    return name if name and name.isidentifier() and not name.startswith('_') else None


def _flat(values):
    out = []
    for v in values:
        if isinstance(v, (list, tuple)) and not isinstance(v, ember.Size):
            out += _flat(v)
        elif isinstance(v, dict):
            out += _flat(list(v.values()))
        else:
            out.append(v)
    return out


# ember's recurrent modules call these ATen-shaped functions of ember.ops.rnn directly (not through the API
# the recording sees): while tracing, each call on traced values is recorded as the one operator
# (``aten::lstm.input``), as PyTorch's tracer records it
_RECURRENT = ('lstm', 'gru', 'rnn_tanh', 'rnn_relu')


@contextlib.contextmanager
def recording_recurrent_layers():
    from ember.export import _aten
    from ember.export._tracer import record_overload
    from ember.ops import rnn
    from ember.overrides import _disabled
    originals = {name: getattr(rnn, name) for name in _RECURRENT}

    def recording(name):
        original = originals[name]

        def call(input, hx, params, *rest):
            if len(rest) == 6 and not _disabled():      # the ``input`` overload, not inside a recorded call
                state = list(hx) if name == 'lstm' else hx
                out = record_overload(_aten.overload(name, 'input'), (input, state, list(params), *rest), {})
                if out is not NotImplemented:
                    return out
            return original(input, hx, params, *rest)
        return call
    for name in _RECURRENT:
        setattr(rnn, name, recording(name))
    try:
        yield
    finally:
        for name, fn in originals.items():
            setattr(rnn, name, fn)


@contextlib.contextmanager
def recording_attention():
    """Multi-head attention as the operators PyTorch's Python ``F.multi_head_attention_forward`` calls
    (``ember.export._attention``): ember computes it with internal functions the recording does not see."""
    from ember.export._attention import multi_head_attention_forward as op_by_op
    from ember.ops import attention
    from ember.overrides import _disabled
    original = attention.multi_head_attention_forward

    def call(*args, **kwargs):
        return (original if _disabled() else op_by_op)(*args, **kwargs)
    attention.multi_head_attention_forward = call
    try:
        yield
    finally:
        attention.multi_head_attention_forward = original


class DispatchingAttributes:
    """Functions of ember's API that a module reaches without looking them up in ember's namespaces while it
    runs, so that the trace would not see their calls: kept as attributes (``layer.activation = F.relu``),
    closed over by a function kept so, or imported by name into the module of a ``forward``
    (``from torch.nn.functional import relu``). Taken before the trace switched dispatching on, they are the
    plain functions; they are swapped for their dispatching forms while the trace runs, so that their calls are
    recorded, and ``restore`` puts them back."""

    def __init__(self, mod):
        self.mod, self.swapped = mod, []

    def __call__(self, module, args):
        from ember import _torch_function
        wrappers = {fid: w for (kind, fid), w in _torch_function._WRAPPERS.items() if not kind.startswith('__')}
        namespaces = {}
        for m in self.mod.modules():
            self._swap_in(vars(m), wrappers)
            for value in list(vars(m).values()):
                self._swap_closure(value, wrappers, depth=2)
            for cls in type(m).__mro__:
                forward = cls.__dict__.get('forward')
                if isinstance(forward, types.FunctionType):
                    namespaces[id(forward.__globals__)] = forward.__globals__
                    self._swap_closure(forward, wrappers, depth=2)
        for namespace in namespaces.values():
            self._swap_in(namespace, wrappers)

    def swap_function(self, fn):
        """Swap in what a traced function (not a module) reaches: its module's names and its closure."""
        from ember import _torch_function
        wrappers = {fid: w for (kind, fid), w in _torch_function._WRAPPERS.items() if not kind.startswith('__')}
        if isinstance(fn, types.FunctionType) and (fn.__module__ or '').partition('.')[0] != 'ember':
            self._swap_in(fn.__globals__, wrappers)
        self._swap_closure(fn, wrappers, depth=2)

    def _swap_in(self, namespace, wrappers):
        for name, value in list(namespace.items()):
            if isinstance(value, types.FunctionType) and id(value) in wrappers:
                self.swapped.append((namespace, name, value))
                namespace[name] = wrappers[id(value)]

    def _swap_closure(self, fn, wrappers, depth):
        # the cells of a function's closure (``lambda x: F.relu(x)`` made where ``F.relu`` was a local name)
        if not isinstance(fn, types.FunctionType) or not fn.__closure__ or depth == 0 or \
                (fn.__module__ or '').partition('.')[0] == 'ember':      # ember's own closures, the wrappers among them
            return
        for cell in fn.__closure__:
            try:
                value = cell.cell_contents
            except ValueError:          # a cell not filled yet
                continue
            if isinstance(value, types.FunctionType) and id(value) in wrappers:
                self.swapped.append((cell, None, value))
                cell.cell_contents = wrappers[id(value)]
            else:
                self._swap_closure(value, wrappers, depth - 1)

    def restore(self):
        for where, name, value in reversed(self.swapped):
            if name is None:
                where.cell_contents = value
            else:
                where[name] = value
        self.swapped.clear()


class _MadeWhileTracing:
    """Tensors made while a trace runs get this version counter (swapped in for ``_Version``), which notes the
    operator of ember's API that made the tensor from traced values without the trace recording the call (one
    computed on its arrays, reached through a reference the trace cannot swap): such a tensor must not enter
    the program as a constant."""

    def __init__(self):
        self.made_by = _untraced_maker() if _MadeWhileTracing.codes else None


_MadeWhileTracing.codes = {}        # code object of each function ember binds -> the names of those that run it
_CO_VARARGS, _CO_VARKEYWORDS = 0x04, 0x08


def _untraced_maker():
    """``(name, module)`` of the function of ember's API whose call made the tensor being made now from traced
    values outside the recording (and the module whose forward called it), else None (within a recorded call,
    or made from Python values)."""
    from ember.overrides import _disabled
    if _disabled():
        return None
    codes = _MadeWhileTracing.codes
    frame = sys._getframe(2)
    while frame is not None:
        module = frame.f_globals.get('__name__', '')
        if module != 'ember' and not module.startswith('ember.'):
            return None
        code = frame.f_code
        if code in codes:
            if not _has_traced_argument(frame):
                return None
            from ember.export._tracer import _tracer
            tracer = _tracer()
            where = tracer.module_stack[-1][1] if tracer is not None and tracer.module_stack else None
            return _bound_name(frame, codes[code]), where
        frame = frame.f_back
    return None


def _bound_name(frame, names):
    # a wrapper's code is shared by many functions: the one it wraps is among its free variables
    if len(names) == 1:
        return next(iter(names))
    for value in frame.f_locals.values():
        name = getattr(value, '__name__', None)
        if callable(value) and name in names:
            return name
    return None


def _has_traced_argument(frame):
    from ember.export._tracer import TracedTensor
    code = frame.f_code
    count = code.co_argcount + code.co_kwonlyargcount + bool(code.co_flags & _CO_VARARGS) + \
        bool(code.co_flags & _CO_VARKEYWORDS)
    values = frame.f_locals
    for name in code.co_varnames[:count]:
        value = values.get(name)
        if isinstance(value, dict):
            value = list(value.values())
        if type(value) is TracedTensor or isinstance(value, (list, tuple)) and any(
                type(v) is TracedTensor for v in value):
            return True
    return False


@contextlib.contextmanager
def _noting_makers():
    from ember import _tensor
    from ember.autograd import function
    from ember.ops._registry import BOUND
    previous = (_tensor._Version, function._Version, _MadeWhileTracing.codes)
    if not _MadeWhileTracing.codes:
        codes = {}
        for _, name, fn in BOUND:
            code = getattr(fn, '__code__', None)
            if code is not None:
                codes.setdefault(code, set()).add(getattr(fn, '__name__', name))
        _MadeWhileTracing.codes = codes
    _tensor._Version = function._Version = type('_Version', (_MadeWhileTracing, _tensor._Version), {})
    try:
        yield
    finally:
        _tensor._Version, function._Version, _MadeWhileTracing.codes = previous


class _ForwardOnlyContext:
    """The ``ctx`` a user's autograd.Function gets while export traces its forward: a program is the forward
    computation only (PyTorch's export likewise records the operators the forward calls), so what the forward
    keeps for its backward is held here and not used."""

    def __init__(self, args):
        from ember._tensor import Tensor
        self.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        self.saved_tensors = ()
        self.materialize_grads = True

    def save_for_backward(self, *tensors):
        self.saved_tensors = tensors

    def save_for_forward(self, *tensors):
        self.saved_for_forward = tensors

    def mark_dirty(self, *tensors):
        self.dirty_tensors = tensors

    def mark_non_differentiable(self, *tensors):
        self.non_differentiable = tensors

    def set_materialize_grads(self, value):
        self.materialize_grads = value


@contextlib.contextmanager
def recording_custom_functions():
    """A user's ``autograd.Function`` applied to traced tensors runs its ``forward`` inside the trace, so the
    graph holds the operators it calls (as PyTorch's export records them) instead of refusing it as a
    computation out of sight."""
    from ember.autograd.function import Function
    from ember.export._tracer import _has_traced, _tracer
    from ember.overrides import _disabled
    original = Function.__dict__['apply']

    def apply(cls, *args, **kwargs):
        tracer = _tracer()
        if cls._raw or tracer is None or _disabled() or not (_has_traced(args) or _has_traced(kwargs.values())):
            return original.__func__(cls, *args, **kwargs)
        tracer.python_op_calls += 1
        tracer.python_ops.append((cls.__name__, tracer.python_op_calls))
        try:
            if cls.setup_context is not Function.setup_context:     # forward(*args) with its ctx set up apart
                return cls.forward(*args, **kwargs)
            return cls.forward(_ForwardOnlyContext(args), *args, **kwargs)
        finally:
            tracer.python_ops.pop()
    Function.apply = classmethod(apply)
    try:
        yield
    finally:
        Function.apply = original


@contextlib.contextmanager
def recording_internal_calls(mod=None):
    """While ``mod`` is traced: recurrent layers and attention recorded as one operator each, functions kept
    as attributes dispatching, and computation the recording cannot see refused (``UntracedOps``, yielded:
    the tracer asks it about every value that would become a constant). Without a module (a function
    traced), ``watcher.attributes.swap_function`` swaps in what the function reaches, once dispatch is on."""
    watcher = UntracedOps()
    watcher.attributes = attributes = DispatchingAttributes(mod)
    handle = mod.register_forward_pre_hook(attributes) if mod is not None else None
    _op_observers.add(watcher)
    try:
        with recording_recurrent_layers(), recording_attention(), recording_custom_functions(), _noting_makers():
            yield watcher
    finally:
        _op_observers.remove(watcher)
        if handle is not None:
            handle.remove()
        attributes.restore()
