"""In-place ops: one mechanism that writes a new value into a tensor and rebases its history.

Under grad recording the new value is computed out of place from a snapshot carrying the
tensor's old history, written into the tensor's memory, and the tensor takes the new node
as its ``grad_fn``.  For a view, the base's history is rebased through ``CopySlices`` (as in
PyTorch) so gradients flow to the base correctly.  Without recording, the value is written
directly.  Every path bumps the shared version counter, which is how a saved tensor that was
later modified is detected at backward time.
"""
import sys

import numpy as _np

from ember._dtype import FLOAT8_NUMS, RESTRICTED_NUMS
from ember._tensor import Tensor, _scalar_type_name
from ember.autograd import _no_grad_views, _op_observers as _observe
from ember.autograd import grad_mode
from ember.autograd.function import (CustomFunctionView, MultiOutputView, Node, Primitive, ViewOfMultiOutput,
                                     _node_class_of)
from ember.ops import _argparse, _float8
from ember.ops._argparse import FAILURES
from ember.ops._registry import op


def check_inplace(t):
    if t._inference and not grad_mode._state.inference:
        raise RuntimeError("Inplace update to inference tensor outside InferenceMode is not allowed.You can make a "
                           "clone to get a normal tensor before doing inplace update.See "
                           "https://github.com/pytorch/rfcs/pull/17 for more details.")
    if grad_mode._state.enabled:
        if t._no_grad_view is not None and t._requires_grad:    # (made without recording, or a view of one)
            raise RuntimeError(_no_grad_views.message(t, t._no_grad_view.mode, indirect=False))
        if t._grad_fn is None and t._requires_grad:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        # (the views PyTorch cannot rebase are refused before a view of a leaf is, as in PyTorch)
        if t._requires_grad and isinstance(t._view_fn, (MultiOutputView, ViewOfMultiOutput)):
            raise RuntimeError(_multi_output_message(t, "is being"))
        if t._requires_grad and isinstance(t._view_fn, CustomFunctionView):
            raise RuntimeError(f"Output {t._output_nr} of {_node_op_name(t._grad_fn.name())} is a view and is being "
                               "modified inplace. This view was created inside a custom Function (or because an "
                               "input was returned as-is) and the autograd logic to handle view+inplace would "
                               "override the custom backward associated with the custom Function, leading to "
                               "incorrect gradients. This behavior is forbidden. You can fix this by cloning the "
                               "output of the custom Function.")
        base = t._base
        if base is not None and base._requires_grad:
            if not _made_while_recording(t):    # (made before its base required grad: PyTorch's requires it now)
                raise RuntimeError(_no_grad_views.message(t, _no_grad_views.NO_GRAD, indirect=False))
            if base._grad_fn is None:
                raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place "
                                   "operation.")
    if not getattr(t._data.flags, 'writeable', True):  # NumPy marks expand()ed memory read-only
        _writable_unless_overlapping(t)     # (after autograd's refusals, as PyTorch's kernel checks after them)


_MULTI_OUTPUT = (" This view is the output of a function that returns multiple views. Such functions do not allow the "
                 "output views to be modified inplace. You should replace the inplace operation by an out-of-place "
                 "one.")


def _multi_output_message(t, what):
    """PyTorch's refusal for ``t``, a piece of split/unbind/chunk (or a view of one made with grad mode on), that
    ``what`` ("is being" / "its base or another view of its base has been") modified in place."""
    fn = t._view_fn
    if t._grad_fn is None:      # (its base does not require grad: PyTorch's text then says no_grad mode)
        return f"A view was created in no_grad mode and {what} modified inplace with grad mode enabled." + \
            _MULTI_OUTPUT
    if isinstance(fn, MultiOutputView):
        k, name = fn.k, fn.node_name
    else:
        k, name = t._output_nr, t._grad_fn.name()
    return f"Output {k} of {_node_op_name(name)} is a view and {what} modified inplace." + _MULTI_OUTPUT


def _node_op_name(node_name):
    """'Split' for 'SplitBackward0', 'F' for a custom Function's 'FBackward': how PyTorch names the function."""
    return node_name.rstrip('0123456789').removesuffix('Backward')


def has_internal_overlap(data):
    """Whether several elements of ``data`` share memory: a stride of 0 over more than one element (the
    case PyTorch detects and refuses to write into)."""
    return any(stride == 0 and size > 1 for stride, size in zip(data.strides, data.shape))


def writable_view(data):
    """``data`` (read-only because NumPy marks expanded memory so) as a writable array over the same memory,
    or None when that memory does not belong to a writable array."""
    owner = data
    while isinstance(owner.base, _np.ndarray):
        owner = owner.base
    if not (owner.flags.writeable and (owner.flags.c_contiguous or owner.flags.f_contiguous)):
        return None
    offset = data.__array_interface__['data'][0] - owner.__array_interface__['data'][0]
    return _np.ndarray(data.shape, data.dtype, buffer=owner, offset=offset, strides=data.strides)


def refuse_recorded_write_into_expanded():
    raise RuntimeError("ember cannot record for autograd an in-place change to a view of an expand()ed tensor; "
                       "clone() the expanded tensor before changing it")


def run_with_expanded_memory_writable(t, run):
    """``run()``, a write that gives each memory location of ``t`` one value even where elements share it
    (a fill, one indexed element), with ``t``'s expand()ed memory writable meanwhile; ``t`` stays refused for
    other writes after. Recording such a write for autograd is refused."""
    if grad_mode._state.enabled and t._requires_grad:
        refuse_recorded_write_into_expanded()
    data = t._data
    writable = writable_view(data)
    if writable is None:
        return run()
    t._data = writable
    try:
        return run()
    finally:
        t._data = data


def _writable_unless_overlapping(t):
    """Refuse, as PyTorch does, to write into a tensor whose elements share memory; a view of an expanded
    tensor without such a dimension (one row of it) is written through a writable view of its memory."""
    if has_internal_overlap(t._data):
        raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a "
                           "single memory location. Please clone() the tensor before performing the operation.")
    writable = writable_view(t._data)
    if writable is not None:
        t._data = writable


_NDARRAY = _np.ndarray
_INPUT_OVERLAP = ("unsupported operation: some elements of the input tensor and the written-to tensor refer to a "
                  "single memory location. Please clone() the tensor before performing the operation.")


def refuse_overlap(out, src, whole=False, region=None):
    """PyTorch's refusal to write ``out`` (its elements at the index ``region``, when given) from ``src`` when
    they share memory but are not the same elements alike (``whole``: when they share any, as its index and
    scatter ops refuse), before anything is written. Arrays over different NumPy owners cannot overlap: that
    costs a few attribute reads."""
    a, b = out._data, src._data
    if (a.__class__ is not _NDARRAY or b.__class__ is not _NDARRAY) and \
            (a.__class__.__name__ != 'ndarray' or b.__class__.__name__ != 'ndarray'):
        return      # (NumPy's or CuPy's arrays: not a meta array, nor vmap's stand-in for a batched tensor)
    if region is not None:
        a = a[region]
    root_a, root_b = a.base, b.base
    if root_a is None and root_b is None and (a is not b or not whole):
        return
    root_a = a if root_a is None else root_a
    root_b = b if root_b is None else root_b
    if root_a is not root_b and type(root_a) is _np.ndarray and type(root_b) is _np.ndarray:
        return      # (NumPy's views name the array owning their memory: two owners share none)
    if out._device != src._device:
        return
    from ember import backend
    status = backend.memory_overlap(a, b)
    if status == 2 or (whole and status == 1):
        raise RuntimeError(_INPUT_OVERLAP)


def _write(t, res):
    if res._data.shape != t._data.shape:
        raise RuntimeError(f"output with shape {list(t._data.shape)} doesn't match the broadcast shape "
                           f"{list(res._data.shape)}")
    if res.dtype is not t.dtype and res.dtype.category > t.dtype.category:
        raise RuntimeError(f"result type {_scalar_type_name(res.dtype)} can't be cast to the desired output "
                           f"type {_scalar_type_name(t.dtype)}")
    if res._data is not t._data:
        t._data[...] = res._data
    t._version_counter.value += 1


def _broadcasts_into(shape, other):
    """Whether ``other`` broadcasts to ``shape`` (False where it does not broadcast at all: the op's
    own path then raises PyTorch's error)."""
    try:
        return _np.broadcast_shapes(shape, other) == shape
    except ValueError:
        return False


def apply_inplace(t, compute, *args, fast=None, record=None):
    """Make ``t`` hold ``compute(t, *args)``, in place, with correct autograd history.

    ``fast(t, *args)``, when given, writes the new value straight into ``t._data`` (used when
    no graph is recorded). ``record(t, *args)``, when given, writes and records the history itself when a graph
    is recorded (instead of ``compute`` on a snapshot of the old value and a rebase through CopySlices).
    """
    if _observe.inplace_hooks and not _observe.entered():
        return _observe.run(_observe.inplace_hooks, apply_inplace, t, (compute,) + args,
                            {'fast': fast, 'record': record})
    expanded = not getattr(t._data.flags, 'writeable', True)
    check_inplace(t)
    recording = grad_mode._state.enabled and (
        t._requires_grad or any(isinstance(a, Tensor) and a._requires_grad for a in args))
    if recording and expanded:
        refuse_recorded_write_into_expanded()
    if recording and t._base is not None:
        _refuse_unrebasable_view(t)
    if not recording:
        if fast is not None:
            fast(t, *args)
            t._version_counter.value += 1
        else:
            with grad_mode.no_grad():
                res = compute(t, *args)
            _write(t, res)
        return t
    if record is not None:
        record(t, *args)
        return t
    # the old value with the old history: what the out-of-place op differentiates through
    snap = Tensor._make(t._data.copy(), t._device, t._requires_grad, t._grad_fn, t._output_nr)
    res = compute(snap, *args)
    _write(t, res)
    if t._base is None:
        t._grad_fn, t._output_nr, t._requires_grad = res._grad_fn, res._output_nr, True
    else:
        _rebase_view(t, res, (snap._grad_fn, snap._output_nr) if snap._grad_fn is not None else (None, 0))
    _rederive_other_views(t)
    return t


def _refuse_unrebasable_view(t):
    """PyTorch's refusal of a recorded write into view ``t`` that does not itself require grad (an operand does):
    one made without recording, or a piece of split/unbind/chunk (or a view of one)."""
    if not _made_while_recording(t):
        made = t._no_grad_view
        raise RuntimeError(_no_grad_views.message(t, made.mode if made is not None else _no_grad_views.NO_GRAD,
                                                  indirect=False))
    if isinstance(t._view_fn, (MultiOutputView, ViewOfMultiOutput)):
        raise RuntimeError(_multi_output_message(t, "is being"))


def _made_while_recording(view):
    """Whether ``view`` was made with grad mode on: its base lists exactly those views (see _LiveViews). A
    custom Function's returned input and the pieces of split/unbind have their own refusals."""
    if isinstance(view._view_fn, CustomFunctionView):
        return True
    views = view._base._live_views
    return views is not None and any(ref() is view for ref in reversed(views))     # (recent views first)


def _rederive_other_views(t):
    """The other live views of ``t``'s memory now read values written through ``t``: their history
    continues from the base's new one (PyTorch re-derives a view's grad_fn when its base changed)."""
    base = t if t._base is None else t._base
    views = base._live_views
    if not views:
        return
    for view in views.alive():
        if view is not t and view._base is base:
            _view_history.regenerate(view, base)


def _rebase_view(view, res, old_view_edge):
    base = view._base
    old_base = Tensor._make(base._data, base._device, base._requires_grad, base._grad_fn, base._output_nr)
    new_base = CopySlices.apply(old_base, res, view._view_fn)
    _take_in_op_node(new_base._grad_fn, res, old_view_edge)
    base._grad_fn, base._output_nr, base._requires_grad = new_base._grad_fn, new_base._output_nr, True
    _view_history.regenerate(view, base)


class CopySlices(Primitive):
    """The base after one of its views was overwritten (the data is already in place)."""
    node_name = 'CopySlices'

    @staticmethod
    def forward(ctx, base, value, view_fn):
        ctx.view_fn = view_fn
        return base

    @staticmethod
    def backward(ctx, g):
        return ScatterView.apply(g, 0.0, ctx.view_fn), ctx.view_fn(g), None


def _take_in_op_node(node, res, old_view_edge):
    """Make CopySlices ``node`` run the in-place op's node itself, as PyTorch's does: its edges become the base's
    and the op's other inputs' (``x[:, 0].mul_(w)``: the old base and ``w``), where the op's node reads the view's
    old value as its first input; else (an op computed in several steps) the op's node stays its second edge."""
    inner = res._grad_fn
    if inner is None or res._output_nr or not inner.next_functions or inner.next_functions[0] != old_view_edge:
        return
    node._inner = inner
    node.next_functions = node.next_functions[:1] + inner.next_functions[1:]
    node._input_meta = list(node._input_meta[:1]) + list(inner._input_meta[1:])


class _CopySlicesNode:
    """What CopySlices' node adds to a Primitive's: its name in ember's namespace (as PyTorch's is in its own,
    torch::autograd::CopySlices, like AccumulateGrad) and, once it took in the op's node, the backward through
    it: the view's part of the gradient goes through the op's node, whose gradient for the view's old value is
    written back into the base's gradient."""
    _inner = None

    def name(self):
        return 'ember::autograd::CopySlices'

    def apply(self, grads):
        inner = self._inner
        if inner is None:
            return Node.apply(self, grads)
        g = grads[0]
        if g is None:
            return [None] * len(self.next_functions)
        view_fn = self.view_fn
        inner_grads = inner.apply((view_fn(g),))
        old_view_grad = inner_grads[0]
        grad_base = ScatterView.apply(g, 0.0 if old_view_grad is None else old_view_grad, view_fn)
        return [grad_base] + list(inner_grads[1:])


_node_cls = _node_class_of(CopySlices)
_node_cls.name = _CopySlicesNode.name
_node_cls.apply = _CopySlicesNode.apply
_node_cls._inner = None


class ScatterView(Primitive):
    """Out of place: ``base`` with the region ``view_fn`` selects set to ``value``."""
    node_name = 'SliceScatterBackward0'

    @staticmethod
    def forward(ctx, base, value, view_fn):
        ctx.view_fn = view_fn
        out = base.copy()
        from ember import backend
        region = view_fn(Tensor._make(out, backend.device_of(out)))
        region._data[...] = value
        return out

    @staticmethod
    def backward(ctx, g):
        gv = ctx.view_fn(g) if ctx.needs_input_grad[1] else None
        return ScatterView.apply(g, 0.0, ctx.view_fn), gv, None


from ember.ops._out_dtype import _C_TYPES as _C_TYPE_NAMES, out_dtype_error  # noqa: E402


def write_out(name, result, out, *, warn_resize=True, same_dtype=False, sources=()):
    """Implements ``out=`` as PyTorch does: ``result`` (a tensor or a tuple of them) is written into
    ``out`` (resized, with PyTorch's deprecation warning when it had elements, unless
    ``warn_resize`` is off as for the random factories), which is returned.
    Refused, leaving ``out`` as it was: a result that needs autograd, a result type that ``out``'s
    dtype cannot hold (float into int, ...; any other dtype with ``same_dtype``, as linear algebra
    requires), an ``out`` of the wrong kind, an ``out`` whose elements share memory (an expanded
    tensor) or that shares memory with one of the tensors in ``sources`` (cat's inputs)."""
    if out is None:
        return result
    if isinstance(result, tuple):
        if not isinstance(out, (tuple, list)) or len(out) != len(result):
            raise TypeError(f"{name}(): argument 'out' must be tuple of {len(result)} Tensors")
        caller = sys._getframe(1)
        for r, o in zip(result, out):
            if isinstance(o, Tensor) and isinstance(r, Tensor) and o._data.shape == r._data.shape:
                _refuse_elementwise_overlap(name, o, r, caller)     # (all checked before any is written)
        written = [write_out(name, r, o, warn_resize=warn_resize, same_dtype=same_dtype) for r, o in zip(result, out)]
        return type(result)(*written) if hasattr(result, '_fields') else tuple(written)
    if not isinstance(out, Tensor):
        from ember.ops._argparse import refuse_from_stack
        refuse_from_stack()     # PyTorch's parser's text for the op the user called, where it can be found
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if not isinstance(result, Tensor):
        from ember.ops.creation import tensor
        result = tensor(result, dtype=out.dtype, device=out.device)
    if grad_mode._state.enabled and (result._requires_grad or out._requires_grad):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic differentiation, "
                           "but one of the arguments requires grad.")
    if result.dtype is not out.dtype:
        err = out_dtype_error('linalg_inv' if same_dtype else name, result.dtype, out.dtype)
        if err is not None:
            raise err
    if result.dtype.category > out.dtype.category:
        raise RuntimeError(f"result type {_scalar_type_name(result.dtype)} can't be cast to the desired output "
                           f"type {_scalar_type_name(out.dtype)}")
    if result._device != out._device:
        raise RuntimeError(f"Expected out tensor to have device {result._device}, but got {out._device} instead")
    if out._data.shape != result._data.shape:
        if out._data.size and warn_resize:
            warn_resized(out.shape, result.shape, stacklevel=3)
        _refuse_overlap(out, sources)
        out._data = out._xp.empty(result._data.shape, out._data.dtype)
    else:
        _refuse_overlap(out, sources)
        _refuse_elementwise_overlap(name, out, result, sys._getframe(1))
    try:
        out._data[...] = result._data
    except ValueError:
        if 0 in out._data.strides and out._data.size > 1:
            raise RuntimeError(_OVERLAP + "more than one element of the written-to tensor refers to a single memory "
                               "location. Please clone() the tensor before performing the operation.") from None
        raise
    out._version_counter.value += 1
    return out


_OVERLAP = "unsupported operation: "

# the ops whose out= PyTorch refuses when it partly overlaps an input (its elementwise kernels' check, and the
# gathers' and sorts'): those of these modules, and these names of others; reductions, matrix products and the
# rest write any out= given
_ELEMENTWISE_MODULES = frozenset(('ember.ops.arith', 'ember.ops.unary', 'ember.ops.compare', 'ember.ops.pointwise',
                                  'ember.ops.special'))
_ELEMENTWISE_NAMES = frozenset(('where', 'clamp', 'clamp_min', 'clamp_max', 'nan_to_num', 'cumsum', 'cumprod', 'diff',
                                'gather', 'take', 'masked_select', 'sort', 'topk', 'kthvalue', 'max', 'min'))


def _refuse_elementwise_overlap(name, out, result, caller):
    """PyTorch's refusal of an elementwise op's ``out`` that partly overlaps one of its inputs: the tensors among
    the arguments of ``caller``, the op's frame (its last line hands its result to write_out), are its inputs.
    Read only where out= is given."""
    if name not in _ELEMENTWISE_NAMES and caller.f_globals.get('__name__') not in _ELEMENTWISE_MODULES:
        return
    code = caller.f_code
    arguments = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
    values = caller.f_locals
    if name in ('max', 'min') and values.get('dim') is None and values.get('other') is None:
        return      # (the whole-tensor reduction: unchecked, as PyTorch's)
    for argument in arguments:
        value = values.get(argument)
        if isinstance(value, Tensor) and value is not out and value is not result:
            refuse_overlap(out, value)


def _refuse_overlap(out, sources):
    shares = getattr(out._xp, 'may_share_memory', None)     # (NumPy's and CuPy's; meta arrays hold no memory)
    for t in sources if shares is not None else ():
        if isinstance(t, Tensor) and t._device == out._device and shares(t._data, out._data):
            raise RuntimeError(_OVERLAP + "some elements of the input tensor and the written-to tensor refer to a single "
                               "memory location. Please clone() the tensor before performing the operation.")


# ---------------------------------------------------------- the in-place API
_SUBTRACT = _np.subtract
_PLAIN_NUMBERS = frozenset((int, float, bool, complex))


def is_operand(value):
    """Whether ``value`` may stand beside a tensor in arithmetic: a tensor, a number (NumPy's too) or an array."""
    import numbers
    return isinstance(value, (Tensor, numbers.Number, _np.ndarray, _np.generic))


def refuse_inplace(name, input, args, kwargs):
    """Raise PyTorch's argument error for the in-place call ``input.<name>(*args, **kwargs)`` (or
    ``ember.<name>(input, ...)`` when ``input`` is no tensor) when its parser refuses it; return the
    keywords to call again with when it takes NumPy's keyword names there (``axis=``), else None."""
    from ember.ops._argparse import explain, numpy_renamed
    if isinstance(input, Tensor):
        namespace, args = 'Tensor', tuple(args)
    else:
        namespace, args = 'torch', (input,) + tuple(args)
    renamed = numpy_renamed(namespace, name, args, kwargs)
    if renamed is not None:
        return renamed
    err = explain(namespace, name, args, kwargs)
    if err is not None:
        raise err from None
    return None


# (a tuple is some in-place ops' own argument: index_put_'s indices)
_NOT_OPERANDS = _argparse.NOT_OPERANDS - {tuple} | {type(None)}


# PyTorch still takes the deprecated ``add_(Number alpha, Tensor other)`` (and sub_'s): old tutorials'
# ``p.data.add_(-lr, p.grad.data)``; warned about once per process, as PyTorch's parser does
_ALPHA_FIRST = {'add_', 'sub_'}
_deprecated_overload_warned = [False]


def warn_deprecated_overload(name, old, new):
    """PyTorch's warning for a deprecated overload (``add_(Number alpha, Tensor other)``, ``addcmul(Number value,
    Tensor tensor1, Tensor tensor2)``): given once per process for all of them, as PyTorch's parser gives it."""
    if not _deprecated_overload_warned[0]:
        _deprecated_overload_warned[0] = True
        from ember import _user_warnings
        _user_warnings.warn(f"This overload of {name} is deprecated:\n\t{name}({old})\n"
                            f"Consider using one of the following signatures instead:\n\t{name}({new})")


def _alpha_first(name, alpha):
    warn_deprecated_overload(name, 'Number alpha, Tensor other', 'Tensor other, *, Number alpha = 1')
    return {'alpha': alpha}


# ``addcmul_(Number value, Tensor tensor1, Tensor tensor2)``: old optimizers' ``v.addcmul_(1 - beta2, g, g)``
_VALUE_FIRST = {'addcmul_', 'addcdiv_'}


def value_first(name, args, kwargs):
    """``(value, tensor1, tensor2)`` given positionally in PyTorch's deprecated order, as the current
    ``(tensor1, tensor2)`` and ``value=`` (warned about); anything else as it came."""
    if len(args) == 3 and args[0].__class__ in _PLAIN_NUMBERS and 'value' not in kwargs \
            and isinstance(args[1], Tensor) and isinstance(args[2], Tensor):
        warn_deprecated_overload(name, 'Number value, Tensor tensor1, Tensor tensor2',
                                 'Tensor tensor1, Tensor tensor2, *, Number value = 1')
        return args[1:], dict(kwargs, value=args[0])
    return args, kwargs


def _binary_inplace(name, op, ufunc):
    def method(input, other, *args, **kwargs):
        if args and name in _ALPHA_FIRST and len(args) == 1 and not kwargs and other.__class__ in _PLAIN_NUMBERS \
                and isinstance(args[0], Tensor):
            return method(input, args[0], **_alpha_first(name, other))
        if other.__class__ is not Tensor and other.__class__ not in _PLAIN_NUMBERS and not is_operand(other):
            refuse_inplace(name, input, (other,) + args, kwargs)
            raise TypeError(f"{name}(): argument 'other' (position 1) must be Tensor, not {type(other).__name__}")
        if isinstance(other, Tensor) and isinstance(input, Tensor):
            refuse_overlap(input, other)

        def fast(t, o):
            data = o._data if isinstance(o, Tensor) else o
            if isinstance(o, Tensor) and o._device != t._device and o._data.ndim:
                raise RuntimeError("Expected all tensors to be on the same device, but found at least two "
                                   f"devices, {t._device} and {o._device}!")
            if ufunc is _SUBTRACT and (t._data.dtype.kind == 'b' or getattr(data, 'dtype', None) == bool
                                       or type(o) is bool):
                from ember.ops.arith import _refuse_bool_subtraction
                _refuse_bool_subtraction(t, o)
            alpha = kwargs.get('alpha', 1)
            scaled = type(alpha) is not int or alpha != 1
            if scaled:
                from ember.ops.arith import _check_alpha, _fused
                _check_alpha(t, o, alpha)
                td = t._data
                if type(td) is _np.ndarray and type(data) is _np.ndarray and td.dtype == data.dtype and \
                        td.dtype.kind == 'f' and td.dtype.itemsize >= 4 and not isinstance(alpha, complex) and \
                        (td.shape == data.shape or _broadcasts_into(td.shape, data.shape)) and \
                        not _needs_checked_path(t, o, ufunc, alpha):
                    # a + alpha * b rounded once, as PyTorch's fused multiply-add, written in place
                    td[...] = _fused(ufunc, td, data, td.dtype.type(alpha))
                    return
            try:
                # (other scaled operands go through the op, which rounds a + alpha * b once, as PyTorch)
                if scaled or _needs_checked_path(t, o, ufunc, alpha) or kwargs.get('rounding_mode') is not None:
                    raise TypeError  # the out-of-place op (a rounded division too), then _write's cast check
                ufunc(t._data, data, out=t._data, casting='unsafe')
            except TypeError:
                with grad_mode.no_grad():
                    _write_nobump(t, op(t, o, *args, **kwargs))
            except ValueError:
                from ember.ops._util import broadcast_error
                shape = getattr(data, 'shape', ())
                try:
                    import numpy as np
                    bshape = np.broadcast_shapes(t._data.shape, shape)
                except ValueError:
                    raise broadcast_error(t._data.shape, shape) from None
                raise RuntimeError(f"output with shape {list(t._data.shape)} doesn't match the broadcast shape "
                                   f"{list(bshape)}") from None
        try:
            return apply_inplace(input, lambda t, o: op(t, o, *args, **kwargs), other,
                                 fast=fast if ufunc is not None else None)
        except FAILURES:        # costs nothing on success
            renamed = refuse_inplace(name, input, (other,) + args, kwargs)
            if renamed is None:
                raise
        return method(input, other, *args, **renamed)      # once more, with NumPy's keyword names renamed
    method.__name__ = name
    return method


def _needs_checked_path(t, o, ufunc, alpha=1):
    """True when the result type would not fit ``t`` (e.g. int /= 2, bool += 1, float += 1j), when
    a Python int is out of ``t``'s range (PyTorch wraps it; NumPy would raise), or when a half-precision
    ``t`` must compute in float32 (times or over a Python number, or with an ``alpha``: see the op)."""
    from ember._dtype import result_type
    import numpy as np
    dt = t._data.dtype
    if dt.itemsize == 2 and dt.kind in 'fV' and (alpha != 1 or (
            type(o) in (int, float) and ufunc in (np.multiply, np.true_divide))):
        return True
    cat = t.dtype.category
    if dt.num in RESTRICTED_NUMS:
        return True     # uint16/32/64, float8: the op itself decides (PyTorch refuses add_ for uint16, not mul_)
    if cat < 2 and ufunc is np.true_divide:
        return True
    if type(o) is int and cat == 1:
        info = np.iinfo(t._data.dtype)
        return not info.min <= o <= info.max
    return result_type(t, o).category > cat


def _write_nobump(t, res):
    _write(t, res)
    t._version_counter.value -= 1


# PyTorch's overlap checks of the in-place ops' tensor operands: none for these (a fill value, a matrix product's
# factors), any shared memory refused by the index and scatter ops, a partial overlap by all others
_OVERLAP_UNCHECKED = frozenset(('masked_fill_', 'index_fill_', 'masked_scatter_', 'addmm_', 'addbmm_', 'addmv_',
                                'addr_', 'baddbmm_'))
_OVERLAP_WHOLE = frozenset(('index_add_', 'index_copy_', 'index_put_', 'index_reduce_', 'scatter_', 'scatter_add_',
                            'scatter_reduce_'))


def _unary_inplace(name, op):
    overlap = None if name in _OVERLAP_UNCHECKED else name in _OVERLAP_WHOLE

    def method(input, *args, **kwargs):
        if name in _VALUE_FIRST and len(args) == 3:
            args, kwargs = value_first(name, args, kwargs)
        if args and args[0].__class__ in _NOT_OPERANDS:
            refuse_inplace(name, input, args, kwargs)      # (x.clamp_([0.]) would compute with NumPy's reading)
        # the tensor arguments go to apply_inplace too: one that requires grad (scatter_add_'s src, lerp_'s
        # end) makes the write recorded even when ``input`` does not require grad
        operands = [a for a in args if isinstance(a, Tensor)]
        if kwargs:
            operands += [a for a in kwargs.values() if isinstance(a, Tensor)]
        if overlap is not None and isinstance(input, Tensor):
            for operand in operands:
                refuse_overlap(input, operand, overlap)
        try:
            return apply_inplace(input, lambda t, *_: op(t, *args, **kwargs), *operands)
        except FAILURES:        # costs nothing on success
            renamed = refuse_inplace(name, input, args, kwargs)
            if renamed is None:
                raise
        return method(input, *args, **renamed)      # once more, with NumPy's keyword names renamed
    method.__name__ = name
    return method


class Fill(Primitive):
    """``x`` filled with ``value`` (a number: PyTorch's fill.Scalar, FillBackward0). The overwritten ``x`` gets a
    zero gradient, as PyTorch's, not none."""
    node_name = 'FillBackward0'
    _profile_name = 'aten::fill'

    @staticmethod
    def forward(ctx, x, value):
        ctx.value_is_tensor = hasattr(value, 'shape')
        return ctx.xp.full(x.shape, value, x.dtype)

    @staticmethod
    def backward(ctx, g):
        gx = None
        if ctx.needs_input_grad[0]:
            from ember.ops.creation import zeros_like
            gx = zeros_like(g)
        return gx, (g.sum() if ctx.value_is_tensor else None)


# the same fill as PyTorch names each overload's node: with a 0-dim tensor (fill.Tensor), in place (fill_.Scalar,
# fill_.Tensor), zero_ (which PyTorch runs as a fill_ of 0)
class FillWithTensor(Fill):
    node_name = 'FillBackward1'


class FillInPlace(Fill):
    node_name = 'FillBackward2'


class FillInPlaceWithTensor(Fill):
    node_name = 'FillBackward3'


class Zero(Fill):
    node_name = 'ZeroBackward0'
    _profile_name = 'aten::zero'
    _profile_chain = ('aten::fill',)


class CopyFrom(Primitive):
    node_name = 'CopyBackwards'

    @staticmethod
    def forward(ctx, x, src):
        ctx.src_meta = (src.shape, src.dtype)
        try:
            return ctx.xp.broadcast_to(src, x.shape).astype(x.dtype)
        except ValueError:
            from ember.ops._util import broadcast_error
            raise broadcast_error(x.shape, src.shape) from None

    @staticmethod
    def backward(ctx, g):
        # the old value was overwritten: its gradient is zeros (PyTorch's too), not None
        if ctx.needs_input_grad[0]:
            from ember.ops.creation import zeros_like
            return zeros_like(g), g
        return None, g


# named in ember's namespace as PyTorch's is in its own (torch::autograd::CopyBackwards), as CopySlices
_node_class_of(CopyFrom).name = lambda node: 'ember::autograd::CopyBackwards'


@op('ember', 'Tensor')
def zero_(input):
    """Fills ``input`` with zeros, in place, and returns it.

    Example::

        >>> ember.ones(2, 2).zero_()
        tensor([[0., 0.],
                [0., 0.]])
    """
    return filled(input, 0, Zero)


@op('ember', 'Tensor')
def fill_(input, value):
    """Fills ``input`` with ``value``, in place, and returns it. ``value`` is a number or a 0-dimensional tensor.

    Args:
        value (Number or Tensor): the value to fill with.

    Example::

        >>> ember.zeros(3).fill_(2.5)
        tensor([2.5000, 2.5000, 2.5000])
        >>> ember.zeros(2, dtype=ember.int64).fill_(ember.tensor(7))
        tensor([7, 7])
    """
    return filled(input, value, FillInPlaceWithTensor if isinstance(value, Tensor) else FillInPlace)


def filled(input, value, node, out_of_place=False):
    """``input`` filled with ``value`` in place (``out_of_place``: a new tensor), recorded (when it is) as ``node``,
    one of the Fill ops: PyTorch's node for the call that filled (fill_, zero_, fill)."""
    if value.__class__ in _NOT_OPERANDS:
        _argparse.refuse_from_stack()   # (fill_([1.]), fill_(None): PyTorch takes a number or a tensor)
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} "
                               "dimensions.")
        if value._device != input._device:     # PyTorch fills from a 0-dim tensor on any device
            value = value.to(input._device)
    if value.__class__ is complex:     # into a real type: its imaginary part refused, as PyTorch's conversion does
        from ember.ops.creation import _checked_fill
        value = _checked_fill(value, input.dtype)
    if out_of_place:
        if grad_mode._state.enabled and (input._requires_grad or getattr(value, '_requires_grad', False)):
            return node.apply(input, value)     # (recorded, the in-place path computes this too)
        input = input.clone()

    def fast(x, v):
        num = x._data.dtype.num
        if type(v) is int and v < 0 and x._data.dtype.kind == 'u' or num in FLOAT8_NUMS \
                or num > 255 and type(v) is float:
            # PyTorch wraps (-1 fills uint8 with 255) and rounds float8 and bfloat16 through float32
            from ember.ops.creation import _checked_fill
            v = _checked_fill(v, x.dtype, x._data.size)
        elif num > 255 and isinstance(v, Tensor) and v._data.dtype != x._data.dtype:
            v = Tensor._make(_float8.astype(v._data, x._data.dtype), v._device)   # (the same, and its NaN)
        x._data[...] = v._data if isinstance(v, Tensor) else v
    if not getattr(input._data.flags, 'writeable', True):   # one value: PyTorch fills expanded memory too
        return run_with_expanded_memory_writable(input, lambda: apply_inplace(input, node.apply, value, fast=fast))
    return apply_inplace(input, node.apply, value, fast=fast)


@op('Tensor')
def copy_(t, other, non_blocking=False):
    """Copies the elements of ``other`` into this tensor, in place, and returns this tensor. ``other`` is broadcast
    to this tensor's shape and may have a different dtype or device; the copy is differentiable.

    Args:
        other (Tensor): the source tensor to copy from.
        non_blocking (bool): copy asynchronously between host and device when possible. Default: ``False``.

    Example::

        >>> t = ember.zeros(2, 3)
        >>> t.copy_(ember.tensor([1, 2, 3]))
        tensor([[1., 2., 3.],
                [1., 2., 3.]])
    """
    if not isinstance(other, Tensor):
        _argparse.refuse_from_stack()   # (NumPy would read copy_([1., 2.]) as an array)
    refuse_overlap(t, other)
    from ember import backend

    def compute(x, s):
        return CopyFrom.apply(x, s.to(device=x.device))

    def fast(x, s):
        data = backend.move(s._data, x._device, non_blocking) if isinstance(s, Tensor) else s
        if x._device.type == 'cuda':
            backend.array_module_of(x._data)    # CuPy writes on its current device: make it x's
        if (x._data.dtype.num | data.dtype.num) > 255 and x._data.dtype != data.dtype:
            data = _float8.astype(data, x._data.dtype, copy=False)   # ml_dtypes' types: PyTorch's rounding
        try:
            x._data[...] = data
        except ValueError:
            from ember.ops._util import broadcast_error
            raise broadcast_error(x._data.shape, data.shape) from None
    return apply_inplace(t, compute, other, fast=fast)


def warn_resized(had, needed, stacklevel):
    """PyTorch's warning for an output with elements resized to the shape a result needs."""
    import warnings
    warnings.warn(f"An output with one or more elements was resized since it had shape {list(had)}, "
                  f"which does not match the required output shape {list(needed)}. This behavior is "
                  "deprecated, and in a future PyTorch release outputs will not be resized unless they have "
                  "zero elements. You can explicitly reuse an out tensor t by resizing it, inplace, to zero "
                  "elements with t.resize_(0).", UserWarning, stacklevel=stacklevel + 1)


# (last: it needs inplace_views, which needs this module's check_inplace)
from ember.ops import _view_history  # noqa: E402
