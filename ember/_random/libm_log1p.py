"""The C library's ``log1p(-u)`` for arrays of uniforms ``u`` in [0, 1), bit for bit, vectorised.

PyTorch's CPU kernels (the serial normal path, ``exponential_``, multinomial's exponential keys,
gamma's normals) compute ``log1p(-u)`` of a double uniform with glibc's ``log1p``. NumPy's
``np.log1p`` differs from it in the last bit for many inputs, and glibc's result is not always the
nearest double, so no rounding of a more precise logarithm reproduces it. glibc uses fdlibm's
method in double arithmetic: write ``1 + x = 2**k (1 + f)`` with ``sqrt(2)/2 < 1 + f < sqrt(2)``
(``k = 0, f = x`` when -0.2929 < x), then ``log1p(x) = k ln2_hi - ((h - (s (h + R) + k ln2_lo)) - f)``
with ``h = f**2 / 2``, ``s = f / (2 + f)`` and ``R`` a polynomial in ``s**2``; on CPUs with FMA
(x86-64 selects that build at run time) the polynomial's steps are fused multiply-adds. For
``x = -u`` every step before ``R`` is exact. Here ``R`` is computed unfused: glibc's fused value lies
within a small interval around it, and the result is a monotone function of ``R``, so evaluating the
last steps at both ends of that interval gives the same double (which is then glibc's) for nearly
every element; the rest (about 2 %) are handed to the C library one by one.
"""
import math

import numpy as np

_LN2_HI = 6.93147180369123816490e-01     # the top bits of log(2): k * _LN2_HI is exact for |k| < 2000
_LN2_LO = 1.90821492927058770002e-10
# the polynomial's coefficients, given by their bit patterns so they are exactly glibc's
_L1, _L2, _L3, _L4, _L5, _L6, _L7 = (float(np.uint64(b).view(np.float64)) for b in (
    0x3FE5555555555593, 0x3FD999999997FA04, 0x3FD2492494229359, 0x3FCC71C51D8E78AF,
    0x3FC7466496CB03DE, 0x3FC39A09D078C69F, 0x3FC2F112DF3E5244))
_DIRECT = float(np.uint64(0x3FD2BEC400000000).view(np.float64))   # u below this: k = 0, f = -u
_TINY = 2.0 ** -29                       # u below this: glibc returns -u - u*u/2
# 1 - u = m 2**e with m in [1/2, 1): from this m on, f = m - 1 (k = e), below it f = 2m - 1 (k = e - 1);
# glibc compares the top 20 bits of the mantissa with those of sqrt(2)
_SQRT2_HALF = (1.0 + 0x6A09E * 2.0 ** -20) / 2.0
# glibc's fused R differs from the unfused one by less than 3.6 units in its last place: R's
# terms are positive, the unfused sum rounds 4 times at R's scale and the fused one 3 times
_R_SLACK = 1.25 * 2.0 ** -50
_CHUNK = 8192                            # elements per pass: the temporaries stay in cache


def log1p_neg(u):
    """glibc's ``log1p(-u)`` for every element of the float64 array ``u`` (values in [0, 1))."""
    u = np.asarray(u, dtype=np.float64)
    flat = np.ascontiguousarray(u).reshape(-1)
    if flat.size and not ((flat >= 0).all() and (flat < 1).all()):
        raise ValueError("log1p_neg expects values in [0, 1)")
    out = np.empty(flat.size)
    for start in range(0, flat.size, _CHUNK):
        out[start:start + _CHUNK] = _chunk(flat[start:start + _CHUNK])
    return out.reshape(u.shape)


def _chunk(u):
    m, e = np.frexp(1.0 - u)                 # 1 - u is exact
    upper = m >= _SQRT2_HALF
    direct = u < _DIRECT
    f = np.where(upper, m - 1.0, 2.0 * m - 1.0)
    f[direct] = -u[direct]
    k = (e - 1 + upper).astype(np.float64)
    k[direct] = 0.0
    h = 0.5 * f * f
    s = f / (2.0 + f)
    z = s * s
    z2 = z * z
    z4 = z2 * z2
    r = z * _L1 + z2 * (_L2 + z * _L3) + z4 * (_L4 + z * _L5) + (z4 * z2) * (_L6 + z * _L7)
    t = k * _LN2_LO
    base = k * _LN2_HI
    dr = r * _R_SLACK
    low = _tail(f, h, s, r - dr, t, base)
    high = _tail(f, h, s, r + dr, t, base)
    unsure = np.flatnonzero(low != high)
    if unsure.size:
        low[unsure] = [math.log1p(-v) for v in u[unsure].tolist()]
    tiny = u < _TINY
    if tiny.any():
        x = -u[tiny]
        low[tiny] = x - x * x * 0.5
    return low


def _tail(f, h, s, r, t, base):
    """glibc's last steps, ``k ln2_hi - ((h - (s (h + r) + k ln2_lo)) - f)`` (for k = 0 this equals
    its ``f - (h - s (h + r))``: the same roundings, the sign of each difference flipped)."""
    y = h + r
    y *= s
    y += t
    np.subtract(h, y, out=y)
    y -= f
    np.subtract(base, y, out=y)
    return y
