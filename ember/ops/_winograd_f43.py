"""Winograd F(4x4, 3x3) on a channels-last working layout: the forward of 3x3 stride-1 convolutions,
their input gradients (a stride-1 transposed convolution is the flipped kernel's convolution) and
their weight gradients (the adjoint: ``Gt [sum over tiles (A g At) * V] G``).

Each 4x4 block of outputs is one 6x6 tile of the padded input (tiles overlap by 2): ``V = Bt d B``,
``U = G w Gt``, 36 products ``(X, C) @ (C, O)`` (one per tile position, over every tile ``X`` of a
few samples) and ``y = At M A``. That is 2.25 multiplications per output and input channel where
im2col takes 9 and F(2x2, 3x3) 4.

NOTE on the layout (measured on Conv2d(64, 64, 3, padding=1), 32x64x32x32, one thread): NumPy's
element-wise passes over the tiles' strided positions (F(2x2, 3x3)'s way) cost more than the
products they feed with 6x6 tiles. Here every transform step is a BLAS product over a contiguous
block instead, which needs the channels innermost: a chunk of samples is copied once into a
zero-padded ``(H, n, W, C)`` buffer (rows outermost). Then

* the six rows of every tile row are one block, ``(6, n * W * C)`` at a stride of 4 rows: ``Bt``
  along the rows is one product per tile row;
* a tile's six columns are six runs of C channels: one copy gathers them (runs of C, not single
  elements), and ``Bt`` along the columns is one product ``(6, 6) @ (6, ...)``;
* the 36 tile products read ``(X, C)`` blocks and write ``(X, O)`` ones, both plain row-major
  (OpenBLAS runs a transposed right operand at half the speed here);
* ``At (x) At`` is one product ``(16, 36) @ (36, X * O)``, whose rows land in the output, still
  channels-last, in runs of O; one transposing copy gives the NCHW result.

Rounding: the transforms' coefficients (4, 5, 2, 8, 1/6, 1/24) make the result less exact than
F(2x2, 3x3)'s: float32 errors measured up to about 8e-6 of the result's largest value with 64 and
128 channels (1e-7 to 4e-7 for F(2x2, 3x3) and PyTorch); float64 below 2e-14.
"""
import functools

import numpy

from ember.ops import _chunk_threads
from ember.ops._channels_last_copy import channels_last_into

# Bt, G and At of F(4, 3) with interpolation points 0, 1, -1, 2, -2 and infinity
_BT = [[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0],
       [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]]
_G = [[1 / 4, 0, 0], [-1 / 6, -1 / 6, -1 / 6], [-1 / 6, 1 / 6, -1 / 6],
      [1 / 24, 1 / 12, 1 / 6], [1 / 24, -1 / 12, 1 / 6], [0, 0, 1]]
_AT = [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]]

# a chunk's tiles (36 * C * tiles per sample) are kept to about this size: large enough to amortise
# the per-chunk calls, small enough that the tiles stay in cache between the transform and the
# products (measured, 64 channels on 32x32: one sample per chunk beats 2 and 4 by 10-25 %)
_CHUNK_BYTES = 1 << 20


def geometry(x_shape, pads):
    """The output size and the tiles per column and row."""
    out = (x_shape[2] + pads[0][0] + pads[0][1] - 2, x_shape[3] + pads[1][0] + pads[1][1] - 2)
    return out, -(-out[0] // 4), -(-out[1] // 4)


@functools.lru_cache(maxsize=None)
def _constants(dtype):
    """Bt (6, 6); G (x) G (36, 9), the transform of every kernel flattened row-major in one product;
    At (x) At (16, 36) with its columns in the tiles' (b, a) order, rows (r, s); G (x) G with its rows
    in that (b, a) order. Read-only, per dtype (NumPy arrays: this path runs on NumPy only)."""
    G = numpy.asarray(_G, dtype=numpy.float64)
    AT = numpy.asarray(_AT, dtype=dtype)
    KA = numpy.kron(AT, AT).reshape(16, 6, 6).swapaxes(1, 2).reshape(16, 36)
    KG = numpy.kron(G, G).astype(dtype)
    KG_ba = KG.reshape(6, 6, 9).swapaxes(0, 1).reshape(36, 9)
    out = numpy.asarray(_BT, dtype=dtype), KG, numpy.ascontiguousarray(KA), numpy.ascontiguousarray(KG_ba)
    for a in out:
        a.flags.writeable = False
    return out


def _kron_g(xp, dtype):
    return _constants(numpy.dtype(dtype))[1]


def _kron_g_ba(xp, dtype):
    return _constants(numpy.dtype(dtype))[3]


# NOTE: the kernel transforms come out with their tile positions in the tiles' (b, a) order, which the
# products read: their rows of G (x) G are permuted, each value being the same nine-term product as in
# the (a, b) order (the reordering copy it replaces wrote 36 * C * O values per call: 9 MB at 256 channels)


def kernel_transform(xp, w):
    """G w Gt for every kernel of ``w`` (O, C, 3, 3), as (36, C, O) with the tile positions in (b, a)
    order: the products' right operands."""
    O, C = w.shape[:2]
    wt = xp.ascontiguousarray(w.reshape(O, C, 9).swapaxes(0, 1)).reshape(C * O, 9)
    return xp.matmul(_kron_g_ba(xp, w.dtype), wt.T).reshape(36, C, O)


def flipped_kernel_transform(xp, w):
    """The transform of the transposed convolution's kernel ``w[:, :, ::-1, ::-1].swapaxes(0, 1)``
    (w (A, B, 3, 3)), as (36, A, B) in (b, a) order: reversing a flattened 3x3 kernel reverses its
    nine taps, so it is G (x) G with its columns reversed times ``w`` as it is."""
    A, B = w.shape[:2]
    return xp.matmul(_kron_g_ba(xp, w.dtype)[:, ::-1], w.reshape(A * B, 9).T).reshape(36, A, B)


class _Tiles:
    """``Bt d B`` for the tiles of a few samples at a time, as (36, X, C): tile position (b, a) (the
    column step's index outermost), then the tiles X = (tile row, sample, tile column), channels last.
    Keeps its zero-padded input buffers (one per chunk size) for the next chunk of the same thread:
    only the inside is written again."""

    def __init__(self, xp, x, pads, th, tw):
        self.xp, self.x, self.pads, self.th, self.tw = xp, x, pads, th, tw
        self.BT = _constants(x.dtype)[0]
        self.buffers = {}

    def __call__(self, n0, n1):
        xp, x, th, tw, BT = self.xp, self.x, self.th, self.tw, self.BT
        n, C, H, W = (n1 - n0,) + x.shape[1:]
        (lo_h, _), (lo_w, _) = self.pads
        Wb = 4 * tw + 2
        if n not in self.buffers:
            self.buffers[n] = xp.zeros((4 * th + 2, n, Wb, C), x.dtype)
        xb = self.buffers[n]
        channels_last_into(xb[lo_h:lo_h + H, :, lo_w:lo_w + W, :], x[n0:n1])
        row = n * Wb * C
        rows = xp.lib.stride_tricks.as_strided(xb, (th, 6, row), (4 * row * xb.itemsize, row * xb.itemsize,
                                                                   xb.itemsize))
        Z = xp.empty((6, th, n, Wb, C), x.dtype)                  # Bt along rows: (a, t_h, n, column, c)
        xp.matmul(BT, rows, out=Z.reshape(6, th, row).swapaxes(0, 1))
        s = Z.strides
        cols = xp.lib.stride_tricks.as_strided(Z, (6, 6, th, n, tw, C), (s[3], s[0], s[1], s[2], 4 * s[3], s[4]))
        D = xp.empty((6, 6 * th * n * tw * C), x.dtype)          # (l, a, t_h, n, t_w, c): runs of C
        D.reshape(cols.shape)[...] = cols
        return xp.matmul(BT, D).reshape(36, th * n * tw, C)      # Bt along columns


def _output_transform(xp, dtype):
    return _constants(numpy.dtype(dtype))[2]


def _chunks(xp, N, C, O, th, tw, itemsize, budget):
    from ember.ops._winograd import batch_chunks
    per_element = 36 * max(C, O) * th * tw * itemsize
    return batch_chunks(N, per_element, max(_CHUNK_BYTES, budget), _chunk_threads.threads(xp))


def conv_transformed(xp, x, UT, pads):
    """conv2d(x, w) (x (N, C, H, W), unpadded) given w's transform ``UT`` (36, C, O) (tile positions in
    (b, a) order, as ``kernel_transform`` makes it) and (low, high) ``pads``, as (N, O, Ho, Wo)."""
    N, C = x.shape[:2]
    O = UT.shape[2]
    (Ho, Wo), th, tw = geometry(x.shape, pads)
    y = xp.empty((N, O, Ho, Wo), x.dtype)
    Uba = UT
    KA = _output_transform(xp, x.dtype)

    def part(chunks):
        tiles = _Tiles(xp, x, pads, th, tw)
        for n0, n1 in chunks:
            n = n1 - n0
            M = xp.matmul(tiles(n0, n1), Uba)                     # (b, a, tile, o)
            Y = xp.matmul(KA, M.reshape(36, -1))                  # (r, s, t_h, n, t_w, o)
            Y = Y.reshape(4, 4, th, n, tw, O).transpose(3, 2, 0, 4, 1, 5).reshape(n, 4 * th, 4 * tw, O)
            y[n0:n1] = Y[:, :Ho, :Wo].transpose(0, 3, 1, 2)
    _chunk_threads.map_parts(xp, _chunks(xp, N, C, O, th, tw, x.itemsize, UT.nbytes), part)
    return y


def weight_grad(xp, x, g, pads):
    """d conv(x, w) / dw contracted with the output gradient ``g`` (N, O, Ho, Wo): (O, C, 3, 3), as
    ``Gt [sum over tiles (A g At) * V] G``, the adjoint of the forward's steps."""
    N, C = x.shape[:2]
    O = g.shape[1]
    (Ho, Wo), th, tw = geometry(x.shape, pads)
    KAt = _output_transform(xp, x.dtype).T                        # (36, 16): A g At for every tile

    def part(chunks):
        tiles = _Tiles(xp, x, pads, th, tw)
        grads = {}       # per chunk size: g's tiles, channels last, zero where no output is
        M = None
        for n0, n1 in chunks:
            n = n1 - n0
            if n not in grads:
                grads[n] = xp.zeros((4 * th, n, 4 * tw, O), g.dtype)
            gb = grads[n]
            channels_last_into(gb[:Ho, :, :Wo, :], g[n0:n1])
            gt = gb.reshape(th, 4, n, tw, 4, O).transpose(1, 4, 0, 2, 3, 5)    # (r, s, t_h, n, t_w, o)
            gt = xp.matmul(KAt, xp.ascontiguousarray(gt).reshape(16, -1)).reshape(36, -1, O)
            P = xp.matmul(gt.swapaxes(1, 2), tiles(n0, n1))       # (b, a, o, c)
            if M is None:
                M = P
            else:
                M += P
        return M
    # NOTE: chunks as small as the forward's: measured on 64 channels, 32x32, one sample per chunk
    # (64 tiles deep products, plus adding up 32 partial sums) beats 4 per chunk, 20 against 30 ms
    parts = _chunk_threads.map_parts(xp, _chunks(xp, N, C, O, th, tw, x.itemsize, 36 * O * C * x.itemsize), part)
    M = parts[0]
    for P in parts[1:]:
        M += P
    M = M.reshape(6, 6, O * C).swapaxes(0, 1).reshape(36, O * C)  # (a, b) order
    return xp.matmul(M.T, _kron_g(xp, M.dtype)).reshape(O, C, 3, 3)
