"""Exact GELU and its derivative on NumPy float arrays, computed in cache-sized chunks.

GELU is ``x * Phi(x)`` with ``Phi(x) = (1 + erf(x / sqrt(2))) / 2``. Written as separate ops, each
step would stream the whole array through memory and allocate a temporary; here every chunk goes
through all the steps while it is in cache, in place where it can. The steps and their order are
those of the op-by-op formula, so the results are the same to the bit. The chunks are independent and
run on ember's threads where ``set_num_threads`` allows several (``_chunk_threads``).
"""
import math

import numpy as np

from ember.ops import _chunk_threads, _erf

SQRT_HALF = math.sqrt(0.5)
INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
_CHUNK = 1 << 15   # elements per chunk: the chunk and its few temporaries stay in the L2 cache


def _flat(x, *others):
    """``x`` (and arrays of its shape) flattened and contiguous, and an output like it."""
    flat = [np.ascontiguousarray(a).reshape(-1) for a in (x, *others)]
    return flat, np.empty(flat[0].shape, flat[0].dtype)


def _cdf(xs):
    """``Phi(xs)``, a new array."""
    e = _erf.erf(xs * SQRT_HALF)
    e += 1
    e *= 0.5
    return e


def gelu(x, keep_cdf=False):
    """``x * Phi(x)`` (as ``0.5 * x * (1 + erf(x / sqrt(2)))``) for a float32 or float64 array;
    with ``keep_cdf``, ``(output, Phi(x))``: the backward then needs no second erf."""
    (flat,), out = _flat(x)
    cdf = np.empty_like(out) if keep_cdf else None

    def chunk(s, e):
        xs = flat[s:e]
        c = _erf.erf(xs * SQRT_HALF)
        c += 1
        if keep_cdf:
            # (1 + erf) / 2 is exact, and so x * ((1 + erf) / 2) is the bits of (x * (1 + erf)) / 2
            kept = np.multiply(c, 0.5, out=cdf[s:e])   # (written where it is kept: no copy)
            np.multiply(kept, xs, out=out[s:e])
            return
        np.multiply(c, xs, out=out[s:e])
        out[s:e] *= 0.5    # exact: the same as halving x first
    _chunk_threads.for_element_chunks(out.size, _CHUNK, chunk)
    if keep_cdf:
        return out.reshape(x.shape), cdf
    return out.reshape(x.shape)


def gelu_backward(g, x, cdf=None):
    """``g * (Phi(x) + x * phi(x))``: the gradient of GELU at ``x`` for the output gradient ``g``
    (``cdf``: ``Phi(x)`` as ``gelu(x, keep_cdf=True)`` gave it, flat)."""
    (flat, gflat), out = _flat(x, g)

    def chunk(s, e):
        xs = flat[s:e]
        slope_into(xs, _cdf(xs) if cdf is None else cdf[s:e], out[s:e])
        out[s:e] *= gflat[s:e]
    _chunk_threads.for_element_chunks(out.size, _CHUNK, chunk)
    return out.reshape(x.shape)


def slope_into(x, cdf, out):
    """GELU's derivative ``Phi(x) + x * phi(x)`` at the 1-d array ``x`` written into ``out`` (``cdf``:
    ``Phi(x)``), in the order ``gelu_backward`` multiplies it by the gradient: a forward that keeps it
    makes the same backward one product."""
    pdf = np.multiply(x, x, out=out)
    pdf *= -0.5
    np.exp(pdf, out=pdf)
    pdf *= INV_SQRT_2PI
    pdf *= x
    pdf += cdf
    return pdf
