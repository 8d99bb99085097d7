"""The bit patterns of NaNs converted to and from bfloat16, as PyTorch's CPU kernels write them.

ml_dtypes keeps a NaN's sign (0x7fc0 / 0xffc0); PyTorch's conversions do not agree with it, nor with
each other:

- its scalar conversion to bfloat16 writes every NaN as 0x7fc0;
- its vectorised conversion (AVX2/AVX-512 code, used where the source's innermost dimension is
  contiguous) writes 0xffff: for a float32 source every element goes through it (a partial vector
  covers the tail), for a float64 source only whole blocks of 16 elements do, and the elements left
  over at the end of each innermost row, or of each thread's share of a large tensor (the work is
  split in equal parts once it exceeds the 32768-element grain), take the scalar 0x7fc0;
- a float16 source, and a 0-d tensor, always go through the scalar path;
- bfloat16 to float16 goes through float32 and keeps the NaN's sign and top payload bits, quiet
  (sign | 0x7e00 | payload >> 13), where ml_dtypes writes 0x7e00 / 0xfe00.
"""
import numpy as np

SCALAR_NAN = 0x7fc0
_VECTOR_NAN = 0xffff
_F64_BLOCK = 16         # float64 elements converted per vector step
_GRAIN = 32768          # at::internal::GRAIN_SIZE: below it one thread does all the work


def fix_to_bfloat16(src, out):
    """Rewrite the NaNs of ``out`` (``src`` converted to bfloat16, same shape) as PyTorch writes them."""
    if not isinstance(src, np.ndarray) or src.dtype.kind != 'f':
        return out
    nan = np.isnan(src)
    if not nan.any():
        return out
    bits = out.view(np.uint16)
    if src.ndim == 0 or src.dtype.itemsize == 2:     # (a 0-d tensor is converted by the scalar loop too)
        bits[nan] = SCALAR_NAN
        return out
    inner = _inner_row(src)
    if inner is None:                       # innermost dimension strided: the scalar path
        bits[nan] = SCALAR_NAN
    elif src.dtype.itemsize == 4:
        bits[nan] = _VECTOR_NAN
    else:
        bits[nan] = np.where(_in_whole_blocks(src, inner, nan), _VECTOR_NAN, SCALAR_NAN).astype(np.uint16)
    return out


def fix_bfloat16_to_half(src, out):
    """Rewrite the NaNs of ``out`` (bfloat16 ``src`` converted to float16) as PyTorch's conversion through
    float32 gives them."""
    if not isinstance(src, np.ndarray):
        return out
    wide = src.view(np.uint16)
    nan = (wide & 0x7fff) > 0x7f80
    if nan.any():
        b = wide[nan]
        out.view(np.uint16)[nan] = ((b & 0x8000) | 0x7e00 | ((b & 0x7f) << 3)).astype(np.uint16)
    return out


def _memory_order(a):
    """The dimensions of ``a`` (size-1 ones left out) from the largest stride to the smallest, broadcast
    (stride 0) ones outermost."""
    dims = [d for d in range(a.ndim) if a.shape[d] > 1]
    return sorted(dims, key=lambda d: -abs(a.strides[d]) if a.strides[d] else -float('inf'))


def _inner_row(a):
    """``(order, row)``: the dimensions in memory order and the length of the innermost row once
    adjacent dimensions that are one block of memory are merged (as PyTorch's TensorIterator
    coalesces them); None when that row is not contiguous."""
    order = _memory_order(a)
    if not order:
        return order, 1
    if a.strides[order[-1]] != a.itemsize:
        return None
    row = a.shape[order[-1]]
    for outer, inner in zip(reversed(order[:-1]), reversed(order[1:])):
        if a.strides[outer] != a.strides[inner] * a.shape[inner]:
            break
        row *= a.shape[outer]
    return order, row


def _in_whole_blocks(a, inner, nan):
    """For each NaN of ``a`` (float64), whether PyTorch converts it in a whole vector block: the rows
    of ``inner`` cut where the threads' shares of the elements meet, each piece converted in blocks of
    16 from its start and its remainder one by one."""
    from ember._threads import intra_op_threads
    order, row = inner
    where = np.nonzero(nan)
    k = np.ravel_multi_index(tuple(where[d] for d in order), tuple(a.shape[d] for d in order)) if order \
        else np.zeros(len(where[0]), dtype=np.intp)
    n = a.size
    tasks = min(intra_op_threads(), -(-n // _GRAIN)) if n > _GRAIN else 1
    share = -(-n // tasks)
    row_start = k - k % row
    task_start = k - k % share
    start = np.maximum(row_start, task_start)
    end = np.minimum(row_start + row, np.minimum(task_start + share, n))
    return (k - start) < (end - start) // _F64_BLOCK * _F64_BLOCK
