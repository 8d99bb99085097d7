"""Linear and cubic resampling of float32 arrays with the bits PyTorch's x86 CPU build gives.

PyTorch's kernels compute the source positions and weights in float32 and blend the gathered
values with fused multiply-adds, in an order fixed by the kernel that runs:

* the generic kernel (1-d, 3-d, bicubic, and bilinear outputs larger than 128 rows + columns)
  blends the innermost dimension first, and each outer dimension as ``fma(t0, w0, t1 * w1)`` of the
  blended inner results (cubic: then ``fma(tj, wj, acc)`` for the other two);
* the channels-last kernel (2-d outputs of at most 128 rows + columns, channels-last inputs with
  more than 3 channels, and 3-channel images with one thread; 3-d channels-last inputs with more than
  3 channels) weighs the 4 (or 8) corners with products of the per-dimension weights, summed by
  AVX-512 vectors of 16 channels in one nesting and the channels left over in another.

Everything here is float32 arithmetic step by step, each fused step emulated exactly (``_fma``): a
double sum rounded to float32, checked for the rare double-rounding midpoints, or not checked where a
bound on the block's values and the weights' bits proves every double sum exact (``_proofs``:
weights of few bits, as scale factors 2 or 4 give, on data of a limited range).
The same functions take float64 (``t=np.float64``: PyTorch's double kernels, fused steps through
``fma64``; its ``floorf`` rounds a double position to float before flooring).
"""
import math

import numpy as np

from ember._random.exact import fma32, fma64

_f = np.float32
_VEC = 16   # float32 lanes of an AVX-512 vector


def _fused(t):
    """The fused multiply-add of float type ``t``."""
    return fma64 if t is np.float64 else fma32


def _scale(n_in, n_out, align_corners, scale_factor, t=_f):
    """ATen's area_pixel_compute_scale in float type ``t``."""
    if align_corners:
        return t(n_in - 1) / t(n_out - 1) if n_out > 1 else t(0)
    if scale_factor is not None and scale_factor > 0:
        return t(1.0 / scale_factor)
    return t(n_in) / t(n_out)


def _source(n_in, n_out, align_corners, scale_factor, cubic=False, t=_f):
    """The source position (float type ``t``) of each output index."""
    scale = _scale(n_in, n_out, align_corners, scale_factor, t)
    dst = np.arange(n_out).astype(t)
    if align_corners:
        return scale * dst
    src = _fused(t)(dst + t(0.5), scale, t(-0.5))
    return src if cubic else np.maximum(src, t(0))


def _floorf(src):
    """ATen's ``floorf`` of a source position: a double position is rounded to float first."""
    return np.floor(src.astype(_f)).astype(np.int64)


def linear_weights(n_in, n_out, align_corners, scale_factor, t=_f):
    """Indices ``i0, i1`` and weights ``w0, w1`` (float type ``t``) of each output index along one
    dimension."""
    if n_in == n_out:
        i = np.arange(n_out)
        return i, i, np.ones(n_out, t), np.zeros(n_out, t)
    src = _source(n_in, n_out, align_corners, scale_factor, t=t)
    i0 = np.minimum(_floorf(src), n_in - 1)
    w1 = np.clip(src - i0.astype(t), t(0), t(1))
    i1 = i0 + (i0 < n_in - 1)
    return i0, i1, t(1) - w1, w1


def _cubic_near(x):
    """``((A + 2) x - (A + 3)) x^2 + 1`` (|x| <= 1, A = -0.75), its first step fused as PyTorch's build
    fuses it."""
    t = x.dtype.type
    a = t(-0.75)
    return _fused(t)(a + t(2), x, -(a + t(3))) * x * x + t(1)


def _cubic_far(x):
    """``((A x - 5A) x + 8A) x - 4A`` (1 < |x| < 2), its first two steps fused."""
    t = x.dtype.type
    a = t(-0.75)
    fma = _fused(t)
    return fma(fma(a, x, -(t(5) * a)), x, t(8) * a) * x - t(4) * a


def cubic_weights(n_in, n_out, align_corners, scale_factor, t=_f):
    """The four clamped indices and weights (float type ``t``) of each output index along one
    dimension."""
    src = _source(n_in, n_out, align_corners, scale_factor, cubic=True, t=t)
    base = np.minimum(_floorf(src), n_in - 1)
    t = np.clip(src - base.astype(src.dtype), src.dtype.type(0), src.dtype.type(1))
    idx = [np.clip(base + k, 0, n_in - 1) for k in (-1, 0, 1, 2)]
    one = src.dtype.type(1)
    one_minus = one - t
    w = [_cubic_far(t + one), _cubic_near(t), _cubic_near(one_minus), _cubic_far(one_minus + one)]
    return idx, w


def rounded(plans, dtype):
    """``plans``' weights rounded to ``dtype`` and back to float32: PyTorch's generic kernel keeps a
    float16/bfloat16 input's weights in its type (the linear ones as ``w1`` and ``1 - w1`` in it)."""
    def r(w):
        return w.astype(dtype).astype(_f)
    out = []
    for plan in plans:
        if len(plan) == 2:          # cubic: (indices, weights)
            out.append((plan[0], [r(w) for w in plan[1]]))
        else:
            i0, i1, _, w1 = plan
            w1 = r(w1)
            out.append((i0, i1, r(_f(1) - w1), w1))
    return out


_LOW_BITS = np.uint64(0x1FFFFFFF)         # the double mantissa bits a float does not have
_MIDPOINT_BITS = np.uint64(0x10000000)    # ... as they are for a double halfway between two floats
_EXP_BITS = np.uint64(0x7FF0000000000000)
_TINY_EXP = np.uint64((1023 - 126) << 52)   # doubles below float32's smallest normal
_BLOCK = 15000                              # output elements per block: a block's temporaries stay in cache


def _fma(a, w, c, exact=False, normal=False):
    """``a * w + c`` rounded once to float32 (``a``, ``c`` float32 arrays of one shape, ``w`` float32
    broadcasting to it).  The product is exact in double and the double sum rounds to the fused result
    except when it lands exactly on a float32 midpoint or below float32's normal range; those few
    elements are redone with an error-free sum rounded to odd.  ``exact`` promises that every double
    sum is exact, which needs no check, ``normal`` that none is below float32's normal range but
    zero, which needs no check of that (``_proofs``).  float64 arrays: ``fma64``."""
    if a.dtype == np.float64:
        return fma64(a, w, c)
    # conversions then same-type operations: NumPy runs these far faster than mixed-type ones
    p = a.astype(np.float64)
    p *= np.asarray(w, np.float64)        # (the weights: a small array)
    s = c.astype(np.float64)
    s += p
    if exact:
        return s.astype(_f)
    bits = s.view(np.uint64)
    suspect = (bits & _LOW_BITS) == _MIDPOINT_BITS
    if not normal:
        suspect |= (bits & _EXP_BITS) < _TINY_EXP
    out = s.astype(_f)
    if suspect.any():
        where = np.flatnonzero(suspect)
        ps = p.reshape(-1)[where]      # the exact products, kept: no gather of ``a`` and ``w``
        total = s.reshape(-1)[where]
        back = total - ps
        err = (ps - (total - back)) + (c.reshape(-1)[where] - back)
        odd = (err != 0) & ((total.view(np.uint64) & np.uint64(1)) == 0)
        if odd.any():   # an inexact double sum: nudged to its odd neighbour, it rounds as the exact one
            total = total[odd]
            out.reshape(-1)[where[odd]] = np.nextafter(total, np.where(err[odd] > 0, np.inf, -np.inf)).astype(_f)
    return out


def _lowest_bit(w):
    """The smallest of the lowest set bits (as values: powers of two) of ``w``'s nonzero elements; inf
    when there is none."""
    w = np.abs(np.asarray(w, np.float64)).reshape(-1)
    w = w[w != 0]
    if not w.size:
        return np.inf
    m, e = np.frexp(w)
    whole = np.ldexp(m, 53).astype(np.int64)
    return float(np.min(np.ldexp((whole & -whole).astype(np.float64), e - 53)))


def _float_step(v):
    """A lower bound of the spacing of float32 numbers at magnitude ``v`` and above (> 0)."""
    return max(2.0 ** -149, math.ldexp(1.0, math.frexp(v)[1] - 24))


def blend_bounds(weights):
    """What ``_proofs`` needs to know of a blend's weights (float32 arrays, one per term): the smallest
    lowest set bit, the sum of the largest magnitudes, and whether they have too many bits for any
    block's sums to be proven exact (values within a factor 64 would fail)."""
    w_low = min(_lowest_bit(w) for w in weights)
    w_sum = sum(float(np.max(np.abs(w))) for w in weights)
    return w_low, w_sum, w_sum == 0 or 2 * w_sum * 64 >= 2.0 ** 29 * w_low


def _proofs(block, bounds, fused):
    """What a blend of ``block``'s values (weights: ``blend_bounds``) over ``fused`` fused steps' elements
    is proven to need: (no check at all, no check of float32's subnormal range).

    Every nonzero value is a whole multiple of ``g`` = (the float32 spacing at the smallest magnitude)
    times (the weights' smallest lowest bit), and so is every product of a value and a weight; so is
    any rounding of such a multiple, to float32 or double (it is either exact or rounds to a coarser
    spacing), hence every partial sum and rounded product, whatever cancels.  Sums of multiples of
    ``g`` below 2**53 ``g`` are exact in double (no sum exceeds twice the largest value times the sum
    of the largest weights), so rounding them once to float32 is the fused result; and with ``g`` at
    least 2**-126 no double sum is nonzero below float32's normal range.  Measuring the block costs
    about what the subnormal check of as many elements does, so it is skipped when only that check
    could be saved and the block is the larger."""
    w_low, w_sum, hopeless = bounds
    if block.dtype != _f or (hopeless and block.size > fused):
        return False, False
    a = np.abs(block)
    hi = float(a.max()) if a.size else 0.0
    if hi == 0:
        return True, True
    if not math.isfinite(hi):
        return False, False
    lo = float(a.min(where=a > 0, initial=np.inf))
    g = _float_step(lo) * w_low
    return not hopeless and 2 * hi * w_sum < 2.0 ** 53 * g, g >= 2.0 ** -126


def _along(x, dim, index, weight):
    """``x`` gathered at ``index`` along ``dim`` and the weights shaped to broadcast against it."""
    shape = [1] * x.ndim
    shape[dim] = len(weight)
    return np.take(x, index, axis=dim), weight.reshape(shape)


def _by_planes(x, out_spatial, fn):
    """``fn`` applied to blocks of ``x``'s (N * C) planes, shaped (planes, 1, *spatial), assembled into
    an (N, C, *out_spatial) array: each block's work stays in cache."""
    n, c = x.shape[:2]
    planes = x.reshape((n * c, 1) + x.shape[2:])
    out = np.empty((n * c, 1) + tuple(out_spatial), x.dtype)
    step = max(1, _BLOCK // max(1, int(np.prod(out_spatial))))
    for s in range(0, n * c, step):
        out[s:s + step] = fn(planes[s:s + step])
    return out.reshape((n, c) + tuple(out_spatial))


def generic(x, plans, cubic=False):
    """The generic kernel on an (N, C, *spatial) float32 array: ``plans[k]`` are spatial dimension
    ``k``'s indices and weights (``linear_weights`` or, with ``cubic``, ``cubic_weights``)."""
    bounds = [blend_bounds(p[1] if cubic else p[2:]) for p in plans]

    def run(block):
        for k in range(len(plans) - 1, -1, -1):
            dim = 2 + k
            if cubic:
                idx, w = plans[k]
                proofs = _proofs(block, bounds[k], 3 * block.size // block.shape[dim] * len(w[0]))
                (t0, w0), (t1, w1) = (_along(block, dim, idx[j], w[j]) for j in (0, 1))
                acc = _fma(t0, w0, t1 * w1, *proofs)
                for j in (2, 3):
                    t, wk = _along(block, dim, idx[j], w[j])
                    acc = _fma(t, wk, acc, *proofs)
                block = acc
            else:
                i0, i1, w0, w1 = plans[k]
                proofs = _proofs(block, bounds[k], block.size // block.shape[dim] * len(w0))
                t0, w0 = _along(block, dim, i0, w0)
                t1, w1 = _along(block, dim, i1, w1)
                block = _fma(t0, w0, t1 * w1, *proofs)
        return block
    sizes = [len(p[0][0]) if cubic else len(p[0]) for p in plans]
    return _by_planes(x, sizes, run)


def _corners(x, plans):
    """The 2**n corner values of the channels-last kernel, corner bits ordered outer dimension first;
    each gather along a dimension is shared by the corners that agree on the dimensions before it."""
    values = [x]
    for k, (i0, i1, _, _) in enumerate(plans):
        values = [np.take(v, index, axis=2 + k) for v in values for index in (i0, i1)]
    return values


class _CornerWeights:
    """The channels-last kernel's corner weights (products of the per-dimension weights, outer first,
    shaped to broadcast against a block), in the plans' type and in double, and their
    ``blend_bounds``: computed once for all blocks."""

    def __init__(self, plans, ndim):
        weights = [None]
        for k, (_, _, w0, w1) in enumerate(plans):
            shape = [1] * ndim
            shape[2 + k] = len(w0)
            weights = [wk.reshape(shape) if w is None else w * wk.reshape(shape)
                       for w in weights for wk in (w0, w1)]
        self.w = weights
        self.w64 = [w.astype(np.float64) for w in weights]
        self.bounds = _corner_bounds(plans)


def _corner_bounds(plans):
    """``blend_bounds`` of the channels-last kernel's corner weights, from each dimension's: a float32
    product of weights is a multiple of the product of their lowest bits (see ``_proofs``) and at
    most their product plus its rounding."""
    w_low, w_sum = 1.0, 1.01
    for plan in plans:
        low, total, _ = blend_bounds(plan[2:])
        w_low, w_sum = w_low * low, w_sum * total
    return w_low, w_sum, w_sum == 0 or 2 * w_sum * 64 >= 2.0 ** 29 * w_low


def _vector_sum(x, plans, corner, reduced=False):
    """AVX-512 vectors' nesting: ``fma(v0, w0, fma(v1, w1, ... fma(v_last, w_last, v_prev * w_prev)))``
    for float32; float16/bfloat16 (``reduced``, widened to float) end in ``fma(v_prev, w_prev, v_last *
    w_last)``."""
    v, w, w64 = _corners(x, plans), corner.w, corner.w64
    proofs = _proofs(x, corner.bounds, (len(v) - 1) * v[0].size)
    k = len(v)
    last, prev = (k - 2, k - 1) if reduced else (k - 1, k - 2)
    acc = _fma(v[last], w64[last], v[prev] * w[prev], *proofs)
    for j in range(k - 3, -1, -1):
        acc = _fma(v[j], w64[j], acc, *proofs)
    return acc


def _scalar_sum(x, plans, corner):
    """The scalar loop's nesting: ``fma(v_last, w_last, ... fma(v0, w0, v1 * w1))``."""
    v, w, w64 = _corners(x, plans), corner.w, corner.w64
    proofs = _proofs(x, corner.bounds, (len(v) - 1) * v[0].size)
    acc = _fma(v[0], w64[0], v[1] * w[1], *proofs)
    for j in range(2, len(v)):
        acc = _fma(v[j], w64[j], acc, *proofs)
    return acc


def channels_last(x, plans, reduced=False):
    """The channels-last kernel (2-d or 3-d): whole vectors of 16 channels, then the channels left
    over one at a time, each summing the corners in its own nesting (``reduced``: the input was
    float16/bfloat16, widened to float32 here)."""
    channels = x.shape[1]
    sizes = [len(p[0]) for p in plans]
    lanes = _VEC if x.dtype == np.float32 else _VEC // 2     # 8 doubles to an AVX-512 vector
    whole = channels // lanes * lanes
    corner = _CornerWeights(plans, x.ndim)
    if whole == channels:
        return _by_planes(x, sizes, lambda b: _vector_sum(b, plans, corner, reduced))
    if not whole:
        return _by_planes(x, sizes, lambda b: _scalar_sum(b, plans, corner))
    out = np.empty(x.shape[:2] + tuple(sizes), x.dtype)
    out[:, :whole] = _by_planes(np.ascontiguousarray(x[:, :whole]), sizes,
                                lambda b: _vector_sum(b, plans, corner, reduced))
    out[:, whole:] = _by_planes(np.ascontiguousarray(x[:, whole:]), sizes, lambda b: _scalar_sum(b, plans, corner))
    return out
