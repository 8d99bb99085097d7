"""float32 log and sin/cos as PyTorch's AVX2 normal kernel computes them (x86 CPUs).

PyTorch's vectorised ``randn`` for float32 uses the Cephes-derived polynomials of its
``avx_mathfun.h``, compiled with multiply-adds fused.  To give its numbers bit for bit, every
step rounds to float32 where that kernel does, and each fused step ``fma(a, b, c)`` is done in
double: the product of two floats is exact in double, and for the operands these steps see (the
kernel's inputs are 24-bit uniforms, so there are only 2**24 of each) the double sum is exact
too, so one rounding to float32 gives the fused result.  Steps whose product is already exact in
float32 (small integer times a constant with few bits) are plain float32 arithmetic, and runs of
exact steps are merged: the log's split of its input into exponent and mantissa is integer
arithmetic on the bits of the uniform's complement, and the angle's three-piece reduction is one
double sum rounded once.
``scripts/check_avx_math.py`` compares every one of the 2**24 inputs of each function with the
step-by-step formulation in ``tests/random/avx_reference.py``.

NumPy evaluates one operation at a time over a whole array, so the work runs on chunks that stay
in cache, with every temporary allocated once (``NormalKernel32``); mixed-precision operations
are split into a conversion and a same-type operation, which NumPy does much faster.
"""
import numpy as np

_f = np.float32
_LOG_P = [float(_f(v)) for v in (7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1,
                                 1.4249322787E-1, -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1,
                                 3.3333331174E-1)]
_LOG_Q1 = _f(-2.12194440e-4)
_LOG_Q2 = _f(0.693359375)      # 9 significant bits: times a small integer exponent, exact in float32
# Cody-Waite pieces of -pi/4.  The kernel subtracts y·DP1, y·DP2 and y·DP3 from the angle one
# after the other (y the even octant 0..8): the first two steps are exact (few bits; the angle is
# within a factor two of y·pi/4), so the three steps are one rounding of the exact
# angle + y·(DP1 + DP2 + DP3), which a double holds exactly (the pieces' sum has 48 bits)
_DP = float(_f(-0.78515625)) + float(_f(-2.4187564849853515625e-4)) + float(_f(-3.77489497744594108e-8))
_SIN_P = [float(_f(v)) for v in (-1.9515295891E-4, 8.3321608736E-3, -1.6666654611E-1)]
_COS_P = [float(_f(v)) for v in (2.443315711809948E-005, -1.388731625493765E-003, 4.166664568298827E-002)]
# The middle step of each three-term sin/cos polynomial lands in one binade for every angle
# (cos: [2**-10, 2**-9), sin: [2**-7, 2**-6)), so its float32 rounding is a rounding to a fixed
# grid: adding 1.5·2**52 grid steps rounds a double there (to even, as float32 does), and
# folding that constant into the coefficient rounds the exact sum once, in one pass; subtracting
# it again is exact.  (The log's steps straddle two binades each: they keep the conversions.)
_COS_MAGIC = 1.5 * 2.0 ** (52 - 10 - 23)
_SIN_MAGIC = 1.5 * 2.0 ** (52 - 7 - 23)
_FOPI = _f(1.27323954473516)
_TWO_PI_24 = _f(2.0 * np.pi) * _f(2.0 ** -24)   # exact: a power-of-two scaling
_M24 = np.uint32((1 << 24) - 1)
_TOP8 = np.int32(-(1 << 24))                      # 0xff000000
_MANTISSA = np.int32((1 << 23) - 1)
_SQRTHF_BITS = np.int32(0x3f3504f3)               # float32 sqrt(1/2)
# bits(N·2**-24) - bits(sqrt(1/2)) from the bits of the float -N: the sign bit, the 2**-24 scaling
# (24 in the exponent field) and sqrt(1/2) in one constant (int32 arithmetic wraps around)
_LOG_OFFSET = np.int32((1 << 31) - 0x3f3504f3 - (24 << 23))


class NormalKernel32:
    """Box-Muller pairs of the float32 kernel for up to ``size`` pairs at a time, with its
    temporaries allocated once."""

    def __init__(self, size):
        self.size = size
        self._f32 = np.empty((6, size), np.float32)
        self._f64 = np.empty((4, size), np.float64)
        self._i32 = np.empty((3, size), np.int32)

    def pairs(self, wa, wb, first, second):
        """``first = r·cos θ``, ``second = r·sin θ`` with ``r = sqrt(-2 log(1 - a))`` and
        ``θ = 2π·b`` for the uniforms ``a``, ``b`` given by the mt19937 words ``wa``, ``wb`` whose
        low 24 bits they are (contiguous uint32 arrays of ``k <= size`` elements, overwritten)."""
        k = wa.size
        radius = self._f32[5, :k]
        self._radius(wa, radius, k)
        self._sincos(wb, k, second, first)
        first *= radius
        second *= radius

    def _horner(self, x64, coeffs, y, k):
        """``y = fma(y, x, p)`` for each coefficient after the first, starting from the first."""
        t64, y64 = self._f64[1, :k], self._f64[3, :k]
        np.multiply(x64, coeffs[0], out=t64)
        for p in coeffs[1:-1]:
            t64 += p
            np.copyto(y, t64, casting='unsafe')
            np.copyto(y64, y)
            np.multiply(y64, x64, out=t64)
        t64 += coeffs[-1]
        np.copyto(y, t64, casting='unsafe')

    def _horner3_one_binade(self, x64, coeffs, magic, y, k):
        """``y = fma(fma(c0, x, c1), x, c2)`` where the inner result stays in the binade whose
        float32 grid ``magic`` rounds to (see ``_COS_MAGIC``)."""
        t64 = self._f64[1, :k]
        np.multiply(x64, coeffs[0], out=t64)
        t64 += coeffs[1] + magic                      # exact: both on the grid
        t64 -= magic
        t64 *= x64
        t64 += coeffs[2]
        np.copyto(y, t64, casting='unsafe')

    def _radius(self, w, radius, k):
        """``sqrt(-2 log(x))`` for ``x = 1 - (w & (2**24 - 1))·2**-24``, the kernel's log step by step:
        ``x = 2**e·(1 + f)`` with ``1 + f`` in [sqrt(1/2), sqrt(2)) (Cephes's ``x < sqrt(1/2)`` case is
        the part of the range below 1), then its polynomial in ``f``."""
        e, f, y, z = self._f32[:4, :k]
        f64, t64, z64, y64 = self._f64[:, :k]
        bits = w.view(np.int32)
        bits |= _TOP8                                 # -N for N = 2**24 - (w & (2**24 - 1)): x = N·2**-24
        np.copyto(y, bits, casting='unsafe')          # exact: |N| <= 2**24
        np.add(y.view(np.int32), _LOG_OFFSET, out=bits)
        np.right_shift(bits, 23, out=self._i32[0, :k])
        np.copyto(e, self._i32[0, :k], casting='unsafe')
        bits &= _MANTISSA
        bits += _SQRTHF_BITS                          # 1 + f (a carry reaches the exponent above 1)
        np.subtract(bits.view(np.float32), _f(1), out=f)      # exact
        np.multiply(f, f, out=z)
        np.copyto(f64, f)
        self._horner(f64, _LOG_P, y, k)
        y *= f
        # y = fma(y, z, e·q1)
        np.copyto(y64, y)
        np.copyto(z64, z)
        np.multiply(y64, z64, out=t64)
        np.multiply(e, _LOG_Q1, out=radius)
        np.copyto(y64, radius)
        t64 += y64
        np.copyto(y, t64, casting='unsafe')
        z *= _f(0.5)                                  # exact: fused or not, y - z/2 rounds once
        y -= z
        y += f
        e *= _LOG_Q2                                  # exact, so fma(e, q2, f + y) rounds once
        np.add(e, y, out=radius)
        radius *= _f(-2)
        np.sqrt(radius, out=radius)

    def _sincos(self, w, k, sin, cos):
        """(sin, cos) of ``θ = 2π·(w & (2**24 - 1))·2**-24`` (float32)."""
        theta, x, z, s, c = self._f32[:5, :k]
        x64, t64, z64, y64 = self._f64[:, :k]
        j, swap, sign = self._i32[:, :k]
        w &= _M24
        np.copyto(theta, w.view(np.int32), casting='unsafe')
        theta *= _TWO_PI_24
        np.multiply(theta, _FOPI, out=x)
        np.copyto(j, x, casting='unsafe')             # truncation, as the kernel's conversion
        j += 1
        j &= ~1                                       # the even octant: 0, 2, ..., 8
        np.copyto(t64, j)
        t64 *= _DP
        np.copyto(x64, theta)
        t64 += x64
        np.copyto(x, t64, casting='unsafe')           # the reduced angle, rounded once
        np.copyto(x64, x)
        np.multiply(x, x, out=z)
        np.copyto(z64, z)
        # cos polynomial: fma(fma(c0, z, c1), z, c2), then fma(c·z, z, -z/2) + 1
        self._horner3_one_binade(z64, _COS_P, _COS_MAGIC, c, k)
        c *= z
        np.copyto(y64, c)
        np.multiply(y64, z64, out=t64)
        np.multiply(z64, -0.5, out=y64)
        t64 += y64
        np.copyto(c, t64, casting='unsafe')
        c += _f(1)
        # sin polynomial: fma(fma(s0, z, s1), z, s2), then fma(s·z, x, x)
        self._horner3_one_binade(z64, _SIN_P, _SIN_MAGIC, s, k)
        s *= z
        np.copyto(y64, s)
        np.multiply(y64, x64, out=t64)
        t64 += x64
        np.copyto(s, t64, casting='unsafe')
        # octants 2 and 6 swap the polynomials; sin is negated in octants 4 and 6, cos in 2 and 4.
        # Done on the bit patterns: selecting with masks is many times faster than NumPy's where=.
        sb, cb = s.view(np.int32), c.view(np.int32)
        np.left_shift(j, 30, out=swap)
        swap >>= 31                                   # all ones where swapped (bit 1 of j)
        np.left_shift(j, 29, out=sign)                # bit 2 of j: the sign bit where sin is negated
        j += 2
        j <<= 29                                      # bit 2 of j + 2: where cos is negated
        d = np.bitwise_xor(sb, cb, out=x.view(np.int32))
        d &= swap
        np.bitwise_xor(cb, d, out=cos.view(np.int32))
        np.bitwise_and(j, np.int32(-(1 << 31)), out=j)
        cos.view(np.int32)[...] ^= j
        np.bitwise_xor(sb, d, out=sin.view(np.int32))
        np.bitwise_and(sign, np.int32(-(1 << 31)), out=sign)
        sin.view(np.int32)[...] ^= sign
