"""NumPy kernels for the gamma family and the orthogonal polynomials (float64 in, float64 out).

Written from the standard formulas: Lanczos' approximation for log-gamma, PyTorch's (Cephes')
steps for digamma, Euler-Maclaurin summation for Hurwitz's zeta (and so every
polygamma), three-term recurrences for the polynomials.
"""
import functools
import math

import numpy as np

# Lanczos coefficients for g = 7, n = 9 (relative error below 1e-15 for the gamma function)
_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7)
_EULER_GAMMA = 0.5772156649015329
# Bernoulli numbers B_2, B_4, ..., B_24
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798,
              -174611 / 330, 854513 / 138, -236364091 / 2730)


def lgamma(x):
    x = np.asarray(x, np.float64)
    with np.errstate(divide='ignore', invalid='ignore', over='ignore'):
        reflect = x < 0.5
        z = np.where(reflect, 1 - x, x) - 1
        a = np.full_like(z, _LANCZOS[0])
        for i, c in enumerate(_LANCZOS[1:], 1):
            a = a + c / (z + i)
        t = z + 7.5
        lg = 0.5 * math.log(2 * math.pi) + (z + 0.5) * np.log(t) - t + np.log(a)
        # reflection: log|Gamma(x)| = log(pi / |sin(pi x)|) - log Gamma(1 - x)
        out = np.where(reflect, np.log(math.pi / np.abs(np.sin(math.pi * x))) - lg, lg)
        pole = (x <= 0) & (x == np.floor(x))
        out = np.where(pole | np.isinf(x), np.inf, out)
        # NOTE: Lanczos' sum loses all relative accuracy at the zeros x = 1 and x = 2 (lgamma(1) came out
        # as -8.9e-16); between 0 and 2.5 the series around 1 takes over, exactly 0 at both zeros.
        near = (x > 0) & (x <= 2.5)
        if near.any():
            out[near] = _lgamma_near_zeros(x[near])
        # up to 8, step down to (1.5, 2.5] (exact products: lgamma(3) is log(2), lgamma(4) log(6), ...)
        small = (x > 2.5) & (x <= 8)
        if small.any():
            out[small] = _lgamma_stepped_down(x[small])
    return np.where(np.isnan(x), np.nan, out)


@functools.cache
def _zeta_minus_one():
    """(-1)^k (zeta(k) - 1) / k for k = 2..40: the series below needs them to double precision."""
    k = np.arange(2, 41, dtype=np.float64)
    return (-1.0) ** k * zeta(k, 2.0) / k


def _lgamma_near_zeros(x):
    """log Gamma(x) for 0 < x <= 2.5 from log Gamma(1 + z) = (1 - gamma) z - log1p(z) +
    sum_k (-1)^k (zeta(k) - 1) z^k / k with |z| <= 1/2, whose terms shrink as (z / 2)^k; below 1/2
    log Gamma(x) = log Gamma(1 + x) - log(x), above 3/2 log Gamma(x) = log Gamma(x - 1) + log(x - 1)."""
    low, high = x < 0.5, x > 1.5
    z = np.where(low, x, np.where(high, x - 2, x - 1))
    series = np.zeros_like(z)
    for c in _zeta_minus_one()[::-1]:          # Horner, from the smallest term
        series = (series + c) * z
    out = series * z + (1 - _EULER_GAMMA) * z - np.log1p(z)
    out = np.where(low, out - np.log(x), out)
    return np.where(high, out + np.log1p(z), out)


def _lgamma_stepped_down(x):
    """log Gamma(x) for 2.5 < x <= 8 as log Gamma(x - k) + log((x - 1) ... (x - k)), x - k in (1.5, 2.5]."""
    product = np.ones_like(x)
    y = x.copy()
    for _ in range(6):
        down = y > 2.5
        y = np.where(down, y - 1, y)
        product = np.where(down, product * y, product)
    return _lgamma_near_zeros(y) + np.log(product)


# Cephes' asymptotic series for digamma beyond 10, highest power first (PyTorch's coefficients)
_DIGAMMA_SERIES = (8.33333333333333333333E-2, -2.10927960927960927961E-2, 7.57575757575757575758E-3,
                   -4.16666666666666666667E-3, 3.96825396825396825397E-3, -8.33333333333333333333E-3,
                   8.33333333333333333333E-2)
_PSI_10 = 2.25175258906672110764


def digamma(x):
    """PyTorch's CPU digamma (Cephes' algorithm), step for step in the input's precision: float64 for
    float64, float32 for the other floating types (PyTorch computes half types in float32): the
    recurrence psi(x) = psi(x + 1) - 1/x up to 10 (exactly psi(10) there), then log(x) - 1/(2x) minus
    the series in 1/x^2; a negative x reflects, psi(1 - x) - pi / tan(pi r) with r x's fractional part
    (tan in float64 from the C library, as PyTorch's; NumPy's differs in the last bit)."""
    x = np.asarray(x)
    wide = x.dtype == np.float64
    ft = np.float64 if wide else np.float32
    x = x.astype(ft, copy=False)
    with np.errstate(divide='ignore', invalid='ignore', over='ignore'):
        negative = x < 0
        y = np.where(negative, ft(1) - x, x)
        acc = np.zeros_like(y)
        small = y < 10
        while small.any():
            acc = np.where(small, acc - ft(1) / y, acc)
            y = np.where(small, y + ft(1), y)
            small = y < 10
        z = ft(1) / (y * y)
        poly = np.full_like(y, _DIGAMMA_SERIES[0])
        for c in _DIGAMMA_SERIES[1:]:
            poly = poly * z + ft(c)
        series = np.where(y < 1e17, z * poly, ft(0))
        # float32: log rounded from float64's (the C library's logf is within an ulp of it, almost always equal)
        log = np.log(y) if wide else np.log(y.astype(np.float64)).astype(np.float32)
        out = np.where(y == 10, acc + ft(_PSI_10), acc + log - ft(0.5) / y - series)
        if negative.any():
            frac = np.fmod(x[negative].astype(np.float64), 1.0)
            tangent = np.fromiter(map(math.tan, (math.pi * frac).tolist()), np.float64, frac.size)
            out[negative] = out[negative] - (math.pi / tangent).astype(ft)
        out = np.where(x == 0, np.copysign(ft(np.inf), -x), out)      # +-0: -+inf, as PyTorch
        out = np.where(negative & (x == np.trunc(x)), np.nan, out)     # the poles
    return out


def zeta(s, q):
    """Hurwitz's zeta sum_k (q + k)^-s (Riemann's for q = 1); inf at s = 1 and at non-positive integer q."""
    s, q = np.broadcast_arrays(np.asarray(s, np.float64), np.asarray(q, np.float64))
    with np.errstate(divide='ignore', invalid='ignore', over='ignore'):
        bad_pole = (q <= 0) & (q == np.floor(q))
        domain = (s < 1) | ((q <= 0) & (s != np.floor(s)))
        ok = ~(bad_pole | domain | (s == 1) | np.isnan(s) | np.isnan(q))
        a = np.where(ok, q, 10.0)
        ss = np.where(ok, s, 2.0)
        total = np.zeros(a.shape)
        k = 0
        while True:  # direct sum until every term index is past 9 and the base past 10
            need = (a < 10) | (k < 9)
            if not need.any():
                break
            total = total + np.where(need, np.power(a, -ss), 0)
            a = np.where(need, a + 1, a)
            k += 1
        w = a
        tail = np.power(w, 1 - ss) / (ss - 1) + 0.5 * np.power(w, -ss)
        fac = ss * np.power(w, -ss - 1)
        factorial = 2.0
        for j, b in enumerate(_BERNOULLI, 1):
            tail = tail + b / factorial * fac
            fac = fac * (ss + 2 * j - 1) * (ss + 2 * j) / (w * w)
            factorial *= (2 * j + 1) * (2 * j + 2)
        out = total + tail
        out = np.where(ok, out, np.nan)
        out = np.where((s == 1) | bad_pole & ~np.isnan(s), np.inf, out)
    return out


def polygamma(n, x):
    if n == 0:
        return digamma(x)
    sign = 1.0 if n % 2 else -1.0
    return sign * math.factorial(n) * zeta(n + 1.0, x)


# ------------------------------------------------------------- polynomials
def _recurrence(x, n, p0, p1, step):
    """Evaluate a three-term recurrence p_{k+1} = step(k, x, p_k, p_{k-1}) at each element's degree n."""
    x, n = np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(n))
    n = np.where(np.isnan(n), -1, n).astype(np.int64) if n.dtype.kind == 'f' else n.astype(np.int64)
    out = np.where(n == 0, p0(x), 0.0)
    if (n >= 1).any():
        prev, cur = p0(x), p1(x)
        out = np.where(n == 1, cur, out)
        for k in range(1, int(n.max())):
            prev, cur = cur, step(k, x, cur, prev)
            out = np.where(n == k + 1, cur, out)
    return np.where(n < 0, 0.0, out)


def _one(x):
    return np.ones_like(x)


POLYNOMIALS = {
    'chebyshev_polynomial_t': (_one, lambda x: x, lambda k, x, p, q: 2 * x * p - q),
    'chebyshev_polynomial_u': (_one, lambda x: 2 * x, lambda k, x, p, q: 2 * x * p - q),
    'chebyshev_polynomial_v': (_one, lambda x: 2 * x - 1, lambda k, x, p, q: 2 * x * p - q),
    'chebyshev_polynomial_w': (_one, lambda x: 2 * x + 1, lambda k, x, p, q: 2 * x * p - q),
    'hermite_polynomial_h': (_one, lambda x: 2 * x, lambda k, x, p, q: 2 * x * p - 2 * k * q),
    'hermite_polynomial_he': (_one, lambda x: x, lambda k, x, p, q: x * p - k * q),
    'laguerre_polynomial_l': (_one, lambda x: 1 - x, lambda k, x, p, q: ((2 * k + 1 - x) * p - k * q) / (k + 1)),
    'legendre_polynomial_p': (_one, lambda x: x, lambda k, x, p, q: ((2 * k + 1) * x * p - k * q) / (k + 1)),
}


def polynomial(name, x, n):
    shifted = name.startswith('shifted_')
    p0, p1, step = POLYNOMIALS[name.replace('shifted_', '')]
    x = np.asarray(x, np.float64)
    return _recurrence(2 * x - 1 if shifted else x, n, p0, p1, step)
