"""Function, Context and the graph node: one mechanism for built-in ops and users' Functions.

``Function.apply`` unwraps inputs, checks devices, runs ``forward``, wraps the result and,
when grad mode is on and an input requires grad, records a node (``grad_fn``) named like
PyTorch's (``MulBackward0``).  Built-in ops subclass ``Primitive``: their ``forward`` sees raw
arrays (NumPy or CuPy through ``ctx.xp``); a user's ``Function.forward`` sees Tensors, as in
PyTorch.  Either way ``backward`` receives and returns Tensors, written with ember ops, so
gradients of gradients need nothing extra.
"""
import itertools
import sys
import weakref
from weakref import ref as _weakref
from collections import OrderedDict

import numpy as _np

from ember import backend
from ember.backend import quiet_fp_enter as _fp_enter, quiet_fp_leave as _fp_leave
from ember._device import CPU
from ember._dtype import from_numpy_dtype, get_default_dtype, result_type
from ember.autograd._opmath import half_aware as _half_aware
from ember._tensor import Tensor, _Version, _new
from ember.autograd import anomaly_mode as _anomaly
from ember._grad_state import state as _grad_state
from ember.autograd import grad_mode
from ember.autograd import _saved_hooks as _hooks
from ember.autograd import _op_observers as _observe
from ember.autograd import _no_grad_views
from ember.autograd._no_grad_views import NoGradView as _NoGradView
from ember.ops import _argparse, _float8
from ember._dtype import FLOAT8_NUMS as _FLOAT8_NUMS, WIDE_FLOAT_NUMS as _FLOATS

_BACKWARD_TWICE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward.")

_sequence = itertools.count()


class _Saved:
    """A saved tensor plus the version it had, so in-place changes are caught at backward."""
    __slots__ = ('tensor', 'version', 'is_output', 'position')

    def __init__(self, tensor, is_output=0, position=-1):
        if is_output:
            # keep the data and version counter only: holding the output itself would make a cycle
            light = Tensor._make(tensor._data, tensor._device)
            light._version_counter = tensor._version_counter
            tensor = light
        self.tensor = tensor
        self.version = tensor._version_counter.value
        self.is_output = is_output
        self.position = position        # which tensor argument it is (-1: not an input)


class _EmptyDescription(dict):
    """A user Function's node's description: no ``_saved_*`` attribute (PyTorch's custom nodes show none)."""


_USER_FUNCTION = _EmptyDescription()


def _every_saved(node):
    """``_raw_saved_tensors`` of a user Function's node: one SavedTensor per tensor it saved."""
    return range(len(node._freed or node._saved or ()))


_every_saved.saved_list = True
_every_saved.element = lambda k: k


class _SavedValue:
    """A non-tensor value saved for backward (a Python scalar): no version to check."""
    __slots__ = ('tensor',)
    is_output = 0

    def __init__(self, value):
        self.tensor = value


def _holds_tensor(value):
    """Whether a ``_saved_*`` value is a tensor or a list holding one: what backward's freeing takes away."""
    if isinstance(value, (tuple, list)):
        return any(_holds_tensor(v) for v in value)
    return hasattr(value, '_data')


class Context:
    """What ``forward`` leaves for ``backward`` (PyTorch's ``ctx``)."""
    # class-level defaults: creating a Context per op then costs almost nothing
    xp = _np  # the CPU default; apply sets cupy for CUDA tensors
    # when nothing is recorded no input needs a gradient: one shared all-False tuple, long enough
    # for any op's positional arguments, saves building one per op call
    needs_input_grad = (False,) * 64
    materialize_grads = True
    _to_save = ()
    _saved = None
    _freed = False
    _non_differentiable = ()
    _dirty = ()
    _guard_saved = False  # a built-in op's node: saved_tensors only for its own backward
    _in_backward = False
    _in_jvp = False       # inside a custom Function's jvp: saved_tensors are the save_for_forward ones
    _kept_for_jvp = ()
    _fw_barrier = False   # a custom Function whose jvp gave its outputs' tangents (see forward_ad)

    def save_for_backward(self, *items):
        self._to_save = items

    def save_for_backward_outputs(self, *arrays):
        """Alias kept for DESIGN's Sigmoid example: outputs are recognised automatically."""
        self._to_save = self._to_save + arrays

    def mark_non_differentiable(self, *outputs):
        self._non_differentiable = outputs

    def save_for_forward(self, *tensors):
        """Keep tensors for ``jvp`` (forward-mode AD), where ``ctx.saved_tensors`` returns them."""
        self._kept_for_jvp = tensors

    def mark_dirty(self, *tensors):
        self._dirty = tensors

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)

    @property
    def saved_tensors(self):
        if self._in_jvp:
            return tuple(self._kept_for_jvp)
        if self._guard_saved and not self._in_backward:
            # as PyTorch's built-in nodes: their saved tensors are the _saved_<name> attributes
            raise AttributeError(f"'{type(self).__name__}' object has no attribute 'saved_tensors'")
        return self._unpack_saved()

    def _unpack_saved(self, only=None):
        """The saved tensors, or just the one at index ``only`` (a ``_saved_<name>`` read unpacks
        that one alone, so unpack hooks run for it only, as in PyTorch)."""
        if self._freed:
            raise RuntimeError(_BACKWARD_TWICE)
        if not self._saved:
            return ()
        out = []
        for s in (self._saved if only is None else (self._saved[only],)):
            if s is None:
                out.append(None)
                continue
            if type(s) is _hooks.PackedSaved:
                out.append(_unpack(s, self))
                continue
            t = s.tensor
            if type(s) is _SavedValue:
                out.append(t)
                continue
            if t._version_counter.value != s.version:
                raise RuntimeError(_modified_message(t, s, self))
            if s.is_output:
                # the output again, with this node as its history, for double backward
                recorded = isinstance(self, Node)
                t = Tensor._make(t._data, t._device, recorded, self if recorded else None, s.is_output - 1)
            out.append(t)
        return tuple(out)

    saved_outputs = saved_tensors
    saved_variables = saved_tensors


def _unpack(s, node):
    """A tensor saved through ``saved_tensors_hooks``: the unpack hook's result, version-checked."""
    t = s.unpack_hook(s.packed)
    if not isinstance(t, Tensor):
        raise TypeError(f"Output of saved tensor unpack_hook expected to be a Tensor but got result of type "
                        f"{type(t).__name__}")
    if s.version is not None and s.version_counter.value != s.version and \
            not getattr(s.unpack_hook, '_restores_saved_value', False):
        light = Tensor._make(t._data, t._device)
        light._version_counter = s.version_counter
        raise RuntimeError(_modified_message(light, s, node))
    if s.is_output:
        recorded = isinstance(node, Node)
        return Tensor._make(t._data, t._device, recorded, node if recorded else None, s.is_output - 1)
    if s.history is not None and t._grad_fn is None and not t._requires_grad:
        # hooks registered on this one saved input (grad_fn._raw_saved_*): the input's history given back
        fn, where = s.history
        out = Tensor._make(t._data, t._device, True, fn, where if fn is not None else 0)
        out._version_counter = t._version_counter
        if fn is None:
            out._grad_acc = where
        return out
    return t


def _modified_message(t, saved, node):
    """PyTorch's text: an output is named by the node that saved it, an input by its current producer."""
    desc = f"[{t.type()} [{', '.join(str(s) for s in t.shape)}]]"
    producer = node if saved.is_output else t._grad_fn
    if producer is not None:
        nr = saved.is_output - 1 if saved.is_output else t._output_nr
        desc += f", which is output {nr} of {_short_name(producer.name())},"
    return ("one of the variables needed for gradient computation has been modified by an inplace "
            f"operation: {desc} is at version {t._version_counter.value}; expected version {saved.version} "
            "instead. Hint: enable anomaly detection to find the operation that failed to compute its "
            "gradient, with ember.autograd.set_detect_anomaly(True, check_nan=False).")


def _short_name(name):
    """How PyTorch names a node in this message: 'SigmoidBackward0' -> 'Sigmoid', 'SumBackward1' -> 'Sum1',
    'FBackward' (a custom Function's) -> 'F'."""
    head, found, tail = name.rpartition('Backward')
    if not found or tail and not tail.isdigit():
        return name
    return head + ('' if tail == '0' else tail)


class Node(Context):
    """A node of the backward graph: what ``tensor.grad_fn`` is. Its :meth:`name` says which operation made it,
    ``next_functions`` leads to the nodes of that operation's inputs, and hooks registered on it run when
    backward reaches it.

    NOTE: as in PyTorch, the node is also the ``ctx`` its Function's forward and backward see:
    one object per op instead of two, and saved outputs need no back-reference to it.

    Example::

        >>> x = ember.ones(2, requires_grad=True)
        >>> y = (x * 2).sum()
        >>> isinstance(y.grad_fn, ember.autograd.graph.Node)
        True
        >>> y.grad_fn.name(), y.grad_fn.next_functions[0][0].name()
        ('SumBackward0', 'MulBackward0')
    """
    _pre_hooks = None
    _hooks = None
    _donated = False     # set by the engine around a backward whose gradient it hands over (see _takes_donation)
    _seq = -1
    _input_meta = ()
    _out_meta = (None,)  # one output unless apply records more
    next_functions = ()
    _view_error = None   # PyTorch's error for reading a view's history it refuses to rebase (ops/_view_history.py)

    @property
    def ctx(self):
        return self

    @property
    def metadata(self):
        try:
            return self._metadata
        except AttributeError:
            self._metadata = {}
            return self._metadata

    def name(self):
        return type(self).__name__

    def __repr__(self):
        # the nodes of Python-defined Functions print with their module's path, as in PyTorch
        fn = self.__dict__.get('_fn')
        prefix = 'ember.autograd.function.' if fn is not None and not fn._raw else ''
        return f'<{prefix}{type(self).__name__} object at {hex(id(self))}>'

    # ------------------------------------------------------------ saved tensors by name (torchviz)
    def _names_of_saved(self):
        """PyTorch's names for what this node saved: the op's own ``saved_names`` when it declares
        them, else ``self``/``other`` for the first two tensor arguments, ``result`` for an output."""
        records = self._freed or self._saved
        if not records:
            return []
        declared = getattr(self._fn, 'saved_names', None)
        names = []
        for k, s in enumerate(records):
            if declared is not None and k < len(declared):
                names.append(declared[k])
            elif type(s) in (_Saved, _hooks.PackedSaved) and s.is_output:
                names.append('result' if s.is_output == 1 else f'result{s.is_output - 1}')
            elif type(s) in (_Saved, _hooks.PackedSaved) and 0 <= s.position < 2:
                names.append(('self', 'other')[s.position])
            elif type(s) in (_Saved, _hooks.PackedSaved) and s.position >= 0:
                names.append(f'input{s.position}')
            else:
                names.append(f'saved{k}')
        return names

    def _read_saved(self, k):
        """Saved tensor ``k`` for a ``_saved_*`` read: PyTorch's error once backward freed it (a slot that held
        nothing, or a number, still reads as it was)."""
        if self._freed:
            s = self._freed[k] if k < len(self._freed) else None
            if s is None or type(s) is _SavedValue:
                return None if s is None else s.tensor
            raise RuntimeError(_BACKWARD_TWICE)
        if not self._saved or k >= len(self._saved):
            return None
        s = self._saved[k]
        if type(s) is _SavedPromoted:   # (the input given, not its promoted copy)
            return s.given
        return self._unpack_saved(k)[0]

    def _index_of_raw(self, name):
        """Which saved tensor ``_raw_saved_<name>`` is (None: ``name`` is no saved tensor of this node)."""
        described = self._described_saved()
        if described is _USER_FUNCTION:
            return _every_saved if name == 'tensors' and (self._freed or self._saved) else None
        if described is not None:
            read = described.get(name)
            return getattr(read, 'saved_index', None) if not hasattr(read, 'field_key') and \
                not hasattr(read, 'saved_list') else read
        names = self._names_of_saved()
        k = names.index(name) if name in names else None
        return k if k is not None and type((self._freed or self._saved)[k]) is not _SavedValue else None

    def _names_of_raw(self):
        described = self._described_saved()
        if described is _USER_FUNCTION:
            return ['tensors'] if self._freed or self._saved else []
        if described is not None:
            return [n for n, read in described.items()
                    if hasattr(read, 'saved_index') or hasattr(read, 'field_key') or hasattr(read, 'saved_list')]
        records = self._freed or self._saved
        return [n for k, n in enumerate(self._names_of_saved()) if type(records[k]) is not _SavedValue]

    def _described_saved(self):
        fn = self.__dict__.get('_fn')
        if fn is None:
            return None
        # the class's own (a subclass naming another node, SumDim of Sum, describes itself); a user's Function
        # shows no _saved_* attributes, its saved tensors only as _raw_saved_tensors (as PyTorch's)
        return vars(fn).get('saved_attrs', None if fn._raw else _USER_FUNCTION)

    def __dir__(self):
        described = self._described_saved()
        names = described if described is not None else self._names_of_saved()
        return sorted(set(super().__dir__()) | {f'_saved_{n}' for n in names}
                      | {f'_raw_saved_{n}' for n in self._names_of_raw()})

    def __getattr__(self, name):
        if name.startswith('_raw_saved_'):
            from ember.autograd._saved_tensor import raw_saved
            found = raw_saved(self, name[11:])
            if found is not None:
                if type(found) is tuple and (self._freed or self.__dict__.get('_released')):
                    raise RuntimeError(_BACKWARD_TWICE)     # (a list of saved tensors goes with them)
                return found
        elif name.startswith('_saved_'):
            described = self._described_saved()
            if described is not None:
                if name[7:] in described:   # (the op's own description: ember/autograd/_saved_attrs.py)
                    shown = self.__dict__.get('_shown_as_given')    # (_saved_attrs.show_as_given)
                    if shown is not None and name[7:] in shown:
                        return shown[name[7:]]
                    value = described[name[7:]](self)
                    if (self._freed or self.__dict__.get('_released')) and _holds_tensor(value):
                        raise RuntimeError(_BACKWARD_TWICE)    # (its numbers, sizes and None stay readable)
                    return value
            else:
                names = self._names_of_saved()
                if name[7:] in names:
                    k = names.index(name[7:])
                    return self._read_saved(k) if self._freed else self._unpack_saved(k)[0]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def register_hook(self, fn):
        return _add_hook(self, '_hooks', fn)

    def register_prehook(self, fn):
        return _add_pre_hook(self, None, fn)

    def _register_tensor_hook(self, output_nr, fn):
        return _add_pre_hook(self, output_nr, fn)

    def _release(self):
        saved = self._saved
        if saved:
            fn = self.__dict__.get('_fn')
            if fn is not None and fn.keeps_saved_strides:   # (PyTorch's mm nodes keep a matrix's strides as ints)
                self._freed_strides = [getattr(getattr(r, 'tensor', None), '_data', None) is not None
                                       and tuple(b // r.tensor._data.itemsize for b in r.tensor._data.strides)
                                       or None for r in saved]
            for r in saved:     # the tensors go; each slot's kind stays, for the _saved_* names PyTorch's node keeps
                t = type(r)
                if t is _Saved:
                    r.tensor = None
                elif t is _hooks.PackedSaved:
                    r.packed = r.history = None
                elif t is _SavedPromoted:
                    r.tensor = r.given = None
            self._freed = saved     # (truthy: the slots, emptied)
            self._saved = None
        else:
            # nothing saved for backward itself, but tensors kept for _saved_* (indices, frexp's exponent) go too
            self._released = True

    def apply(self, grads):
        """Input gradients from output gradients, shaped and typed like the inputs."""
        if _node_hooks and not _observe.entered():
            return _observe.run(_node_hooks, Node.apply, self, (grads,), {})
        ctx = self
        if self._fw_barrier and TANGENT_PASS[0]:
            # forward AD's tangent pass: this Function's outputs carry the tangents its jvp gave, so
            # nothing may reach its inputs through it (that would count their tangents twice)
            return [None] * len(self._input_meta)
        if ctx.materialize_grads:
            for g in grads:
                if g is None:
                    grads = tuple([g if g is not None else _zeros(m) for g, m in zip(grads, self._out_meta)])
                    break
        if self._guard_saved:
            self._in_backward = True
            try:
                res = self._fn.backward(ctx, *grads)  # the engine keeps NumPy's warnings quiet around the pass
            finally:
                self._in_backward = False
        else:
            res = self._fn.backward(ctx, *grads)
        if type(res) is not tuple:
            res = (res,)
        slots = self._arg_slots
        if (slots and len(res) <= slots[-1]) or (  # extra trailing gradients are allowed when None
                len(res) > getattr(ctx, '_n_args', len(res)) and any(g is not None for g in res[ctx._n_args:])):
            raise RuntimeError(f"function {self.name()} returned an incorrect number of gradients "
                               f"(expected {ctx._n_args}, got {len(res)})")
        out = []
        for slot, meta in zip(slots, self._input_meta):
            g = res[slot]
            if g is None or meta is None:  # no gradient, or a Python-number operand
                out.append(None)
                continue
            if not isinstance(g, Tensor):
                raise TypeError(f"function {self.name()} returned a gradient different than None at "
                                f"position {slot + 1}, but the corresponding forward input was not a Variable")
            data = g._data
            if g.is_sparse or data.shape == meta[0] and data.dtype == meta[1] and g._device is meta[2]:
                out.append(g)      # (a sparse gradient, nn.Embedding(sparse=True)'s, is checked where it is made)
            else:
                out.append(_validate(g, meta, self))
        return out

    __call__ = lambda self, *grads: self.apply(grads)


def _add_hook(node, attr, value):
    """Register ``value`` in the node's ``attr`` hook dict; the handle removes it again."""
    from ember.utils.hooks import RemovableHandle  # imported late: ember.utils loads after autograd
    hooks = getattr(node, attr)
    if hooks is None:
        hooks = OrderedDict()  # a plain dict cannot be weakly referenced by the handle
        setattr(node, attr, hooks)
    handle = RemovableHandle(hooks)
    hooks[handle.id] = value
    return handle


def _add_pre_hook(node, output_nr, fn):
    return _add_hook(node, '_pre_hooks', (output_nr, fn))


class AccumulateGrad(Node):
    """The node at a leaf: adds the incoming gradient into ``variable.grad``."""

    # first among the ready nodes, as PyTorch's (its sequence number is the largest there is): a leaf's
    # .grad is written as soon as its gradient is complete
    _seq = 1 << 62

    def name(self):
        return 'ember::autograd::AccumulateGrad'

    def __init__(self, variable):
        self.variable = variable

    def _release(self):
        pass


def _zeros(meta):
    shape, np_dtype, device = meta
    xp = backend.get_array_module(device)
    return Tensor._make(xp.zeros(shape, np_dtype), device)


def _validate(g, meta, node):
    """Shape, dtype and device of an input gradient made to match the input (as PyTorch does)."""
    shape, np_dtype, device = meta
    if g._data.shape != shape:
        from ember.ops.shape import sum_to_size
        try:
            g = sum_to_size(g, shape)
        except RuntimeError:
            raise RuntimeError(f"Function {node.name()} returned an invalid gradient at index 0 - got "
                               f"{list(g.shape)} but expected shape compatible with {list(shape)}") from None
    if g._data.dtype != np_dtype:
        if g._data.dtype.kind == 'c' and np_dtype.kind != 'c':
            g = g.real          # a real input's gradient is the real part (as PyTorch)
        g = g.to(from_numpy_dtype(np_dtype))
    if g._device is not device and g._device != device:
        g = g.to(device)
    return g


_node_classes = {}
_guarded_node_names = set()   # the node names of built-in ops (``_raw``): their nodes guard saved tensors


def _node_class(name):
    cls = _node_classes.get(name)
    if cls is None:
        cls = _node_classes[name] = type(name, (Node,), {})
        if name in _guarded_node_names:
            cls._guard_saved = True
    return cls


def _renamed_node(result, name):
    """``result`` with the node that made it named ``name``: where PyTorch's composite ends in a step whose node
    has another name than ember's same step (an in-place squeeze, a reshape of a column-major inverse), with
    the same saved attributes and gradient."""
    node = getattr(result, '_grad_fn', None)
    if node is not None:
        node.__class__ = _node_class(name)
    return result


def _node_class_of(function_cls):
    """The node class a Function's recorded calls make, created on its first recorded call: most of the
    hundreds of op Functions never record a node in a given program, and a class costs ~15 us to make."""
    node_cls = function_cls._node_cls = _node_class(function_cls.node_name)
    return node_cls


def _next_edge(t):
    """The (node, input_nr) an input tensor passes its gradient to."""
    fn = t._grad_fn
    if fn is not None:
        return (fn, t._output_nr)
    if t._requires_grad:
        return (t._grad_accumulator(), 0)
    return (None, 0)


def input_of(t):
    """Tensor ``t`` as an input of a node made by :func:`record_node`: its ``(edge, meta)``, meta None where no
    gradient flows to it (as ``apply`` records a built-in op's inputs)."""
    fn = t._grad_fn
    if fn is not None:
        edge = (fn, t._output_nr)
    elif t._requires_grad and (acc := t._grad_accumulator()) is not None:   # (None: see _no_grad_views)
        edge = (acc, 0)
    else:
        return _NO_EDGE, None
    data = t._data
    return edge, (data.shape, data.dtype, t._device)


def record_node(cls, n_args, inputs, **kept):
    """The node ``cls.apply`` records for a call of built-in op ``cls`` with ``n_args`` arguments whose first
    ones are the ``inputs`` (``(edge, meta)`` pairs, see :func:`input_of`), made without running the forward: for
    a caller that has no use for the output's array (an assignment's ``view`` and ``expand`` of the value it
    already wrote), which links ``(node, 0)`` as the output's edge. ``kept``: what the forward would have kept
    on its ctx for backward."""
    node = _new(cls._node_cls or _node_class_of(cls))
    node._fn = cls
    node._n_args = n_args
    node._arg_slots = _SLOTS[len(inputs)]
    node.needs_input_grad = tuple([meta is not None for _, meta in inputs]) + (False,) * (n_args - len(inputs))
    node.next_functions = tuple([edge for edge, _ in inputs])
    node._input_meta = [meta for _, meta in inputs]
    node._seq = next(_sequence)
    if _anomaly._enabled:
        node._anomaly_stack = _anomaly.forward_stack()
    node.__dict__.update(kept)
    return node


class _FunctionMeta(type):
    def __init__(cls, name, bases, ns):
        super().__init__(name, bases, ns)
        if 'node_name' not in ns:
            cls.node_name = name + 'Backward'
        cls._node_cls = None     # (made by _node_class_of on the first recorded call)
        if getattr(cls, '_raw', False):
            _guarded_node_names.add(cls.node_name)
            made = _node_classes.get(cls.node_name)
            if made is not None:
                made._guard_saved = True
        # a Function overriding setup_context has a forward without ctx (PyTorch 2's style)
        cls._setup_style = 'setup_context' in ns or any(getattr(b, '_setup_style', False) for b in bases)
        if getattr(cls, '_opmath', 0) and ('forward' in ns or '_opmath' in ns):
            # the forward half-precision inputs run, in float32 (apply picks it: see _opmath.py)
            from ember.autograd._opmath import opmath_forward
            cls._half_forward = staticmethod(opmath_forward(cls.forward))


class Function(metaclass=_FunctionMeta):
    """Base class of differentiable operations (PyTorch's ``torch.autograd.Function``).

    Subclass it with static ``forward(ctx, *args)`` and ``backward(ctx, *grads)`` methods and call
    ``apply`` (never ``forward``) to run it and record it in the graph.

    Example::

        >>> class Exp(ember.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         y = x.exp()
        ...         ctx.save_for_backward(y)
        ...         return y
        ...
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         y, = ctx.saved_tensors
        ...         return grad * y
        >>> x = ember.tensor([0., 1.], requires_grad=True)
        >>> y = Exp.apply(x)
        >>> y
        tensor([1.0000, 2.7183], grad_fn=<ExpBackward>)
        >>> y.sum().backward()
        >>> x.grad
        tensor([1.0000, 2.7183])
    """
    keeps_saved_strides = False     # its node shows a saved tensor's strides (_saved_*_sym_strides) after backward
    _raw = False          # forward sees arrays (Primitive) or Tensors (user Functions)
    _takes_donation = False  # a built-in backward that may write into its gradient when the engine
                             # sets ``ctx._donated`` (it made the array and nothing else holds it)
    _operator = None      # the Python operator an op implements ('+'), for its TypeError on other operands
    _promote = False      # cast tensor inputs to the promoted dtype before forward (True, 'float', 'tensors')
    _view = False         # outputs are views of input 0 (share storage and version counter)
    _scalar_edges = False  # Python-number operands appear in next_functions as (None, 0); a number n: only
                           # among the first n arguments (the operands; later numbers are options)
    # positions of forward's arguments that never get a gradient (indices, masks): no next_functions edge for them
    _nondiff_args = ()
    # positions of optional tensor arguments (a bias, a weight, a bound) whose None shows as a (None, 0) edge,
    # as PyTorch's node has one edge per tensor argument of its schema, defined or not
    _none_edges = ()
    _opmath = 0           # float16/bfloat16 inputs run forward in float32, rounded once (see _opmath.py):
                          # ALWAYS, or only WITH_NUMBER (a Python number among the operands)

    def __init__(self, *args, **kwargs):
        import warnings
        warnings.warn(f"{self.__class__} should not be instantiated. Methods on autograd functions are all static, "
                      "so you should invoke them on the class itself. Instantiating an autograd function will raise "
                      "an error in a future version of PyTorch.", DeprecationWarning, stacklevel=2)

    def __call__(self, *args, **kwargs):
        # the pre-0.4 style, an instance called with non-static forward/backward methods
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. Please use "
                           "new-style autograd function with static forward method. (Example: "
                           "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grads):
        raise NotImplementedError("You must implement either the backward or vjp method for your "
                                  "custom autograd.Function to use it with backward mode AD.")

    vjp = backward

    generate_vmap_rule = False   # True: under vmap, forward runs on the batched tensors

    @staticmethod
    def setup_context(ctx, inputs, output):
        """Save what backward needs, when ``forward`` takes no ``ctx`` (the style torch.func needs)."""
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def vmap(info, in_dims, *args):
        """The Function under vmap: ``(outputs, out_dims)`` from inputs batched along ``in_dims``."""
        raise NotImplementedError("To use autograd.Function with vmap, you must either override the vmap "
                                  "staticmethod or set generate_vmap_rule=True.")

    @staticmethod
    def jvp(ctx, *grad_inputs):
        """Forward-mode AD: the outputs' tangents from the inputs' (``ctx.saved_tensors`` holds what forward
        passed to ``ctx.save_for_forward``)."""
        raise NotImplementedError(_NEEDS_JVP)

    @classmethod
    def apply(cls, *args, **kwargs):
        # NOTE: this is the per-op hot path (about a microsecond of Python per op is all there is to
        # spend): plain loops, no helper calls in the common case. When nothing is recorded a built-in
        # op gets a bare Context (no graph node), its inputs' arrays as they are when they already
        # share one dtype, and its array wrapped inline.
        if _op_hooks and not _observe.entered():
            return _observe.run(_op_hooks, _plain_apply, cls, args, kwargs)
        device = None
        record = False
        ntens = 0
        for a in args:
            if isinstance(a, Tensor):
                ntens += 1
                if a._requires_grad:
                    record = True
                d = a._device
                if device is None:
                    device = d
                elif d is not device and d != device:
                    device = _check_devices([t for t in args if isinstance(t, Tensor)])
                    # only 0-dim CPU tensors may join a device's op: copy them there (differentiably)
                    return _again(cls, [a.to(device) if isinstance(a, Tensor) and a._device != device else a
                                        for a in args], kwargs)
            elif isinstance(a, _np.generic):
                # a NumPy scalar (x * np.sqrt(2)) counts as a Python number, as in PyTorch: NumPy itself would
                # let np.float64 promote a float32 tensor to float64
                return _again(cls, [b.item() if isinstance(b, _np.generic) else b for b in args], kwargs)
            elif cls._operator is not None and a.__class__ not in _PLAIN_NUMBERS:
                _check_operand(cls, a, args)
        if record:
            record = grad_mode._state.enabled
        if record or not cls._raw:
            return _apply_general(cls, args, kwargs, device, record, ntens)
        ctx = _Unrecorded()
        if device is None:
            if args and (args[0].__class__ in _argparse.NOT_OPERANDS or args[0] is None):
                _argparse.refuse_from_stack()   # an op given no tensor (ember.relu([1., 2.])): PyTorch's error
            device = CPU
        elif device is not CPU:
            if device.type == 'meta':   # results become zero-memory arrays: the general path does that
                return _apply_general(cls, args, kwargs, device, False, ntens)
            ctx.xp = backend.get_array_module(device)
        promote = cls._promote
        if ntens == len(args):
            if ntens == 2:
                raw = (args[0]._data, args[1]._data)
                if promote:
                    dt = raw[0].dtype
                    dt1 = raw[1].dtype
                    # (_FLOATS: bfloat16 passes, a float8 array takes the checked route)
                    if (dt is not dt1 and dt != dt1) or not (promote is True or dt.num in _FLOATS):
                        raw = _promote_arrays(args, raw, promote, cls)
            elif ntens == 1:
                raw = (args[0]._data,)
                if promote and not (promote is True or raw[0].dtype.num in _FLOATS):
                    raw = _promote_arrays(args, raw, promote, cls)
            else:
                raw = [a._data for a in args]
                if promote and ntens:
                    dt = raw[0].dtype
                    for r in raw:
                        if r.dtype is not dt and r.dtype != dt:
                            dt = None
                            break
                    if dt is None or not (promote is True or dt.num in _FLOATS):
                        raw = _promote_arrays(args, raw, promote, cls)
        elif promote:
            dt = _promoted(args, promote)
            if dt is None:
                raw = [a._data if isinstance(a, Tensor) else a for a in args]
            else:
                raw = [_scalar_arg(a, dt) if not isinstance(a, Tensor) else
                       (a._data if a._data.dtype == dt else a._data.astype(dt)) for a in args]
        elif ntens == 1 and isinstance(args[0], Tensor):
            # (one tensor first, options after: reductions, views; no comprehension's frame)
            raw = list(args)
            raw[0] = args[0]._data
        else:
            raw = [a._data if isinstance(a, Tensor) else a for a in args]
        forward = cls.forward
        if cls._opmath:
            dt = getattr(raw[0], 'dtype', None)
            if dt is not None and dt.itemsize <= 2:     # (float8, itemsize 1: refused there when PyTorch does)
                forward = _half_aware(cls, raw, ntens == len(args))
        quiet = _fp_enter()
        try:
            out = forward(ctx, *raw, **kwargs)
        except ValueError as e:
            err = _translate_broadcast_error(e, raw) if getattr(cls.forward, '_broadcast_errors', False) else None
            if err is None:
                _argparse.refuse_from_stack()
                raise
            raise err from None
        except _argparse.FAILURES:      # arguments PyTorch refuses get its error (costs nothing otherwise)
            _argparse.refuse_from_stack()
            raise
        finally:
            _fp_leave(quiet)
        if type(out) is not _np.ndarray:
            if isinstance(out, _np.generic):
                out = _np.asarray(out)   # a full reduction's NumPy scalar, as the 0-d array it stands for
            else:
                return _wrap_outputs(cls, out, device, args)
        # Tensor._make, inlined
        r = _new(Tensor)
        r._data = out
        r._device = device
        r._requires_grad = False
        r._grad_fn = None
        if cls._view:     # (it shares its base's version counter and inference flag)
            _mark_view(cls, _first_tensor(args), args[1:], r)
            return r
        r._version_counter = _Version()
        if _grad_state.inference:
            r._inference = True
        return r


_plain_apply = Function.__dict__['apply'].__func__


# dtypes whose unrecorded elementwise call may skip apply (see unrecorded_binary): the kernels' own
# refusals (PyTorch's missing uint16/32/64 arithmetic) and half precision's float32 opmath are left to apply
_PLAIN_NUMS = frozenset(_np.dtype(t).num for t in (_np.float32, _np.float64, _np.complex64, _np.complex128,
                                                   _np.int8, _np.int16, _np.int32, _np.int64, _np.uint8))


def unrecorded_binary(kernel, a, b, c=None):
    """``kernel(a, b)`` on the arrays of two plain CPU tensors of one dtype (``kernel(a, b, c)`` given a
    third), as a new tensor, when the call records nothing and no op observer watches; None otherwise
    (the caller then runs its op's ``apply``).

    A built-in elementwise op whose unrecorded forward is that one kernel call gets the same result from
    ``apply`` (no promotion: one dtype; no ctx to fill), which on tiny tensors spends twice the kernel's
    time deciding so: the argument scan, the ctx and the forward's frame. ``a`` and ``b`` must be
    exactly ``Tensor`` (the caller checks: subclasses compute their arrays or dispatch).
    """
    if _op_hooks or a._device is not CPU or b._device is not CPU or \
            ((a._requires_grad or b._requires_grad) and _grad_state.enabled):
        return None
    x = a._data
    y = b._data
    dt = x.dtype
    if y.dtype is not dt or dt.num not in _PLAIN_NUMS:
        return None
    if c is not None:
        if c._device is not CPU or (c._requires_grad and _grad_state.enabled) or c._data.dtype is not dt:
            return None
        return _unrecorded_ternary(kernel, x, y, c._data)
    quiet = _fp_enter()
    try:
        out = kernel(x, y)
    except Exception:   # (shapes that do not broadcast, ...: apply raises the error in its words)
        return None
    finally:
        _fp_leave(quiet)
    return _unrecorded_result(out)


# float and complex dtypes, whose arrays keep their dtype against a Python int or float (NumPy's weak
# scalars, as PyTorch's promotion has it): their unrecorded call with a number needs no promotion
_FLOAT_NUMS = frozenset(_np.dtype(t).num for t in (_np.float32, _np.float64, _np.complex64, _np.complex128))


def unrecorded_scalar(kernel, a, number):
    """``kernel(a, number)`` on a plain float or complex CPU tensor's array and a Python int or float, as
    :func:`unrecorded_binary` (None: run ``apply``)."""
    if _op_hooks or a._device is not CPU or (a._requires_grad and _grad_state.enabled) or \
            a._data.dtype.num not in _FLOAT_NUMS:
        return None
    quiet = _fp_enter()
    try:
        out = kernel(a._data, number)
    except Exception:
        return None
    finally:
        _fp_leave(quiet)
    return _unrecorded_result(out)


def _unrecorded_ternary(kernel, x, y, z):
    quiet = _fp_enter()
    try:
        out = kernel(x, y, z)
    except Exception:
        return None
    finally:
        _fp_leave(quiet)
    return _unrecorded_result(out)


def unrecorded_unary(kernel, a):
    """``kernel`` on one plain CPU tensor's array, as :func:`unrecorded_binary` (None: run ``apply``)."""
    if _op_hooks or a._device is not CPU or (a._requires_grad and _grad_state.enabled) or \
            a._data.dtype.num not in _PLAIN_NUMS:
        return None
    quiet = _fp_enter()
    try:
        out = kernel(a._data)
    except Exception:
        return None
    finally:
        _fp_leave(quiet)
    return _unrecorded_result(out)


def unrecorded_view(cls, input, view, *view_args):
    """``cls.apply(input, *view_args)`` for a view op ``cls`` whose forward returns ``view(array,
    *view_args)``, on a plain CPU tensor when the call records nothing and no op observer watches;
    None otherwise, or where ``view`` raises (the caller then runs apply, which raises the op's error).

    A view of a tiny tensor (``nn.Flatten``, ``x.view(...)``) spends most of ``apply``'s time deciding
    that nothing is recorded: the argument scan, the ctx, NumPy's error state, the forward's frame.
    ``input`` must be exactly ``Tensor``, as in :func:`unrecorded_binary`.
    """
    if input.__class__ is not Tensor or _op_hooks or input._device is not CPU or \
            (input._requires_grad and _grad_state.enabled):
        return None
    try:
        out = view(input._data, *view_args)
    except Exception:
        return None
    r = _new(Tensor)   # Tensor._make, inlined; the version counter is the base's
    r._data = out
    r._device = CPU
    r._requires_grad = False
    r._grad_fn = None
    _mark_view(cls, input, view_args, r)
    return r


def _unrecorded_result(out):
    """An unrecorded op's one array as its result tensor, as ``apply`` wraps it."""
    if type(out) is not _np.ndarray and isinstance(out, _np.generic):
        out = _np.asarray(out)   # a 0-d operation's NumPy scalar, as the 0-d array it stands for
    r = _new(Tensor)   # Tensor._make, inlined
    r._data = out
    r._device = CPU
    r._requires_grad = False
    r._grad_fn = None
    r._version_counter = _Version()
    if _grad_state.inference:
        r._inference = True
    return r
_op_hooks = ()     # the observers' hooks on every op call (see _op_observers.py); () when none
_node_hooks = ()   # theirs on every node's backward


def _again(cls, args, kwargs):
    """The same op once more with its arguments made uniform: the observers saw this call already."""
    if _op_hooks:
        _observe._entered.flag = True
    return _plain_apply(cls, *args, **kwargs)


def _wrap_outputs(cls, out, device, args):
    """An unrecorded op's outputs other than one NumPy array: a tuple of them, or a CuPy array."""
    if type(out) is tuple:
        results = tuple([None if o is None else
                         Tensor._make(o if not isinstance(o, _np.generic) else _np.asarray(o), device)
                         for o in out])
    else:
        results = (Tensor._make(out, device),)
    if cls._view:
        _mark_views(cls, _first_tensor(args), args[1:], results, type(out) is tuple)
    return results if type(out) is tuple else results[0]


class _Unrecorded(Context):
    """The ctx of a built-in op whose call records nothing: what it saves is dropped unread."""

    def save_for_backward(self, *items):
        pass


def _promote_arrays(args, raw, mode, cls):
    dt = _full_promotion(args, mode)
    if dt.num in _FLOAT8_NUMS:     # (float8 arrays always come this way) PyTorch's refusal of the op, if it refuses
        _float8.refuse_node(cls, dt)
    return [r if r.dtype == dt else r.astype(dt) for r in raw]


def _on_meta(forward):
    """``forward`` for 'meta' tensors: it runs on the inputs' zero-memory arrays (which work out
    results' shapes and dtypes without computing them), and its results are kept as such arrays."""
    def run(ctx, *raw, **kwargs):
        out = forward(ctx, *raw, **kwargs)
        if type(out) is tuple:
            return tuple([None if o is None else backend.as_meta(o) for o in out])
        return backend.as_meta(out)
    return run


def _first_tensor(args):
    for a in args:
        if isinstance(a, Tensor):
            return a


def _apply_general(cls, args, kwargs, device, record, ntens):
    """``Function.apply`` when a graph node is recorded, or for a user's Function (whose forward
    sees Tensors and always gets a node as its ctx, as in PyTorch); ``ntens``: how many of ``args``
    are tensors."""
    n = len(args)
    all_tensors = ntens == n
    # one tensor first, options after (reductions, views, softmax): no loop over the arguments
    lone = ntens == 1 and not all_tensors and isinstance(args[0], Tensor)
    if all_tensors:
        tensors = args
        slots = _SLOTS[n] if n < len(_SLOTS) else list(range(n))
    elif lone:
        tensors = args[:1]
        slots = _SLOTS[1]
    else:
        tensors = []
        slots = []
        for i, a in enumerate(args):
            if isinstance(a, Tensor):
                tensors.append(a)
                slots.append(i)
    if device is None:
        device = CPU
    ctx = _new(cls._node_cls or _node_class_of(cls))
    if device is not CPU:
        ctx.xp = backend.get_array_module(device)
        on_meta = device.type == 'meta'
    else:
        on_meta = False
    if record:
        ctx._n_args = n
        # (two tensors spelled out: a comprehension is a Python frame of its own)
        # (one argument, a tensor: it is the one that requires grad, since the call records)
        ctx.needs_input_grad = (args[0]._requires_grad, args[1]._requires_grad) if all_tensors and n == 2 else \
            _FIRST_ONLY[n] if (lone or n == 1) and n < len(_FIRST_ONLY) else \
            tuple([a._requires_grad for a in args]) if all_tensors else \
            tuple([isinstance(a, Tensor) and a._requires_grad for a in args])

    if cls._raw:
        promote = cls._promote
        if all_tensors:
            raw = (args[0]._data, args[1]._data) if n == 2 else (args[0]._data,) if n == 1 else \
                [a._data for a in args]
            if promote and n:
                dt = raw[0].dtype
                for r in raw:
                    if r.dtype is not dt and r.dtype != dt:
                        dt = None
                        break
                if dt is None or not (promote is True or dt.num in _FLOATS):
                    raw = _promote_arrays(args, raw, promote, cls)
        elif promote:
            dt = _promoted(args, promote)
            if dt is None:
                raw = [a._data if isinstance(a, Tensor) else a for a in args]
            else:
                raw = [_scalar_arg(a, dt) if not isinstance(a, Tensor) else
                       (a._data if a._data.dtype == dt else a._data.astype(dt)) for a in args]
        elif lone:
            raw = list(args)
            raw[0] = args[0]._data
        else:
            raw = [a._data if isinstance(a, Tensor) else a for a in args]
        forward = cls.forward
        if cls._opmath:
            dt = getattr(raw[0], 'dtype', None) if raw else None
            if dt is not None and dt.itemsize <= 2:
                forward = _half_aware(cls, raw, all_tensors)
        if on_meta:
            forward = _on_meta(forward)
        quiet = _fp_enter()
        try:
            out = forward(ctx, *raw, **kwargs)
        except ValueError as e:
            err = _translate_broadcast_error(e, raw) if getattr(cls.forward, '_broadcast_errors', False) \
                else None
            if err is None:
                raise
            raise err from None
        finally:
            _fp_leave(quiet)
        if type(out) is tuple:
            multi = True
            outs = out
            results = [None if o is None else
                       Tensor._make(o if not isinstance(o, _np.generic) else _np.asarray(o), device)
                       for o in outs]
        else:
            multi = False
            outs = (out,)
            r = _new(Tensor)  # Tensor._make, inlined
            r._data = data = out if type(out) is _np.ndarray or not isinstance(out, _np.generic) else _np.asarray(out)
            r._device = device
            if record and data.dtype.kind in 'fcV' and not (
                    ctx._non_differentiable and any(n is out for n in ctx._non_differentiable)):
                r._requires_grad = True   # the node's output (it is made the grad_fn below)
                r._grad_fn = ctx
            else:
                r._requires_grad = False
                r._grad_fn = None
            r._version_counter = _Version()
            if _grad_state.inference:
                r._inference = True
            results = (r,)
    else:
        if cls._setup_style or _transforms_running():
            out = _apply_in_style(cls, ctx, args, kwargs)
        else:
            with grad_mode.no_grad():
                out = cls.forward(ctx, *args, **kwargs)
        multi = isinstance(out, tuple)
        outs = out if multi else (out,)
        results = [Tensor._make(o._data, o._device) if isinstance(o, Tensor) else o for o in outs]

    if cls._view:
        _mark_views(cls, tensors[0], args[1:], results, multi)

    if record:
        node = ctx
        node._fn = cls
        node._arg_slots = slots
        edges = []
        meta = []
        given = raw if cls._raw else None     # (the arrays the forward was given: see _resolve_saved)
        raw = cls._raw
        for t in tensors:
            fn = t._grad_fn
            if fn is not None:
                edges.append((fn, t._output_nr))
            elif t._requires_grad:
                ref = t._grad_acc
                acc = ref() if ref is not None else None
                if acc is None:   # Tensor._grad_accumulator, inlined: a leaf's first use in this graph
                    if t._no_grad_view is None:
                        acc = _new(AccumulateGrad)
                        acc.variable = t
                        t._grad_acc = _weakref(acc)
                    else:   # a view made without recording: no gradient reaches it (see _no_grad_views)
                        acc = t._grad_accumulator()
                        if acc is None:
                            edges.append(_NO_EDGE)
                            if raw:
                                meta.append(None)
                                continue
                            data = t._data
                            meta.append((data.shape, data.dtype, t._device))
                            continue
                edges.append((acc, 0))
            else:
                edges.append(_NO_EDGE)
                if raw:   # no gradient flows there: a built-in backward's value for it is dropped unchecked
                    meta.append(None)
                    continue
            data = t._data
            meta.append((data.shape, data.dtype, t._device))
        if cls._scalar_edges and not all_tensors:
            # PyTorch wraps a Python-number operand into a tensor: it shows as a (None, 0) edge
            slots, edges, meta = _with_scalar_edges(args, edges, meta, cls._scalar_edges)
            node._arg_slots = slots
        if cls._none_edges:
            slots, edges, meta = _with_none_edges(cls._none_edges, args, slots, edges, meta)
            node._arg_slots = slots
        if cls._nondiff_args:
            slots, edges, meta = _without_nondiff_edges(cls._nondiff_args, slots, edges, meta)
            node._arg_slots = slots
        node.next_functions = tuple(edges)
        node._input_meta = meta
        node._seq = next(_sequence)
        if _anomaly._enabled:
            node._anomaly_stack = _anomaly.forward_stack()
        if multi:
            # only a multi-output node can receive None for some outputs and need zeros there
            node._out_meta = [(r._data.shape, r._data.dtype, device) if isinstance(r, Tensor) else None
                              for r in results]
            non_diff = ctx._non_differentiable
            k = 0
            for r in results:
                if isinstance(r, Tensor):
                    if r._data.dtype.kind in 'fcV' and not (non_diff and any(n is outs[k] for n in non_diff)):
                        r._grad_fn = node
                        if k:
                            r._output_nr = k
                        r._requires_grad = True
                k += 1
        elif not cls._raw:   # (a built-in op's one output was made the node's above)
            r = results[0]
            if isinstance(r, Tensor) and r._data.dtype.kind in 'fcV' and not (
                    ctx._non_differentiable and any(n is out for n in ctx._non_differentiable)):
                r._grad_fn = node
                r._requires_grad = True
        if not raw:
            mark_returned_inputs(tensors, outs, results, node.name())
        if ctx._to_save:
            _resolve_saved(ctx, args, tensors, outs, results, given)
    if not cls._raw and _fwad_duals and not TANGENT_PASS[0]:
        _custom_jvp(cls, ctx, args, tensors, results if multi else [results[0]])
    return tuple(results) if multi else results[0]


def _transforms_running():
    batched = sys.modules.get('ember.func._batched_tensor')
    return batched is not None and batched.inside_transform()


_NEEDS_SETUP = ("In order to use an autograd.Function with functorch transforms (vmap, grad, jvp, jacrev, ...), it "
                "must override the setup_context staticmethod. For more details, please see "
                "https://pytorch.org/docs/main/notes/extending.func.html")


def _apply_in_style(cls, ctx, args, kwargs):
    """Run a Python Function whose forward takes no ctx (``setup_context`` saves what backward needs), as
    PyTorch 2 recommends; only that style may run inside ember.func's transforms, as in PyTorch."""
    if not cls._setup_style:
        raise RuntimeError(_NEEDS_SETUP)
    inputs = tuple(args) if not kwargs else _bound_inputs(cls, args, kwargs)
    if FORWARD_MODE[0] and cls.jvp is Function.jvp and not cls.__module__.startswith('ember.') and any(
            isinstance(a, Tensor) and a.requires_grad for a in args):
        raise NotImplementedError(_NEEDS_JVP)
    batched = sys.modules.get('ember.func._batched_tensor')
    if batched is not None and batched.active_levels() and not cls.generate_vmap_rule:
        return _apply_vmap_rule(cls, args, kwargs, batched)
    # outside vmap, or (generate_vmap_rule=True) under it, where forward runs on the batched tensors
    with grad_mode.no_grad():
        out = cls.forward(*args, **kwargs)
    cls.setup_context(ctx, inputs, out)
    return out


def _bound_inputs(cls, args, kwargs):
    import inspect
    bound = inspect.signature(cls.forward).bind(*args, **kwargs)
    bound.apply_defaults()
    return tuple(bound.arguments.values())


class _VmapInfo:
    """What a Function's ``vmap`` staticmethod is told: the batch size and the randomness mode."""

    def __init__(self, batch_size, randomness):
        self.batch_size = batch_size
        self.randomness = randomness


def _apply_vmap_rule(cls, args, kwargs, batched):
    """A Function called on batched tensors without generate_vmap_rule: its ``vmap`` staticmethod, as PyTorch."""
    if cls.vmap is Function.vmap:
        raise RuntimeError(f"You tried to vmap over {cls.__name__}, but it does not have vmap support. Please override "
                           "and implement the vmap staticmethod or set generate_vmap_rule=True. For more details, "
                           "please see https://pytorch.org/docs/main/notes/extending.func.html")
    level, size = batched.active_levels()[-1]
    values, in_dims = [], []
    for a in args:
        if type(a) is batched.BatchedTensor and a.level == level:
            values.append(a.value)
            in_dims.append(a.bdim)
        else:
            values.append(a)
            in_dims.append(None)
    vmap_module = sys.modules.get('ember.func._vmap')
    randomness = getattr(vmap_module, '_randomness', lambda: 'error')() if vmap_module else 'error'
    levels = batched.active_levels()
    current = levels.pop()          # the rule runs below this vmap's level, on the plain values
    try:
        out, out_dims = cls.vmap(_VmapInfo(size, randomness), tuple(in_dims), *values, **kwargs)
    finally:
        levels.append(current)
    outs, dims = (out, out_dims) if isinstance(out, tuple) else ((out,), (out_dims,))
    if len(dims) != len(outs):
        raise ValueError(f"{cls.__name__}.vmap returned {len(outs)} outputs but out_dims for {len(dims)}")
    wrapped = tuple(batched.batched(o, d % o.ndim, level) if d is not None else o for o, d in zip(outs, dims))
    return wrapped if isinstance(out, tuple) else wrapped[0]


FORWARD_MODE = [0]       # > 0 while ember.func's forward-mode transforms (jvp, jacfwd) run their function
_NEEDS_JVP = "You must implement the jvp function for custom autograd.Function to use it with forward mode AD."
TANGENT_PASS = [False]   # set by forward_ad while it computes tangents
_fwad_duals = []         # forward_ad's open duals (the same list): empty means no forward AD is running


def _custom_jvp(cls, ctx, args, tensors, results):
    """Forward-mode AD through a custom Function: its ``jvp`` gives the outputs' tangents, as in PyTorch."""
    from ember.autograd import forward_ad
    tangents = {id(t): forward_ad.unpack_dual(t).tangent for t in tensors}
    if all(v is None for v in tangents.values()):
        return
    if cls.jvp is Function.jvp:
        raise NotImplementedError(_NEEDS_JVP)
    from ember.ops.creation import zeros_like
    grad_inputs = [(tangents[id(a)] if tangents[id(a)] is not None else zeros_like(a))
                   if isinstance(a, Tensor) else None for a in args]
    ctx._in_jvp = True
    try:
        out = cls.jvp(ctx, *grad_inputs)
    finally:
        ctx._in_jvp = False
    outs = out if isinstance(out, tuple) else (out,)
    if len(outs) != len(results):
        raise RuntimeError(f"jvp of {cls.__name__} returned {len(outs)} tangents, expected {len(results)} "
                           "(one per output)")
    ctx._fw_barrier = True
    forward_ad.register_tangents([(r, t) for r, t in zip(results, outs) if isinstance(r, Tensor) and t is not None])


_SLOTS = tuple(tuple(range(n)) for n in range(9))  # the argument positions of an all-tensor call
# needs_input_grad of a recorded call of n arguments whose one tensor comes first (and so requires grad)
_FIRST_ONLY = (None,) + tuple((True,) + (False,) * (n - 1) for n in range(1, 9))


_NO_EDGE = (None, 0)


def _without_nondiff_edges(nondiff, slots, edges, meta):
    """The edges of the tensor arguments at positions ``nondiff`` left out: PyTorch's node has none for an
    argument it never differentiates (an index, a mask, a condition, a loss's class weights)."""
    keep = [k for k, slot in enumerate(slots) if slot not in nondiff]
    return [slots[k] for k in keep], [edges[k] for k in keep], [meta[k] for k in keep]


def _with_none_edges(positions, args, slots, edges, meta):
    """A (None, 0) edge put in, in argument order, for each argument at ``positions`` that is None."""
    missing = [k for k in positions if k < len(args) and args[k] is None]
    if not missing:
        return slots, edges, meta
    rows = sorted([*zip(slots, edges, meta), *[(k, _NO_EDGE, None) for k in missing]], key=lambda row: row[0])
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]


def _with_scalar_edges(args, edges, meta, operands=True):
    slots, all_edges, all_meta = [], [], []
    j = 0
    for k, a in enumerate(args):
        if isinstance(a, Tensor):
            slots.append(k)
            all_edges.append(edges[j])
            all_meta.append(meta[j])
            j += 1
        elif isinstance(a, (int, float)) and (operands is True or k < operands):
            slots.append(k)
            all_edges.append(_NO_EDGE)
            all_meta.append(None)
    return slots, all_edges, all_meta


_PLAIN_NUMBERS = frozenset((int, float, bool, complex))
_COMPARISONS = frozenset(('<', '<=', '>', '>='))


def _check_operand(cls, a, args):
    """An operator's operand that is neither a tensor nor a number (``x + [1, 2]``) gets Python's own
    TypeError, as in PyTorch (whose operators return NotImplemented for it); NumPy would have
    read the list as an array."""
    import numbers
    if (a is args[0] or len(args) > 1 and a is args[1]) and not isinstance(a, (numbers.Number, _np.ndarray)):
        _argparse.refuse_from_stack()   # called as an op (ember.add(x, [1])): PyTorch's argument error
        op, name = cls._operator, type(a).__name__
        if op in ('==', '!='):         # (the operators themselves give Python NotImplemented: x == None is False)
            raise TypeError(f"{'eq' if op == '==' else 'ne'}(): argument 'other' must be Tensor or Number, not {name}")
        if op in _COMPARISONS:
            raise TypeError(f"'{op}' not supported between instances of 'Tensor' and '{name}'")
        raise TypeError(f"unsupported operand type(s) for {op}: 'Tensor' and '{name}'")


def _scalar_arg(a, dt):
    """A Python int meeting an integer tensor wraps to its dtype, as in PyTorch (uint8 + -1 -> 255 + ...);
    NumPy would raise OverflowError instead."""
    if type(a) is int and dt.kind in 'iu':
        info = _np.iinfo(dt)
        if not info.min <= a <= info.max:
            return _np.asarray(a).astype(dt)
    return a


def _promoted(args, mode):
    """The NumPy dtype tensor inputs are cast to (PyTorch's promotion, see _dtype), or None when
    every tensor input already has it (the common case, decided without building the full table)."""
    if mode == 'tensors':
        args, mode = _tensors_only(args)
    first = None
    only_tensors = True
    ints = False
    for a in args:
        if isinstance(a, Tensor):
            d = a._data.dtype
            if first is None:
                first = d
            elif d is not first and d != first:
                return _full_promotion(args, mode)
        elif a is None:
            continue
        elif type(a) is float:
            only_tensors = False
        elif type(a) is int:
            # a Python int keeps a float/complex tensor's dtype (an integer tensor needs the full
            # rules: its bounds wrap the number)
            only_tensors = False
            ints = True
        else:
            return _full_promotion(args, mode)
    if ints and (first is None or first.kind not in 'fcV'):
        return _full_promotion(args, mode)
    if first is not None and (first.kind in 'fcV' or (only_tensors and mode is True)):
        return None
    return _full_promotion(args, mode)


def _tensors_only(args):
    """Promotion mode 'tensors' (cat, stack): among the tensor arguments only, the numbers being options (dim)."""
    return [a for a in args if isinstance(a, Tensor)], True


def _full_promotion(args, mode):
    if mode == 'tensors':
        args, mode = _tensors_only(args)
    try:
        dt = result_type(*args).np_dtype
    except _argparse.FAILURES:
        _argparse.refuse_from_stack()
        raise
    if mode == 'float' and dt.kind not in 'fcV':
        dt = get_default_dtype().np_dtype
    return dt


def _mark_views(cls, src, view_args, results, multi=False):
    """Outputs of a view op share the base's storage and version counter (``multi``: the op
    returned a tuple of views, each of which replays the op and picks its own)."""
    if not multi:
        _mark_view(cls, src, view_args, results[0])
        return
    base = src._base if src._base is not None else src
    parent_fn = src._view_fn
    if parent_fn is None:
        def fn(t):
            return cls.apply(t, *view_args)
    else:
        def fn(t):
            return cls.apply(parent_fn(t), *view_args)
    for k, r in enumerate(results):
        if r is not None:
            r._base = base
            r._version_counter = src._version_counter
            if r._inference is not src._inference:   # a view is an inference tensor exactly when its base is
                r._inference = src._inference
            r._view_fn = MultiOutputView(fn, k, cls.node_name)
            if grad_mode._state.enabled:
                _add_live_view(base, r)
            elif (base._requires_grad or _grad_state.inference) and not src._inference and \
                    r._data.dtype.kind in 'fcV':
                _no_grad_views.mark(r, src, _grad_state.inference, base._requires_grad)


def _mark_view(cls, src, view_args, r):
    """:func:`_mark_views` for a view op's one output ``r`` (the common case, on every reshape and
    index: no loops)."""
    base = src._base
    parent_fn = src._view_fn
    if parent_fn is None:
        base = src

        def fn(t):
            return cls.apply(t, *view_args)
    else:
        def fn(t):
            return cls.apply(parent_fn(t), *view_args)
        if isinstance(parent_fn, CustomFunctionView):   # a view of a custom Function's returned input
            fn = CustomFunctionView(fn)
        elif isinstance(parent_fn, ReplayedView):       # a view of view_as_real's result, ...
            fn = ReplayedView(fn, _as_strided_to(r), parent_fn)
        elif isinstance(parent_fn, (MultiOutputView, ViewOfMultiOutput)) and _grad_state.enabled:
            fn = ViewOfMultiOutput(fn)                   # (a view of a piece of split/unbind/chunk)
        if src._no_grad_view is not None and _grad_state.enabled:
            _no_grad_views.inherit(r, src)
    r._base = base
    r._version_counter = src._version_counter
    r._view_fn = fn
    if src._inference:      # a view is an inference tensor exactly when its base is
        r._inference = True
    elif r._inference:
        r._inference = False
    if _grad_state.enabled:
        _add_live_view(base, r)
    elif base._requires_grad and r._data.dtype.kind in 'fcV' and not src._inference:   # (ordinary views: one read)
        # _no_grad_views.mark(r, src, ..., True), inlined for the usual case (every view of a parameter inside
        # no_grad comes here): a view made in no_grad mode of a tensor not itself made so
        if src._no_grad_view is None and not _grad_state.inference:
            made = _new(_NoGradView)
            made.version = src._version_counter.value
            r._no_grad_view = made
            r._requires_grad = True
        else:
            _no_grad_views.mark(r, src, _grad_state.inference, True)


def _add_live_view(base, r):
    """Register ``r`` among ``base``'s live views: an in-place change through one view (or the base)
    re-derives the history of the others."""
    views = base._live_views
    if views is None:
        base._live_views = _LiveViews(r)
    else:
        views.append(_weakref(r))
        if len(views) > views.limit:
            views.prune()


class _LiveViews(list):
    """Weak references to a base's views made while recording, which an in-place change through one of
    them (or the base) re-derives (see ``ember/ops/inplace.py``). Plain references in a list: a WeakSet's
    add and its removal callback cost a microsecond per view; dead references are dropped when the list
    has doubled since it was last pruned."""
    __slots__ = ('limit',)

    def __init__(self, first):
        list.__init__(self, (_weakref(first),))
        self.limit = 32

    def prune(self):
        self[:] = [ref for ref in self if ref() is not None]
        self.limit = max(32, 2 * len(self))

    def alive(self):
        """The views still alive."""
        views = []
        for ref in self:
            view = ref()
            if view is not None:
                views.append(view)
        return views


class MultiOutputView:
    """The view function of output ``k`` of a view op with several outputs (split, unbind): replays
    the op and picks its output. PyTorch refuses in-place changes to such views while recording
    (the op's one node could not rebase them), so ``check_inplace`` asks for ``node_name``."""
    __slots__ = ('fn', 'k', 'node_name')

    def __init__(self, fn, k, node_name):
        self.fn, self.k, self.node_name = fn, k, node_name

    def __call__(self, t):
        return self.fn(t)[self.k]


class ViewOfMultiOutput:
    """The view function of a view made with grad mode on of a piece of a view op with several outputs (or of a
    view of one): PyTorch refuses in-place changes to it as to the piece itself, naming the view's own node."""
    __slots__ = ('fn',)

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, t):
        return self.fn(t)


class ReplayedView:
    """The view function of a view whose memory sizes, strides and an offset into its base cannot describe
    (``view_as_real`` and ``view_as_complex`` change the element type), and of views of such a view.

    Called, it replays the view ops from the base (as any view function). After an in-place write, PyTorch
    regenerates such a view's history by replaying its chain of view functions instead of one
    ``as_strided`` of the base: :meth:`regenerate` makes that chain, ``op`` applied to the parent, which is
    the base itself (``parent`` None), the base as_strided to the parent's geometry (a tuple), or another
    replayed view's regeneration."""
    __slots__ = ('fn', 'op', 'parent')

    def __init__(self, fn, op, parent):
        self.fn, self.op, self.parent = fn, op, parent

    def __call__(self, t):
        return self.fn(t)

    def regenerate(self, base):
        parent = self.parent
        if parent is None:
            return self.op(base)
        if isinstance(parent, ReplayedView):
            return self.op(parent.regenerate(base))
        from ember.ops.inplace_views import as_strided
        return self.op(as_strided(base, *parent))


def _as_strided_to(view):
    """A function making the as_strided view of a tensor with ``view``'s geometry (read now: a view's geometry
    does not change but through an in-place view op, which remakes its view function)."""
    geometry = (tuple(view._data.shape), view.stride(), view.storage_offset())

    def op(t):
        from ember.ops.inplace_views import as_strided
        return as_strided(t, *geometry)
    return op


def mark_replayed_view(result, src, op):
    """Make ``result`` (``op(src)``, a view that changes the element type) a :class:`ReplayedView`: after an
    in-place write its history is ``op`` replayed on its parent's, as PyTorch's."""
    if result._base is None:
        return result
    parent_fn = src._view_fn
    if src._base is None:
        parent = None
    elif isinstance(parent_fn, ReplayedView):
        parent = parent_fn
    else:
        parent = (tuple(src._data.shape), src.stride(), src.storage_offset())
    if not isinstance(result._view_fn, (CustomFunctionView, MultiOutputView)):
        result._view_fn = ReplayedView(result._view_fn, op, parent)
    return result


class CustomFunctionView:
    """The view function of a custom Function's output that is one of its inputs returned as-is (or a view of
    one): PyTorch refuses in-place changes to it while recording (the custom backward would be bypassed), so
    ``check_inplace`` looks for it; views of such an output inherit it."""
    __slots__ = ('fn',)

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, t):
        return self.fn(t)


def _same(t):
    return t


def mark_returned_inputs(tensors, outs, results, node_name):
    """Make each differentiable output of a custom Function that is an input (or a view of one) a view of that
    input's base, sharing its version counter, as PyTorch does: one such output may not be modified in place
    (``CustomFunctionView``), several are multiple-output views (``MultiOutputView``)."""
    found = []
    for k, (o, r) in enumerate(zip(outs, results)):
        if not (isinstance(r, Tensor) and r._requires_grad):
            continue
        for t in tensors:
            if isinstance(o, Tensor):
                base = t if t._base is None else t._base
                hit = o is t or (o._base is not None and o._base is base)
            else:
                hit = o is t._data
            if hit:
                found.append((k, r, t, o._view_fn if isinstance(o, Tensor) and o is not t else None))
                break
    for k, r, t, fn in found:
        r._base = t if t._base is None else t._base
        r._version_counter = t._version_counter
        fn = fn or (t._view_fn if t._base is not None else None) or _same
        r._view_fn = CustomFunctionView(fn) if len(found) == 1 else \
            MultiOutputView(lambda b, fn=fn, k=k: {k: fn(b)}, k, node_name)
        if _grad_state.enabled:     # (a later in-place write to its base makes its history PyTorch's error)
            _add_live_view(r._base, r)


def _resolve_saved(ctx, args, tensors, outs, results, raw=None):
    """``ctx._to_save`` (arrays, numbers, tensors) as the node's saved records; ``raw``: the arrays the forward
    was given, where an input promoted to the op's dtype is a copy (which backward uses and which the node's
    ``_saved_*`` attribute shows as the input given, as PyTorch's node keeps it)."""
    saved = []
    for item in ctx._to_save:
        if item is None:
            saved.append(None)
            continue
        if item.__class__ in _PLAIN_NUMBERS:   # a Python-number operand (x * 2)
            saved.append(_SavedValue(item))
            continue
        for position, t in enumerate(tensors):  # the common case first: a built-in op saved an input's array
            if t._data is item:
                if t._inference:
                    raise _inference_saved_error()
                s = _new(_Saved)
                s.tensor = t
                s.version = t._version_counter.value
                s.is_output = 0
                s.position = position
                saved.append(s)
                break
        else:
            if outs and item is outs[0]:     # the next most common: its (first) output (relu, exp, sigmoid, ...)
                saved.append(_Saved(results[0], 1))
                continue
            _resolve_one(item, saved, tensors, outs, results)
            if raw is not None:
                _note_promoted_input(item, saved, args, raw)
    ctx._saved = saved if not _hooks._pack_stack else _hooks.pack_saved(saved, _Saved, results)
    ctx._to_save = ()


def _inference_saved_error():
    return RuntimeError("Inference tensors cannot be saved for backward. Please do not use Tensors created in "
                        "inference mode in computation tracked by autograd. To work around this, you can make a "
                        "clone to get a normal tensor and use it in autograd, or use `ember.no_grad()` instead of "
                        "`ember.inference_mode()`.")


class _SavedPromoted(_Saved):
    """A saved copy of an input promoted to the op's dtype (``x_float / n_int``): backward uses the copy, the
    node's ``_saved_*`` attribute shows ``given``, the input itself, as PyTorch's node keeps it."""
    __slots__ = ('given',)


def _note_promoted_input(item, saved, args, raw):
    for a, r in zip(args, raw):
        if r is item and a.__class__ is Tensor and a._data is not item and type(saved[-1]) is _Saved:
            s = saved[-1]
            promoted = _SavedPromoted(s.tensor)
            promoted.given = a
            saved[-1] = promoted
            return


def _resolve_one(item, saved, tensors, outs, results):
    """What ``_resolve_saved`` keeps for an item that is not an input's array."""
    if isinstance(item, Tensor):
        for j, o in enumerate(outs):
            if o is item:
                saved.append(_Saved(results[j], j + 1))
                return
        if item._inference:
            raise _inference_saved_error()
        saved.append(_Saved(item))
        return
    if not hasattr(item, 'shape'):
        saved.append(_SavedValue(item))
        return
    for j, o in enumerate(outs):
        if o is item:
            saved.append(_Saved(results[j], j + 1))
            return
    device = results[0]._device if results and isinstance(results[0], Tensor) else tensors[0]._device
    saved.append(_Saved(Tensor._make(item, device)))


def _check_devices(tensors):
    devs = []
    for t in tensors:
        if t._data.ndim == 0 and t._device.type == 'cpu':
            continue  # PyTorch lets 0-dim CPU tensors mix with any device
        if t._device not in devs:
            devs.append(t._device)
    if len(devs) > 1:
        a, b = devs[0], devs[1]
        if 'meta' in (a.type, b.type):   # PyTorch's meta kernels check against the first tensor's device
            raise RuntimeError(f"Tensor on device {b} is not on the expected device {a}!")
        if a.type == 'cpu':
            a, b = b, a
        raise RuntimeError("Expected all tensors to be on the same device, but found at least two devices, "
                           f"{a} and {b}!")
    return devs[0] if devs else CPU


Function._setup_style = False   # its own setup_context is the placeholder subclasses override

# PyTorch's names for these classes, which typed code imports (``def forward(ctx: FunctionCtx, x)``)
FunctionCtx = Context
BackwardCFunction = Node
FunctionMeta = _FunctionMeta


class InplaceFunction(Function):
    """A Function that can run in place: ``inplace`` is kept for its forward to read (legacy PyTorch API)."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace


class Primitive(Function):
    """A built-in op: ``forward`` works on raw arrays through ``ctx.xp``."""
    _raw = True


def once_differentiable(fn):
    """Mark a backward that is not itself differentiable: it runs without recording a graph."""
    import functools

    @functools.wraps(fn)
    def wrapper(ctx, *grads):
        with grad_mode.no_grad():
            return fn(ctx, *grads)
    return wrapper


def _translate_broadcast_error(e, raw):
    from ember.ops._util import translate_broadcast_error
    return translate_broadcast_error(e, raw)
