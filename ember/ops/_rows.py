"""Reductions along the short last axis of a contiguous ``(rows, n)`` NumPy array.

NumPy's reductions along a last axis of a few dozen to a few hundred elements (attention's rows,
a transformer's features) cost several times a pass over the data; a row sum is instead one BLAS
matrix-vector product with a vector of ones, and a row maximum is the element ``argmax`` picks
(NumPy's ``argmax`` along such an axis runs several times faster than its ``max``). The sums are
BLAS's, so they round differently from NumPy's pairwise sums (as PyTorch's own differ from both).
"""
import numpy as np

_ONES = {}


def ones(n, dtype):
    """A read-only vector of ``n`` ones of ``dtype``, made once per (n, dtype)."""
    key = (n, dtype)
    vec = _ONES.get(key)
    if vec is None:
        vec = _ONES[key] = np.ones(n, dtype)
        vec.flags.writeable = False
    return vec


def row_sums(a):
    """The sum of each row of a 2-D float array, 1-D."""
    return a @ ones(a.shape[1], a.dtype)


def column_sums(a):
    """The sum of each column of a 2-D float array, 1-D."""
    return ones(a.shape[0], a.dtype) @ a


def row_max(a):
    """The maximum of each row of a C-contiguous 2-D float array, 1-D (NaN where a row holds one)."""
    at = a.argmax(axis=1)
    at += np.arange(0, a.size, a.shape[1])
    return a.reshape(-1).take(at)
