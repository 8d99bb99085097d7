"""PyTorch's randperm for n < 2**32 / 20, vectorised: start from 0..n-1 and for i = 0..n-2 swap
r[i] with r[t_i], t_i = i + w_i % (n - i).

The swaps run a block of consecutive steps at a time on the array itself.  Within a block most
steps are independent: step i reads r[i] and r[t_i] as they were when the block began, and writes
them swapped.  So a block is one gather of the targets' values, one scatter of the block's values
to the targets and one copy back.  Two things break that independence, and only the steps they
involve are redone in order (by :func:`_in_order`): several steps of the block with the same target
(found because the scatter keeps one writer per target: every other writer reads back a value that
is not its own), and a step whose target lies later in the same block (that position's own step
then starts from the moved value).  A block of B steps has about B**2 / (n - i) of these, so the
blocks are as large as keeps them rare; the last steps, whose targets all lie in a short tail of
positions, form a closed problem of their own and are done in order in one piece.

NumPy's own sort here is a comparison sort (tens of nanoseconds an element), so sorting all n
steps by target, as an earlier version did, cost several times PyTorch's whole loop; the blocks
need only random gathers and scatters, a few per element.
"""
import math

import numpy as np

_BLOCK_SCALE = 16   # steps per block over sqrt(n - i): about 2 * _BLOCK_SCALE**2 steps of a block are redone
_MIN_BLOCK = 1024
_TAIL = 1 << 14     # the last steps, done in order together: their targets crowd the last positions


def randperm(words, n):
    """The permutation (int32) that PyTorch's swap loop makes of 0..n-1 with the mt19937
    ``words`` (n - 1 of them, uint32, overwritten)."""
    steps = n - 1
    t = words
    t %= np.arange(n, 1, -1, dtype=np.uint32)               # w_i % (n - i)
    t += np.arange(steps, dtype=np.uint32)                  # the target i + w_i % (n - i)
    t = t.astype(np.intp)                                   # (NumPy's index type: no conversion per use)
    r = np.arange(n, dtype=np.int32)
    tail = max(0, steps - _TAIL)
    seen = np.zeros(n, np.bool_)        # scratch: the targets that several steps of a block share
    a = 0
    while a < tail:
        b = min(tail, a + max(_MIN_BLOCK, int(_BLOCK_SCALE * math.sqrt(n - a))))
        _block(r, t[a:b], a, b, seen)
        a = b
    if tail < steps:
        y = t[tail:]
        _apply_in_order(r, np.arange(tail, steps), y, r[tail:steps].copy(), r[y], steps)
    return r


def _block(r, targets, a, b, seen):
    """Steps a..b-1 (``targets``: theirs) on ``r``, all of whose targets lie at or after a."""
    own = r[a:b].copy()                 # r[i] when the block begins
    there = r[targets]                  # r[t_i] when the block begins
    r[targets] = own                    # one writer per target survives
    shared = r[targets] != own          # writers that did not: their target is shared
    r[a:b] = there
    # the steps redone in order: every step on a shared target, the steps whose target lies ahead
    # in the block (also the rare t_i == i: harmless), and the steps at those targets (they start
    # from the moved value); nearly every block has some
    redo = targets < b
    redo[targets[redo] - a] = True
    if shared.any():
        dup = targets[shared]
        seen[dup] = True
        redo |= seen[targets]
        seen[dup] = False
    x = np.flatnonzero(redo)
    if x.size:
        _apply_in_order(r, x + a, targets[x], own[x], there[x], b)


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
