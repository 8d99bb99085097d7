"""Float sums in PyTorch's CPU order of additions, so that sums and means give PyTorch's bits.

PyTorch's CPU sum kernel runs its AVX2 build even on AVX-512 machines (vectors of 8 floats or 4
doubles: checked against PyTorch 2.13's results on an AVX-512 CPU) and adds in this order:

* The reduction is laid out as an iterator: the reduced dims first, by ascending input stride, then
  the kept dims in the output's (contiguous) order, fastest first; neighbouring dims that are
  contiguous with each other are merged. The kernel works on the first two of those dims at a time
  (``size0`` is reduced, ``size1`` reduced or kept) and adds its result into the output, which starts
  at zero; further dims repeat that, the lowest one fastest.
* The basic sum of ``n`` values is a cascade: runs of ``2**p`` values (``p = max(4, ceil(log2 n) // 4)``)
  are added one after another, the run sums in runs of ``2**p`` again, over four levels; the values left
  over at the end are summed one by one and the levels added to them last. A "row sum" splits its
  values four ways (value ``i`` to partial ``i % 4``), cascades each partial, adds the leftover values
  to the first one and then the other three partials in turn.
* A contiguous reduced dim of at least one vector is summed as vectors (lane ``k`` takes the values
  ``k, k + 8, ...``) by a row sum, then the leftover values and the lanes one by one. A contiguous
  kept dim (column sums) cascades groups of four vectors of columns and row-sums the rest; strided
  layouts cascade columns four at a time, or row-sum each one.
* Above 32768 values and with several threads, a full reduction gives each thread a contiguous piece
  of the iteration and adds the per-thread sums at the end; other reductions split a kept dim between
  the threads (at multiples of 128 bytes when contiguous), which moves the column groups.

Everything here is NumPy: the cascade levels are reshapes and each addition in a run is one
vectorised ``+=`` across all lanes, rows and columns that take that step together.
"""
import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ember._threads import intra_op_threads

try:        # np.einsum without its Python wrapper (what it calls when not optimizing): 3 us a call fewer
    from numpy._core.multiarray import c_einsum as _einsum
except ImportError:             # NumPy 1.x
    try:
        from numpy.core.multiarray import c_einsum as _einsum
    except ImportError:
        _einsum = np.einsum

_GRAIN = 32768          # PyTorch's internal::GRAIN_SIZE: fewer values are summed on one thread
CASCADE_NUMS = (np.dtype(np.float32).num, np.dtype(np.float64).num)   # the dtypes summed here
_VECTOR_BYTES = 32      # one AVX2 register: PyTorch's sum uses its AVX2 kernel on AVX-512 CPUs too


def _ceil_log2(n):
    return 1 if n <= 2 else (n - 1).bit_length()


def _contiguous_rows(a, axis):
    """Whether the "rows" of ``a`` along ``axis`` (the dims after it) are one contiguous block of at
    least 96 values, the rows themselves apart by at least a block: NumPy then reduces over ``axis``
    with the block as its inner loop, faster than adding row by row (a bias gradient's column sum:
    about 1.6x); with shorter rows (64 values of 4096 rows, or a full sum's 32 lanes) it was measured slower
    than the loop."""
    expected = a.itemsize
    for size, stride in zip(a.shape[:axis:-1], a.strides[:axis:-1]):
        if size != 1 and stride != expected:
            return False
        expected *= size
    return expected >= 96 * a.itemsize and a.strides[axis] >= expected


_AXES = list(range(32))     # einsum's subscripts as integers: a dim each


def _running(a, axis=0):
    """``a`` summed one value after another along ``axis``."""
    axis %= a.ndim
    n = a.shape[axis]
    if n and _contiguous_rows(a, axis):
        # the same additions in one call: NumPy's reduction over an outer axis keeps the contiguous
        # rows as its inner loop and adds whole rows in index order (only a reduction along the
        # inner loop would pair the values up): 0 + a[0] + a[1] + ... as the loop below, or from
        # a[0] itself as the accumulate pass (-0 + x is x, so a column of -0 stays -0)
        return np.add.reduce(a, axis=axis, initial=0.0 if n <= 48 else -0.0)
    if n > 48:       # many steps: one accumulate pass (exactly sequential) beats a Python loop
        return np.take(np.add.accumulate(a, axis=axis), -1, axis=axis)
    if n == 0:
        return np.zeros(a.shape[:axis] + a.shape[axis + 1:], a.dtype)
    if axis < a.ndim - 1 and a.flags.c_contiguous and a.dtype.num in CASCADE_NUMS and \
            math.prod(a.shape[axis + 1:]) >= 2:
        # the loop below in one call: einsum's loop over a C-order array keeps the dims after ``axis``
        # (at least two values: its innermost run) as its inner loop and adds each run into the
        # output, which starts at zero, in index order along ``axis``: 0 + a[0] + a[1] + ..., the same
        # additions (its pairing kernel takes only an inner loop that is itself summed, the case
        # excluded here; and float32/float64 only: it adds half floats in float32). A full sum's first
        # level, 16 runs of 4 vectors: 0.5 -> 0.15 ms per million
        return _einsum(a, _AXES[:a.ndim], _AXES[:axis] + _AXES[axis + 1:a.ndim])
    lead = (slice(None),) * axis
    acc = a[lead + (0,)] + a.dtype.type(0)      # a fresh array (or scalar) to add into
    for i in range(1, n):
        acc += a[lead + (i,)]
    return acc


def _cascade(a):
    """The multi-level cascade sum of ``a`` along axis 0 (every other position independently)."""
    n = a.shape[0]
    rest = a.shape[1:]
    step = 1 << max(4, _ceil_log2(n) // 4)
    runs = n // step
    tail = _running(a[runs * step:])
    if runs == 0:
        return tail
    run_sums = _running(a[:runs * step].reshape((runs, step) + rest), axis=1)
    groups = runs // step
    if groups == 0:        # the upper levels stay zero: adding them changes nothing but a zero's sign
        return _running(run_sums) if runs * step == n else tail + _running(run_sums)
    level1 = _running(run_sums[groups * step:])
    group_sums = _running(run_sums[:groups * step].reshape((groups, step) + rest), axis=1)
    supers = groups // step
    level2 = _running(group_sums[supers * step:])
    level3 = _running(_running(group_sums[:supers * step].reshape((supers, step) + rest), axis=1))
    return ((tail + level1) + level2) + level3


def _row_sum(a):
    """PyTorch's row sum of ``a`` along axis 0: four interleaved cascades, then the leftovers."""
    n = a.shape[0]
    quads = n // 4
    partial = _cascade(a[:quads * 4].reshape((quads, 4) + a.shape[1:]))
    return _lanes_joined(partial[0].copy(), partial, a, quads * 4)


def _lanes_joined(acc, partial, rows, start):
    """The first cascade's sum ``acc`` with the rows left over from ``start`` added one by one, then the
    other three cascades' sums, in PyTorch's order (``acc`` is written in place)."""
    for i in range(start, rows.shape[0]):
        acc += rows[i]
    acc += partial[1]
    acc += partial[2]
    acc += partial[3]
    return acc


def _kernel(v):
    """One call of the two-dim kernel for each leading index of ``v`` (..., size1, size0), size0
    reduced: the sum of each (..., j) row, as the kernel picks its path from the strides."""
    size1, size0 = v.shape[-2:]
    in1, in0 = v.strides[-2:]
    item = v.itemsize
    lanes = _VECTOR_BYTES // item
    if in0 == item and size0 >= lanes:          # contiguous reduced dim: vector lanes, then one by one
        whole = size0 // lanes
        vectors = v[..., :whole * lanes].reshape(v.shape[:-1] + (whole, lanes))
        lane_sums = _row_sum(_to_front(vectors, vectors.ndim - 2))
        return _running(np.concatenate([v[..., whole * lanes:], lane_sums], axis=-1), axis=-1)
    rows = _to_front(v, v.ndim - 1)              # (size0, ..., size1): every column one lane
    if in1 == item and size1 >= lanes:           # contiguous kept dim: four vectors of columns at a time
        split = size1 - size1 % (4 * lanes)
    elif in0 < in1:
        split = 0
    else:                                        # strided columns, four at a time
        split = size1 - size1 % 4
    if split == size1:
        return _cascade(rows)
    if split == 0:
        return _row_sum(rows)
    return np.concatenate([_cascade(rows[..., :split]), _row_sum(rows[..., split:])], axis=-1)


def _as_2d(view):
    """A one-dim iteration as the kernel sees it: a second dim of one row with stride 0 (NumPy's new axes
    have stride 0)."""
    return view[None]


def _to_front(a, axis):
    """``np.moveaxis(a, axis, 0)`` as one transpose (moveaxis's argument checks cost more than the
    small sums they serve: a bias gradient's whole column sum takes about 20 µs)."""
    return a.transpose((axis,) + tuple(range(axis)) + tuple(range(axis + 1, a.ndim)))


def _serial(view, reduced):
    """The whole iteration on one thread. ``view`` has the iterator's dims in reverse (axis -1 is
    dim 0) and ``reduced[d]`` says whether dim ``d`` is reduced; returns the sums over the kept axes,
    in ``view``'s axis order."""
    if view.ndim == 1:
        view, reduced = _as_2d(view), (reduced[0], True)
    calls = _kernel(view)                        # axes: dims n-1 .. 1
    n = view.ndim
    keep = [k for k in range(n - 1) if not reduced[n - 1 - k]]
    summed = [k for k in range(n - 1) if reduced[n - 1 - k]]
    if not summed:
        return calls + calls.dtype.type(0)
    ordered = np.transpose(calls, keep + summed)
    ordered = ordered.reshape(ordered.shape[:len(keep)] + (-1,))
    return _running(ordered, axis=-1) + calls.dtype.type(0)


def _range_sum(view, begin, end):
    """A full reduction's iteration positions [begin, end) on one thread, call by call."""
    n = view.ndim
    shape = view.shape[::-1]                     # dim 0 first
    total = view.dtype.type(0)
    offset = begin
    while offset < end:
        values, rest = [], offset
        for size in shape:
            values.append(rest % size)
            rest //= size
        step0 = min(shape[0] - values[0], end - offset)
        step1 = 1
        if step0 == shape[0] and n > 1:
            step1 = min(shape[1] - values[1], (end - offset) // shape[0])
        index = tuple(values[:1:-1]) + ((slice(values[1], values[1] + step1),) if n > 1 else ()) + (
            slice(values[0], values[0] + step0),)
        piece = view[index]
        piece = piece if n > 1 else _as_2d(piece)
        for value in _kernel(piece):
            total = total + value
        offset += step0 * step1
    return total


def _threaded(view, reduced, threads):
    numel = view.size
    if all(reduced):                             # one output: a piece per thread, then their sum
        workers = min(threads, -(-numel // _GRAIN))
        chunk = -(-numel // workers)
        partial = np.zeros(threads, view.dtype)
        for t in range(workers):
            if t * chunk < numel:
                partial[t] = _range_sum(view, t * chunk, min(numel, (t + 1) * chunk))
        return _serial(partial, (True,))
    n = view.ndim
    dims = view.shape[::-1]
    best = n - 1
    split = None
    for d in range(n - 1, -1, -1):
        if reduced[d]:
            break
        if dims[d] >= threads:
            split = d
            break
        if dims[d] > dims[best]:
            best = d
    split = best if split is None else split
    cols = dims[split]
    axis = n - 1 - split
    keep_axis = sum(1 for k in range(axis) if not reduced[n - 1 - k])
    rounding = view.strides[axis] == view.itemsize
    multiple = 128 // view.itemsize
    workers = min(threads, cols)
    chunk = -(-cols // workers)
    pieces = []
    for t in range(workers):
        begin, end = t * chunk, min(cols, (t + 1) * chunk)
        if begin >= cols:
            continue
        if rounding:
            begin -= begin % multiple
            if end != cols:
                end -= end % multiple
        if begin == end:
            continue
        index = (slice(None),) * axis + (slice(begin, end),)
        pieces.append(_serial(view[index], reduced))
    return np.concatenate(pieces, axis=keep_axis)


def _along(a, axis):
    """``a`` summed one value after another along ``axis`` (not the last one, whose values lie one
    itemsize apart: at least two of them), from zero, in one call: einsum's loop keeps that last axis
    as its inner loop and adds each run into the output in index order along ``axis``."""
    subscripts = _AXES[:a.ndim]
    return _einsum(a, subscripts, subscripts[:axis] + subscripts[axis + 1:])


def _cascade_middle(a):
    """:func:`_cascade` along axis 1 of ``a`` (rows, n, lanes), every row and lane independently, on a
    strided view: each level is a reshape and one :func:`_along`, instead of a move to the front."""
    n = a.shape[1]
    rows, lanes = a.shape[0], a.shape[2]
    step = 1 << max(4, _ceil_log2(n) // 4)
    runs = n // step
    tail = _along(a[:, runs * step:], 1) if runs * step < n else None
    if runs == 0:
        return tail
    run_sums = _along(a[:, :runs * step].reshape(rows, runs, step, lanes), 2)
    groups = runs // step
    if groups == 0:
        # (one run: its sum as it is; einsum's sums start from +0, so adding one to zero changes nothing)
        level = run_sums[:, 0] if runs == 1 else _along(run_sums, 1)
        return level if tail is None else tail + level
    # (an empty level is a zero: adding it to a sum that started from +0 changes nothing, so it is left out)
    levels = [tail]
    if runs > groups * step:
        levels.append(_along(run_sums[:, groups * step:], 1))
    group_sums = _along(run_sums[:, :groups * step].reshape(rows, groups, step, lanes), 2)
    supers = groups // step
    levels.append(_along(group_sums[:, supers * step:], 1) if groups > supers * step else None)
    if supers:
        levels.append(_along(_along(group_sums[:, :supers * step].reshape(rows, supers, step, lanes), 2), 1))
    total = None
    for level in levels:
        if level is not None:
            total = level if total is None else total + level
    return total


def _row_sums(x2):
    """The sum of each row of ``x2`` (rows, length), rows of at least one vector, each contiguous in
    memory: what the kernel gives for a contiguous reduced dim, computed in place of its general
    path with every row's vector lanes at once. The row's vectors make four interleaved partials
    (vector ``4q + j`` into partial ``j``): a view (rows, quads, 4 vectors) cascaded along its middle
    axis. Then per lane: the first partial, the vectors left over and the other three partials, one
    after another; and per row, from zero, the values left over and the lanes (a small transposed
    copy, so that the rows are the inner loop)."""
    rows, length = x2.shape
    lanes = _VECTOR_BYTES // x2.itemsize
    whole = length // lanes
    quads = whole // 4
    extra = whole - quads * 4
    left = length - whole * lanes
    if quads:
        partials = _cascade_middle(x2[:, :quads * 4 * lanes].reshape(rows, quads, 4 * lanes)).reshape(rows, 4, lanes)
    if extra:
        steps = np.empty((rows, (4 if quads else 0) + extra, lanes), x2.dtype)
        steps[:, 1 if quads else 0:][:, :extra] = x2[:, quads * 4 * lanes:whole * lanes].reshape(rows, extra, lanes)
        if quads:
            steps[:, 0] = partials[:, 0]
            steps[:, 1 + extra:] = partials[:, 1:]
    else:
        steps = partials
    terms = np.empty((left + lanes, rows), x2.dtype)
    terms[:left] = x2[:, whole * lanes:].T
    terms[left:] = _along(steps, 1).T
    return _along(terms, 0)         # (from +0: never -0, as PyTorch's zero-started sums)


def _short_sum(flat):
    """The whole-array sum of a contiguous 1-d run of fewer than 64 vectors' worth of values, as the
    general path below adds them, in a few NumPy calls: lane ``k`` of each of the row sum's four
    partials adds its vectors one after another (NumPy's sum over the outer axis of a C-contiguous
    array is exactly that), the partials meet in PyTorch's order, then the leftover values and the
    lanes one by one."""
    lanes = _VECTOR_BYTES // flat.itemsize
    n = flat.size
    whole = n // lanes if n >= lanes else 0
    if whole:
        vectors = flat[:whole * lanes].reshape(whole, lanes)
        rest = flat[whole * lanes:]
    else:                                        # fewer than one vector: each value is one "column"
        vectors = flat.reshape(n, 1)
        rest = flat[:0]
    quads = vectors.shape[0] // 4
    if quads:
        acc = vectors[:quads * 4].reshape(quads, 4, -1).sum(axis=0)
        lane_sums = acc[0]
        for i in range(quads * 4, vectors.shape[0]):
            lane_sums = lane_sums + vectors[i]
        lane_sums = ((lane_sums + acc[1]) + acc[2]) + acc[3]
    else:
        # (the partials are zeros: a lane sum that starts from +0 is never -0, so adding the three other
        # zeros at the end changes nothing and is left out)
        lane_sums = vectors[0] + flat.dtype.type(0)
        for i in range(1, vectors.shape[0]):
            lane_sums += vectors[i]
    return np.add.accumulate(np.concatenate([rest, lane_sums]) if rest.size else lane_sums)[-1] + \
        flat.dtype.type(0)


def _column_sums(x):
    """The column sums of a C-contiguous 2-D ``x`` of two rows or more (a Linear layer's bias gradient)
    as the paths of :func:`cascade_sum` below add them, reached without their layout checks (a few
    microseconds a call, a third of a bias gradient's sum at a batch of 64); None where ``x`` is not one
    of the two layouts taken here.

    * Whole groups of four vectors of columns: every column cascades down its values.
    * Between one and four vectors of columns, at most 67 rows, on one thread or under PyTorch's grain:
      the kernel's row sum of each column, its four interleaved partials (row ``4q + j`` into partial
      ``j``), each at most 16 values and so one run added from zero (one einsum over the rows' quads: its
      loop adds whole quads in order), the leftover rows into the first, then the other three."""
    n, cols = x.shape
    lanes = _VECTOR_BYTES // x.itemsize
    if cols % (4 * lanes) == 0:
        if n >= 256:        # (more than one level of runs of 16 runs: _cascade_middle's general case)
            return _cascade_middle(x.reshape(1, n, cols))[0] + x.dtype.type(0)
        # runs of 16 values (n < 2**19), fewer than 16 of them: each run from zero, then the runs from
        # zero, then the values past the last whole run, from zero, added to them (einsum's sums start
        # at +0, so none of these is -0 and no zero needs adding at the end)
        runs = n // 16
        total = None
        if runs:
            run_sums = _einsum(x[:runs * 16].reshape(runs, 16, cols), _AXES[:3], [0, 2])
            total = run_sums[0] if runs == 1 else _einsum(run_sums, _AXES[:2], [1])
        if runs * 16 < n:
            tail = _einsum(x[runs * 16:], _AXES[:2], [1])
            total = tail if total is None else tail + total
        return total
    if lanes <= cols < 4 * lanes and 4 <= n < 68 and (x.size < _GRAIN or intra_op_threads() == 1):
        quads = n // 4
        partial = _einsum(x[:quads * 4].reshape(quads, 4, cols), _AXES[:3], _AXES[1:3])
        return _lanes_joined(partial[0], partial, x, quads * 4)
    return None


def cascade_sum(x, dims, keepdim):
    """PyTorch's CPU sum of the float32/float64 NumPy array ``x`` (non-empty) over ``dims`` (an
    axis, a tuple of axes, or None for all), bit for bit."""
    ndim = x.ndim
    if dims is not None and not isinstance(dims, (tuple, list)):
        dims = (dims,)
    if ndim == 2 and dims is not None and len(dims) == 1 and dims[0] % 2 == 0 and x.shape[0] > 1 and \
            x.flags.c_contiguous:
        sums = _column_sums(x)
        if sums is not None:
            return sums.reshape(1, -1) if keepdim else sums
    if (dims is None or len(dims) == ndim) and x.size < 64 * _VECTOR_BYTES // x.itemsize and x.flags.c_contiguous:
        # a short whole-array sum (a loss's mean, a small batch): the same additions, fewer calls
        if dims is None or len(set(d % ndim for d in dims)) == ndim:
            total = np.asarray(_short_sum(x.reshape(-1)))     # (a fresh 0-d array; np.full costs microseconds)
            return total.reshape((1,) * ndim) if keepdim else total
    if ndim > 1 and dims is not None and not x.flags.c_contiguous and x.size and min(x.strides) > 0:
        # a permuted contiguous array (channels-last, a transpose): PyTorch's iterator sees only the memory
        # layout, so the same sum over the array in memory order, where the kept dims keep their order
        order = sorted(range(ndim), key=lambda d: -x.strides[d])
        memory = x.transpose(order)
        red = {d % ndim for d in dims}
        if memory.flags.c_contiguous and [d for d in order if d not in red and x.shape[d] > 1] == \
                [d for d in range(ndim) if d not in red and x.shape[d] > 1]:
            out_shape = tuple(1 if d in red else n for d, n in enumerate(x.shape) if keepdim or d not in red)
            return cascade_sum(memory, tuple(order.index(d) for d in red), False).reshape(out_shape)
    if ndim > 1 and x.flags.c_contiguous and dims is not None:
        # a reduction over trailing dims of a C-contiguous array (per-sample or per-channel sums and means,
        # global average pooling): one contiguous reduced run per output, whatever the thread count
        red = sorted({d % ndim for d in dims})
        lanes = _VECTOR_BYTES // x.itemsize
        trail = ndim
        while trail and trail - 1 in red:
            trail -= 1
        length = math.prod(x.shape[trail:])
        if trail < ndim and length >= lanes and x.size > length:
            # a contiguous run of trailing dims reduced: the kernel sums each run (whatever the thread
            # count: threads split kept dims, whole runs), then adds the runs of each output one after
            # another from zero, in memory order, when dims before them are reduced too
            runs = _row_sums(x.reshape(-1, length)).reshape(x.shape[:trail])
            summed = [d for d in red if d < trail]
            outer = [d for d in range(trail) if d not in summed]
            kept_size = math.prod(x.shape[d] for d in outer)
            out_shape = tuple(1 if d in red else n for d, n in enumerate(x.shape) if keepdim or d not in red)
            if not summed:
                return runs.reshape(out_shape)
            if kept_size > 1:
                ordered = np.ascontiguousarray(runs.transpose(summed + outer)).reshape(-1, kept_size)
                return (_along(ordered, 0) + x.dtype.type(0)).reshape(out_shape)
        if red and red[-1] - red[0] == len(red) - 1 and x.size:
            first, last = red[0], red[-1] + 1
            length = math.prod(x.shape[first:last])
            inner = math.prod(x.shape[last:])
            kept = x.shape[:first] + ((1,) * (last - first) if keepdim else ()) + x.shape[last:]
            if length > 1 and inner % (4 * lanes) == 0:
                # leading or middle dims over contiguous kept columns, a whole number of four-vector groups:
                # every column cascades down its values (threads split whole groups: the same additions)
                return (_cascade_middle(x.reshape(-1, length, inner)) + x.dtype.type(0)).reshape(kept)
    if x.size > 1 and x.flags.c_contiguous and (x.size < _GRAIN or intra_op_threads() == 1):
        # the two commonest layouts, as the general path below lays out their iteration: a whole sum
        # (every dim merged into one run) and a bias gradient's column sums (the kernel sees the transpose)
        if dims is None or (len(dims) == ndim and len({d % ndim for d in dims}) == ndim):
            return np.asarray(_serial(x.reshape(-1), (True,))).reshape((1,) * ndim if keepdim else ())
        if ndim == 2 and len(dims) == 1 and dims[0] % 2 == 0 and x.shape[0] > 1 and x.shape[1] > 1:
            return _serial(x.T, (True, False)).reshape((1, x.shape[1]) if keepdim else (x.shape[1],))
    if any(s < 0 for s in x.strides):            # PyTorch never has negative strides: its copy is contiguous
        x = np.ascontiguousarray(x)
    red = set(range(ndim)) if dims is None else {d % ndim if ndim else 0 for d in dims}
    out_shape = tuple(1 if i in red else s for i, s in enumerate(x.shape) if keepdim or i not in red)
    live = [i for i in range(ndim) if x.shape[i] != 1]
    if not any(i in red for i in live):          # nothing to add up: zero plus each value
        return (x + x.dtype.type(0)).reshape(out_shape)
    ostride, acc = {}, 1
    for i in reversed(live):
        if i not in red:
            ostride[i] = acc
            acc *= x.shape[i]
        else:
            ostride[i] = 0

    def should_swap(a, b):
        for strides in (ostride, None):
            if strides is ostride:
                s0, s1 = strides[a], strides[b]
                if (s0 == 0) != (s1 == 0):
                    return 1 if s1 == 0 else -1
            else:
                s0, s1 = x.strides[a], x.strides[b]
            if s0 == 0 or s1 == 0:
                continue
            if s0 < s1:
                return -1
            if s0 > s1:
                return 1
            if x.shape[a] > x.shape[b]:
                return 1
        return 0

    perm = live[::-1]
    for i in range(1, len(perm)):
        d1 = i
        for d0 in range(i - 1, -1, -1):
            c = should_swap(perm[d0], perm[d1])
            if c > 0:
                perm[d0], perm[d1] = perm[d1], perm[d0]
                d1 = d0
            elif c < 0:
                break
    merged = []                                  # [size, input stride, output stride]
    for i in perm:
        size, s_in, s_out = x.shape[i], x.strides[i], ostride[i]
        if merged and merged[-1][0] * merged[-1][1] == s_in and merged[-1][0] * merged[-1][2] == s_out:
            merged[-1][0] *= size
        else:
            merged.append([size, s_in, s_out])
    shape, strides = tuple(m[0] for m in reversed(merged)), tuple(m[1] for m in reversed(merged))
    # (a contiguous array's memory viewed directly: as_strided's array-interface round trip costs 15-20 µs)
    view = np.ndarray(shape, x.dtype, x, 0, strides) if x.flags.c_contiguous else \
        as_strided(x, shape, strides, writeable=False)
    reduced = tuple(m[2] == 0 for m in merged)
    threads = intra_op_threads()
    if x.size < _GRAIN or threads == 1:
        result = _serial(view, reduced)
    else:
        result = _threaded(view, reduced, threads)
    return np.asarray(result).reshape(out_shape)


def _flush_levels(values, tags, levels, power):
    """PyTorch's eight-level loss cascade on ``values`` in order (``tags``: each one's batch position).

    Level 0 takes every value; after adding the value at position ``b`` it moves into level 1 when
    the low ``power`` bits of ``b`` are zero, and so on up: level ``j`` moves up when the low
    ``(j + 1) * power`` bits are zero. Returns the levels' final contents, level 0 first."""
    out = []
    for j in range(levels):
        if j == levels - 1:
            out.append(_running(np.concatenate([np.zeros(1, values.dtype), values])))
            break
        ends = np.flatnonzero(tags % (1 << ((j + 1) * power)) == 0)
        if ends.size == 0:
            out.append(_running(np.concatenate([np.zeros(1, values.dtype), values])))
            out.extend(np.zeros((), values.dtype) for _ in range(levels - j - 1))
            break
        starts = np.concatenate([[0], ends[:-1] + 1])
        lengths = ends - starts + 1
        width = int(lengths.max())
        padded = np.zeros((ends.size, width), values.dtype)      # runs of level j, zero-padded
        cols = np.arange(values.size)[:ends[-1] + 1] - np.repeat(starts, lengths)
        padded[np.repeat(np.arange(ends.size), lengths), cols] = values[:ends[-1] + 1]
        zero = np.zeros((ends.size, 1), values.dtype)
        out.append(_running(np.concatenate([np.zeros(1, values.dtype), values[ends[-1] + 1:]])))
        values, tags = _running(np.concatenate([zero, padded], axis=1), axis=1), tags[ends]
    return out


def _nll_levels_loop(values, tags, power):
    """The eight-level loss cascade one target at a time (fewer Python steps than the array form
    below a few thousand targets)."""
    zero = values.dtype.type(0)
    acc = [zero] * 8
    masks = [((1 << power) - 1) << (j * power) for j in range(7)]
    for v, b in zip(values, tags.tolist()):
        acc[0] = acc[0] + v
        for j in range(7):
            if b & masks[j]:
                break
            acc[j + 1] = acc[j + 1] + acc[j]
            acc[j] = zero
    return acc


_FEW_RUNS = 256     # up to this many runs of a level the nll cascade sums them by accumulate


def _nll_levels_consecutive(values, power):
    """The eight-level loss cascade of ``_nll_levels_loop`` for targets at every batch position
    (nothing ignored), a level at a time: level ``j`` sums runs of ``2**power`` of what it receives,
    each from zero, handing each full run's sum up and keeping the last, partial run. Position 0
    moves every level up at once, so the first value alone reaches the top level (through zeros:
    ``0 + v``, which turns -0 into +0), before anything else."""
    zero = values.dtype.type(0)
    step = 1 << power
    levels = []
    received = values[1:]
    # A few runs are summed by one accumulate pass along each (exactly one value after another, from its
    # first value rather than from zero: the Python loop over a batch of 64's cost 2x the whole sum);
    # many, by the loop over their positions (accumulate's copy of them all costs more). The two differ
    # only for a run of nothing but -0 (-0 here, +0 there), and nothing sees that sign: every sum it
    # reaches (a level, the top, a run above, which takes its first value through ``0 + v``) starts from +0.
    for _ in range(7):
        if not received.size:       # (nothing left: this level and those above stay zero)
            levels.append(zero)
            continue
        runs = received.size // step
        rest = received[runs * step:]
        levels.append(zero + np.add.accumulate(rest)[-1] if rest.size else zero)
        whole = received[:runs * step].reshape(runs, step)
        received = np.add.accumulate(whole, axis=1)[:, -1] if runs <= _FEW_RUNS else _running(whole.T)
    top = zero + values[0]
    for v in received.tolist() if received.size else ():
        top = top + values.dtype.type(v)
    levels.append(top)
    return levels


def _nll_sum_short(values):
    """:func:`nll_sum` of at most 256 targets, none ignored (a batch's loss): the cascade's runs are 16
    targets (``power`` is 4 below 2**40 of them), so only its first two levels fill: level 0 holds the
    values after the last whole run of 16 (of all but the first), level 1 the sums of those runs, and the
    first value alone reaches the top. The levels' total, from zero, is then ``((0 + l0) + l1) + top``:
    the five empty levels between add +0 to a sum that is never -0 (each level starts from +0)."""
    zero = values.dtype.type(0)
    received = values[1:]
    runs = received.size // 16
    rest = received[runs * 16:]
    total = zero + np.add.accumulate(rest)[-1] if rest.size else zero
    if runs:
        run_sums = np.add.accumulate(received[:runs * 16].reshape(runs, 16), axis=1)[:, -1]
        total = total + (zero + np.add.accumulate(run_sums)[-1])
    return total + (zero + values[0])


def nll_sum(losses, valid=None):
    """PyTorch's CPU ``nll_loss`` sum of the per-target losses ``losses`` (flattened in batch order;
    ``valid``: which targets are not ignored, None for all), bit for bit: its own cascade of eight
    levels of ``2**max(4, ceil(log2 n) // 8)`` targets, then the levels added in order from zero."""
    losses = np.ravel(losses)
    n = losses.size
    if valid is None and 0 < n <= 256:
        return _nll_sum_short(losses)
    tags = np.arange(n)
    if valid is not None:
        keep = np.ravel(valid)
        losses, tags = losses[keep], tags[keep]
    if losses.size == 0:
        return losses.dtype.type(0)
    power = max(4, _ceil_log2(n) // 8)
    if valid is None:
        levels = _nll_levels_consecutive(losses, power)
    elif losses.size <= 2048:
        levels = _nll_levels_loop(losses, tags, power)
    else:
        levels = _flush_levels(losses, tags, 8, power)
    total = losses.dtype.type(0)
    for level in levels:
        total = total + level
    return total
