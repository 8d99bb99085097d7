"""float32 log and sin/cos as PyTorch's AVX2 normal kernel computes them (x86 CPUs).

PyTorch's vectorised ``randn`` for float32 uses the Cephes-derived polynomials of its
``avx_mathfun.h``, compiled with multiply-adds fused.  To give its numbers bit for bit, every
step rounds to float32 where that kernel does, and each fused step ``fma(a, b, c)`` is done in
double: the product of two floats is exact in double, and for the operands these steps see (the
kernel's inputs are 24-bit uniforms, so there are only 2**24 of each) the double sum is exact
too, so one rounding to float32 gives the fused result.  Steps whose product is already exact in
float32 (small integer times a constant with few bits) are plain float32 arithmetic.
``scripts/check_avx_math.py`` compares every one of the 2**24 inputs of each function with the
step-by-step formulation in ``tests/random/avx_reference.py``.

NumPy evaluates one operation at a time over a whole array, so the work runs on chunks that stay
in cache, with every temporary allocated once (``NormalKernel32``); mixed-precision operations
are split into a conversion and a same-type operation, which NumPy does much faster.
"""
import numpy as np

_f = np.float32
_SQRTHF = _f(0.707106781186547524)
_LOG_P = [float(_f(v)) for v in (7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1,
                                 1.4249322787E-1, -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1,
                                 3.3333331174E-1)]
_LOG_Q1 = _f(-2.12194440e-4)
_LOG_Q2 = _f(0.693359375)      # 9 significant bits: times a small integer exponent, exact in float32
# Cody-Waite pieces of -pi/4: the first two have few bits (exact times the octant 0..8), the
# third needs the double product
_DP1, _DP2 = _f(-0.78515625), _f(-2.4187564849853515625e-4)
_DP3 = float(_f(-3.77489497744594108e-8))
_SIN_P = [float(_f(v)) for v in (-1.9515295891E-4, 8.3321608736E-3, -1.6666654611E-1)]
_COS_P = [float(_f(v)) for v in (2.443315711809948E-005, -1.388731625493765E-003, 4.166664568298827E-002)]
_FOPI = _f(1.27323954473516)
_TWO_PI_24 = _f(2.0 * np.pi) * _f(2.0 ** -24)   # exact: a power-of-two scaling
_ONE24 = np.int32(1 << 24)
_M24 = np.uint32((1 << 24) - 1)
_MANTISSA_BITS = np.int32(~0x7f800000)
_HALF_EXPONENT = np.int32(0x3f000000)


class NormalKernel32:
    """Box-Muller pairs of the float32 kernel for up to ``size`` pairs at a time, with its
    temporaries allocated once."""

    def __init__(self, size):
        self.size = size
        self._f32 = np.empty((8, size), np.float32)
        self._f64 = np.empty((4, size), np.float64)
        self._i32 = np.empty((3, size), np.int32)
        self._mask = np.empty(size, bool)

    def pairs(self, wa, wb, first, second):
        """``first = r·cos θ``, ``second = r·sin θ`` with ``r = sqrt(-2 log(1 - a))`` and
        ``θ = 2π·b`` for the uniforms ``a``, ``b`` given by the mt19937 words ``wa``, ``wb`` whose
        low 24 bits they are (contiguous uint32 arrays of ``k <= size`` elements, overwritten)."""
        k = wa.size
        f32 = self._f32[:, :k]
        sin, radius = f32[6], f32[7]
        wa &= _M24
        wb &= _M24
        # 1 - a = (2**24 - wa)·2**-24 exactly (wa < 2**24), and 2π·b rounds as (wb·2π)·2**-24
        ia = wa.view(np.int32)
        np.subtract(_ONE24, ia, out=ia)
        np.copyto(radius, ia, casting='unsafe')
        radius *= _f(2.0 ** -24)
        self._log(radius, k)
        radius *= _f(-2)
        np.sqrt(radius, out=radius)
        np.copyto(sin, wb.view(np.int32), casting='unsafe')
        sin *= _TWO_PI_24
        self._sincos(sin, k, second, first)
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

    def _log(self, x_in, k):
        """Natural log of float32 values in (0, 1], in place."""
        e, x, y, z = self._f32[:4, :k]
        x64, t64, z64, y64 = self._f64[:, :k]
        bits = self._i32[0, :k]
        np.right_shift(x_in.view(np.int32), 23, out=bits)
        np.copyto(e, bits, casting='unsafe')
        e -= _f(126)
        np.bitwise_and(x_in.view(np.int32), _MANTISSA_BITS, out=bits)
        bits |= _HALF_EXPONENT
        m = bits.view(np.float32)                     # mantissa in [0.5, 1)
        # below sqrt(1/2): x = 2m - 1 and one less in the exponent, else x = m - 1 (both exact)
        np.less(m, _SQRTHF, out=self._mask[:k])
        np.copyto(y, self._mask[:k])
        e -= y
        y *= m
        np.subtract(m, _f(1), out=x)
        x += y
        np.multiply(x, x, out=z)
        np.copyto(x64, x)
        self._horner(x64, _LOG_P, y, k)
        y *= x
        # y = fma(y, z, e·q1)
        np.copyto(y64, y)
        np.copyto(z64, z)
        np.multiply(y64, z64, out=t64)
        np.multiply(e, _LOG_Q1, out=x_in)
        np.copyto(x64, x_in)
        t64 += x64
        np.copyto(y, t64, casting='unsafe')
        np.multiply(z, _f(0.5), out=z)                # exact: fused or not, y - z/2 rounds once
        y -= z
        y += x
        e *= _LOG_Q2                                  # exact, so fma(e, q2, x + y) rounds once
        np.add(e, y, out=x_in)

    def _sincos(self, x_in, k, sin, cos):
        """(sin, cos) of float32 values in [0, 2π]; ``sin`` may be ``x_in``."""
        y, x, z, s, c = self._f32[:5, :k]
        x64, t64, z64, y64 = self._f64[:, :k]
        j, swap, sign = self._i32[:, :k]
        np.multiply(x_in, _FOPI, out=y)
        np.copyto(j, y, casting='unsafe')             # truncation, as the kernel's conversion
        j += 1
        j &= ~1                                       # the even octant: 0, 2, ..., 8
        np.copyto(y, j, casting='unsafe')
        np.multiply(y, _DP1, out=x)
        x += x_in
        np.multiply(y, _DP2, out=z)
        x += z
        np.copyto(t64, y)
        t64 *= _DP3
        np.copyto(x64, x)
        t64 += x64
        np.copyto(x, t64, casting='unsafe')
        np.copyto(x64, x)
        np.multiply(x, x, out=z)
        np.copyto(z64, z)
        # cos polynomial: fma(fma(c0, z, c1), z, c2), then fma(c·z, z, -z/2) + 1
        self._horner(z64, _COS_P, c, k)
        c *= z
        np.copyto(y64, c)
        np.multiply(y64, z64, out=t64)
        np.multiply(z64, -0.5, out=y64)
        t64 += y64
        np.copyto(c, t64, casting='unsafe')
        c += _f(1)
        # sin polynomial: fma(fma(s0, z, s1), z, s2), then fma(s·z, x, x)
        self._horner(z64, _SIN_P, s, k)
        s *= z
        np.copyto(y64, s)
        np.multiply(y64, x64, out=t64)
        t64 += x64
        np.copyto(s, t64, casting='unsafe')
        # octants 2 and 6 swap the polynomials; the signs flip by octant.  Done on the bit
        # patterns: selecting with masks is many times faster than NumPy's where=.
        sb, cb = s.view(np.int32), c.view(np.int32)
        np.right_shift(j, 1, out=swap)
        swap &= 1
        np.negative(swap, out=swap)                   # all ones where swapped
        np.bitwise_and(j, 4, out=sign)
        sign <<= 29                                   # the sign bit where sin is negated
        np.subtract(j, 2, out=j)
        np.invert(j, out=j)
        j &= 4
        j <<= 29                                      # the sign bit where cos is negated
        d = sb ^ cb
        d &= swap
        np.bitwise_xor(cb, d, out=cos.view(np.int32))
        cos.view(np.int32)[...] ^= j
        np.bitwise_xor(sb, d, out=sin.view(np.int32))
        sin.view(np.int32)[...] ^= sign
