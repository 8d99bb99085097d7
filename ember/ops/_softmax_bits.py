"""float32 softmax and log_softmax with PyTorch's CPU bits: its kernels' order of operations.

PyTorch's softmax kernels run the build for the widest vectors the CPU has: ``LANES`` floats, 16 on
AVX-512 CPUs, 8 on AVX2 ones (the steps below are the same on both but for that width; the AVX-512 one
is described). They work as follows.

* Along a contiguous last dim, a row's maximum and its sum of exponentials are "vector reductions":
  lane ``k`` of a 16-float accumulator takes the values ``k, k + 16, ...`` one after another (the
  values past the last whole vector go to the first lanes), then the lanes are added as a tree
  (lane ``i`` with ``i + 8``, then ``+ 4``, ``+ 2``, ``+ 1``). A row shorter than one vector is
  added one value after another. The exponentials are SLEEF's vectorised ``expf`` (u10) for every
  value; softmax multiplies them by the sum's reciprocal, log_softmax takes SLEEF's ``logf`` of
  the sum and writes ``(x - max) - log(sum)``.
* Along another dim (``inner`` positions after it), every position adds its exponentials one
  after another, from zero. Positions handled as a 16-wide vector use SLEEF's ``expf``; the others
  (the last ``inner % 16`` of each run, and for softmax the ones cut off by the split between
  threads) use the C library's ``expf``. Softmax divides by the sum there.

SLEEF's ``expf`` and ``logf`` are restated here with their fused multiply-adds rounded once
(``ember._random.exact.fma32``). The C library's ``expf`` is called through ctypes, element by element (only the few
positions that are not a whole vector take it).
"""
import ctypes

import numpy as np

from ember._random.exact import fma32
from ember.backend import quiet_fp_enter, quiet_fp_leave
from ember._cpu_capability import get_cpu_capability
from ember.ops._cascade_sum import _running


def lanes_for(capability):
    """Floats in one vector of the build PyTorch runs its softmax kernels in on a CPU of ``capability``
    (``torch.backends.cpu.get_cpu_capability()``'s words)."""
    return 16 if capability == 'AVX512' else 8


# this CPU's (read where used, as ``_softmax_bits.LANES``: tests set it to the recording machine's)
LANES = lanes_for(get_cpu_capability())
_GRAIN = 32768          # PyTorch's internal::GRAIN_SIZE



def _operand(value, dtype):
    """``value`` as a read-only 0-d array of ``dtype``, the form the kernels below take their constants in:
    NumPy takes it as an operand about a quarter of a microsecond faster than a NumPy scalar of the same
    dtype (the same value and the same promotion), which an exp or log of a batch's few hundred values,
    fifty-odd NumPy calls each, feels."""
    a = np.array(value, dtype)
    a.flags.writeable = False
    return a


_R_LN2 = _operand(1.442695040888963407359924681001892137426645954152985934135449406931, np.float32)
_L2U = _operand(0.693145751953125, np.float32)        # ln 2's high bits: q * _L2U is exact in float32
_L2L = _operand(1.428606765330187045e-06, np.float32)
_POLY = tuple(_operand(c, np.float32) for c in (
    0.000198527617612853646278381, 0.00139304355252534151077271, 0.00833336077630519866943359,
    0.0416664853692054748535156, 0.166666671633720397949219, 0.5))
_POLY64 = tuple(_operand(c, np.float64) for c in _POLY)
_NEG_L2L64 = _operand(-_L2L, np.float64)
_F1 = _operand(1, np.float32)


def _binade_grid(c):
    """``1.5 * 2**(e + 29)`` for the binade ``[2**e, 2**(e + 1))`` of the float32 ``c``: a double near it
    has its last bit at float32's last bit in that binade (``2**(e - 23)``)."""
    return 1.5 * 2.0 ** (int(np.frexp(c)[1]) - 1 + 29)


# The first four fused steps of the exp's polynomial, ``u * s + c`` for the constants _POLY[1:5], stay in
# the binade of their constant for every reduced argument |s| <= 0.35 (|s| <= ln 2 / 2 plus the reduction's
# roundings; the steps grow with s, and at s = -0.35 and +0.35 they are 0.00132 and 0.00146, 0.00787 and
# 0.00885, 0.0389 and 0.0448, 0.153 and 0.182: tests/test_softmax_bits.py checks the ends). So each step is
# one double addition of the exact product and ``c + grid``, which rounds the exact sum once at float32's
# last bit there, as the fused step rounds it, and subtracting ``grid`` back is exact: no float32 array, no
# midpoint check (two of them rounding twice). The last two steps leave their binades (0.5 + s * u crosses
# 0.5; s + s * s * u follows s) and are rounded the usual way.
_POLY_GRID = tuple(_operand(_binade_grid(c), np.float64) for c in _POLY[1:5])
_POLY_ON_GRID = tuple(_operand(float(c) + float(g), np.float64) for c, g in zip(_POLY[1:5], _POLY_GRID))


_CHUNK = 1 << 15         # values per pass of the exp: its double temporaries stay in cache
_GATHER_LIMIT = 4096     # up to this many values the exp's midpoint checks are made in one pass
_TINY = np.float32(2.0 ** -100)                 # below this an input may meet float32's subnormals
_TINY_BITS2 = _operand((int(_TINY.view(np.uint32)) << 1) - 2, np.uint32)
_EXP_ZERO = _operand(-104, np.float32)          # SLEEF's expf is zero below this
_F32_LOW_BITS = _operand(0x1FFFFFFF, np.uint64)  # a double's mantissa bits below float32's
_F32_HALF_ULP = _operand(0x10000000, np.uint64)  # ... holding exactly half a float32 unit
_TWO32 = _operand(2, np.uint32)


def _residual(a, b, c):
    """``a * b + c`` rounded once to float32 where its double sum is exact (a product's rounding error:
    ``c`` is minus the rounded product, or one minus a rounded reciprocal times its divisor; or
    operands whose bits span less than a double's 53)."""
    r = np.multiply(a, b, dtype=np.float64)
    r += c
    return r.astype(np.float32)


def sleef_expf(d):
    """SLEEF's vectorised ``expf`` (u10, FMA build) of the float32 array ``d``, bit for bit."""
    d = np.asarray(d, np.float32)
    flat = d.reshape(-1)
    if not flat.size:
        return flat.reshape(d.shape).copy()
    # (reductions first, a mask only where they find something: a NaN minimum or maximum compares false)
    if flat.min() < _EXP_ZERO:
        low = flat < _EXP_ZERO
        zeros = np.count_nonzero(low)
        if 4 * zeros >= flat.size:    # masked scores (-inf): compute only the others
            out = np.zeros(flat.size, np.float32)
            np.logical_not(low, out=low)
            out[low] = _sleef_expf_flat(flat[low], False)
            return out.reshape(d.shape)
        return _sleef_expf_flat(flat, False).reshape(d.shape)
    return _sleef_expf_flat(flat, bool(flat.max() <= 100)).reshape(d.shape)


def _sleef_expf_flat(flat, in_range):
    """sleef_expf of the 1-d ``flat`` (``in_range``: every value is known to lie in [-104, 100])."""
    out = np.empty(flat.size, np.float32)
    quiet = quiet_fp_enter()
    try:
        for start in range(0, flat.size, _CHUNK):
            piece = flat[start:start + _CHUNK]
            got = _expf_deferred(piece, out[start:start + _CHUNK], in_range)
            # 0 < |d| < _TINY, where the steps may round in the subnormals: the bits doubled (the sign
            # shifted out) less two fall below the bound's doubled less two (zero wraps to the top)
            tiny = np.left_shift(piece.view(np.uint32), 1)
            tiny -= _TWO32
            if tiny.min() < _TINY_BITS2:
                tiny = tiny < _TINY_BITS2
                got[tiny] = _expf_core(piece[tiny], False)
    finally:
        quiet_fp_leave(quiet)
    return out


def _expf_deferred(d, out=None, in_range=False):
    """``_expf_core(d, True)`` (``in_range``: every value of ``d`` is known to lie in [-104, 100]) with the fused steps' midpoint checks gathered: each step's double sum is
    rounded to float32 straight away and only marks its midpoints, and the elements marked (rare; the
    exp is elementwise) are recomputed step by step through ``fma32`` at the end.

    Every operation here has operands of one dtype: NumPy's loops that cast an operand on the fly
    (float32 times double) run through buffers at a third of the speed of a cast and a plain loop."""
    q = d * _R_LN2
    np.rint(q, out=q)
    s = q * _L2U
    np.subtract(d, s, out=s)
    # fma(q, -L2L, s), exact in double (see _expf_core), rounded once to float32
    r = q.astype(np.float64)
    r *= _NEG_L2L64
    s64 = s.astype(np.float64)
    r += s64
    s[...] = r
    s64[...] = s
    # the first four steps, each on the float32 grid of its binade (see _POLY_GRID), in r (s64 holds s)
    np.multiply(s64, _POLY64[0], out=r)
    for step in range(4):
        if step:
            r *= s64
        r += _POLY_ON_GRID[step]
        r -= _POLY_GRID[step]
    u = np.empty(d.shape, np.float32) if out is None else out
    # the last two: double sums rounded to float32; a small array keeps both sums in rows of their own, so
    # that one pass over them finds the midpoints (a check after each step cost three NumPy calls each:
    # most of the time at a batch's 64 x 10), a large one checks after each step, its buffer in cache
    gather = d.size <= _GATHER_LIMIT
    if gather:
        sums = np.empty((2,) + r.shape, np.float64)
        fifth, last = sums
        np.multiply(r, s64, out=fifth)
    else:
        marked = np.zeros(r.shape, bool)
        fifth = last = r
        r *= s64
    fifth += _POLY64[5]                                  # fma(u, s, 0.5)
    u[...] = fifth
    if not gather:
        _mark_midpoints(fifth, marked)
    last[...] = u                                        # fma(s * s, u, s)
    np.multiply(s, s, out=s)
    last *= s.astype(np.float64)
    last += s64
    u[...] = last
    if gather:
        marked = _midpoints(sums)
    else:
        _mark_midpoints(last, marked)
    u += _F1
    np.ldexp(u, q.astype(np.int32), out=u)
    if d.size and not (in_range or d.min() >= _EXP_ZERO and d.max() <= 100):    # (a NaN fails both)
        u[d < _EXP_ZERO] = 0
        u[d > 100] = np.inf
    if marked is not None and (gather or marked.any()):
        u[marked] = _expf_core(d[marked], True)
    return u


def _expf_core(d, normal_range):
    """SLEEF's ``xexpf`` on a 1-d float32 array (``normal_range``: its steps' results are known to be
    far from float32's subnormals)."""
    q = np.rint(d * _R_LN2)                              # float32 product, rounded to even
    s = d - q * _L2U                                     # one rounding: the product is exact
    # fma(q, -L2L, s) needs no check: q is an integer (|q| <= 151) and L2L's last bit is 2**-43, so the
    # product is a multiple of 2**-43 below 2**-12; s is one of d (q = 0) or a multiple of 2**-25 (d's
    # last bit for |d| >= ln 2 / 2, q * L2U's is 2**-15) below 1: the exact sum fits a double
    s = _residual(q, -_L2L, s)
    u = fma32(_POLY[0], s, _POLY[1], normal_range)
    for c in _POLY[2:]:
        u = fma32(u, s, c, normal_range)
    u = fma32(s * s, u, s, normal_range)
    u += _F1
    # times 2**q: SLEEF's two exact-then-rounding products are one correctly rounded scaling (NaN
    # or huge q give garbage exponents here, overwritten just below)
    u = np.ldexp(u, q.astype(np.int32))
    low, high = d < _EXP_ZERO, d > 100
    if low.any() or high.any():
        u[low] = 0
        u[high] = np.inf
    return u


_F32_TINY, _F32_MAX = np.finfo(np.float32).tiny, np.finfo(np.float32).max
_LN2_HI, _LN2_LO = _operand(0.69314718246459960938, np.float32), _operand(-1.904654323148236017e-09, np.float32)
_LOG_POLY = tuple(_operand(c, np.float32) for c in (0.3027294874, 0.3996108174, 0.6666694880))
_FOUR_THIRDS, _THREE_QUARTERS = _operand(1 / 0.75, np.float32), _operand(0.75, np.float32)


def _two_sum_hi_lo(x, y):
    """SLEEF's ``dfadd2`` of two floats: their sum and its rounding error."""
    s = x + y
    v = s - x
    return s, (x - (s - v)) + (y - v)


def sleef_logf(x):
    """SLEEF's vectorised ``logf`` (u10, AVX-512 FMA build) of float32 values, bit for bit for
    positive normal ones (double-float arithmetic around a short polynomial); zero, infinities,
    NaN, negative and subnormal values take NumPy's log, which agrees there."""
    x = np.asarray(x, np.float32)
    flat = x.reshape(-1)
    # (all positive normal, the usual case, told by two reductions: a NaN fails both comparisons)
    ok = True if flat.size and flat.min() >= _F32_TINY and flat.max() <= _F32_MAX else \
        np.isfinite(flat) & (flat >= _F32_TINY)
    d = flat if ok is True else np.where(ok, flat, _F1)
    quiet = quiet_fp_enter()
    try:
        sums = []
        r = _logf_core(d, _marking_fma(sums))
        redo = _midpoints(sums)
        if redo is not None:
            r[redo] = _logf_core(d[redo], fma32)
    finally:
        quiet_fp_leave(quiet)
    if ok is not True and not ok.all():
        with np.errstate(divide='ignore', invalid='ignore'):
            r = np.where(ok, r, np.log(flat))
    return r.reshape(x.shape)


def _marking_fma(sums):
    """``fma32``'s steps with its repairs deferred, for ``_logf_core``: the double sum (the float32
    product is exact in double) rounded straight to float32, and kept in ``sums`` for ``_midpoints``,
    which finds where a sum sits exactly on a float32 midpoint, where rounding twice may differ from
    rounding once. Elsewhere the result is fma32's (a log of a 64-row batch's sums took 150 us through
    six full fma32 calls, each checking its own suspects). fma32's other check, results in float32's
    subnormal range, is not needed there: for positive normal inputs every fused step's exact value is
    zero or a multiple of 2**-98 (the operands' last bits, see ``_logf_core``), or near the polynomial's
    constants."""
    def fma(a, b, c):
        r = np.multiply(a, b, dtype=np.float64)
        r += c
        sums.append(r)
        return r.astype(np.float32)
    return fma


def _midpoints(sums):
    """Which elements have a double sum in ``sums`` (equal-shaped arrays, or one array of them stacked,
    which is overwritten) exactly on a float32 midpoint, as a bool array, or None where none has: all of
    them checked in one pass (a check per sum cost two NumPy calls each)."""
    if isinstance(sums, np.ndarray):
        bits = sums.view(np.uint64)
    else:           # (np.stack's argument handling costs more than the copy: concatenated, then folded)
        bits = np.concatenate(sums).view(np.uint64).reshape((len(sums),) + sums[0].shape)
    np.bitwise_and(bits, _F32_LOW_BITS, out=bits)
    hit = bits == _F32_HALF_ULP
    return hit.any(axis=0) if hit.any() else None


def _mark_midpoints(r, marked):
    """Marks in ``marked`` the elements whose double sum ``r`` (overwritten) is exactly on a float32 midpoint."""
    bits = r.view(np.uint64)
    np.bitwise_and(bits, _F32_LOW_BITS, out=bits)
    marked |= bits == _F32_HALF_ULP


def _logf_core(d, fma, exact_fma=_residual):
    """SLEEF's ``xlogf_u1`` on a 1-d array of positive normal floats, its fused steps by ``fma``
    (``exact_fma``: the two whose double sums are always exact, see below)."""
    e = (np.frexp(d * _FOUR_THIRDS)[1] - 1).astype(np.float32)    # getexp of the product
    f, _ = np.frexp(d)                                  # d = f * 2**k, f in [0.5, 1)
    m = np.where(f >= _THREE_QUARTERS, f, f + f)       # getmant to [0.75, 1.5)
    s_hi = _LN2_HI * e
    # (LN2_LO's last bit is 2**-52 and e an integer, the residual a multiple of 2**-24)
    s_lo = fma(_LN2_LO, e, _residual(_LN2_HI, e, -s_hi))
    # SLEEF's double-float sum -1 + m is m - 1 with an error term of +0: m - 1 is exact for m in
    # [0.75, 1.5) (checked for every m in tests/test_softmax_bits.py)
    n_hi = m - _F1
    d_hi, d_lo = _two_sum_hi_lo(_F1, m)
    t = _F1 / d_hi                                      # double-float division
    x_hi = n_hi * t
    u = _residual(t, n_hi, -x_hi)
    # fma(-d_lo, t, 1 - d_hi * t) needs no check: d_lo, the rounding error of 1 + m, is a multiple of
    # 2**-24 below 2**-22 and t a multiple of 2**-25, so the product is a multiple of 2**-49 below 2**-22;
    # the residual a float32 multiple of 2**-48 below 2**-22: the exact sum fits a double (checked for
    # every m in tests/test_softmax_bits.py; its double sums often sit on float32 midpoints, which
    # _marking_fma would send back through fma32: one element in eleven)
    v = exact_fma(-d_lo, t, _residual(-d_hi, t, _F1))
    # (SLEEF's fused step of the error term, fma(+0, t, u), is u itself: u, the product's rounding error,
    # is never -0; x_hi, v and u are multiples of 2**-49, as t * n_hi is)
    x_lo = fma(x_hi, v, u)
    x2 = x_hi * x_hi
    p = fma(fma(_LOG_POLY[0], x2, _LOG_POLY[1]), x2, _LOG_POLY[2])
    a_hi, a_lo = x_hi + x_hi, x_lo + x_lo
    hi = s_hi + a_hi
    lo = (((s_hi - hi) + a_hi) + s_lo) + a_lo
    y = (x2 * x_hi) * p
    hi2 = hi + y
    return hi2 + (((hi - hi2) + y) + lo)


_libm = None


def libm_expf(x):
    """The C library's ``expf`` of each float32 value (PyTorch's scalar code calls it)."""
    global _libm
    if _libm is None:
        import ctypes.util     # (here: it imports tempfile and costs milliseconds at ``import ember``)
        lib = ctypes.CDLL(ctypes.util.find_library('m'))
        lib.expf.restype = ctypes.c_float
        lib.expf.argtypes = (ctypes.c_float,)
        _libm = lib.expf
    x = np.asarray(x, np.float32)
    out = np.fromiter(map(_libm, x.ravel().tolist()), np.float32, x.size)
    return out.reshape(x.shape)


def _row_max(rows):
    """Each row's maximum of the (R, N) array, as a column: NumPy's reduction along a short last axis is
    slow, so the rows are folded in halves by ``np.maximum`` first (any order gives the same maximum,
    except which of +0/-0 or which NaN: rows whose maximum is a zero or NaN take ``max`` itself)."""
    m = rows
    while m.shape[1] >= 2 and m.shape[1] % 2 == 0:     # (down to one column: a reduction along even
        half = m.shape[1] // 2                          # eight values costs more than three folds)
        m = np.maximum(m[:, :half], m[:, half:])
    if m.shape[1] > 1 or m is rows:     # (a fresh array: the fix-up below writes into it)
        if m.shape[1] <= 32:
            # a few columns left: made rows and reduced across, NumPy's reduction runs along the rows
            # (64 x 5, a batch's 10 classes folded once: 0.65x the time of ``max(axis=1)``; 4096 x 10: 0.26x)
            m = np.maximum.reduce(np.ascontiguousarray(m.T), axis=0)[:, None]
        else:
            m = m.max(axis=1, keepdims=True)
    odd = ~(m != 0)          # zero or NaN
    if odd.any():
        odd = odd[:, 0]
        m[odd] = rows[odd].max(axis=1, keepdims=True)
    return m


def _lane_sum(v):
    """A vector reduction's sum of each row of ``v`` (rows along the last axis)."""
    n = v.shape[-1]
    if n < LANES:
        return _sum_in_order(v)
    acc = _lane_accumulators(v)
    rest = n % LANES
    if rest:
        acc[..., :rest] += v[..., n - rest:]
    return _add_lanes(acc)


def _sum_in_order(v):
    """Each row of ``v`` (rows along the last axis) summed one value after another from zero."""
    n = v.shape[-1]
    if v.size < 2 * n:      # one row: NumPy would sum it as one run, in pairs (a loop of n steps)
        return _running(v, axis=-1)
    # NumPy's reduction over the leading axis of the rows turned into columns adds whole columns in order
    # (a Python loop over a batch's 10 classes cost 5x)
    columns = v.transpose((v.ndim - 1,) + tuple(range(v.ndim - 1)))   # (moveaxis's checks cost more)
    return np.add.reduce(np.ascontiguousarray(columns), axis=0, initial=0.0)


def _lane_accumulators(v, lanes=None):
    """The vector accumulator of each row of ``v`` (at least ``lanes`` values, by default ``LANES``) after
    its whole vectors: lane ``k`` holds the values ``k, k + lanes, ...`` added one after another (lanes
    last; may be a view).

    Slices of a vector per row would cost NumPy a call per row and step (at 4096 rows of 64, 3x the time
    of what is done instead): a few vectors a row are added by whole-array shifts, each adding the next
    vector into every position (the first ``lanes`` of each row are the lanes, the rest is thrown away);
    more are first laid out vector by vector, every row's first, then every row's second, ... (a copy
    moving each vector as one element, ``_by_vectors``), then added as whole arrays."""
    lanes = lanes or LANES
    n = v.shape[-1]
    whole = n // lanes
    if 2 <= whole < 8 and v.flags.c_contiguous:
        flat = v.reshape(-1)
        m = flat.size
        buf = np.empty(m, v.dtype)
        np.add(flat[:m - lanes], flat[lanes:], out=buf[:m - lanes])
        for b in range(2, whole):
            buf[:m - b * lanes] += flat[b * lanes:]
        return buf.reshape(v.shape)[..., :lanes]
    blocks = v[..., :whole * lanes]
    if blocks.strides[-1] == v.itemsize and blocks.size:
        major = np.moveaxis(blocks.reshape(v.shape[:-1] + (whole, lanes)), -2, 0)
        return _running(_by_vectors(major), axis=0)
    return _running(blocks.reshape(v.shape[:-1] + (whole, lanes)), axis=-2)


def _by_vectors(a):
    """A C-contiguous copy of ``a``, whose last axis is contiguous: each run along it is copied as one
    element of a void type of its bytes, a call for all of them where NumPy's copy of the values takes
    one per run (4096 runs of 16 floats: 0.3-0.4x the time)."""
    if a.flags.c_contiguous:
        return a
    run = np.dtype((np.void, a.shape[-1] * a.itemsize))
    return np.ascontiguousarray(a.view(run)).view(a.dtype).reshape(a.shape)


def _add_lanes(acc):
    """The vector reduction's tree over the lanes (the last axis) of the accumulators ``acc``: lane ``i``
    with lane ``i`` plus half the lanes, and so on by halves."""
    lanes = acc.shape[-1]
    # on the rows laid end to end, each step adds the values half its width further on: a row's first
    # ``width`` values are its lanes after the step (the others mix rows and are not read). Whole-array
    # steps: halves of each row as slices cost NumPy a call per row, a transposed copy as much again
    flat = _by_vectors(acc).reshape(-1)
    width = lanes
    while width > 1:
        width //= 2
        flat = flat[:-width] + flat[width:]
    return flat[::lanes].reshape(acc.shape[:-1])


def softmax(x, dim, threads):
    """PyTorch's float32 softmax of the non-empty array ``x`` along ``dim`` (``threads``: the
    intra-op thread count, which decides some positions' exp away from the last dim)."""
    if dim == x.ndim - 1:
        rows = x.reshape(-1, x.shape[-1])
        e = sleef_expf(rows - _row_max(rows))
        e *= (np.float32(1) / _lane_sum(e))[:, None]
        return e.reshape(x.shape)
    v = _as_3d(x, dim)
    outer, size, inner = v.shape
    e = _exp_by_vectors(v - v.max(axis=1, keepdims=True), _softmax_vector_positions(outer, inner, size, threads))
    e /= _sum_from_zero(e)
    return e.reshape(x.shape)


def log_softmax_parts(x, dim):
    """PyTorch's float32 log_softmax of the non-empty array ``x`` along ``dim`` in its parts:
    ``x - max``, its exp, their sum and its log (the last two kept as a dim of one), so that
    log_softmax is ``shifted - log_sum``, rounded as PyTorch's kernels round it."""
    if dim == x.ndim - 1:
        rows = x.reshape(-1, x.shape[-1])
        shifted = rows - _row_max(rows)
        e = sleef_expf(shifted)
        total = _lane_sum(e)[:, None]
        keep = x.shape[:-1] + (1,)
        return shifted.reshape(x.shape), e.reshape(x.shape), total.reshape(keep), sleef_logf(total).reshape(keep)
    v = _as_3d(x, dim)
    outer, size, inner = v.shape
    chunk = max(131072 // size // 4, LANES) // LANES * LANES     # PyTorch's blocks of the inner positions
    position = np.arange(inner) % chunk
    chunk_len = np.minimum(chunk, inner - (np.arange(inner) - position))
    shifted = v - v.max(axis=1, keepdims=True)
    e = _exp_by_vectors(shifted, position < chunk_len - chunk_len % LANES)
    total = _sum_from_zero(e)
    keep = x.shape[:dim] + (1,) + x.shape[dim + 1:]
    return (shifted.reshape(x.shape), e.reshape(x.shape), total.reshape(keep),
            sleef_logf(total).reshape(keep))


def log_softmax(x, dim):
    """PyTorch's float32 log_softmax of the non-empty array ``x`` along ``dim``."""
    shifted, _, _, log_sum = log_softmax_parts(x, dim)
    shifted -= log_sum
    return shifted


def _sum_from_zero(e):
    """Sums over axis 1 of (outer, size, inner), one value after another from zero (kept dim)."""
    total = np.zeros((e.shape[0], 1, e.shape[2]), e.dtype)
    for i in range(e.shape[1]):
        total += e[:, i:i + 1]
    return total


def _as_3d(x, dim):
    outer = int(np.prod(x.shape[:dim], dtype=np.int64))
    inner = int(np.prod(x.shape[dim + 1:], dtype=np.int64))
    return np.ascontiguousarray(x).reshape(outer, x.shape[dim], inner)


def _exp_by_vectors(shifted, vector):
    """exp of the (outer, dim, inner) array: SLEEF's at the positions ``vector`` marks (a bool per
    inner position, or per (outer, inner) position), the C library's elsewhere."""
    e = sleef_expf(shifted)
    mask = np.asarray(vector)
    mask = np.broadcast_to(mask[:, None, :] if mask.ndim == 2 else mask, shifted.shape)
    if not mask.all():
        scalar = ~mask
        e[scalar] = libm_expf(shifted[scalar])
    return e


def _softmax_vector_positions(outer, inner, size, threads):
    """Which (outer, inner) positions PyTorch's non-last-dim softmax computes as vectors: whole
    runs of 16 along ``inner`` inside each thread's share of the ``outer * inner`` positions."""
    total = outer * inner
    # PyTorch 2.13's kernel asks for a grain of min(GRAIN_SIZE / size, 1), not max: one position, so that
    # any two positions are split between threads (none only for a dim longer than GRAIN_SIZE)
    grain = min(_GRAIN // size, 1)
    if total > grain and total > 1 and threads > 1:
        workers = min(threads, -(-total // grain)) if grain else threads
        chunk = -(-total // workers)
        bounds = [(b, min(total, b + chunk)) for b in range(0, total, chunk)]
    else:
        bounds = [(0, total)]
    flags = np.zeros(total, bool)
    for begin, end in bounds:
        idx = begin
        while idx < end:
            inner_idx = idx % inner
            if inner_idx + LANES <= inner and idx + LANES <= end:
                flags[idx:idx + LANES] = True
                idx += LANES
            else:
                idx += (end - idx) if idx + LANES > end else (inner - inner_idx)
    return flags.reshape(outer, inner)
