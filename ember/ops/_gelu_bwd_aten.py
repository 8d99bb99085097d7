"""float32 GELU derivative (exact form) with the bits of ATen's own CPU kernel: the backward PyTorch runs
where oneDNN does not take it (a single element, or an input that is not contiguous).

ATen's TensorIterator walks the gradient and the input together in one order (the dimensions sorted by
their strides, the output gradient's first: it is the first operand), merging dimensions where both
are dense. Each innermost run where both are dense goes through the vectorised loop: blocks of 32
elements (two AVX-512 vectors) compute ``grad * fma(x, pdf, cdf)`` with ``cdf = (1 + erf(x / sqrt(2))) / 2``
by ATen's vectorised erf and ``pdf = c * exp(-x * x / 2)`` by SLEEF's ``expf`` (the compiler fuses
``x * pdf + cdf``); the run's last elements, and every element of a run where either is strided, go
through the scalar loop: the C library's ``erff`` and ``expf``, products and sums rounded one by one.
float16 and bfloat16 go the same way in float32 (loaded exactly, the result rounded once), with blocks of
64 elements (two vectors of 32 halves) whose ``x * pdf + cdf`` is not fused.
"""
import math

import numpy as np

from ember._formats import iteration_perm
from ember._random.exact import fma32
from ember.ops import _gelu_f32, _libm_float32

_f = np.float32
_ALPHA = _f(math.sqrt(0.5))
_BETA = _f(2 / math.sqrt(math.pi) * math.sqrt(0.5) * 0.5)
_ONE, _HALF, _MINUS_HALF = _f(1), _f(0.5), _f(-0.5)
BLOCK = 32           # elements per vectorised step: two vectors of 16 floats
HALF_BLOCK = 64      # ... of 32 float16/bfloat16 values
_GRAIN = 32768       # ATen's default grain: smaller tensors run on one thread


def _iteration_order(g, x):
    """The flat C-order positions of the elements in the order ATen visits them, the length of the
    innermost run, and whether both operands are dense along it."""
    keep = [d for d in range(x.ndim) if x.shape[d] != 1]
    shape = [x.shape[d] for d in keep]
    operands = [[a.strides[d] // a.itemsize for d in keep] for a in (g, x)]
    # ATen's order of the dimensions: the first operand whose strides differ decides
    perm = iteration_perm(shape, operands)      # innermost first
    # merge the innermost dimensions while every operand is dense across them
    run = shape[perm[0]] if perm else 1
    dense = bool(perm) and all(strides[perm[0]] == 1 for strides in operands)
    for k in range(1, len(perm)):
        inner, outer = perm[k - 1], perm[k]
        if not all(strides[inner] * shape[inner] == strides[outer] for strides in operands):
            break
        run *= shape[outer]
    positions = np.arange(x.size).reshape(shape).transpose(perm[::-1]).reshape(-1)
    return positions, run, dense


def vector_mask(g, x, threads, block=BLOCK):
    """Which elements (flat, C order) ATen's vectorised loop computes, ``block`` at a time."""
    n = x.size
    if x.flags.c_contiguous and g.flags.c_contiguous:
        positions, run, dense = None, n, True      # one run in C order (no positions to work out)
    else:
        positions, run, dense = _iteration_order(g, x)
    mask = np.zeros(n, bool)
    if not dense:
        return mask
    bounds = [(0, n)]
    n_threads = threads()
    if n > _GRAIN and n_threads > 1:
        used = min(n_threads, -(-n // _GRAIN))
        step = -(-n // used)
        bounds = [(b, min(n, b + step)) for b in range(0, n, step)]
    in_order = mask if positions is None else np.zeros(n, bool)
    for lo, hi in bounds:
        s = lo
        while s < hi:
            e = min(hi, (s // run + 1) * run)
            in_order[s:s + (e - s) // block * block] = True
            s = e
    if positions is not None:
        mask[positions] = in_order
    return mask


def gelu_backward(g, x, threads, half=False):
    """``g * GELU'(x)`` for float32 arrays of one shape as ATen's kernel computes it (``threads()``:
    the intra-op thread count, which decides where the work is cut; ``half``: the values are float16 or
    bfloat16 widened, which ATen's kernel for those types computes), a C-contiguous array."""
    vec = vector_mask(g, x, threads, HALF_BLOCK if half else BLOCK)
    xf = np.ascontiguousarray(x).reshape(-1)
    gf = np.ascontiguousarray(g).reshape(-1)
    out = np.empty_like(xf)
    with np.errstate(all='ignore'):
        if vec.any():
            xv = xf[vec]
            cdf = _HALF * (_ONE + _gelu_f32._vector_erf(xv * _ALPHA))
            pdf = _BETA * _gelu_f32._sleef_expf(xv * xv * _MINUS_HALF)
            out[vec] = gf[vec] * (cdf + xv * pdf if half else fma32(xv, pdf, cdf))
        if not vec.all():
            scalar = ~vec
            xs = xf[scalar]
            cdf = _HALF * (_ONE + _libm_float32.erff(xs * _ALPHA))
            pdf = _BETA * _libm_float32.expf(xs * xs * _MINUS_HALF)
            out[scalar] = gf[scalar] * (cdf + xs * pdf)
    return out.reshape(x.shape)
