"""The values of ``linspace`` and ``logspace``, rounded exactly as PyTorch's CPU kernels round them.

Both kernels count the first half of the points up from ``start`` and the second half down from
``end`` (so the ends are exact and the rounding symmetric). What differs per dtype is the arithmetic:

* linspace, float32/float64: ``step`` in the dtype, each point one fused multiply-add (the
  vectorised loop's), so one rounding per point;
* linspace, float16: every operation rounded to half precision (``start + step * i`` in halves);
* linspace, integers: ``start`` and ``end`` truncated to integers first, ``step`` in double, fused
  multiply-adds in double, then truncation toward zero;
* logspace: ``start`` and ``end`` in the dtype, their difference in the dtype, the exponents in
  double, the C library's ``pow(base, exponent)`` in double, then one conversion to the dtype;
* arange, float32/float64: ``start + step * i`` in double, except where the vectorised loop fills a
  SIMD register: there the register's first value is rounded to the dtype and the others are that
  rounded value plus ``j * step`` in double (see :func:`arange_values`).
"""
import itertools
import math

import numpy as np

from ember._random.exact import fma32, fma64


def _halves(steps):
    """Indices of the first half and, for the second half, their distances from the end."""
    half = steps // 2
    return np.arange(half), np.arange(steps - half)[::-1]


def linspace_values(start, end, steps, np_dtype):
    """``steps`` points from ``start`` to ``end`` as a NumPy array of ``np_dtype``."""
    np_dtype = np.dtype(np_dtype)
    integral = np_dtype.kind in 'iub'
    if integral:
        start, end = float(int(start)), float(int(end))
        work = np.dtype(np.float64)
    else:
        work = np_dtype
        start, end = work.type(start), work.type(end)
    if steps == 1:
        return np.array([start], work).astype(np_dtype)
    up, down = _halves(steps)
    if work == np.float16:
        h = np.float16
        step = h(h(end - start) / h(steps - 1))
        values = np.concatenate([start + (step * up.astype(h)).astype(h), end - (step * down.astype(h)).astype(h)])
    else:
        step = (end - start) / work.type(steps - 1)
        fma = fma32 if work == np.float32 else fma64
        values = np.concatenate([fma(step, up.astype(work), start), fma(-step, down.astype(work), end)])
    if integral:
        values = np.trunc(values)
    return values.astype(np_dtype)


# PyTorch's CPU kernels hand a thread at most this many elements at a time (at::internal::GRAIN_SIZE)
ARANGE_GRAIN_SIZE = 32768


def arange_values(start, step, n, np_dtype, register_bytes, threads):
    """``n`` floating-point values ``start, start + step, ...`` as a NumPy array of ``np_dtype``, rounded as
    PyTorch's CPU arange kernel rounds them.

    The kernel splits the range into one chunk per thread (for more than ``ARANGE_GRAIN_SIZE`` elements); within a
    chunk its vectorised loop fills two SIMD registers (``register_bytes`` wide) at a time, each from one
    base value ``start + step * i`` rounded to the dtype, its lanes that base plus ``j * step``; the chunk's
    last elements that fill no pair of registers are each ``start + step * i``. The arithmetic is double's
    with each multiply-add fused (one rounding), then one rounding to the dtype; for float32 results the
    unfused double arithmetic rounds to the same floats (far cheaper than emulating the fused one).
    """
    np_dtype = np.dtype(np_dtype)
    idx = np.arange(n, dtype=np.int64)
    lanes = max(1, register_bytes // np_dtype.itemsize)
    tasks = min(threads, -(-n // ARANGE_GRAIN_SIZE)) if n > ARANGE_GRAIN_SIZE and threads > 1 else 1
    chunk = max(1, -(-n // tasks))
    first = (idx // chunk) * chunk                       # where each element's chunk starts
    within = idx - first
    in_registers = within < (np.minimum(chunk, n - first) // (2 * lanes)) * (2 * lanes)
    lane = np.where(in_registers, within % lanes, 0).astype(np.float64)
    base_index = idx - lane.astype(np.int64)
    if np_dtype == np.float64:
        base = fma64(base_index.astype(np.float64), float(step), float(start))
        return fma64(lane, float(step), base)
    base = (start + step * base_index.astype(np.float64)).astype(np_dtype)
    return (base.astype(np.float64) + lane * step).astype(np_dtype)


def logspace_values(start, end, steps, base, np_dtype):
    """``base ** e`` for ``steps`` exponents ``e`` from ``start`` to ``end``, as a NumPy array of ``np_dtype``."""
    np_dtype = np.dtype(np_dtype)
    as_dtype = (lambda v: np_dtype.type(int(v))) if np_dtype.kind in 'iub' else np_dtype.type
    base = float(base)
    if steps == 1:       # PyTorch fills with pow(base, start) before any rounding of start to the dtype
        return np.array([math.pow(base, float(start))]).astype(np_dtype)
    start, end = as_dtype(start), as_dtype(end)
    # the difference in the dtype's own arithmetic (C++ widens small integers, so they cannot wrap)
    difference = float(end) - float(start) if np_dtype.kind in 'iub' else float(end - start)
    step = difference / (steps - 1)
    up, down = _halves(steps)
    exponents = np.concatenate([float(start) + step * up, float(end) - step * down])
    # the C library's pow, one point at a time: NumPy's vectorised power differs from it in the last bit
    values = np.fromiter(map(math.pow, itertools.repeat(base), exponents.tolist()), np.float64, steps)
    with np.errstate(over='ignore'):          # values beyond the dtype's range become inf, silently as in PyTorch
        return values.astype(np_dtype)
