"""Which operand clamp by numbers and fmax/fmin return when two compare equal (a -0 and a +0) or are
both NaN, as PyTorch's, in one NumPy call each.

PyTorch's clamp by a number keeps ``x`` where it equals the bound (``clamp(-0., min=0.)`` is -0) and
passes a NaN ``x`` on as it is; its fmax/fmin return ``input`` on a tie and ``other`` when both are
NaN. NumPy documents neither choice (its clip ufunc keeps ``x``; its fmax's vector loops return the
second operand on a tie, and its scalar loops may choose otherwise, as may another CPU or NumPy), so
each is checked once per dtype, at first use, on short, long and strided arrays of the awkward values;
where the check fails, explicit comparisons and ``where`` give the same bits, slower.
"""
from math import copysign

import numpy as np

try:
    from numpy._core.umath import clip as _CLIP     # the ufunc under np.clip, without its Python layer
except ImportError:                                 # (NumPy 1.x)
    from numpy.core.umath import clip as _CLIP

_UINT = {2: np.uint16, 4: np.uint32, 8: np.uint64}


def _awkward(dt):
    """-0, +0, NaNs of both signs with payloads, ±1, ±inf of dtype ``dt``: short, long and strided."""
    uint, info = _UINT[np.dtype(dt).itemsize], np.finfo(dt)
    bits = 8 * np.dtype(dt).itemsize
    sign = uint(1) << uint(bits - 1)
    exp_all = (~uint(0) >> uint(1)) & ~((uint(1) << uint(info.nmant)) - uint(1))
    quiet = exp_all | uint(1) << uint(info.nmant - 1)
    one = np.array(1, dt).view(uint)
    values = np.array([sign, 0, quiet | uint(1), sign | quiet | uint(2), one, sign | one, exp_all,
                       sign | exp_all], uint)
    long = np.tile(values, 9)
    return [(values.view(dt), uint), (long.view(dt), uint), (long.view(dt)[::3], uint)]


def _same_bits(got, want, uint):
    return got.dtype == want.dtype and np.array_equal(got.view(uint), want.view(uint))


def _clip_keeps_x(dt):
    """Whether NumPy's clip ufunc gives PyTorch's clamp by numbers: ``x`` kept where it equals a bound
    (only visible at ±0), a NaN ``x`` as it is, and the upper bound where the bounds cross."""
    inf = np.array(np.inf, dt)
    for x, uint in _awkward(dt):
        for lo, hi in ((0.0, inf), (-0.0, inf), (-inf, 0.0), (-inf, -0.0), (-0.0, 0.0), (0.0, -0.0), (1.0, -1.0)):
            lo, hi = np.array(lo, dt), np.array(hi, dt)
            want = np.where(x < lo, lo, x)
            want = np.where(want > hi, hi, want)
            if not _same_bits(_CLIP(x, lo, hi), want, uint):
                return False
    return True


def maximum_is_relu(dt):
    """Whether ``np.maximum(0, x)`` is PyTorch's relu, ``x < 0 ? 0 : x``: -0 kept, a NaN as it is (NumPy's
    vector loops take the second operand on a tie)."""
    zero = np.zeros((), dt)
    return all(_same_bits(np.maximum(zero, x), np.where(x < zero, zero, x), uint) for x, uint in _awkward(dt))


def _fminmax_swapped(dt, ufunc, wins):
    """Whether ``ufunc(b, a)`` is PyTorch's fmax/fmin(a, b): ``a`` on a tie, ``b`` when both are NaN."""
    for a, uint in _awkward(dt):
        b = np.roll(a, 1) if a.size < 20 else a[::-1].copy()
        for a_, b_ in ((a, b), (b, a), (a, a[::-1].copy())):
            want = np.where(np.isnan(b_) | (~np.isnan(a_) & wins(a_, b_)), a_, b_)
            want = np.where(np.isnan(a_) & np.isnan(b_), b_, want)
            if not _same_bits(ufunc(b_, a_), want, uint):
                return False
    return True


_KEEPS_X = {}    # dtype -> whether _CLIP is PyTorch's clamp by numbers, filled at first use
_SWAPPED = {}    # (dtype of a, dtype of b, take_max) -> whether ufunc(b, a) is PyTorch's fmax/fmin(a, b)
_BOUNDS = {}     # (dtype, lo, hi) -> the bounds as 0-d arrays (making them costs more than the clip)


_NUMBERS = (float, int, type(None))


def _bounds(dt, lo, hi):
    if lo.__class__ not in _NUMBERS or hi.__class__ not in _NUMBERS:     # (0-d arrays and the like)
        return np.array(-np.inf if lo is None else lo, dt), np.array(np.inf if hi is None else hi, dt)
    # (-0.0 == 0.0 as a key: the signs tell the two apart)
    key = (dt, lo, hi, lo is not None and copysign(1.0, lo), hi is not None and copysign(1.0, hi))
    bounds = _BOUNDS.get(key)
    if bounds is None:
        if len(_BOUNDS) > 256:      # (a loop over many bounds: keep the cache small)
            _BOUNDS.clear()
        bounds = _BOUNDS[key] = (np.array(-np.inf if lo is None else lo, dt), np.array(np.inf if hi is None else hi, dt))
        for b in bounds:
            b.flags.writeable = False
    return bounds


def clamp_numbers(xp, x, lo, hi):
    """PyTorch's clamp of a float ``x`` by numbers ``lo`` / ``hi`` (either may be None):
    ``x < lo ? lo : x``, then ``> hi ? hi : x``, so ``x`` is kept at a bound (-0 stays -0) and a NaN
    ``x`` as it is; a NaN bound makes every element NaN (PyTorch fills the result)."""
    if (lo is not None and lo != lo) or (hi is not None and hi != hi):
        return xp.full_like(x, np.nan)
    if xp is np:
        keeps = _KEEPS_X.get(x.dtype)
        if keeps is None:
            keeps = _KEEPS_X[x.dtype] = x.dtype.kind == 'f' and x.dtype.itemsize in _UINT and _clip_keeps_x(x.dtype)
        if keeps:     # one pass, bounds as 0-d arrays of x's dtype (NumPy's fastest form)
            return _CLIP(x, *_bounds(x.dtype, lo, hi))
    y = x
    if lo is not None:
        lo = xp.asarray(lo, x.dtype)
        y = xp.where(y < lo, lo, y)
    if hi is not None:
        hi = xp.asarray(hi, x.dtype)
        y = xp.where(y > hi, hi, y)
    return y


def fmax_or_fmin(xp, a, b, take_max):
    """PyTorch's fmax/fmin: ``a`` on a tie (-0 against +0), ``b`` when both are NaN."""
    ufunc = xp.fmax if take_max else xp.fmin
    if xp is not np:
        return ufunc(a, b)
    key = (a.dtype, b.dtype, take_max)
    swapped = _SWAPPED.get(key)
    if swapped:
        return ufunc(b, a)
    if swapped is None:
        swapped = _SWAPPED[key] = a.dtype == b.dtype and a.dtype.kind == 'f' and a.dtype.itemsize in _UINT \
            and _fminmax_swapped(a.dtype, ufunc, (lambda p, q: p >= q) if take_max else (lambda p, q: p <= q))
        if swapped:
            return ufunc(b, a)
    if a.dtype.kind != 'f' or a.dtype != b.dtype:     # (no ties to tell apart, or mixed: NumPy's)
        return ufunc(a, b)
    wins = (a >= b) if take_max else (a <= b)
    both_nan = np.isnan(a) & np.isnan(b)
    return np.where((wins | np.isnan(b)) & ~both_nan, a, b)
