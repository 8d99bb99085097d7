"""Pointwise formulas as PyTorch's CPU kernels round them.

PyTorch's CPU kernels for ``add(a, b, alpha=)``, ``addcmul`` and ``lerp`` compute a multiply and an
add as one fused multiply-add (a single rounding); done in two roundings, as NumPy would, about a
third of float32 results differ in the last bit, and a training loop drifts away from PyTorch's run.
These helpers give PyTorch's values for the ops themselves and for the optimizers, which apply the
same formulas to raw arrays. Arrays of other dtypes, and device arrays, take the plain formula.

* ``add(a, b, alpha)``: ``fma(b, alpha, a)``, alpha rounded to the dtype first;
* ``addcmul(x, t1, t2, value)``: ``fma(value * t1, t2, x)`` (the product ``value * t1`` rounded);
* ``addcdiv(x, t1, t2, value)``: ``x + (value * t1) / t2`` (a division does not fuse);
* ``lerp(start, end, w)``: for ``|w| < 0.5`` ``fma(w, end - start, start)``, otherwise
  ``fma(w - 1, end - start, end)``: both ends come out exactly.
"""
import numpy as np

from ember._random.exact import fma32, fma64

_FUSED = {np.dtype(np.float32): fma32, np.dtype(np.float64): fma64}


def _fma_for(*arrays):
    """The single-rounding multiply-add for these arrays, or None (other dtypes, device arrays)."""
    first = arrays[0]
    if type(first) is not np.ndarray:
        return None
    fma = _FUSED.get(first.dtype)
    for a in arrays[1:]:
        if type(a) is not np.ndarray or a.dtype != first.dtype:
            return None
    return fma


def add_scaled(a, b, alpha):
    """``a + alpha * b`` as ``add(a, b, alpha=alpha)`` rounds it."""
    if alpha == 1 or alpha == -1:     # the product is exact: one rounding either way
        return a + b if alpha == 1 else a - b
    fma = _fma_for(a, b)
    if fma is None:
        return a + b * alpha
    return fma(b, a.dtype.type(alpha), a)


def addcmul_values(x, t1, t2, value):
    """``x + value * t1 * t2`` as ``addcmul`` rounds it."""
    fma = _fma_for(x, t1, t2)
    if fma is None:
        return x + t1 * t2 if value == 1 else x + (t1 * value) * t2
    return fma(t1 if value == 1 else t1 * x.dtype.type(value), t2, x)


def addcdiv_values(x, t1, t2, value):
    """``x + value * t1 / t2`` as ``addcdiv`` rounds it: the scaled numerator first."""
    return x + t1 / t2 if value == 1 else x + (t1 * value) / t2


def lerp_values(start, end, weight):
    """``lerp(start, end, weight)`` for arrays of one dtype; ``weight`` a number or an array."""
    diff = end - start
    if isinstance(weight, (int, float, complex, np.generic)):
        coeff = diff.dtype.type(weight)
        coeff, base = (coeff, start) if abs(weight) < 0.5 else (coeff - 1, end)
        fma = _fma_for(diff, start)
    else:
        fma = _fma_for(diff, start, weight)
        if fma is None:     # device arrays, mixed dtypes: the plain formula
            return start + weight * diff
        small = np.abs(weight) < 0.5
        coeff = np.where(small, weight, weight - 1)
        base = np.where(small, start, end)
    if fma is None:     # complex values, and device arrays: the same formula in two roundings
        return base + coeff * diff
    return fma(diff, coeff, base)
