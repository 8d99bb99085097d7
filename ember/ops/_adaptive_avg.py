"""Adaptive average pooling with the roundings of PyTorch's CPU kernels.

PyTorch adds each window's elements one at a time (rows outer, columns inner) and divides the sum by
the window's height, then by its width (channels-last inputs: by their product, for whole vectors of
16 channels).  Here every window's running sum advances together, one window offset at a time.
"""
import numpy as np

from ember import _formats

_VEC = 16   # float32 lanes of an AVX-512 vector


def bounds(size, out):
    """Each output index's window ``[start, end)`` along a dimension of ``size`` elements."""
    o = np.arange(out)
    return (o * size) // out, -((-(o + 1) * size) // out)


def _window_sum(x, spans):
    """Sequential window sums of ``x`` (..., *spatial) over its last ``len(spans)`` dimensions;
    ``spans[k] = (start, end)`` per output index of dimension k.  The running sum takes the windows'
    elements in row-major order, one offset at a time for all windows together; offsets beyond a
    smaller window add zero, which leaves its sum unchanged.  Windows that tile their dimension
    (equal lengths and steps) are read as strided views instead of gathered."""
    n = len(spans)
    lead = x.ndim - n
    starts = [s for s, _ in spans]
    lengths = [e - s for s, e in spans]
    widest = [int(length.max()) for length in lengths]
    shortest = [int(length.min()) for length in lengths]
    steps = [_step(start, x.shape[lead + k] - widest[k]) for k, start in enumerate(starts)]
    total = np.zeros(x.shape[:lead] + tuple(len(s) for s in starts), x.dtype)
    zero = x.dtype.type(0)
    # the arrays read along the first k dimensions, kept while the later offsets vary (row-major order)
    prefix = [x] + [None] * n
    masks = [None] * (n + 1)
    previous = None
    for offset in np.ndindex(*widest):
        first = 0 if previous is None else next(k for k in range(n) if offset[k] != previous[k])
        previous = offset
        for k in range(first, n):
            d, axis, y = offset[k], lead + k, prefix[k]
            if steps[k] is not None:
                index = [slice(None)] * y.ndim
                index[axis] = slice(d, d + steps[k] * (len(starts[k]) - 1) + 1, steps[k])
                prefix[k + 1] = y[tuple(index)]
            else:
                prefix[k + 1] = np.take(y, np.minimum(starts[k] + d, x.shape[axis] - 1), axis=axis)
            ok = masks[k]
            if d >= shortest[k]:      # past some window's end along this dimension
                shape = [1] * n
                shape[k] = len(starts[k])
                inside = (d < lengths[k]).reshape(shape)
                ok = inside if ok is None else ok & inside
            masks[k + 1] = ok
        ok = masks[n]
        total += prefix[n] if ok is None else np.where(ok, prefix[n], zero)
    return total


def _step(starts, last):
    """The common step of window starts ``0, s, 2s, ...`` that go no further than ``last`` (so every
    offset's slice stays inside the dimension); None when they are not so."""
    if not len(starts) or starts[-1] > last:
        return None
    if len(starts) == 1:
        return 1 if starts[0] == 0 else None
    step = int(starts[1] - starts[0])
    if step > 0 and starts[0] == 0 and np.array_equal(np.diff(starts), np.full(len(starts) - 1, step)):
        return step
    return None


def adaptive_avg(x, out_sizes):
    """Adaptive average pooling of a float32/float64 array ``x`` (..., *spatial) to ``out_sizes``."""
    n = len(out_sizes)
    spans = [bounds(s, o) for s, o in zip(x.shape[x.ndim - n:], out_sizes)]
    total = _window_sum(x, spans)
    lengths = [(e - s).astype(x.dtype) for s, e in spans]
    shapes = []
    for k, length in enumerate(lengths):
        shape = [1] * total.ndim
        shape[total.ndim - n + k] = len(length)
        shapes.append(length.reshape(shape))
    layout = {2: _formats.channels_last, 3: _formats.channels_last_3d}.get(n)
    channels_last = layout is not None and x.ndim == n + 2 and _formats.is_in_format(x, layout)
    if channels_last and x.shape[1] >= _VEC:
        whole = x.shape[1] // _VEC * _VEC
        area = shapes[0]
        for s in shapes[1:]:
            area = area * s
        out = total.copy()
        out[:, :whole] = total[:, :whole] / area
        rest = total[:, whole:]
        for s in shapes:
            rest = rest / s
        out[:, whole:] = rest
        return out
    for s in shapes:
        total = total / s
    return total
