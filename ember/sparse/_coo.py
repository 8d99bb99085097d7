"""Sparse COO tensors (``layout=ember.sparse_coo``): the specified elements only, as an index matrix and
their values, as PyTorch's.

A sparse tensor of ``size`` holds ``indices`` (int64, ``(sparse_dim, nnz)``) and ``values`` (``(nnz,
*dense_dims)``); duplicate indices add up (``coalesce()`` merges them and sorts the indices). Every
operation is written with ember's dense ops on ``values``, so autograd records through the values
like through any tensor: gradients reach them from ``to_dense()``, ``sparse.mm`` and the rest.

What works, as in PyTorch: construction (``sparse_coo_tensor``, ``Tensor.to_sparse``), printing,
``to_dense``, ``coalesce``/``indices``/``values``/``_nnz``, ``t``/``transpose``, dtype and device
conversion, products with dense matrices (``mm``, ``@``, ``sparse.mm``, ``spmm``, ``addmm``), sums
(``sum``, ``sparse.sum``), adding sparse or dense tensors, multiplying by numbers or tensors,
negation and division by a number; the unary functions that keep zero at zero and ``sparse.softmax``/
``sparse.log_softmax`` (``_values_ops.py``). A leaf's ``.grad`` is sparse over its indices. Other operations
raise NotImplementedError, as PyTorch's do for the ops it has no sparse kernel for.
"""
import math

import ember
from ember import _torch_function
from ember._formats import sparse_coo
from ember._tensor import Size, Tensor, _Version
from ember.overrides import DisableTorchFunctionSubclass
from ember.autograd.function import Primitive
from ember.sparse._values_backed import ValuesBacked, _NoArray

_REFUSED = ("this operation has no sparse COO implementation in ember; use to_dense() first, or the "
            "operations listed in ember.sparse")
_NO_ARRAY = _NoArray(_REFUSED)


def _make(indices, values, size, coalesced=False):
    if not _torch_function._active:     # a sparse tensor exists: functions must dispatch on it from now on
        _torch_function.activate()
    st = object.__new__(SparseCOOTensor)
    st._data = _NO_ARRAY
    st._version_counter = _Version()
    st._sp_indices, st._sp_values, st._sp_size, st._sp_coalesced = indices, values, Size(size), coalesced
    return st


def empty_coo(size, dtype=None, device=None, requires_grad=False):
    """``ember.zeros``/``ember.empty`` with ``layout=ember.sparse_coo``: a tensor of ``size`` with no element
    specified (every dim sparse), as PyTorch makes it."""
    size = tuple(int(n) for n in size)
    indices = ember.zeros((len(size), 0), dtype=ember.int64, device=device)
    values = ember.zeros((0,), dtype=dtype, device=device)
    return sparse_coo_tensor(indices, values, size, requires_grad=requires_grad, is_coalesced=True,
                             check_invariants=False)   # (nothing to check; and PyTorch's factory does not warn)


def _backend_name(t):
    return 'SparseCUDA' if t.device.type == 'cuda' else 'SparseCPU'


class SparseCOOTensor(ValuesBacked):
    """A sparse COO tensor (see the module docstring); make one with :func:`ember.sparse_coo_tensor` or
    :meth:`Tensor.to_sparse`."""
    __slots__ = ()
    _torch_function_on_demand = True   # dispatch switches on when the first sparse tensor is made (_make)

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        name = getattr(func, '__name__', '')
        handler = _FUNCTIONS.get(name)
        with DisableTorchFunctionSubclass():
            if handler is None:
                sparse = next(a for a in (*args, *(kwargs or {}).values()) if isinstance(a, SparseCOOTensor))
                raise NotImplementedError(f"Could not run 'aten::{name.strip('_')}' with arguments from the "
                                          f"'{_backend_name(sparse)}' backend: {_REFUSED}.")
            return handler(*args, **(kwargs or {}))

    # ------------------------------------------------------------------ metadata
    is_sparse = True

    @property
    def layout(self):
        return sparse_coo

    def _nnz(self):
        return int(self._sp_indices.shape[1])

    def sparse_dim(self):
        return int(self._sp_indices.shape[0])

    def dense_dim(self):
        return len(self._sp_size) - self.sparse_dim()

    def is_coalesced(self):
        return self._sp_coalesced

    def _indices(self):
        return self._sp_indices

    def _values(self):
        return self._sp_values

    def indices(self):
        if not self._sp_coalesced:
            raise RuntimeError("Cannot get indices on an uncoalesced tensor, please call .coalesce() first")
        return self._sp_indices

    def values(self):
        if not self._sp_coalesced:
            raise RuntimeError("Cannot get values on an uncoalesced tensor, please call .coalesce() first")
        return self._sp_values

    def _sparse_parts(self):
        return self._sp_indices, self._sp_values, self._sp_size, self._sp_coalesced

    def _with_values(self, values):
        return _make(self._sp_indices.to(values.device), values, self._sp_size, self._sp_coalesced)

    def _same_pattern(self, other):
        return (isinstance(other, SparseCOOTensor) and other._sp_size == self._sp_size
                and other._sp_indices.shape == self._sp_indices.shape
                and bool((other._sp_indices == self._sp_indices).all()))

    def zero_(self):
        """No element specified any more (the size stays)."""
        k = self.sparse_dim()
        values = self._sp_values.detach()
        self._sp_indices = self._sp_indices.new_zeros((k, 0))
        self._sp_values = values.new_zeros((0,) + tuple(values.shape[1:]))
        self._sp_coalesced = True
        return self

    def clone(self, *, memory_format=None):
        return _make(self._sp_indices.clone(), self._sp_values.clone(), self._sp_size, self._sp_coalesced)

    # ------------------------------------------------------------------ conversions
    def to_dense(self, dtype=None, *, masked_grad=None):
        """The dense tensor: zeros where nothing is specified, duplicates added up."""
        values = self._sp_values if dtype is None else self._sp_values.to(dtype)
        k = self.sparse_dim()
        sparse_shape, dense_shape = self._sp_size[:k], self._sp_size[k:]
        flat = ember.zeros((math.prod(sparse_shape),) + tuple(dense_shape), dtype=values.dtype, device=values.device)
        return flat.index_add(0, _linear(self._sp_indices, sparse_shape), values).reshape(self._sp_size)

    def coalesce(self):
        """Duplicate indices merged (their values added) and the indices sorted."""
        if self._sp_coalesced:
            return self
        k = self.sparse_dim()
        sparse_shape = self._sp_size[:k]
        uniq, inverse = ember.unique(_linear(self._sp_indices, sparse_shape), sorted=True, return_inverse=True)
        values = self._sp_values
        merged = ember.zeros((uniq.shape[0],) + tuple(values.shape[1:]), dtype=values.dtype, device=values.device)
        return _make(ember.stack(ember.unravel_index(uniq, sparse_shape)), merged.index_add(0, inverse, values),
                     self._sp_size, True)

    def to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
        if layout is None or layout is sparse_coo:
            return self
        from ember.sparse._compressed import to_sparse
        return to_sparse(self, sparse_dim, layout=layout, blocksize=blocksize, dense_dim=dense_dim)

    def to_sparse_coo(self):
        return self

    def t(self):
        if self.sparse_dim() != 2 or self.dim() > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 sparse and 0 dense dimensions, but got "
                               f"{self.sparse_dim()} sparse and {self.dense_dim()} dense dimensions")
        return self.transpose(0, 1)

    def transpose(self, dim0, dim1):
        n = self.dim()
        dim0, dim1 = dim0 % n, dim1 % n
        if dim0 >= self.sparse_dim() or dim1 >= self.sparse_dim():
            raise RuntimeError("transpose of a sparse tensor's dense dimensions is not supported by ember")
        order = list(range(self.sparse_dim()))
        order[dim0], order[dim1] = order[dim1], order[dim0]
        size = list(self._sp_size)
        size[dim0], size[dim1] = size[dim1], size[dim0]
        return _make(self._sp_indices[order], self._sp_values, size)

    # ------------------------------------------------------------------ printing
    def __repr__(self):
        return self._sparse_repr((('indices', self._sp_indices), ('values', self._sp_values)), sparse_coo)

    __str__ = __repr__


def _linear(indices, shape):
    """Each column of ``indices`` as one index into ``shape`` flattened (row-major)."""
    lin = ember.zeros(indices.shape[1], dtype=ember.int64, device=indices.device)
    for d, size in enumerate(shape):
        lin = lin * size + indices[d]
    return lin


# ---------------------------------------------------------------------------- construction
def sparse_coo_tensor(indices, values, size=None, *, dtype=None, device=None, pin_memory=False,
                      requires_grad=False, check_invariants=None, is_coalesced=None):
    """A sparse COO tensor with ``values`` at the positions in the columns of ``indices``.

    Args:
        indices (array_like): ``(sparse_dim, nnz)`` integer positions (duplicates add up).
        values (array_like): ``(nnz, *dense_dims)`` values.
        size (list, tuple or ember.Size, optional): the tensor's size; by default the smallest that
            holds every index.

    Keyword args:
        dtype, device, requires_grad: as for :func:`ember.tensor`.
        check_invariants (bool, optional): check that the indices fit ``size`` (default: check).
        is_coalesced (bool, optional): declare the indices sorted and unique.

    Example::

        >>> s = ember.sparse_coo_tensor([[0, 1], [2, 0]], [3., 4.], (2, 3))
        >>> s.to_dense()
        tensor([[0., 0., 3.],
                [4., 0., 0.]])
    """
    if pin_memory:
        raise RuntimeError("pin_memory is not supported for sparse tensors by ember")
    indices = indices if isinstance(indices, Tensor) else ember.tensor(indices)
    values = values if isinstance(values, Tensor) else ember.tensor(values, dtype=dtype)
    if indices.dtype is not ember.int64:
        indices = indices.to(ember.int64)
    if indices.dim() != 2:
        raise RuntimeError(f"indices must be sparse_dim x nnz, but got: {list(indices.shape)}")
    if values.dim() == 0 or values.shape[0] != indices.shape[1]:
        raise RuntimeError(f"indices and values must have same nnz, but got nnz from indices: {indices.shape[1]}, "
                           f"nnz from values: {values.shape[0] if values.dim() else 0}")
    if dtype is not None or device is not None:
        values = values.to(device=device, dtype=dtype)
        indices = indices.to(values.device)
    k = indices.shape[0]
    if size is None:
        if indices.shape[1] == 0:
            raise RuntimeError("sparse_coo_tensor(): cannot infer the size of a tensor without elements")
        size = tuple(int(m) + 1 for m in indices.amax(1).tolist()) + tuple(values.shape[1:])
    size = tuple(int(s) for s in size)
    if len(size) != k + values.dim() - 1:
        raise RuntimeError(f"number of dimensions must be sparse_dim ({k}) + dense_dim ({values.dim() - 1}), "
                           f"but got {len(size)}")
    if tuple(values.shape[1:]) != size[k:]:
        raise RuntimeError(f"values has incorrect size, expected {[indices.shape[1], *size[k:]]}, got "
                           f"{list(values.shape)}")
    if check_invariants is None:
        check_invariants = check_sparse_tensor_invariants.is_enabled()
        if not check_invariants:
            warn_unchecked()
    if check_invariants and indices.shape[1]:
        low, high = indices.amin(1).tolist(), indices.amax(1).tolist()
        for d in range(k):
            if low[d] < 0:
                raise RuntimeError(f"found negative index {low[d]} for dim {d}")
            if high[d] >= size[d]:
                raise RuntimeError(f"size is inconsistent with indices: for dim {d}, size is {size[d]} but found "
                                   f"index {high[d]}")
    if requires_grad:
        values = values.detach().requires_grad_(True)
    elif values.requires_grad:
        # the sparse tensor is a result of its values, with PyTorch's node (not a leaf)
        values = _SparseFromValues.apply(values)
    return _make(indices, values, size, bool(is_coalesced))


def warn_unchecked():
    """PyTorch's warning (once, at the user's line) that a sparse tensor was made without checking its indices."""
    from ember._warn_once import _WARNED, warn_at_user
    message = ("Sparse invariant checks are implicitly disabled. Memory errors (e.g. SEGFAULT) will occur when "
              "operating on a sparse tensor which violates the invariants, but checks incur performance "
              "overhead. To silence this warning, explicitly opt in or out. See "
              "`ember.sparse.check_sparse_tensor_invariants.__doc__` for guidance.")
    if message not in _WARNED:
        _WARNED.add(message)
        warn_at_user(message)


class _SparseFromValues(Primitive):
    """The history node of a sparse tensor built from values that require grad: their gradient passes through."""
    node_name = 'SparseCooTensorWithDimsAndTensorsBackward0'
    _view = True

    @staticmethod
    def forward(ctx, values):
        return values.view()

    @staticmethod
    def backward(ctx, grad):
        return grad


class check_sparse_tensor_invariants:
    """Whether sparse tensors made without an explicit ``check_invariants=`` are checked (their indices within
    the size): globally with ``enable()``/``disable()``, for a block as a context manager, or for a
    function as a decorator. Off by default, as in PyTorch (a warning says so once); ember's sparse
    ops then raise on out-of-range indices instead of reading outside memory.

    Example::

        >>> with ember.sparse.check_sparse_tensor_invariants():
        ...     ember.sparse_coo_tensor(ember.tensor([[5]]), ember.tensor([1.]), (3,))
        Traceback (most recent call last):
            ...
        RuntimeError: size is inconsistent with indices: for dim 0, size is 3 but found index 5
    """
    _enabled = False

    @staticmethod
    def is_enabled():
        """Whether the checks are on."""
        return check_sparse_tensor_invariants._enabled

    @staticmethod
    def enable():
        """Check every sparse tensor made without ``check_invariants=False``."""
        check_sparse_tensor_invariants._enabled = True

    @staticmethod
    def disable():
        """Check only sparse tensors made with ``check_invariants=True``."""
        check_sparse_tensor_invariants._enabled = False

    def __init__(self, enable=True):
        self.state = enable
        self.saved_state = None

    def __enter__(self):
        if self.saved_state is not None:
            raise RuntimeError("This context manager instance is already activated. Use a different context "
                               "manager instance for context nesting.")
        self.saved_state = self.is_enabled()
        check_sparse_tensor_invariants._enabled = self.state

    def __exit__(self, *exc):
        check_sparse_tensor_invariants._enabled = self.saved_state
        self.saved_state = None

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def checked(*args, **kwargs):
            with check_sparse_tensor_invariants(self.state):
                return fn(*args, **kwargs)
        return checked


def to_sparse(input, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
    """``input`` (dense) as a coalesced sparse COO tensor of its non-zero elements (the first
    ``sparse_dim`` dims sparse, the rest dense)."""
    if isinstance(input, SparseCOOTensor):
        return input
    if layout not in (None, sparse_coo) or blocksize is not None:
        raise RuntimeError(f"to_sparse(): ember supports only the sparse_coo layout, got {layout!r}")
    k = input.dim() if sparse_dim is None else int(sparse_dim)
    if dense_dim is not None:
        k = input.dim() - int(dense_dim)
    if not 0 < k <= input.dim():
        raise RuntimeError(f"sparse_dim must be in [1, {input.dim()}], got {k}")
    present = input != 0
    if k < input.dim():
        present = present.flatten(k).any(-1)
    indices = present.nonzero().t().contiguous()
    values = input[tuple(indices)] if indices.shape[1] else input.new_zeros((0,) + tuple(input.shape[k:]))
    from ember.sparse._compressed_ops import named
    return _make(indices, named(values, 'ToSparseBackward1'), input.shape, True)


# ---------------------------------------------------------------------------- operations
def _dense(x):
    return x.to_dense() if isinstance(x, SparseCOOTensor) else x


def mm(mat1, mat2, reduce='sum'):
    """Matrix product ``mat1 @ mat2`` where either or both are sparse (COO or compressed) matrices: the result is
    dense unless both are sparse.

    Args:
        mat1 (Tensor): an ``(n, m)`` matrix, sparse or dense.
        mat2 (Tensor): an ``(m, p)`` matrix, sparse or dense.
        reduce (str): how each row's products combine: ``'sum'``, or for a CSR ``mat1`` also ``'mean'``,
            ``'amax'`` and ``'amin'`` (as PyTorch's).

    Example::

        >>> sparse = ember.tensor([[0., 2.], [1., 0.]]).to_sparse()
        >>> ember.spmm(sparse, ember.tensor([[1.], [3.]]))
        tensor([[6.],
                [1.]])
    """
    from ember.sparse._compressed import SparseCompressedTensor
    if isinstance(mat1, SparseCompressedTensor) or isinstance(mat2, SparseCompressedTensor):
        from ember.sparse._compressed_ops import sparse_mm
        return sparse_mm(mat1, mat2, reduce)
    if reduce != 'sum':
        raise NotImplementedError(f"Could not run 'aten::_sparse_mm_reduce_impl' with arguments from the "
                                  f"'{_backend_name(mat1)}' backend: ember reduces only the rows of CSR matrices.")
    if isinstance(mat1, SparseCOOTensor) and isinstance(mat2, SparseCOOTensor):
        return to_sparse(_sparse_dense_mm(mat1, mat2.to_dense()))
    if isinstance(mat1, SparseCOOTensor):
        return _sparse_dense_mm(mat1, mat2)
    if isinstance(mat2, SparseCOOTensor):
        return _sparse_dense_mm(mat2.t(), mat1.t()).t()
    return ember.mm(mat1, mat2)


def _sparse_dense_mm(s, dense):
    if s.dim() != 2 or s.sparse_dim() != 2 or dense.dim() != 2:
        raise RuntimeError(f"mm: expected a 2-D sparse matrix and a 2-D dense matrix, got {s.dim()}-D and "
                           f"{dense.dim()}-D")
    if s.shape[1] != dense.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({s.shape[0]}x{s.shape[1]} and "
                           f"{dense.shape[0]}x{dense.shape[1]})")
    if s.dtype is not dense.dtype:
        raise RuntimeError(f"expected mat1 and mat2 to have the same dtype, but got: {s.dtype} != {dense.dtype}")
    from ember.backend import to_numpy
    from ember.sparse._compressed_matmul import SparseDenseProduct
    indices = to_numpy(s._sp_indices._data)      # (duplicates add up, as in the product they stand for)
    return SparseDenseProduct.apply(s._sp_values, dense, indices[0], indices[1], s.shape[0], (1, 1))


def spmm(input, mat2):
    """PyTorch's older name of :func:`ember.sparse.mm` (a function of its own, with PyTorch's argument names):
    the product ``input @ mat2`` with ``input`` sparse.

    Example::

        >>> ember.spmm(ember.tensor([[0., 2.], [1., 0.]]).to_sparse(), ember.tensor([[1.], [3.]]))
        tensor([[6.],
                [1.]])
    """
    return mm(input, mat2)


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """``beta * input + alpha * (mat1 @ mat2)`` with ``mat1`` sparse."""
    from ember.sparse._compressed import SparseCompressedTensor
    if isinstance(mat1, SparseCompressedTensor) or isinstance(mat2, SparseCompressedTensor):
        from ember.sparse._compressed_ops import sparse_addmm
        return sparse_addmm(input, mat1, mat2, beta=beta, alpha=alpha)
    product = mm(mat1, mat2)
    return _dense(input) * beta + _dense(product) * alpha


def _add(input, other, *, alpha=1, out=None):
    if out is not None:
        raise RuntimeError("add(): out= is not supported for sparse tensors by ember")
    if isinstance(input, SparseCOOTensor) and isinstance(other, SparseCOOTensor):
        if input.shape != other.shape:
            raise RuntimeError(f"add: expected 'self' and 'other' to have same size, but self has size "
                               f"{list(input.shape)} while other has size {list(other.shape)}")
        values = ember.cat([input._sp_values, other._sp_values * alpha if alpha != 1 else other._sp_values])
        merged = _make(ember.cat([input._sp_indices, other._sp_indices], 1), values, input.shape)
        return merged.coalesce()
    return _dense(input) + _dense(other) * alpha


def _sub(input, other, *, alpha=1, out=None):
    return _add(input, other, alpha=-alpha, out=out)


def _rsub(input, other, *args, **kwargs):
    return _add(_dense(other) if not isinstance(other, Tensor) else other, input, alpha=-1)


def _mul(input, other, *, out=None):
    if out is not None:
        raise RuntimeError("mul(): out= is not supported for sparse tensors by ember")
    if isinstance(input, SparseCOOTensor) and isinstance(other, SparseCOOTensor):
        return to_sparse(input.to_dense() * other.to_dense())
    s, x = (input, other) if isinstance(input, SparseCOOTensor) else (other, input)
    if isinstance(x, Tensor) and x.dim():
        if tuple(x.shape) != tuple(s.shape):
            raise RuntimeError(f"mul: sparse and dense operands must have the same size, got {list(s.shape)} and "
                               f"{list(x.shape)}")
        picked = _dense(x)[tuple(s._sp_indices)]
        return _make(s._sp_indices, s._sp_values * picked, s.shape, s._sp_coalesced)
    return _make(s._sp_indices, s._sp_values * x, s.shape, s._sp_coalesced)


def _div(input, other, *, rounding_mode=None, out=None):
    if not isinstance(input, SparseCOOTensor) or isinstance(other, Tensor) and other.dim():
        raise NotImplementedError(f"div: ember divides a sparse tensor only by a number; {_REFUSED}")
    return _make(input._sp_indices, ember.div(input._sp_values, other, rounding_mode=rounding_mode), input.shape,
                 input._sp_coalesced)


def _neg(input):
    return _make(input._sp_indices, -input._sp_values, input.shape, input._sp_coalesced)


def _sum(input, dim=None, keepdim=False, *, dtype=None):
    if dim is None:
        return input._sp_values.sum(dtype=dtype)
    return to_sparse(input.to_dense().sum(dim, keepdim=keepdim, dtype=dtype))


def sum(input, dim=None, dtype=None):
    """The sum of ``input``'s values: a dense 0-D tensor over everything, else sparse over ``dim``."""
    if not isinstance(input, SparseCOOTensor):
        layout = getattr(input, 'layout', None)
        from ember.sparse._compressed import layout_name
        raise RuntimeError(f"coalesce expected sparse coordinate tensor layout but got {layout_name(layout)}")
    return _sum(input, dim, dtype=dtype)


def _matmul(input, other):
    return mm(input, other)


def _rmatmul(input, other):
    return mm(other, input)


def _transpose(input, dim0, dim1):
    return input.transpose(dim0, dim1)


def _t(input):
    return input.t()


_FUNCTIONS = {
    'mm': mm, 'matmul': _matmul, 'spmm': mm, '_rmatmul': _rmatmul, 'addmm': addmm,
    'add': _add, '__radd__': lambda a, b: _add(a, b), 'sub': _sub, '__rsub__': _rsub,
    'mul': _mul, '__rmul__': lambda a, b: _mul(a, b), 'multiply': _mul, 'div': _div, 'divide': _div,
    'true_divide': _div, 'neg': _neg, 'negative': _neg, 'sum': _sum, 't': _t, 'transpose': _transpose,
    'to_dense': lambda input, *args, **kwargs: input.to_dense(*args, **kwargs),
    'is_same_size': lambda a, b: tuple(a.shape) == tuple(b.shape),
}


from ember.sparse import _values_ops  # noqa: E402,F401  (registers the value-wise operations)
from ember.sparse._like import HANDLERS as _LIKE  # noqa: E402  (the *_like factories)
_FUNCTIONS.update(_LIKE)
