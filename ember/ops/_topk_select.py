"""Which ``k`` elements ``topk`` returns, and in which order, as PyTorch's CPU kernel picks them.

PyTorch's CPU ``topk`` copies each row into (value, index) pairs and runs the C++ standard library on
them (GNU libstdc++ in its Linux builds) with a comparator on values alone, NaN above every number:
``std::partial_sort`` of the first ``k`` when ``64 * k <= n``, else ``std::nth_element`` at ``k - 1``
followed, when ``sorted``, by ``std::sort`` of the first ``k - 1``. Among values that compare equal
(repeated values, both zeros, several NaNs) these algorithms pick and order indices in their own ways,
and with ``sorted=False`` the nth_element arrangement is the result.

Rows are handled two ways:

* where the order is decided by the values alone (``sorted`` or the partial-sort path, and no two of
  the ``k + 1`` best values equal), vectorised: a partition finds the ``k + 1`` best of every row,
  a sort orders them;
* the other rows run the library's algorithms step by step (on positions compared by ranks of
  their values), restated below (heap selection with
  its sift-down and sift-up, introselect with median-of-three pivots and unguarded partitions,
  introsort with its 16-element insertion-sort threshold), so ties come out as PyTorch's do.
"""
import numpy as np

_SORT_THRESHOLD = 16      # libstdc++'s _S_threshold: introsort leaves ranges this short to insertion sort


def topk_indices(rows, k, largest, sorted_):
    """Indices (int64, shape (R, k)) of ``rows`` (a 2-d NumPy array, one row per slice) that PyTorch's
    CPU topk returns, in its order."""
    n = rows.shape[1]
    partial = 64 * k <= n
    out = np.empty((rows.shape[0], k), np.int64)
    if k == 0 or rows.shape[0] == 0:
        return out
    if sorted_ or partial:
        best = _best_sorted(rows, min(k + 1, n), largest)
        top = np.take_along_axis(rows, best, 1)
        out[...] = best[:, :k]
        slow = np.flatnonzero(_adjacent_ties(top).any(axis=1))
    else:
        slow = np.arange(rows.shape[0])
    if len(slow):
        for r, rank in zip(slow.tolist(), _ranks(rows[slow], largest).tolist()):
            out[r] = _library_topk(rank, k, partial, sorted_)
    return out


def _best_sorted(rows, m, largest):
    """Per row, the indices of its ``m`` best values, best first (NaN best when ``largest``, worst
    otherwise, as NumPy's sorts place NaN last)."""
    n = rows.shape[1]
    if m == n:
        cand = np.broadcast_to(np.arange(n), rows.shape)
    elif largest:
        cand = np.argpartition(rows, n - m, axis=1)[:, n - m:]
    else:
        cand = np.argpartition(rows, m - 1, axis=1)[:, :m]
    order = np.argsort(np.take_along_axis(rows, cand, 1), axis=1)
    return np.take_along_axis(cand, order[:, ::-1] if largest else order, 1)


def _adjacent_ties(top):
    """Where neighbouring sorted values compare equal for topk's comparator (NaN equals NaN)."""
    left, right = top[:, :-1], top[:, 1:]
    tied = left == right
    if top.dtype.kind == 'f':
        tied |= np.isnan(left) & np.isnan(right)
    return tied


def _ranks(rows, largest):
    """Integers standing for the values in the comparator's order: one position comes before another
    exactly when its rank is larger. Equal values, the two zeros and all NaNs share a rank; NumPy's
    unique sorts NaN last, so negating for the smallest puts NaN last there too, as PyTorch's
    comparators do."""
    _, inverse = np.unique(rows, return_inverse=True)
    inverse = inverse.reshape(rows.shape).astype(np.int64)
    return inverse if largest else -inverse


def _library_topk(rank, k, partial, sorted_):
    """One row through libstdc++'s algorithms on its positions compared by ``rank``: the first ``k``."""
    n = len(rank)
    q = list(range(n))

    if partial:
        _heap_select(q, 0, k, n, rank)
        _sort_heap(q, 0, k, rank)
    else:
        _nth_element(q, 0, k - 1, n, rank)
        if sorted_:
            _sort(q, 0, k - 1, rank)
    return q[:k]


# --- libstdc++'s heap algorithms (bits/stl_heap.h), on q[first:last]: positions, ``r`` their ranks (the
# comparator is ``r[a] > r[b]``: a comes first) ---

def _adjust_heap(q, first, hole, length, value, r):
    top = hole
    child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if r[q[first + child]] > r[q[first + child - 1]]:
            child -= 1
        q[first + hole] = q[first + child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        q[first + hole] = q[first + child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and r[q[first + parent]] > r[value]:
        q[first + hole] = q[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    q[first + hole] = value


def _make_heap(q, first, last, r):
    length = last - first
    if length < 2:
        return
    parent = (length - 2) // 2
    while True:
        _adjust_heap(q, first, parent, length, q[first + parent], r)
        if parent == 0:
            return
        parent -= 1


def _pop_heap(q, first, last, result, r):
    value = q[result]
    q[result] = q[first]
    _adjust_heap(q, first, 0, last - first, value, r)


def _heap_select(q, first, middle, last, r):
    _make_heap(q, first, middle, r)
    worst = r[q[first]]
    for i in range(middle, last):
        # (positions from ``middle`` on still hold their own index when the scan reaches them)
        if r[q[i]] > worst:
            _pop_heap(q, first, middle, i, r)
            worst = r[q[first]]


def _sort_heap(q, first, last, r):
    while last - first > 1:
        last -= 1
        _pop_heap(q, first, last, last, r)


# --- libstdc++'s introselect and introsort (bits/stl_algo.h) ---

def _lg(n):
    return n.bit_length() - 1


def _move_median_to_first(q, result, a, b, c, r):
    if r[q[a]] > r[q[b]]:
        if r[q[b]] > r[q[c]]:
            pick = b
        elif r[q[a]] > r[q[c]]:
            pick = c
        else:
            pick = a
    elif r[q[a]] > r[q[c]]:
        pick = a
    elif r[q[b]] > r[q[c]]:
        pick = c
    else:
        pick = b
    q[result], q[pick] = q[pick], q[result]


def _unguarded_partition(q, first, last, pivot, r):
    p = r[q[pivot]]
    while True:
        while r[q[first]] > p:
            first += 1
        last -= 1
        while p > r[q[last]]:
            last -= 1
        if not first < last:
            return first
        q[first], q[last] = q[last], q[first]
        first += 1


def _partition_pivot(q, first, last, r):
    mid = first + (last - first) // 2
    _move_median_to_first(q, first, first + 1, mid, last - 1, r)
    return _unguarded_partition(q, first + 1, last, first, r)


def _unguarded_linear_insert(q, last, r):
    value = q[last]
    v = r[value]
    nxt = last - 1
    while v > r[q[nxt]]:
        q[last] = q[nxt]
        last = nxt
        nxt -= 1
    q[last] = value


def _insertion_sort(q, first, last, r):
    if first == last:
        return
    for i in range(first + 1, last):
        if r[q[i]] > r[q[first]]:
            value = q[i]
            q[first + 1:i + 1] = q[first:i]
            q[first] = value
        else:
            _unguarded_linear_insert(q, i, r)


def _nth_element(q, first, nth, last, r):
    if first == last or nth == last:
        return
    depth = _lg(last - first) * 2
    while last - first > 3:
        if depth == 0:
            _heap_select(q, first, nth + 1, last, r)
            q[first], q[nth] = q[nth], q[first]
            return
        depth -= 1
        cut = _partition_pivot(q, first, last, r)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(q, first, last, r)


def _introsort_loop(q, first, last, depth, r):
    while last - first > _SORT_THRESHOLD:
        if depth == 0:
            _heap_select(q, first, last, last, r)     # partial_sort of the whole range: heapsort
            _sort_heap(q, first, last, r)
            return
        depth -= 1
        cut = _partition_pivot(q, first, last, r)
        _introsort_loop(q, cut, last, depth, r)
        last = cut


def _sort(q, first, last, r):
    if first == last:
        return
    _introsort_loop(q, first, last, _lg(last - first) * 2, r)
    if last - first > _SORT_THRESHOLD:
        _insertion_sort(q, first, first + _SORT_THRESHOLD, r)
        for i in range(first + _SORT_THRESHOLD, last):
            _unguarded_linear_insert(q, i, r)
    else:
        _insertion_sort(q, first, last, r)


# --- kthvalue: PyTorch's own quickselect (median of three, Sedgewick's partition) ---

def kthvalue_indices(rows, k):
    """Index (int64, shape (R,)) of the ``k``-th smallest value of each row of the 2-d array ``rows``
    that PyTorch's CPU kthvalue returns (NaN above every number). Where that value occurs once in the
    row the value decides; rows where it repeats run PyTorch's quickselect step by step."""
    kth = np.partition(rows, k - 1, axis=1)[:, k - 1:k]
    same = rows == kth
    if rows.dtype.kind == 'f':
        same |= np.isnan(rows) & np.isnan(kth)
    out = np.argmax(same, axis=1)
    slow = np.flatnonzero(np.count_nonzero(same, axis=1) > 1)
    if len(slow):
        for r, rank in zip(slow.tolist(), _ranks(rows[slow], True).tolist()):
            out[r] = _quickselect(rank, k - 1)
    return out.astype(np.int64)


def _quickselect(rank, k):
    """PyTorch's quickselect of position ``k`` over a row's positions compared by ``rank`` (larger
    rank: larger value): the position that lands at ``k``."""
    q = list(range(len(rank)))
    left, right = 0, len(q) - 1

    def swap(i, j):
        q[i], q[j] = q[j], q[i]

    while True:
        if right <= left:
            break
        if right == left + 1:
            if rank[q[left]] > rank[q[right]]:
                swap(left, right)
            break
        swap((left + right) >> 1, left + 1)          # median of three to q[left]
        if rank[q[left + 1]] > rank[q[right]]:
            swap(left + 1, right)
        if rank[q[left]] > rank[q[right]]:
            swap(left, right)
        if rank[q[left + 1]] > rank[q[left]]:
            swap(left + 1, left)
        i, j = left + 1, right
        pivot = rank[q[left]]
        while True:
            i += 1
            while pivot > rank[q[i]]:
                i += 1
            j -= 1
            while rank[q[j]] > pivot:
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(left, j)
        if j <= k:
            left = i
        if j >= k:
            right = j - 1
    return q[k]
