"""The C library's double ``exp`` and ``log`` on arrays, bit for bit, vectorised.

glibc documents both within 0.52 ulp of the exact value (0.509 for exp, 0.519 for log): wherever
the exact value lies within 0.48 ulp of a double, that double is glibc's result.  Here the exact
value is approximated to about 2**-62 (relative) with table-driven arithmetic on pairs of doubles
in NumPy, which says which double is nearest and how far the exact value is from it; the elements
that are not clearly closer than 0.47 ulp to it (about 6 %), and those outside the ranges handled
here (overflow, subnormal results, zero, negatives, NaN), are computed by the C library itself.
"""
import math

import numpy as np

_SAFE_FRACTION = 0.47        # see above: glibc's 0.52-ulp bounds decide every value closer than 0.48 ulp
_MANTISSA = np.uint64((1 << 52) - 1)
_EXPONENT = np.uint64(0x7FF << 52)
_TOP12 = np.uint64(0xFFF << 52)
_LOG_OFFSET = np.uint64(0x3FE8000000000000)   # 0.75: x = 2**k z with z in [0.75, 1.5)
_CHUNK = 8192                # elements per pass: the temporaries stay in cache
_SPLIT = 134217729.0         # 2**27 + 1: Veltkamp's splitter, a double into two halves of 26 bits


def _digits(x):
    """The double nearest ``x`` (a Decimal or Fraction) and the double nearest the rest."""
    from fractions import Fraction
    hi = float(x)
    return hi, float(Fraction(x) - Fraction(hi))


def _truncated(x, bits):
    """``x`` (a Fraction) rounded to a double of ``bits`` significant bits."""
    m, e = math.frexp(float(x))
    return math.ldexp(round(m * 2 ** bits), e - bits)


class _Tables:
    """Constants computed once, on first use, from 40-digit decimal arithmetic."""

    def __init__(self):
        from decimal import Decimal, localcontext     # (on first use: they cost milliseconds at import)
        from fractions import Fraction
        with localcontext() as ctx:
            ctx.prec = 45
            ln2 = Decimal(2).ln()
            # exp: x = k ln2/256 + r; exp(x) = 2**(k // 256) * 2**((k % 256)/256) * exp(r)
            step = Fraction(ln2) / 256
            self.c1 = _truncated(step, 34)                  # k*c1, k*c2 exact for |k| < 2**19
            self.c2 = _truncated(step - Fraction(self.c1), 34)
            self.c3 = float(step - Fraction(self.c1) - Fraction(self.c2))
            self.inv_step = float(1 / step)
            pairs = [_digits(Decimal(2) ** (Decimal(j) / 256)) for j in range(256)]
            self.exp_hi = np.array([p[0] for p in pairs])
            self.exp_lo = np.array([p[1] for p in pairs])
            # log: x = 2**e m, m in [0.75, 1.5); m c_i = 1 + r with c_i near 1/m (13 bits, so the
            # products below are exact), log x = e ln2 - log c_i + log1p(r); c_i = 1 next to 1
            inv, lo_, hi_ = [], [], []
            for i in range(768):
                mid = Fraction(3, 4) + Fraction(2 * i + 1, 2048)
                c = 1.0 if 255 <= i <= 256 else _truncated(1 / mid, 13)
                inv.append(c)
                exact = Fraction(-Decimal(c).ln()) if c != 1.0 else Fraction(0)
                h = math.ldexp(round(exact * 2 ** 42), -42)   # a multiple of 2**-42, as e*ln2_hi
                hi_.append(h)
                lo_.append(float(exact - Fraction(h)))
            self.inv_c = np.array(inv)
            self.log_c_hi = np.array(hi_)
            self.log_c_lo = np.array(lo_)
            # e*ln2_hi + log_c_hi exact: multiples of 2**-42 below 2**10
            self.ln2_hi = math.ldexp(round(Fraction(ln2) * 2 ** 42), -42)
            self.ln2_lo = float(Fraction(ln2) - Fraction(self.ln2_hi))


_tables = None


def _get_tables():
    global _tables
    if _tables is None:
        _tables = _Tables()
    return _tables


# exp(r) - 1 - r for |r| <= ln2/512, to r**6 (the next term is below 2**-66 of the result)
_EXP_POLY = (1 / 720, 1 / 120, 1 / 24, 1 / 6, 0.5)
# log1p(r) - r for |r| <= 2**-10 + 2**-13, to r**7
_LOG_POLY = (1 / 7, -1 / 6, 1 / 5, -1 / 4, 1 / 3, -0.5)


def _two_sum(a, b):
    s = a + b
    bb = s - a
    err = (a - (s - bb)) + (b - bb)
    return s, err


def _nearest(hi, lo):
    """(hi, lo) an unevaluated sum with ``hi = round(hi + lo)`` (hi normal): whether ``hi`` is
    clearly the double nearest to the exact value: lo within the safe fraction of hi's ulp, and
    hi no power of two (where the ulp below is half the one above)."""
    bits = hi.view(np.uint64)
    power = (bits & _EXPONENT).view(np.float64)     # |hi| rounded down to a power of two
    power *= _SAFE_FRACTION * 2.0 ** -52
    ok = np.abs(lo) < power
    ok &= (bits & _MANTISSA) != 0
    return ok


def _exp_chunk(x, t):
    """(result, sure) for finite x with |x| <= 700."""
    k = np.rint(x * t.inv_step)
    ki = k.astype(np.int64)
    j = ki & 255
    ki >>= 8                                  # the power of two (floor division)
    r = x - k * t.c1                          # exact (Cody and Waite: x and k c1 are close)
    b = k * t.c2                              # exact
    rh, rl = _two_sum(r, -b)
    rl -= k * t.c3
    p = _EXP_POLY[0] * rh
    for c in _EXP_POLY[1:]:
        p += c
        p *= rh
    p *= rh                                   # exp(rh) - 1 - rh
    p += rl * (1.0 + rh)
    th, tl = t.exp_hi[j], t.exp_lo[j]
    # 2**(j/256) exp(r) = th + (th rh + (th p + tl (1 + rh + p)))
    small = tl * (1.0 + rh + p)
    small += th * p
    small += th * rh
    hi, lo = _two_sum(th, small)
    sure = _nearest(hi, lo)
    ki += 1023
    ki <<= 52                                 # 2**ki as bits (a normal double for |x| <= 700)
    hi *= ki.view(np.float64)
    return hi, sure


def _log_chunk(x, t):
    """(result, sure) for positive normal x."""
    tmp = x.view(np.uint64) - _LOG_OFFSET
    e = (tmp.view(np.int64) >> 52).astype(np.float64)
    tmp &= _TOP12                                     # e in the exponent field (two's complement)
    m = (x.view(np.uint64) - tmp).view(np.float64)    # m in [0.75, 1.5), x = 2**e m
    i = ((m - 0.75) * 1024.0).astype(np.int64)
    c = t.inv_c[i]
    s = m * _SPLIT
    mh = s - (s - m)                          # m's top 26 bits; m - mh exact
    rh, rl = _two_sum(mh * c - 1.0, (m - mh) * c)   # the products and the difference are exact
    q = _LOG_POLY[0] * rh
    for a in _LOG_POLY[1:]:
        q += a
        q *= rh
    q *= rh                                   # log1p(rh) - rh
    q += rl * (1.0 - rh)
    a = e * t.ln2_hi
    a += t.log_c_hi[i]                        # exact (see the tables)
    s0 = a + rh                               # |a| > |rh| unless a = 0: a fast two-sum is exact
    e0 = rh - (s0 - a)
    small = e * t.ln2_lo
    small += t.log_c_lo[i]
    small += e0
    small += q
    hi = s0 + small                           # |s0| exceeds |small|: a fast two-sum is exact
    lo = small - (hi - s0)
    return hi, _nearest(hi, lo)


def _apply(kernel, fallback, x, domain):
    x = np.asarray(x, dtype=np.float64)
    flat = np.ascontiguousarray(x).reshape(-1)
    out = np.empty(flat.size)
    t = _get_tables()
    with np.errstate(all='ignore'):
        for start in range(0, flat.size, _CHUNK):
            part = flat[start:start + _CHUNK]
            dst = out[start:start + _CHUNK]
            inside = domain(part)
            if inside.all():
                dst[...], sure = kernel(part, t)
            else:
                dst[...] = 0.0
                sure = np.zeros(part.size, bool)
                where = np.flatnonzero(inside)
                val, ok = kernel(part[where], t)
                dst[where] = val
                sure[where] = ok
            unsure = np.flatnonzero(~sure)
            if unsure.size:
                dst[unsure] = fallback(part[unsure])
    return out.reshape(x.shape)


def exp(x, fallback):
    """glibc's exp of every element; ``fallback(values)`` computes the unsure ones with it."""
    return _apply(_exp_chunk, fallback, x, lambda v: np.abs(v) <= 700.0)


_TINY = np.finfo(np.float64).tiny


def log(x, fallback):
    """glibc's log of every element; ``fallback(values)`` computes the unsure ones with it."""
    return _apply(_log_chunk, fallback, x, lambda v: (v >= _TINY) & (v <= np.finfo(np.float64).max))
