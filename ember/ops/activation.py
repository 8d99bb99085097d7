"""Activation functions (ReLU family, softmax family); nn.functional re-exports these."""
import builtins
import contextlib
import math
import threading

import numpy as np

from ember.autograd import _saved_attrs as _sa
from ember.ops._quantized_fallback import quantized_or_raise
from ember._dtype import FLOAT8_NUMS
from ember._tensor import Tensor
from ember.autograd import grad_mode, _saved_hooks
from ember.autograd.function import Primitive, unrecorded_unary
from ember.autograd._opmath import ALWAYS
from ember.ops._util import wrap_dim, python_reads
from ember.ops._registry import op
from ember.ops._util import python_reads, require_tensor, scalar_number
from ember.ops import _argparse, _float8, _gelu, _gelu_bwd_aten, _gelu_bwd_onednn, _gelu_f32, _gelu_fast32, _rows
from ember.ops import _gelu_tanh_bwd
from ember.ops import _softmax_bits
from ember.ops import _log_softmax_grad_bits, _softmax_grad_bits, _ties
from ember._threads import get_num_threads, intra_op_threads
from ember.ops._half import is_half_array
from ember.ops.inplace import write_out
from ember import _user_warnings
from ember.numerics import ENABLED as _PYTORCH_BITS


_BITS = {2: np.int16, 4: np.int32, 8: np.int64}


def _zero_unless(xp, mask, g, keep):
    """``where(mask, g, 0)`` (``keep``) or ``where(mask, 0, g)`` for a boolean ``mask`` of g's shape.

    NOTE: NumPy's where branches on every element, which on a mask of random signs (a ReLU's) runs
    about 7x slower than a pass of arithmetic. For float arrays the mask becomes an integer of all
    ones or all zeros per element, ANDed with g's bits: +0.0 exactly where where() gives 0, and g's
    own bits (NaN and infinity included) elsewhere, so the result is where()'s bit for bit.
    """
    bits = _BITS.get(g.dtype.itemsize)
    if type(g) is not np.ndarray or type(mask) is not np.ndarray or g.dtype.kind not in 'fV' or \
            bits is None or mask.shape != g.shape:
        zero = g.dtype.type(0)
        return xp.where(mask, g, zero) if keep else xp.where(mask, zero, g)
    word = mask.astype(bits)           # 1 / 0
    if keep:
        np.negative(word, out=word)    # all ones where kept
    else:
        word -= 1                      # all ones where not masked
    word &= g.view(bits)
    return word.view(g.dtype)


def _piecewise_grad(node_name, factor, nonzero=None, aten_name=None):
    """A Primitive ``g * factor(xp, x, *params)`` whose factor is piecewise constant in ``x``
    (``nonzero(*params)``: whether the factor is nowhere zero, so needs no zeros chosen).

    It is the backward of the piecewise-linear activations (ReLU, LeakyReLU, Hardtanh, ...) in one
    NumPy expression instead of three ember ops.  Being linear in ``g`` with zero derivative in
    ``x``, its own backward is itself in ``g`` and zeros in ``x``: PyTorch's backward formulas
    (``threshold_backward``, ...) give ``x`` a zero gradient, so a gradient of a gradient reaches the
    input (zeros) rather than finding it unused.  ``aten_name``: the backward op PyTorch gives no
    derivative in ``x`` (asking for one raises its error instead).
    """
    def forward(ctx, g, x, *params):
        ctx.params = params
        ctx.save_for_backward(x)
        xp = ctx.xp
        f = factor(xp, x, *params)
        zero = g.dtype.type(0)
        # NOTE: zeros are chosen with where, never made by multiplying: 0 * inf would be NaN
        if f.dtype.kind == 'b':
            return _zero_unless(xp, f, g, keep=True)
        if nonzero is not None and nonzero(*params):
            return g * f.astype(g.dtype, copy=False)
        return xp.where(f != 0, g * f.astype(g.dtype, copy=False), zero)

    def backward(ctx, gg):
        x, = ctx.saved_tensors
        need_g, need_x = ctx.needs_input_grad[:2]
        gx = None
        if need_x:
            if aten_name is not None:
                raise RuntimeError(f"derivative for aten::{aten_name} is not implemented")
            gx = Tensor._make(x._xp.zeros_like(x._data), x._device)
        return (cls.apply(gg, x, *ctx.params) if need_g else None, gx) + (None,) * len(ctx.params)

    cls = type(node_name, (Primitive,), {'node_name': node_name, 'forward': staticmethod(forward),
                                          'backward': staticmethod(backward)})
    return cls


# NOTE: 'not <= 0' rather than '> 0': a NaN passes its gradient on, as in PyTorch
_ReluGrad = _piecewise_grad('ThresholdBackwardBackward0', lambda xp, y: ~(y <= 0))


# a float array's zero as a 0-d array of its dtype: NumPy takes it several times faster than the
# Python number 0, whose dtype it must work out on every call (the same value, so the same result)
_ZERO = {np.dtype(dt): np.zeros((), dt) for dt in (np.float32, np.float64)}
for _z in _ZERO.values():
    _z.flags.writeable = False


_MAXIMUM_UP_TO = 16384   # past this many elements the bit masking below beats maximum's NaN-aware loop


def _check_maximum_keeps_negative_zero():
    """Whether ``np.maximum(0, x)`` is PyTorch's relu here, bit for bit, in float32 and float64: NumPy's vector
    loops take the second operand when the two compare equal (a -0 stays -0) and pass a NaN operand as it
    is, on the x86 builds checked; its scalar loop or another CPU's vector loop could choose otherwise, so
    the answer is checked once (``_ties``' awkward values, short, long and strided)."""
    return _ties.maximum_is_relu(np.float32) and _ties.maximum_is_relu(np.float64)


_MAXIMUM_IS_RELU = []      # filled at the first relu: [whether np.maximum(0, x) gives PyTorch's bits]


def _relu_array(x, xp=np):
    """PyTorch's relu, ``x < 0 ? 0 : x``: a -0 stays -0 and a NaN stays as it is. ``np.maximum(0, x)``
    computes just that where a check at first use says so (one call: the fastest up to some thousand
    elements); past that, or where it does not, the comparison's mask is ANDed off the negatives' bits
    (``_zero_unless``: cheaper than maximum's NaN-aware loop on long arrays)."""
    zero = _ZERO.get(x.dtype)
    if zero is not None and type(x) is np.ndarray:
        if x.size <= _MAXIMUM_UP_TO:
            if not _MAXIMUM_IS_RELU:
                _MAXIMUM_IS_RELU.append(_check_maximum_keeps_negative_zero())
            if _MAXIMUM_IS_RELU[0]:
                return np.maximum(zero, x)
        return _zero_unless(np, x < zero, x, keep=False)
    if x.dtype.kind in 'fV' and (type(x) is np.ndarray or not isinstance(x, np.ndarray)):   # half types, CuPy
        return _zero_unless(xp, x < 0, x, keep=False)
    return xp.maximum(x, 0)     # (integers, and meta arrays: no values, the input's layout kept as PyTorch's)


class Relu(Primitive):
    node_name = 'ReluBackward0'
    _profile_chain = ('aten::clamp_min',)    # the op PyTorch's relu runs, nested in a profile

    @staticmethod
    def forward(ctx, x):
        y = _relu_array(x, ctx.xp)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        if not grad_mode._state.enabled:   # nothing to record: one array expression
            return Tensor._make(_zero_unless(g._xp, y._data <= 0, g._data, keep=False), g._device)
        return _ReluGrad.apply(g, y)


@op('ember', 'Tensor')
def relu(input):
    """``max(input, 0)`` elementwise.

    Example::

        >>> ember.relu(ember.tensor([-1., 2.]))
        tensor([0., 2.])
    """
    if input.__class__ is Tensor:
        result = unrecorded_unary(_relu_array, input)   # (Relu's forward, when nothing is recorded)
        if result is not None:
            return result
    try:
        return Relu.apply(input)
    except NotImplementedError as error:
        return quantized_or_raise(error, 'relu', input)


@op('F', name='relu')
def _relu_functional(input, inplace=False):
    """``max(input, 0)`` elementwise; in place with ``inplace=True``.

    Example::

        >>> F.relu(ember.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """
    if input.__class__ is Tensor and not inplace:
        result = unrecorded_unary(_relu_array, input)   # (Relu's forward, when nothing is recorded)
        if result is not None:
            return result
    try:
        return relu_(input) if inplace else Relu.apply(input)
    except NotImplementedError as error:
        return quantized_or_raise(error, 'relu_' if inplace else 'relu', input)


# saved models name it torch.nn.functional.relu, and Python's own errors call it relu()
_relu_functional.__name__ = _relu_functional.__qualname__ = 'relu'


@op('ember', 'Tensor', 'F')
def relu_(input):
    """In-place version of :func:`ember.relu`: sets negative elements of ``input`` to zero and returns ``input``.

    Args:
        input (Tensor): the tensor to modify.

    Example::

        >>> x = ember.tensor([-1.0, 0.5])
        >>> ember.relu_(x)
        tensor([0.0000, 0.5000])
        >>> x
        tensor([0.0000, 0.5000])
    """
    require_tensor(input)
    from ember.ops.inplace import apply_inplace

    def fast(t):
        d = t._data
        if d.dtype.kind in 'fV':    # (-0 and NaN kept, as relu: see _relu_array)
            d[...] = _relu_array(d, t._xp)
        else:
            t._xp.maximum(d, 0, out=d)
    return apply_inplace(input, Relu.apply, fast=fast)


def _max_along(xp, x, dim):
    """``x.max(dim, keepdims)`` that also takes an empty ``x`` (NumPy's max has no identity there)."""
    if x.size == 0:
        return xp.zeros(tuple(1 if i == dim else n for i, n in enumerate(x.shape)), x.dtype)
    if dim == x.ndim - 1 and x.size >= 16 * x.shape[-1] and x.dtype.kind == 'f':
        # NOTE: NumPy's max along a short last axis runs several times slower than argmax along it
        # (attention's rows); picking the argmax element gives the same value (NaN included)
        if xp is np and x.flags.c_contiguous:
            return _rows.row_max(x.reshape(-1, x.shape[-1])).reshape(x.shape[:-1] + (1,))
        return xp.take_along_axis(x, x.argmax(axis=dim, keepdims=True), dim)
    return x.max(axis=dim, keepdims=True)


def _softmax_rows(x):
    """Softmax along the last axis of a C-contiguous float32/float64 NumPy array, in one new array:
    row sums by BLAS (``_rows.py``), and the exponentials scaled by the sum's reciprocal, as
    PyTorch's CPU kernel does."""
    rows = x.reshape(-1, x.shape[-1])
    e = np.subtract(rows, _rows.row_max(rows)[:, None])
    np.exp(e, out=e)
    scale = _rows.row_sums(e)
    np.divide(1, scale, out=scale)
    e *= scale[:, None]
    return e.reshape(x.shape)


def _rows_fit(a, dim):
    """Whether softmax along ``dim`` of array ``a`` takes the row path: NumPy, float32/float64,
    C-contiguous, along the last axis of at least a few elements, more than one row."""
    return (type(a) is np.ndarray and dim == a.ndim - 1 and a.dtype.kind == 'f' and a.dtype.itemsize >= 4
            and a.flags.c_contiguous and a.shape[-1] >= 4 and a.size >= 2 * a.shape[-1])


def _exact_float32(ctx, x):
    """Whether a softmax forward computes PyTorch's float32 bits (``ember.ops._softmax_bits``): a
    non-empty float32 NumPy array of at least one dim, given as float32 (not a half type run in it),
    outside ``_approximate_softmax``."""
    return (type(x) is np.ndarray and x.dtype == np.float32 and x.ndim and x.size and _PYTORCH_BITS[0]
            and getattr(ctx, '_opmath_dtype', None) is None and not getattr(_approximate, 'on', False))


_approximate = threading.local()


@contextlib.contextmanager
def _approximate_softmax():
    """Softmax in NumPy's rounding inside the block (several times faster than PyTorch's bits):
    for scaled_dot_product_attention, whose PyTorch CPU kernel (flash attention) computes its own
    exponentials, so PyTorch's softmax bits would not be its bits anyway."""
    before = getattr(_approximate, 'on', False)
    _approximate.on = True
    try:
        yield
    finally:
        _approximate.on = before


class Softmax(Primitive):
    node_name = 'SoftmaxBackward0'
    saved_attrs = {'dim': _sa.field('dim', _sa.as_int64), 'result': _sa.saved(0)}  # grad_fn._saved_*, read lazily
    _profile_chain = ('aten::_softmax',)
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x, dim):
        xp = ctx.xp
        if _exact_float32(ctx, x):      # PyTorch's kernels' steps and rounding, bit for bit
            y = _softmax_bits.softmax(x, dim, intra_op_threads())
            ctx.dim = dim
            ctx.save_for_backward(y)
            return y
        low = x.dtype.kind == 'V'     # bfloat16 (ml_dtypes): computed in float32 and rounded once, as PyTorch
        if low:
            x, dt = x.astype('float32'), x.dtype
        if _rows_fit(x, dim):
            y = _softmax_rows(x)
            if low:
                y = y.astype(dt)
            ctx.dim = dim
            ctx.save_for_backward(y)
            return y
        e = x - _max_along(xp, x, dim)
        if getattr(e, 'ndim', 0) and e.dtype.kind == 'f':   # the same steps in one new array (fewer page faults)
            xp.exp(e, out=e)
            e /= e.sum(axis=dim, keepdims=True)
        else:
            e = xp.exp(e)
            e = e / e.sum(axis=dim, keepdims=True)
        # contiguous, as PyTorch's (ascontiguousarray would make a 0-dim result 1-dim)
        y = xp.ascontiguousarray(e).reshape(x.shape)
        if low:
            y = y.astype(dt)
        ctx.dim = dim
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        yd, gd = y._data, g._data
        if not grad_mode._state.enabled and _PYTORCH_BITS[0] and type(yd) is np.ndarray and type(gd) is np.ndarray \
                and yd.dtype == gd.dtype and yd.size:
            # PyTorch's kernel's order and roundings, bit for bit (also under a forward that was not)
            if yd.dtype == np.float32:
                gx = _softmax_grad_bits.softmax_backward(gd, yd, ctx.dim, intra_op_threads())
                return Tensor._make(gx, g._device), None
            if is_half_array(yd):
                gx = _softmax_grad_bits.half_softmax_backward(gd, yd, ctx.dim, intra_op_threads())
                return Tensor._make(gx, g._device), None
        if not grad_mode._state.enabled and type(y._data) is np.ndarray and y._data.dtype.kind == 'f' \
                and g._data.dtype == y._data.dtype and y._data.ndim:
            # first order: the same steps on the arrays, in place, without an op dispatch per step
            yd, gd = y._data, g._data
            if _rows_fit(yd, ctx.dim) and gd.flags.c_contiguous:
                # y * (g - sum(g * y)) with BLAS row sums, as PyTorch's CPU kernel orders it
                g2 = gd.reshape(-1, yd.shape[-1])
                gx = np.multiply(g2, yd.reshape(g2.shape))
                gx = np.subtract(g2, _rows.row_sums(gx)[:, None], out=gx)
                gx *= yd.reshape(g2.shape)
                return Tensor._make(gx.reshape(yd.shape), g._device), None
            gy = gd * yd
            gx = np.multiply(yd, gy.sum(ctx.dim, keepdims=True))
            return Tensor._make(np.subtract(gy, gx, out=gx), g._device), None
        gy = g * y
        return gy - y * gy.sum(ctx.dim, keepdim=True), None


class LogSoftmax(Primitive):
    node_name = 'LogSoftmaxBackward0'
    saved_attrs = {'dim': _sa.field('dim', _sa.as_int64), 'result': _sa.saved(0)}  # grad_fn._saved_*, read lazily
    _profile_chain = ('aten::_log_softmax',)

    @staticmethod
    def forward(ctx, x, dim):
        xp = ctx.xp
        if x.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
            _float8.check('log_softmax', x.dtype)
        if _exact_float32(ctx, x):      # PyTorch's kernels' steps and rounding, bit for bit
            y = _softmax_bits.log_softmax(x, dim)
            ctx.dim = dim
            ctx.save_for_backward(y)
            return y
        half = is_half_array(x)     # float16/bfloat16: computed in float32
        if half:
            x, dt = x.astype('float32'), x.dtype
        shifted = x - _max_along(xp, x, dim)
        total = xp.exp(shifted).sum(axis=dim, keepdims=True)
        if half and all(n == 1 for n in x.shape[dim + 1:]):
            # PyTorch's kernel for a reduction over the innermost elements keeps the sum, and then its
            # log, in the half type; over other dimensions everything stays in float32
            log_total = xp.log(total.astype(dt).astype('float32')).astype(dt).astype('float32')
        else:
            log_total = xp.log(total)
        y = xp.ascontiguousarray(shifted - log_total).reshape(x.shape)
        if half:
            y = y.astype(dt)
        ctx.dim = dim
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        if not grad_mode.is_grad_enabled():
            exact = _exact_float32_grad(ctx, g)
            if exact is not None:
                return exact, None
        p = ctx.__dict__.get('softmax')
        if p is not None and not grad_mode.is_grad_enabled():
            # a fused forward's node (cross_entropy's steps) kept exp(result), the softmax, as it went:
            # the formula on arrays, without taking the exp again
            gd = g._data
            rows = g.__dict__.get('one_per_row')     # (from nll_loss's node above: see NllLoss.backward)
            if rows is not None and rows[0] is gd and g._version_counter.value == 0 and not ctx._pre_hooks:
                # g is -c[n] at class t[n] of row n and +0 elsewhere, so g - p * sum(g) is p * c, less c at
                # each target: the same roundings, one pass (the zeros' signs aside: -0 where p * c is -0)
                _, at, c = rows
                q = p * (c if c.ndim == 0 else c[:, None])
                q[at] -= c
                return Tensor._make(q, g._device), None
            q = p * gd.sum(ctx.dim, keepdims=True)
            return Tensor._make(ctx.xp.subtract(gd, q, out=q), g._device), None
        y, = ctx.saved_tensors
        return g - y.exp() * g.sum(ctx.dim, keepdim=True), None


def _exact_float32_grad(ctx, g):
    """log_softmax's first-order float32 gradient with PyTorch's bits (``_log_softmax_grad_bits``), or None
    where it does not apply (pytorch bits off, other dtypes, a 0-dim or empty result)."""
    y, = ctx.saved_tensors
    yd, gd = y._data, g._data
    if not (_PYTORCH_BITS[0] and type(yd) is np.ndarray and yd.dtype == np.float32 and yd.ndim and yd.size
            and type(gd) is np.ndarray and gd.dtype == np.float32):
        return None
    rows = g.__dict__.get('one_per_row')     # (from nll_loss's node above: see NllLoss.backward)
    if rows is not None and rows[0] is gd and g._version_counter.value == 0 and not ctx._pre_hooks \
            and yd.ndim == 2 and ctx.dim == 1:
        _, at, coef = rows
        gx = _log_softmax_grad_bits.log_softmax_backward_one_per_row(yd, at, 0 - coef)   # (g's value at ``at``)
    else:
        gx = _log_softmax_grad_bits.log_softmax_backward(gd, yd, ctx.dim)
    return Tensor._make(gx, g._device)


def _type_name(t):
    from ember._tensor import _scalar_type_name
    return _scalar_type_name(t.dtype)


def _softmax_dim(input, dim):
    if dim is None:
        dim = 0 if input.ndim in (0, 1, 3) else 1
    return wrap_dim(dim, input.ndim)


@op('ember', 'Tensor')
def softmax(input, dim, dtype=None, *, out=None):
    """``exp(x) / sum(exp(x))`` along ``dim``, computed in ``dtype`` when given.

    Example::

        >>> ember.softmax(ember.tensor([0., 0.]), 0)
        tensor([0.5000, 0.5000])
    """
    result = _softmax(input, dim, dtype)
    return result if out is None else write_out('softmax', result, out)


@op('ember', 'Tensor')
def log_softmax(input, dim, dtype=None, *, out=None):
    """``log(softmax(x))`` along ``dim``, computed in ``dtype`` when given.

    Example::

        >>> ember.log_softmax(ember.tensor([0., 0.]), 0, ember.float64)
        tensor([-0.6931, -0.6931], dtype=ember.float64)
    """
    result = _log_softmax(input, dim, dtype)
    return result if out is None else write_out('log_softmax', result, out)


def _softmax(input, dim, dtype):
    if dtype is not None:
        input = input.to(dtype)
    if input.dtype.category < 2:
        raise NotImplementedError(f'"softmax_lastdim_kernel_impl" not implemented for \'{_type_name(input)}\'')
    if input.ndim == 0:     # the whole 0-dim tensor is the one slice; its node shows the dim given
        return _sa.show_as_given(Softmax.apply(input, None), 'dim', _sa.as_int64(_softmax_dim(input, dim)))
    return Softmax.apply(input, _softmax_dim(input, dim))


def _log_softmax(input, dim, dtype):
    if dtype is not None:
        input = input.to(dtype)
    if input.dtype.category < 2:
        raise NotImplementedError(f'"log_softmax_lastdim_kernel_impl" not implemented for \'{_type_name(input)}\'')
    if input.ndim == 0:     # the whole 0-dim tensor is the one slice; its node shows the dim given
        return _sa.show_as_given(LogSoftmax.apply(input, None), 'dim', _sa.as_int64(_softmax_dim(input, dim)))
    return LogSoftmax.apply(input, _softmax_dim(input, dim))


class Clamp(Primitive):
    node_name = 'ClampBackward1'
    saved_attrs = {'max': _sa.number(2), 'min': _sa.number(1), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily
    _promote = True

    @staticmethod
    def forward(ctx, x, lo, hi):
        xp = ctx.xp
        ctx.save_for_backward(x, lo, hi)
        y = x
        # a number bound keeps x where x equals it (-0 stays -0) and a NaN x as it is (see _ties);
        # a tensor bound is maximum/minimum's, which takes the bound on a tie (PyTorch's too)
        if x.dtype.kind in 'fV' and not hasattr(lo, 'shape') and not hasattr(hi, 'shape'):
            return _ties.clamp_numbers(xp, x, lo, hi)
        if lo is not None:
            y = xp.maximum(y, lo)
        if hi is not None:
            y = xp.minimum(y, hi)
        return y if y is not x else x.copy()

    @staticmethod
    def backward(ctx, g):
        x, lo, hi = ctx.saved_tensors
        mask = None
        if lo is not None:
            mask = x >= lo
        if hi is not None:
            m = x <= hi
            mask = m if mask is None else mask & m
        from ember.ops.index import where
        glo = ghi = None
        if isinstance(lo, Tensor) and ctx.needs_input_grad[1]:
            glo = where(x < lo, g, 0.0)
        if isinstance(hi, Tensor) and ctx.needs_input_grad[2]:
            ghi = where(x > hi, g, 0.0)
        return where(mask, g, 0.0), glo, ghi


class ClampTensor(Clamp):
    """``clamp`` by tensor bounds (PyTorch names it apart from the number bounds)."""
    _profile_name = 'aten::clamp'
    node_name = 'ClampBackward0'
    _none_edges = (1, 2)   # a bound left out: a (None, 0) edge, as PyTorch's node
    saved_attrs = {'max': _sa.saved(2), 'min': _sa.saved(1), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily


class ClampMin(Clamp):
    node_name = 'ClampMinBackward0'
    saved_attrs = {'min': _sa.number(1), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily


class ClampMinTensor(Clamp):
    _profile_name = 'aten::clamp_min'
    node_name = 'ClampMinBackward1'


class ClampMax(Clamp):
    node_name = 'ClampMaxBackward0'
    saved_attrs = {'max': _sa.number(2), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily


class ClampMaxTensor(Clamp):
    _profile_name = 'aten::clamp_max'
    node_name = 'ClampMaxBackward1'


@op('ember', 'Tensor', aliases=('clip',), inplace=('Tensor', 'ember'))
def clamp(input, min=None, max=None, *, out=None):
    """Clamps each element into ``[min, max]`` (either bound may be omitted; tensors broadcast).

    Args:
        input (Tensor): the input tensor.
        min (Number or Tensor, optional): the lower bound.
        max (Number or Tensor, optional): the upper bound.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.clamp(ember.tensor([-2., 0.5, 3.]), min=0., max=1.)
        tensor([0.0000, 0.5000, 1.0000])
    """
    if min is None and max is None:
        raise RuntimeError("ember.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        node = ClampTensor
        if min is not None and max is not None and not (isinstance(min, Tensor) and isinstance(max, Tensor)):
            _argparse.refuse_from_stack()   # a tensor and a number: PyTorch's overloads take two of a kind
    else:
        node = Clamp
        if min.__class__ in _argparse.NOT_OPERANDS or max.__class__ in _argparse.NOT_OPERANDS:
            _argparse.refuse_from_stack()   # (NumPy would read clamp(x, [0.]) as an array)
    _result = node.apply(input, min, max)
    return _result if out is None else write_out('clamp', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def clamp_min(input, min, *, out=None):
    """Clamps every element of ``input`` from below: ``max(input, min)``. Same as ``ember.clamp(input, min=min)``.

    Args:
        input (Tensor): the input tensor.
        min (Number or Tensor): lower bound.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.clamp_min(ember.tensor([-1.5, 0.2, 3.0]), 0.0)
        tensor([0.0000, 0.2000, 3.0000])
    """
    if min is None:
        _argparse.refuse_from_stack()    # (None would clamp nothing)
    _result = (ClampMinTensor if isinstance(min, Tensor) else ClampMin).apply(input, min, None)
    return _result if out is None else write_out('clamp_min', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def clamp_max(input, max, *, out=None):
    """Clamps every element of ``input`` from above: ``min(input, max)``. Same as ``ember.clamp(input, max=max)``.

    Args:
        input (Tensor): the input tensor.
        max (Number or Tensor): upper bound.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.clamp_max(ember.tensor([-1.5, 0.2, 3.0]), 1.0)
        tensor([-1.5000,  0.2000,  1.0000])
    """
    if max is None:
        _argparse.refuse_from_stack()
    if isinstance(input, Tensor) and input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
        _float8.check_kernel('clamp_max_scalar_cpu' if not isinstance(max, Tensor) else 'minimum_cpu',
                             input._data.dtype)
    _result = (ClampMaxTensor if isinstance(max, Tensor) else ClampMax).apply(input, None, max)
    return _result if out is None else write_out('clamp_max', _result, out)


class NanToNum(Primitive):
    node_name = 'NanToNumBackward0'

    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        if x.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
            _float8.check('nan_to_num', x.dtype)
        ctx.save_for_backward(x)
        return ctx.xp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        # replaced values are constants; NOTE: a product, as PyTorch's formula (inf * 0 gives NaN there too)
        return g * x.isfinite().to(g.dtype), None, None, None


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def nan_to_num(input, nan=None, posinf=None, neginf=None, *, out=None):
    """Replaces ``nan``, positive infinity and negative infinity in ``input`` by ``nan``, ``posinf`` and
    ``neginf``. By default ``nan`` becomes zero and the infinities the greatest and least finite values of
    ``input``'s dtype.

    Args:
        input (Tensor): the input tensor.
        nan (Number, optional): the value to replace ``nan`` with. Default: ``0``.
        posinf (Number, optional): the value to replace positive infinity with. Default: the dtype's largest
            finite value.
        neginf (Number, optional): the value to replace negative infinity with. Default: the dtype's lowest
            finite value.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> x = ember.tensor([float('nan'), float('inf'), -float('inf'), 3.14])
        >>> ember.nan_to_num(x)
        tensor([ 0.0000e+00,  3.4028e+38, -3.4028e+38,  3.1400e+00])
        >>> ember.nan_to_num(x, nan=2.0, posinf=1.0)
        tensor([ 2.0000e+00,  1.0000e+00, -3.4028e+38,  3.1400e+00])
    """
    _result = NanToNum.apply(input, 0.0 if nan is None else nan, posinf, neginf)
    return _result if out is None else write_out('nan_to_num', _result, out)


# ------------------------------------------------------------------ the wider activation family
# Each is one Primitive (forward in NumPy/CuPy, backward in ember ops so it differentiates again)
# or a composition of existing ops where PyTorch's own autograd node is the composition's.

def _inplace(input, fn):
    """Run ``fn(input)`` and write the result into ``input`` (the ``inplace=True`` forms)."""
    from ember.ops.inplace import apply_inplace
    return apply_inplace(input, fn)


def _where(cond, a, b):
    from ember.ops.index import where
    return where(cond, a, b)


def _leaky_factor(xp, x, slope):
    """1 where x > 0, else ``slope``: in x's float type when that is float32/64 (the values
    ``where(x > 0, 1.0, slope)`` rounds to), picked by bits.

    NOTE: NumPy's where branches on every element (about 7x a pass of arithmetic on the random signs
    of an activation); here the mask becomes an all-ones/all-zeros word that selects between the bits
    of 1 and of the slope."""
    bits = _BITS.get(x.dtype.itemsize)
    if type(x) is not np.ndarray or x.dtype.kind != 'f' or x.dtype.itemsize < 4 or x.ndim == 0 or \
            isinstance(slope, bool) or not isinstance(slope, (int, float)):
        return xp.where(x > 0, 1.0, slope)
    one, s = np.array(1, x.dtype).view(bits), np.array(slope, x.dtype).view(bits)
    word = np.greater(x, 0).astype(bits)
    np.negative(word, out=word)           # all ones where x > 0
    word &= one ^ s
    word ^= s                             # one's bits where x > 0, the slope's elsewhere
    return word.view(x.dtype)


_LeakyReluGrad = _piecewise_grad('LeakyReluBackwardBackward0', _leaky_factor, nonzero=lambda slope: slope != 0)


class LeakyRelu(Primitive):
    node_name = 'LeakyReluBackward0'
    saved_attrs = {'negative_slope': _sa.field('slope'), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x, slope):
        ctx.slope = slope
        ctx.save_for_backward(x)
        xp = ctx.xp
        if type(x) is np.ndarray and isinstance(slope, (int, float)) and 0 < slope <= 1:
            # x * slope lies between 0 and x (a zero slope would make inf * 0 a NaN), so the larger of
            # the two is where(x > 0, x, x * slope) bit for bit (signed zeros and NaN included),
            # without where's per-element branch
            return xp.maximum(x, x * slope)
        return xp.where(x > 0, x, x * slope)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return _LeakyReluGrad.apply(g, x, ctx.slope), None


class LeakyReluOfResult(LeakyRelu):
    """The in-place leaky ReLU's node (PyTorch's LeakyReluBackward1): it keeps the result, whose sign is the
    input's for a positive slope, instead of the input the write replaced."""
    node_name = 'LeakyReluBackward1'
    _profile_name = 'aten::leaky_relu_'
    saved_attrs = {'negative_slope': _sa.field('slope'), 'result': _sa.saved(0)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, slope):
        ctx.slope = slope
        y = LeakyRelu.forward(_Unsaving(ctx), x, slope)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        if ctx.slope < 0:
            raise RuntimeError("In-place leakyReLu backward calculation is triggered with a negative slope which is "
                               "not supported. This is caused by calling in-place forward function with a negative "
                               "slope, please call out-of-place version instead. File an issue at "
                               "https://github.com/pytorch/pytorch if you do require supporting in-place leakRelu "
                               "backward calculation with negative slope")
        y, = ctx.saved_tensors
        return _LeakyReluGrad.apply(g, y, ctx.slope), None


class _Unsaving:
    """A forward's ctx for a node that keeps something else: the forward's own saves are dropped."""
    __slots__ = ('_ctx',)

    def __init__(self, ctx):
        object.__setattr__(self, '_ctx', ctx)

    def __getattr__(self, name):
        return getattr(self._ctx, name)

    def __setattr__(self, name, value):
        setattr(self._ctx, name, value)

    def save_for_backward(self, *items):
        pass


@op('F')
def leaky_relu(input, negative_slope=0.01, inplace=False):
    """Applies the leaky ReLU element-wise: ``x`` where ``x >= 0``, ``negative_slope * x`` elsewhere.

    Args:
        input (Tensor): the input tensor.
        negative_slope (float): the slope for negative inputs. Default: ``0.01``.
        inplace (bool): do the operation in place. Default: ``False``.

    Example::

        >>> F.leaky_relu(ember.tensor([-2.0, -0.5, 0.0, 1.5]), 0.1)
        tensor([-0.2000, -0.0500,  0.0000,  1.5000])
    """
    if inplace:
        return leaky_relu_(input, negative_slope)
    return LeakyRelu.apply(input, negative_slope)


@op('F')
def leaky_relu_(input, negative_slope=0.01):
    require_tensor(input)
    return _inplace(input, lambda t: LeakyReluOfResult.apply(t, negative_slope))


class Elu(Primitive):
    """scale * (x if x > 0 else alpha * (exp(input_scale * x) - 1)): ELU, SELU and CELU."""
    node_name = 'EluBackward0'
    saved_attrs = {'alpha': _sa.item('args', 0), 'input_scale': _sa.item('args', 2), 'scale': _sa.item('args', 1),
                   'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x, alpha, scale, input_scale):
        xp = ctx.xp
        ctx.args = (alpha, scale, input_scale)
        ctx.save_for_backward(x)
        # exp of the clamped value: the positive branch never overflows in the unused side
        neg = alpha * xp.expm1(xp.minimum(x, 0) * input_scale)
        y = xp.where(x > 0, x, neg)
        return y * scale if scale != 1 else y

    @staticmethod
    def backward(ctx, g):
        alpha, scale, input_scale = ctx.args
        x, = ctx.saved_tensors
        neg = g * (x.clamp(max=0) * input_scale).exp() * (alpha * scale * input_scale)
        return _where(x > 0, g * scale if scale != 1 else g, neg), None, None, None


class Celu(Elu):
    node_name = 'CeluBackward0'
    saved_attrs = {'alpha': _sa.item('args', 0), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily


class EluOfResult(Elu):
    """The in-place ELU/SELU's node (PyTorch's EluBackward1): it keeps the result instead of the input the write
    replaced, and differentiates from it as PyTorch does: ``g * input_scale * (result + alpha * scale)`` where
    the result is not positive, ``g * scale`` elsewhere."""
    node_name = 'EluBackward1'
    _profile_name = 'aten::elu_'
    saved_attrs = {'alpha': _sa.item('args', 0), 'input_scale': _sa.item('args', 2), 'result': _sa.saved(0),
                   'scale': _sa.item('args', 1)}  # grad_fn._saved_*, read lazily

    _opmath = 0     # (half inputs in float32 here, so that the result kept is the rounded one returned)

    @staticmethod
    def forward(ctx, x, alpha, scale, input_scale):
        if x.dtype.itemsize <= 2 and x.dtype.kind in 'fV':
            y = Elu.forward(_Unsaving(ctx), x.astype(np.float32), alpha, scale, input_scale).astype(x.dtype)
        else:
            y = Elu.forward(_Unsaving(ctx), x, alpha, scale, input_scale)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        alpha, scale, input_scale = ctx.args
        if alpha < 0:
            raise RuntimeError("In-place elu backward calculation is triggered with a negative slope which is not "
                               "supported. This is caused by calling in-place forward function with a negative "
                               "slope, please call out-of-place version instead.")
        y, = ctx.saved_tensors
        low = y.dtype if y._data.dtype.itemsize <= 2 else None     # (half precision: computed in float32)
        if low is not None:
            y, g = y.float(), g.float()
        # (a zero result adds nothing but stays out of the second derivative, which PyTorch takes where y < 0)
        neg = g * input_scale * (_where(y < 0, y, 0.0) + alpha * scale)
        gx = _where(y > 0, g * scale if scale != 1 else g, neg)
        return (gx if low is None else gx.to(low)), None, None, None


class CeluOfResult(EluOfResult):
    node_name = 'CeluBackward1'
    _profile_name = 'aten::celu_'
    _profile_chain = ('aten::elu_',)
    saved_attrs = {'alpha': _sa.item('args', 0), 'result': _sa.saved(0)}  # grad_fn._saved_*, read lazily


@op('F')
def elu(input, alpha=1.0, inplace=False):
    """Applies the Exponential Linear Unit element-wise: ``x`` where ``x > 0``, ``alpha * (exp(x) - 1)`` elsewhere.

    Args:
        input (Tensor): the input tensor.
        alpha (float): the ``alpha`` value of the formula. Default: ``1.0``.
        inplace (bool): do the operation in place. Default: ``False``.

    Example::

        >>> F.elu(ember.tensor([-2.0, -0.5, 0.0, 1.5]))
        tensor([-0.8647, -0.3935,  0.0000,  1.5000])
    """
    alpha = scalar_number(alpha)
    if inplace:
        return elu_(input, alpha)
    return Elu.apply(input, alpha, 1.0, 1.0)


@op('F')
def elu_(input, alpha=1):
    require_tensor(input)
    return _inplace(input, lambda t: EluOfResult.apply(t, alpha, 1, 1))


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


@op('F')
def selu(input, inplace=False):
    """Applies the scaled exponential linear unit element-wise: ``scale * (max(0, x) + min(0, alpha * (exp(x) -
    1)))`` with ``alpha = 1.6732632423543772`` and ``scale = 1.0507009873554805`` (from "Self-Normalizing Neural
    Networks").

    Args:
        input (Tensor): the input tensor.
        inplace (bool): do the operation in place. Default: ``False``.

    Example::

        >>> F.selu(ember.tensor([-2.0, -0.5, 0.0, 1.5]))
        tensor([-1.5202, -0.6918,  0.0000,  1.5761])
    """
    if inplace:
        return selu_(input)
    return Elu.apply(input, _SELU_ALPHA, _SELU_SCALE, 1.0)


@op('ember', 'F')
def selu_(input):
    """In-place version of :func:`ember.selu`.

    Args:
        input (Tensor): the tensor to modify.

    Example::

        >>> ember.selu_(ember.tensor([-1.0, 0.5]))
        tensor([-1.1113,  0.5254])
    """
    require_tensor(input)
    return _inplace(input, lambda t: EluOfResult.apply(t, _SELU_ALPHA, _SELU_SCALE, 1))


@op('F')
def celu(input, alpha=1.0, inplace=False):
    """Applies the CELU function element-wise: ``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    Args:
        input (Tensor): the input tensor.
        alpha (float): the ``alpha`` value of the formula. Default: ``1.0``.
        inplace (bool): do the operation in place. Default: ``False``.

    Example::

        >>> F.celu(ember.tensor([-2.0, -0.5, 0.0, 1.5]), alpha=0.5)
        tensor([-0.4908, -0.3161,  0.0000,  1.5000])
    """
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    if inplace:
        return celu_(input, alpha)
    return Celu.apply(input, alpha, 1.0, 1.0 / alpha)


@op('ember', 'F')
def celu_(input, alpha=1.0):
    """In-place version of :func:`ember.celu`.

    Args:
        input (Tensor): the tensor to modify.
        alpha (float): the ``alpha`` value of the CELU formula. Default: ``1.0``.

    Example::

        >>> ember.celu_(ember.tensor([-1.0, 0.5]))
        tensor([-0.6321,  0.5000])
    """
    require_tensor(input)
    return _inplace(input, lambda t: CeluOfResult.apply(t, alpha, 1.0, 1.0 / alpha))


_SQRT_HALF = _gelu.SQRT_HALF
_INV_SQRT_2PI = _gelu.INV_SQRT_2PI
_GELU_KERNEL_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
_TANH_K = math.sqrt(2 / math.pi)


class Gelu(Primitive):
    node_name = 'GeluBackward0'
    saved_attrs = {'approximate': _sa.field('approximate'), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x, approximate):
        from ember.ops.unary import _erf
        xp = ctx.xp
        ctx.approximate = approximate
        ctx.save_for_backward(x)
        if approximate == 'tanh':
            return 0.5 * x * (1 + xp.tanh(_TANH_K * (x + 0.044715 * x * x * x)))
        if xp is np and x.dtype in _GELU_KERNEL_DTYPES:
            # Phi(x) is kept for the first backward, which then needs no erf of its own (unless
            # saved-tensor hooks are in use: they decide what a graph keeps)
            keep = ctx.needs_input_grad[0] and not _saved_hooks._pack_stack
            # (PyTorch's float16 backward is ATen's kernel, which uses none of what oneDNN's would keep)
            keep = keep and getattr(ctx, '_opmath_dtype', None) != np.float16
            if x.dtype == np.float32 and _PYTORCH_BITS[0]:
                # PyTorch's own float32 bits (its kernels' polynomials, step by step); the derivative
                # PyTorch's backward computes (oneDNN's, for the contiguous input oneDNN takes) is made
                # here, each chunk still in cache (the strided path keeps none)
                if not keep:
                    return _gelu_f32.gelu(x, get_num_threads)
                out, ctx.slope = _gelu_f32.gelu(x, get_num_threads, keep_slope=True)
                return out
            elif x.dtype == np.float32:
                # without the bits: a direct fit of Phi, in about half the passes of the formula; it keeps
                # GELU's derivative rather than Phi(x), so the backward is one product
                if not keep:
                    return _gelu_fast32.gelu(x)
                out, ctx.slope = _gelu_fast32.gelu(x, keep_slope=True)
                return out
            else:
                # the same formula, chunk by chunk in cache (transformers' MLP hot path)
                out = _gelu.gelu(x, keep_cdf=keep)
            if keep:
                out, ctx.cdf = out
            return out
        return 0.5 * x * (1 + _erf(xp, x * _SQRT_HALF))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        # (what the forward kept is freed with its first use: a retained graph recomputes it)
        cdf, slope = ctx.__dict__.pop('cdf', None), ctx.__dict__.pop('slope', None)
        if ctx.approximate == 'tanh' and not grad_mode._state.enabled and _PYTORCH_BITS[0]:
            # first order, PyTorch's bits: ATen's kernel, SLEEF's tanh in its vector blocks; float16/bfloat16
            # (the forward ran on x widened to float32) computed in float32 too and rounded once
            xd, gd = x._data, g._data
            low = getattr(ctx, '_opmath_dtype', None)
            if type(xd) is np.ndarray and xd.dtype == np.float32 and gd.shape == xd.shape \
                    and (gd.dtype == xd.dtype or gd.dtype == low):
                half = gd.dtype != xd.dtype
                out = _gelu_tanh_bwd.gelu_backward(gd.astype(np.float32) if half else gd, xd, get_num_threads, half)
                return Tensor._make(out.astype(low) if half else out, x._device), None
        if ctx.approximate != 'tanh' and not grad_mode._state.enabled:
            # first order (no graph to record): the derivative on the arrays in one pass, no op dispatch
            xd, gd = x._data, g._data
            low = getattr(ctx, '_opmath_dtype', None)
            if low is not None and gd.dtype == low and xd.dtype == np.float32 and _PYTORCH_BITS[0] \
                    and type(xd) is np.ndarray and gd.shape == xd.shape:
                # float16/bfloat16 (the forward ran on x widened to float32): PyTorch computes in float32
                # too and rounds once
                return Tensor._make(_half_gelu_backward(gd.astype(np.float32), xd, slope, low), x._device), None
            if type(xd) is np.ndarray and xd.dtype in _GELU_KERNEL_DTYPES and gd.dtype == xd.dtype \
                    and gd.shape == xd.shape:
                if slope is None and xd.dtype == np.float32 and _PYTORCH_BITS[0]:
                    # PyTorch's own bits: oneDNN's derivative for the contiguous inputs it takes, ATen's
                    # kernel (with its vector blocks and scalar elements) for the others
                    if xd.size <= 1 or not xd.flags.c_contiguous:
                        return Tensor._make(_gelu_bwd_aten.gelu_backward(gd, xd, get_num_threads), x._device), None
                    slope = _gelu_bwd_onednn.derivative(xd)
                if xd.dtype == np.float32 and (slope is not None or (cdf is None and not _PYTORCH_BITS[0])):
                    if slope is None:                        # the derivative as the forward keeps it
                        slope = _gelu_fast32.slope(xd)
                    # the gradient written over the slope (this node's own buffer, used once): no new array
                    gx = slope.reshape(xd.shape)
                    return Tensor._make(np.multiply(gd, gx, out=gx), x._device), None
                if cdf is None and xd.dtype == np.float32:   # the forward's Phi(x), as it keeps it
                    cdf = _gelu_f32.onednn_gelu(xd, keep_cdf=True)[1]
                return Tensor._make(_gelu.gelu_backward(gd, xd, cdf), x._device), None
        if ctx.approximate == 'tanh':
            x2 = x * x
            t = ((x + 0.044715 * x2 * x) * _TANH_K).tanh()
            d = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * (_TANH_K * (1 + 3 * 0.044715 * x2))
            return g * d, None
        cdf = 0.5 * (1 + (x * _SQRT_HALF).erf())
        pdf = (x * x * -0.5).exp() * _INV_SQRT_2PI
        return g * (cdf + x * pdf), None


def _half_gelu_backward(g, x, slope, low):
    """The exact-form GELU gradient PyTorch gives float16/bfloat16 values (``g``, ``x`` widened to float32;
    ``slope``: oneDNN's derivative as the forward kept it, or None), rounded to ``low``: bfloat16 goes to
    oneDNN where the input is contiguous, like float32; float16, and other bfloat16 inputs, to ATen's
    kernel with its half-precision vector blocks."""
    if low == np.float16 or x.size <= 1 or not x.flags.c_contiguous:
        out = _gelu_bwd_aten.gelu_backward(g, x, get_num_threads, half=True)
    else:
        d = _gelu_bwd_onednn.derivative(x) if slope is None else slope
        out = np.multiply(g.reshape(-1), d).reshape(x.shape)
    return out.astype(low)


@op('F')
def gelu(input, *, approximate='none'):
    """Applies the Gaussian Error Linear Unit element-wise: ``x * Phi(x)``, where ``Phi`` is the standard normal
    cumulative distribution function.

    With ``approximate='tanh'``, ``Phi`` is estimated as ``0.5 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 *
    x**3)))`` (the form GPT-2 uses).

    Args:
        input (Tensor): the input tensor.
        approximate (str): ``'none'`` for the exact form or ``'tanh'``. Default: ``'none'``.

    Example::

        >>> x = ember.tensor([-2.0, -0.5, 0.0, 1.5])
        >>> F.gelu(x)
        tensor([-0.0455, -0.1543,  0.0000,  1.3998])
        >>> F.gelu(x, approximate='tanh')
        tensor([-0.0454, -0.1543,  0.0000,  1.3996])
    """
    if approximate not in ('none', 'tanh'):
        _argparse.refuse_from_stack()   # (approximate=1: PyTorch's parser's error first)
        raise RuntimeError("approximate argument must be either none or tanh.")
    return Gelu.apply(input, approximate)


def _sigmoid_array(xp, x):
    from ember.ops.unary import _sigmoid
    return _sigmoid(xp, x)


class Silu(Primitive):
    node_name = 'SiluBackward0'
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * _sigmoid_array(ctx.xp, x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        s = x.sigmoid()
        return g * s * (1 + x * (1 - s))


@op('F')
def silu(input, inplace=False):
    """Applies the Sigmoid Linear Unit (also called swish) element-wise: ``x * sigmoid(x)``.

    Args:
        input (Tensor): the input tensor.
        inplace (bool): do the operation in place. Default: ``False``.

    Example::

        >>> F.silu(ember.tensor([-2.0, -0.5, 0.0, 1.5]))
        tensor([-0.2384, -0.1888,  0.0000,  1.2264])
    """
    if inplace:
        return _inplace(input, Silu.apply)
    return Silu.apply(input)


class Mish(Primitive):
    node_name = 'MishBackward0'
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x):
        xp = ctx.xp
        ctx.save_for_backward(x)
        return x * xp.tanh(xp.logaddexp(0, x))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        t = softplus(x).tanh()
        return g * (t + x * (1 - t * t) * x.sigmoid())


@op('F')
def mish(input, inplace=False):
    """Applies the Mish function element-wise (from "Mish: A Self Regularized Non-Monotonic Neural Activation
    Function"): ``x * tanh(softplus(x))``.

    Args:
        input (Tensor): the input tensor.
        inplace (bool): do the operation in place. Default: ``False``.

    Example::

        >>> F.mish(ember.tensor([-2.0, -0.5, 0.0, 1.5]))
        tensor([-0.2525, -0.2207,  0.0000,  1.4034])
    """
    if inplace:
        return _inplace(input, Mish.apply)
    return Mish.apply(input)


# NOTE: 'not at or past a bound' rather than 'strictly inside': a NaN passes its gradient on, as in PyTorch
_HardtanhGrad = _piecewise_grad('HardtanhBackwardBackward0',
                                lambda xp, x, lo, hi: ~((x <= lo) | (x >= hi)))


class Hardtanh(Primitive):
    node_name = 'HardtanhBackward0'
    saved_attrs = {'max_val': _sa.item('args', 1), 'min_val': _sa.item('args', 0), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.args = (lo, hi)
        ctx.save_for_backward(x)
        if x.dtype.kind in 'biu':     # PyTorch clamps integers to the limits cast to their type
            lo, hi = _integer_limits(x.dtype, lo, hi)
        if x.dtype.kind not in 'fV':
            return ctx.xp.clip(x, lo, hi)
        return _ties.clamp_numbers(ctx.xp, x, lo, hi)   # (x kept at a bound, as PyTorch)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return _HardtanhGrad.apply(g, x, *ctx.args), None, None


def _integer_limits(dtype, lo, hi):
    if dtype.kind == 'b':
        raise RuntimeError("Bool inputs not supported for hardtanh")
    if dtype.kind == 'u' and (lo < 0 or hi < 0):
        raise RuntimeError("cannot do hardtanh on an unsigned type with negative limits")
    for info in (np.iinfo(np.int64), np.iinfo(dtype)):     # (the limits pass through int64 first)
        if not (info.min <= lo <= info.max and info.min <= hi <= info.max):
            name = 'int' if info.dtype == np.int32 else info.dtype.name + '_t'
            raise RuntimeError(f"value cannot be converted to type {name} without overflow")
    return int(lo), int(hi)     # (int(): the C cast's truncation)


@op('F')
def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """Applies the HardTanh function element-wise: ``input`` clamped to ``[min_val, max_val]``.

    Args:
        input (Tensor): the input tensor.
        min_val (float): minimum value of the linear region range. Default: ``-1``.
        max_val (float): maximum value of the linear region range. Default: ``1``.
        inplace (bool): do the operation in place. Default: ``False``.

    Example::

        >>> F.hardtanh(ember.tensor([-2.0, -0.5, 0.0, 1.5]))
        tensor([-1.0000, -0.5000,  0.0000,  1.0000])
        >>> F.hardtanh(ember.tensor([-2.0, 3.0]), min_val=-1.5, max_val=2.0)
        tensor([-1.5000,  2.0000])
    """
    min_val, max_val = scalar_number(min_val), scalar_number(max_val)
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    try:
        if inplace:
            return hardtanh_(input, min_val, max_val)
        return Hardtanh.apply(input, min_val, max_val)
    except NotImplementedError as error:
        return quantized_or_raise(error, 'hardtanh', input, min_val, max_val, inplace)


@op('F')
def hardtanh_(input, min_val=-1.0, max_val=1.0):
    require_tensor(input)
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _inplace(input, lambda t: Hardtanh.apply(t, min_val, max_val))


@op('F')
def relu6(input, inplace=False):
    """Applies ``min(max(0, x), 6)`` element-wise.

    Args:
        input (Tensor): the input tensor.
        inplace (bool): do the operation in place. Default: ``False``.

    Example::

        >>> F.relu6(ember.tensor([-2.0, 0.5, 6.5]))
        tensor([0.0000, 0.5000, 6.0000])
    """
    return hardtanh(input, 0.0, 6.0, inplace)


# NOTE: ATen's hardsigmoid backward multiplies by 1/6 rounded to float32 even for doubles
_ONE_SIXTH_F32 = 0.1666666716337204

# (PyTorch's node for it is its not-implemented placeholder)
_HardsigmoidGrad = _piecewise_grad('torch::autograd::NotImplemented',
                                   lambda xp, x: xp.where((x > -3) & (x < 3), _ONE_SIXTH_F32, 0.0),
                                   aten_name='hardsigmoid_backward')


class Hardsigmoid(Primitive):
    node_name = 'HardsigmoidBackward0'
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.clip(x / 6 + 0.5, 0, 1)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return _HardsigmoidGrad.apply(g, x)


@op('F')
def hardsigmoid(input, inplace=False):
    """Applies the Hardsigmoid function element-wise: ``0`` below ``-3``, ``1`` above ``3``, and ``x / 6 + 1 / 2``
    between.

    Args:
        input (Tensor): the input tensor.
        inplace (bool): do the operation in place. Default: ``False``.

    Example::

        >>> F.hardsigmoid(ember.tensor([-4.0, -1.5, 0.0, 1.5, 4.0]))
        tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    try:
        if inplace:
            return _inplace(input, Hardsigmoid.apply)
        return Hardsigmoid.apply(input)
    except NotImplementedError as error:
        return quantized_or_raise(error, 'hardsigmoid', input, inplace)


class Hardswish(Primitive):
    node_name = 'HardswishBackward0'
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * ctx.xp.clip(x / 6 + 0.5, 0, 1)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        from ember.ops.index import where
        return where(x > 3, g, where((x >= -3) & (x <= 3), g * (x / 3 + 0.5), 0.0))


@op('F')
def hardswish(input, inplace=False):
    """Applies the Hardswish function element-wise (from "Searching for MobileNetV3"): ``x * hardsigmoid(x)``,
    which is ``0`` below ``-3`` and ``x`` above ``3``.

    Args:
        input (Tensor): the input tensor.
        inplace (bool): do the operation in place. Default: ``False``.

    Example::

        >>> F.hardswish(ember.tensor([-4.0, -1.5, 0.0, 1.5, 4.0]))
        tensor([-0.0000, -0.3750,  0.0000,  1.1250,  4.0000])
    """
    try:
        if inplace:
            return _inplace(input, Hardswish.apply)
        return Hardswish.apply(input)
    except NotImplementedError as error:
        return quantized_or_raise(error, 'hardswish', input)


class Softplus(Primitive):
    node_name = 'SoftplusBackward0'
    saved_attrs = {'beta': _sa.item('args', 0), 'self': _sa.saved(0), 'threshold': _sa.item('args', 1)}  # grad_fn._saved_*, read lazily
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x, beta, threshold):
        xp = ctx.xp
        ctx.args = (beta, threshold)
        ctx.save_for_backward(x)
        z = x * beta if beta != 1 else x
        # logaddexp(0, z) = log(1 + e^z) without overflow; linear above the threshold (PyTorch's rule)
        soft = xp.logaddexp(0, z)
        if beta != 1:
            soft = soft / beta
        return xp.where(z > threshold, x, soft).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        beta, threshold = ctx.args
        x, = ctx.saved_tensors
        z = x * beta if beta != 1 else x
        return _where(z > threshold, g, g * z.sigmoid()), None, None


@op('F')
def softplus(input, beta=1.0, threshold=20.0):
    """Applies ``Softplus(x) = log(1 + exp(beta * x)) / beta`` elementwise, a smooth approximation of ReLU.

    Where ``beta * x > threshold`` the result is ``x`` itself, for numerical stability.

    Args:
        input (Tensor): the input tensor.
        beta (float, optional): the sharpness. Default: 1.
        threshold (float, optional): above ``beta * x > threshold`` the function is linear. Default: 20.

    Example::

        >>> F.softplus(ember.tensor([-2.0, 0.0, 2.0, 30.0]))
        tensor([ 0.1269,  0.6931,  2.1269, 30.0000])
        >>> F.softplus(ember.tensor([-2.0, 0.0, 2.0]), beta=2)
        tensor([0.0091, 0.3466, 2.0091])
    """
    return Softplus.apply(input, beta, threshold)


class LogSigmoid(Primitive):
    node_name = 'LogSigmoidBackward0'
    saved_attrs = {'buffer': _sa.log_sigmoid_buffer, 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        out = -ctx.xp.logaddexp(0, -x)      # finite for any logit
        # contiguous as PyTorch's (ascontiguousarray alone would make a 0-d result 1-d)
        return out if out.flags.c_contiguous else ctx.xp.ascontiguousarray(out)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * (-x).sigmoid()


@op('F')
def logsigmoid(input):
    """Applies ``log(sigmoid(x))`` element-wise, computed stably: ``min(x, 0) - log(1 + exp(-|x|))``.

    Args:
        input (Tensor): the input tensor.

    Example::

        >>> F.logsigmoid(ember.tensor([-20.0, -0.5, 0.0, 1.5]))
        tensor([-20.0000,  -0.9741,  -0.6931,  -0.2014])
    """
    return LogSigmoid.apply(input)


@op('F')
def softsign(input):
    """Applies ``x / (1 + |x|)`` element-wise.

    Args:
        input (Tensor): the input tensor.

    Example::

        >>> F.softsign(ember.tensor([-2.0, -0.5, 0.0, 1.5]))
        tensor([-0.6667, -0.3333,  0.0000,  0.6000])
    """
    return input / (input.abs() + 1)


@op('F')
def tanhshrink(input):
    """Applies ``x - tanh(x)`` element-wise.

    Args:
        input (Tensor): the input tensor.

    Example::

        >>> F.tanhshrink(ember.tensor([-2.0, -0.5, 0.0, 1.5]))
        tensor([-1.0360, -0.0379,  0.0000,  0.5949])
    """
    return input - input.tanh()


_ShrinkGrad = _piecewise_grad('ShrinkBackwardBackward0', lambda xp, x, lambd: (x > lambd) | (x < -lambd))


class Softshrink(Primitive):
    node_name = 'SoftshrinkBackward0'
    saved_attrs = {'lambd': _sa.field('lambd'), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x, lambd):
        xp = ctx.xp
        ctx.lambd = lambd
        ctx.save_for_backward(x)
        # the band maps to x * 0, so negative inputs give -0.0 as in PyTorch
        return xp.where(x > lambd, x - lambd, xp.where(x < -lambd, x + lambd, x * 0)).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return _ShrinkGrad.apply(g, x, ctx.lambd), None


class Hardshrink(Softshrink):
    node_name = 'HardshrinkBackward0'
    saved_attrs = {'lambd': _sa.field('lambd'), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, lambd):
        ctx.lambd = lambd
        ctx.save_for_backward(x)
        return ctx.xp.where((x > lambd) | (x < -lambd), x, 0).astype(x.dtype, copy=False)


@op('F')
def softshrink(input, lambd=0.5):
    """Applies the soft shrinkage function element-wise: ``x - lambd`` above ``lambd``, ``x + lambd`` below
    ``-lambd``, ``0`` between.

    Args:
        input (Tensor): the input tensor.
        lambd (float): the ``lambda`` of the formula (must be non-negative). Default: ``0.5``.

    Example::

        >>> F.softshrink(ember.tensor([-2.0, -0.25, 0.0, 1.5]))
        tensor([-1.5000, -0.0000,  0.0000,  1.0000])
    """
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")
    return Softshrink.apply(input, lambd)


@op('F', 'Tensor')
def hardshrink(input, lambd=0.5, *, out=None):
    """Applies the hard shrinkage function elementwise: ``x`` where ``|x| > lambd``, else 0.

    Args:
        input (Tensor): the input tensor.
        lambd (float, optional): the threshold. Default: 0.5.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> F.hardshrink(ember.tensor([-1.0, -0.3, 0.0, 0.4, 0.9]))
        tensor([-1.0000,  0.0000,  0.0000,  0.0000,  0.9000])
    """
    result = Hardshrink.apply(input, lambd)
    return result if out is None else write_out('hardshrink', result, out)


_ThresholdGrad = _piecewise_grad('ThresholdBackwardBackward0', lambda xp, x, th: ~(x <= th))


class Threshold(Primitive):
    node_name = 'ThresholdBackward0'
    saved_attrs = {'self': _sa.saved(0), 'threshold': _sa.field('threshold')}  # grad_fn._saved_*, read lazily
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x, threshold, value):
        ctx.threshold = threshold
        ctx.save_for_backward(x)
        return ctx.xp.where(x <= threshold, value, x).astype(x.dtype, copy=False)   # NaN stays NaN

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return _ThresholdGrad.apply(g, x, ctx.threshold), None, None


class ThresholdInPlace(Threshold):
    """The in-place threshold's node (PyTorch's ThresholdBackward1): the same, keeping a copy of the input the
    write replaced."""
    node_name = 'ThresholdBackward1'
    _profile_name = 'aten::threshold_'
    saved_attrs = Threshold.saved_attrs


# NOTE: named ``_threshold`` as PyTorch's (Python's own argument errors say ``_threshold()``, and pickle and
# ``torch.save`` refer to it by that name); ``F.threshold`` is the same function
@op('F', name='threshold', aliases=('_threshold',))
def _threshold(input, threshold, value, inplace=False):
    """Thresholds each element: ``x`` where ``x > threshold``, ``value`` elsewhere.

    Args:
        input (Tensor): the input tensor.
        threshold (float): the value to threshold at.
        value (float): the value to replace with.
        inplace (bool): do the operation in place. Default: ``False``.

    Example::

        >>> F.threshold(ember.tensor([-2.0, 0.5, 1.0, 1.5]), 1.0, -9.0)
        tensor([-9.0000, -9.0000, -9.0000,  1.5000])
    """
    if inplace:
        return threshold_(input, threshold, value)
    return Threshold.apply(input, threshold, value)


_threshold.same_function_for_every_name = True     # (F.threshold is _threshold itself, as in PyTorch)


@op('ember', 'F', guard=True)
def threshold_(input, threshold, value):
    """In-place version of :func:`ember.threshold`: elements not above ``threshold`` become ``value``.

    Args:
        input (Tensor): the tensor to modify.
        threshold (float): the value to threshold at.
        value (float): the value to replace with.

    Example::

        >>> ember.threshold_(ember.tensor([-1.0, 0.5, 2.0]), 1.0, 0.0)
        tensor([0., 0., 2.])
    """
    require_tensor(input)
    return _inplace(input, lambda t: ThresholdInPlace.apply(t, threshold, value))


class Glu(Primitive):
    node_name = 'GluBackward0'
    saved_attrs = {'dim': _sa.field('dim', _sa.as_int64), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x, dim):
        xp = ctx.xp
        ctx.dim = dim
        ctx.save_for_backward(x)
        a, b = xp.split(x, 2, axis=dim)
        return a * _sigmoid_array(xp, b)

    @staticmethod
    def backward(ctx, g):
        from ember.ops.shape import cat
        x, = ctx.saved_tensors
        a, b = x.chunk(2, ctx.dim)
        s = b.sigmoid()
        gs = g * s
        return cat([gs, gs * a * (1 - s)], ctx.dim), None


@op('F')
def glu(input, dim=-1):
    """The gated linear unit: ``input`` is split in half along ``dim`` into ``a`` and ``b``, and the result is ``a
    * sigmoid(b)``.

    Args:
        input (Tensor): the input tensor; its size along ``dim`` must be even.
        dim (int): the dimension on which to split the input. Default: ``-1``.

    Example::

        >>> F.glu(ember.tensor([[1.0, 2.0, 0.0, -1.0]]))
        tensor([[0.5000, 0.5379]])
    """
    python_reads(input, 'dim')
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = wrap_dim(dim, input.ndim)
    try:
        size = input.shape[d]
    except TypeError:       # a dim not an int (wrap_dim lets 1.5 through): PyTorch's argument error
        _argparse.refuse_from_stack()
        raise
    if size % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {size}")
    return Glu.apply(input, d)


def _channel_shape(x, w):
    """Shape that broadcasts PReLU's per-channel weight along dim 1 of ``x``."""
    if w.size == 1 or x.ndim < 2:
        return w.shape if x.ndim >= w.ndim else ()
    return (w.size,) + (1,) * (x.ndim - 2)


class Prelu(Primitive):
    node_name = 'PreluKernelBackward0'
    saved_attrs = {'self': _sa.saved(0), 'weight': _sa.prelu_weight}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, w):
        wb = w.reshape(_channel_shape(x, w)) if w.size > 1 else w.reshape(())
        ctx.save_for_backward(x, w)
        return ctx.xp.where(x > 0, x, wb * x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        shape = _channel_shape(x._data, w._data) if w.numel() > 1 else ()
        wb = w.reshape(shape)
        pos = x > 0
        if grad_mode._state.enabled:    # recorded, as PyTorch's backward op: both reach g, x and the weight
            gx, gneg = _PreluGrad.apply(g, x, wb)
            gx = gx if ctx.needs_input_grad[0] else None
        else:
            gx = _where(pos, g, g * wb) if ctx.needs_input_grad[0] else None
            gneg = _where(pos, 0.0, g * x) if ctx.needs_input_grad[1] else None
        gw = None
        if ctx.needs_input_grad[1]:
            if w.numel() > 1:
                dims = [d for d in range(x.ndim) if d != 1]
                gw = gneg.sum(dims).reshape(w.shape) if dims else gneg.reshape(w.shape)
            else:
                gw = gneg.sum().reshape(w.shape)
        return gx, gw


class _PreluGrad(Primitive):
    """PReLU's gradients as one recorded op over the saved input, PyTorch's ``_prelu_kernel_backward``:
    ``where(x > 0, g, g * w)`` for the input and ``where(x > 0, 0, g * x)`` (before its reduction to the
    weight's shape) for the weight. Both are linear in ``g``; the first is linear in the (broadcast) weight
    and the second in ``x``; the first has zero derivative in ``x`` and the second in the weight, so a
    gradient of either reaches every input."""
    node_name = 'PreluKernelBackwardBackward0'

    @staticmethod
    def forward(ctx, g, x, w):
        ctx.save_for_backward(g, x, w)
        pos = x > 0
        zero = g.dtype.type(0)
        return (ctx.xp.where(pos, g, g * w).astype(g.dtype, copy=False),
                ctx.xp.where(pos, zero, g * x).astype(g.dtype, copy=False))

    @staticmethod
    def backward(ctx, ggx, ggw):
        g, x, w = ctx.saved_tensors
        need_g, need_x, need_w = ctx.needs_input_grad[:3]
        neg = ~(x > 0)
        d_g = d_x = d_w = None
        if need_g:
            first, second = _PreluGrad.apply(ggx, x, w)[0], _PreluGrad.apply(ggw, x, w)[1]
            d_g = first + second
        if need_x:
            d_x = _where(neg, g * ggw, 0.0)
        if need_w:
            d_w = _where(neg, ggx * g, 0.0).sum_to_size(w.shape)
        return d_g, d_x, d_w


@op('ember', 'F', 'Tensor')
def prelu(input, weight):
    """Applies ``PReLU(x) = max(0, x) + weight * min(0, x)`` elementwise, with a learnable slope per channel.

    Args:
        input (Tensor): the input tensor; its dimension 1 holds the channels.
        weight (Tensor): the slopes: one element, or one per channel.

    Example::

        >>> F.prelu(ember.tensor([[-2.0, 1.0], [3.0, -4.0]]), ember.tensor([0.1, 0.5]))
        tensor([[-0.2000,  1.0000],
                [ 3.0000, -2.0000]])
    """
    if isinstance(input, Tensor) and input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
        _float8.check_kernel('prelu_cpu', input._data.dtype)
    if weight.numel() != 1:
        if input.ndim == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = input.shape[1] if input.ndim >= 2 else 1
        if weight.numel() != channels:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                               f"{weight.numel()} and channel size = {channels}.")
    if weight._requires_grad and grad_mode._state.enabled:
        # as PyTorch's graph: the weight viewed to broadcast along dim 1, (1, C, 1, ...) (a ViewBackward0 node;
        # only where it is recorded: the kernel broadcasts the weight itself)
        shape = (1, weight.numel()) + (1,) * (input.ndim - 2) if input.ndim >= 2 else (1,) * input.ndim
        if tuple(weight.shape) != shape:
            weight = weight.view(shape)
    return Prelu.apply(input, weight)


def _rrelu_noise(input, lower, upper, generator):
    """The per-element slopes of RReLU in training, drawn as PyTorch's CPU kernel draws them: one
    double uniform in ``[lower, upper)`` (``u * (upper - lower) + lower``, the bounds first rounded to
    the computation type) for each non-positive element in order; positive elements get slope 1."""
    import numpy as np
    from ember import backend
    from ember.ops.random import _gen
    if input._device.type == 'meta':    # no values: nothing to draw (the generator is left as it is)
        return Tensor._make(backend.meta_array(input.shape, input._data.dtype), input._device)
    values = backend.to_numpy(input._data)
    np_dtype = values.dtype
    compute = np.float32 if np_dtype.itemsize <= 4 else np.float64   # PyTorch's opmath type
    lo, hi = float(compute(lower)), float(compute(upper))
    negative = values.reshape(-1) <= 0
    noise = np.ones(values.size, dtype=np_dtype)
    count = int(negative.sum())
    if count:
        bits = _gen(generator)._engine.random64(count) & np.uint64((1 << 53) - 1)
        uniform = bits.astype(np.float64) * 2.0 ** -53
        noise[negative] = (uniform * (hi - lo) + lo).astype(compute).astype(np_dtype)
    return Tensor._make(backend.move(noise.reshape(values.shape), input._device), input._device)


def _rrelu(input, lower, upper, training, inplace, generator):
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    if training and input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here, before drawing
        _float8.check_kernel('rrelu_with_noise_out_cpu', input._data.dtype)
    if not training:
        compute = lambda t: leaky_relu(t, (lower + upper) / 2, False)     # noqa: E731
        slopes = None
    else:
        slopes = _rrelu_noise(input, lower, upper, generator)

        def compute(t):
            return t * slopes    # slopes are 1 where t > 0: the gradient is the slope, as PyTorch's
    from ember.ops import _one_node
    noise = None if slopes is None else slopes._data
    if inplace:     # (PyTorch's in-place node keeps the result)
        return _inplace(input, lambda t: _one_node.one_node(RreluWithNoiseOfResult, compute, (t,), lower, upper,
                                                            bool(training), noise))
    return _one_node.one_node(RreluWithNoise, compute, (input,), lower, upper, bool(training), noise)


# rrelu's nodes show the arguments _rrelu_slopes keeps
_RRELU_ARGS = {'lower': _sa.item('args', 0), 'upper': _sa.item('args', 1), 'training': _sa.item('args', 2)}


def _rrelu_slopes(ctx, x, lower, upper, training, noise):
    """rrelu's node state: its arguments, and each element's slope (the drawn ones in training; in evaluation
    ``(lower + upper) / 2`` below zero and 1 above)."""
    ctx.args = (lower, upper, training)
    return noise if noise is not None else ctx.xp.where(x > 0, 1, (lower + upper) / 2).astype(x.dtype)


class RreluWithNoise(Primitive):
    """``rrelu``'s one node, as PyTorch's: the gradient is ``grad`` times each element's slope (the drawn
    ones in training; ``(lower + upper) / 2`` below zero and 1 above in evaluation), kept as ``noise``."""
    node_name = 'RreluWithNoiseBackward0'
    saved_names = ('self', 'noise')
    saved_attrs = {**_RRELU_ARGS, 'self': _sa.saved(0), 'noise': _sa.saved(1)}

    @staticmethod
    def forward(ctx, x, lower, upper, training, noise, value):
        ctx.save_for_backward(x, _rrelu_slopes(ctx, x, lower, upper, training, noise))
        return value

    @staticmethod
    def backward(ctx, g):
        x, noise = ctx.saved_tensors
        if grad_mode._state.enabled:    # recorded: PyTorch's backward op, which reaches x (zero derivative)
            return _RreluGrad.apply(g, x, noise), None, None, None, None, None
        return g * noise, None, None, None, None, None


class _RreluGrad(Primitive):
    """``grad * noise`` as a recorded op over rrelu's saved input (or result): linear in ``grad``, with zero
    derivative in the input, as PyTorch's ``rrelu_with_noise_backward``."""
    node_name = 'RreluWithNoiseBackwardBackward0'

    @staticmethod
    def forward(ctx, g, x, noise):
        ctx.save_for_backward(x, noise)
        return g * noise

    @staticmethod
    def backward(ctx, gg):
        x, noise = ctx.saved_tensors
        need_g, need_x = ctx.needs_input_grad[:2]
        gx = Tensor._make(x._xp.zeros_like(x._data), x._device) if need_x else None
        return (_RreluGrad.apply(gg, x, noise) if need_g else None), gx, None


class RreluWithNoiseOfResult(RreluWithNoise):
    """The in-place rrelu's node (PyTorch's RreluWithNoiseBackward1): the same gradient, keeping the result
    instead of the input the write replaced."""
    node_name = 'RreluWithNoiseBackward1'
    _profile_name = 'aten::rrelu_with_noise_'
    saved_names = ('result', 'noise')
    saved_attrs = {**_RRELU_ARGS, 'result': _sa.saved(0), 'noise': _sa.saved(1)}

    @staticmethod
    def forward(ctx, x, lower, upper, training, noise, value):
        ctx.save_for_backward(value, _rrelu_slopes(ctx, x, lower, upper, training, noise))
        return value


@op('F')
def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky ReLU: in training, each negative element is multiplied by a slope drawn uniformly from
    ``[lower, upper]``; in evaluation, by ``(lower + upper) / 2``.

    Args:
        input (Tensor): the input tensor.
        lower (float, optional): the lowest slope. Default: 1/8.
        upper (float, optional): the highest slope. Default: 1/3.
        training (bool, optional): draw random slopes. Default: ``False``.
        inplace (bool, optional): overwrite ``input``. Default: ``False``.

    Example::

        >>> F.rrelu(ember.tensor([-3.0, 2.0]))
        tensor([-0.6875,  2.0000])
        >>> F.rrelu(ember.tensor([-3.0, -3.0, 2.0]), training=True)
        tensor([-0.9813, -0.8174,  2.0000])
    """
    return _rrelu(input, lower, upper, training, inplace, None)


@op('F')
def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    require_tensor(input)
    return _rrelu(input, lower, upper, training, True, None)


@op('ember.rrelu')
def _torch_rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    """Randomized leaky ReLU: ``x`` where positive, else ``a * x`` with the slope ``a`` drawn from
    ``U(lower, upper)`` per element in training (from ``generator`` or the default one, as
    PyTorch's stream) and ``(lower + upper) / 2`` otherwise.

    Example::

        >>> ember.rrelu(ember.tensor([-2., 3.]))
        tensor([-0.4583,  3.0000])
    """
    return _rrelu(input, lower, upper, training, False, generator)


@op('ember.rrelu_')
def _torch_rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    """In-place :func:`ember.rrelu`.

    Example::

        >>> ember.rrelu_(ember.tensor([-2., 3.]))
        tensor([-0.4583,  3.0000])
    """
    return _rrelu(input, lower, upper, training, True, generator)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    return softmax(-input, dim)


@op('F')
def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """Samples from the Gumbel-softmax distribution; ``hard=True`` returns one-hot samples whose
    gradient is the soft sample's (straight-through).

    Example::

        >>> F.gumbel_softmax(ember.tensor([1.0, 2.0, 3.0]), tau=0.5)
        tensor([5.4419e-04, 3.2693e-02, 9.6676e-01])
        >>> F.gumbel_softmax(ember.tensor([1.0, 2.0, 3.0]), hard=True)
        tensor([0., 0., 1.])
    """
    from ember.ops.creation import empty_like, zeros_like
    if eps != 1e-10:
        _user_warnings.warn("`eps` parameter is deprecated and has no effect.")
    gumbels = -empty_like(logits).exponential_().log()
    y_soft = softmax((logits + gumbels) / tau, dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = zeros_like(logits).scatter(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft
