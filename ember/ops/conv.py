"""Convolution: conv1d/2d/3d, their transposes, and unfold/fold (im2col/col2im).

Everything is N-dimensional over the trailing spatial dims and built from three array kernels:

* ``_conv_raw``: strided windows of the padded input (one ``as_strided`` view), copied once into
  an im2col matrix laid out ``(N, G, C/G * prod(K), prod(out))`` and multiplied by the weight in
  ONE batched matmul that writes the output in place.
* ``_conv_transpose_raw``: ONE matmul of the weight with the input gives every input position's
  window of output contributions (columns); ``_col2im_raw`` adds them into place (the adjoint of
  im2col, also used by ``fold`` and average pooling's gradient); with stride 1 on flattened planes
  (``_conv_transpose_flat``).
* ``_conv_weight_raw``: the weight gradient, input windows against the output gradient.

The ``Convolution`` primitive's input gradient is a (transposed) convolution of the output
gradient and its weight gradient is ``ConvolutionWeight``, whose own backward is again made of
convolutions, so gradients of any order come from the same three kernels.

Padding is handled internally as ``(low, high)`` pairs per spatial dim (``padding='same'`` with an
even kernel pads one more on the high side, as PyTorch does).
"""
import itertools
import math
import threading
from operator import index as _index

import numpy as np

from ember.autograd import _saved_attrs as _sa, grad_mode
from ember._tensor import Tensor, _scalar_type_name
from ember.autograd.function import Primitive
from ember.ops import _chunk_threads, _float8, _input_link, _conv_flat_columns, _conv_phases, _conv_row_shifts, _winograd
from ember.ops._registry import op
from ember.ops._util import require_tensor
from ember import _formats, _user_warnings, backend

__all__ = ['conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d',
           'unfold', 'fold']


# ------------------------------------------------------------------------------- array kernels
def _pad_raw(xp, x, pads, value=0):
    """``x`` padded by ``(low, high)`` amounts (>= 0) along its trailing spatial dims."""
    if all(lo == 0 and hi == 0 for lo, hi in pads):
        return x
    n = len(pads)
    lead = x.shape[:x.ndim - n]
    shape = lead + tuple(lo + size + hi for size, (lo, hi) in zip(x.shape[x.ndim - n:], pads))
    out = xp.zeros(shape, x.dtype) if value == 0 else xp.full(shape, value, x.dtype)
    out[(Ellipsis,) + tuple(slice(lo, lo + size) for size, (lo, _) in zip(x.shape[x.ndim - n:], pads))] = x
    return out


def _windows(xp, x, kernel, stride, dilation, out, kernel_last=False):
    """A no-copy view ``(*lead, *kernel, *out)`` (or ``(*lead, *out, *kernel)``) of the sliding
    windows over ``x``'s trailing dims.

    NOTE: ``as_strided`` (NumPy and CuPy spell it the same) rather than ``sliding_window_view``,
    which CuPy lacks in older versions and which cannot fold stride and dilation into the view."""
    n = len(kernel)
    lead = x.ndim - n
    st = x.strides
    k_strides = tuple(s * d for s, d in zip(st[lead:], dilation))
    o_strides = tuple(s * t for s, t in zip(st[lead:], stride))
    if kernel_last:
        shape, strides = x.shape[:lead] + tuple(out) + tuple(kernel), st[:lead] + o_strides + k_strides
    else:
        shape, strides = x.shape[:lead] + tuple(kernel) + tuple(out), st[:lead] + k_strides + o_strides
    return backend.strided(xp, x, shape, strides)


def _out_size(size, k, s, pad, d):
    return (size + pad[0] + pad[1] - d * (k - 1) - 1) // s + 1


def _transposed_out_size(size, k, s, pad, d, output_padding=0):
    """The size a transposed convolution spreads an input dim of ``size`` over, ``pad`` cut off."""
    return (size - 1) * s - pad[0] - pad[1] + d * (k - 1) + 1 + output_padding


def _columns(xp, win, kernel, out, groups, into=None):
    """im2col from ``win``, the windows (n, C, *K, *out) of an already padded input (a ``_windows`` view,
    or a batch slice of one): a contiguous ``(n, G, C/G * prod(K), prod(out))`` (written into ``into``
    when given).

    NOTE: sample-major columns: the weight times them is one batched matmul whose result is already
    the (n, O, *out) output (no transposing copy), and for stride 1 each inner run of the copy is a
    row of the input. Measured against one product over the whole batch with channel-major
    columns: 1.6 -> 1.4 ms on LeNet's conv1, 1.2 -> 0.8 ms on its conv2 (OpenBLAS runs a
    (6, 75) @ (75, 784) product per sample faster than one (6, 75) @ (75, 50176))."""
    n, C = win.shape[:2]
    if into is None:
        win = xp.ascontiguousarray(win)
    else:
        into.reshape(win.shape)[...] = win
        win = into
    return win.reshape(n, groups, (C // groups) * math.prod(kernel), math.prod(out))


def _real_float(x, *others):
    """float32 or float64 and not empty (half types are widened before the kernels; their products
    come back float32): the arrays ``_conv_row_shifts`` takes."""
    return x.dtype.kind == 'f' and x.dtype.itemsize >= 4 and x.size > 0 and all(o.size for o in others)


def _product_into(xp, a, b, out):
    """``out[...] = a @ b``, written straight into ``out`` when the product has out's type."""
    if a.dtype == b.dtype == out.dtype and out.dtype.kind in 'fc' and out.dtype.itemsize >= 4:
        xp.matmul(a, b, out=out)
    else:   # bfloat16 (ml_dtypes) products come back float32 and round as they are stored, as PyTorch's
        out[...] = xp.matmul(a, b)


def _conv_raw(xp, x, w, stride, pads, dilation, groups, keep_columns=False):
    """conv(x, w) as (N, O, *out); with ``keep_columns`` also the im2col matrix it used, or the row
    runs (``_conv_row_shifts.Rows``) when it took that path (None when the convolution took the
    Winograd path or made its columns a few samples at a time)."""
    if xp is backend.meta_numpy:    # shape and dtype only: no kernel's chunks to walk through
        n = w.ndim - 2
        out = tuple(_out_size(x.shape[2 + i], w.shape[2 + i], stride[i], pads[i], dilation[i]) for i in range(n))
        y = backend.meta_array(x.shape[:1] + w.shape[:1] + out, np.result_type(x.dtype, w.dtype))
        return (y, None) if keep_columns else y
    if _winograd.fits(x, w.shape, stride, pads, dilation, groups):
        y = _winograd.conv(xp, x, w, pads)
        return (y, None) if keep_columns else y
    n = w.ndim - 2
    kernel = w.shape[2:]
    x = _pad_raw(xp, x, pads)
    N, C, O = x.shape[0], x.shape[1], w.shape[0]
    out = tuple(_out_size(x.shape[2 + i], kernel[i], stride[i], (0, 0), dilation[i]) for i in range(n))
    L = math.prod(out)
    if _real_float(x, w) and _conv_row_shifts.fits(x.shape[2:], w.shape, stride, dilation, groups):
        return _conv_row_shifts.conv(xp, x, w, dilation, _product_into, keep=keep_columns)
    if not _whole_batch(N, C, kernel, L, x.itemsize) and _conv_flat_columns.fits(x.shape[2:], kernel, stride, dilation):
        y = _conv_flat_columns.conv(xp, x, w, dilation, groups, _product_into)
        return (y, None) if keep_columns else y
    wm = w.reshape(groups, O // groups, (C // groups) * math.prod(kernel))
    y = xp.empty((N, groups, O // groups, L), x.dtype)
    chunks = _column_chunks(N, C, kernel, L, x.itemsize, _chunk_threads.threads(xp))
    # columns small enough to keep are made for the whole batch (on several threads: each part in place)
    cols = xp.empty((N,) + wm.shape[::2] + (L,), x.dtype) if _whole_batch(N, C, kernel, L, x.itemsize) else None

    # (one windows view for the batch, sliced per chunk: as_strided costs microseconds a call)
    win = _windows(xp, x, kernel, stride, dilation, out)                        # (N, C, *K, *out)

    def chunk(n0, n1):
        part = _columns(xp, win[n0:n1], kernel, out, groups, None if cols is None else cols[n0:n1])
        _product_into(xp, wm, part, y[n0:n1])
    _chunk_threads.for_chunks(xp, chunks, chunk)
    y = y.reshape((N, O) + out)
    return (y, cols) if keep_columns else y


# NOTE: im2col over the whole batch writes a column matrix prod(K) times the input and reads it
# back for the matmul; over a few samples at a time it stays in the CPU's cache in between (as the
# Winograd path does). Columns of at most _WHOLE_BATCH_BYTES are made at once and kept for the
# weight gradient (measured: on LeNet's conv2, 4 MB of columns, keeping them beats remaking them).
_COLUMN_CHUNK_BYTES = 1 << 19
_WHOLE_BATCH_BYTES = 4 << 20


def _whole_batch(N, C, kernel, L, itemsize):
    return N * C * math.prod(kernel) * L * itemsize <= _WHOLE_BATCH_BYTES


def _column_chunks(N, C, kernel, L, itemsize, parts=1, depth=0):
    """Batch ranges for im2col: the whole batch when its columns are small (split in ``parts``,
    for as many threads), else pieces of about _COLUMN_CHUNK_BYTES of columns, and of at least
    ``depth`` output positions (samples times L) where the batch has them."""
    per_sample = C * math.prod(kernel) * L * itemsize
    if _whole_batch(N, C, kernel, L, itemsize):
        return _winograd.batch_chunks(N, per_sample, N * per_sample, parts)
    budget = max(_COLUMN_CHUNK_BYTES, per_sample * -(-depth // L))
    return _winograd.batch_chunks(N, per_sample, budget, parts)


# NOTE: the weight gradient's product per chunk runs over the chunk's samples and positions; with
# few positions per sample (a strided layer's 4x4 output) a 512 KB chunk gives it a depth of a few
# dozen, on which OpenBLAS runs far below its speed: chunks are made at least this deep (measured,
# ResNet-18's 256 -> 512 3x3/2 weight gradient, batch 32: 20.6 -> 13.5 ms at depth 48 -> 512)
_WEIGHT_PRODUCT_DEPTH = 512


def _col2im_raw(xp, cols, size, kernel, stride, pads, dilation):
    """The adjoint of im2col: ``cols`` (*lead, *K, *L) summed back into (*lead, *size), each window
    offset's values added at its positions, then the padding cut away.

    NOTE: one strided ``+=`` per kernel offset (25 for 5x5), each over every sample, channel and
    position at once.  This beats convolving the stride-spread, padded gradient with the flipped
    kernel (the textbook form of a transposed convolution) by the ratio of the two column
    matrices, 5x on LeNet's conv2 and more with strides, whose spread inserts zeros."""
    n = len(kernel)
    blocks = cols.shape[cols.ndim - n:]
    lead = cols.shape[:cols.ndim - 2 * n]
    canvas = tuple(max(s + lo + hi, (b - 1) * st + d * (k - 1) + 1)
                   for s, (lo, hi), b, st, d, k in zip(size, pads, blocks, stride, dilation, kernel))
    out = xp.zeros(lead + canvas, cols.dtype)
    win = _windows(xp, out, kernel, stride, dilation, blocks)            # (*lead, *K, *L), a view of out
    keep = (slice(None),) * len(lead)
    for o in itertools.product(*(range(k) for k in kernel)):
        win[keep + o] += cols[keep + o]
    if canvas == tuple(size):
        return out
    # contiguous, as PyTorch's result is (so that .view works on it)
    return xp.ascontiguousarray(out[(Ellipsis,) + tuple(slice(lo, lo + s) for s, (lo, _) in zip(size, pads))])


def _conv_transpose_raw(xp, x, w, stride, pads, output_padding, dilation, groups):
    """Each input position spreads ``w`` times its value over a window of the output: one matmul
    makes those per-position windows (the columns), col2im adds them up."""
    n = x.ndim - 2
    if xp is backend.meta_numpy:    # shape and dtype only: no kernel's chunks to walk through
        out = tuple(_transposed_out_size(x.shape[2 + i], w.shape[2 + i], stride[i], pads[i], dilation[i],
                                         output_padding[i]) for i in range(n))
        return backend.meta_array(x.shape[:1] + (w.shape[1] * groups,) + out, np.result_type(x.dtype, w.dtype))
    if stride == (1,) * n and dilation == (1,) * n and tuple(output_padding) == (0,) * n:
        # stride 1: a convolution with the flipped kernel, padded by what the kernel overhangs
        conv_pads = tuple((k - 1 - lo, k - 1 - hi) for k, (lo, hi) in zip(w.shape[2:], pads))
        if _winograd.fits(x, (w.shape[1], w.shape[0]) + w.shape[2:], stride, conv_pads, dilation, groups,
                          transposed=True):
            return _winograd.conv_flipped(xp, x, w, conv_pads)
    if stride == (1,) * n and not any(output_padding) and _real_float(x, w) and \
            _conv_row_shifts.transpose_fits(x.shape[2:], w.shape, dilation, groups):
        out = _conv_row_shifts.conv_transpose(xp, x, w, dilation, _product_into)
        return _cut_padding(xp, out, pads)
    if stride == (1,) * n and not any(output_padding) and x.size and _flat_fits(x.shape[2:], w.shape[2:], dilation):
        return _conv_transpose_flat(xp, x, w, pads, dilation, groups)
    if x.size and _conv_phases.fits(x.shape, w.shape, stride, dilation, groups):
        return _conv_phases.conv_transpose(xp, x, w, stride, pads, output_padding, dilation, groups)
    N, cin = x.shape[:2]
    blocks = x.shape[2:]
    og = w.shape[1]
    kernel = w.shape[2:]
    wm = w.reshape(groups, cin // groups, og * math.prod(kernel)).swapaxes(1, 2)     # (G, og*K, cin/G)
    L = math.prod(blocks)
    xm = xp.ascontiguousarray(x.reshape(N, cin, L).swapaxes(0, 1)).reshape(groups, cin // groups, N * L)
    cols = xp.matmul(wm, xm)                                                         # (G, og*K, N*L)
    cols = cols.reshape((groups * og,) + tuple(kernel) + (N,) + tuple(blocks))
    cols = xp.moveaxis(cols, 1 + len(kernel), 0)                    # (N, Cout, *K, *L), a view
    size = tuple(map(_transposed_out_size, blocks, kernel, stride, pads, dilation, output_padding))
    return _col2im_raw(xp, cols, size, kernel, stride, pads, dilation).astype(x.dtype, copy=False)   # bf16: above


# NOTE on stride-1 transposed convolutions (a convolution's input gradient): the input is spread
# over rows as wide as the output's (zeros in the extra columns) and every plane flattened, so each
# kernel offset's contribution is ONE contiguous run of the flattened output, shifted by the offset:
# col2im becomes prod(K) contiguous additions instead of strided ones with runs of a row. The extra
# columns cost their share of the matmul, so the path is taken while rows widen by at most
# _FLAT_MAX_WIDENING (measured on LeNet's conv2 input gradient, rows 10 -> 14: 2.0 -> 1.3 ms; its
# conv1's, 28 -> 32: 5.0 -> 3.7 ms).
_FLAT_MAX_WIDENING = 1.5
_FLAT_CHUNK_BYTES = 2 << 20


def _flat_fits(blocks, kernel, dilation):
    wide = math.prod(b + d * (k - 1) for b, k, d in zip(blocks[1:], kernel[1:], dilation[1:]))
    return wide <= _FLAT_MAX_WIDENING * math.prod(blocks[1:])


def _conv_transpose_flat(xp, x, w, pads, dilation, groups):
    """Stride-1 transposed convolution without output padding, on flattened planes (see above).

    NOTE: the matmul writes each sample's contributions offset-major, every offset's rows as whole
    output planes in a row (the run, then zeros to the plane's end), so that one offset adds one
    run per sample and group, over all its output channels at once, not one per channel; the
    buffers are made once per call, their zeros kept (measured on LeNet's conv2 input gradient:
    2.0 -> 1.5 ms, the additions 1.3 -> 0.7 ms). What spills past a plane's end into the next
    plane comes from the zeros only (every input position's window lies inside its own output
    plane)."""
    N, cin = x.shape[:2]
    blocks, kernel = x.shape[2:], w.shape[2:]
    og = w.shape[1]
    canvas = tuple(b + d * (k - 1) for b, k, d in zip(blocks, kernel, dilation))
    plane = math.prod(canvas)
    run = blocks[0] * math.prod(canvas[1:])                  # the widened input plane's length
    steps = [math.prod(canvas[i + 1:]) * dilation[i] for i in range(len(kernel))]
    offsets = [sum(t * s for t, s in zip(tap, steps)) for tap in itertools.product(*(range(k) for k in kernel))]
    K = len(offsets)
    # rows (group, offset, output channel)
    wm = w.reshape(groups, cin // groups, og, K).transpose(0, 3, 2, 1).reshape(groups, K * og, cin // groups)
    per_sample = groups * K * og * plane * x.itemsize
    # (bfloat16 products come back float32: summed so, rounded once at the end)
    dtype = xp.matmul(wm[0, :1, :1], x[(slice(0, 1),) * x.ndim].reshape(1, 1)).dtype
    out = xp.empty((N, groups, og * plane), dtype)
    inside = (Ellipsis,) + tuple(slice(0, b) for b in blocks[1:])
    chunks = _winograd.batch_chunks(N, per_sample, _FLAT_CHUNK_BYTES, _chunk_threads.threads(xp))
    most = max((n1 - n0 for n0, n1 in chunks), default=0)
    buffers = {}    # per thread, made once: the zeros (widened rows, plane ends) are never overwritten

    def chunk(n0, n1):
        n = n1 - n0
        mine = buffers.get(threading.get_ident())
        if mine is None:
            mine = buffers[threading.get_ident()] = (xp.zeros((most, cin, blocks[0]) + canvas[1:], x.dtype),
                                                      xp.empty((most, groups, K * og, plane), dtype))
            mine[1][..., run:] = 0
        wide, cols = mine[0][:n], mine[1][:n]
        wide[inside] = x[n0:n1]
        _product_into(xp, wm, wide.reshape(n, groups, cin // groups, run), cols[..., :run])
        rows, block = n * groups, og * plane
        cols = cols.reshape(rows, K, block)
        flat = out[n0:n1].reshape(-1)
        flat.reshape(rows, block)[...] = cols[:, 0]
        for t in range(1, K):
            at = offsets[t]
            # (the last block's spill is dropped: it would reach the next chunk's first sample)
            flat[at:at + (rows - 1) * block].reshape(rows - 1, block)[...] += cols[:rows - 1, t]
            flat[(rows - 1) * block + at:] += cols[rows - 1, t, :block - at]
    _chunk_threads.for_chunks(xp, chunks, chunk)
    return _cut_padding(xp, out.reshape((N, groups * og) + canvas), pads).astype(x.dtype, copy=False)


def _cut_padding(xp, out, pads):
    """A transposed convolution's full output less the padding, contiguous."""
    if any(lo or hi for lo, hi in pads):
        out = xp.ascontiguousarray(out[(Ellipsis,) + tuple(slice(lo, c - hi) for c, (lo, hi)
                                                           in zip(out.shape[2:], pads))])
    return out


def _conv_weight_raw(xp, x, g, kernel, stride, pads, dilation, groups, cols=None):
    """d(conv(x, w))/dw contracted with the output gradient ``g``: shape (O, C/G, *K), one matmul
    per group over batch and positions.  ``cols`` is x's im2col matrix when the forward kept it."""
    N, C = x.shape[:2]
    O = g.shape[1]
    if cols is None and _winograd.fits(x, (O, C // groups) + tuple(kernel), stride, pads, dilation, groups):
        return _winograd.weight_grad(xp, x, g, pads)
    if isinstance(cols, _conv_row_shifts.Rows):
        return _conv_row_shifts.weight_grad(xp, None, g, kernel, dilation, rows=cols)
    L = math.prod(g.shape[2:])
    shape = (O, C // groups) + tuple(kernel)
    if cols is None and _real_float(x, g) and \
            _conv_row_shifts.fits(tuple(s + lo + hi for s, (lo, hi) in zip(x.shape[2:], pads)), shape, stride,
                                  dilation, groups):
        return _conv_row_shifts.weight_grad(xp, _pad_raw(xp, x, pads), g, kernel, dilation)
    if cols is not None:   # the forward's (N, G, C/G * K, L): one product per sample, summed
        gm = g.reshape(N, groups, O // groups, L)
        return _weight_layout(xp, xp.matmul(cols, gm.swapaxes(2, 3)).sum(0), shape, x.dtype)
    x = _pad_raw(xp, x, pads)
    if L >= _WEIGHT_PRODUCT_DEPTH and _conv_flat_columns.fits(x.shape[2:], kernel, stride, dilation) and \
            tuple(g.shape[2:]) == tuple(s - d * (k - 1) for s, k, d in zip(x.shape[2:], kernel, dilation)):
        return _weight_layout(xp, _conv_flat_columns.weight_grad(xp, x, g, kernel, dilation, groups), shape, x.dtype)
    windows = _windows(xp, x, kernel, stride, dilation, g.shape[2:])   # (N, C, *K, *out)
    k = len(kernel)
    if L >= _WEIGHT_PRODUCT_DEPTH:
        # NOTE: each sample's positions are a deep enough product by themselves: sample-major
        # columns (made as the forward makes them, without transposing g) and one product per
        # sample, summed; OpenBLAS runs these several times faster than one product whose inner
        # dimension runs over the chunk's samples too (measured on LeNet's conv1, 6 x 75 weights
        # over 64 x 784 positions: 2.3 -> 1.2 ms)
        def products(chunks):
            gw = 0
            for n0, n1 in chunks:
                part = _columns(xp, windows[n0:n1], kernel, g.shape[2:], groups)        # (n, G, C/G * K, L)
                gm = g[n0:n1].reshape(n1 - n0, groups, O // groups, L)
                gw = gw + xp.matmul(part, gm.swapaxes(2, 3)).sum(0)
            return gw
        chunks = _column_chunks(N, C, kernel, L, x.itemsize, _chunk_threads.threads(xp))
    else:
        # NOTE: with few positions per sample, channel-major columns (G, C/G * K, n * L) beside the
        # matching rows of g make one product per chunk whose inner dimension runs over samples
        # and positions: per-sample products would be shallow, and each would leave an
        # (O, C/G * K) partial to add up, as large as the weight
        def products(chunks):   # on several threads, each sums its chunks' products; the sums are added
            gw = 0
            for n0, n1 in chunks:
                win = windows[n0:n1].transpose((1,) + tuple(range(2, 2 + k)) + (0,) + tuple(range(2 + k, 2 + 2 * k)))
                part = xp.ascontiguousarray(win).reshape(groups, (C // groups) * math.prod(kernel), -1)
                gm = xp.ascontiguousarray(g[n0:n1].reshape(n1 - n0, O, L).swapaxes(0, 1))
                gw = gw + xp.matmul(part, gm.reshape(groups, O // groups, -1).swapaxes(1, 2))
            return gw
        chunks = _column_chunks(N, C, kernel, L, x.itemsize, _chunk_threads.threads(xp), _WEIGHT_PRODUCT_DEPTH)
    sums = _chunk_threads.map_parts(xp, chunks, products)
    gw = sums[0]
    for part in sums[1:]:
        gw = gw + part
    return _weight_layout(xp, gw, shape, x.dtype)


def _weight_layout(xp, gw, shape, dtype):
    """The weight gradient as (O, C/G, *K) from the products' (G, C/G * K, O/G).

    NOTE: the products put the columns first: OpenBLAS runs (C/G * K, L) @ (L, O/G) faster than
    (O/G, L) @ (L, C/G * K) at LeNet's shapes (measured on its conv2, 64 samples: 0.94 -> 0.55 ms). The
    result is laid out contiguously, as PyTorch's convolution_backward gives it (a weight-sized copy)."""
    out = xp.ascontiguousarray(gw.swapaxes(1, 2).reshape(shape))
    return out.astype(dtype, copy=False)    # bfloat16: products come back float32


def _input_leftover(in_shape, g_shape, kernel, stride, pads, dilation):
    """output_padding that makes the transposed convolution of ``g`` come back to ``in_shape``."""
    return tuple(in_shape[i] - _transposed_out_size(g_shape[i], kernel[i], stride[i], pads[i], dilation[i])
                 for i in range(len(kernel)))


# ------------------------------------------------------------------------------- primitives
_KEEP_COLUMNS_BYTES = 32 << 20


def _crop(t, shape):
    """``t`` cut to ``shape``'s spatial size: a convolution of a transposed convolution's output
    can be longer than the transposed convolution's input when output_padding >= stride (allowed
    when it is below the dilation); those extra positions have no counterpart."""
    if tuple(t.shape[2:]) == tuple(shape[2:]):
        return t
    return t[(Ellipsis,) + tuple(slice(0, s) for s in shape[2:])]


class Convolution(Primitive):
    """PyTorch's ``aten::convolution``: a convolution or transposed convolution plus bias."""
    node_name = 'ConvolutionBackward0'
    _none_edges = (2,)   # no bias: a (None, 0) edge, as PyTorch's node
    saved_attrs = {'bias_sym_sizes_opt': _sa.conv_bias_sizes, 'dilation': _sa.item('args', 2, tuple),
                   'groups': _sa.item('args', 5), 'input': _sa.saved(0), 'output_padding': _sa.item('args', 4, tuple),
                   'padding': _sa.conv_padding, 'stride': _sa.item('args', 0, tuple),
                   'transposed': _sa.item('args', 3), 'weight': _sa.saved(1)}  # grad_fn._saved_*, read lazily
    saved_names = ('input', 'weight')
    _profile_chain = ('aten::_convolution',)    # (PyTorch's backend kernel below it is not named)

    @staticmethod
    def forward(ctx, x, w, b, stride, pads, dilation, transposed, output_padding, groups):
        xp = ctx.xp
        need = ctx.needs_input_grad
        ctx.args = (stride, pads, dilation, transposed, output_padding, groups)
        ctx.save_for_backward(x, w)     # both, needed or not, as PyTorch's node (grad_fn._saved_input/weight)
        ctx.shapes = (x.shape, w.shape)
        ctx.biased = b is not None   # (for grad_fn._saved_bias_sym_sizes_opt)
        ctx.cols = None
        if b is not None and x.dtype.itemsize == 2:
            # float16/bfloat16: PyTorch adds the bias to the float32 sums and rounds once; the sums are
            # float32 here too (products of 16-bit floats are exact in it), so widen, add, round
            f32 = xp.float32
            raw = _conv_transpose_raw(xp, x.astype(f32), w.astype(f32), stride, pads, output_padding, dilation,
                                      groups) if transposed else _conv_raw(xp, x.astype(f32), w.astype(f32), stride,
                                                                           pads, dilation, groups)
            raw += b.astype(f32).reshape((1, -1) + (1,) * (raw.ndim - 2))
            return raw.astype(x.dtype)
        if transposed:
            y = _conv_transpose_raw(xp, x, w, stride, pads, output_padding, dilation, groups)
        elif need[1]:
            y, cols = _conv_raw(xp, x, w, stride, pads, dilation, groups, keep_columns=True)
            # NOTE: the weight gradient needs these same columns; keeping them (up to a bound, as
            # they are prod(K) times the input) saves rebuilding them in backward
            if cols is not None and cols.nbytes <= _KEEP_COLUMNS_BYTES:
                ctx.cols = cols
        else:
            y = _conv_raw(xp, x, w, stride, pads, dilation, groups)
        if b is not None:
            y += b.reshape((1, -1) + (1,) * (y.ndim - 2))
        return y

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        stride, pads, dilation, transposed, output_padding, groups = ctx.args
        x_shape, w_shape = ctx.shapes
        need = ctx.needs_input_grad
        n = len(stride)
        gx = gw = gb = None
        if need[0]:
            if transposed:
                gx = _crop(_ConvolutionGrad.apply(g, w, None, stride, pads, dilation, False, (0,) * n, groups),
                           x_shape)
            else:
                op = _input_leftover(x_shape[2:], g.shape[2:], w_shape[2:], stride, pads, dilation)
                gx = _ConvolutionGrad.apply(g, w, None, stride, pads, dilation, True, op, groups)
        if need[1]:
            if transposed:   # y = convT(x, w) makes w the weight of conv(g) -> x
                gw = ConvolutionWeight.apply(g, x, w_shape[2:], stride, pads, dilation, groups)
            else:
                gw = ConvolutionWeight.apply(x, g, w_shape[2:], stride, pads, dilation, groups, ctx.cols)
                ctx.cols = None   # used once; a retained graph's second backward rebuilds them
        if len(need) > 2 and need[2]:
            gb = _bias_grad(g)
            if grad_mode._state.enabled:    # (recorded by PyTorch's backward op, which reaches no input with it)
                gb = _input_link.link(gb, x if x.requires_grad else w, 'ConvolutionBackwardBackward0', zeros=False)
        return gx, gw, gb, None, None, None, None, None, None


def _bias_grad(g):
    """The bias gradient: ``g`` summed over the batch and every spatial position.

    NOTE: PyTorch's convolution kernels sum in their own order (not its sum op's), so the sum op's
    PyTorch-ordered float32 additions buy no bits here: with nothing to record, per (sample,
    channel) plane a pairwise sum, then the planes added (measured 0.39 -> 0.08 ms on LeNet's
    conv1). Half types keep the sum op, which accumulates them in float32."""
    gd = g._data
    if grad_mode._state.enabled or type(gd) is not np.ndarray or gd.dtype.itemsize < 4 or gd.dtype.kind not in 'fc':
        return g.sum((0,) + tuple(range(2, g.ndim)))
    return Tensor._make(gd.reshape(gd.shape[:2] + (math.prod(gd.shape[2:]),)).sum(2).sum(0), g._device)


class _ConvolutionGrad(Convolution):
    """The input gradient of a convolution (itself a convolution), named as PyTorch names it."""
    node_name = 'ConvolutionBackwardBackward0'
    _none_edges = ()


class ConvolutionWeight(Primitive):
    """The weight gradient of ``conv(x, w)`` for output gradient ``g``; linear in x and in g."""
    node_name = 'ConvolutionBackwardBackward0'

    @staticmethod
    def forward(ctx, x, g, kernel, stride, pads, dilation, groups, cols=None):
        need = ctx.needs_input_grad
        ctx.args = (kernel, stride, pads, dilation, groups)
        ctx.save_for_backward(x if need[1] else None, g if need[0] else None)
        ctx.x_shape, ctx.g_shape = x.shape, g.shape   # g itself is saved only when x needs a gradient
        return _conv_weight_raw(ctx.xp, x, g, kernel, stride, pads, dilation, groups, cols)

    @staticmethod
    def backward(ctx, ggw):
        x, g = ctx.saved_tensors
        kernel, stride, pads, dilation, groups = ctx.args
        need = ctx.needs_input_grad
        gx = gg = None
        if need[0]:
            op = _input_leftover(ctx.x_shape[2:], ctx.g_shape[2:], kernel, stride, pads, dilation)
            gx = Convolution.apply(g, ggw, None, stride, pads, dilation, True, op, groups)
        if need[1]:
            gg = _crop(Convolution.apply(x, ggw, None, stride, pads, dilation, False, (0,) * len(kernel), groups),
                       ctx.g_shape)
        return gx, gg, None, None, None, None, None, None


# ------------------------------------------------------------------------------- argument checks
def _ntuple(value, n):
    """An int or sequence as an n-tuple (a 1-element sequence is repeated, as PyTorch does)."""
    if isinstance(value, Tensor):
        value = value.tolist()
    if isinstance(value, int):
        return (value,) * n
    try:
        value = tuple(map(_index, value))      # (ints: 1.5 and (1.0, 1) are refused, as in PyTorch)
    except TypeError:       # PyTorch's argument error for the op called
        from ember.ops import _argparse
        _argparse.refuse_from_stack()
        raise
    if len(value) == 1 and n != 1:
        return value * n
    return value


def _param(value, k, name):
    """Check a per-dim parameter's length against the weight's spatial rank ``k``."""
    if len(value) == 1 and k != 1:
        value = value * k
    if len(value) != k:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {k} values to match the "
                           f"convolution dimensions, but got {name}={list(value)}")
    return value


def _same_pads(kernel, dilation):
    pads = []
    for k, d in zip(kernel, dilation):
        total = d * (k - 1)
        pads.append((total // 2, total - total // 2))
    return tuple(pads)


_CPP_NAMES = {'float32': 'float', 'float64': 'double', 'float16': 'c10::Half', 'bfloat16': 'c10::BFloat16',
              'int64': 'long int',
              'int32': 'int'}


def _check_dtypes(input, weight, bias, transposed, groups, stride, dilation):
    if not transposed and bias is not None and bias.dtype is not input.dtype:
        _bias_error(input, bias)    # PyTorch's forward convolutions check the bias before the weight
    if input.dtype is not weight.dtype:
        if (input.dtype.name == 'float64' or input.dtype.category < 2 or
                (input.dtype.name == 'float32' and not _onednn_chosen(input, weight, groups, stride, dilation))):
            # (PyTorch's own CPU kernels name the type they expect; oneDNN's, half and complex
            # inputs compare the two types)
            raise RuntimeError(f"expected scalar type {_scalar_type_name(input.dtype)} but found "
                               f"{_scalar_type_name(weight.dtype)}")
        raise RuntimeError(f"Input type ({input.type()}) and weight type ({weight.type()}) should be the same or "
                           "input should be a MKLDNN tensor and weight is a dense tensor")
    if bias is not None and bias.dtype is not input.dtype:
        _bias_error(input, bias)


def _bias_error(input, bias):
    raise RuntimeError(f"Input type ({_CPP_NAMES.get(input.dtype.name, input.dtype.name)}) and bias type "
                       f"({_CPP_NAMES.get(bias.dtype.name, bias.dtype.name)}) should be the same")


def _onednn_chosen(input, weight, groups, stride, dilation):
    """Whether PyTorch's CPU convolution hands this float32 call to oneDNN rather than its own
    kernels (read only to word an error as the chosen one does: a wrong weight type, a zero
    dilation). 1-D convolutions run as 2-D ones of height 1."""
    from ember._threads import get_num_threads
    shape = list(input.shape) if input.ndim > 3 else [input.shape[0], input.shape[1], 1, input.shape[2]]
    kh, kw = (weight.shape[-2], weight.shape[-1]) if weight.ndim > 3 else (1, weight.shape[-1])
    worth = (any(s != 1 for s in stride) or any(d != 1 for d in dilation) or shape[0] >= 16 or kw != 1 or kh != 1
             or get_num_threads() > 1)
    return worth and (groups > 1 or (kw > 3 and kh > 3) or shape[0] > 1 or math.prod(shape[:4]) > 20480)


def _zero_dilation(dilation, transposed):
    """PyTorch's kernels' error for a dilation of 0 (1-D convolutions run as 2-D ones, so their
    dilation shows a leading 1)."""
    dilation = (1,) + tuple(dilation) if len(dilation) == 1 else tuple(dilation)
    if transposed:
        names = ('depth', 'height', 'width')[3 - len(dilation):]
        shown = ', '.join(f"dilation_{n}: {d}" for n, d in zip(names, dilation))
    else:
        shown = list(dilation)
    raise RuntimeError(f"dilation should be greater than zero, but got {shown}")


def _convolution(name, n, input, weight, bias, stride, padding, dilation, groups, transposed=False,
                 output_padding=0):
    """Checks shared by every conv entry point (PyTorch's order and wording), then the primitive."""
    if input.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to {name}, but got input "
                           f"of size: {list(input.shape)}")
    if isinstance(padding, str):
        if transposed:
            raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
        if padding not in ('same', 'valid'):
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    unbatched = input.ndim == n + 1
    if unbatched:
        input = input.unsqueeze(0)
    k = weight.ndim - 2
    stride = _param(_ntuple(stride, n), k, 'stride')
    dilation = _param(_ntuple(dilation, n), k, 'dilation')
    if padding == 'same':
        if any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        pads = _same_pads(weight.shape[2:], dilation) if weight.ndim == input.ndim else ((0, 0),) * k
        if any(lo != hi for lo, hi in pads):
            _user_warnings.warn("Using padding='same' with even kernel lengths and odd dilation may require a "
                                "zero-padded copy of the input be created", UserWarning)
            # as PyTorch: the input zero-padded by the uneven part at the end (ConstantPadNdBackward0; the
            # shapes errors below show), the convolution padding evenly
            from ember.ops.padding import ConstantPadNd
            input = ConstantPadNd.apply(input, ((0, 0), (0, 0)) + tuple((0, hi - lo) for lo, hi in pads), 0)
            pads = tuple((lo, lo) for lo, _ in pads)
    elif padding == 'valid':
        pads = ((0, 0),) * k
    else:
        pads = tuple((p, p) for p in _param(_ntuple(padding, n), k, 'padding'))
    output_padding = _param(_ntuple(output_padding, n), k, 'output_padding') if transposed else (0,) * k
    if any(lo < 0 for lo, _ in pads):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d < 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero")    # (a zero: by the kernel, later)
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    ws = list(weight.shape)
    if weight.ndim != input.ndim:
        raise RuntimeError(f"Expected {weight.ndim}-dimensional input for {weight.ndim}-dimensional weight {ws}, "
                           f"but got {input.ndim}-dimensional input of size {list(input.shape)} instead")
    if ws[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, but got "
                           f"weight of size {ws} instead")
    if ws[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but "
                           f"got weight of size [{ws}] instead")
    in_shape = list(input.shape)
    if unbatched:
        in_shape = in_shape[1:]
        shown = list(input.shape)
    else:
        shown = in_shape
    if not transposed:
        if input.shape[1] != ws[1] * groups:
            raise RuntimeError(f"Given groups={groups}, weight of size {ws}, expected input{shown} to have "
                               f"{ws[1] * groups} channels, but got {input.shape[1]} channels instead")
        if 0 in dilation and not (input.dtype.name == 'float32' and
                                  _onednn_chosen(input, weight, groups, stride, dilation)):
            _zero_dilation(dilation, transposed)
        if bias is not None and (bias.ndim != 1 or bias.shape[0] != ws[0]):
            raise RuntimeError(f"Given weight of size {ws}, expected bias to be 1-dimensional with {ws[0]} elements, "
                               f"but got bias of size {list(bias.shape)} instead")
        padded = [input.shape[2 + i] + pads[i][0] + pads[i][1] for i in range(k)]
        kernel = [dilation[i] * (ws[2 + i] - 1) + 1 for i in range(k)]
        if any(p < kk for p, kk in zip(padded, kernel)):
            raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel "
                               f"size: ({' x '.join(map(str, kernel))}). Kernel size can't be greater than actual "
                               "input size")
    else:
        if input.shape[1] != ws[0]:
            raise RuntimeError(f"Given transposed=1, weight of size {ws}, expected input{shown} to have {ws[0]} "
                               f"channels, but got {input.shape[1]} channels instead")
        if 0 in dilation and not (input.dtype.name == 'float32' and
                                  _onednn_chosen(input, weight, groups, stride, dilation)):
            _zero_dilation(dilation, transposed)
        if bias is not None and (bias.ndim != 1 or bias.shape[0] != ws[1] * groups):
            raise RuntimeError(f"Given transposed=1, weight of size {ws}, expected bias to be 1-dimensional with "
                               f"{ws[1] * groups} elements, but got bias of size {list(bias.shape)} instead")
        if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
            dims = ['depth', 'height', 'width'][3 - max(k, 2):]
            if k == 1:   # PyTorch reports 1-D as the 2-D case it runs
                output_padding, stride, dilation = (0,) + output_padding, (1,) + stride, (1,) + dilation
            parts = ' '.join(f"output_padding_{d}: {v}" for d, v in zip(dims, output_padding)) + ' ' + \
                ' '.join(f"stride_{d}: {v}" for d, v in zip(dims, stride)) + ' ' + \
                ' '.join(f"dilation_{d}: {v}" for d, v in zip(dims, dilation))
            raise RuntimeError(f"output padding must be smaller than either stride or dilation, but got {parts}")
        out = [_transposed_out_size(input.shape[2 + i], ws[2 + i], stride[i], pads[i], dilation[i], output_padding[i])
               for i in range(k)]
        if any(o <= 0 for o in out):
            raise RuntimeError(f"Given input size per channel: ({' x '.join(str(s) for s in input.shape[2:])}). "
                               f"Calculated output size per channel: ({' x '.join(map(str, out))}). "
                               "Output size is too small")
    _check_dtypes(input, weight, bias, transposed, groups, stride, dilation)
    if 0 in dilation:   # (oneDNN's words; its transposed convolution ignores the dilation of a 1x1 kernel)
        if not transposed:
            raise RuntimeError("non-positive dilation is not supported")
        if any(s != 1 for s in weight.shape[2:]):
            raise RuntimeError("could not create a primitive descriptor for the deconvolution forward propagation "
                               "primitive. Run workload with environment variable ONEDNN_VERBOSE=all to get "
                               "additional diagnostic information.")
        dilation = (1,) * len(dilation)
    out = Convolution.apply(input, weight, bias, stride, pads, dilation, transposed, output_padding, groups)
    xp = out._xp
    if not unbatched and input.ndim in (4, 5) and isinstance(input._data, xp.ndarray) and \
            isinstance(weight._data, xp.ndarray):
        # a channels-last input or weight gives a channels-last output, as PyTorch's CPU kernels (vmap's
        # batched tensors have no strides to read: they keep the layout their batching rule chose)
        fmt = _formats.channels_last if input.ndim == 4 else _formats.channels_last_3d
        if _formats.suggests_format(input._data, fmt) or _formats.suggests_format(weight._data, fmt):
            out._data = _formats.arrange(out._xp, out._data, fmt, 'convolution')
    return out.squeeze(0) if unbatched else out


# ------------------------------------------------------------------------------- public functions
@op('ember', 'F')
def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution over (N, C, L) (or unbatched (C, L)) input.

    >>> F.conv1d(ember.ones(1, 1, 4), ember.ones(1, 1, 2)).tolist()
    [[[2.0, 2.0, 2.0]]]
    """
    return _convolution('conv1d', 1, input, weight, bias, stride, padding, dilation, groups)


@op('ember', 'F')
def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution (cross-correlation, as in PyTorch) over (N, C, H, W) or (C, H, W) input.

    >>> F.conv2d(ember.ones(1, 3, 5, 5), ember.ones(6, 3, 3, 3), padding=1).shape
    ember.Size([1, 6, 5, 5])
    """
    return _convolution('conv2d', 2, input, weight, bias, stride, padding, dilation, groups)


@op('ember', 'F')
def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution (cross-correlation, as in PyTorch) over ``(N, C_in, D, H, W)`` or ``(C_in, D, H, W)`` input.

    Args:
        input (Tensor): input of shape ``(N, C_in, D, H, W)`` or ``(C_in, D, H, W)``.
        weight (Tensor): filters of shape ``(C_out, C_in / groups, kD, kH, kW)``.
        bias (Tensor, optional): bias of shape ``(C_out)``. Default: ``None``.
        stride (int or tuple, optional): the stride of the kernel. Default: 1.
        padding (int, tuple or str, optional): implicit zero padding on each side, or ``'valid'`` / ``'same'``.
            Default: 0.
        dilation (int or tuple, optional): the spacing between kernel elements. Default: 1.
        groups (int, optional): split the input channels into this many groups. Default: 1.

    Example::

        >>> F.conv3d(ember.ones(1, 2, 4, 4, 4), ember.ones(3, 2, 3, 3, 3), padding=1).shape
        ember.Size([1, 3, 4, 4, 4])
        >>> F.conv3d(ember.ones(1, 1, 2, 2, 2), ember.ones(1, 1, 2, 2, 2))
        tensor([[[[[8.]]]]])
    """
    return _convolution('conv3d', 3, input, weight, bias, stride, padding, dilation, groups)


@op('ember', 'F')
def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """1-D transposed convolution (the adjoint of :func:`conv1d`, sometimes called a "deconvolution").

    Args:
        input (Tensor): input of shape ``(N, C_in, L)`` or ``(C_in, L)``.
        weight (Tensor): filters of shape ``(C_in, C_out / groups, kL)``.
        bias (Tensor, optional): bias of shape ``(C_out)``. Default: ``None``.
        stride (int or tuple, optional): the stride of the kernel. Default: 1.
        padding (int or tuple, optional): ``dilation * (kernel_size - 1) - padding`` zeros are added on each
            side. Default: 0.
        output_padding (int or tuple, optional): extra size added to one side of the output. Default: 0.
        groups (int, optional): split the input channels into this many groups. Default: 1.
        dilation (int or tuple, optional): the spacing between kernel elements. Default: 1.

    Example::

        >>> F.conv_transpose1d(ember.tensor([[[1., 2., 3.]]]), ember.ones(1, 1, 2), stride=2)
        tensor([[[1., 1., 2., 2., 3., 3.]]])
    """
    return _convolution('conv_transpose1d', 1, input, weight, bias, stride, padding, dilation, groups, True,
                        output_padding)


@op('ember', 'F')
def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """The adjoint of conv2d (a "deconvolution"): weight is (C_in, C_out / groups, kH, kW).

    >>> F.conv_transpose2d(ember.ones(1, 2, 3, 3), ember.ones(2, 4, 2, 2), stride=2).shape
    ember.Size([1, 4, 6, 6])
    """
    return _convolution('conv_transpose2d', 2, input, weight, bias, stride, padding, dilation, groups, True,
                        output_padding)


@op('ember', 'F')
def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """3-D transposed convolution (the adjoint of :func:`conv3d`).

    Args:
        input (Tensor): input of shape ``(N, C_in, D, H, W)`` or ``(C_in, D, H, W)``.
        weight (Tensor): filters of shape ``(C_in, C_out / groups, kD, kH, kW)``.
        bias (Tensor, optional): bias of shape ``(C_out)``. Default: ``None``.
        stride (int or tuple, optional): the stride of the kernel. Default: 1.
        padding (int or tuple, optional): ``dilation * (kernel_size - 1) - padding`` zeros are added on each
            side. Default: 0.
        output_padding (int or tuple, optional): extra size added to one side of each output dimension. Default:
            0.
        groups (int, optional): split the input channels into this many groups. Default: 1.
        dilation (int or tuple, optional): the spacing between kernel elements. Default: 1.

    Example::

        >>> F.conv_transpose3d(ember.ones(1, 2, 2, 2, 2), ember.ones(2, 4, 2, 2, 2), stride=2).shape
        ember.Size([1, 4, 4, 4, 4])
    """
    return _convolution('conv_transpose3d', 3, input, weight, bias, stride, padding, dilation, groups, True,
                        output_padding)


# ------------------------------------------------------------------------------- unfold / fold
class Im2Col(Primitive):
    node_name = 'Im2ColBackward0'
    saved_attrs = {'dilation': _sa.item('args', 2), 'kernel_size': _sa.item('args', 1), 'padding': _sa.item('args', 3),
                   'self_sym_argsize_minus_1': lambda node: node.args[0][-1],
                   'self_sym_argsize_minus_2': lambda node: node.args[0][-2],
                   'stride': _sa.item('args', 4)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x, kernel, dilation, padding, stride):
        _float8.check_kernel('im2col_out_cpu', x.dtype)      # (PyTorch refuses float8)
        xp = ctx.xp
        n = len(kernel)
        ctx.args = (x.shape[x.ndim - n:], kernel, dilation, padding, stride)
        if x.ndim == n + 1:   # unbatched (C, H, W)
            return Im2Col.forward(ctx, x[None], kernel, dilation, padding, stride)[0]
        pads = tuple((p, p) for p in padding)
        xpad = _pad_raw(xp, x, pads)
        out = tuple(_out_size(xpad.shape[2 + i], kernel[i], stride[i], (0, 0), dilation[i]) for i in range(n))
        cols = xp.ascontiguousarray(_windows(xp, xpad, kernel, stride, dilation, out))   # (N, C, *K, *out)
        return cols.reshape(x.shape[0], -1, math.prod(out))

    @staticmethod
    def backward(ctx, g):
        size, kernel, dilation, padding, stride = ctx.args
        return Col2Im.apply(g, size, kernel, dilation, padding, stride), None, None, None, None


class Col2Im(Primitive):
    """Sum of blocks back into an image (overlaps add up): the adjoint of Im2Col."""
    node_name = 'Col2ImBackward0'
    saved_attrs = {'dilation': _sa.item('args', 1), 'kernel_size': _sa.item('args', 0), 'padding': _sa.item('args', 2),
                   'stride': _sa.item('args', 3)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, cols, size, kernel, dilation, padding, stride):
        _float8.check_kernel('col2im_out_cpu', cols.dtype)   # (PyTorch refuses float8)
        xp = ctx.xp
        ctx.args = (kernel, dilation, padding, stride)
        if cols.ndim == 2:    # unbatched (C * prod(K), L)
            return Col2Im.forward(ctx, cols[None], size, kernel, dilation, padding, stride)[0]
        n = len(kernel)
        N, CK = cols.shape[:2]
        blocks = tuple(_out_size(size[i], kernel[i], stride[i], (padding[i], padding[i]), dilation[i])
                       for i in range(n))
        cols = cols.reshape((N, CK // math.prod(kernel)) + tuple(kernel) + blocks)
        return _col2im_raw(xp, cols, size, kernel, stride, tuple((p, p) for p in padding), dilation)

    @staticmethod
    def backward(ctx, g):
        kernel, dilation, padding, stride = ctx.args
        return Im2Col.apply(g, kernel, dilation, padding, stride), None, None, None, None, None


def _fold_params(kernel_size, dilation, padding, stride, n=2):
    for name, value in (('kernel_size', kernel_size), ('dilation', dilation), ('padding', padding), ('stride', stride)):
        if isinstance(value, (tuple, list)) and len(value) != n:     # (PyTorch repeats no 1-element size here)
            raise RuntimeError(f"It is expected {name} equals to {n}, but got size {len(value)}")
    return (_ntuple(kernel_size, n), _ntuple(dilation, n), _ntuple(padding, n), _ntuple(stride, n))


@op('F')
def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Extract sliding local blocks (im2col): (N, C, H, W) -> (N, C * kH * kW, L).

    >>> F.unfold(ember.arange(16.).reshape(1, 1, 4, 4), 2, stride=2)[0, :, 0].tolist()
    [0.0, 1.0, 4.0, 5.0]
    """
    try:
        ndim = input.ndim
    except AttributeError:      # not a tensor: PyTorch's argument error (its unfold is im2col's)
        from ember.ops import _argparse
        _argparse.refuse_from_stack()
        raise
    if ndim < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-max(input.ndim, 1)}, "
                         f"{max(input.ndim, 1) - 1}], but got {input.ndim})")
    if input.ndim > 4:
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
                           f"dimensions for input, but got: {list(input.shape)}")
    kernel, dilation, padding, stride = _fold_params(kernel_size, dilation, padding, stride)
    spatial = input.shape[-2:]
    blocks = [_out_size(spatial[i], kernel[i], stride[i], (padding[i], padding[i]), dilation[i]) for i in range(2)]
    if any(b < 1 for b in blocks):
        raise RuntimeError(f"Given input with spatial size {tuple(spatial)}, kernel_size={kernel}, "
                           f"dilation={dilation}, padding={padding}, calculated shape of the array of sliding blocks "
                           f"as {tuple(blocks)}, but its components must be at least one.")
    return Im2Col.apply(input, kernel, dilation, padding, stride)


@op('F')
def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Combine sliding blocks into an image (col2im), summing overlaps: the adjoint of ``unfold``.

    >>> F.fold(ember.ones(1, 4, 4), (3, 3), 2).tolist()
    [[[[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]]]
    """
    require_tensor(input, 'col2im')
    if input.ndim not in (2, 3):
        raise RuntimeError("Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero "
                           f"dimensions for input, but got: {list(input.shape)}")
    if isinstance(output_size, (tuple, list)) and len(output_size) != 2:
        raise RuntimeError(f"It is expected output_size equals to 2, but got size {len(output_size)}")
    size = _ntuple(output_size, 2)
    kernel, dilation, padding, stride = _fold_params(kernel_size, dilation, padding, stride)
    x = input if input.ndim == 3 else input.unsqueeze(0)   # (a view, for the checks only)
    kk = math.prod(kernel)
    if x.shape[1] % kk:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
                           f"got input.size(1)={x.shape[1]} and kernel_size={kernel}.")
    blocks = [_out_size(size[i], kernel[i], stride[i], (padding[i], padding[i]), dilation[i]) for i in range(2)]
    if x.shape[2] != math.prod(blocks):
        raise RuntimeError(f"Given output_size={size}, kernel_size={kernel}, dilation={dilation}, padding={padding}, "
                           f"stride={stride}, expected size of input's dimension 2 to match the calculated number of "
                           f"sliding blocks {blocks[0]} * {blocks[1]} = {math.prod(blocks)}, but got "
                           f"input.size(2)={x.shape[2]}.")
    return Col2Im.apply(input, size, kernel, dilation, padding, stride)
