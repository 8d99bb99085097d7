"""Exact GELU on float32 NumPy arrays without PyTorch's bits (``set_pytorch_bits(False)``).

GELU is ``x * Phi(x)``, ``Phi`` the standard normal distribution function. The op-by-op formula
``0.5 * x * (1 + erf(x / sqrt(2)))`` spends most of its passes on steps a direct fit of ``Phi`` does not
need: scaling ``x``, shifting ``x^2`` onto erf's interval, and, for every chunk, finding the elements
beyond erf's inner piece. Here (tables from ``scripts/fit_gelu_cdf.py``):

* ``|x| < 2``, most of a network's activations: ``Phi(x) = 1/2 + x * P(x^2)``, P of degree 7 in
  monomial form, so that Horner's scheme runs on ``x^2`` itself: 19 passes over each cache-sized chunk.
* ``|x| >= 2``, gathered once for the whole array: ``Phi(-|x|) = exp(-x^2 / 2) * R(s)``, and
  ``Phi(|x|) = 1 - Phi(-|x|)``; beyond ``|x| = 4 sqrt(2)`` ``Phi`` rounds to 1 (or, on the left, its
  product with ``x`` to -0, as PyTorch's kernel gives). Infinities give NaN, as PyTorch's kernel does.

For the backward the forward keeps GELU's derivative ``Phi(x) + x phi(x)`` (five more passes while the
chunk is in cache), so that the first-order backward is a single product with the output gradient.

The results are within a few float32 roundings of the exact GELU (as PyTorch's are), not PyTorch's bits.
"""
import math

import numpy as np

from ember.ops import _chunk_threads



def _const(value):
    """A read-only 0-d float32 array: NumPy takes one as an operand faster than a float32 scalar (which it
    converts to such an array at every call), and these kernels make hundreds of calls."""
    a = np.array(value, np.float32)
    a.flags.writeable = False
    return a


def _table(values):
    return tuple(_const(v) for v in values)


_CHUNK = 1 << 15   # elements per chunk: the chunk and its temporaries stay in the L2 cache
_INNER_LIMIT = _const(4)          # x^2 below it: the inner polynomial
_V_MAX = 4 * math.sqrt(2)         # Phi(x) rounds to 1 beyond
INV_SQRT_2PI = _const(1 / math.sqrt(2 * math.pi))
_HALF, _MINUS_HALF, _ONE = _const(0.5), _const(-0.5), _const(1)
_MINUS_HALF_LOG2E = _const(-0.5 / math.log(2))   # exp(-u / 2) as exp2(u * this): NumPy's exp2 is twice as fast

# |x| < 2: (Phi(x) - 1/2) / x as a polynomial in u = x^2 (degree 7, relative error 8.75e-9)
_INNER = _table((
    -1.7529151429832798824e-8,
    5.3492059126922298394e-7,
    -9.035331667733671771e-6,
    1.1470146274180492077e-4,
    -1.1866019394024209816e-3,
    9.9731997842548269238e-3,
    -6.6490312596327187895e-2,
    3.989422782964816292e-1,
))
# 2 <= v <= 4 sqrt(2): Phi(-v) * exp(v^2 / 2) in s = (2 v - (2 + V_MAX)) / (V_MAX - 2) (degree 11, relative
# error 5.07e-9)
_TAIL = _table((
    -1.6759592077364521504e-6,
    5.4175813829610296506e-6,
    -1.2119608333408463047e-5,
    3.6832057324595920493e-5,
    -1.1475370029906068187e-4,
    3.3266389085896927424e-4,
    -9.3439020066665961174e-4,
    2.5518558759294121423e-3,
    -6.7411705835507362048e-3,
    1.7168401224979244643e-2,
    -4.1997026072746935135e-2,
    9.8205694115803675849e-2,
))
_TAIL_SCALE = _const(2 / (_V_MAX - 2))
_TAIL_SHIFT = _const((2 + _V_MAX) / (_V_MAX - 2))


def _horner_into(coeffs, u, out):
    """The polynomial with ``coeffs`` (highest degree first) at ``u``, written into ``out`` (not ``u``)."""
    r = np.multiply(u, coeffs[0], out=out)
    r += coeffs[1]
    for c in coeffs[2:]:
        r *= u
        r += c
    return r


def _outer(x, with_slope):
    """``Phi(x)`` (and, ``with_slope``, the derivative ``Phi(x) + x phi(x)``) for a flat array of ``|x| >= 2``
    (NaN for infinities, as PyTorch's kernel gives)."""
    v = np.abs(x)
    s = np.minimum(v, np.float32(_V_MAX))
    s *= _TAIL_SCALE
    s -= _TAIL_SHIFT
    tail = _horner_into(_TAIL, s, np.empty_like(s))
    with np.errstate(under='ignore'):
        e = np.multiply(v, v)
        e *= _MINUS_HALF
        np.exp(e, out=e)              # exp(-x^2 / 2)
    tail *= e
    tail[v > _V_MAX] = 0              # (its product with x rounds to -0 in PyTorch's kernel)
    cdf = np.where(x > 0, _ONE - tail, tail)
    cdf[np.isinf(v)] = np.nan
    if not with_slope:
        return cdf, None
    e *= INV_SQRT_2PI
    with np.errstate(invalid='ignore'):   # (0 * inf: NaN, as the slope at the infinities is)
        e *= x
    e += cdf
    return cdf, e


def gelu(x, keep_slope=False):
    """GELU of a float32 array; with ``keep_slope``, ``(output, slope)``: the slope is GELU's derivative
    ``Phi(x) + x phi(x)`` (flat), computed while ``x^2`` is in cache, so that the backward is one product."""
    flat = np.ascontiguousarray(x).reshape(-1)
    out = np.empty_like(flat)
    cdf = np.empty_like(flat)
    slope = np.empty_like(flat) if keep_slope else None
    outer = np.empty(flat.shape, bool)

    def chunk(s, e):
        xs, o, c = flat[s:e], out[s:e], cdf[s:e]
        u = np.multiply(xs, xs, out=o)                    # (out holds x^2 until the last step)
        np.greater_equal(u, _INNER_LIMIT, out=outer[s:e])  # NaN compares False: it stays NaN here
        _horner_into(_INNER, u, c)
        c *= xs
        c += _HALF
        if keep_slope:
            d = np.multiply(u, _MINUS_HALF_LOG2E, out=slope[s:e])
            np.exp2(d, out=d)
            d *= INV_SQRT_2PI
            d *= xs
            d += c
        np.multiply(c, xs, out=o)
    with np.errstate(under='ignore'):                     # (exp(-x^2 / 2) of large x)
        _chunk_threads.for_element_chunks(flat.size, _CHUNK, chunk)
    idx = np.flatnonzero(outer)
    if idx.size:
        v = flat.take(idx)
        c, d = _outer(v, keep_slope)
        if keep_slope:
            slope[idx] = d
        out[idx] = np.multiply(c, v, out=c)
    out = out.reshape(x.shape)
    return (out, slope) if keep_slope else out


def slope(x):
    """GELU's derivative at ``x`` as ``gelu(x, keep_slope=True)`` keeps it (flat), for a backward without a
    kept one."""
    return gelu(x, keep_slope=True)[1]
