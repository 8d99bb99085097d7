"""Stride-1 2-D convolutions with the kernel's rows inside the matrix product and its columns as
shifted additions of the product's result (LeNet's 5x5 layers: few channels, small planes).

On planes flattened with the input's row length W, kernel row ``kh`` of output row ``i`` reads input
row ``i + kh * dh``: for every output row at once that is ONE contiguous run of the flattened plane,
starting at ``kh * dh * W`` and ``OH * W`` long (the output's rows widened to the input's). So

* forward: the row runs of every channel, ``rows`` (N, C * KH, OH * W), a copy of KH runs per channel
  (im2col copies KH * KW window rows per output row), times the weight laid out
  (KW * O, C * KH) give each kernel column's contribution over the widened output; the column
  ``kw`` one is shifted by ``kw * dw`` and added: KW additions of contiguous runs, then the widened
  positions are cut away;
* weight gradient: the same ``rows`` (kept from the forward), shifted by each kernel column (a view),
  against the output gradient spread over the widened grid;
* input gradient (a stride-1 transposed convolution): the output gradient spread over the widened
  grid and shifted by each kernel column (KW copies, (N, KW * O, OH * W)) times the weight laid out
  (KH * C, KW * O) gives each kernel row's contribution to whole input rows, added at
  ``kh * dh * W``: KH additions.

Measured on LeNet's conv2 (64 x 6 x 14 x 14, 16 5x5 filters), one thread: forward 1.1 -> 0.7 ms
(the (16, 150) @ (150, 100) im2col products ran at 82 GFLOP/s, these (80, 30) @ (30, 140) ones at
127), input gradient 1.55 -> 0.95 ms (25 shifted additions of (150, 16) @ (16, 140) products
before).
The widened positions cost their share of the products, so the path is taken while rows widen by
at most MAX_WIDENING. Every shifted run stays inside its own row of the widened grid: a valid
output column ``j < OW`` shifted by at most ``dw * (KW - 1)`` stays below W.
"""
import math

from ember.ops import _chunk_threads, _winograd
from ember.ops._conv_flat_columns import _per_thread

MAX_WIDENING = 1.5
# NOTE: a few samples per chunk keep a chunk's products and the additions over them in the CPU's
# cache between being made and being summed
_CHUNK_BYTES = 1 << 20


class Rows:
    """A forward's row runs (N, C * KH, OH * W), kept for the weight gradient."""
    __slots__ = ('runs',)

    def __init__(self, runs):
        self.runs = runs

    @property
    def nbytes(self):
        return self.runs.nbytes


def fits(size, w_shape, stride, dilation, groups):
    """Whether ``conv(x, w)`` over the padded spatial ``size`` takes this path: 2-D, stride 1, one
    group, a kernel wider than one column, rows widened by at most MAX_WIDENING, and fewer output
    channels than im2col's column rows (the additions run over KW times the output)."""
    if len(size) != 2 or len(w_shape) != 4 or tuple(stride) != (1, 1) or groups != 1:
        return False
    O, C, KH, KW = w_shape
    oh, ow = (s - d * (k - 1) for s, k, d in zip(size, (KH, KW), dilation))
    return KW > 1 and oh > 0 and ow > 0 and size[1] <= MAX_WIDENING * ow and O <= C * KH * KW


def _row_runs(xp, x, KH, dh, oh):
    """The no-copy view (N, C, KH, OH * W) of a contiguous ``x``'s row runs."""
    W = x.shape[3]
    it = x.itemsize
    return xp.lib.stride_tricks.as_strided(x, x.shape[:2] + (KH, oh * W), x.strides[:2] + (dh * W * it, it))


def _chunks(xp, N, per_sample):
    return _winograd.batch_chunks(N, per_sample, _CHUNK_BYTES, _chunk_threads.threads(xp))


def conv(xp, x, w, dilation, product_into, keep=False):
    """conv(x, w) for an already padded ``x`` (N, C, H, W) at stride 1: (N, O, OH, OW); with
    ``keep`` also the Rows the weight gradient takes."""
    x = xp.ascontiguousarray(x)
    N, C, H, W = x.shape
    O, _, KH, KW = w.shape
    dh, dw = dilation
    oh, ow = H - dh * (KH - 1), W - dw * (KW - 1)
    Q = oh * W
    view = _row_runs(xp, x, KH, dh, oh)
    wm = xp.ascontiguousarray(w.transpose(3, 0, 1, 2)).reshape(KW * O, C * KH)
    y = xp.empty((N, O, oh, ow), x.dtype)
    dtype = x.dtype
    kept = xp.empty((N, C * KH, Q), dtype) if keep else None
    chunks = _chunks(xp, N, (C * KH + KW * O) * Q * x.itemsize)
    most = max((n1 - n0 for n0, n1 in chunks), default=0)
    buffers = _per_thread(lambda: (None if keep else xp.empty((most, C * KH, Q), dtype),
                                   xp.empty((most, KW, O * Q), dtype)))

    def chunk(n0, n1):
        n = n1 - n0
        runs, parts = buffers()
        runs = kept[n0:n1] if keep else runs[:n]
        runs.reshape(view[n0:n1].shape)[...] = view[n0:n1]
        parts = parts[:n]
        product_into(xp, wm, runs, parts.reshape(n, KW * O, Q))
        acc = parts[:, 0]
        for kw in range(1, KW):
            s = kw * dw
            acc[:, :O * Q - s] += parts[:, kw, s:]
        y[n0:n1] = acc.reshape(n, O, oh, W)[..., :ow]
    _chunk_threads.for_chunks(xp, chunks, chunk)
    return (y, Rows(kept)) if keep else y


def _shifted_into(g, KW, dw, W, out):
    """``out`` (n, KW, O * OH * W): the output gradient ``g`` (n, O, OH, OW) spread over the widened
    grid (zeros at the widened positions) and shifted by ``kw * dw`` for each kernel column."""
    n, O, oh, ow = g.shape
    Q = oh * W
    flat = out.reshape(n, KW, O * Q)
    wide = flat[:, 0].reshape(n, O, oh, W)
    wide[..., ow:] = 0
    wide[..., :ow] = g
    for kw in range(1, KW):
        s = kw * dw
        # what is shifted in at each row's start comes from the widened zeros of the row before;
        # only the first channel's first row needs zeros of its own
        flat[:, kw, :s] = 0
        flat[:, kw, s:] = flat[:, 0, :O * Q - s]
    return flat


def weight_grad(xp, x, g, kernel, dilation, rows=None):
    """d(conv(x, w))/dw contracted with ``g`` (N, O, OH, OW), for an already padded ``x`` at stride
    1: (O, C, KH, KW). ``rows`` are the forward's Rows when it kept them (``x`` is not read then:
    None will do).

    NOTE: per kernel column one product per sample of the output gradient spread over the widened
    grid (a view, cut short by the shift) with the row runs shifted by ``kw * dw`` (a view too):
    nothing is copied KW times (measured on LeNet's conv2, against the KW shifted copies of the
    spread gradient in one product per sample: 1.6 -> 0.7 ms)."""
    O, oh, ow = g.shape[1:]
    KH, KW = kernel
    dh, dw = dilation
    if rows is None:
        x = xp.ascontiguousarray(x)
        N, C, H, W = x.shape
        view = _row_runs(xp, x, KH, dh, oh)
        x_dtype = x.dtype
    else:
        N, CK, Q = rows.runs.shape
        C, W = CK // KH, Q // oh
        x_dtype = rows.runs.dtype
    Q = oh * W
    dtype = xp.result_type(x_dtype, g.dtype)
    chunks = _chunks(xp, N, (C * KH + O) * Q * g.itemsize)
    most = max((n1 - n0 for n0, n1 in chunks), default=0)

    def make():
        wide = xp.empty((most, O, oh, W), g.dtype)
        wide[..., ow:] = 0      # the widened positions stay zero
        return (None if rows is not None else xp.empty((most, C * KH, Q), x_dtype), wide,
                xp.empty((KW, most, O, C * KH), dtype))
    buffers = _per_thread(make)

    def products(part):
        gw = 0
        for n0, n1 in part:
            n = n1 - n0
            runs, wide, each = buffers()
            if rows is not None:
                runs = rows.runs[n0:n1]
            else:
                runs = runs[:n]
                runs.reshape(view[n0:n1].shape)[...] = view[n0:n1]
            wide = wide[:n]
            wide[..., :ow] = g[n0:n1]
            flat = wide.reshape(n, O, Q)
            each = each[:, :n]
            for kw in range(KW):
                s = kw * dw
                # (O, Q - s) @ (Q - s, C * KH) per sample, then summed over the samples
                xp.matmul(flat[:, :, :Q - s], runs[:, :, s:].swapaxes(1, 2), out=each[kw])
            gw = gw + each.sum(1)
        return gw
    sums = _chunk_threads.map_parts(xp, chunks, products)
    gw = sums[0]
    for part in sums[1:]:
        gw = gw + part
    # (KW, O, C, KH) -> (O, C, KH, KW), contiguous as PyTorch's weight gradient
    return xp.ascontiguousarray(gw.reshape(KW, O, C, KH).transpose(1, 2, 3, 0)).astype(dtype, copy=False)


def transpose_fits(blocks, w_shape, dilation, groups):
    """Whether the stride-1 transposed convolution of an input with spatial size ``blocks`` by ``w``
    (Cin, Cout, KH, KW) takes this path (the input gradient of a convolution that takes ``fits``)."""
    if len(blocks) != 2 or len(w_shape) != 4 or groups != 1:
        return False
    O, C, KH, KW = w_shape
    return KW > 1 and blocks[1] + dilation[1] * (KW - 1) <= MAX_WIDENING * blocks[1] and C <= O * KH * KW


def conv_transpose(xp, g, w, dilation, product_into):
    """The stride-1 transposed convolution of ``g`` (N, O, OH, OW) by ``w`` (O, C, KH, KW), unpadded:
    (N, C, OH + dh * (KH - 1), OW + dw * (KW - 1))."""
    N, O, oh, ow = g.shape
    _, C, KH, KW = w.shape
    dh, dw = dilation
    H, W = oh + dh * (KH - 1), ow + dw * (KW - 1)
    Q = oh * W
    # rows (kh, c), columns (kw, o)
    wm = xp.ascontiguousarray(w.transpose(2, 1, 3, 0)).reshape(KH * C, KW * O)
    dtype = xp.matmul(wm[:1, :1], g[(slice(0, 1),) * 4].reshape(1, 1)).dtype   # bfloat16: float32
    out = xp.empty((N, C, H * W), dtype)
    chunks = _chunks(xp, N, (KW * O + KH * C) * Q * g.itemsize)
    most = max((n1 - n0 for n0, n1 in chunks), default=0)
    buffers = _per_thread(lambda: (xp.empty((most, KW, O * Q), g.dtype), xp.empty((most, KH, C, Q), dtype)))

    def chunk(n0, n1):
        n = n1 - n0
        shifted, parts = buffers()
        shifted = _shifted_into(g[n0:n1], KW, dw, W, shifted[:n])
        parts = parts[:n]
        product_into(xp, wm, shifted.reshape(n, KW * O, Q), parts.reshape(n, KH * C, Q))
        o = out[n0:n1]
        o[..., :Q] = parts[:, 0]
        o[..., Q:] = 0
        for kh in range(1, KH):
            at = kh * dh * W
            o[..., at:at + Q] += parts[:, kh]
    _chunk_threads.for_chunks(xp, chunks, chunk)
    return out.reshape(N, C, H, W).astype(g.dtype, copy=False)
