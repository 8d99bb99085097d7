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

Everything here is float32 arithmetic step by step, each fused step through ``fma32``.
"""
import numpy as np

from ember._random.exact import fma32

_f = np.float32
_VEC = 16   # float32 lanes of an AVX-512 vector


def _scale(n_in, n_out, align_corners, scale_factor):
    """ATen's area_pixel_compute_scale in float32."""
    if align_corners:
        return _f(n_in - 1) / _f(n_out - 1) if n_out > 1 else _f(0)
    if scale_factor is not None and scale_factor > 0:
        return _f(1.0 / scale_factor)
    return _f(n_in) / _f(n_out)


def _source(n_in, n_out, align_corners, scale_factor, cubic=False):
    """The float32 source position of each output index."""
    scale = _scale(n_in, n_out, align_corners, scale_factor)
    dst = np.arange(n_out).astype(_f)
    if align_corners:
        return scale * dst
    src = fma32(dst + _f(0.5), scale, _f(-0.5))
    return src if cubic else np.maximum(src, _f(0))


def linear_weights(n_in, n_out, align_corners, scale_factor):
    """Indices ``i0, i1`` and float32 weights ``w0, w1`` of each output index along one dimension."""
    if n_in == n_out:
        i = np.arange(n_out)
        return i, i, np.ones(n_out, _f), np.zeros(n_out, _f)
    src = _source(n_in, n_out, align_corners, scale_factor)
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    w1 = np.clip(src - i0.astype(_f), _f(0), _f(1))
    i1 = i0 + (i0 < n_in - 1)
    return i0, i1, _f(1) - w1, w1


_A = _f(-0.75)


def _cubic_near(x):
    """``((A + 2) x - (A + 3)) x^2 + 1`` (|x| <= 1), its first step fused as PyTorch's build fuses it."""
    return fma32(_A + _f(2), x, -(_A + _f(3))) * x * x + _f(1)


def _cubic_far(x):
    """``((A x - 5A) x + 8A) x - 4A`` (1 < |x| < 2), its first two steps fused."""
    return fma32(fma32(_A, x, -(_f(5) * _A)), x, _f(8) * _A) * x - _f(4) * _A


def cubic_weights(n_in, n_out, align_corners, scale_factor):
    """The four clamped indices and float32 weights of each output index along one dimension."""
    src = _source(n_in, n_out, align_corners, scale_factor, cubic=True)
    base = np.floor(src)
    t = src - base
    base = base.astype(np.int64)
    idx = [np.clip(base + k, 0, n_in - 1) for k in (-1, 0, 1, 2)]
    one_minus = _f(1) - t
    w = [_cubic_far(t + _f(1)), _cubic_near(t), _cubic_near(one_minus), _cubic_far(one_minus + _f(1))]
    return idx, w


def rounded(plans, dtype):
    """``plans``' weights rounded to ``dtype`` and back to float32: PyTorch's generic kernel keeps a
    float16/bfloat16 input's weights in its type."""
    def r(w):
        return w.astype(dtype).astype(_f)
    out = []
    for plan in plans:
        if len(plan) == 2:          # cubic: (indices, weights)
            out.append((plan[0], [r(w) for w in plan[1]]))
        else:
            i0, i1, w0, w1 = plan
            out.append((i0, i1, r(w0), r(w1)))
    return out


def _along(x, dim, index, weight):
    """``x`` gathered at ``index`` along ``dim`` and the weights shaped to broadcast against it."""
    shape = [1] * x.ndim
    shape[dim] = len(weight)
    return np.take(x, index, axis=dim), weight.reshape(shape)


def generic(x, plans, cubic=False):
    """The generic kernel on an (N, C, *spatial) float32 array: ``plans[k]`` are spatial dimension
    ``k``'s indices and weights (``linear_weights`` or, with ``cubic``, ``cubic_weights``)."""
    out = x
    for k in range(len(plans) - 1, -1, -1):
        dim = 2 + k
        if cubic:
            idx, w = plans[k]
            (t0, w0), (t1, w1) = (_along(out, dim, idx[j], w[j]) for j in (0, 1))
            acc = fma32(t0, w0, t1 * w1)
            for j in (2, 3):
                t, wk = _along(out, dim, idx[j], w[j])
                acc = fma32(t, wk, acc)
            out = acc
        else:
            i0, i1, w0, w1 = plans[k]
            t0, w0 = _along(out, dim, i0, w0)
            t1, w1 = _along(out, dim, i1, w1)
            out = fma32(t0, w0, t1 * w1)
    return out


def _corners(x, plans):
    """The 2**n corner values and weights (products of the per-dimension weights, outer first) of the
    channels-last kernel, corner bits ordered outer dimension first."""
    n = len(plans)
    values, weights = [], []
    for corner in range(2 ** n):
        v = x
        w = None
        for k in range(n):
            hi = (corner >> (n - 1 - k)) & 1
            i0, i1, w0, w1 = plans[k]
            v, wk = _along(v, 2 + k, i1 if hi else i0, w1 if hi else w0)
            w = wk if w is None else w * wk
        values.append(v)
        weights.append(w)
    return values, weights


def channels_last(x, plans):
    """The channels-last kernel (2-d or 3-d): vectors of 16 channels sum the corners as
    ``fma(v0, w0, fma(v1, w1, ... fma(v_last, w_last, v_prev * w_prev)))``, the channels left over as
    ``fma(v_last, w_last, ... fma(v0, w0, v1 * w1))``."""
    values, weights = _corners(x, plans)
    k = len(values)
    channels = x.shape[1]
    out = np.empty(values[0].shape, _f)
    whole = channels // _VEC * _VEC
    if whole:
        v = [a[:, :whole] for a in values]
        acc = fma32(v[k - 1], weights[k - 1], v[k - 2] * weights[k - 2])
        for j in range(k - 3, -1, -1):
            acc = fma32(v[j], weights[j], acc)
        out[:, :whole] = acc
    if whole < channels:
        v = [a[:, whole:] for a in values]
        acc = fma32(v[0], weights[0], v[1] * weights[1])
        for j in range(2, k):
            acc = fma32(v[j], weights[j], acc)
        out[:, whole:] = acc
    return out
