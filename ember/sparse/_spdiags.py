"""``ember.sparse.spdiags``: a sparse COO matrix from diagonals, as PyTorch's (SciPy's ``spdiags`` layout)."""
import ember
from ember._formats import sparse_coo, sparse_csc, sparse_csr
from ember.autograd import grad_mode
from ember.ops._draw_gradients import _no_derivative
from ember.sparse._coo import _make

_NO_DERIVATIVE = _no_derivative('_spdiags')     # PyTorch records the result with no derivative


def spdiags(diagonals, offsets, shape, layout=None):
    """The ``shape`` matrix whose diagonal ``offsets[i]`` (0 the main one, positive above it) holds row ``i`` of
    ``diagonals``: the element in column ``c`` of that diagonal is ``diagonals[i, c]``, as in SciPy's
    ``spdiags``. Elements outside the matrix are left out.

    Args:
        diagonals (Tensor): one diagonal per row (a vector for one diagonal).
        offsets (Tensor): int64, one offset per diagonal (a scalar for one).
        shape (tuple of two ints): the matrix's size.
        layout (ember.layout, optional): ``ember.sparse_coo`` (the default), ``ember.sparse_csr`` or
            ``ember.sparse_csc``.

    Example::

        >>> ember.sparse.spdiags(ember.tensor([[1., 2., 3.], [4., 5., 6.]]), ember.tensor([0, 1]), (3, 3)).to_dense()
        tensor([[1., 5., 0.],
                [0., 2., 6.],
                [0., 0., 3.]])
    """
    if layout not in (None, sparse_coo, sparse_csr, sparse_csc):
        from ember.sparse._compressed import layout_name
        raise RuntimeError(f"Only output layouts (Sparse, SparseCsc, SparseCsr) are supported, got "
                           f"{layout_name(layout)}")
    if len(shape) != 2:
        raise RuntimeError("Output shape must be 2d")
    if offsets.dim() > 1:
        raise RuntimeError("Offsets must be scalar or vector")
    if offsets.dtype != ember.int64:
        from ember._tensor import _scalar_type_name
        raise RuntimeError(f"Offset Tensor must have dtype Long but got {_scalar_type_name(offsets.dtype)}")
    rows_of = diagonals if diagonals.dim() == 2 else diagonals.reshape(1, -1)
    offsets = offsets.reshape(-1)
    if rows_of.shape[0] != offsets.shape[0]:
        raise RuntimeError(f"Number of diagonals ({rows_of.shape[0]}) does not match the number of offsets "
                           f"({offsets.shape[0]})")
    listed = offsets.tolist()
    if len(set(listed)) != len(listed):
        raise RuntimeError("Offset tensor contains duplicate values")
    n_rows, n_cols = shape
    width = min(n_cols, rows_of.shape[1])
    rows, cols, which = [], [], []
    for i, k in enumerate(listed):
        for r in range(max(0, -k), min(n_rows, width - k)):    # row r holds column r + k of the diagonal
            rows.append(r)
            cols.append(r + k)
            which.append(i)
    index = ember.tensor([rows, cols], dtype=ember.int64).reshape(2, -1)
    values = rows_of.detach()[ember.tensor(which, dtype=ember.int64), ember.tensor(cols, dtype=ember.int64)]
    if diagonals.requires_grad and grad_mode.is_grad_enabled():
        values = _NO_DERIVATIVE.apply(values, diagonals)
    result = _make(index, values, (n_rows, n_cols))
    return result if layout in (None, sparse_coo) else result.to_sparse(layout=layout)
