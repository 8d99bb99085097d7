"""Winograd F(2x2, 3x3): 3x3, stride-1 2-D convolutions with 2.25x fewer multiplications; and the
choice between it and F(4x4, 3x3) (``_winograd_f43``), which this module's ``conv``,
``conv_flipped`` and ``weight_grad`` make per call.

The input is cut into 4x4 tiles overlapping by 2 (one per 2x2 block of outputs); each tile ``d``
and the kernel ``w`` are transformed (``V = Bt d B``, ``U = G w Gt``), multiplied elementwise and
summed over input channels (for each of the 16 tile positions ONE matmul over every channel, batch
element and tile: ``(O, C) @ (C, N * tiles)``), and transformed back (``y = At M A``). The
transforms are only additions (and halvings of the kernel), so on NumPy the work is the 16 matmuls
of 1/2.25 the size of im2col's one, plus a few passes over arrays the size of the input.

The weight gradient is the adjoint of the same map, ``dw = Gt [sum over tiles (A g At) * V] G``:
16 matmuls ``(O, N * tiles) @ (N * tiles, C)`` (V is rebuilt rather than kept from the forward:
measured, writing it out and reading it back costs more than remaking it in cache). The input
gradient of a stride-1 convolution is a convolution of the output gradient with the flipped
kernel, whose transform is the kernel's own with the tile positions permuted (``conv_flipped``).

Results agree with im2col's to float32 rounding (the transforms' coefficients are 0, +-1 and 1/2).
"""
import functools

import numpy

from ember.ops import _chunk_threads, _winograd_f43

# below this many multiply-adds per output position (C * O), the transforms' passes over memory
# cost more than the smaller matmuls save; and a layer with few input channels keeps im2col for its
# three kernels: with few channels the tile products have a shallow inner dimension (forward,
# weight gradient) while im2col's products stay wide, and its input gradient's flat-plane path has
# few rows to add back (measured, one thread, batch 32 on 32x32, forward / input gradient / weight
# gradient in ms, im2col family against F(4x4, 3x3): 16 -> 16 channels 4.7 / 7.1 / 7.1 against
# 4.9 / 5.0 / 5.9; 8 -> 64 5.5 / 7.5 / 6.1 against 9.5 / 18.1 / 11.7; 64 -> 8 29.5 / 29.4 / 32.1
# against 10.8 / 9.7 / 9.9; 3 -> 64 and 4 -> 128 like 8 -> 64, 64 -> 3 and 128 -> 4 like 64 -> 8)
_MIN_CHANNEL_PRODUCT = 256
_MIN_LAYER_INPUT_CHANNELS = 16


def fits(x, w_shape, stride, pads, dilation, groups, transposed=False):
    """Whether ``conv(x, w)`` (x unpadded, ``pads`` as (low, high) pairs) takes this path;
    ``transposed`` when it computes a stride-1 transposed convolution (an input gradient), whose
    output channels (``w_shape[0]``) are the layer's input channels."""
    return (len(w_shape) == 4 and w_shape[2] == 3 and w_shape[3] == 3 and stride == (1, 1)
            and dilation == (1, 1) and groups == 1 and x.dtype.kind == 'f' and x.dtype.itemsize >= 4
            and w_shape[0] * w_shape[1] >= _MIN_CHANNEL_PRODUCT
            and w_shape[0 if transposed else 1] >= _MIN_LAYER_INPUT_CHANNELS
            and all(lo >= 0 and hi >= 0 for lo, hi in pads)
            and all(x.shape[2 + i] + pads[i][0] + pads[i][1] >= 4 for i in range(2)))


# NOTE: every pass works on a few batch elements at a time, sized so that a chunk's transformed
# tiles stay in the CPU's cache between being made and being multiplied: done over the whole batch
# at once, the passes are bound by memory bandwidth and lose to im2col's single large matmul. A
# chunk is never smaller than the transformed kernel (or the weight gradient's sum), which every
# chunk's matmul reads again: with 512 channels that is 16 MB, and small chunks re-read it often
_CHUNK_BYTES = 1 << 20


def _geometry(x_shape, pads):
    """The output size and the tiles per column and row."""
    out = (x_shape[2] + pads[0][0] + pads[0][1] - 2, x_shape[3] + pads[1][0] + pads[1][1] - 2)
    return out, (out[0] + 1) // 2, (out[1] + 1) // 2


def batch_chunks(N, per_element_bytes, budget=None, parts=1):
    """(start, stop) ranges of the batch whose working set is about ``budget`` bytes (at least one
    element each), and at least ``parts`` of them where the batch has that many elements."""
    step = max(1, (budget or _CHUNK_BYTES) // max(1, per_element_bytes))
    step = min(step, max(1, -(-N // parts)))
    return [(n, min(N, n + step)) for n in range(0, N, step)]


# NOTE on the layout: tile (t, s) reads padded rows 2t..2t+3 and columns 2s..2s+3. Split the padded
# input into its four phases (even/odd rows x even/odd columns), each a (C, n, th + 1, tw + 1) plane
# flattened to one run of L elements: then input row 2t + k, column 2s + l of every tile at once is
# ONE contiguous slice, phase (k % 2, l % 2) shifted by (k // 2) * (tw + 1) + l // 2. Every transform
# step is a contiguous NumPy pass over L elements (strided slices of the plain layout run several
# times slower). Position (t, s) with t = th or s = tw is a spare tile whose reads wrap into the next
# row or plane: its results are dropped, its gradient is zero, and the buffer carries tw + 2 spare
# elements so that the last plane's wrap stays inside it.
def _phases_into(xp, src, pads, dst):
    """dst[p, q, a, b, i, j] = src[b, a, 2i + p - lo_h, 2j + q - lo_w] where that is inside ``src``
    (n, A, H, W); ``dst`` (2, 2, A, n, Hh, Wh) is zero elsewhere already."""
    H, W = src.shape[2:]
    (lo_h, _), (lo_w, _) = pads
    Hh, Wh = dst.shape[4:]
    for p in range(2):
        i0 = max(0, (lo_h - p + 1) // 2)
        r0 = 2 * i0 + p - lo_h
        ni = min(Hh - i0, (H - r0 + 1) // 2)
        for q in range(2):
            j0 = max(0, (lo_w - q + 1) // 2)
            c0 = 2 * j0 + q - lo_w
            nj = min(Wh - j0, (W - c0 + 1) // 2)
            if ni > 0 and nj > 0:
                dst[p, q, :, :, i0:i0 + ni, j0:j0 + nj] = \
                    src[:, :, r0:r0 + 2 * ni - 1:2, c0:c0 + 2 * nj - 1:2].swapaxes(0, 1)


def _tiles(xp, x, pads, th, tw):
    """V (4, 4, C, n, th, tw) = Bt d B for every tile of x (n, C, H, W) padded by ``pads``."""
    n, C = x.shape[:2]
    Hh, Wh = th + 1, tw + 1
    L = C * n * Hh * Wh
    buf = xp.zeros(4 * L + Wh, x.dtype)
    _phases_into(xp, x, pads, buf[:4 * L].reshape(2, 2, C, n, Hh, Wh))
    item = buf.itemsize

    def rows(p, shift):                    # input rows 2t + k (p = k % 2) of both column phases
        return xp.lib.stride_tricks.as_strided(buf[2 * p * L + shift:], (2, L), (L * item, item))
    d0, d1, d2, d3 = rows(0, 0), rows(1, 0), rows(0, Wh), rows(1, Wh)
    R = xp.empty((4, 2, L), x.dtype)       # Bt along rows: d0 - d2, d1 + d2, d2 - d1, d1 - d3
    xp.subtract(d0, d2, out=R[0])
    xp.add(d1, d2, out=R[1])
    xp.subtract(d2, d1, out=R[2])
    xp.subtract(d1, d3, out=R[3])
    # ... and along columns (column 2s + l: phase l % 2, shift l // 2), also over the whole flat
    # planes: the spare column s = tw and row t = th are computed too (the very last element is
    # left unset: it is a spare) and one copy drops them. NOTE: the same steps on the (th, tw) views
    # run per row (inner loops of tw elements: 2 on a 4x4 plane), 1.3-1.7x slower in all
    F = xp.empty((4, 4, L), x.dtype)
    for a in range(4):
        e0, e1 = R[a, 0, :L - 1], R[a, 1, :L - 1]
        e2, e3 = R[a, 0, 1:], R[a, 1, 1:]
        xp.subtract(e0, e2, out=F[a, 0, :L - 1])
        xp.add(e1, e2, out=F[a, 1, :L - 1])
        xp.subtract(e2, e1, out=F[a, 2, :L - 1])
        xp.subtract(e1, e3, out=F[a, 3, :L - 1])
    return _drop_spares(xp, F.reshape(4, 4, C, n, Hh, Wh), th, tw)


def _drop_spares(xp, F, th, tw):
    """The (4, 4, C, n, th, tw) tiles of ``F`` (4, 4, C, n, th + 1, tw + 1) flattened, without the spare
    row and column: a ``take`` of the kept places of every plane.

    NOTE: on the small planes this path gets (2x2 or 4x4 tiles), copying the ``[..., :th, :tw]`` view
    runs NumPy's strided loop over runs of 2 or 4 elements, an iterator step each; ``take`` along one
    axis copies the same elements in one C loop (512 channels, batch 32, 2x2 tiles: 4.1 -> 1.6 ms)."""
    Wh = tw + 1
    kept = _kept_places(th, tw)
    planes = F.reshape(-1, (th + 1) * Wh)
    return xp.take(planes, xp.asarray(kept), axis=1).reshape(F.shape[:4] + (th, tw))


@functools.lru_cache(maxsize=64)
def _kept_places(th, tw):
    """Where the (th, tw) tiles sit in a flattened (th + 1, tw + 1) plane, row-major (read-only)."""
    kept = (numpy.arange(th)[:, None] * (tw + 1) + numpy.arange(tw)).ravel()
    kept.flags.writeable = False
    return kept


def _kron_g(xp, dtype):
    """G (x) G: U = G w Gt flattened is (G (x) G) @ w flattened (row-major), so the kernel transform
    and its adjoint are each ONE matmul over every (O, C) kernel (a broadcast 4x3 @ 3x3 matmul
    per kernel costs a NumPy loop step each)."""
    G = xp.asarray([[1, 0, 0], [.5, .5, .5], [.5, -.5, .5], [0, 0, 1]], dtype=dtype)
    return xp.kron(G, G)                                          # (16, 9)


def _kernel_transform(xp, w):
    """U = G w Gt for every (O, C) kernel, as (16, O, C)."""
    O, C = w.shape[:2]
    U = xp.matmul(_kron_g(xp, w.dtype), w.reshape(O * C, 9).T)   # (16, O * C)
    return U.reshape(16, O, C)


# NOTE: reversing a kernel's columns reverses G's columns, which is G with its first and last rows
# swapped (G J = P G), so the transform of the flipped kernel is the transform of the kernel with
# its tile positions permuted: the same matmul with the rows of G (x) G reordered
_FLIP_ROWS = [4 * a + b for a in (3, 1, 2, 0) for b in (3, 1, 2, 0)]


def _flipped_kernel_transform(xp, w):
    """The transform of the flipped kernel ``w[:, :, ::-1, ::-1].swapaxes(0, 1)`` (w (A, B, 3, 3)), as
    (16, B, A), without making that kernel: a transposed view, which matmul reads as it is."""
    A, B = w.shape[:2]
    U = xp.matmul(_kron_g(xp, w.dtype)[_FLIP_ROWS], w.reshape(A * B, 9).T)   # (16, A * B)
    return U.reshape(16, A, B).swapaxes(1, 2)


def _untile_into(xp, M, y6):
    """y6[r, c] (the output's 2x2 phases, (2, 2, O, n, th, tw)) = At M A for M (4, 4, O * n * th * tw)."""
    S = xp.empty((2,) + M.shape[1:], M.dtype)
    xp.add(M[0], M[1], out=S[0])                                  # along rows: M0 + M1 + M2,
    S[0] += M[2]
    xp.subtract(M[1], M[2], out=S[1])                             # M1 - M2 - M3
    S[1] -= M[3]
    shape = (2,) + y6.shape[2:]
    S = S.reshape((2, 4) + shape[1:])
    xp.add(xp.add(S[:, 1], S[:, 2]), S[:, 0], out=y6[:, 0])       # ... and along columns
    xp.subtract(xp.subtract(S[:, 1], S[:, 2]), S[:, 3], out=y6[:, 1])


# NOTE: F(4x4, 3x3) (_winograd_f43.py) makes 2.25 products per output and input channel where this
# F(2x2, 3x3) makes 4, but its transformed kernel is 36 * C * O values (16 * C * O here), made again
# on every call: writing it costs about as much as the products of 50 tiles, so where a call has
# few tiles (4x4 planes at batch 32: one 6x6 tile per sample) this path is faster (measured, one
# thread, batch 32: 512 channels on 4x4, forward 35 ms here against 75 ms with F(4x4, 3x3); 256
# channels on 8x8, 33 ms here against 23 ms)
_F43_MIN_TILES = 64


def _f43(xp, x, pads):
    """Whether this call takes F(4x4, 3x3): NumPy arrays only (its layout and thresholds were
    measured on OpenBLAS; CuPy arrays keep this module's path)."""
    if xp is not numpy:
        return False
    _, th, tw = _winograd_f43.geometry(x.shape, pads)
    return x.shape[0] * th * tw >= _F43_MIN_TILES


def conv(xp, x, w, pads):
    """conv2d(x, w) with 3x3 ``w``, stride 1 and (low, high) ``pads``, as (N, O, Ho, Wo)."""
    if _f43(xp, x, pads):
        return _winograd_f43.conv_transformed(xp, x, _winograd_f43.kernel_transform(xp, w), pads)
    return _conv_transformed(xp, x, _kernel_transform(xp, w), pads)


def conv_flipped(xp, x, w, pads):
    """The stride-1 transposed convolution by ``w`` (A, B, 3, 3): ``conv`` with its flipped kernel."""
    if _f43(xp, x, pads):
        return _winograd_f43.conv_transformed(xp, x, _winograd_f43.flipped_kernel_transform(xp, w), pads)
    return _conv_transformed(xp, x, _flipped_kernel_transform(xp, w), pads)


def _conv_transformed(xp, x, U, pads):
    """conv2d(x, w) given w's transform ``U`` (16, O, C)."""
    N, C = x.shape[:2]
    O = U.shape[1]
    out, th, tw = _geometry(x.shape, pads)
    y = xp.empty((N, O, 2 * th, 2 * tw), x.dtype)
    per_element = 16 * max(C, O) * th * tw * x.itemsize

    def chunk(n0, n1):
        n = n1 - n0
        V = _tiles(xp, x[n0:n1], pads, th, tw)
        M = xp.matmul(U, V.reshape(16, C, -1))                    # (16, O, n * th * tw)
        y6 = y[n0:n1].reshape(n, O, th, 2, tw, 2).transpose(3, 5, 1, 0, 2, 4)
        _untile_into(xp, M.reshape(4, 4, -1), y6)
    budget = max(_CHUNK_BYTES, U.nbytes)
    _chunk_threads.for_chunks(xp, batch_chunks(N, per_element, budget, _chunk_threads.threads(xp)), chunk)
    if (2 * th, 2 * tw) != out:
        y = xp.ascontiguousarray(y[:, :, :out[0], :out[1]])
    return y


# sign of each (a, b) term that the weight gradient's tile transform leaves out (its fourth row and
# column are negations of other terms' inputs): folded into the final kernel-space matmul
_GRAD_SIGNS = [(-1 if a == 3 else 1) * (-1 if b == 3 else 1) for a in range(4) for b in range(4)]


def weight_grad(xp, x, g, pads):
    """d conv(x, w) / dw contracted with the output gradient ``g`` (N, O, Ho, Wo): (O, C, 3, 3)."""
    if _f43(xp, x, pads):
        return _winograd_f43.weight_grad(xp, x, g, pads)
    N, O = g.shape[:2]
    C = x.shape[1]
    out, th, tw = _geometry(x.shape, pads)
    per_element = 16 * max(C, O) * th * tw * x.itemsize
    budget = max(_CHUNK_BYTES, 16 * O * C * g.itemsize)
    chunks = batch_chunks(N, per_element, budget, _chunk_threads.threads(xp))
    # NOTE: on k threads each sums its own chunks and the k sums are added at the end (one thread:
    # the chunks in order, as always)
    parts = _chunk_threads.map_parts(xp, chunks, lambda part: _tile_products(xp, x, g, pads, th, tw, part))
    M = parts[0]
    for part in parts[1:]:
        M += part
    kron = _kron_g(xp, M.dtype) * xp.asarray(_GRAD_SIGNS, dtype=M.dtype)[:, None]
    dw = xp.matmul(M.reshape(16, O * C).T, kron)                              # Gt M G per kernel
    return dw.reshape(O, C, 3, 3)


def _tile_products(xp, x, g, pads, th, tw, chunks):
    """sum over the chunks' tiles of (A g At) * V, per tile position: (16, O, C)."""
    O, C = g.shape[1], x.shape[1]
    M = xp.zeros((16, O, C), g.dtype)
    for n0, n1 in chunks:
        n = n1 - n0
        V = _tiles(xp, x[n0:n1], pads, th, tw)
        # A g At for g in whole 2x2 tiles (zero where an odd output size left a spare row/column),
        # on g's phases: rows g0, g0 + g1, g0 - g1, -g1, then the same along columns
        LO = O * n * th * tw
        gp = xp.zeros((2, 2, O, n, th, tw), g.dtype)
        _phases_into(xp, g[n0:n1], ((0, 0), (0, 0)), gp)
        gp = gp.reshape(2, 2, LO)
        rows = [gp[0], xp.add(gp[0], gp[1]), xp.subtract(gp[0], gp[1]), gp[1]]     # the last one negated
        Vm = V.reshape(16, C, n * th * tw)
        for a in range(4):
            r0, r1 = rows[a][0], rows[a][1]
            for b, P in enumerate((r0, xp.add(r0, r1), xp.subtract(r0, r1), r1)):   # the last one negated
                M[4 * a + b] += xp.matmul(P.reshape(O, -1), Vm[4 * a + b].T)
    return M
