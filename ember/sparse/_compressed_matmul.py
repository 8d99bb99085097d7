"""The product of a 2-D sparse compressed matrix (its stored elements or blocks at block coordinates ``rows``,
``cols``) and a dense matrix, as one op with its own backward, so that the work is one gather, one multiply and
one sorted sum per row instead of a scatter per element.

With SciPy installed (the ``scipy`` extra), CSR/CSC products of float32/float64/complex values on the CPU run
through ``scipy.sparse``'s compiled kernel; otherwise NumPy sums each row's products with ``add.reduceat``, and
CuPy arrays go through the backend's scatter-add. The backward is written with ember ops (and this op again for
the dense operand's gradient, ``S^T @ grad``), so gradients of gradients work.
"""
import numpy as np

import ember
from ember import backend
from ember.autograd.function import Primitive

_SCIPY_KINDS = ('float32', 'float64', 'complex64', 'complex128')


def _scipy_sparse():
    try:
        import scipy.sparse
    except ImportError:      # (the optional extra is not installed: NumPy does the sums)
        return None
    return scipy.sparse


def _product(xp, values, dense, rows, cols, nrows, blocksize):
    bh, bw = blocksize
    p = dense.shape[1]
    nnz = rows.shape[0]
    out_dtype = np.result_type(values.dtype, dense.dtype) if xp is np else values.dtype
    if nnz == 0:
        return xp.zeros((nrows, p), dtype=out_dtype)
    if xp is np and bh == bw == 1 and values.dtype.name in _SCIPY_KINDS and dense.dtype == values.dtype:
        sparse = _scipy_sparse()
        if sparse is not None:
            matrix = sparse.csr_matrix((values.reshape(-1), (rows, cols)), shape=(nrows, dense.shape[0]))
            return np.asarray(matrix @ dense, dtype=out_dtype)
    r, c = (rows, cols) if xp is np else (xp.asarray(rows), xp.asarray(cols))
    under = dense.reshape(dense.shape[0] // bw, bw, p)[c]                        # (nnz, bw, p)
    if bh == bw == 1:
        contributions = values.reshape(-1, 1) * under[:, 0, :]
    else:
        contributions = xp.matmul(values.reshape(nnz, bh, bw), under).reshape(nnz, bh * p)
    out = xp.zeros((nrows // bh, contributions.shape[1]), dtype=contributions.dtype)
    if xp is np:
        order = np.argsort(rows, kind='stable') if (np.diff(rows) < 0).any() else None
        sorted_rows = rows if order is None else rows[order]
        starts = np.flatnonzero(np.r_[True, sorted_rows[1:] != sorted_rows[:-1]])
        summed = np.add.reduceat(contributions if order is None else contributions[order], starts, axis=0)
        out[sorted_rows[starts]] = summed
    else:
        backend.scatter_ufunc('add', out, (r,), contributions)
    return out.reshape(nrows, p)


class SparseDenseProduct(Primitive):
    """``S @ dense`` for the compressed ``S`` given as its ``values`` (``(nnz,)`` or ``(nnz, bh, bw)``) at block
    coordinates ``rows``, ``cols`` (NumPy) of an ``nrows`` x ``dense.shape[0]`` matrix."""
    node_name = 'SparseMmBackward0'

    @staticmethod
    def forward(ctx, values, dense, rows, cols, nrows, blocksize):
        ctx.args = (rows, cols, nrows, dense.shape[0], blocksize, values.shape)
        need_values, need_dense = ctx.needs_input_grad[:2]
        if need_values or need_dense:
            ctx.save_for_backward(values if need_dense else None, dense if need_values else None)
        return _product(ctx.xp, values, dense, rows, cols, nrows, blocksize)

    @staticmethod
    def backward(ctx, grad):
        rows, cols, nrows, ncols, (bh, bw), values_shape = ctx.args
        values, dense = ctx.saved_tensors
        grad_values = grad_dense = None
        p = grad.shape[1]
        if ctx.needs_input_grad[0]:      # d values[k] = grad[its block row] @ dense[its block column]^T
            device = grad.device
            g = grad.reshape(nrows // bh, bh, p).index_select(0, ember.tensor(rows, device=device))
            d = dense.reshape(ncols // bw, bw, p).index_select(0, ember.tensor(cols, device=device))
            grad_values = (g @ d.transpose(1, 2)).reshape(values_shape)
        if ctx.needs_input_grad[1]:      # d dense = S^T @ grad: the same product, coordinates and blocks swapped
            flipped = values.transpose(-1, -2) if len(values_shape) == 3 else values
            grad_dense = SparseDenseProduct.apply(flipped, grad, cols, rows, ncols, (bw, bh))
        return grad_values, grad_dense, None, None, None, None
