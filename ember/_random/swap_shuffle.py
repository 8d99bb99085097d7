"""PyTorch's randperm for n < 2**32 / 20, vectorised: start from 0..n-1 and for i = 0..n-2 swap
r[i] with r[t_i], t_i = i + w_i % (n - i).

Step i leaves at position i what its target held just before it, and moves to its target what
position i held just before it.  The steps run a block of consecutive ones at a time on the array
itself, each block as one gather of its targets' values (what its steps leave: the positions before
a block are never read again) and one scatter of the values its steps move there: within a block
every value is the one at the block's start except where two of its steps meet, and those meetings
are settled without running any step again:

* a step whose target lies later in its own block changes what that position's own step moves (the
  value that arrived there): those positions are found from the targets alone, before the blocks,
  and their outgoing values replaced before each block's scatter;
* of several steps of a block on one target, the scatter keeps the last one's value, as the loop
  does, but every step after the first receives what the step before it moved, not the target's
  value at the block's start.  A second scatter, of each step's number in its block, read back,
  finds them, and their positions, which no later step reads, are corrected once at the end.

So each block is a handful of NumPy calls, and the blocks grow as sqrt(n - i), which keeps the
steps that meet rare.  The last steps, whose targets crowd the last positions, are done in order
in one piece, and below a few hundred steps the plain loop on Python ints is quicker than any of it.  NumPy sorts by comparison here (tens of nanoseconds an element), so sorting every
step by target, as an early version did, cost several times PyTorch's whole loop; the blocks need
random gathers and scatters, a few per step.

The scatters rely on NumPy leaving the last of repeated indices' values, which it does though it
does not promise it: ``_last_write_wins`` checks that once, and without it every step is done in
order by ``_apply_in_order``.
"""
import math

import numpy as np

_BLOCK_SCALE = 16   # steps per block over sqrt(n - i) (8 to 16 measured alike)
_MIN_BLOCK = 1024
_MAX_BLOCK = 1 << 16    # a step's number in its block fits the uint16 stamps
_TAIL = 1 << 10     # the last steps, done in order together (2**14 cost more than the blocks)
_CHUNK = 1 << 20        # steps whose targets are worked out together
_IN_PYTHON_BELOW = 400  # n below which the plain loop is quicker than the NumPy calls (alike at 500)
_WRITE_ORDER = []
_UNSET = np.uint32(0xFFFFFFFF)      # no step's number (n stays below 2**32 / 20 here)


def randperm(words, n, dtype=np.int64):
    """The permutation that PyTorch's swap loop makes of 0..n-1 with the mt19937 ``words`` (n - 1
    of them, uint32, overwritten), as ``dtype`` (a NumPy dtype that holds 0..n-1 exactly)."""
    if n < _IN_PYTHON_BELOW:
        return np.array(_swap_loop(words.tolist(), n), dtype)
    steps = n - 1
    t = _targets(words, n)
    r = np.arange(n, dtype=np.int32)
    perm = np.empty(n, dtype)
    tail = max(0, steps - _TAIL) if _last_write_wins() else 0
    if tail:
        _blocks(r, t, tail, n, perm)
    if tail < steps:
        y = t[tail:].astype(np.intp)
        _apply_in_order(r, np.arange(tail, steps), y, r[tail:steps].copy(), r[y], steps)
    perm[tail:] = r[tail:]
    return perm


def _targets(words, n):
    """Each step's target i + w_i % (n - i), in place of the words; a chunk at a time, so that the
    counts 0..n-1 are never all in memory at once."""
    for a in range(0, n - 1, _CHUNK):
        b = min(n - 1, a + _CHUNK)
        w = words[a:b]
        w %= np.arange(n - a, n - b, -1, dtype=np.uint32)
        w += np.arange(a, b, dtype=np.uint32)
    return words


def _swap_loop(words, n):
    """PyTorch's loop itself, on Python ints."""
    r = list(range(n))
    for i, w in enumerate(words):
        z = i + w % (n - i)
        r[i], r[z] = r[z], r[i]
    return r


def _last_write_wins():
    """Whether assigning through an index array with repeated entries leaves each element the
    last value written to it (checked once, on the blocks' dtypes)."""
    if not _WRITE_ORDER:
        where = np.arange(5000, dtype=np.intp) * 7919 % 1031
        last = {}
        for k, x in enumerate(where.tolist()):
            last[x] = k
        slots, final = np.array(list(last)), np.array(list(last.values()))
        ok = True
        for dtype in (np.int32, np.uint16):
            a = np.zeros(1031, dtype)
            a[where] = np.arange(where.size, dtype=dtype)
            ok = ok and np.array_equal(a[slots], final.astype(dtype))
        _WRITE_ORDER.append(bool(ok))
    return _WRITE_ORDER[0]


def _block_starts(n, tail):
    starts = []
    a = 0
    while a < tail:
        starts.append(a)
        a += max(_MIN_BLOCK, min(_MAX_BLOCK, int(_BLOCK_SCALE * math.sqrt(n - a))))
    return np.array(starts, dtype=np.intp)


def _blocks(r, t, tail, n, perm):
    """Steps 0..tail-1 on ``r``, a block at a time, writing the positions they finish into
    ``perm`` (``t``: the targets, uint32, converted a block at a time to NumPy's index type, which
    its four random passes then read without a conversion each)."""
    starts = _block_starts(n, tail)
    ends = np.append(starts[1:], tail)
    longest = int((ends - starts).max())
    moved = np.empty(tail, np.int32)        # what each step moves to its target
    # what each step leaves at its position (an int32 result is gathered into in place)
    left = perm[:tail] if perm.dtype == np.int32 else np.empty(tail, np.int32)
    # scratch: the last step of the block on each target (``stamp``), the last step of its block
    # on each step's target, and whether that is a later one; in an 8-byte result's own memory,
    # unused until the end (at n = 2**24 each fresh array costs page faults)
    spare = perm.view(np.uint8) if perm.itemsize == 8 else np.empty(2 * n + 3 * tail, np.uint8)
    stamp = spare[:2 * n].view(np.uint16)
    last = spare[2 * n:2 * n + 2 * tail].view(np.uint16)
    not_last = spare[2 * n + 2 * tail:2 * n + 3 * tail].view(np.bool_)
    ahead, at, origin = _arrivals(t, starts, ends, moved, not_last)
    bounds = np.searchsorted(ahead, starts).tolist() + [ahead.size]
    number = np.arange(longest, dtype=np.uint16)    # a step's number in its block
    where = np.empty(longest, np.intp)
    for k, (a, b) in enumerate(zip(starts.tolist(), ends.tolist())):
        targets = where[:b - a]
        targets[...] = t[a:b]
        moved[a:b] = r[a:b]
        u, v = bounds[k], bounds[k + 1]
        if v > u:
            moved[at[u:v]] = moved[origin[u:v]]
        # (positions before the block are never read again: what they hold is copied at the end)
        r.take(targets, out=left[a:b], mode='clip')
        r[targets] = moved[a:b]
        stamp[targets] = number[:b - a]
        stamp.take(targets, out=last[a:b], mode='clip')
        np.not_equal(last[a:b], number[:b - a], out=not_last[a:b])
    _received_from_earlier(left, moved, starts, last, not_last, t[:tail])     # (t[:tail] is spent)
    if left.base is not perm:
        perm[:tail] = left


def _arrivals(t, starts, ends, lb, arrived):
    """The steps whose targets lie later in their own block (in order), their targets, and for
    each the position whose value at the block's start that target holds when its own step comes:
    the last step moving a value there, or, when that step's own position received one too, where
    that one came from, and so on.  ``lb`` (int32) and ``arrived`` (bool) are scratch, one entry
    a step."""
    inside = arrived
    for a, b in zip(starts.tolist(), ends.tolist()):
        np.less(t[a:b], b, out=inside[a:b])
    ahead = np.flatnonzero(inside)
    at = t[ahead].astype(np.intp)
    moves = at != ahead                                     # (a step swapping with itself moves nothing)
    ahead, at = ahead[moves], at[moves]
    lb[at] = ahead                                          # the last of them on each target
    origin = lb[at].astype(np.intp)
    arrived[ahead] = False                                  # (every origin is one of them)
    arrived[at] = True
    todo = np.flatnonzero(arrived[origin])
    while todo.size:
        origin[todo] = lb[origin[todo]]
        todo = todo[arrived[origin[todo]]]
    return ahead, at, origin


def _received_from_earlier(left, moved, starts, last, not_last, scratch):
    """Every step of a block after the first on its target leaves at its position what the step
    before it on that target moved there (``last``: the block's last step on each step's target,
    numbered in its block; ``scratch``: a uint32 array with an entry per step)."""
    steps = np.flatnonzero(not_last)
    if not steps.size:
        return
    final = starts[np.searchsorted(starts, steps, 'right') - 1] + last[steps]
    # the last step receives from the one before it, the last of the others (written last)
    scratch[final] = steps
    left[final] = moved[steps]
    several = scratch[final] != steps
    if not several.any():
        return
    # the rarer targets that three or more steps of a block share: the others receive in order
    scratch[final[several]] = _UNSET
    chained = scratch[final] == _UNSET
    steps, final = steps[chained], final[chained]
    shift = int(not_last.size).bit_length()
    key = (final << shift) | steps                          # the last step on the target, then step
    key.sort()
    group = key >> shift
    step = key & ((1 << shift) - 1)
    same = group[1:] == group[:-1]
    left[step[1:][same]] = moved[step[:-1][same]]


def _apply_in_order(r, x, y, at_x, at_y, end):
    """Steps swapping r[x_k] with r[y_k] (x increasing, y_k >= x_k) done one after the other, given
    the values when they begin at x (``at_x``) and at y (``at_y``), on a set of steps that no other
    step touches in between; positions from ``end`` on are targets only, the others are final after
    their own step.  Writes every position they touch into ``r``.

    The value a step moves into x_k is what its target held just before it: the value the previous
    step with the same target left there (what that step's own position held before it), else the
    target's starting value.  What position x_k holds before its step is likewise the value the
    last earlier step targeting x_k moved there, which is followed along chains of such steps."""
    m = x.size
    k = np.arange(m, dtype=np.intp)
    shift = m.bit_length()
    key = y << shift                                        # target, then step, in one integer
    key |= k
    key.sort()
    sy = key >> shift
    sk = key & ((1 << shift) - 1)
    same = sy[1:] == sy[:-1]
    prev = np.full(m, -1, np.intp)                          # the previous step with the same target
    prev[sk[1:][same]] = sk[:-1][same]
    # the last step before k that targets x_k: the last of x_k's group, or the one before it when
    # that is k itself swapping with itself (steps targeting x_k all come at or before k); an
    # index of -1 (no target at or below x_k) reads the largest target, which is then above x_k
    end_of = np.searchsorted(sy, x, 'right')
    end_of -= 1
    last = np.where(sy[end_of] == x, sk[end_of], -1)
    writer = np.where(last == k, prev, last)
    before = np.where(writer < 0, at_x, -1)
    follow(writer, before)
    r[x] = np.where(prev >= 0, before[prev], at_y)          # (prev = -1 reads an unused entry)
    # each target past the steps' own positions keeps what its group's last step moved there
    ends = np.flatnonzero(~same)
    outside = ends[sy[ends] >= end]
    r[sy[outside]] = before[sk[outside]]
    if sy[-1] >= end:
        r[sy[-1]] = before[sk[-1]]


def follow(ptr, value):
    """Fill the unset (negative) ``value`` entries from the entry ``ptr`` points to (always an
    earlier one), jumping pointers so that the rounds grow with the log of the longest chain;
    returns ``value``."""
    todo = np.flatnonzero(value < 0)
    while todo.size:
        nxt = ptr[todo]
        done = value[nxt] >= 0
        value[todo[done]] = value[nxt[done]]
        ptr[todo] = ptr[nxt]
        todo = todo[~done]
    return value
