"""float32 GELU (exact form) with the bits PyTorch's x86 CPU build gives.

PyTorch hands a contiguous float32 tensor of more than one element to oneDNN, whose AVX-512 GELU
evaluates ``erf(|x| / sqrt(2))`` as one of 25 degree-5 polynomials in ``|x|``, chosen by the
exponent and two leading mantissa bits of ``|x|``, with fused multiply-adds; the result is
``(x * (1 + sign(x) * P(|x|))) * 0.5``.  Every other float32 input (one element, or a strided view)
goes through ATen's own kernel: blocks of 32 elements (two AVX-512 vectors) use the
Abramowitz-Stegun form ``1 - t * r(t) * exp(-x^2)`` with SLEEF's ``expf``, and the elements left
over at the end of each contiguous run use the C library's ``erff``.  Both are reproduced here step
by step in float32, each fused step through ``fma32``; ``tests/test_gelu_bits.py`` pins the result
against PyTorch's recorded outputs.

Machines without AVX-512 run other code in PyTorch (oneDNN's AVX2 GELU uses the
Abramowitz-Stegun form everywhere); ember follows the AVX-512 build.
"""
import math

import numpy as np

from ember._random.exact import fma32
from ember.ops import _chunk_threads, _gelu_bwd_onednn, _libm_float32

_f = np.float32

# oneDNN's minimax coefficients (float32 bit patterns), row d = coefficient of |x|**d, column = piece
_PIECES = np.array([[int(h, 16) for h in row.split()] for row in (
    "a6f2cb94 32827792 3381cc0c 34523d4a 351ac44d 35f36d88 36ee8229 37b8a3bb 3867a213 3940033b 3a2a5a1d 3ae35863 "
    "3b7828f2 3c08b14b 3c515ed3 bb503236 bd8d8e5e be8abcd9 bf0c19a2 beccb328 3e176ced 3f470d99 3f7abb28 3f800000 "
    "00000000",
    "3f4c422a 3f4c421f 3f4c4207 3f4c41cb 3f4c413b 3f4c3fad 3f4c3a2f 3f4c2d40 3f4c146a 3f4bc341 3f4ad08c 3f48f8cf "
    "3f45fac7 3f404e07 3f3b980f 3f48dff3 3f78b21b 3fbb0704 40019c32 3fe536d6 3f81331e 3e6c8684 3c98f936 00000000 "
    "3f800000",
    "b62173f4 3735e4cf 37f2ff89 388c23be 3917535c 39ab2ab0 3a60fadb 3af9b960 3b6e5491 3c0a4ec5 3ca5aa8c 3d2138d9 "
    "3d8737d4 3ddfb660 3e0f27ab 3d94004b be0efdeb bf1d96c3 bf89db58 bf6d9897 bef69fb8 bdc4f8a8 bbde6422 00000000 "
    "00000000",
    "be081a19 be084570 be08639b be089837 be08f409 be09ab95 be0b66d0 be0e400a be124df8 be1bde02 be2f19c9 be4931bf "
    "be685fbc be89c95f be96cbca be8044aa be0550f2 3dcfd6a1 3e94c826 3e79345f 3decec91 3ca46568 3aa1e00a 00000000 "
    "00000000",
    "ba3d61db 39f097a3 3a5845dc 3ab1fa35 3b0cefb8 3b653ab6 3bcae527 3c221712 3c6c5840 3cc0a703 3d1dcc19 3d63656d "
    "3d955907 3dbf9910 3dd53f69 3db7dcef 3d639ebe ba6ede48 bd22be69 bd041cf1 bc64f5ab bb097a32 b8ebf380 00000000 "
    "00000000",
    "3cb7d80c 3c9b6050 3c978d11 3c92e850 3c8d058b 3c848454 3c6cd623 3c4c824b 3c2a7935 3be0b390 3b0651ac bb232f53 "
    "bbd42fa0 bc2c5366 bc492c9e bc2a7aa6 bbd55d04 ba823a76 3b102aa8 3ae25a7e 3a31f792 38b84375 3689bb5a 00000000 "
    "00000000",
)], np.uint32).view(_f)
_PIECE_BIAS = np.int32(np.uint32(0xc21fffff).view(np.int32))   # maps |x|'s bits to piece numbers by a shift
_LAST_PIECE_BOUND = np.uint32(0x40b15cee).view(_f)             # beyond it erf rounds to 1 (piece 23)

_HALF = _f(0.5)
_ONE = _f(1)
_SIGN_BIT = np.uint32(0x80000000)
_SQRT_HALF = _f(math.sqrt(0.5))
_CHUNK = 1 << 16   # elements per chunk: fewer NumPy calls (a GPT block's 1024 x 512 activations: 0.9x the
#                    time of chunks of 1 << 15, whose double temporaries fit the L2 cache)


def _piece_of_bits(bits):
    """oneDNN's piece number for ``|x|``'s bits (below the last piece's bound; see ``_pieces``)."""
    piece = np.add(bits.view(np.int32), _PIECE_BIAS, dtype=np.int32)
    piece >>= 21
    return np.clip(piece, 1, 24)


# The piece depends on the bits only through ``(bits + 0x1fffff) >> 21`` (oneDNN adds a bias whose low
# 21 bits are ones, then shifts by 21), so each of those 1025 buckets has one piece and one row of
# coefficients, looked up by a plain gather. The last piece's bound falls inside bucket 0x206, which
# keeps piece 22; its elements above the bound are set to piece 23's erf = 1 afterwards.
_BUCKET_BIAS = np.uint32(0x1fffff)
_BUCKET_PIECE = _piece_of_bits(np.minimum(np.arange(1025, dtype=np.int64) << 21, 0x7fffffff).astype(np.uint32))
_BUCKET_PIECE[0x207:0x3fd] = 23     # every |x| of these buckets lies above the bound (infinity: 0x3fc)
_BUCKET_206_TOP = np.uint32(0x206 << 21).view(_f)     # 6.0, the largest |x| of bucket 0x206
_COEFFS_BY_BUCKET = np.ascontiguousarray(_PIECES.astype(np.float64)[:, _BUCKET_PIECE])   # (6, 1025)
_MIDPOINT_BITS = np.uint64(0x10000000)     # a double exactly halfway between two floats ends in these
_LOW_BITS = np.uint64(0x1FFFFFFF)          # (the 29 mantissa bits a float does not have)


def _buckets(a):
    """Each ``a = |x|``'s bucket (see above), as indices for ``take``."""
    bucket = np.add(a.view(np.uint32), _BUCKET_BIAS)
    bucket >>= 21
    return bucket.astype(np.intp)


def _pieces(a):
    """The coefficients (doubles, one row per power of ``a``) of the polynomial oneDNN evaluates for
    each ``a = |x|``."""
    coeffs = _COEFFS_BY_BUCKET.take(_buckets(a), axis=1, mode="clip")   # (clip: no bounds check, faster)
    coeffs[:, a > _LAST_PIECE_BOUND] = _PIECES[:, 23:24]
    return coeffs


def _erf_pieces_fused(a):
    """oneDNN's ``erf(a / sqrt(2))`` for a float32 array ``a = |x|``, each Horner step through ``fma32``."""
    coeffs = _pieces(a)
    p = coeffs[5].astype(_f)
    for d in range(4, -1, -1):
        p = fma32(p, a, coeffs[d].astype(_f))
    return p


# the one input (of all floats below the last piece's bound) whose double Horner sums round differently
# from the fused steps: scripts/check_gelu_pieces.py finds it by trying every input
_DOUBLE_ROUNDED = np.uint32(0x2770a2f2).view(_f)


def _erf_pieces(a):
    """oneDNN's ``erf(a / sqrt(2))`` for a float32 array ``a = |x|`` (see ``_signed_erf_pieces``)."""
    return _signed_erf_pieces(a.reshape(-1)).reshape(a.shape)


# The same polynomials applied to signed ``x``: the index ``(bits(x) + 0x1fffff) >> 21`` is the bucket of
# ``|x|`` for ``x >= +0`` and 1024 more for ``x <= -0`` (0x80000000 is bucket 1024's first bit pattern), and
# a negative ``x``'s row holds ``(-1)**(d + 1)`` times the coefficient of ``|x|**d``: Horner's steps on
# ``x`` then give exactly the negation of those on ``|x|`` (each fused step's rounding is symmetric),
# ``sign(x) * P(|x|)`` with no ``abs`` or sign pass. (NaNs, whatever their index, give NaN.)
_SIGNED_COEFFS = np.concatenate([_COEFFS_BY_BUCKET[:, :1024],
                                 _COEFFS_BY_BUCKET[:, :1024] * (-1.0) ** (np.arange(6) + 1)[:, None]], axis=1)
# The coefficients of two consecutive steps side by side, as one complex number per index: (5, 4), (3, 2),
# (1, 0). NumPy's ``take`` moves a 16-byte element as fast as an 8-byte one, so one gather brings two
# steps' coefficients (half the gathers, which were half the time); the steps read them as the strided
# ``real`` and ``imag`` views.
_SIGNED_PAIRS = tuple(
    np.ascontiguousarray(np.stack([_SIGNED_COEFFS[d], _SIGNED_COEFFS[d - 1]], axis=1)).view(np.complex128)
    .reshape(-1) for d in (5, 3, 1))


def _signed_erf_pieces(x):
    """``sign(x) * erf(|x| / sqrt(2))`` as oneDNN computes it, for a 1-d float32 array ``x``: Horner's
    steps fused, each done in double (the product of two floats is exact there) and rounded to
    float32, which is the fused step's single rounding except where a double sum lands on a float32
    midpoint (one input, repaired). Every operation has operands of one dtype (NumPy's loops that
    cast an operand on the fly run at a third of the speed of a cast and a plain loop)."""
    index = np.add(x.view(np.uint32), _BUCKET_BIAS)     # (wraps for NaNs only)
    index >>= 21
    index = index.astype(np.intp)
    x64 = x.astype(np.float64)
    p = np.empty_like(x64)
    p32 = np.empty(x.shape, _f)
    for k, pair in enumerate(_SIGNED_PAIRS):
        c = pair.take(index, mode="wrap")
        if k == 0:
            np.multiply(c.real, x64, out=p)         # (the leading coefficient times x)
        else:
            p *= x64
            p += c.real
            p32[...] = p
            p[...] = p32
            p *= x64
        p += c.imag
        p32[...] = p
        if k < len(_SIGNED_PAIRS) - 1:
            p[...] = p32
    # one pass of |x| and two reductions decide both repairs below (a NaN fails both comparisons)
    a = np.abs(x)
    # bucket 0x206's elements above the bound: piece 23's value (later buckets have piece 23's
    # coefficients already, whose 0 * x also gives oneDNN's NaN at infinity); rarely needed: |x| > 5.54
    if x.size and not a.max() <= _LAST_PIECE_BOUND:
        above = np.greater(a, _LAST_PIECE_BOUND)
        above &= np.less_equal(a, _BUCKET_206_TOP)
        np.copyto(p32, np.copysign(_ONE, x), where=above)
        # at -infinity 0 * x gives the NaN that oneDNN's product at +infinity gives, which it then
        # flips with the sign of x
        p32.view(np.uint32)[x == -np.inf] ^= _SIGN_BIT
    # the double-rounded input is tiny (|x| ~ 3e-15): only looked for where some |x| is that small
    if x.size and not a.min() > _DOUBLE_ROUNDED:
        odd = np.equal(a, _DOUBLE_ROUNDED)
        if odd.any():
            p32[odd] = np.copysign(_erf_pieces_fused(a[odd]), x[odd])
    return p32


def midpoint_inputs(a):
    """The float32 inputs ``a >= 0`` where ``_erf_pieces`` and the step-by-step fused evaluation differ,
    among those whose double Horner sums land exactly halfway between two floats (elsewhere rounding
    the double is the fused step's rounding)."""
    coeffs = _pieces(a)
    a64 = a.astype(np.float64)
    p = coeffs[5].copy()
    hit = np.zeros(a.shape, bool)
    for d in range(4, -1, -1):
        p *= a64
        p += coeffs[d]
        hit |= (p.view(np.uint64) & _LOW_BITS) == _MIDPOINT_BITS
        p = p.astype(_f).astype(np.float64)
    a = a[hit]
    return a[_erf_pieces(a) != _erf_pieces_fused(a)]


def onednn_gelu(x, keep_cdf=False, keep_slope=False):
    """GELU of a float32 array as oneDNN computes it; with ``keep_cdf`` also ``Phi(x)`` (the
    polynomial's ``(1 + erf) / 2``, flat), with ``keep_slope`` instead GELU's derivative as oneDNN's
    backward computes it (``_gelu_bwd_onednn``, flat), made while each chunk is in cache: PyTorch's
    backward of the same contiguous input is then the gradient times it."""
    flat = np.ascontiguousarray(x).reshape(-1)
    out = np.empty_like(flat)
    kept = np.empty_like(flat) if keep_cdf or keep_slope else None

    def chunk(s, e):
        xs = flat[s:e]
        erf = _signed_erf_pieces(xs)     # (the sign of x applied to erf(|x|), as oneDNN applies it)
        erf += _ONE
        np.multiply(xs, erf, out=out[s:e])
        out[s:e] *= _HALF
        if keep_slope:
            _gelu_bwd_onednn.derivative_into(xs, kept[s:e])
        elif keep_cdf:
            np.multiply(erf, _HALF, out=kept[s:e])
    # (chunks are independent: they run on ember's threads where set_num_threads allows several)
    _chunk_threads.for_element_chunks(flat.size, _CHUNK, chunk)
    out = out.reshape(np.shape(x))
    return (out, kept) if kept is not None else out


# --- ATen's own kernel (one element, strided views) ---

_LN2_HI, _LN2_LO = _f(0.693145751953125), _f(1.428606765330187045e-06)
_LOG2E = _f(1.442695040888963407359924681001892137426645954152985934135449406931)
_EXP_POLY = [_f(c) for c in (0.00139304355252534151077271, 0.00833336077630519866943359,
                             0.0416664853692054748535156, 0.166666671633720397949219, 0.5)]
_EXP_LEAD = _f(0.000198527617612853646278381)
_AS_P = _f(0.3275911)
_AS_POLY = [_f(c) for c in (-1.453152027, 1.421413741, -0.284496736, 0.254829592)]
_AS_LEAD = _f(1.061405429)


def _sleef_expf(d):
    """SLEEF's ``expf`` (1-ulp version, fused steps) of a float32 array."""
    q = np.rint(d * _LOG2E).astype(np.int32)
    qf = q.astype(_f)
    s = fma32(qf, -_LN2_HI, d)
    s = fma32(qf, -_LN2_LO, s)
    u = np.full(d.shape, _EXP_LEAD, _f)
    for c in _EXP_POLY:
        u = fma32(u, s, c)
    u = _ONE + fma32(s * s, u, s)
    half = q >> 1
    u = u * np.ldexp(_ONE, half).astype(_f) * np.ldexp(_ONE, q - half).astype(_f)
    u[d < -104] = 0
    u[d > 100] = np.inf
    return u


def _vector_erf(x):
    """ATen's vectorised float32 ``erf`` (Abramowitz and Stegun 7.1.26 with fused steps)."""
    a = np.abs(x)
    t = _ONE / fma32(_AS_P, a, _ONE)
    r = np.full(x.shape, _AS_LEAD, _f)
    for c in _AS_POLY:
        r = fma32(r, t, c)
    e = -_sleef_expf(-(x * x))
    v = fma32(e * t, r, _ONE)
    return np.where(np.signbit(x), -v, v)


def _runs(x, threads):
    """``x``'s elements in the order ATen's iterator visits them (memory order) as a flat array,
    and the (start, stop) pieces one inner loop call gets: runs of the innermost dense dimension,
    cut where the work is split between threads."""
    order = sorted(range(x.ndim), key=lambda d: -abs(x.strides[d]))
    y = x.transpose(order)
    run = 1
    for d in range(y.ndim - 1, -1, -1):
        if y.shape[d] == 1:
            continue
        if y.strides[d] != run * x.itemsize:
            break
        run *= y.shape[d]
    n = x.size
    flat = np.ascontiguousarray(y).reshape(-1)
    n_threads = threads() if n > 16384 else 1
    grain = n // n_threads if n > 16384 else 32768
    bounds = [(0, n)]
    if n_threads > 1 and n >= grain:
        used = min(n_threads, -(-n // grain))
        step = -(-n // used)
        bounds = [(b, min(n, b + step)) for b in range(0, n, step)]
    pieces = []
    for lo, hi in bounds:
        s = lo
        while s < hi:
            e = min(hi, (s // run + 1) * run)
            pieces.append((s, e))
            s = e
    return flat, y, order, pieces


def aten_gelu(x, threads):
    """GELU of a float32 array as ATen's own kernel computes it (``threads()``: the intra-op thread
    count, which decides where the work is cut)."""
    flat, y, order, pieces = _runs(x, threads)
    out = np.empty_like(flat)
    vec = np.zeros(flat.size, bool)
    for s, e in pieces:
        vec[s:s + (e - s) // 32 * 32] = True
    with np.errstate(invalid='ignore', over='ignore'):
        scaled = flat * _SQRT_HALF
        erf = np.empty_like(flat)
        if vec.any():
            erf[vec] = _vector_erf(scaled[vec])
        if not vec.all():
            erf[~vec] = _libm_float32.erff(scaled[~vec])
        out = (flat * _HALF) * (_ONE + erf)
    inverse = np.argsort(order)
    return out.reshape(y.shape).transpose(inverse).copy()


def gelu(x, threads, keep_cdf=False, keep_slope=False):
    """float32 GELU of ``x`` with PyTorch's bits (``threads``: see ``aten_gelu``; ``keep_cdf``,
    ``keep_slope``: see ``onednn_gelu``, the strided path keeps none)."""
    if x.size > 1 and x.flags.c_contiguous:
        return onednn_gelu(x, keep_cdf, keep_slope)
    out = aten_gelu(x, threads)
    return (out, None) if keep_cdf or keep_slope else out
