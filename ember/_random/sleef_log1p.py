"""``log1p`` as PyTorch's CPU kernels compute it for float32 and float64 tensors, bit for bit.

PyTorch's x86 builds evaluate ``log1p`` with SLEEF's 1-ulp vector functions (``log1pf``/``log1p``,
the AVX-512 variants, fused multiply-adds throughout), every element of a contiguous tensor
included.  Their results are not the correctly rounded ones in the last bit, so a sampler that
applies ``log1p`` to its uniforms (Laplace's) reproduces PyTorch's numbers only with SLEEF's own
arithmetic, restated here for NumPy arrays:

    1 + d = 2**e (1 + m) with e from the exponent of (1 + d) 4/3, m = fma(d, 2**-e, 2**-e - 1)
    x = m / (2 + m) as a pair of floats (a correctly rounded quotient and its fused-multiply-add
        remainder), s = e ln2 (a pair) + 2x + x**3 P(x**2), the polynomial's steps fused,
    log1p(d) = the sum of the pair s, rounded.

float32 steps run in double with each fused step rounded once (:func:`exact.fma32`).  In float64
the fused steps that only compute low-order parts change the pair by less than 2**-100 of its
value and the polynomial's by a few units of its last place; every element is computed with
plain double steps for those, and the few whose pair lies too close to a rounding boundary for
that difference to be ruled out are computed again with every fused step emulated exactly
(:func:`exact.fma64`).  Valid for -1 <= d <= 1e30 (SLEEF switches to its log above 1e38).
"""
import numpy as np

from ember._random.exact import fma32, fma64

_f = np.float32
_LN2_HI32, _LN2_LO32 = _f(0.69314718246459960938), _f(-1.904654323148236017e-09)
_POLY32 = (_f(0.3027294874), _f(0.3996108174), _f(0.6666694880))
_LN2_HI, _LN2_LO = 0.693147180559945286226764, 2.319046813846299558417771e-17
_POLY64 = (0.1532076988502701353e+0, 0.1525629051003428716e+0, 0.1818605932937785996e+0,
           0.2222214519839380009e+0, 0.2857142932794299317e+0, 0.3999999999635251990e+0,
           0.6666666666667333541e+0)
_SPLIT = 134217729.0   # 2**27 + 1


def _edges(d, r):
    """SLEEF's special values: -inf at -1, -0 at -0, NaN below -1 (float32: all bits set) and
    for NaN (float32: the input NaN, which the arithmetic carries through)."""
    r[d == -1] = -np.inf
    r[(d == 0) & np.signbit(d)] = -0.0
    if r.dtype == np.float32:
        r.view(np.uint32)[d < -1] = 0xFFFFFFFF
        nan = np.isnan(d)
        r[nan] = d[nan]
    else:
        r[~(d >= -1)] = np.nan
    return r


_CHUNK = 8192   # elements per pass: the temporaries stay in cache


def _by_chunks(fn, d, dtype):
    d = np.asarray(d, dtype)
    flat = np.ascontiguousarray(d).reshape(-1)
    out = np.empty_like(flat)
    with np.errstate(all='ignore'):
        for start in range(0, flat.size, _CHUNK):
            out[start:start + _CHUNK] = fn(flat[start:start + _CHUNK])
    return out.reshape(d.shape)


def log1p32(d):
    """SLEEF's float32 ``log1p`` of every element of ``d`` (float32)."""
    return _by_chunks(_log1p32, d, np.float32)


def log1p64(d):
    """SLEEF's float64 ``log1p`` of every element of ``d`` (float64)."""
    d = np.asarray(d, np.float64)
    flat = np.ascontiguousarray(d).reshape(-1)
    out = np.empty_like(flat)
    redo = []
    with np.errstate(all='ignore'):
        for start in range(0, flat.size, _CHUNK):
            out[start:start + _CHUNK], unsure = _log1p64(flat[start:start + _CHUNK])
            redo.append(unsure + start)
        idx = np.concatenate(redo) if redo else np.zeros(0, np.int64)
        if idx.size:
            out[idx] = _edges(flat[idx], _pieces64(flat[idx], fma64)[0])
    return out.reshape(d.shape)


def _log1p32(d):
    f64 = np.float64
    dp1 = d + _f(1)
    v = dp1 * _f(1.0 / 0.75)
    e = (((v.view(np.int32) >> 23) & 0xFF) - 127).astype(np.int32)
    e = np.clip(e, -126, 127)          # (the ends only arise at -1 and NaN, replaced below)
    t = ((127 - e) << 23).view(np.float32)                 # 2**-e
    ef = e.astype(np.float32)
    m = d * t                                               # fma(d, t, t - 1): d*t is exact
    m += t - _f(1)
    sx = _LN2_HI32 * ef
    # the fused steps that give the rounding error of a product (exactly a float) are exact
    # in double; the others round once through exact.fma32
    ef64 = ef.astype(f64)
    err = (f64(_LN2_HI32) * ef64 - sx).astype(np.float32)     # fma(hi, e, -sx)
    # fma(lo, e, err) needs no check either: lo (24 bits, ~2**-29) times |e| <= 127 is a multiple of
    # 2**-52, err (a rounding error of hi * e) one of 2**-24 below 2**-17, so the double sum is exact
    sy = (f64(_LN2_LO32) * ef64 + err).astype(np.float32)
    ax = _f(2) + m                                          # 2 + m as a pair
    ay = (_f(2) - ax) + m
    rt = _f(1) / ax
    xs = m * rt
    rt64 = rt.astype(f64)
    u = (rt64 * m.astype(f64) - xs).astype(np.float32)                  # fma(rt, m, -xs)
    inner = (1.0 - ax.astype(f64) * rt64).astype(np.float32)            # fma(-ax, rt, 1)
    vv = fma32(-ay, rt, inner)
    xy = fma32(xs, vv, u)
    x2 = xs * xs
    p = fma32(fma32(np.full_like(x2, _POLY32[0]), x2, _POLY32[1]), x2, _POLY32[2])
    big, small = xs * _f(2), xy * _f(2)
    s = sx + big
    sy = (((sx - s) + big) + sy) + small
    w = (x2 * xs) * p
    s2 = s + w
    sy = ((s - s2) + w) + sy
    r = s2 + sy
    return _edges(d, r)


def _exact_error(a, b, p):
    """``a*b - p`` exactly (for ``p = a*b`` rounded): Dekker's product."""
    ta = a * _SPLIT
    ah = ta - (ta - a)
    al = a - ah
    tb = b * _SPLIT
    bh = tb - (tb - b)
    bl = b - bh
    return ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _pieces64(d, fma):
    """SLEEF's float64 steps with ``fma`` for the fused steps that are not exact error terms;
    returns the result, and the final pair and the polynomial term (for the error bound)."""
    dp1 = d + 1.0
    v = dp1 * (1.0 / 0.75)
    e = (((v.view(np.int64) >> 52) & 0x7FF) - 1023)
    e = np.clip(e, -1022, 1023)
    t = ((1023 - e) << 52).view(np.float64)                     # 2**-e
    ef = e.astype(np.float64)
    m = d * t
    m += t - 1.0                              # fma(d, t, t - 1): the product is exact
    sx = _LN2_HI * ef
    sy = fma(_LN2_LO, ef, _exact_error(np.full_like(ef, _LN2_HI), ef, sx))
    ax = 2.0 + m
    ay = (2.0 - ax) + m
    rt = 1.0 / ax
    xs = m * rt
    u = _exact_error(rt, m, xs)               # fma(rt, m, -xs)
    pr = ax * rt
    inner = (1.0 - pr) - _exact_error(ax, rt, pr)   # fma(-ax, rt, 1): the residual is a double
    vv = fma(-ay, rt, inner)
    xy = fma(xs, vv, u)
    x2 = xs * xs
    x4 = x2 * x2
    x8 = x4 * x4
    c = _POLY64
    p3 = fma(x4, c[0], fma(x2, c[1], c[2]))
    p4 = fma(x4, fma(x2, c[3], c[4]), fma(x2, c[5], c[6]))
    p = fma(x8, p3, p4)
    big, small = xs * 2.0, xy * 2.0
    s = sx + big
    sy = (((sx - s) + big) + sy) + small
    w = (x2 * xs) * p
    s2 = s + w
    sy = ((s - s2) + w) + sy
    return s2 + sy, s2, sy, w


def _plain_fma(a, b, c):
    return a * b + c


def _log1p64(flat):
    """The plain-step results, and the indices to compute again with every fused step."""
    r, s2, sy, w = _pieces64(flat, _plain_fma)
    # the exact pair differs from this one by less than 8 units in w's last place plus
    # 2**-98 of the result; the rounding of the sum is the same unless it lies that close
    # to a midpoint between doubles (or at a power of two, where the spacing changes)
    rest = np.abs(sy - (r - s2))                            # exact: |s2| >= |sy|
    bits = r.view(np.uint64)
    power = (bits & np.uint64(0x7FF << 52)).view(np.float64)
    half = power * 2.0 ** -53
    slack = 8 * 2.0 ** -53 * np.abs(w) + 2.0 ** -98 * np.abs(r)
    redo = ~(np.abs(rest - half) > slack)
    redo |= (bits & np.uint64((1 << 52) - 1)) == 0
    redo &= flat >= -1
    return _edges(flat, r), np.flatnonzero(redo)
