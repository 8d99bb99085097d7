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

The log's polynomial steps straddle two binades, so a constant cannot round them: their doubles
are rounded to float32's precision on their bit patterns (``NormalKernel32._horner``).

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
# it again is exact.  (The log's steps straddle two binades each: see ``NormalKernel32._horner``.)
_COS_MAGIC = 1.5 * 2.0 ** (52 - 10 - 23)
_SIN_MAGIC = 1.5 * 2.0 ** (52 - 7 - 23)
_TWO_PI_24 = _f(2.0 * np.pi) * _f(2.0 ** -24)   # exact: a power-of-two scaling
_TOP8 = np.int32(-(1 << 24))                      # 0xff000000
_MANTISSA = np.int32((1 << 23) - 1)
_SQRTHF_BITS = np.int32(0x3f3504f3)               # float32 sqrt(1/2)
# bits(N·2**-24) - bits(sqrt(1/2)) from the bits of the float -N: the sign bit, the 2**-24 scaling
# (24 in the exponent field) and sqrt(1/2) in one constant (int32 arithmetic wraps around)
_LOG_OFFSET = np.int32((1 << 31) - 0x3f3504f3 - (24 << 23))


def _c64(v):
    """A float64 constant as a 0-d array: NumPy takes one faster than a Python number."""
    return np.array(v, np.float64)


def _c32(v):
    return np.array(v, np.float32)


# Power-of-two scalings commute with every rounding (no value comes near float32's limits), so the
# kernel computes scaled quantities where that saves a pass.  The log runs on g = f/2 (one pass
# from the mantissa, like f) with each step's value halved so that the halving of z and the final
# -2 of -2·log fall away: the radius comes out halved, and the sines and cosines doubled (their
# angle doubled, z = x·x quadrupled, the coefficients scaled to match), which their product
# with the radius undoes exactly.  (The last step subtracts where the kernel adds and negates:
# the one zero radius, of log(1), keeps the kernel's sign.)
RADIUS_SCALE, TRIG_SCALE = 0.5, 2.0
# y_k = fma(y_{k-1}, f, p_k) kept as c_k·y_k = fma(c_{k-1}·y_{k-1}, g, c_k·p_k): c_k = c_{k-1}/2,
# ending at c_9 = 2 for y_9 = y_8·f (so that c_9·y_9·z/4 = y_9·z/2 with z's quarter g·g)
_LOG_P64 = [_c64(p * 4.0 * 2.0 ** (8 - k)) for k, p in enumerate(_LOG_P)]
_LOG_Q1_32, _LOG_Q2_32 = _c32(_LOG_Q1 * _f(0.5)), _c32(_LOG_Q2 * _f(-0.5))
# sin and cos of x from X = 2x and Z = X·X = 4z: fma(fma(a, z, b), z, c) = fma(fma(a/4, Z, b), Z/4, c);
# the inner value scaled by 1/64 (cos) and 1/16 (sin) and the outer by 1/8 and 1/4 feed the
# tails below without another scaling (the magic constants scaled with their grids)
_SIN_P64 = [_c64(_SIN_P[0] / 64), _c64((_SIN_P[1] + _SIN_MAGIC) / 16), _c64(_SIN_MAGIC / 16), _c64(_SIN_P[2] / 4)]
_COS_P64 = [_c64(_COS_P[0] / 128), _c64((_COS_P[1] + _COS_MAGIC) / 32), _c64(_COS_MAGIC / 32), _c64(_COS_P[2] / 8)]
_TWO_PI_24_32 = _c32(_TWO_PI_24 * _f(2))
_TWO32, _HALF32 = _c32(2), _c32(0.5)
# The cosine's last fused step, fma(c·z, z, -z/2), is computed as (c·z - 1/2)·z in double (here
# doubled: (c·Z/8 - 1/4)·Z): one pass fewer than the product, the halving and the sum, at the
# price of two double roundings (the difference is inexact when c·z is below about 2**-31); for
# every one of the 2**24 angles the float32 result is the fused one (``scripts/check_avx_math.py``
# compares the sines and cosines themselves).
_QUARTER64 = _c64(0.25)
_TOP8_0D, _MANTISSA_0D = np.array(_TOP8, np.int32), np.array(_MANTISSA, np.int32)
# bits of (1 + f)/2: sqrt(1/2) with one less in the exponent field
_HALF_SQRTHF_0D = np.array(_SQRTHF_BITS - (1 << 23), np.int32)
_LOG_OFFSET_0D = np.array(_LOG_OFFSET, np.int32)
_ONE_I = np.array(1, np.int32)
_SIGN_BIT = np.array(-(1 << 31), np.int32)
# a double's bits: half a float32 unit (the highest of the 29 mantissa bits float32 lacks), and
# the mask that keeps float32's 24 significant bits
_HALF_FLOAT32_UNIT = np.array(1 << 28, np.int64)
_FLOAT32_MANTISSA = np.array(-(1 << 29), np.int64)
_M24_I = np.array((1 << 24) - 1, np.int32)
_EIGHTH_TURN = np.array(1 << 21, np.int32)
# shift counts as 0-d arrays of the operand's type: NumPy takes them faster than Python numbers
_22, _23, _30, _31 = (np.array(n, np.int32) for n in (22, 23, 30, 31))
# 2·j·DP for the even octant j = 2q, as q·4·DP (the doubled angle's reduction)
_DP4_64 = _c64(4 * _DP)


# Arrays whose starts lie the same distance into a 4 KiB page (rows of one 2-D array of a
# power-of-two length, or separate large allocations) make a pass that reads one and writes
# another stall on the processor's guess that the load depends on the store (addresses equal in
# their low 12 bits): the kernel's temporaries are carved from one allocation with each start
# a few cache lines further into its page than the last (measured 6-8% of the whole randn).
_STAGGER = 320


def _staggered(size, kinds):
    """For each ``(dtype, count)`` of ``kinds``, a list of ``count`` arrays of ``size`` elements of
    that dtype from one allocation, 64-byte aligned, each starting ``_STAGGER`` bytes further on
    than the (64-byte rounded) end of the last (arrays of a power-of-two size then start at offsets
    0, 320, 640, ... into their pages)."""
    spans = [-(-size * np.dtype(dt).itemsize // 64) * 64 for dt, count in kinds for _ in range(count)]
    raw = np.empty(sum(spans) + _STAGGER * len(spans) + 64, np.uint8)
    at = -raw.ctypes.data % 64
    groups = []
    for dt, count in kinds:
        arrays = []
        for _ in range(count):
            nbytes = size * np.dtype(dt).itemsize
            arrays.append(raw[at:at + nbytes].view(dt))
            at += -(-nbytes // 64) * 64 + _STAGGER
        groups.append(arrays)
    return groups


class NormalKernel32:
    """Box-Muller pairs of the float32 kernel for up to ``size`` pairs at a time, with its
    temporaries allocated once (and their views for the usual length made once: each NumPy
    call costs a fraction of a microsecond besides its work, and the kernel makes about a
    hundred of them per chunk).  The fewer bytes a chunk touches, the more of its passes run
    in the core's cache: besides the radii, two float32 and two float64 temporaries serve the
    whole kernel, with the words (once read), the outputs (before they are written) and the
    int32 views of whichever temporary is free at the time holding the rest."""

    def __init__(self, size):
        self.size = size
        self._f32, self._f64 = _staggered(size, ((np.float32, 3), (np.float64, 2)))
        self._views = {}

    def _buffers(self, k):
        """The temporaries cut to ``k`` elements (the radii's last), with the int32 views the
        kernel uses (of the float32 ones, and of the first ``k`` int32 slots of the float64
        ones)."""
        v = self._views.get(k)
        if v is None:
            f32 = [a[:k] for a in self._f32]
            f64 = [a[:k] for a in self._f64]
            v = (f32, f64, [a.view(np.int32) for a in f32], [a.view(np.int32)[:k] for a in f64])
            if len(self._views) > 4:
                self._views.clear()
            self._views[k] = v
        return v

    def pairs(self, wa, wb, first, second, zeros_matter=True):
        """``first = r·cos θ``, ``second = r·sin θ`` with ``r = sqrt(-2 log(1 - a))`` and
        ``θ = 2π·b`` for the uniforms ``a``, ``b`` given by the mt19937 words ``wa``, ``wb`` whose
        low 24 bits they are (contiguous uint32 arrays of ``k <= size`` elements, overwritten).
        Returns whether a radius is zero (a = 0): its products with negative sines or cosines
        are then -0, where PyTorch's ``fma(v, 1, 0)`` gives +0.  Without ``zeros_matter`` (a
        caller whose next step makes every zero's sign right) that is not looked for (a pass
        fewer) and False is returned."""
        bufs = self._buffers(wa.size)
        radius = bufs[0][2]
        self._radius(wa, radius, first, second, bufs)
        self._sincos(wb, second, first, bufs)
        np.multiply(first, radius, first)
        np.multiply(second, radius, second)
        return zeros_matter and not radius.min()

    @staticmethod
    def _horner(x64, coeffs, y, t64):
        """``y = fma(y, x, p)`` for each coefficient after the first, starting from the first.
        Between the steps the double stays a double: its rounding to float32 (24 significant
        bits) is done on its bit pattern, adding half a float32 unit in the low 29 bits of the
        mantissa and clearing them (a carry moves to the next binade by itself), two integer
        passes instead of the conversion to float32 and back.  That rounds halfway cases away
        from zero where float32 rounds them to even: none of these steps meets one on any of the
        2**24 inputs (``scripts/check_avx_math.py``)."""
        bits = t64.view(np.int64)
        np.multiply(x64, coeffs[0], t64)
        for p in coeffs[1:-1]:
            np.add(t64, p, t64)
            np.add(bits, _HALF_FLOAT32_UNIT, bits)
            np.bitwise_and(bits, _FLOAT32_MANTISSA, bits)
            np.multiply(t64, x64, t64)
        np.add(t64, coeffs[-1], t64)
        y[...] = t64

    @staticmethod
    def _horner3_one_binade(x64, coeffs, y, t64):
        """``y = fma(fma(c0, x, c1), x, c2)`` where the inner result stays in the binade whose
        float32 grid a magic constant rounds to (see ``_COS_MAGIC``); ``coeffs`` is c0, c1 plus
        the magic constant, the magic constant, c2."""
        np.multiply(x64, coeffs[0], t64)
        np.add(t64, coeffs[1], t64)                   # exact: both on the grid
        np.subtract(t64, coeffs[2], t64)
        np.multiply(t64, x64, t64)
        np.add(t64, coeffs[3], t64)
        y[...] = t64

    def _radius(self, w, radius, y, e, bufs):
        """``sqrt(-2 log(x))·RADIUS_SCALE`` for ``x = 1 - (w & (2**24 - 1))·2**-24``, the kernel's log
        step by step: ``x = 2**e·(1 + f)`` with ``1 + f`` in [sqrt(1/2), sqrt(2)) (Cephes's
        ``x < sqrt(1/2)`` case is the part of the range below 1), then its polynomial in ``f``.
        ``y`` and ``e`` (float32, as long as ``w``) are overwritten; so are the first float32
        and both float64 temporaries."""
        f32, f64, _, _ = bufs
        z = f32[0]
        g64, t64 = f64
        exponent = radius.view(np.int32)              # (radius is written last)
        bits = w.view(np.int32)
        g = bits.view(np.float32)                     # (once the bits are read)
        np.bitwise_or(bits, _TOP8_0D, bits)           # -N for N = 2**24 - (w & (2**24 - 1)): x = N·2**-24
        y[...] = bits                                 # exact: |N| <= 2**24
        np.add(y.view(np.int32), _LOG_OFFSET_0D, bits)
        np.right_shift(bits, _23, exponent)
        e[...] = exponent
        np.bitwise_and(bits, _MANTISSA_0D, bits)
        np.add(bits, _HALF_SQRTHF_0D, bits)           # (1 + f)/2 (a carry reaches the exponent above 1/2)
        np.subtract(g, _HALF32, g)                    # g = f/2, exact
        np.multiply(g, g, z)                          # z/4
        g64[...] = g
        self._horner(g64, _LOG_P64, y, t64)
        np.multiply(y, g, y)                          # 2·y·f
        # y/2 = fma(2·y, z/4, e·q1/2), in double: (2·y)·(z/4) exactly, e·q1/2 rounded to float32
        g64[...] = y
        t64[...] = z
        np.multiply(t64, g64, t64)
        np.multiply(e, _LOG_Q1_32, radius)
        g64[...] = radius
        np.add(t64, g64, t64)
        y[...] = t64
        np.subtract(y, z, y)                          # (y - z/2)/2
        np.add(y, g, y)                               # (f + y)/2
        np.multiply(e, _LOG_Q2_32, e)                 # exact, so fma(e, q2, f + y) rounds once
        np.subtract(e, y, radius)                     # -log/2
        np.sqrt(radius, radius)                       # the radius sqrt(-2 log), halved

    def _sincos(self, w, sin, cos, bufs):
        """(sin, cos) of ``θ = 2π·(w & (2**24 - 1))·2**-24`` (float32), times TRIG_SCALE.
        Overwrites the first two float32 and both float64 temporaries."""
        f32, f64, i32_of, i64_of = bufs
        z = f32[0]
        t64, z64 = f64
        q = i32_of[1]
        turn = w.view(np.int32)
        x = turn.view(np.float32)                     # (once the words are read)
        theta, c, s = cos, cos, sin                   # (each written once the last is read)
        np.bitwise_and(turn, _M24_I, turn)            # the uniform's 24 bits W
        theta[...] = turn
        np.multiply(theta, _TWO_PI_24_32, theta)
        # the kernel's even octant j = (trunc(θ·4/π) + 1) & ~1 is 2q for the quarter turn
        # q = (W + 2**21) >> 22, 0..4 (checked on every W: the float32 products round no angle
        # across an octant boundary)
        np.add(turn, _EIGHTH_TURN, q)
        np.right_shift(q, _22, q)
        t64[...] = q
        np.multiply(t64, _DP4_64, t64)                # j·(DP1 + DP2 + DP3)
        z64[...] = theta
        np.add(t64, z64, t64)
        x[...] = t64                                  # the reduced angle, rounded once
        np.multiply(x, x, z)
        z64[...] = z
        # cos polynomial: fma(fma(c0, z, c1), z, c2), then fma(c·z, z, -z/2) + 1
        self._horner3_one_binade(z64, _COS_P64, c, t64)
        np.multiply(c, z, c)
        t64[...] = c
        np.subtract(t64, _QUARTER64, t64)             # 2·(c·z - 1/2)·z: see the note at _QUARTER64
        np.multiply(t64, z64, t64)
        c[...] = t64
        np.add(c, _TWO32, c)
        # sin polynomial: fma(fma(s0, z, s1), z, s2), then fma(s·z, x, x)
        self._horner3_one_binade(z64, _SIN_P64, s, t64)
        np.multiply(s, z, s)
        t64[...] = s
        x64 = z64                                     # (z is done with)
        x64[...] = x
        np.multiply(t64, x64, t64)
        np.add(t64, x64, t64)
        s[...] = t64
        # odd quarter turns swap the polynomials; the sine is negated in quarter turns 2 and 3,
        # the cosine in 1 and 2: the sine's sign flip, then the cosine's flip the sine's and the
        # swap's.  Done on the bit patterns: selecting with masks is many times faster than
        # NumPy's where=.
        swap, sign, d = i32_of[0], i64_of[0], i64_of[1]
        np.left_shift(q, _30, q)                      # bit 31: bit 1 of q, bit 30: bit 0 of q
        np.left_shift(q, _ONE_I, swap)                # bit 31: bit 0 of q (the swap), no other bit
        np.bitwise_and(q, _SIGN_BIT, sign)            # the sine's sign flip
        np.right_shift(swap, _31, q)                  # all ones where swapped
        sb, cb = s.view(np.int32), c.view(np.int32)
        np.bitwise_xor(sb, cb, d)
        np.bitwise_and(d, q, d)
        np.bitwise_xor(d, sign, d)                    # the swap's change and the sine's flip
        np.bitwise_xor(sb, d, sb)
        np.bitwise_xor(cb, d, cb)
        np.bitwise_xor(cb, swap, cb)
