"""im2col on flattened planes for stride-1 convolutions whose rows widen little (LeNet's 5x5 conv
on 32x32 images: output rows of 28 read input rows of 32).

For stride 1 the window offset ``o`` of output position ``p`` reads the input at ``p + o`` in a
plane flattened with the input's row length: each column row (channel, offset) is then ONE
contiguous run of the flattened input, and the column matrix is one copy of
``C * prod(K)`` runs of ``L'`` elements (the output's rows widened to the input's), where the
window-shaped copy has ``C * prod(K) * rows`` runs of a row each (measured on LeNet's conv1: the
copy 1.3 -> 0.6 ms). The widened positions cost their share of the matmul, so the path is taken
while rows widen by at most MAX_WIDENING; their results are dropped (forward) or meet zeros
(weight gradient). Every run stays inside its plane: the last one ends at the plane's last element.
"""
import math
import threading

from ember.ops import _chunk_threads, _winograd

MAX_WIDENING = 1.25
# NOTE: a few samples per chunk: at one (LeNet's conv1 has 270 KB of columns per sample) each
# product is a call of its own, and OpenBLAS's cost per call showed (measured on its conv1, forward
# and weight gradient: 3.9 -> 3.5 ms from 512 KB to 1 MB chunks; 2 MB and more left the cache)
_CHUNK_BYTES = 1 << 20


def fits(size, kernel, stride, dilation):
    """Whether a convolution over the padded spatial ``size`` takes this path: stride 1, at least two
    spatial dims (one dim's windows are runs already), rows widened by at most MAX_WIDENING."""
    if len(size) < 2 or any(s != 1 for s in stride):
        return False
    out = [s - d * (k - 1) for s, k, d in zip(size, kernel, dilation)]
    return min(out) > 0 and math.prod(size[1:]) <= MAX_WIDENING * math.prod(out[1:])


def _geometry(x_shape, kernel, dilation):
    """(output size, the full widened grid (out[0], *size[1:]), the wide run length L')."""
    size = x_shape[2:]
    out = tuple(s - d * (k - 1) for s, k, d in zip(size, kernel, dilation))
    steps = [math.prod(size[i + 1:]) for i in range(len(size))]
    run = sum((o - 1) * st for o, st in zip(out, steps)) + 1
    return out, (out[0],) + tuple(size[1:]), run, steps


def _runs(xp, x, kernel, dilation, run, steps):
    """The no-copy view (N, C, *K, L') of every (channel, offset)'s run of a contiguous ``x``."""
    it = x.itemsize
    strides = x.strides[:2] + tuple(st * d * it for st, d in zip(steps, dilation)) + (it,)
    return xp.lib.stride_tricks.as_strided(x, x.shape[:2] + tuple(kernel) + (run,), strides)


def _per_thread(make):
    """A function giving each thread its own buffers, made by ``make()`` on its first call."""
    made = {}

    def get():
        key = threading.get_ident()
        mine = made.get(key)
        if mine is None:
            mine = made[key] = make()
        return mine
    return get


def conv(xp, x, w, dilation, groups, product_into):
    """conv(x, w) for an already padded ``x`` (N, C, *size) at stride 1: (N, O, *out)."""
    x = xp.ascontiguousarray(x)
    N, C = x.shape[:2]
    O, kernel = w.shape[0], w.shape[2:]
    out, grid, run, steps = _geometry(x.shape, kernel, dilation)
    ck = (C // groups) * math.prod(kernel)
    wm = w.reshape(groups, O // groups, ck)
    runs = _runs(xp, x, kernel, dilation, run, steps)                      # (N, C, *K, L')
    y = xp.empty((N, O) + out, x.dtype)
    chunks = _winograd.batch_chunks(N, C * math.prod(kernel) * run * x.itemsize, _CHUNK_BYTES,
                                    _chunk_threads.threads(xp))
    most = max((n1 - n0 for n0, n1 in chunks), default=0)
    wide_len = math.prod(grid)
    buffers = _per_thread(lambda: (xp.empty((most, groups, ck, run), x.dtype),
                                   xp.empty((most, groups, O // groups, wide_len), x.dtype)))
    valid = (slice(None), slice(None)) + tuple(slice(0, o) for o in out)

    def chunk(n0, n1):
        n = n1 - n0
        cols, wide = buffers()
        cols = cols[:n]
        cols.reshape(runs[n0:n1].shape)[...] = runs[n0:n1]
        wide = wide[:n]
        product_into(xp, wm, cols, wide[..., :run])
        y[n0:n1] = wide.reshape((n, O) + grid)[valid]
    _chunk_threads.for_chunks(xp, chunks, chunk)
    return y


def weight_grad(xp, x, g, kernel, dilation, groups):
    """d(conv(x, w))/dw contracted with ``g`` (N, O, *out) for an already padded ``x`` at stride 1,
    as the products' (G, C/G * K, O/G): per sample the runs against ``g`` spread over the widened
    grid (zeros at the widened positions), summed."""
    x = xp.ascontiguousarray(x)
    N, C = x.shape[:2]
    O = g.shape[1]
    out, grid, run, steps = _geometry(x.shape, kernel, dilation)
    ck = (C // groups) * math.prod(kernel)
    runs = _runs(xp, x, kernel, dilation, run, steps)
    chunks = _winograd.batch_chunks(N, C * math.prod(kernel) * run * x.itemsize, _CHUNK_BYTES,
                                    _chunk_threads.threads(xp))
    most = max((n1 - n0 for n0, n1 in chunks), default=0)
    valid = (slice(None), slice(None)) + tuple(slice(0, o) for o in out)
    buffers = _per_thread(lambda: (xp.empty((most, groups, ck, run), x.dtype),
                                   xp.zeros((most, O) + grid, g.dtype)))  # zeros stay at the widened positions

    def products(part):
        gw = 0
        for n0, n1 in part:
            n = n1 - n0
            cols, wide = buffers()
            cols = cols[:n]
            cols.reshape(runs[n0:n1].shape)[...] = runs[n0:n1]
            wide = wide[:n]
            wide[valid] = g[n0:n1]
            gm = wide.reshape(n, groups, O // groups, -1)[..., :run]
            gw = gw + xp.matmul(cols, gm.swapaxes(2, 3)).sum(0)
        return gw
    sums = _chunk_threads.map_parts(xp, chunks, products)
    gw = sums[0]
    for part in sums[1:]:
        gw = gw + part
    return gw
