"""Arithmetic that rounds exactly as PyTorch's compiled kernels do, on NumPy arrays.

* ``fma32``/``fma64``: a fused multiply-add (one rounding).  NumPy has none, so float32 uses a
  double computation (the float32 product is exact in double) with the rare double-rounding
  midpoints repaired, and float64 an error-free product and sum with rounding to odd.
* ``libm``: the C library's own ``log``/``log1p``/``tan``/``exp``.  NumPy's vectorised versions
  differ from glibc in the last bit for a fraction of inputs, so these go through the ``math``
  module (which calls the C library) one element at a time, except where an accurate vectorised
  approximation decides glibc's rounding (``log`` and ``exp`` mostly); ``sin``/``cos`` of float64 are
  NumPy's, which call the C library themselves.
"""
import math
import sys
from functools import partial
from itertools import repeat

import numpy as np

from ember._random import libm_exp_log

# the double's mantissa bits below float32's, read from its low 32-bit word: exactly one half
_LOW_WORD = 0 if sys.byteorder == 'little' else 1
_F32_HALF_ULP_BITS32 = np.uint32(0x10000000)
_F32_LOW_BITS32 = np.uint32(0x1FFFFFFF)
_TINY32 = np.float32(2.0 ** -126)     # float32 results at or below it may have been rounded as subnormals


def _round_to_odd(s, err):
    """``s`` (a rounded double sum whose exact error is ``err``) nudged to its odd neighbour when
    inexact, so that a second rounding to a narrower type rounds like the exact value."""
    fix = (err != 0) & ((s.view(np.uint64) & np.uint64(1)) == 0)
    if fix.any():
        s = s.copy()
        s[fix] = np.nextafter(s[fix], np.where(err[fix] > 0, np.inf, -np.inf))
    return s


def _two_sum(a, b):
    s = a + b
    bb = s - a
    err = (a - (s - bb)) + (b - bb)
    return s, err


_CHUNK = 1 << 16


def _by_chunks(fma, a, b, c, dtype):
    """``fma`` of a large array and two scalars, a cache-sized piece at a time: its double
    temporaries then stay in cache, which more than doubles the speed."""
    flat = np.asarray(a).reshape(-1)
    out = np.empty(flat.size, dtype)
    for start in range(0, flat.size, _CHUNK):
        out[start:start + _CHUNK] = fma(flat[start:start + _CHUNK], b, c)
    return out.reshape(np.shape(a))


def fma32(a, b, c, normal_range=False):
    """``a * b + c`` rounded once to float32 (float32 inputs, arrays or scalars).

    ``normal_range`` promises results far from float32's subnormals, which skips one check.
    """
    if np.size(a) > _CHUNK and np.ndim(b) == 0 and np.ndim(c) == 0:
        return _by_chunks(partial(fma32, normal_range=normal_range), a, b, c, np.float32)
    s = np.multiply(a, b, dtype=np.float64)          # exact: 24 + 24 bits fit in 53
    np.add(s, c, out=s)
    out = s.astype(np.float32)
    # double rounding can only go wrong when the double sum sits exactly on a float32 midpoint
    # (the 29 mantissa bits below float32's are 1000...0: found in the low 32-bit word alone), or in
    # float32's subnormal range (zero aside: a zero sum is exact); repair those few elements with
    # rounding to odd
    low = s.reshape(-1).view(np.uint32)[_LOW_WORD::2]
    suspect = np.bitwise_and(low, _F32_LOW_BITS32) == _F32_HALF_ULP_BITS32
    if not normal_range:
        tiny = np.abs(out.reshape(-1)) <= _TINY32
        if tiny.any():
            suspect |= tiny & (s.reshape(-1) != 0)
    if suspect.any():
        idx = np.flatnonzero(suspect)
        sb, eb = _two_sum(_pick(a, s.shape, idx) * _pick(b, s.shape, idx), _pick(c, s.shape, idx))
        out.reshape(-1)[idx] = _round_to_odd(sb, eb).astype(np.float32)     # out is a fresh array
    return out


def _pick(v, shape, idx):
    """Elements ``idx`` of ``v`` broadcast to ``shape`` (flat), as doubles, without broadcasting it."""
    v = np.asarray(v)
    if v.ndim == 0:
        return np.full(idx.size, v, np.float64)
    if v.shape == tuple(shape):
        return v.reshape(-1)[idx].astype(np.float64)
    return np.broadcast_to(v, shape).reshape(-1)[idx].astype(np.float64)


_SPLIT = 134217729.0   # 2**27 + 1 (Veltkamp's splitter for doubles)


def _two_prod(a, b):
    p = a * b
    ta = _SPLIT * a
    ah = ta - (ta - a)
    al = a - ah
    tb = _SPLIT * b
    bh = tb - (tb - b)
    bl = b - bh
    err = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, err


def fma64(a, b, c):
    """``a * b + c`` rounded once in float64 (Boldo and Melquiond's emulation with rounding to odd)."""
    if np.size(a) > _CHUNK and np.ndim(b) == 0 and np.ndim(c) == 0:
        return _by_chunks(fma64, a, b, c, np.float64)
    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    c = np.asarray(c, np.float64)
    uh, ul = _two_prod(a, b)
    th, tl = _two_sum(c, ul)
    vh, vl = _two_sum(uh, th)
    z, ze = _two_sum(tl, vl)
    z = _round_to_odd(np.asarray(z, np.float64).reshape(np.shape(z)), ze)
    out = vh + z
    # an exact zero product leaves c (and its sign) untouched, as a hardware fma does
    return np.where(uh == 0, uh + c, out)


def _libm(fn, x, bad=None, fill=None):
    """``fn`` (a ``math`` function) on every element; ``bad`` marks inputs ``math`` refuses
    (where the C function returns ``fill``)."""
    x = np.asarray(x, dtype=np.float64)
    flat = x.ravel()
    mask = bad(flat) if bad is not None else None
    if mask is not None and mask.any():
        safe = np.where(mask, 0.5, flat)
        out = np.fromiter(map(fn, safe.tolist()), np.float64, x.size)
        out[mask] = fill(flat[mask])
    else:
        out = np.fromiter(map(fn, flat.tolist()), np.float64, x.size)
    return out.reshape(x.shape)


def _log_fill(v):
    return np.where(v == 0, -np.inf, np.nan)


def log(x):
    """The C library's ``log``: vectorised where an accurate approximation decides glibc's
    rounding, the C library itself elsewhere (:mod:`ember._random.libm_exp_log`)."""
    return libm_exp_log.log(x, partial(_libm, math.log, bad=lambda v: ~(v > 0), fill=_log_fill))


def pow(x, y):
    """The C library's ``pow(x, y)`` for an array ``x`` of numbers in (0, 1] and a number ``y``
    (its long double ``powl`` is slower than calling ``pow`` once per element)."""
    x = np.asarray(x, dtype=np.float64)
    return np.fromiter(map(math.pow, x.ravel().tolist(), repeat(float(y))), np.float64, x.size).reshape(x.shape)


def log1p(x):
    return _libm(math.log1p, x, lambda v: ~(v > -1), lambda v: _log_fill(v + 1))


def tan(x):
    return _libm(math.tan, x, lambda v: ~np.isfinite(v), lambda v: np.full(v.shape, np.nan))


_EXP_MAX = 709.782712893384


def exp(x):
    """The C library's ``exp``, vectorised as :func:`log` is."""
    return libm_exp_log.exp(x, partial(_libm, math.exp, bad=lambda v: ~(v <= _EXP_MAX),
                                       fill=lambda v: np.where(v > 0, np.inf, np.nan)))


def sin(x):
    return np.sin(np.asarray(x, dtype=np.float64))


def cos(x):
    return np.cos(np.asarray(x, dtype=np.float64))
