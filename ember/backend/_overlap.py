"""Whether two arrays share memory, classified as PyTorch's ``get_overlap_status`` classifies tensors: the
test behind its refusals to write a tensor from another that partially overlaps it."""
import numpy as np

NO, FULL, PARTIAL = 0, 1, 2


def memory_overlap(a, b):
    """``FULL`` when ``a`` and ``b`` are the same elements laid out alike (the same span and strides),
    ``PARTIAL`` when their spans of memory meet otherwise, ``NO`` when they do not meet, are empty, or when
    either leaves gaps or repeats elements (PyTorch's "too hard" case, which it lets pass)."""
    if a is b:
        return FULL
    if a.size == 0 or b.size == 0 or not (dense(a) and dense(b)):
        return NO
    a_begin, b_begin = _address(a), _address(b)
    a_end, b_end = a_begin + a.size * a.itemsize, b_begin + b.size * b.itemsize
    if a_begin == b_begin and a_end == b_end:
        return FULL if a.strides == b.strides else PARTIAL
    return PARTIAL if a_begin < b_end and b_begin < a_end else NO


def dense(arr):
    """Whether the elements fill their span of memory exactly once (some order of the dims is contiguous)."""
    expected = arr.itemsize
    for stride, size in sorted((s, n) for s, n in zip(arr.strides, arr.shape) if n != 1):
        if stride != expected:
            return False
        expected *= size
    return True


def _address(arr):
    return arr.__array_interface__['data'][0] if isinstance(arr, np.ndarray) else arr.data.ptr
