"""float32 GELU derivative (exact form) with the bits of PyTorch's x86 CPU backward for contiguous inputs.

PyTorch hands the backward of a contiguous float32 (or bfloat16) GELU input of more than one element to
oneDNN, whose vectorised GELU derivative does not reuse the forward's minimax erf. With ``R = x / sqrt(2)``
it computes ``Q = exp(-R * R)`` with oneDNN's own exp (``2 * 2**(n - 1) * p(r)``, a degree-5 polynomial
in the remainder ``r = y - n * ln 2``, ``n = floor(y * log2(e) + 1/2)``, inputs clamped to float32's exp
range and those below it giving 0), ``erf(R)`` by Abramowitz and Stegun 7.1.26 (``1 - t * r(t) * Q``
with ``t = 1 / (1 + p * |R|)``, its sign restored), and the derivative as
``(R / sqrt(pi) * Q + 1/2) + erf / 2``; the gradient is ``grad * derivative``. Each fused multiply-add
is one rounding: done here in double (the product of two floats is exact there) and rounded to float32,
which is the fused result except where the double sum lands exactly on a float32 midpoint and the exact
sum does not: scripts/check_gelu_backward_midpoints.py tries every float32 input (the steps depend on
``|x|`` only) and finds 1.5 million midpoint sums, none of which rounds differently. ``tests/test_gelu_backward_bits.py`` pins the result against
PyTorch's recorded gradients.
"""
import numpy as np

from ember._random.exact import fma32
from ember.ops import _chunk_threads

_f = np.float32
_d = np.float64


def _c(bits):
    return np.uint32(bits).view(_f)


_ONE, _HALF, _TWO = _f(1), _f(0.5), _f(2)
_LN2 = _c(0x3f317218)
_LOG2E = _c(0x3fb8aa3b)
_EXP_MAX_IN = _c(0x42b17218)      # ln(FLT_MAX): larger inputs are clamped to it
_EXP_MIN_IN = _c(0xc2aeac50)      # ln(FLT_MIN): smaller inputs give 0
_EXP_POLY = [_c(b) for b in (0x3c07cfce, 0x3d2b9d0d, 0x3e2aad40, 0x3efffee3, 0x3f7ffffb)]  # highest first
_AS_P = _c(0x3ea7ba05)            # t = 1 / (1 + p * |R|)
_AS_POLY = [_c(b) for b in (0x3f87dc22, 0xbfba00e3, 0x3fb5f0e3, 0xbe91a98e, 0x3e827906)]  # highest first
_SQRT_HALF = _c(0x3f3504f3)
_INV_SQRT_PI = _c(0x3f106eba)
_EXP_BIAS = np.int32(127)
_SIGN_BIT = np.uint32(0x80000000)
_LOW_BITS = np.uint64(0x1FFFFFFF)      # a double's mantissa bits below float32's
_MIDPOINT = np.uint64(0x10000000)      # ... when the double lies exactly halfway between two floats
_CHUNK = 1 << 15
_LN2_D = np.float64(_LN2)
_AS_P_D = np.float64(_AS_P)

# (scripts/check_gelu_backward_midpoints.py switches this on to collect the inputs whose double sums land
# on a float32 midpoint)
_TRACK_MIDPOINTS = [False, []]    # (that script's switch and the inputs it collects)


class _Scratch:
    """One chunk's double temporaries, allocated once per chunk."""

    def __init__(self, n):
        self.acc = np.empty(n, _d)
        self.var = np.empty(n, _d)
        self.hits = np.zeros(n, bool) if _TRACK_MIDPOINTS[0] else None

    def horner(self, coeffs, var, out):
        """Horner's steps on ``var`` (a float32 array) with ``coeffs`` (highest first), each step
        ``p * var + c`` one fused multiply-add: in double, rounded to float32 (``out``) after every step."""
        n = out.size
        v = self.var[:n]
        v[...] = var
        acc = self.acc[:n]
        np.multiply(v, coeffs[0], out=acc)
        for k, c in enumerate(coeffs[1:]):
            if k:
                acc[...] = out
                acc *= v
            acc += c
            self._note(acc)
            out[...] = acc
        return out

    def fused(self, a, b, c, out):
        """``a * b + c`` rounded once (``a``, ``b`` float32 arrays or numbers, ``c`` a number)."""
        acc = self.acc[:out.size]
        acc[...] = b
        acc *= a
        acc += c
        self._note(acc)
        out[...] = acc
        return out

    def _note(self, acc):
        # (only when looking for double sums on a float32 midpoint: scripts/check_gelu_backward_midpoints.py)
        if self.hits is not None:
            self.hits[:acc.size] |= (acc.view(np.uint64) & _LOW_BITS) == _MIDPOINT


def _exp_of_nonpositive(y, scratch, out, tmp):
    """oneDNN's ``exp(y)`` of a float32 array ``y <= 0`` (here ``-R * R``), written into ``out``."""
    below = y < _EXP_MIN_IN
    np.maximum(y, _EXP_MIN_IN, out=tmp)               # (y <= 0 never reaches the upper clamp)
    n = np.multiply(tmp, _LOG2E)
    n += _HALF
    np.floor(n, out=n)
    # r = y - n * ln 2 is exact in double (n is a small integer), so rounding it once is the fused step
    acc = scratch.acc[:y.size]
    acc[...] = n
    acc *= -_LN2_D
    acc += tmp
    r = np.empty_like(tmp)
    r[...] = acc
    # 2**(n - 1) from its exponent bits; 0 where y was below the range
    scale = n.astype(np.int32)
    scale += _EXP_BIAS - 1
    scale <<= 23
    scale[below] = 0
    p = scratch.horner(_EXP_POLY + [_ONE], r, out)
    p *= scale.view(_f)
    p *= _TWO
    return p


def _derivative_into(x, out):
    """oneDNN's GELU derivative at the 1-d float32 array ``x``, written into ``out``."""
    scratch = _Scratch(x.size)
    r = np.multiply(x, _SQRT_HALF)
    y = np.multiply(r, r)
    np.negative(y, out=y)
    q = np.empty_like(x)
    _exp_of_nonpositive(y, scratch, q, out)
    # T = R / sqrt(pi) * Q
    t_term = np.multiply(r, _INV_SQRT_PI)
    t_term *= q
    # w = 1 / (1 + p * |R|)
    a = np.abs(r, out=y)
    w = scratch.fused(_AS_P_D, a, 1.0, a)
    np.divide(_ONE, w, out=w)
    # -Q * w, the polynomial in w, erf = 1 - Q * w * poly
    np.negative(q, out=q)
    q *= w
    poly = scratch.horner(_AS_POLY, w, out)
    erf = scratch.fused(poly, q, 1.0, q)
    erf.view(np.uint32)[...] ^= r.view(np.uint32) & _SIGN_BIT     # R's sign, as oneDNN applies it
    # (T + 1/2) + erf / 2: erf / 2 is exact, so the fused step is a plain float32 sum
    t_term += _HALF
    erf *= _HALF
    np.add(t_term, erf, out=out)
    if scratch.hits is not None:
        _TRACK_MIDPOINTS[1].append(x[scratch.hits])
    return out


def exact_derivative(x):
    """oneDNN's derivative with every fused step through ``fma32`` (slow; the reference for the rest)."""
    with np.errstate(all='ignore'):
        r = x * _SQRT_HALF
        y = -(r * r)
        below = y < _EXP_MIN_IN
        y = np.maximum(y, _EXP_MIN_IN)
        n = np.floor(y * _LOG2E + _HALF)
        red = fma32(-n, _LN2, y)
        scale = (n.astype(np.int32) + (_EXP_BIAS - 1)) << 23
        scale[below] = 0
        p = np.full(x.shape, _EXP_POLY[0], _f)
        for c in _EXP_POLY[1:] + [_ONE]:
            p = fma32(p, red, c)
        q = (p * scale.view(_f)) * _TWO
        t_term = (r * _INV_SQRT_PI) * q
        w = _ONE / fma32(np.full(x.shape, _AS_P, _f), np.abs(r), _ONE)
        poly = np.full(x.shape, _AS_POLY[0], _f)
        for c in _AS_POLY[1:]:
            poly = fma32(poly, w, c)
        erf = fma32(-q * w, poly, _ONE)
        erf.view(np.uint32)[...] ^= r.view(np.uint32) & _SIGN_BIT
        return fma32(erf, _HALF, t_term + _HALF)


def derivative(x):
    """GELU's derivative at the float32 array ``x`` as oneDNN's backward computes it (flat, contiguous)."""
    flat = np.ascontiguousarray(x).reshape(-1)
    out = np.empty_like(flat)
    with np.errstate(all='ignore'):
        _chunk_threads.for_element_chunks(flat.size, _CHUNK, lambda s, e: _derivative_into(flat[s:e], out[s:e]))
    return out


def derivative_into(x, out):
    """``derivative`` of one chunk ``x`` written into ``out`` (for a forward that keeps it)."""
    with np.errstate(all='ignore'):
        return _derivative_into(x, out)


def gelu_backward(g, x):
    """``g * GELU'(x)`` with oneDNN's bits, for float32 arrays of one shape (``x`` contiguous)."""
    d = derivative(x).reshape(x.shape)
    return np.multiply(g, d, out=d)
