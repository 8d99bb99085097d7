"""Batch norm's training forward and first-order backward on NumPy arrays, in few passes.

Per-channel statistics are sums over (N, spatial): each (sample, channel) row of a contiguous
(N, C, *S) array is one contiguous run, so the sums are row sums (and row dot products for the
variance and the gradient's projection) followed by a sum over the batch: no reduction over
non-adjacent axes and no temporary product array. Every full-size array is written once: the
forward centres the input into the output's memory and scales it there; the backward builds the
input gradient in the memory of the centred input. (A fresh array of a few MB costs as much as a
pass over it, in page faults; the op-by-op formulas made four to six of them.)

The results are those of the closed forms in ``norm.py``:

    y  = (x - mean) * invstd * w + b
    gx = w * invstd * (g - mean(g) - xhat * mean(g * xhat)),   gw = sum(g * xhat),   gb = sum(g)

float32 forwards take PyTorch's own order instead (``train_forward_bits``/``eval_forward_bits``): its
CPU kernel sums each channel's inputs, and the float32 squares of ``x - mean``, one after another in
double, and writes ``y = x * alpha + beta`` (``alpha = invstd * w``, ``beta = b - mean * alpha``) as
fused multiply-adds. A channels-last copy makes each channel a column, whose double sum over the
rows NumPy takes in row order; the fused steps are done in double (``_random.exact.fma32``). That
costs a few times these float32 passes, for PyTorch's bits.
"""
import threading

import numpy as np

from ember._random.exact import fma32, fma32_rows
from ember._threads import intra_op_threads
from ember.ops._channels_last_copy import channel_columns

_rowdot = getattr(np, 'vecdot', None) or (lambda a, b: np.einsum('ncs,ncs->nc', a, b))


def fits(x, *others):
    """Whether these arrays take the array path: NumPy, float32/float64, (N, C, *S) with S of at
    least a few elements (row sums of one element are a loop step each), x C-contiguous."""
    return (type(x) is np.ndarray and x.dtype.kind == 'f' and x.dtype.itemsize >= 4 and x.ndim >= 3
            and x.size and x.size // (x.shape[0] * x.shape[1]) >= 8 and x.flags.c_contiguous
            and all(o is None or (type(o) is np.ndarray and o.dtype == x.dtype) for o in others))


def _rows(a):
    return a.reshape(a.shape[0], a.shape[1], -1)


def train_forward(x, weight, bias, eps):
    """(y, mean, biased var, invstd) of training-mode batch norm; the statistics are (C,)."""
    x3 = _rows(x)
    count = x3.shape[0] * x3.shape[2]
    mean = x3.sum(axis=2).sum(axis=0) / x.dtype.type(count)
    y = np.subtract(x3, mean[:, None])                            # centred, in the output's memory
    var = _rowdot(y, y).sum(axis=0) / x.dtype.type(count)
    invstd = (1.0 / np.sqrt(var + eps)).astype(x.dtype, copy=False)
    y *= (invstd if weight is None else invstd * weight)[:, None]
    if bias is not None:
        y += bias[:, None]
    return y.reshape(x.shape), mean, var, invstd


def eval_forward(x, weight, bias, mean, var, eps):
    """Eval-mode batch norm with the running statistics (C,): one scale and one shift per channel."""
    invstd = (1.0 / np.sqrt(var + eps)).astype(x.dtype, copy=False)
    scale = invstd if weight is None else invstd * weight
    shift = -mean * scale if bias is None else bias - mean * scale
    y = np.multiply(_rows(x), scale[:, None])
    y += shift[:, None]
    return y.reshape(x.shape)


def train_backward(x, g, weight, mean, invstd, need_x):
    """(gx or None, gw, gb) of training-mode batch norm for output gradient ``g``."""
    x3, g3 = _rows(x), _rows(g)
    count = x3.shape[0] * x3.shape[2]
    gb = g3.sum(axis=2).sum(axis=0)
    buf = np.subtract(x3, mean[:, None])                          # x - mean; becomes gx
    proj = _rowdot(g3, buf).sum(axis=0)                           # sum(g * (x - mean))
    gw = proj * invstd
    if not need_x:
        return None, gw, gb
    # gx = w * invstd * (g - sum(g) / M - (x - mean) * invstd**2 * proj / M)
    buf *= (-(invstd * invstd) * proj / count)[:, None]
    buf += g3
    buf -= (gb / count)[:, None]
    buf *= (invstd if weight is None else invstd * weight)[:, None]
    return buf.reshape(x.shape), gw, gb


_F = np.float32
# the last training forward's float32 sums of squares, for the running variance's update right after
# it (PyTorch updates from that sum, which its biased variance has already rounded away)
_last_var_sum = threading.local()


def _per_channel_affine(x, alpha, beta):
    """``fma(x, alpha, beta)`` per channel of a C-contiguous (N, C, *S) float32 array: each (sample, channel)
    run is one row with its own scale and shift."""
    n, c = x.shape[0], x.shape[1]
    rows = lambda v: np.broadcast_to(v.reshape(1, c), (n, c)).reshape(-1)   # noqa: E731 (one per (n, c) row)
    return fma32_rows(x.reshape(n * c, -1), rows(alpha), rows(beta), period=c).reshape(x.shape)


def fits_bits(x, *others):
    """Whether the float32 kernels in PyTorch's order take these arrays: NumPy float32, (N, C, *S),
    C-contiguous, not empty."""
    return (type(x) is np.ndarray and x.dtype == _F and x.ndim >= 2 and x.size and x.flags.c_contiguous
            and all(o is None or (type(o) is np.ndarray and o.dtype == _F) for o in others))


# rows per thread up to which the (N, C) statistics accumulate fused, row by row, as PyTorch's kernel does;
# beyond, one vectorised pass with the squares rounded apart (the same sums to within an ulp or two)
_FUSED_ROWS = 4096


def _row_stats(x2, threads):
    """(mean, sum of squared deviations) of an (N, C) float32 array as PyTorch's channels-last kernel takes
    them (its path for inputs with one element per sample and channel): with more rows than threads each
    thread adds its share of the rows in float32 (the squares fused into the running sum), and the
    threads' partial sums are added in double; with at most as many rows as threads, small or very wide
    tables are summed in float32 and divided in float32, the others per channel in double."""
    n, c = x2.shape
    if n <= threads and 16 < c <= 2048 and threads > 1:
        mean = (np.add.reduce(x2, axis=0, dtype=np.float64) / n).astype(_F)
        dev = x2 - mean
        return mean, np.add.reduce(dev * dev, axis=0, dtype=np.float64).astype(_F)
    if n <= threads:
        mean = np.add.reduce(x2, axis=0, dtype=_F) / _F(n)
        shares = x2[None]
    else:
        chunk = -(-n // threads)
        pad = chunk * threads - n        # (the last threads' shares may be short or empty: zero rows add nothing)
        padded = np.concatenate([x2, np.zeros((pad, c), _F)]) if pad else x2
        shares = padded.reshape(threads, chunk, c)
        partial = np.add.reduce(shares, axis=1, dtype=_F)
        mean = (np.add.reduce(partial.astype(np.float64), axis=0) / n).astype(_F)
        if pad:                          # padding rows must add nothing to the squares either
            shares = shares.copy()
            shares.reshape(-1, c)[n:] = mean
    dev = shares - mean
    if shares.shape[1] <= _FUSED_ROWS:
        acc = np.zeros((shares.shape[0], c), _F)
        for i in range(shares.shape[1]):
            acc = fma32(dev[:, i], dev[:, i], acc)
    else:
        acc = np.add.reduce(dev * dev, axis=1, dtype=_F)
    var_sum = acc[0] if n <= threads else np.add.reduce(acc.astype(np.float64), axis=0).astype(_F)
    return mean, var_sum


def train_forward_bits(x, weight, bias, eps):
    """float32 training batch norm in PyTorch's kernel's order: (y, mean, biased var, invstd)."""
    n, c = x.shape[0], x.shape[1]
    if x.size == n * c:                  # one element per sample and channel: PyTorch's channels-last kernel
        count = n
        mean, var_sum = _row_stats(x.reshape(n, c), intra_op_threads())
    else:
        # (N * S, C), always a copy: it is centred and squared in place below, and with one channel the moved
        # view is contiguous already (ascontiguousarray would hand back the input's own memory)
        columns = channel_columns(_rows(x)).reshape(-1, c)
        count = columns.shape[0]
        mean = (np.add.reduce(columns, axis=0, dtype=np.float64) / count).astype(_F)
        columns -= mean
        np.square(columns, out=columns)
        var_sum = np.add.reduce(columns, axis=0, dtype=np.float64).astype(_F)
    var = var_sum / _F(count)
    invstd = (1 / np.sqrt(var.astype(np.float64) + eps)).astype(_F)
    alpha = invstd if weight is None else invstd * weight
    beta = -mean * alpha if bias is None else fma32(-mean, alpha, bias)
    y = _per_channel_affine(x, alpha, beta)
    _last_var_sum.value = (var, var_sum)
    return y, mean, var, invstd


def running_var_update(var, running_var, momentum, count):
    """PyTorch's float32 running-variance update, ``fma(m, var_sum / (n - 1), (1 - m) * running)``,
    when ``var`` is the last training forward's; None otherwise."""
    last = getattr(_last_var_sum, 'value', None)
    if last is None or last[0] is not var or count < 2:
        return None
    m = _F(momentum)
    return fma32(m, last[1] / _F(count - 1), _F(1 - momentum) * running_var)


def eval_forward_bits(x, weight, bias, mean, var, eps):
    """float32 eval batch norm in PyTorch's kernel's order (all float32 from the running statistics)."""
    invstd = _F(1) / np.sqrt(var + _F(eps))
    alpha = invstd if weight is None else invstd * weight
    beta = -mean * alpha if bias is None else fma32(-mean, alpha, bias)
    return _per_channel_affine(x, alpha, beta)
