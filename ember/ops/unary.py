"""Elementwise functions of one tensor.

Each row gives PyTorch's node name, the forward on arrays and the backward in ember ops;
``_unary`` turns a row into a Primitive, so a new function is one line.
"""
import math

import numpy as np

from ember.autograd import _saved_attrs as _sa
from ember._tensor import Tensor
from ember._dtype import FLOAT8_NUMS
from ember.ops._barebones import NUMS as _BAREBONES, refuse as _refuse
from ember.autograd import grad_mode
from ember.autograd.function import Primitive, unrecorded_unary
from ember.autograd._opmath import ALWAYS
from ember.ops import _argparse, _chunk_threads, _float8, _erf as _erf_np
from ember.ops._registry import op
from ember.ops._quantized_fallback import quantized_or_raise
from ember.ops.inplace import write_out
from ember.numerics import ENABLED as _PYTORCH_BITS


def _unary(node, fwd, bwd, save='x', promote='float', arrays=None, holomorphic=True, opmath=False):
    """A Primitive computing ``fwd(xp, x)`` whose backward is ``bwd(g, x, y)``.

    For complex input a ``holomorphic`` function's gradient is ``g * conj(f'(x))`` (PyTorch's
    convention), computed as ``conj(bwd(conj(g), x, y))`` so each formula is written once.

    ``arrays(xp, g, x, y)``, when given, is the same backward on raw arrays: a first-order
    backward (no graph being built) uses it and skips op dispatch; ``arrays=True`` says ``bwd``'s
    plain arithmetic already works on arrays. ``opmath``: ``fwd`` takes several steps, so half-precision
    inputs run it in float32 and round once (see ember/autograd/_opmath.py).
    """
    fast = bwd if arrays is True else arrays

    def forward(ctx, x):
        y = fwd(ctx.xp, x)
        if save == 'x':
            ctx.save_for_backward(x)
        elif save == 'y':
            ctx.save_for_backward(y)
        elif save == 'xy':
            ctx.save_for_backward(x, y)
        return y

    def backward(ctx, g):
        if holomorphic and g._data.dtype.kind == 'c':
            return real_backward(ctx, g.conj()).conj()
        return real_backward(ctx, g)

    def real_backward(ctx, g):
        saved = ctx.saved_tensors
        if fast is not None and not grad_mode._state.enabled:
            x = saved[0]._data if save in ('x', 'xy') else None
            y = saved[-1]._data if save in ('y', 'xy') else None
            out = fast(ctx.xp, g._data, x, y) if arrays is not True else fast(g._data, x, y)
            return Tensor._make(out, g._device)
        if save == 'x':
            return bwd(g, saved[0], None)
        if save == 'y':
            return bwd(g, None, saved[0])
        if save == 'xy':
            return bwd(g, saved[0], saved[1])
        return bwd(g, None, None)

    name = node.replace('Backward0', '').replace('Backward1', '')
    return type(name, (Primitive,), {'node_name': node, '_promote': promote, '_opmath': ALWAYS if opmath else 0,
                                     'forward': staticmethod(forward), 'backward': staticmethod(backward)})


_WIDE_CHUNK = 1 << 15   # float64 temporaries of this many elements stay in cache


def _via_float64(name):
    """``fwd`` for a function whose float32 results should be PyTorch's: NumPy's own float32 kernels
    for log, exp, tanh, ... are off by an ulp on up to half of all inputs (log10(1000) is
    3.0000002), while the float64 result rounded to float32 is what PyTorch's kernels give on
    (nearly) every input. Other dtypes and devices use the function directly, and so does float32 with
    ``ember.numerics.set_pytorch_bits(False)``: NumPy's vectorized float32 kernels are within 3 ulp of
    the rounded float64 result and 3-7x faster than the trip through float64."""
    np_fn = getattr(np, name)

    def fwd(xp, x):
        if xp is not np or x.dtype != np.float32 or not _PYTORCH_BITS[0]:
            return getattr(xp, name)(x)
        if x.size <= _WIDE_CHUNK:
            return np_fn(x.astype(np.float64)).astype(np.float32)   # (x may be a NumPy scalar)
        flat = np.ascontiguousarray(x).reshape(-1)
        out = np.empty(flat.shape, np.float32)

        def chunk(start, stop):
            # one float64 buffer per chunk, widened into, computed in place and narrowed out of: the
            # chunk's data crosses memory once each way (a fresh result array per chunk cost a third more)
            wide = np.empty(stop - start, np.float64)
            wide[...] = flat[start:stop]
            out[start:stop] = np_fn(wide, out=wide)
        # (independent chunks: on ember's threads where set_num_threads allows several, when each
        # thread gets 8 or more: a chunk takes only 60-90 µs)
        _chunk_threads.for_element_chunks(flat.size, _WIDE_CHUNK, chunk, min_chunks_per_thread=8)
        return out.reshape(x.shape)
    return fwd


def _owned_result(xp, t):
    """Whether ``t``, an array a backward formula has just made, can take a result in place."""
    return xp is np and type(t) is np.ndarray and t.flags.writeable


def _times(xp, g, t):
    """``g * t`` for an array ``t`` the backward made itself: written into ``t`` when that is the array the
    product would be (same dtype and shape), the same multiplication without a fresh array (a
    million-element backward's fresh result costs about as much as the product)."""
    if _owned_result(xp, t) and g.dtype == t.dtype and g.shape == t.shape:
        return xp.multiply(g, t, out=t)
    return g * t


def _negated(xp, t):
    """``-t`` for an array ``t`` the backward made itself, in place."""
    return xp.negative(t, out=t) if _owned_result(xp, t) else -t


def _one_minus(xp, t):
    """``1 - t`` for an array ``t`` the backward made itself, in place."""
    return xp.subtract(1, t, out=t) if _owned_result(xp, t) else 1 - t


Neg = _unary('NegBackward0', lambda xp, x: xp.negative(x), lambda g, x, y: -g, save=None, promote=True, arrays=True)
_exp_float32 = _via_float64('exp')
Exp = _unary('ExpBackward0', _exp_float32, lambda g, x, y: g * y, save='y', arrays=True)
Exp2 = _unary('Exp2Backward0', lambda xp, x: xp.exp2(x), lambda g, x, y: g * y * math.log(2), save='y', arrays=True)
Expm1 = _unary('Expm1Backward0', _via_float64('expm1'), lambda g, x, y: g * (y + 1), save='y', arrays=True)
Log = _unary('LogBackward0', _via_float64('log'), lambda g, x, y: g / x, arrays=True)
Log2 = _unary('Log2Backward0', _via_float64('log2'), lambda g, x, y: g / (x * math.log(2)), arrays=True)
Log10 = _unary('Log10Backward0', _via_float64('log10'), lambda g, x, y: g / (x * math.log(10)), arrays=True)
Log1p = _unary('Log1PBackward0', _via_float64('log1p'), lambda g, x, y: g / (x + 1), arrays=True)
Sqrt = _unary('SqrtBackward0', lambda xp, x: xp.sqrt(x), lambda g, x, y: g / (2 * y), save='y', arrays=True)
Rsqrt = _unary('RsqrtBackward0', lambda xp, x: 1 / xp.sqrt(x), lambda g, x, y: g * -0.5 * y * y * y, save='y', opmath=True,
               arrays=True)
Sin = _unary('SinBackward0', lambda xp, x: xp.sin(x), lambda g, x, y: g * x.cos(),
             arrays=lambda xp, g, x, y: _times(xp, g, xp.cos(x)))
Cos = _unary('CosBackward0', lambda xp, x: xp.cos(x), lambda g, x, y: g * -x.sin(),
             arrays=lambda xp, g, x, y: _times(xp, g, _negated(xp, xp.sin(x))))
Tan = _unary('TanBackward0', _via_float64('tan'), lambda g, x, y: g * (1 + y * y), save='y', arrays=True)
Asin = _unary('AsinBackward0', lambda xp, x: xp.arcsin(x), lambda g, x, y: g / (1 - x * x).sqrt())
Acos = _unary('AcosBackward0', lambda xp, x: xp.arccos(x), lambda g, x, y: -g / (1 - x * x).sqrt())
Atan = _unary('AtanBackward0', _via_float64('arctan'), lambda g, x, y: g / (1 + x * x), arrays=True)
Sinh = _unary('SinhBackward0', _via_float64('sinh'), lambda g, x, y: g * x.cosh())
Cosh = _unary('CoshBackward0', _via_float64('cosh'), lambda g, x, y: g * x.sinh())
Tanh = _unary('TanhBackward0', _via_float64('tanh'), lambda g, x, y: g * (1 - y * y), save='y',
             arrays=lambda xp, g, x, y: _times(xp, g, _one_minus(xp, y * y)))
Asinh = _unary('AsinhBackward0', lambda xp, x: xp.arcsinh(x), lambda g, x, y: g / (x * x + 1).sqrt())
Acosh = _unary('AcoshBackward0', lambda xp, x: xp.arccosh(x), lambda g, x, y: g / (x * x - 1).sqrt())
Atanh = _unary('AtanhBackward0', _via_float64('arctanh'), lambda g, x, y: g / (1 - x * x), arrays=True)
def _sigmoid(xp, x):
    # PyTorch's formula: the negative tail keeps its tiny values (1.9e-22 at -50 in float32), which
    # tanh(x/2)/2 + 1/2 rounds to 0; exp overflowing to inf below about -88 gives exactly 0, as there
    if xp is np and x.dtype == np.float32:
        # each step rounded to float32 as PyTorch's kernel rounds it, exp(-x) as PyTorch's float32 exp
        # (NumPy's float32 exp is an ulp off on many inputs, which moved one sigmoid in six)
        return np.float32(1) / (np.float32(1) + _exp_float32(np, -x))
    return 1 / (1 + xp.exp(-x))


Sigmoid = _unary('SigmoidBackward0', _sigmoid, lambda g, x, y: g * y * (1 - y), save='y', opmath=True,
                  arrays=lambda xp, g, x, y: _times(xp, g * y, 1 - y))
Reciprocal = _unary('ReciprocalBackward0', lambda xp, x: xp.reciprocal(x), lambda g, x, y: -g * y * y, save='y',
                    arrays=True)
Abs = _unary('AbsBackward0', lambda xp, x: xp.abs(x),
             lambda g, x, y: g * (_complex_sign(x) if x.dtype.is_complex else x.sign()), promote=False,
             holomorphic=False)


def _complex_sign(z):
    # z / |z| (0 at 0), differentiable: sign() of a complex tensor has no gradient
    a = z.abs()
    return z * (a + (a == 0).to(a.dtype)).reciprocal()
Erf = _unary('ErfBackward0', lambda xp, x: _erf(xp, x),
             lambda g, x, y: g * (2 / math.sqrt(math.pi)) * (-(x * x)).exp())
Erfc = _unary('ErfcBackward0', lambda xp, x: _erfc(xp, x),
              lambda g, x, y: g * (-2 / math.sqrt(math.pi)) * (-(x * x)).exp())
Erfinv = _unary('ErfinvBackward0', lambda xp, x: _erfinv(xp, x),
                lambda g, x, y: g * (math.sqrt(math.pi) / 2) * (y * y).exp(), save='xy')
Erfinv.saved_attrs = {'self': _sa.saved(0)}  # grad_fn._saved_* (the result is kept too: backward's formula)


def _zero_grad(name):
    """Piecewise-constant functions: defined gradient zero (PyTorch's behaviour)."""
    return lambda xp_fn: _unary(name, xp_fn, lambda g, x, y: g * 0, save=None, promote=False)


Sign = _zero_grad('SignBackward0')(lambda xp, x: xp.sign(x))


def _sgn_grad(g, x, y):
    # a real sign is piecewise constant; z / |z| moves only across the direction of z: the part of g across y,
    # over |z| (0 at 0, as PyTorch)
    if not x.dtype.is_complex:
        return g * 0
    from ember.ops.complex import real
    from ember.ops.index import where
    size = x.abs()
    return where(size == 0, 0, (g - y * real(g * y.conj())) / size.masked_fill(size == 0, 1))


Sgn = _unary('SgnBackward0', lambda xp, x: xp.sign(x), _sgn_grad, save='xy', promote=False, holomorphic=False)
Sgn.saved_attrs = {'result': _sa.saved(1), 'self': _sa.saved(0)}  # grad_fn._saved_*
def _rounding(name):
    """``fwd`` of floor/ceil/trunc/round: integer tensors are returned unchanged (and PyTorch refuses float8)."""
    np_fn = getattr(np, name)

    def fwd(xp, x):
        if x.dtype.kind in 'fV':
            if x.dtype.itemsize == 1:
                _float8.check(name, x.dtype)
            return np_fn(x) if xp is np else getattr(xp, name)(x)
        return x.copy()
    return fwd


Floor = _zero_grad('FloorBackward0')(_rounding('floor'))
Ceil = _zero_grad('CeilBackward0')(_rounding('ceil'))
Trunc = _zero_grad('TruncBackward0')(_rounding('trunc'))
Round = _zero_grad('RoundBackward0')(_rounding('round'))


class RoundDecimals(Primitive):
    """``round(input, decimals=d)`` as PyTorch computes it in the input's precision: ``rint(x * 10**d) / 10**d``,
    and for negative ``d`` ``rint(x / 10**-d) * 10**-d`` (dividing by 100 rounds differently from multiplying by
    0.01). Its own node, ``RoundBackward1``, with the zero gradient of every rounding."""
    _profile_name = 'aten::round'
    node_name = 'RoundBackward1'
    _promote = False
    _opmath = ALWAYS

    @staticmethod
    def forward(ctx, x, decimals):
        xp = ctx.xp
        power = x.dtype.type(10.0 ** (-decimals if decimals < 0 else decimals))   # (abs is the op here)
        if decimals < 0:
            return xp.rint(x / power) * power
        return xp.rint(x * power) / power

    @staticmethod
    def backward(ctx, g):
        return g * 0, None
Frac = _unary('FracBackward0', lambda xp, x: x - xp.trunc(x), lambda g, x, y: g, save=None, promote=False)


def _erf(xp, x):
    if xp is np:
        return _erf_np.erf(x)
    from ember import backend
    if xp is backend.meta_numpy:
        return xp.tanh(x)   # a 'meta' array: any real ufunc gives the result's shape and dtype
    return backend.device_special('erf')(x)


def _erfc(xp, x):
    if xp is np:
        return _erf_np.erfc(x)
    from ember import backend
    if xp is backend.meta_numpy:
        return xp.tanh(x)   # a 'meta' array: any real ufunc gives the result's shape and dtype
    return backend.device_special('erfc')(x)


def _erfinv(xp, x):
    if xp is np:
        return _erf_np.erfinv(x)
    from ember import backend
    if xp is backend.meta_numpy:
        return xp.tanh(x)   # a 'meta' array: any real ufunc gives the result's shape and dtype
    return backend.device_special('erfinv')(x)


@op('ember', 'Tensor', aliases=('negative',), inplace=('Tensor', 'ember'))
def neg(input, *, out=None):
    """Returns a new tensor with the negative of each element of ``input``: ``out = -input``.

    Also available as :func:`ember.negative`.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> a = ember.tensor([0.5, -1.25, 0.0, 3.0])
        >>> ember.neg(a)
        tensor([-0.5000,  1.2500, -0.0000, -3.0000])
    """
    try:
        num = input._data.dtype.num
    except AttributeError:      # not a tensor: PyTorch's argument error for the op called
        _argparse.refuse_from_stack()
        raise
    if num in _BAREBONES:
        raise _refuse('neg_cpu', num)
    if input.dtype.name == 'bool':
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")
    if out is None and input.__class__ is Tensor:
        _result = unrecorded_unary(np.negative, input)   # (Neg's forward, when nothing is recorded)
        if _result is not None:
            return _result
    _result = Neg.apply(input)
    return _result if out is None else write_out('neg', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def exp(input, *, out=None):
    """The exponential of each element: ``out = e ** input``.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.exp(ember.tensor([0., 1., -1.]))
        tensor([1.0000, 2.7183, 0.3679])
    """
    _result = Exp.apply(input)
    return _result if out is None else write_out('exp', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def exp2(input, *, out=None):
    r"""Computes ``2 ** x`` for each element.

    Also available as ``ember.special.exp2``.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> ember.exp2(ember.tensor([0., 2., -1.]))
        tensor([1.0000, 4.0000, 0.5000])
    """
    _result = Exp2.apply(input)
    return _result if out is None else write_out('exp2', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def expm1(input, *, out=None):
    r"""Computes ``exp(x) - 1`` for each element.

    More accurate than ``exp(x) - 1`` for small ``x``. Also available as ``ember.special.expm1``.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> ember.expm1(ember.tensor([0., 1.]))
        tensor([0.0000, 1.7183])
    """
    _result = Expm1.apply(input)
    return _result if out is None else write_out('expm1', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def log(input, *, out=None):
    """The natural logarithm of each element (``nan`` below zero, ``-inf`` at zero).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.log(ember.tensor([1., 4., 0.]))
        tensor([0.0000, 1.3863,   -inf])
    """
    _result = Log.apply(input)
    return _result if out is None else write_out('log', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def log2(input, *, out=None):
    """The base-2 logarithm of each element (``nan`` below zero, ``-inf`` at zero).

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.log2(ember.tensor([1.0, 2.0, 8.0, 0.5]))
        tensor([ 0.,  1.,  3., -1.])
    """
    _result = Log2.apply(input)
    return _result if out is None else write_out('log2', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def log10(input, *, out=None):
    """The base-10 logarithm of each element (``nan`` below zero, ``-inf`` at zero).

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.log10(ember.tensor([1.0, 10.0, 1000.0, 0.1]))
        tensor([ 0.,  1.,  3., -1.])
    """
    _result = Log10.apply(input)
    return _result if out is None else write_out('log10', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def log1p(input, *, out=None):
    r"""Computes ``log(1 + x)`` for each element.

    More accurate than ``log(1 + x)`` for small ``x``. Also available as ``ember.special.log1p``.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> ember.log1p(ember.tensor([0., -0.5, 1.]))
        tensor([ 0.0000, -0.6931,  0.6931])
    """
    _result = Log1p.apply(input)
    return _result if out is None else write_out('log1p', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def sqrt(input, *, out=None):
    """The square root of each element (``nan`` below zero).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.sqrt(ember.tensor([4., 2., -1.]))
        tensor([2.0000, 1.4142,    nan])
    """
    _result = Sqrt.apply(input)
    return _result if out is None else write_out('sqrt', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def rsqrt(input, *, out=None):
    """The reciprocal of the square root of each element: ``out = 1 / sqrt(input)``.

    Zero gives ``inf`` and negative values give ``nan``.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.rsqrt(ember.tensor([4.0, 0.25, 1.0, 0.0]))
        tensor([0.5000, 2.0000, 1.0000,    inf])
    """
    _result = Rsqrt.apply(input)
    return _result if out is None else write_out('rsqrt', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def sin(input, *, out=None):
    """The sine of each element (in radians).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.sin(ember.tensor([0., math.pi / 2]))
        tensor([0., 1.])
    """
    _result = Sin.apply(input)
    return _result if out is None else write_out('sin', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def cos(input, *, out=None):
    """The cosine of each element (in radians).

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.cos(ember.tensor([0., math.pi]))
        tensor([ 1., -1.])
    """
    _result = Cos.apply(input)
    return _result if out is None else write_out('cos', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def tan(input, *, out=None):
    """The tangent of each element (in radians).

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.tan(ember.tensor([0.0, 0.5, -1.0, 1.5]))
        tensor([ 0.0000,  0.5463, -1.5574, 14.1014])
    """
    _result = Tan.apply(input)
    return _result if out is None else write_out('tan', _result, out)


@op('ember', 'Tensor', aliases=('arcsin',), inplace=('Tensor', 'ember'))
def asin(input, *, out=None):
    """The arcsine of each element, in radians; ``nan`` outside ``[-1, 1]``.

    Also available as :func:`ember.arcsin`.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.asin(ember.tensor([0.0, 0.5, -1.0, 2.0]))
        tensor([ 0.0000,  0.5236, -1.5708,     nan])
    """
    _result = Asin.apply(input)
    return _result if out is None else write_out('asin', _result, out)


@op('ember', 'Tensor', aliases=('arccos',), inplace=('Tensor', 'ember'))
def acos(input, *, out=None):
    """The arccosine of each element, in radians; ``nan`` outside ``[-1, 1]``.

    Also available as :func:`ember.arccos`.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.acos(ember.tensor([1.0, 0.5, -1.0, 0.0]))
        tensor([0.0000, 1.0472, 3.1416, 1.5708])
    """
    _result = Acos.apply(input)
    return _result if out is None else write_out('acos', _result, out)


@op('ember', 'Tensor', aliases=('arctan',), inplace=('Tensor', 'ember'))
def atan(input, *, out=None):
    """The arctangent of each element, in radians (between ``-pi/2`` and ``pi/2``).

    Also available as :func:`ember.arctan`. For the angle of a point ``(x, y)`` use :func:`ember.atan2`.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.atan(ember.tensor([0.0, 1.0, -1.0, 100.0]))
        tensor([ 0.0000,  0.7854, -0.7854,  1.5608])
    """
    _result = Atan.apply(input)
    return _result if out is None else write_out('atan', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def sinh(input, *, out=None):
    """The hyperbolic sine of each element.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.sinh(ember.tensor([0.0, 1.0, -2.0]))
        tensor([ 0.0000,  1.1752, -3.6269])
    """
    _result = Sinh.apply(input)
    return _result if out is None else write_out('sinh', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def cosh(input, *, out=None):
    """The hyperbolic cosine of each element.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.cosh(ember.tensor([0.0, 1.0, -2.0]))
        tensor([1.0000, 1.5431, 3.7622])
    """
    _result = Cosh.apply(input)
    return _result if out is None else write_out('cosh', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def tanh(input, *, out=None):
    """The hyperbolic tangent of each element.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.tanh(ember.tensor([-2., 0., 2.]))
        tensor([-0.9640,  0.0000,  0.9640])
    """
    try:
        _result = Tanh.apply(input)
    except NotImplementedError as error:
        if out is not None:     # no quantized kernel writes into an out= tensor
            raise
        return quantized_or_raise(error, 'tanh', input)
    return _result if out is None else write_out('tanh', _result, out)


@op('ember', 'Tensor', aliases=('arcsinh',), inplace=('Tensor', 'ember'))
def asinh(input, *, out=None):
    """The inverse hyperbolic sine of each element.

    Also available as :func:`ember.arcsinh`.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.asinh(ember.tensor([0.0, 1.0, -2.0, 10.0]))
        tensor([ 0.0000,  0.8814, -1.4436,  2.9982])
    """
    _result = Asinh.apply(input)
    return _result if out is None else write_out('asinh', _result, out)


@op('ember', 'Tensor', aliases=('arccosh',), inplace=('Tensor', 'ember'))
def acosh(input, *, out=None):
    """The inverse hyperbolic cosine of each element; ``nan`` below 1.

    Also available as :func:`ember.arccosh`.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.acosh(ember.tensor([1.0, 1.5, 2.0, 10.0]))
        tensor([0.0000, 0.9624, 1.3170, 2.9932])
    """
    _result = Acosh.apply(input)
    return _result if out is None else write_out('acosh', _result, out)


@op('ember', 'Tensor', aliases=('arctanh',), inplace=('Tensor', 'ember'))
def atanh(input, *, out=None):
    """The inverse hyperbolic tangent of each element; ``inf`` at ``±1`` and ``nan`` beyond.

    Also available as :func:`ember.arctanh`.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.atanh(ember.tensor([0.0, 0.5, -0.9, 1.0]))
        tensor([ 0.0000,  0.5493, -1.4722,     inf])
    """
    _result = Atanh.apply(input)
    return _result if out is None else write_out('atanh', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def sigmoid(input, *, out=None):
    """The logistic sigmoid of each element: ``1 / (1 + exp(-input))``.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.sigmoid(ember.tensor([-1., 0., 1.]))
        tensor([0.2689, 0.5000, 0.7311])
    """
    try:
        _result = Sigmoid.apply(input)
    except NotImplementedError as error:
        if out is not None:     # no quantized kernel writes into an out= tensor
            raise
        return quantized_or_raise(error, 'sigmoid', input)
    return _result if out is None else write_out('sigmoid', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def reciprocal(input, *, out=None):
    """The reciprocal ``1 / input`` of each element. Integer inputs give floating-point results.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.reciprocal(ember.tensor([2.0, -0.5, 4.0, 0.0]))
        tensor([ 0.5000, -2.0000,  0.2500,     inf])
        >>> ember.reciprocal(ember.tensor([1, 2, 4]))
        tensor([1.0000, 0.5000, 0.2500])
    """
    _result = Reciprocal.apply(input)
    return _result if out is None else write_out('reciprocal', _result, out)


@op('ember', 'Tensor', aliases=('absolute',), inplace=('Tensor', 'ember'))
def abs(input, *, out=None):
    """The absolute value of each element.

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.abs(ember.tensor([-1, 2, -3]))
        tensor([1, 2, 3])
    """
    try:
        num = input._data.dtype.num
    except AttributeError:      # not a tensor: PyTorch's argument error for the op called
        _argparse.refuse_from_stack()
        raise
    if num in _BAREBONES:
        if num not in FLOAT8_NUMS:
            raise _refuse('abs_cpu', num)
        _float8.check('abs', input._data.dtype)     # (PyTorch refuses float8_e8m0fnu only)
    _result = Abs.apply(input)
    return _result if out is None else write_out('abs', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def erf(input, *, out=None):
    r"""Computes the error function of each element.

    Also available as ``ember.special.erf``.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> ember.erf(ember.tensor([0., -1., 10.]))
        tensor([ 0.0000, -0.8427,  1.0000])
    """
    _result = Erf.apply(input)
    return _result if out is None else write_out('erf', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def erfc(input, *, out=None):
    r"""Computes the complementary error function ``1 - erf(x)`` of each element.

    It keeps its precision for large ``x``, where ``1 - erf(x)`` would round to zero. Also available as
    ``ember.special.erfc``.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> ember.erfc(ember.tensor([0., -1., 3.]))
        tensor([1.0000e+00, 1.8427e+00, 2.2090e-05])
    """
    _result = Erfc.apply(input)
    return _result if out is None else write_out('erfc', _result, out)


@op('ember', 'Tensor', inplace=True)
def erfinv(input, *, out=None):
    r"""Computes the inverse error function of each element.

    Defined on ``[-1, 1]``: ``-1`` and ``1`` map to ``-inf`` and ``inf``, and values outside give NaN.
    Also available as ``ember.special.erfinv``.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> ember.erfinv(ember.tensor([0., 0.5, -1.]))
        tensor([0.0000, 0.4769,   -inf])
    """
    _result = Erfinv.apply(input)
    return _result if out is None else write_out('erfinv', _result, out)


@op('ember', 'Tensor', inplace=True)
def sign(input, *, out=None):
    """The sign of each element: ``-1``, ``0`` or ``1`` (``nan`` stays ``nan``).

    ``ember.sgn`` is the same for real tensors and also takes complex ones.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.sign(ember.tensor([0.7, -1.2, 0.0, 2.3]))
        tensor([ 1., -1.,  0.,  1.])
    """
    if input.dtype.is_complex:
        raise NotImplementedError("Unlike NumPy, torch.sign is not intended to support complex numbers. Please use "
                                  "torch.sgn instead.")
    if input.dtype.name == 'bool':  # NumPy has no sign for bool; PyTorch returns the values
        _result = input.clone()
        return _result if out is None else write_out('sign', _result, out)
    _result = Sign.apply(input)
    return _result if out is None else write_out('sign', _result, out)


@op('ember', 'Tensor', inplace=True)
def sgn(input, *, out=None):
    """The sign of each element, extended to complex numbers: ``z / |z|`` (``0`` at ``0``); for real tensors
    the same as :func:`ember.sign`. Complex inputs are differentiable (the gradient turns ``z``'s direction).

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.sgn(ember.tensor([3 + 4j, 0j, -2 + 0j]))
        tensor([ 0.6000+0.8000j,  0.0000+0.0000j, -1.0000+0.0000j])
        >>> ember.sgn(ember.tensor([0.7, -1.2, 0.0]))
        tensor([ 1., -1.,  0.])
    """
    if input.dtype.name == 'bool':
        _result = input.clone()
        return _result if out is None else write_out('sgn', _result, out)
    _result = Sgn.apply(input)
    return _result if out is None else write_out('sgn', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def floor(input, *, out=None):
    """Rounds each element down to the largest integer not above it. Integer tensors are returned unchanged.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.floor(ember.tensor([-0.5, 1.5, 2.0, -2.7]))
        tensor([-1.,  1.,  2., -3.])
    """
    _result = Floor.apply(input)
    return _result if out is None else write_out('floor', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def ceil(input, *, out=None):
    """Rounds each element up to the smallest integer not below it. Integer tensors are returned unchanged.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.ceil(ember.tensor([-0.5, 1.5, 2.0, -2.7]))
        tensor([-0.,  2.,  2., -2.])
    """
    _result = Ceil.apply(input)
    return _result if out is None else write_out('ceil', _result, out)


@op('ember', 'Tensor', aliases=('fix',), inplace=('Tensor', 'ember'))
def trunc(input, *, out=None):
    """Rounds each element toward zero (drops the fractional part).

    Also available as :func:`ember.fix`.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.trunc(ember.tensor([-0.5, 1.5, 2.0, -2.7]))
        tensor([-0.,  1.,  2., -2.])
    """
    _result = Trunc.apply(input)
    return _result if out is None else write_out('trunc', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def frac(input, *, out=None):
    """The fractional part of each element: ``input - trunc(input)`` (same sign as ``input``).

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.frac(ember.tensor([1.25, -2.5, 3.0]))
        tensor([ 0.2500, -0.5000,  0.0000])
    """
    _result = Frac.apply(input)
    return _result if out is None else write_out('frac', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def round(input, *, decimals=0, out=None):
    r"""Rounds each element to the nearest integer, or to ``decimals`` decimal places.

    Halfway cases round to the nearest even value. Also available as ``ember.special.round``.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        decimals (int, optional): the number of decimal places; negative values round to tens, hundreds and so on. Default: ``0``.
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> x = ember.tensor([0.5, 1.5, 2.25, 7.])
        >>> ember.round(x)
        tensor([0., 2., 2., 7.])
        >>> ember.round(x, decimals=1)
        tensor([0.5000, 1.5000, 2.2000, 7.0000])
    """
    if decimals:
        if input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
            _float8.check('round_decimals', input._data.dtype)
        if not input.is_floating_point():
            # PyTorch's kernel for decimals is defined for floating types only
            from ember._tensor import _scalar_type_name
            raise NotImplementedError(f'"round_cpu" not implemented for \'{_scalar_type_name(input.dtype)}\'')
        _result = RoundDecimals.apply(input, decimals)
        return _result if out is None else write_out('round', _result, out)
    _result = Round.apply(input)
    return _result if out is None else write_out('round', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def logit(input, eps=None, *, out=None):
    r"""Computes the logit ``log(p / (1 - p))`` of each element.

    With ``eps`` given, inputs are first clamped to ``[eps, 1 - eps]``, which keeps the result finite
    at ``0`` and ``1``. Also available as ``ember.special.logit``.

    Args:
        input (Tensor): the input tensor.
        eps (float, optional): the clamping bound. Default: ``None`` (no clamping).

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> p = ember.tensor([0.5, 0., 1.])
        >>> ember.logit(p)
        tensor([0., -inf, inf])
        >>> ember.logit(p, eps=0.25)
        tensor([ 0.0000, -1.0986,  1.0986])
    """
    if input.dtype.is_floating_point:
        _result = Logit.apply(input, eps)
    else:
        if eps is not None:
            input = input.clamp(eps, 1 - eps)
        _result = (input / (1 - input)).log()
    return _result if out is None else write_out('logit', _result, out)


_log = _via_float64('log')


class Logit(Primitive):
    node_name = 'LogitBackward0'
    saved_attrs = {'eps': _sa.field('eps'), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, eps):
        xp = ctx.xp
        if x.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
            _float8.check('logit', x.dtype)
        ctx.save_for_backward(x)
        ctx.eps = eps
        if eps is not None:
            x = xp.minimum(xp.maximum(x, eps), 1 - eps)
        return _log(xp, x / (1 - x))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        eps = ctx.eps
        gx = g / (x * (1 - x))
        if eps is None:
            return gx, None
        from ember.ops.index import where
        # outside [eps, 1 - eps] the input was clamped: no gradient
        return where((x < eps) | (x > 1 - eps), 0.0, gx), None


@op('ember', 'Tensor', inplace=('Tensor', 'ember'), guard=True)
def sinc(input, *, out=None):
    r"""Computes the normalized sinc function ``sin(pi * x) / (pi * x)``.

    At ``x = 0`` the result is ``1``, the limit. Also available as ``ember.special.sinc``.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> ember.sinc(ember.tensor([0., 0.5, 1.5]))
        tensor([ 1.0000,  0.6366, -0.2122])
    """
    if input.dtype.is_floating_point:
        _result = Sinc.apply(input)
    else:
        from ember.ops.index import where
        px = input * math.pi
        _result = where(input == 0, 1.0, px.sin() / where(input == 0, 1.0, px))
    return _result if out is None else write_out('sinc', _result, out)


class Sinc(Primitive):
    node_name = 'SincBackward0'
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    def forward(ctx, x):
        xp = ctx.xp
        ctx.save_for_backward(x)
        zero = x == 0
        px = x * math.pi
        return xp.where(zero, x.dtype.type(1), xp.sin(px) / xp.where(zero, x.dtype.type(1), px))

    @staticmethod
    def backward(ctx, g):
        from ember.ops.index import where
        x, = ctx.saved_tensors
        zero = x == 0
        px = where(zero, 1.0, x) * math.pi
        # d/dx sin(pi x) / (pi x) = (pi x cos(pi x) - sin(pi x)) / (pi x^2); 0 at x = 0
        return where(zero, 0.0, g * (px * px.cos() - px.sin()) / (px * px) * math.pi)
