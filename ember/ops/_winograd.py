"""Winograd F(2x2, 3x3): 3x3, stride-1 2-D convolutions with 2.25x fewer multiplications.

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
kernel (``flipped``), so it runs through ``conv`` too.

Results agree with im2col's to float32 rounding (the transforms' coefficients are 0, +-1 and 1/2).
"""
# below this many multiply-adds per output position (C * O), the transforms' passes over memory
# cost about what the smaller matmuls save (measured on 2 cores: even at C = O = 16; ahead by
# 1.25-1.5x from C * O = 512 up)
_MIN_CHANNEL_PRODUCT = 512


def fits(x, w_shape, stride, pads, dilation, groups):
    """Whether ``conv(x, w)`` (x unpadded, ``pads`` as (low, high) pairs) takes this path."""
    return (len(w_shape) == 4 and w_shape[2] == 3 and w_shape[3] == 3 and stride == (1, 1)
            and dilation == (1, 1) and groups == 1 and x.dtype.kind == 'f' and x.dtype.itemsize >= 4
            and w_shape[0] * w_shape[1] >= _MIN_CHANNEL_PRODUCT
            and all(lo >= 0 and hi >= 0 for lo, hi in pads)
            and all(x.shape[2 + i] + pads[i][0] + pads[i][1] >= 4 for i in range(2)))


# NOTE: every pass works on a few batch elements at a time, sized so that a chunk's transformed
# tiles stay in the CPU's cache between being made and being multiplied: done over the whole batch
# at once, the passes are bound by memory bandwidth and lose to im2col's single large matmul. A
# chunk is never smaller than the transformed kernel (or the weight gradient's sum), which every
# chunk's matmul reads again: with 512 channels that is 16 MB, and small chunks re-read it often
_CHUNK_BYTES = 1 << 20


def _geometry(x_shape, pads):
    out = (x_shape[2] + pads[0][0] + pads[0][1] - 2, x_shape[3] + pads[1][0] + pads[1][1] - 2)
    return out, (out[0] + 1) // 2, (out[1] + 1) // 2


def batch_chunks(N, per_element_bytes, budget=None):
    """(start, stop) ranges of the batch whose working set is about ``budget`` bytes (at least one
    element each)."""
    step = max(1, (budget or _CHUNK_BYTES) // max(1, per_element_bytes))
    return [(n, min(N, n + step)) for n in range(0, N, step)]


def _pair_transform(xp, src, axis, count, out):
    """Bt along ``axis`` of ``src`` (positions 2t + k, t < count): writes the 4 combinations
    d0-d2, d1+d2, d2-d1, d1-d3 into ``out[0..3]``."""
    def at(k):
        idx = [slice(None)] * src.ndim
        idx[axis] = slice(k, k + 2 * count - 1, 2)
        return src[tuple(idx)]
    d0, d1, d2, d3 = at(0), at(1), at(2), at(3)
    xp.subtract(d0, d2, out=out[0])
    xp.add(d1, d2, out=out[1])
    xp.subtract(d2, d1, out=out[2])
    xp.subtract(d1, d3, out=out[3])


def _tiles_into(xp, x, pads, th, tw, V):
    """V (4, 4, C, n, th, tw) = Bt d B for every tile of x (n, C, H, W) padded by ``pads``."""
    n, C, H, W = x.shape
    # channel-major, zero-padded up to whole tiles (an odd output size gets one spare row/column)
    xpad = xp.zeros((C, n, 2 * th + 2, 2 * tw + 2), x.dtype)
    (lo_h, _), (lo_w, _) = pads
    h_end, w_end = min(H, 2 * th + 2 - lo_h), min(W, 2 * tw + 2 - lo_w)
    xpad[:, :, lo_h:lo_h + h_end, lo_w:lo_w + w_end] = x[:, :, :h_end, :w_end].transpose(1, 0, 2, 3)
    rows = xp.empty((4, C, n, th, 2 * tw + 2), x.dtype)
    _pair_transform(xp, xpad, 2, th, rows)
    for a in range(4):
        _pair_transform(xp, rows[a], 3, tw, V[a])


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


def _untile_into(xp, M, yv):
    """yv (O, n, 2th, 2tw) = At M A for M (4, 4, O, n, th, tw): each 2x2 result into its place."""
    S = xp.empty((2,) + M.shape[1:], M.dtype)
    xp.add(M[0], M[1], out=S[0])                                  # along rows: M0 + M1 + M2,
    S[0] += M[2]
    xp.subtract(M[1], M[2], out=S[1])                             # M1 - M2 - M3
    S[1] -= M[3]
    for r in range(2):                                            # ... and the same along columns
        even, odd = yv[:, :, r::2, 0::2], yv[:, :, r::2, 1::2]
        xp.add(S[r, 0], S[r, 1], out=even)
        even += S[r, 2]
        xp.subtract(S[r, 1], S[r, 2], out=odd)
        odd -= S[r, 3]


def conv(xp, x, w, pads):
    """conv2d(x, w) with 3x3 ``w``, stride 1 and (low, high) ``pads``, as (N, O, Ho, Wo)."""
    N, C = x.shape[:2]
    O = w.shape[0]
    out, th, tw = _geometry(x.shape, pads)
    U = _kernel_transform(xp, w)
    y = xp.empty((N, O, 2 * th, 2 * tw), x.dtype)
    for n0, n1 in batch_chunks(N, 16 * max(C, O) * th * tw * x.itemsize, max(_CHUNK_BYTES, U.nbytes)):
        V = xp.empty((4, 4, C, n1 - n0, th, tw), x.dtype)
        _tiles_into(xp, x[n0:n1], pads, th, tw, V)
        M = xp.matmul(U, V.reshape(16, C, -1))                    # (16, O, n * th * tw)
        _untile_into(xp, M.reshape(4, 4, O, n1 - n0, th, tw), y[n0:n1].transpose(1, 0, 2, 3))
    if (2 * th, 2 * tw) != out:
        y = xp.ascontiguousarray(y[:, :, :out[0], :out[1]])
    return y


def weight_grad(xp, x, g, pads):
    """d conv(x, w) / dw contracted with the output gradient ``g`` (N, O, Ho, Wo): (O, C, 3, 3)."""
    N, O = g.shape[:2]
    C = x.shape[1]
    out, th, tw = _geometry(x.shape, pads)
    M = xp.zeros((16, O, C), g.dtype)
    for n0, n1 in batch_chunks(N, 16 * max(C, O) * th * tw * x.itemsize, max(_CHUNK_BYTES, M.nbytes)):
        n = n1 - n0
        V = xp.empty((4, 4, C, n, th, tw), x.dtype)
        _tiles_into(xp, x[n0:n1], pads, th, tw, V)
        # A g At for g in whole 2x2 tiles (zero where an odd output size left a spare row/column)
        gt = xp.zeros((O, n, 2 * th, 2 * tw), g.dtype)
        gt[:, :, :out[0], :out[1]] = g[n0:n1].transpose(1, 0, 2, 3)
        rows = xp.empty((4, O, n, th, 2 * tw), g.dtype)
        g0, g1 = gt[:, :, 0::2], gt[:, :, 1::2]                   # along rows: g0, g0 + g1, g0 - g1, -g1
        rows[0] = g0
        xp.add(g0, g1, out=rows[1])
        xp.subtract(g0, g1, out=rows[2])
        xp.negative(g1, out=rows[3])
        P = xp.empty((4, 4, O, n, th, tw), g.dtype)
        for a in range(4):                                        # ... and the same along columns
            c0, c1 = rows[a][..., 0::2], rows[a][..., 1::2]
            P[a, 0] = c0
            xp.add(c0, c1, out=P[a, 1])
            xp.subtract(c0, c1, out=P[a, 2])
            xp.negative(c1, out=P[a, 3])
        L = n * th * tw
        M += xp.matmul(P.reshape(16, O, L), V.reshape(16, C, L).swapaxes(1, 2))
    dw = xp.matmul(M.reshape(16, O * C).T, _kron_g(xp, M.dtype))              # Gt M G per kernel
    return dw.reshape(O, C, 3, 3)


def flipped(w):
    """The kernel whose stride-1 convolution is the transposed convolution by ``w``."""
    return w[:, :, ::-1, ::-1].swapaxes(0, 1)
