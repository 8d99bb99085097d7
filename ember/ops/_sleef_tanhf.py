"""SLEEF's 1-ulp float32 ``tanh`` (``Sleef_tanhf16_u10``, what ATen's AVX-512 ``Vectorized<float>::tanh``
calls), bit for bit on NumPy arrays.

With ``a = |x|``, ``e = exp(a)`` is computed as a pair of floats (SLEEF's ``expk2f``: ``a = q ln2 + s``
with ``s`` a pair, a degree-6 polynomial in ``s`` whose last steps run in pair arithmetic, scaled by
``2**q`` in two halves), then ``tanh(a) = (e - 1/e) / (e + 1/e)`` in pair arithmetic (reciprocal and
quotient refined by fused multiply-adds), the pair summed; 1 beyond 8.664339742, the sign of ``x``
restored, NaN inputs giving all bits set. Every fused step is rounded once (see ``_exact_fma``, ``fused``);
the rest are float32 sums, products and quotients, correctly rounded in NumPy as in the vector unit.
"""
import numpy as np

from ember._random.exact import _round_to_odd, _two_sum

_f = np.float32
_ONE = _f(1)
_LN2_HI, _LN2_LO = _f(0.693145751953125), _f(1.428606765330187045e-06)
_INV_LN2 = _f(1.442695040888963407359924681001892137426645954152985934135449406931)
_EXP_POLY = [_f(c) for c in (0.1980960224e-3, 0.1394256484e-2, 0.8333456703e-2, 0.4166637361e-1)]
_SIXTH = _f(0.166666659414234244790680580464)
_HALF = _f(0.5)
_SATURATED = _f(8.664339742)     # tanh rounds to 1 beyond it


def _exact_fma(a, b, c):
    """A fused multiply-add whose exact result is a float: the rounding error of a product
    (``c = -fl(a * b)``) or of a reciprocal (``1 - d * fl(1 / d)``). In double both the product and the
    sum are exact, so rounding once to float32 is the fused step."""
    r = np.multiply(a, b, dtype=np.float64)
    r += c
    return r.astype(_f)


_LOW_BITS = np.uint64(0x1FFFFFFF)       # a double's mantissa bits below float32's
_MIDPOINT = np.uint64(0x10000000)       # ... when it lies exactly halfway between two floats
_EXPONENT = np.uint32(0x7F800000)
_NEAR = np.int64(1 << 23)               # 2**-6 of a float32 unit, in units of a double's last place
_TINY_INPUT = _f(2.0 ** -16)             # below it SLEEF's result is often a unit off tanh's rounding


def fused(a, b, c):
    """``a * b + c`` rounded once, for a float32 array ``a`` and float32 ``b``, ``c`` (numbers or arrays
    of ``a``'s shape): the double sum rounded to float32 (the product is exact in double), which is the
    fused result except where that sum lies exactly on a float32 midpoint or is a nonzero below float32's
    normal range; those few elements are rounded to odd in double first. (Exact zeros are exact: a
    double sum is 0 only when it is.)"""
    r = np.multiply(a, b, dtype=np.float64)
    r += c
    out = r.astype(_f)
    suspect = np.bitwise_and(r.view(np.uint64), _LOW_BITS) == _MIDPOINT
    small = np.bitwise_and(out.view(np.uint32), _EXPONENT) == 0
    if small.any():
        suspect |= small & (r != 0)
    if suspect.any():
        # the exact sum's error decides: none, and the double was exact; else it is rounded to odd first,
        # which a second rounding to fewer bits (subnormals' too) turns into the single rounding
        idx = np.flatnonzero(suspect)
        product = np.multiply(a[idx], b[idx] if np.ndim(b) else b, dtype=np.float64)
        total, err = _two_sum(product, np.asarray(c[idx] if np.ndim(c) else c, np.float64))
        out[idx] = _round_to_odd(total, err).astype(_f)
    return out


# pair ("double-float") arithmetic: a value is hi + lo with |lo| far below |hi|

def _add_pair_float(xh, xl, y):
    s = xh + y
    v = s - xh
    return s, ((xh - (s - v)) + (y - v)) + xl


def _add_pairs_any_order(xh, xl, yh, yl):
    s = xh + yh
    v = s - xh
    return s, ((xh - (s - v)) + (yh - v)) + (xl + yl)


def _add_float_pair(x, yh, yl):
    """``x + (yh, yl)`` for ``|x| >= |yh|``."""
    s = x + yh
    return s, ((x - s) + yh) + yl


def _add_pairs(xh, xl, yh, yl):
    """``(xh, xl) + (yh, yl)`` for ``|xh| >= |yh|``."""
    s = xh + yh
    return s, (((xh - s) + yh) + xl) + yl


def _mul_pair_float(xh, xl, y):
    s = xh * y
    return s, fused(xl, y, _exact_fma(xh, y, -s))


def _mul_pairs(xh, xl, yh, yl):
    s = xh * yh
    return s, fused(xh, yl, fused(xl, yh, _exact_fma(xh, yh, -s)))


def _square_pair(xh, xl):
    s = xh * xh
    return s, fused(xh + xh, xl, _exact_fma(xh, xh, -s))


def _reciprocal_pair(dh, dl):
    s = _ONE / dh
    return s, s * fused(-dl, s, _exact_fma(-dh, s, _ONE))


def _divide_pairs(nh, nl, dh, dl):
    t = _ONE / dh
    s = nh * t
    u = _exact_fma(t, nh, -s)
    v = fused(-dl, t, _exact_fma(-dh, t, _ONE))
    return s, fused(s, v, fused(nl, t, u))


def _pow2(q):
    return ((q + 0x7f) << 23).astype(np.int32).view(_f)


def _scale(d, q):
    """``d * 2**q`` in two factors (each a float even where ``2**q`` alone is not)."""
    h = q >> 1
    return (d * _pow2(h)) * _pow2(q - h)


def _exp_pair(a):
    """``exp(a)`` as a pair of floats (SLEEF's ``expk2f`` of ``(a, 0)``, ``a >= 0``)."""
    q = np.rint(a * _INV_LN2).astype(np.int32)
    qf = q.astype(_f)
    sh, sl = _add_pair_float(a, np.zeros_like(a), qf * -_LN2_HI)
    sh, sl = _add_pair_float(sh, sl, qf * -_LN2_LO)
    u = np.full(a.shape, _EXP_POLY[0], _f)
    for c in _EXP_POLY[1:]:
        u = fused(u, sh, c)
    th, tl = _add_pair_float(*_mul_pair_float(sh, sl, u), _SIXTH)
    th, tl = _add_pair_float(*_mul_pairs(sh, sl, th, tl), _HALF)
    th, tl = _add_pairs_any_order(sh, sl, *_mul_pairs(*_square_pair(sh, sl), th, tl))
    th, tl = _add_float_pair(_ONE, th, tl)
    return _scale(th, q), _scale(tl, q)


def tanhf(x):
    """SLEEF's ``tanhf`` (1-ulp) of a float32 array, fast: for ``|x| >= 2**-16`` SLEEF's pair result lies
    within a small fraction of a float32 unit of ``tanh(x)`` (0.014 at most), and its last step rounds
    it, so away from float32's midpoints it is float64's ``tanh`` rounded; the elements whose float64
    ``tanh`` lies within 2**-6 of a unit of a midpoint, and the smaller inputs, are computed step by step
    (``tanhf_steps``). scripts/check_sleef_tanhf.py compares the two on every float32."""
    x = np.asarray(x, _f)
    with np.errstate(all='ignore'):
        wide = np.tanh(x.astype(np.float64))
        y = wide.astype(_f)
        low = np.bitwise_and(wide.view(np.uint64), _LOW_BITS).view(np.int64)
        low -= np.int64(_MIDPOINT)
        near = np.abs(low, out=low) < _NEAR
        near |= np.abs(x) < _TINY_INPUT
        y[np.abs(x) > _SATURATED] = _ONE
        y = np.copysign(y, x, out=y)
        y.view(np.uint32)[np.isnan(x)] = 0xFFFFFFFF     # (SLEEF sets every bit of a NaN input's result)
        if near.any():
            y[near] = tanhf_steps(x[near])
    return y


def tanhf_steps(x):
    """SLEEF's ``tanhf`` (1-ulp) of a float32 array, step by step."""
    x = np.asarray(x, _f)
    with np.errstate(all='ignore'):
        a = np.abs(x)
        eh, el = _exp_pair(a)
        rh, rl = _reciprocal_pair(eh, el)
        nh, nl = _add_pairs(eh, el, -rh, -rl)
        dh, dl = _add_pairs(eh, el, rh, rl)
        qh, ql = _divide_pairs(nh, nl, dh, dl)
        y = qh + ql
        y[(a > _SATURATED) | np.isnan(y)] = _ONE
        y = np.copysign(y, x)
        y.view(np.uint32)[np.isnan(x)] = 0xFFFFFFFF     # (SLEEF sets every bit of a NaN input's result)
    return y
