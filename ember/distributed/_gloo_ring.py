"""What gloo's ``reduce`` leaves on every rank, computed from every rank's input.

PyTorch's CPU back end (gloo) reduces in place with a ring: the tensor is cut into ``n`` chunks (one per rank)
of at least two segments each; each rank repeatedly adds the segment its right-hand neighbour (rank + 1)
sends into its own tensor, so that rank ``k`` ends holding chunk ``k`` fully reduced, and the destination
then collects chunk ``k`` from rank ``k``. The other ranks keep the partial sums the ring left in their
tensors, so a script that reads a tensor after ``reduce`` on a rank that is not the destination sees those
partial sums, not its input. ``ring_reduce`` replays the ring's data flow step by step (the same segments,
the same order of combination, so the destination's result has gloo's rounding too).
"""
import numpy as np

# gloo's cap on a segment (one message of the ring)
_MAX_SEGMENT_BYTES = 1024 * 1024


def _round_up(value, multiple):
    return -(-value // multiple) * multiple


def _layout(elements, itemsize, n):
    """(elements per segment, number of segments, segments per rank) of gloo's ring for this size."""
    total = elements * itemsize
    max_segment = itemsize * (_MAX_SEGMENT_BYTES // itemsize)
    segment_bytes = _round_up(min(-(-total // (2 * n)), max_segment), itemsize)
    segments = _round_up(max(-(-total // segment_bytes), 2 * n), n)
    return segment_bytes // itemsize, segments, segments // n


def ring_reduce(inputs, root, combine):
    """Each rank's flat array after gloo's in-place ring reduce of ``inputs`` (rank order) onto ``root``;
    ``combine(a, b, out)`` is the element-wise reduction (``np.add`` and the like)."""
    n = len(inputs)
    bufs = [np.array(a, copy=True).reshape(-1) for a in inputs]
    elements = bufs[0].size
    if n == 1 or elements == 0:
        return bufs
    seg, segments, per_rank = _layout(elements, bufs[0].itemsize, n)
    # Step i: rank r receives segment ((r + 2) * per_rank + i) from rank r + 1 and folds it into its own.
    # Rank r + 1 changes a different segment in the same step, and it folded this one in (if ever) at
    # least two steps before sending it, as gloo's two messages in flight allow, so applying the steps in
    # order, all ranks at once, gives each message the value gloo sends.
    for i in range(segments - 2):
        for r in range(n):
            start = (((r + 2) * per_rank + i) % segments) * seg
            stop = min(start + seg, elements)
            if start < stop:
                mine, theirs = bufs[r][start:stop], bufs[(r + 1) % n][start:stop]
                combine(mine, theirs, out=mine)
    # the destination collects chunk k from rank k
    for k in range(n):
        if k != root:
            start = k * per_rank * seg
            stop = min(start + per_rank * seg, elements)
            if start < stop:
                bufs[root][start:stop] = bufs[k][start:stop]
    return bufs
