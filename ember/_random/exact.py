"""Arithmetic that rounds exactly as PyTorch's compiled kernels do, on NumPy arrays.

* ``fma32``/``fma64``: a fused multiply-add (one rounding).  NumPy has none, so float32 uses a
  double computation (the float32 product is exact in double) with the rare double-rounding
  midpoints and subnormal results repaired, and float64 an error-free product and sum with
  rounding to odd.  The ops' float32 kernels with PyTorch's bits (softmax, LayerNorm, BatchNorm,
  GELU, the fused pointwise ops) use these too.
* ``libm``: the C library's own ``log``/``log1p``/``tan``/``exp``.  NumPy's vectorised versions
  differ from glibc in the last bit for a fraction of inputs, so these go through the ``math``
  module (which calls the C library) one element at a time, except where an accurate vectorised
  approximation decides glibc's rounding (``log`` and ``exp`` mostly); ``sin``/``cos`` of float64 are
  NumPy's, which call the C library themselves.
"""
import math
import threading
from functools import partial
from itertools import repeat

import numpy as np

from ember._random import libm_exp_log

# a double's mantissa bits below float32's, and the pattern of exactly one half float32 unit there
_F32_LOW_BITS = np.uint64(0x1FFFFFFF)
_F32_HALF_ULP_BITS = np.uint64(0x10000000)
_TINY32 = np.float32(2.0 ** -126)     # float32 results at or below it may have been rounded as subnormals
_TINY32_BITS = int(_TINY32.view(np.uint32))
_SIGN32 = 1 << 31
_BELOW_F32_MANTISSA = np.uint64(35)         # a double's bits above the 29 of its mantissa below float32's
_MIDPOINT_SHIFTED = np.iinfo(np.int64).min  # a float32 midpoint's 29 bits (0x10000000) shifted up by them


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
    """``a * b + c`` rounded once to float32 (float32 operands, arrays or scalars, broadcasting
    against each other).

    The product of two floats is exact in double, so the double sum's rounding is the only one before
    float32's, and rounding twice gives the fused result except where the double sum lands exactly on
    a float32 midpoint, or in float32's subnormal range (fewer bits there); those few elements are
    recomputed with rounding to odd. ``normal_range`` promises results far from float32's subnormals,
    which skips that check.
    """
    shape_a, shape_b, shape_c = np.shape(a), np.shape(b), np.shape(c)
    shape = shape_a if shape_a == shape_b == shape_c else np.broadcast_shapes(shape_a, shape_b, shape_c)
    if not shape:       # all scalars: the same steps on one element
        return fma32(np.reshape(a, 1), b, c, normal_range)[0]
    if len(shape) > 1 and shape[0] > 1 and math.prod(shape) > 2 * _CHUNK:
        return _by_rows(a, b, c, shape, normal_range)
    if shape_a == shape and not shape_b and not shape_c and np.size(a) > _CHUNK:
        return _by_chunks(partial(fma32, normal_range=normal_range), a, b, c, np.float32)
    # one conversion to double of an operand of the result's shape (C order, so the flat views
    # below are views), then double arithmetic in place; smaller operands are converted first
    # (NumPy's mixed float32-by-double loops over broadcast operands run through casting buffers)
    if type(a) is np.ndarray and shape_a == shape:
        r = a.astype(np.float64, order='C')
        np.multiply(r, _as_double(b, shape_b != shape), out=r)
    elif type(b) is np.ndarray and shape_b == shape:
        r = b.astype(np.float64, order='C')
        np.multiply(r, _as_double(a, shape_a != shape), out=r)
    else:
        r = np.multiply(a, b, dtype=np.float64)
    if r.shape == shape:
        np.add(r, _as_double(c, shape_c != shape), out=r)
    else:
        r = np.add(r, c, dtype=np.float64)
    if not r.flags.c_contiguous:
        r = np.ascontiguousarray(r)
    out = r.astype(np.float32)
    flat = r.reshape(-1)
    if not flat.size:
        return out
    tiny = None
    # results at or below float32's smallest normal, found by two reductions over their bit patterns
    # (the positive ones' least as unsigned, the negative ones' as signed) before a pass marks them
    ob = out.reshape(-1).view(np.uint32)
    if not normal_range and (ob.min() <= _TINY32_BITS or int(ob.view(np.int32).min()) <= _TINY32_BITS - _SIGN32):
        tiny = np.abs(out.reshape(-1)) <= _TINY32
        tiny &= flat != 0                   # (a zero sum is exact)
    # the 29 mantissa bits below float32's are exactly one half: a midpoint, where rounding the
    # double again may go the wrong way. Shifted to the top (in r's own memory: r is not needed after
    # this) a midpoint's bits are the smallest int64, which one reduction finds
    bits = np.left_shift(flat.view(np.uint64), _BELOW_F32_MANTISSA, out=flat.view(np.uint64)).view(np.int64)
    suspect = (bits == _MIDPOINT_SHIFTED) if bits.min() == _MIDPOINT_SHIFTED else None
    if tiny is not None:
        suspect = tiny if suspect is None else (suspect | tiny)
    if suspect is not None and suspect.any():
        idx = np.flatnonzero(suspect)
        sb, eb = _two_sum(_pick(a, shape, idx) * _pick(b, shape, idx), _pick(c, shape, idx))
        out.reshape(-1)[idx] = _round_to_odd(sb, eb).astype(np.float32)     # out is a fresh C-order array
    return out


def fma32_few(a, b, c):
    """:func:`fma32` of a short 1-d float32 array ``a`` (a value per row of a batch) and float32 ``b``, ``c``
    (numbers, or arrays of ``a``'s shape) in a few NumPy calls: the double sum rounded, then one check for
    both of fma32's repairs (a sum exactly on a float32 midpoint; a result at or below float32's smallest
    normal, zeros and NaN included). Results that small send the whole array through :func:`fma32` (rare);
    midpoints, common where the sum is exact (``c - e * c`` for a power of two ``c``), are rounded to odd
    first, as fma32 rounds them, only where the sum was not exact (fma32's argument handling and its
    repair of every midpoint cost a batch's gradient at the targets three times these steps)."""
    product = np.multiply(a, b, dtype=np.float64)     # exact: a product of two floats
    r = product + c
    out = r.astype(np.float32)
    if not np.abs(out).min() > _TINY32:
        return fma32(a, b, c)
    suspect = np.bitwise_and(r.view(np.uint64), _F32_LOW_BITS) == _F32_HALF_ULP_BITS
    if suspect.any():
        # a midpoint rounds right where the double sum was exact (its error zero: the common case);
        # elsewhere the sum is rounded to odd first
        _, err = _two_sum(product, c)
        suspect &= err != 0
        if suspect.any():
            out[suspect] = _round_to_odd(r[suspect], err[suspect]).astype(np.float32)
    return out


def fma32_into(a, b, c, out, work):
    """``out = fma32(a, b, c)`` for a contiguous float32 array ``a`` and float32 numbers ``b``, ``c``,
    with ``work`` a float64 array of ``a``'s size: the same steps as :func:`fma32` on buffers the
    caller keeps (no allocation but the masks), the few suspect elements redone by :func:`fma32`."""
    np.copyto(work, a)
    work *= float(b)                    # exact: a product of two floats
    work += float(c)
    np.copyto(out, work, casting='unsafe')
    bits = work.view(np.uint64)
    bits &= _F32_LOW_BITS
    suspect = bits == _F32_HALF_ULP_BITS
    # results at or below float32's smallest normal (zeros included) may have lost bits: found by
    # two reductions over their bit patterns (the positive ones' least as unsigned, the negative
    # ones' as signed) before a pass marks them
    ob = out.view(np.uint32)
    if ob.min() <= _TINY32_BITS or int(ob.view(np.int32).min()) <= _TINY32_BITS - _SIGN32:
        suspect |= np.abs(out) <= _TINY32
    if suspect.any():
        idx = np.flatnonzero(suspect)
        out[idx] = fma32(a[idx], b, c)
    return out




def fma32_rows(a, b, c, period=None):
    """``a * b[:, None] + c[:, None]`` rounded once to float32, for a C-contiguous float32 array ``a`` of
    rows (R, S) and float32 vectors ``b``, ``c`` of one number per row (a per-channel scale and shift);
    ``period``: b and c repeat every ``period`` rows (the channels of (N, C, S) rows).

    The same arithmetic as :func:`fma32`, on a few whole rows at a time in float64 work buffers that stay
    in cache and are kept across the pieces; where the pieces hold whole periods, the scale and shift are
    spread over a period's rows once (a multiply by a full operand is faster than by a column). The few
    midpoint or subnormal elements are redone by :func:`fma32`."""
    rows, size = a.shape
    out = np.empty((rows, size), np.float32)
    if not a.size:
        return out
    step = max(1, _CHUNK // size)
    b64, c64 = b.astype(np.float64)[:, None], c.astype(np.float64)[:, None]
    spread = period is not None and 1 < period <= step and rows % period == 0
    if spread:   # pieces of whole periods, each multiplied by a period's spread scale and shift
        step -= step % period
        b_full = np.broadcast_to(b64[:period], (period, size)).copy()
        c_full = np.broadcast_to(c64[:period], (period, size)).copy()
    k = min(step, rows)
    work = np.empty((k, size), np.float64)
    bits = work.view(np.uint64)
    low = np.empty((k, size), np.uint64)
    suspect = np.empty((k, size), np.bool_)
    for start in range(0, rows, step):
        stop = min(start + step, rows)
        n = stop - start
        w, o = work[:n], out[start:stop]
        np.copyto(w, a[start:stop])
        if spread:
            w3 = w.reshape(-1, period, size)
            w3 *= b_full                # exact: a product of two floats
            w3 += c_full
        else:
            w *= b64[start:stop]
            w += c64[start:stop]
        np.copyto(o, w, casting='unsafe')
        # a double sum whose 29 bits below float32's are exactly one half is a midpoint, where rounding it
        # again may go the wrong way
        m = suspect[:n]
        np.bitwise_and(bits[:n], _F32_LOW_BITS, out=low[:n])
        np.equal(low[:n], _F32_HALF_ULP_BITS, out=m)
        # float32 results at or below the smallest normal may have lost bits (found by two reductions over
        # the results' bit patterns: the positive ones' least as unsigned, the negative ones' as signed)
        ob = o.view(np.uint32)
        if ob.min() <= _TINY32_BITS or int(ob.view(np.int32).min()) <= _TINY32_BITS - _SIGN32:
            m |= np.abs(o) <= _TINY32
        if m.any():
            r, col = np.nonzero(m)
            o[r, col] = fma32(a[start:stop][r, col], b[start:stop][r], c[start:stop][r])
    return out


_WORK = threading.local()
_KEEP_AT_MOST = 1 << 17     # elements of the kept buffers (2 MiB of doubles each at most)
_F32_TINY_BITS = np.float64(2.0 ** -126).view(np.uint64)
_F64_SIGN = 1 << 63


def _work_buffers(n):
    """Two thread-local double buffers of at least ``n`` elements (reused between calls, so a fused
    step over cache-sized blocks allocates nothing large)."""
    if n > _KEEP_AT_MOST:        # (a large array in one piece: buffers for this call only)
        return np.empty(n, np.float64), np.empty(n, np.float64)
    bufs = getattr(_WORK, 'bufs', None)
    if bufs is None or bufs[0].size < n:
        bufs = _WORK.bufs = (np.empty(max(n, 1024), np.float64), np.empty(max(n, 1024), np.float64))
    return bufs[0][:n], bufs[1][:n]


def fma32_to(a, b, c, out):
    """``out[...] = fma32(a, b, c)``: ``a`` a float32 array of ``out``'s shape, ``b`` and ``c`` float32
    numbers or arrays of that shape; ``out`` may be ``a`` or ``c`` itself (an in-place update).

    One double pass (exact product, one rounding of the sum) in reused buffers, then the rounding to
    float32; the rare elements whose double sum is a float32 midpoint, or that land in float32's
    subnormal range, are recomputed by :func:`fma32` from the operands before ``out`` is written.
    """
    shape = out.shape
    work, other = _work_buffers(out.size)
    work, other = work.reshape(shape), other.reshape(shape)
    np.copyto(work, a)
    # array operands are widened into the second buffer first (NumPy's mixed-type loops go through
    # casting buffers, several times slower than a widening copy and a double loop)
    if type(b) is np.ndarray:
        np.copyto(other, b)
        work *= other
    else:
        work *= float(b)                    # exact: the product of two floats
    if type(c) is np.ndarray:
        np.copyto(other, c)
        work += other
    else:
        work += float(c)
    bits = work.view(np.uint64)
    # the 29 bits below float32's mantissa shifted to the top: a midpoint's (0x10000000) become the
    # smallest int64, found by one reduction (no mask is made unless some sum is one)
    low = np.left_shift(bits, _BELOW_F32_MANTISSA, out=other.view(np.uint64)).view(np.int64)
    midpoints = low.min() == _MIDPOINT_SHIFTED
    # sums at or below float32's smallest normal may lose bits in float32's subnormals (found by two
    # reductions over the sums' bit patterns: the positive ones' least as unsigned, the negative ones' as signed)
    tiny = bits.min() <= _F32_TINY_BITS or int(bits.view(np.int64).min()) <= int(_F32_TINY_BITS) - _F64_SIGN
    fix = suspect = None
    if midpoints:
        suspect = low == _MIDPOINT_SHIFTED
    if tiny:
        suspect = np.abs(work) <= _TINY32 if suspect is None else (suspect | (np.abs(work) <= _TINY32))
    if suspect is not None and suspect.any():
        # (flat positions, then indices: NumPy's nonzero of a 2-D mask costs 25x that of a flat one)
        where = np.unravel_index(np.flatnonzero(suspect), shape)
        fix = fma32(a[where], b[where] if type(b) is np.ndarray else b, c[where] if type(c) is np.ndarray else c)
    np.copyto(out, work, casting='unsafe')
    if fix is not None:
        out[where] = fix
    return out


def _by_rows(a, b, c, shape, normal_range):
    """``fma32`` of a large result a few leading-axis rows at a time: the double temporaries of a
    cache-sized piece stay in cache (operands broadcast along the leading axis are passed whole)."""
    rows = shape[0]
    step = max(1, _CHUNK * rows // math.prod(shape))
    out = np.empty(shape, np.float32)
    ops = [(v, np.ndim(v) == len(shape) and np.shape(v)[0] == rows) for v in (a, b, c)]
    for start in range(0, rows, step):
        part = slice(start, start + step)
        out[part] = fma32(*(v[part] if cut else v for v, cut in ops), normal_range)
    return out


def _as_double(v, small):
    """An operand as doubles: arrays smaller than the result converted, others left to the ufunc."""
    if type(v) is np.ndarray:
        return v.astype(np.float64) if small else v
    return np.float64(v)


def _pick(v, shape, idx):
    """Elements ``idx`` of ``v`` broadcast to ``shape`` (flat), as doubles, without broadcasting it."""
    v = np.asarray(v)
    if v.ndim == 0:
        return np.full(idx.size, v, np.float64)
    if v.shape == tuple(shape):
        return v.reshape(-1)[idx].astype(np.float64)
    return np.broadcast_to(v, shape)[np.unravel_index(idx, shape)].astype(np.float64)


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
