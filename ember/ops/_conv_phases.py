"""Strided transposed convolutions (a DCGAN generator's upsampling, every strided convolution's
input gradient) on the output's stride phases.

With stride ``s``, kernel tap ``t`` (dilation ``d``) of input position ``i`` lands on output
position ``s * i + d * t``: on phase ``(d * t) % s`` of the output (the positions ``s * j + phase``),
at phase row ``j = i + (d * t) // s``. Each phase is therefore a stride-1 transposed convolution
with the taps that land on it, and is built as ``_conv_transpose_flat`` builds one: the input is
laid on rows widened by the largest shift (zeros in the extra columns), planes flattened, ONE
matmul per batch chunk (channel-major, so small planes still make one wide product) gives every
tap's contribution as a contiguous run per sample, and each tap adds its runs into its phase's flat
planes at its shift. The phases are then written into the output, one
strided copy each (``s ** n`` of them), and the padding cut away on the way.

The strided col2im this replaces adds every tap over stride-``s`` windows with inner runs of a row
(7 elements on a 7x7 DCGAN layer), and needed the input transposed to channel-major first.
"""
import itertools
import math

from ember.ops import _chunk_threads, _winograd

# the widened rows cost their share of the matmul: taken while rows widen by at most this much
MAX_WIDENING = 1.5
_CHUNK_BYTES = 2 << 20


def _taps(kernel, stride, dilation):
    """Per tap (in the kernel's row-major order): its phase and its shift along every spatial dim."""
    taps = []
    for tap in itertools.product(*(range(k) for k in kernel)):
        offs = [d * t for d, t in zip(dilation, tap)]
        taps.append((tuple(o % s for o, s in zip(offs, stride)), tuple(o // s for o, s in zip(offs, stride))))
    return taps


def fits(x_shape, w_shape, stride, dilation, groups):
    """Whether the transposed convolution of x by w (Cin, Cout/G, *K) takes this path: strided,
    rows widened by at most MAX_WIDENING, and at least as many contributions per input position
    (Cout/G * prod(K)) as input channels per group; with fewer (a 1x1 kernel, an image's single
    output channel) the strided col2im is cheap and copying the input onto widened rows costs more
    than it saves (measured: 64 channels onto one, 4x4 kernel, 14x14: 1.3 -> 1.7 ms)."""
    blocks, kernel = x_shape[2:], w_shape[2:]
    if all(s == 1 for s in stride) or w_shape[1] * math.prod(kernel) < x_shape[1] // groups:
        return False
    shifts = [d * (k - 1) // s for k, s, d in zip(kernel, stride, dilation)]
    wide = math.prod(b + sh for b, sh in zip(blocks[1:], shifts[1:]))
    return wide <= MAX_WIDENING * math.prod(blocks[1:])


def conv_transpose(xp, x, w, stride, pads, output_padding, dilation, groups):
    """conv_transpose(x, w) for x (N, Cin, *B), w (Cin, Cout/G, *K), (low, high) ``pads``."""
    N, cin = x.shape[:2]
    blocks, kernel = x.shape[2:], w.shape[2:]
    og = w.shape[1]
    n = len(kernel)
    size = tuple((b - 1) * s - lo - hi + d * (k - 1) + 1 + op for b, s, (lo, hi), d, k, op
                 in zip(blocks, stride, pads, dilation, kernel, output_padding))
    taps = _taps(kernel, stride, dilation)
    canvas = tuple(b + max(sh[i] for _, sh in taps) for i, b in enumerate(blocks))   # each phase's plane
    steps = [math.prod(canvas[i + 1:]) for i in range(n)]
    run = blocks[0] * steps[0]                                   # the widened input plane's length
    offsets = [sum(t * st for t, st in zip(sh, steps)) for _, sh in taps]
    wm = w.reshape(groups, cin // groups, og * len(taps)).swapaxes(1, 2)            # (G, og*K, cin/G)
    # (bfloat16 products come back float32: summed so, rounded once at the end)
    dtype = xp.matmul(wm[0, :1, :1], x[(slice(0, 1),) * x.ndim].reshape(1, 1)).dtype
    first = {}
    for t, (p, _) in enumerate(taps):
        first.setdefault(p, t)
    phases = sorted(first)                      # the phases some tap lands on (a 1x1 kernel: one)
    slot = {p: i for i, p in enumerate(phases)}
    planes = xp.empty((groups * og, len(phases), N, max(offsets) + run), dtype)
    inside = (Ellipsis,) + tuple(slice(0, b) for b in blocks[1:])

    def chunk(n0, n1):
        n = n1 - n0
        # channel-major (Cin, n, *widened): one product over the chunk's samples and positions
        wide = xp.zeros((cin, n, blocks[0]) + canvas[1:], x.dtype)
        wide[inside] = x[n0:n1].swapaxes(0, 1)
        cols = xp.matmul(wm, wide.reshape(groups, cin // groups, n * run))
        cols = cols.reshape(groups * og, len(taps), n, run)
        pl = planes[:, :, n0:n1]
        for t, (p, _) in enumerate(taps):
            i, o = slot[p], offsets[t]
            if first[p] == t:
                pl[:, i, :, :o] = 0
                pl[:, i, :, o:o + run] = cols[:, t]
                pl[:, i, :, o + run:] = 0
            else:
                pl[:, i, :, o:o + run] += cols[:, t]
    per_sample = groups * og * len(taps) * run * x.itemsize
    chunks = _winograd.batch_chunks(N, per_sample, _CHUNK_BYTES, _chunk_threads.threads(xp))
    _chunk_threads.for_chunks(xp, chunks, chunk)

    # output position o (from the low padding on) is phase (o + lo) % s, row (o + lo) // s
    covered = len(phases) == math.prod(stride) and \
        all((sz - 1 + lo) // s < c for sz, (lo, _), s, c in zip(size, pads, stride, canvas))
    out = (xp.empty if covered else xp.zeros)((N, groups * og) + size, x.dtype)
    plane = math.prod(canvas)
    for p, i in slot.items():
        src, dst = [], []
        for ph, s, (lo, _), c, sz in zip(p, stride, pads, canvas, size):
            j0 = max(0, -((ph - lo) // s))                        # first row j with s*j + ph >= lo
            j1 = min(c, (sz - 1 + lo - ph) // s + 1)                # one past the last row inside
            if j1 <= j0:
                break
            src.append(slice(j0, j1))
            start = s * j0 + ph - lo
            dst.append(slice(start, start + s * (j1 - j0 - 1) + 1, s))
        else:
            view = planes[:, i, :, :plane].reshape((groups * og, N) + canvas).swapaxes(0, 1)
            out[(Ellipsis,) + tuple(dst)] = view[(Ellipsis,) + tuple(src)]
    return out
