"""Sparse compressed tensors (``layout=ember.sparse_csr``, ``sparse_csc``, ``sparse_bsr``, ``sparse_bsc``), as
PyTorch's.

A compressed tensor of ``size`` ``(*batch, nrows, ncols, *dense)`` keeps, per batch entry, its specified
elements (or, for BSR/BSC, blocks of ``blocksize``) line by line along the compressed dimension: rows for
CSR/BSR, columns for CSC/BSC. ``compressed_indices`` (``(*batch, nlines + 1)``) says where each line starts in
``plain_indices`` (``(*batch, nnz)``, the other coordinate of each element) and in ``values`` (``(*batch, nnz,
*blocksize, *dense)``). The names PyTorch gives them: ``crow_indices``/``col_indices`` for CSR/BSR,
``ccol_indices``/``row_indices`` for CSC/BSC.

Every operation is written with ember's dense ops on ``values`` (the index arithmetic in NumPy), so autograd
records through the values: gradients reach them from ``to_dense()``, ``sparse.mm``, ``sparse.addmm`` and the
element-wise operations, and a leaf's ``.grad`` has its layout and indices, as in PyTorch. The operations live
in ``_compressed_ops.py``; others raise PyTorch's errors for the ops it has no kernel for.
"""
import math

import numpy as np

import ember
from ember import _torch_function
from ember._formats import sparse_bsc, sparse_bsr, sparse_coo, sparse_csc, sparse_csr, strided
from ember._tensor import Size, Tensor, _Version
from ember.autograd import grad_mode
from ember.ops._draw_gradients import _no_derivative
from ember.backend import to_numpy
from ember.overrides import DisableTorchFunctionSubclass
from ember.sparse._values_backed import ValuesBacked, _NoArray

LAYOUTS = (sparse_csr, sparse_csc, sparse_bsr, sparse_bsc)
_BLOCKED = (sparse_bsr, sparse_bsc)
_ROW_COMPRESSED = (sparse_csr, sparse_bsr)
# PyTorch's names in messages: the layout's own, and its dims'
_LAYOUT_NAMES = {sparse_csr: 'SparseCsr', sparse_csc: 'SparseCsc', sparse_bsr: 'SparseBsr', sparse_bsc: 'SparseBsc',
                 strided: 'Strided', sparse_coo: 'Sparse'}
_NO_ARRAY = _NoArray("this operation has no sparse compressed (CSR/CSC/BSR/BSC) implementation in ember; use "
                     "to_dense() first, or the operations listed in ember.sparse")


def _names(layout):
    """(compressed indices' name, plain indices' name, compressed dim's name, plain dim's name)."""
    blocked = ' block' if layout in _BLOCKED else ''
    if layout in _ROW_COMPRESSED:
        return 'crow_indices', 'col_indices', 'row' + blocked, 'column' + blocked
    return 'ccol_indices', 'row_indices', 'column' + blocked, 'row' + blocked


def layout_name(layout):
    return _LAYOUT_NAMES.get(layout, 'none' if layout is None else str(layout))


def _make(compressed, plain, values, size, layout):
    if not _torch_function._active:     # a sparse tensor exists: functions must dispatch on it from now on
        _torch_function.activate()
    if not _BETA_WARNED:
        _warn_beta()
    st = object.__new__(SparseCompressedTensor)
    st._data = _NO_ARRAY
    st._version_counter = _Version()
    st._sp_compressed, st._sp_plain, st._sp_values = compressed, plain, values
    st._sp_size, st._sp_layout = Size(size), layout
    return st


_BETA_WARNED = []


def _warn_beta():
    # PyTorch says this once, when its first compressed tensor is made
    from ember._warn_once import warn_at_user
    _BETA_WARNED.append(True)
    warn_at_user("Sparse CSR tensor support is in beta state. If you miss a functionality in the sparse tensor "
                 "support, please submit a feature request to https://github.com/pytorch/pytorch/issues.")


class SparseCompressedTensor(ValuesBacked):
    """A sparse CSR, CSC, BSR or BSC tensor (see the module docstring); make one with
    :func:`ember.sparse_csr_tensor` (and its siblings) or :meth:`Tensor.to_sparse_csr` (and its siblings)."""
    __slots__ = ()
    _torch_function_on_demand = True   # dispatch switches on when the first one is made (_make)

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        from ember.sparse._compressed_ops import FUNCTIONS, refuse
        name = getattr(func, '__name__', '')
        handler = FUNCTIONS.get(name)
        with DisableTorchFunctionSubclass():
            if handler is None:
                refuse(name, args, kwargs)
            return handler(*args, **(kwargs or {}))

    # ------------------------------------------------------------------ metadata
    is_sparse = False

    @property
    def is_sparse_csr(self):
        return self._sp_layout is sparse_csr

    @property
    def layout(self):
        return self._sp_layout

    def _batch_dim(self):
        return self._sp_compressed.dim() - 1

    def _block_dim(self):
        return 2 if self._sp_layout in _BLOCKED else 0

    def _nnz(self):
        return int(self._sp_plain.shape[-1])

    def sparse_dim(self):
        return 2

    def dense_dim(self):
        return self._sp_values.dim() - self._batch_dim() - self._block_dim() - 1

    def values(self):
        return self._sp_values

    def _indices_of(self, kind, wanted):
        if self._sp_layout not in wanted:
            kinds = 'row' if wanted == _ROW_COMPRESSED else 'column'
            raise RuntimeError(f"{kind} expected sparse {kinds} compressed tensor layout but got "
                               f"{layout_name(self._sp_layout)}")
        return self._sp_compressed if kind in ('crow_indices', 'ccol_indices') else self._sp_plain

    def crow_indices(self):
        """The compressed row indices of a CSR or BSR tensor: where each row (of blocks) starts in
        ``col_indices()`` and ``values()``.

        Example::

            >>> ember.tensor([[0., 2.], [3., 4.]]).to_sparse_csr().crow_indices()
            tensor([0, 1, 3])
        """
        return self._indices_of('crow_indices', _ROW_COMPRESSED)

    def col_indices(self):
        """The column (block) index of each specified element of a CSR or BSR tensor.

        Example::

            >>> ember.tensor([[0., 2.], [3., 4.]]).to_sparse_csr().col_indices()
            tensor([1, 0, 1])
        """
        return self._indices_of('col_indices', _ROW_COMPRESSED)

    def ccol_indices(self):
        """The compressed column indices of a CSC or BSC tensor: where each column (of blocks) starts in
        ``row_indices()`` and ``values()``.

        Example::

            >>> ember.tensor([[0., 2.], [3., 4.]]).to_sparse_csc().ccol_indices()
            tensor([0, 1, 3])
        """
        return self._indices_of('ccol_indices', (sparse_csc, sparse_bsc))

    def row_indices(self):
        """The row (block) index of each specified element of a CSC or BSC tensor.

        Example::

            >>> ember.tensor([[0., 2.], [3., 4.]]).to_sparse_csc().row_indices()
            tensor([1, 0, 1])
        """
        return self._indices_of('row_indices', (sparse_csc, sparse_bsc))

    def indices(self):
        raise RuntimeError(f"indices expected sparse coordinate tensor layout but got {layout_name(self._sp_layout)}")

    def _indices(self):
        raise RuntimeError(f"_indices expected sparse coordinate tensor layout but got "
                           f"{layout_name(self._sp_layout)}")

    def coalesce(self):
        raise RuntimeError(f"coalesce expected sparse coordinate tensor layout but got {layout_name(self._sp_layout)}")

    def is_coalesced(self):
        raise RuntimeError(f"is_coalesced expected sparse coordinate tensor layout but got "
                           f"{layout_name(self._sp_layout)}")

    def stride(self, dim=None):
        raise RuntimeError("Sparse CSR tensors do not have strides")

    def is_contiguous(self, memory_format=None):
        raise RuntimeError("Sparse CSR tensors do not have is_contiguous")

    def contiguous(self, memory_format=None):
        raise RuntimeError("Sparse CSR tensors do not have is_contiguous")

    def storage_offset(self):
        return 0

    def element_size(self):
        return self._sp_values.element_size()

    @property
    def itemsize(self):
        return self._sp_values.element_size()

    @property
    def nbytes(self):      # (PyTorch counts the dense tensor's bytes)
        return self.numel() * self._sp_values.element_size()

    def __len__(self):
        if self.dim() == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._sp_size[0]

    def __bool__(self):
        if self.numel() != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.to_dense())

    def __getitem__(self, index):
        """Row ``index`` of a 2-D CSR/CSC matrix, as a sparse COO vector (what PyTorch gives); other indexing
        is refused."""
        from ember.sparse._compressed_ops import select_row
        return select_row(self, index)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    @property
    def T(self):
        from ember.sparse._compressed_ops import refuse
        refuse('as_strided', (self,), None)

    @property
    def mT(self):
        return self.transpose(-2, -1)

    @property
    def data(self):
        return self.detach()

    def type(self, dtype=None, non_blocking=False, **kwargs):
        raise RuntimeError(f"Unimplemented backend {'SparseCsrCUDA' if self.device.type == 'cuda' else 'SparseCsrCPU'}")

    def tolist(self):
        raise RuntimeError("Cannot access data pointer of Tensor that doesn't have storage")

    def numpy(self, force=False):
        raise TypeError(f"can't convert {layout_name(self._sp_layout)} layout tensor to numpy. Use Tensor.to_dense() "
                        f"first.")

    def item(self):
        if self.numel() != 1:
            raise RuntimeError(f"a Tensor with {self.numel()} elements cannot be converted to Scalar")
        return self.to_dense().item()

    # ------------------------------------------------------------------ a leaf's dense gradient
    # torch.mm/addmm/@ give a compressed leaf a dense (strided) gradient, kept here; the gradient of its values
    # (from to_dense, sparse.mm, element-wise ops) reads back as a tensor of its layout, as in PyTorch
    _sp_dense_grad = None

    def add_dense_grad(self, grad):
        self._sp_dense_grad = grad if self._sp_dense_grad is None else self._sp_dense_grad + grad

    @property
    def grad(self):
        """A leaf's gradient: dense from ``torch.mm``/``addmm``/``@``, else of its layout over its elements, as in
        PyTorch.

        Example::

            >>> s = ember.tensor([[0., 2.], [3., 0.]]).to_sparse_csr().requires_grad_()
            >>> ember.sparse.mm(s, ember.ones(2, 1)).sum().backward()
            >>> s.grad.values()
            tensor([1., 1.])
        """
        masked = ValuesBacked.grad.fget(self)
        if self._sp_dense_grad is None:
            return masked
        return self._sp_dense_grad if masked is None else self._sp_dense_grad + masked.to_dense()

    @grad.setter
    def grad(self, value):
        if value is None:
            ValuesBacked.grad.fset(self, None)
            self._sp_dense_grad = None
            return
        if not isinstance(value, SparseCompressedTensor) or value.layout is not self.layout:
            raise RuntimeError("attempting to assign a gradient to a tensor that has data of a different type")
        if tuple(value.shape) != tuple(self.shape):
            raise RuntimeError(f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of size "
                               f"'{list(self.shape)}'. Please ensure that the gradient and the tensor are the same size")
        ValuesBacked.grad.fset(self, value)
        self._sp_dense_grad = None

    @property
    def _grad(self):
        return self.grad

    @_grad.setter
    def _grad(self, value):
        self.grad = value

    def _sparse_parts(self):
        return self._sp_compressed, self._sp_plain, self._sp_values, self._sp_size

    def _with_values(self, values):
        device = values.device
        return _make(self._sp_compressed.to(device), self._sp_plain.to(device), values, self._sp_size,
                     self._sp_layout)

    def _same_pattern(self, other):
        return (isinstance(other, SparseCompressedTensor) and other._sp_layout is self._sp_layout
                and other._sp_size == self._sp_size and other._sp_plain.shape == self._sp_plain.shape
                and bool((other._sp_plain == self._sp_plain).all())
                and bool((other._sp_compressed == self._sp_compressed).all()))

    def clone(self, *, memory_format=None):
        return _make(self._sp_compressed.clone(), self._sp_plain.clone(), self._sp_values.clone(), self._sp_size,
                     self._sp_layout)

    # ------------------------------------------------------------------ conversions
    def _coordinates(self):
        """NumPy (batch, row, col) of every stored element (or block), batch by batch in storage order."""
        compressed = to_numpy(self._sp_compressed._data).astype(np.int64)
        plain = to_numpy(self._sp_plain._data).astype(np.int64).reshape(-1)
        nb = max(1, math.prod(compressed.shape[:-1]))
        counts = np.diff(compressed.reshape(nb, -1), axis=1)
        nlines = counts.shape[1]
        if counts.size and (counts < 0).any():
            raise RuntimeError(f"{_names(self._sp_layout)[0]} is not a non-decreasing sequence; check the tensor's "
                               f"invariants (ember.sparse.check_sparse_tensor_invariants)")
        line = np.repeat(np.tile(np.arange(nlines), nb), counts.reshape(-1))
        batch = np.repeat(np.arange(nb), counts.sum(1))
        if line.size != plain.size:
            raise RuntimeError(f"{_names(self._sp_layout)[0]}[..., -1] does not equal nnz in every batch; check the "
                               f"tensor's invariants (ember.sparse.check_sparse_tensor_invariants)")
        rows, cols = (line, plain) if self._sp_layout in _ROW_COMPRESSED else (plain, line)
        return batch, rows, cols

    def _blocksize(self):
        if self._sp_layout in _BLOCKED:
            b = self._batch_dim()
            return tuple(self._sp_values.shape[b + 1:b + 3])
        return (1, 1)

    def to_dense(self, dtype=None, *, masked_grad=None):
        """The dense tensor: zeros where nothing is specified.

        Example::

            >>> ember.sparse_csr_tensor([0, 1, 2], [1, 0], [5., 6.], (2, 2)).to_dense()
            tensor([[0., 5.],
                    [6., 0.]])
        """
        if dtype is not None:
            raise RuntimeError("dtype argument is not supported by sparse_csr_to_dense")
        values = self._sp_values
        batch_dim, size = self._batch_dim(), tuple(self._sp_size)
        batch_shape, (nrows, ncols), dense_shape = size[:batch_dim], size[batch_dim:batch_dim + 2], \
            size[batch_dim + 2:]
        bh, bw = self._blocksize()
        batch, rows, cols = self._coordinates()
        nb = max(1, math.prod(batch_shape))
        R, C = nrows // bh, ncols // bw
        linear = ember.tensor((batch * R + rows) * C + cols, device=values.device)
        flat_values = values.reshape((-1, bh, bw) + dense_shape)
        flat = ember.zeros((nb * R * C, bh, bw) + dense_shape, dtype=values.dtype, device=values.device)
        blocks = flat.index_add(0, linear, flat_values).reshape((nb, R, C, bh, bw) + dense_shape)
        dense = blocks.transpose(2, 3).reshape(batch_shape + (nrows, ncols) + dense_shape)
        from ember.sparse._compressed_ops import named
        return named(dense, 'ToDenseBackward0')

    def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
        return to_sparse(self, sparse_dim, layout=layout, blocksize=blocksize, dense_dim=dense_dim)

    def to_sparse_coo(self):
        return to_sparse(self)

    # ------------------------------------------------------------------ printing
    def __repr__(self):
        cname, pname = _names(self._sp_layout)[:2]
        return self._sparse_repr(((cname, self._sp_compressed), (pname, self._sp_plain), ('values', self._sp_values)),
                                 self._sp_layout)

    __str__ = __repr__


# ---------------------------------------------------------------------------- construction
def _as_tensor(x, dtype=None):
    if isinstance(x, Tensor):
        return x
    return ember.tensor(x, dtype=dtype)


def _estimate_size(compressed, plain, values, layout):
    """The size PyTorch infers when none is given (and the checks it makes on the way)."""
    cname, pname = _names(layout)[:2]
    batch_dim = compressed.dim() - 1
    block_dim = 2 if layout in _BLOCKED else 0
    if batch_dim < 0:
        raise RuntimeError(f"{cname} must have dimensionality >= 1 but got {compressed.dim()}")
    if compressed.dim() != plain.dim():
        raise RuntimeError(f"{cname} and {pname} dimensionalities must be equal but got {compressed.dim()} and "
                           f"{plain.dim()}, respectively")
    dense_dim = values.dim() - batch_dim - block_dim - 1
    if dense_dim < 0:
        raise RuntimeError(f"values must have dimensionality > sum of batch and block dimensionalities (={batch_dim} "
                           f"+ {block_dim}) but got {values.dim()}")
    bh, bw = ((max(1, values.shape[batch_dim + 1]), max(1, values.shape[batch_dim + 2])) if block_dim else (1, 1))
    ncompressed = compressed.shape[-1] - 1 if compressed.shape[-1] > 0 else 0
    nplain = int(plain.max()) + 1 if plain.numel() else 0
    lines = (ncompressed * bh, nplain * bw) if layout in _ROW_COMPRESSED else (nplain * bh, ncompressed * bw)
    return tuple(compressed.shape[:-1]) + lines + tuple(values.shape[batch_dim + 1 + block_dim:])


def validate(compressed, plain, values, size, layout):
    """PyTorch's checks of a compressed tensor's arguments (``check_invariants=True``), in its order, with its
    errors."""
    cname, pname, cdim_name, pdim_name = _names(layout)
    batch_dim = compressed.dim() - 1
    block_dim = 2 if layout in _BLOCKED else 0
    dense_dim = values.dim() - batch_dim - block_dim - 1
    if batch_dim < 0:
        raise RuntimeError(f"{cname} must have dimensionality >= 1 but got {compressed.dim()}")
    if compressed.dim() != plain.dim():
        raise RuntimeError(f"{cname} and {pname} dimensionalities must be equal but got {compressed.dim()} and "
                           f"{plain.dim()}, respectively")
    if dense_dim < 0:
        raise RuntimeError(f"values must have dimensionality > sum of batch and block dimensionalities (={batch_dim} "
                           f"+ {block_dim}) but got {values.dim()}")
    if not plain.is_contiguous():
        raise RuntimeError(f"expected {pname} to be a contiguous tensor per batch")
    if not compressed.is_contiguous():
        raise RuntimeError(f"expected {cname} to be a contiguous tensor per batch")
    if len(size) != batch_dim + 2 + dense_dim:
        raise RuntimeError(f"tensor dimensionality must be sum of batch, base, and dense dimensionalities "
                           f"(={batch_dim} + 2 + {dense_dim}) but got {len(size)}")
    blocksize = ((max(1, values.shape[batch_dim + 1]), max(1, values.shape[batch_dim + 2])) if block_dim else (1, 1))
    batch = list(size[:batch_dim])
    shapes = [list(t.shape[:batch_dim]) for t in (compressed, plain, values)]
    if any(s != batch for s in shapes):
        raise RuntimeError(f"all batch dimensions of {cname} (={shapes[0]}), {pname} (={shapes[1]}), and values "
                           f"(={shapes[2]}) must be equal to tensor batch dimensions (={batch})")
    for i in range(block_dim):
        if size[batch_dim + i] % blocksize[i]:
            raise RuntimeError(f"tensor shape[{batch_dim + i}] (={size[batch_dim + i]}) must be divisible with "
                               f"blocksize[{i}] (={blocksize[i]}) as defined by values shape")
    nrows, ncols = size[batch_dim] // blocksize[0], size[batch_dim + 1] // blocksize[1]
    ncompressed, nplain = (nrows, ncols) if layout in _ROW_COMPRESSED else (ncols, nrows)
    if compressed.shape[-1] != ncompressed + 1:
        raise RuntimeError(f"{cname}.shape[-1] must be equal to the number of {cdim_name}s + 1 (={ncompressed + 1}), "
                           f"but got {compressed.shape[-1]}")
    nnz = values.shape[batch_dim]
    if plain.shape[-1] != nnz:
        raise RuntimeError(f"{pname}.shape[-1] must be equal to nnz (={nnz}) as defined by values.shape[{batch_dim}], "
                           f"but got {plain.shape[-1]}")
    if compressed.dtype is not plain.dtype:
        raise RuntimeError(f"{cname} and {pname} must have the same dtype, bot got {_scalar_name(compressed.dtype)} "
                           f"and {_scalar_name(plain.dtype)}, respectively")
    if compressed.dtype not in (ember.int32, ember.int64):
        raise RuntimeError(f"{cname} and {pname} dtype must be Int or Long, but got {_scalar_name(compressed.dtype)}")
    _check_indices(to_numpy(compressed._data).astype(np.int64), to_numpy(plain._data).astype(np.int64),
                   ncompressed, nplain, nnz, layout)
    for name, t in ((cname, compressed), (pname, plain)):
        if t.device != values.device:
            raise RuntimeError(f"device of {cname} (={compressed.device}) must match device of "
                               f"{'values' if t is compressed else pname} (={values.device if t is compressed else plain.device})")


def _scalar_name(dtype):
    from ember._tensor import _scalar_type_name
    return _scalar_type_name(dtype)


def _check_indices(compressed, plain, ncompressed, nplain, nnz, layout):
    """PyTorch's index invariants: plain indices in range, then for each line of each batch in order: the first
    compressed index 0, the last nnz, each line's count within [0, nplain], its plain indices increasing."""
    cname, pname = _names(layout)[:2]
    cdim, pdim = ('nrows', 'ncols') if layout in _ROW_COMPRESSED else ('ncols', 'nrows')
    if plain.size and ((plain < 0).any() or (plain >= nplain).any()):
        raise RuntimeError(f"`0 <= {pname} < {pdim}` is not satisfied.")
    nb = max(1, math.prod(compressed.shape[:-1]))
    c = compressed.reshape(nb, -1)
    p = plain.reshape(nb, -1)
    if c.shape[1] < 2:
        return
    counts = np.diff(c, axis=1)
    first = np.broadcast_to((c[:, :1] != 0), counts.shape)
    last = np.broadcast_to((c[:, -1:] != nnz), counts.shape)
    bad_count = (counts < 0) | (counts > nplain)
    # a line's plain indices are increasing unless a pair inside it is not
    # descending[:, k]: how many of the first k neighbour pairs (j, j + 1) are out of order
    descending = np.zeros((nb, nnz + 1), np.int64)
    if nnz > 1:
        descending[:, 1:nnz] = np.cumsum(p[:, :-1] >= p[:, 1:], axis=1)
    start = np.clip(c[:, :-1], 0, nnz)
    end = np.clip(c[:, 1:], 0, nnz)
    end_pair = np.maximum(end - 1, start)
    unsorted = np.take_along_axis(descending, end_pair, 1) - np.take_along_axis(descending, start, 1) > 0
    failures = [(first, f"`{cname}[..., 0] == 0` is not satisfied."),
                (last, f"`{cname}[..., -1] == nnz` is not satisfied."),
                (bad_count, f"`0 <= {cname}[..., 1:] - {cname}[..., :-1] <= {pdim}` is not satisfied."),
                (unsorted, f"`{pname}[..., {cname}[..., i - 1]:{cname}[..., i]] for all i = 1, ..., {cdim} are sorted "
                           f"and distinct along the last dimension values` is not satisfied.")]
    any_bad = first | last | bad_count | unsorted
    if any_bad.any():
        b, i = np.unravel_index(int(np.argmax(any_bad.reshape(-1))), any_bad.shape)
        raise RuntimeError(next(message for mask, message in failures if mask[b, i]))


def sparse_compressed_tensor(compressed_indices, plain_indices, values, size=None, *, dtype=None, layout=None,
                             device=None, requires_grad=False, check_invariants=None):
    """A sparse tensor of a compressed ``layout`` (``ember.sparse_csr``, ``sparse_csc``, ``sparse_bsr`` or
    ``sparse_bsc``) from its compressed indices, plain indices and values.

    Args:
        compressed_indices (array_like): ``(*batch, nlines + 1)`` integers: where each compressed line (row for
            CSR/BSR, column for CSC/BSC; of blocks for BSR/BSC) starts in ``plain_indices`` and ``values``.
        plain_indices (array_like): ``(*batch, nnz)`` the other coordinate of each element (or block).
        values (array_like): ``(*batch, nnz, *blocksize, *dense_dims)`` the elements (or blocks).
        size (list, tuple or ember.Size, optional): the tensor's size; by default the smallest that holds every
            index.

    Keyword args:
        dtype, device, requires_grad: as for :func:`ember.tensor`.
        layout (ember.layout): one of the four compressed layouts (required).
        check_invariants (bool, optional): check the indices (default:
            :class:`ember.sparse.check_sparse_tensor_invariants`'s setting, off).

    Example::

        >>> ember.sparse_compressed_tensor([0, 2, 3], [0, 1, 1], [1., 2., 3.], (2, 2), layout=ember.sparse_csr)
        tensor(crow_indices=tensor([0, 2, 3]),
               col_indices=tensor([0, 1, 1]),
               values=tensor([1., 2., 3.]), size=(2, 2), nnz=3,
               layout=ember.sparse_csr)
    """
    if layout not in LAYOUTS:
        raise RuntimeError(f"sparse_compressed_tensor expected sparse compressed tensor layout but got "
                           f"{layout_name(layout)}")
    compressed = _as_tensor(compressed_indices, ember.int64)
    plain = _as_tensor(plain_indices, ember.int64)
    values = _as_tensor(values, dtype)
    if dtype is not None or device is not None:
        values = values.to(device=device, dtype=dtype)
    if device is not None:
        compressed, plain = compressed.to(values.device), plain.to(values.device)
    if size is None:
        size = _estimate_size(compressed, plain, values, layout)
    size = tuple(int(s) for s in size)
    if any(s < 0 for s in size):
        raise RuntimeError("numel: integer multiplication overflow")
    if check_invariants is None:
        from ember.sparse._coo import check_sparse_tensor_invariants, warn_unchecked
        check_invariants = check_sparse_tensor_invariants.is_enabled()
        if not check_invariants:
            warn_unchecked()
    if check_invariants:
        validate(compressed, plain, values, size, layout)
    if requires_grad:
        values = values.detach().requires_grad_(True)
    elif values.requires_grad and grad_mode.is_grad_enabled():
        # PyTorch records the result but gives it no derivative: backward through it fails naming the op
        values = _NO_DERIVATIVE.apply(values.detach(), values)
    return _make(compressed, plain, values, size, layout)


_NO_DERIVATIVE = _no_derivative('sparse_compressed_tensor')


def unspecified(name, size, layout, dtype=None, device=None, requires_grad=False):
    """``ember.zeros``/``ember.empty`` with a compressed ``layout`` (CSR or CSC, as PyTorch makes them): a tensor
    of ``size`` with no element specified."""
    from ember._formats import check_layout
    if layout not in LAYOUTS:
        check_layout(name, layout)
    if layout in _BLOCKED:
        raise RuntimeError(f"{name}_sparse_compressed expected sparse compressed (non-block) tensor layout but got "
                           f"{layout_name(layout)}")
    size = tuple(int(n) for n in size)
    if len(size) < 2:
        raise RuntimeError(f"ember.{name}: Only batched sparse compressed (non-block) tensors are supported, but got "
                           f"size {list(size)}")
    batch, lines = size[:-2], size[-2] if layout is sparse_csr else size[-1]
    compressed = ember.zeros(batch + (lines + 1,), dtype=ember.int64, device=device)
    plain = ember.zeros(batch + (0,), dtype=ember.int64, device=device)
    values = ember.zeros(batch + (0,), dtype=dtype, device=device, requires_grad=requires_grad)
    return _make(compressed, plain, values, size, layout)


def _layout_doc(fn, layout, kind, example, shown):
    cname, pname, cdim = _names(layout)[:3]
    fn.__doc__ = f"""A sparse {kind.upper()} tensor (``layout=ember.sparse_{kind}``): ``{cname}`` says where each {cdim}
    starts in ``{pname}`` and ``values``; see :func:`ember.sparse_compressed_tensor` for the arguments and the
    keywords (``size``, ``dtype``, ``device``, ``requires_grad``, ``check_invariants``).

    Example::

        >>> ember.sparse_{kind}_tensor({example}).to_dense()
{shown}
    """
    return fn


def sparse_csr_tensor(crow_indices, col_indices, values, size=None, *, dtype=None, device=None, requires_grad=False,
                      check_invariants=None):
    return sparse_compressed_tensor(crow_indices, col_indices, values, size, dtype=dtype, layout=sparse_csr,
                                    device=device, requires_grad=requires_grad, check_invariants=check_invariants)


def sparse_csc_tensor(ccol_indices, row_indices, values, size=None, *, dtype=None, device=None, requires_grad=False,
                      check_invariants=None):
    return sparse_compressed_tensor(ccol_indices, row_indices, values, size, dtype=dtype, layout=sparse_csc,
                                    device=device, requires_grad=requires_grad, check_invariants=check_invariants)


def sparse_bsr_tensor(crow_indices, col_indices, values, size=None, *, dtype=None, device=None, requires_grad=False,
                      check_invariants=None):
    return sparse_compressed_tensor(crow_indices, col_indices, values, size, dtype=dtype, layout=sparse_bsr,
                                    device=device, requires_grad=requires_grad, check_invariants=check_invariants)


def sparse_bsc_tensor(ccol_indices, row_indices, values, size=None, *, dtype=None, device=None, requires_grad=False,
                      check_invariants=None):
    return sparse_compressed_tensor(ccol_indices, row_indices, values, size, dtype=dtype, layout=sparse_bsc,
                                    device=device, requires_grad=requires_grad, check_invariants=check_invariants)


_layout_doc(sparse_csr_tensor, sparse_csr, 'csr', "[0, 1, 2], [1, 0], [5., 6.], (2, 2)",
            "        tensor([[0., 5.],\n                [6., 0.]])")
_layout_doc(sparse_csc_tensor, sparse_csc, 'csc', "[0, 1, 2], [1, 0], [5., 6.], (2, 2)",
            "        tensor([[0., 6.],\n                [5., 0.]])")
_layout_doc(sparse_bsr_tensor, sparse_bsr, 'bsr', "[0, 1], [0], [[[1., 2.], [3., 4.]]], (2, 2)",
            "        tensor([[1., 2.],\n                [3., 4.]])")
_layout_doc(sparse_bsc_tensor, sparse_bsc, 'bsc', "[0, 1], [0], [[[1., 2.], [3., 4.]]], (2, 2)",
            "        tensor([[1., 2.],\n                [3., 4.]])")


# ---------------------------------------------------------------------------- conversions
def _from_coordinates(batch, rows, cols, values, size, layout, blocksize, index_dtype=None):
    """A compressed tensor of ``layout`` from its elements' (blocks') NumPy coordinates and their values (a
    tensor of ``(n, bh, bw, *dense)``, in the coordinates' order; gathered into the layout's order here with an
    ember op, so gradients flow back)."""
    nbatch = len(size) - 2 - (values.dim() - 3)
    batch_shape = tuple(size[:nbatch])
    nb = max(1, math.prod(batch_shape))
    nrows, ncols = size[nbatch] // blocksize[0], size[nbatch + 1] // blocksize[1]
    line, other, nlines = (rows, cols, nrows) if layout in _ROW_COMPRESSED else (cols, rows, ncols)
    order = np.lexsort((other, line, batch))
    counts = np.zeros((nb, nlines), np.int64)
    np.add.at(counts, (batch, line), 1)
    per_batch = counts.sum(1)
    if (per_batch != per_batch[0]).any():
        raise RuntimeError("Expect the same number of specified elements per batch.")
    nnz = int(per_batch[0])
    device = values.device
    index_dtype = index_dtype or ember.int64
    compressed = np.concatenate([np.zeros((nb, 1), np.int64), np.cumsum(counts, 1)], 1)
    compressed = ember.tensor(compressed.reshape(batch_shape + (nlines + 1,)), dtype=index_dtype, device=device)
    plain = ember.tensor(other[order].reshape(batch_shape + (nnz,)), dtype=index_dtype, device=device)
    picked = values[ember.tensor(order, device=device)]
    if layout not in _BLOCKED:
        picked = picked.reshape((picked.shape[0],) + tuple(picked.shape[3:]))
    return _make(compressed, plain, picked.reshape(batch_shape + (nnz,) + tuple(picked.shape[1:])), size, layout)


def _blocksize_for(layout, blocksize, source='Strided', op='dense_to_sparse'):
    if layout in _BLOCKED:
        if blocksize is None:
            raise RuntimeError(f"{op}: conversion from {source} to {layout_name(layout)} without blocksize argument "
                               f"given is not supported")
        blocksize = tuple(int(b) for b in blocksize)
        if len(blocksize) != 2:
            raise RuntimeError(f"{op}_{layout.name[7:]}: blocksize needs to be a tuple of size 2, but got "
                               f"{len(blocksize)}")
        return blocksize
    if blocksize is not None:
        raise RuntimeError(f"{op}: conversion from {source} to {layout_name(layout)} with blocksize argument given is "
                           f"not supported")
    return (1, 1)


def dense_to_compressed(input, layout, blocksize=None, dense_dim=None):
    """``input`` (dense) as a compressed tensor of ``layout`` holding its non-zero elements (blocks)."""
    blocksize = _blocksize_for(layout, blocksize)
    kind = layout.name[7:]
    if dense_dim is not None and not 0 <= int(dense_dim) <= input.dim() - 2:
        raise RuntimeError(f"dense_to_sparse_{kind}: dense_dim argument must be in [0,{input.dim() - 2}] range, but "
                           f"{dense_dim} is given")
    dense_dim = 0 if dense_dim is None else int(dense_dim)
    batch_dim = input.dim() - 2 - dense_dim
    if batch_dim < 0:
        raise RuntimeError(f"dense_to_sparse_{kind}: expected at least 2 dimensions, but got {input.dim()}")
    size = tuple(input.shape)
    batch_shape, (nrows, ncols), dense_shape = size[:batch_dim], size[batch_dim:batch_dim + 2], size[batch_dim + 2:]
    bh, bw = blocksize
    if nrows % bh or ncols % bw:
        raise RuntimeError(f"dense_to_sparse_{kind}: tensor sparse size ({nrows},{ncols}) must be divisible by given "
                           f"blocksize ({bh},{bw})")
    nb = max(1, math.prod(batch_shape))
    R, C = nrows // bh, ncols // bw
    blocks = input.reshape((nb, R, bh, C, bw) + dense_shape).transpose(2, 3)     # (nb, R, C, bh, bw, *dense)
    present = to_numpy((blocks != 0).reshape(nb, R, C, -1).any(-1)._data)
    batch, rows, cols = np.nonzero(present)
    flat = blocks.reshape((nb * R * C, bh, bw) + dense_shape)
    linear = ember.tensor((batch * R + rows) * C + cols, device=input.device)
    result = _from_coordinates(batch, rows, cols, flat[linear], size, layout, blocksize)
    from ember.sparse._compressed_ops import named
    result._sp_values = named(result._sp_values, f'ToSparse{kind.capitalize()}Backward0')
    return result


def _compressed_to_compressed(s, layout, blocksize, dense_dim):
    kind = layout.name[7:]
    if dense_dim is not None:
        raise RuntimeError(f"to_sparse_{kind}: conversion from {layout_name(s.layout)} to {layout_name(layout)} with "
                           f"dense_dim argument given is not supported")
    source_blocked, target_blocked = s.layout in _BLOCKED, layout in _BLOCKED
    if target_blocked:
        blocksize = _blocksize_for(layout, blocksize, layout_name(s.layout), 'sparse_compressed_to_sparse')
    elif blocksize is not None:
        _blocksize_for(layout, blocksize, layout_name(s.layout), 'sparse_compressed_to_sparse')
    if source_blocked and not target_blocked:
        raise RuntimeError(f"sparse_compressed_to_sparse_{kind}: expected SparseCsr or SparseCsc layout but got "
                           f"{layout_name(s.layout)}")
    if target_blocked and not source_blocked:    # new blocks: through the dense tensor, as PyTorch converts
        return dense_to_compressed(s.to_dense(), layout, blocksize, s.dense_dim() or None)
    if target_blocked and blocksize != s._blocksize():
        op = f"to_sparse_{kind}" if s.layout is layout else f"sparse_compressed_to_sparse_{kind}"
        raise RuntimeError(f"{op}: conversion from {layout_name(s.layout)} to {layout_name(layout)} with blocksize "
                           f"changed from {list(s._blocksize())} to {list(blocksize)} is not supported")
    if s.layout is layout:
        return s
    batch, rows, cols = s._coordinates()
    batch_dim = s._batch_dim()
    values = s._sp_values.reshape((-1,) + tuple(s._sp_values.shape[batch_dim + 1:]))
    if not target_blocked:
        values = values.reshape((values.shape[0], 1, 1) + tuple(values.shape[1:]))
    return _from_coordinates(batch, rows, cols, values, tuple(s._sp_size), layout, s._blocksize(),
                             s._sp_compressed.dtype)


def compressed_to_coo(s, sparse_dim=None):
    """A COO tensor of the same elements: batch dims become sparse dims and blocks single elements, as in
    PyTorch."""
    if sparse_dim is not None and sparse_dim != 2:
        raise RuntimeError(f"sparse_compressed_to_sparse: conversion from {layout_name(s.layout)} to Sparse with "
                           f"sparse_dim argument !=2 is not supported")
    from ember.sparse._coo import _make as make_coo
    batch, rows, cols = s._coordinates()
    batch_dim = s._batch_dim()
    bh, bw = s._blocksize()
    values = s._sp_values.reshape((-1,) + tuple(s._sp_values.shape[batch_dim + 1:]))
    if s.layout in _BLOCKED:   # every element of every block, row by row
        n = values.shape[0]
        values = values.reshape((n * bh * bw,) + tuple(values.shape[3:]))
        within_r, within_c = np.divmod(np.arange(bh * bw), bw)
        batch = np.repeat(batch, bh * bw)
        rows = (np.repeat(rows, bh * bw) * bh + np.tile(within_r, n))
        cols = (np.repeat(cols, bh * bw) * bw + np.tile(within_c, n))
    coords = list(np.unravel_index(batch, tuple(s._sp_size[:batch_dim]))) if batch_dim else []
    coords += [rows, cols]
    order = np.lexsort(coords[::-1])
    device = s.device
    indices = ember.tensor(np.stack([c[order] for c in coords]).reshape(len(coords), -1), device=device)
    return make_coo(indices, values[ember.tensor(order, device=device)], tuple(s._sp_size), True)


def coo_to_compressed(s, layout, blocksize, dense_dim):
    kind = layout.name[7:]
    if layout in _BLOCKED:      # blocks of the dense tensor, as PyTorch converts
        return dense_to_compressed(s.to_dense(), layout, blocksize, dense_dim)
    if s.sparse_dim() != 2:
        raise RuntimeError(f"coo_to_sparse_{kind}: conversion from Sparse to {layout_name(layout)} for input tensors "
                           f"with sparse_dim()!=2 is not supported")
    _blocksize_for(layout, blocksize, 'Sparse', 'sparse_coo_to_sparse')
    s = s.coalesce()
    indices = to_numpy(s._sp_indices._data)
    values = s._sp_values.reshape((s._sp_values.shape[0], 1, 1) + tuple(s._sp_values.shape[1:]))
    zeros = np.zeros(indices.shape[1], np.int64)
    return _from_coordinates(zeros, indices[0], indices[1], values, tuple(s.shape), layout, (1, 1))


def to_sparse(input, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
    """``input`` in a sparse ``layout`` (COO unless given): see :meth:`ember.Tensor.to_sparse`."""
    from ember.sparse._coo import SparseCOOTensor
    from ember.sparse._coo import to_sparse as to_coo
    if layout is strided:
        return input.to_dense()
    if layout is None or layout is sparse_coo:
        if isinstance(input, SparseCompressedTensor):
            return compressed_to_coo(input, sparse_dim)
        return to_coo(input, sparse_dim, dense_dim=dense_dim, blocksize=blocksize)
    if isinstance(input, SparseCompressedTensor):
        return _compressed_to_compressed(input, layout, blocksize, dense_dim)
    if isinstance(input, SparseCOOTensor):
        return coo_to_compressed(input, layout, blocksize, dense_dim)
    return dense_to_compressed(input, layout, blocksize, dense_dim)
