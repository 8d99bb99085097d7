"""bfloat16 matrix products with the bits of PyTorch's CPU kernel (oneDNN's AVX512-BF16 matmul).

What PyTorch 2.13 computes for ``beta * input + alpha * (A @ B)`` with bfloat16 ``A`` and ``B`` (mm, addmm,
bmm, baddbmm; measured on an AVX512-BF16 CPU, tests/fixtures/bf16_products/record.py):

- each product of two bfloat16 numbers is exact in float32; the products are summed in float32, rounding at
  every addition, in a fixed order: the K dimension is cut into blocks, each block summed from zero taking its
  elements in pairs, the odd one of a pair first (the ``vdpbf16ps`` instruction), and the blocks' sums are
  added left to right. The blocks are 512 long, or 1024 when K exceeds 1024 and ``A`` is row-major;
- then ``alpha * sum + beta * input`` in float32 (``input`` ignored when beta is 0), rounded to bfloat16 once.

NumPy's float32 matmul adds in another order: after rounding to bfloat16 the two differ by one unit in about
one element in a thousand (K = 512..1024). Summing in PyTorch's order costs a NumPy pass per product term (about
ten times BLAS's time at 128 x 128 x 128), so it is done for products of up to EXACT_WORK multiply-adds (any
test-sized or small model's); larger ones keep BLAS's float32 sums, rounded once as PyTorch rounds.
(Products of subnormal size, which the CPU instruction flushes to zero, are not modelled.)
"""
import numpy as np

from ember.ops._float8 import astype

_F32 = np.dtype(np.float32)


def is_bfloat16(arr):
    """Whether a NumPy array holds ml_dtypes' bfloat16 (kind 'V', two bytes)."""
    dt = arr.dtype
    return dt.kind == 'V' and dt.itemsize == 2


EXACT_WORK = 1 << 22     # multiply-adds up to which products are summed in PyTorch's order (a few ms)


def product(a, b, c=None, alpha=1, beta=0):
    """``beta * c + alpha * (a @ b)`` of bfloat16 arrays ``a`` (..., m, K) and ``b`` (..., K, n), rounded to
    bfloat16 once as PyTorch's CPU kernel rounds it; ``c`` (float32 or bfloat16, broadcast to the result) is
    read only when beta != 0."""
    a32, b32 = a.astype(_F32), b.astype(_F32)
    k = a.shape[-1]
    shape = np.broadcast_shapes(a.shape[:-2], b.shape[:-2]) + (a.shape[-2], b.shape[-1])
    if k > 2 and np.prod(shape) * k <= EXACT_WORK:     # (up to two terms, every order adds them alike)
        total = _in_pytorch_order(a32, b32, shape, _block(k, a))
    else:
        total = np.matmul(a32, b32)
    value = total * np.float32(alpha) if alpha != 1 else total
    if beta != 0 and c is not None:
        c32 = np.broadcast_to(np.asarray(c).astype(_F32), shape)
        value = value + (c32 * np.float32(beta) if beta != 1 else c32)
    return astype(value, np.dtype(_bf16()))


def _block(k, a):
    row_major = a.ndim < 2 or a.shape[-2] < 2 or a.strides[-1] == a.itemsize
    return 1024 if k > 1024 and row_major else 512


def _in_pytorch_order(a32, b32, shape, block):
    """``a32 @ b32`` with each element's products (exact: bfloat16 factors) summed in float32 in PyTorch's order:
    K in blocks, each summed from zero taking its pairs odd element first, the blocks' sums added in turn (one
    vectorised addition per product term: NumPy's ``add.accumulate`` along K is several times slower)."""
    k = a32.shape[-1]
    total = None
    for lo in range(0, k, block):
        hi = min(lo + block, k)
        part = np.zeros(shape, _F32)
        for p in range(lo, hi, 2):
            for j in ((p + 1, p) if p + 1 < hi else (p,)):
                part += a32[..., :, j, None] * b32[..., None, j, :]
        total = part if total is None else total + part
    return total


def _bf16():
    import ml_dtypes
    return ml_dtypes.bfloat16
