"""Binds ember.ops functions to Tensor as methods and operators.

Ops bind themselves (``ember.ops._registry``): every method is the op function itself (its first
argument is the tensor), so a method and ``ember.<op>`` can never disagree, and in-place variants go
through ``ops.inplace``. What remains here is Tensor-only: properties, ``new_*``, and the operators
(``ember._tensor_operators``).
"""
from ember import _tensor_operators
from ember._warn_once import warn_once
from ember._tensor import Tensor
from ember.ops._registry import bind
from ember.ops import convert, creation, random, shape


def _install():
    bind('Tensor', Tensor)  # every op registered with the 'Tensor' target, and its in-place variant

    for name in ('uniform_', 'normal_', 'bernoulli_', 'random_', 'exponential_', 'geometric_', 'log_normal_',
                 'cauchy_'):
        setattr(Tensor, name, getattr(random, name))
    Tensor.bernoulli = _bernoulli
    Tensor.multinomial = random.multinomial
    Tensor.new_tensor = _new_tensor
    Tensor.new_zeros = _new_filled(creation.zeros)
    Tensor.new_ones = _new_filled(creation.ones)
    Tensor.new_empty = _new_filled(creation.empty)
    Tensor.new_full = _new_full
    Tensor.T = property(_T)
    Tensor.mT = property(_mT)
    Tensor.H = property(_H)
    Tensor.mH = property(_mH)
    from ember.ops import complex as _complex
    Tensor.real = property(_complex.real, lambda self, value: _complex.real(self).copy_(value))
    Tensor.imag = property(_complex.imag, lambda self, value: _complex.imag(self).copy_(value))
    Tensor.to = convert.to
    Tensor.nbytes = property(lambda self: self._data.nbytes)
    Tensor.itemsize = property(lambda self: self._data.itemsize)
    Tensor.layout = property(lambda self: _strided())
    Tensor.to_dense = _to_dense
    Tensor.to_sparse, Tensor.to_sparse_coo = _to_sparse, _to_sparse_coo
    Tensor.to_sparse_csr, Tensor.to_sparse_csc = _to_sparse_csr, _to_sparse_csc
    Tensor.to_sparse_bsr, Tensor.to_sparse_bsc = _to_sparse_bsr, _to_sparse_bsc
    for name, which in (('crow_indices', 'row'), ('col_indices', 'row'), ('ccol_indices', 'column'),
                        ('row_indices', 'column')):
        setattr(Tensor, name, _compressed_indices_of_dense(name, which))
    Tensor.values, Tensor.indices, Tensor.coalesce, Tensor.is_coalesced = _values, _indices, _coalesce, _is_coalesced
    Tensor.sparse_dim, Tensor.dense_dim = _sparse_dim, _dense_dim

    _tensor_operators.install(Tensor)


def _bernoulli(self, p=None, generator=None):
    """Returns a tensor of 0s and 1s of this tensor's shape and dtype: each element is 1 with the probability
    given by this tensor's element (or by ``p``, when given). See :func:`ember.bernoulli`.

    Args:
        p (float, optional): one probability for every element, in place of the tensor's values.
        generator (ember.Generator, optional): the random number generator to draw from.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> ember.tensor([0., 0.5, 1.]).bernoulli()
        tensor([0., 0., 1.])
        >>> ember.zeros(4).bernoulli(0.5)
        tensor([1., 1., 1., 1.])
    """
    return random.bernoulli(self, p, generator=generator)


def _to_dense(self, dtype=None, *, masked_grad=None):
    """Returns this tensor with a dense (strided) layout: the tensor itself when it already is one, as ordinary
    tensors are (sparse tensors and masked tensors make a dense copy).

    Args:
        dtype (ember.dtype, optional): the dtype of the result. Default: this tensor's.

    Keyword args:
        masked_grad (bool, optional): for sparse inputs in PyTorch, whether the gradient keeps the sparsity
            pattern; it has no effect on dense tensors.

    Example::

        >>> x = ember.ones(2, 2)
        >>> x.to_dense() is x
        True
        >>> ember.tensor([[0., 2.], [3., 0.]]).to_sparse().to_dense()
        tensor([[0., 2.],
                [3., 0.]])
    """
    return self if dtype is None else self.to(dtype)


def _to_sparse(self, sparse_dim=None, *, layout=None, blocksize=None, dense_dim=None):
    """This tensor as a sparse tensor of its non-zero elements (see :mod:`ember.sparse`): COO unless ``layout``
    names a compressed layout (``ember.sparse_csr``, ``sparse_csc``, ``sparse_bsr``, ``sparse_bsc``; the block
    layouts need ``blocksize``).

    Example::

        >>> ember.tensor([[0., 2.], [3., 0.]]).to_sparse()
        tensor(indices=tensor([[0, 1],
                               [1, 0]]),
               values=tensor([2., 3.]),
               size=(2, 2), nnz=2, layout=ember.sparse_coo)
        >>> ember.tensor([[0., 2.], [3., 0.]]).to_sparse(layout=ember.sparse_csr).crow_indices()
        tensor([0, 1, 2])
    """
    from ember.sparse._compressed import to_sparse
    return to_sparse(self, sparse_dim, layout=layout, blocksize=blocksize, dense_dim=dense_dim)


def _to_sparse_coo(self):
    """This tensor as a sparse COO tensor of its non-zero elements, every dim sparse (see :meth:`to_sparse`).

    Example::

        >>> ember.tensor([[0., 2.], [3., 0.]]).to_sparse_coo().indices()
        tensor([[0, 1],
                [1, 0]])
    """
    from ember.sparse._compressed import to_sparse
    return to_sparse(self)


def _to_sparse_csr(self, dense_dim=None):
    """This tensor as a sparse CSR tensor of its non-zero elements (the last ``dense_dim`` dims dense, the
    leading ones batch dims).

    Example::

        >>> ember.tensor([[0., 2.], [3., 4.]]).to_sparse_csr()
        tensor(crow_indices=tensor([0, 1, 3]),
               col_indices=tensor([1, 0, 1]),
               values=tensor([2., 3., 4.]), size=(2, 2), nnz=3,
               layout=ember.sparse_csr)
    """
    from ember.sparse._compressed import to_sparse
    return to_sparse(self, layout=_layout('sparse_csr'), dense_dim=dense_dim)


def _to_sparse_csc(self, dense_dim=None):
    """This tensor as a sparse CSC tensor of its non-zero elements (stored column by column).

    Example::

        >>> ember.tensor([[0., 2.], [3., 4.]]).to_sparse_csc().values()
        tensor([3., 2., 4.])
    """
    from ember.sparse._compressed import to_sparse
    return to_sparse(self, layout=_layout('sparse_csc'), dense_dim=dense_dim)


def _to_sparse_bsr(self, blocksize, dense_dim=None):
    """This tensor as a sparse BSR tensor: the ``blocksize`` blocks holding a non-zero element, row of blocks by
    row of blocks.

    Example::

        >>> ember.tensor([[0., 2., 0., 0.], [3., 4., 0., 0.]]).to_sparse_bsr((2, 2)).values()
        tensor([[[0., 2.],
                 [3., 4.]]])
    """
    from ember.sparse._compressed import to_sparse
    return to_sparse(self, layout=_layout('sparse_bsr'), blocksize=blocksize, dense_dim=dense_dim)


def _to_sparse_bsc(self, blocksize, dense_dim=None):
    """This tensor as a sparse BSC tensor: the ``blocksize`` blocks holding a non-zero element, column of blocks
    by column of blocks.

    Example::

        >>> ember.tensor([[0., 2., 0., 0.], [3., 4., 0., 0.]]).to_sparse_bsc((2, 2)).ccol_indices()
        tensor([0, 1, 1])
    """
    from ember.sparse._compressed import to_sparse
    return to_sparse(self, layout=_layout('sparse_bsc'), blocksize=blocksize, dense_dim=dense_dim)


def _values(self):
    """The specified values of a sparse tensor (see :mod:`ember.sparse`); a dense tensor has none and raises.

    Example::

        >>> ember.tensor([[0., 2.], [3., 0.]]).to_sparse().values()
        tensor([2., 3.])
    """
    raise RuntimeError(f"values expected sparse tensor layout but got {_layout_name(self)}")


def _indices(self):
    """The indices of a coalesced sparse COO tensor (see :mod:`ember.sparse`); a dense tensor has none and raises.

    Example::

        >>> ember.tensor([[0., 2.], [3., 0.]]).to_sparse().indices()
        tensor([[0, 1],
                [1, 0]])
    """
    raise RuntimeError(f"indices expected sparse coordinate tensor layout but got {_layout_name(self)}")


def _coalesce(self):
    """A sparse COO tensor with its duplicate indices merged (see :mod:`ember.sparse`); a dense tensor raises.

    Example::

        >>> ember.sparse_coo_tensor([[0, 0]], [1., 2.], (2,)).coalesce().values()
        tensor([3.])
    """
    raise RuntimeError(f"coalesce expected sparse coordinate tensor layout but got {_layout_name(self)}")


def _is_coalesced(self):
    """Whether a sparse COO tensor's indices are sorted and unique; a dense tensor raises.

    Example::

        >>> ember.tensor([[0., 2.], [3., 0.]]).to_sparse().is_coalesced()
        True
    """
    raise RuntimeError(f"is_coalesced expected sparse coordinate tensor layout but got {_layout_name(self)}")


def _sparse_dim(self):
    """How many of a sparse tensor's dims are sparse: 0 for a dense tensor, as in PyTorch.

    Example::

        >>> ember.ones(2, 3).sparse_dim(), ember.ones(2, 3).to_sparse().sparse_dim()
        (0, 2)
    """
    return 0


def _dense_dim(self):
    """How many of a sparse tensor's dims are dense: all of them for a dense tensor, as in PyTorch.

    Example::

        >>> ember.ones(2, 3).dense_dim(), ember.ones(2, 3).to_sparse_csr().dense_dim()
        (2, 0)
    """
    return self.dim()


def _layout_name(t):
    from ember.sparse._compressed import layout_name
    return layout_name(t.layout)


def _layout(name):
    import ember
    return getattr(ember, name)


def _compressed_indices_of_dense(name, which):
    def indices(self):
        from ember.sparse._compressed import layout_name
        raise RuntimeError(f"{name} expected sparse {which} compressed tensor layout but got {layout_name(self.layout)}")
    indices.__name__ = name
    indices.__doc__ = f"""The ``{name}`` of a sparse compressed tensor ({'CSR or BSR' if which == 'row' else 'CSC or BSC'});
    a dense tensor has none and raises.

    Example::

        >>> ember.tensor([[0., 2.], [3., 4.]]).to_sparse_{'csr' if which == 'row' else 'csc'}().{name}()
        tensor({'[0, 1, 3]' if name in ('crow_indices', 'ccol_indices') else '[1, 0, 1]'})
    """
    return indices


def _strided():
    import ember
    return ember.strided


def _warn(message):
    warn_once(message, stacklevel=3)


def _T(self):
    if self.ndim == 0:
        _warn("Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases.")
    elif self.ndim != 2:
        _warn("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
              "deprecated and it will throw an error in a future release. Consider `x.mT` to transpose "
              "batches of matrices or `x.permute(*ember.arange(x.ndim - 1, -1, -1))` to reverse the "
              "dimensions of a tensor.")
    return shape.permute(self, tuple(range(self.ndim - 1, -1, -1)))


def _H(self):
    if self.ndim == 0:
        _warn("Tensor.H is deprecated on 0-D tensors. Consider using x.conj().")
        return self.conj()
    if self.ndim != 2:
        hint = ' For batches of matrices, consider using tensor.mH' if self.ndim > 2 else ''
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {self.ndim}-D tensor.{hint}")
    return shape.t(self).conj()


def _mT(self):
    if self.ndim == 0:
        _warn("Tensor.mT is deprecated on 0-D tensors. This function is the identity in these cases.")
        return self
    if self.ndim == 1:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.")
    return shape.transpose(self, -2, -1)


def _mH(self):
    if self.ndim == 0:
        _warn("Tensor.mH is deprecated on 0-D tensors. Consider using x.conj().")
        return self.conj()
    if self.ndim == 1:
        raise RuntimeError("tensor.mH is only supported on matrices or batches of matrices. Got 1-D tensor.")
    return shape.adjoint(self)


def _new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, **unexpected):
    """Returns a new tensor holding ``data``, by default with this tensor's dtype and device.

    Args:
        data (array_like): the data: a list, tuple, NumPy array, scalar or tensor (copied).

    Keyword args:
        dtype (:class:`ember.dtype`, optional): the data type. Default: this tensor's.
        device (:class:`ember.device`, optional): the device. Default: this tensor's.
        requires_grad (bool, optional): record operations on the result for autograd. Default: ``False``.

    Example::

        >>> x = ember.ones(2, dtype=ember.int8)
        >>> x.new_tensor([[0, 1], [1, 0]])
        tensor([[0, 1],
                [1, 0]], dtype=ember.int8)
        >>> x.new_tensor([1.5], dtype=ember.float64)
        tensor([1.5000], dtype=ember.float64)
    """
    # PyTorch's stubs list layout= and pin_memory= here, but its new_tensor refuses them: so does ember's
    for name in unexpected:
        raise TypeError(f"new_tensor() got an unexpected keyword argument '{name}'")
    return creation.tensor(data, dtype=dtype or self.dtype, device=device or self.device,
                           requires_grad=requires_grad)


def _new_filled(make):
    """``Tensor.new_zeros`` and its kin: ``make``'s tensor with this tensor's dtype and device by default."""
    def method(self, *sizes, size=None, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False):
        if size is not None:     # given by keyword, as PyTorch allows (x.new_ones(size=()))
            if sizes:
                raise TypeError(f"new_{make.__name__}() got multiple values for argument 'size'")
            sizes = (size,)
        return make(*sizes, dtype=dtype or self.dtype, layout=layout, device=device or self.device,
                    pin_memory=pin_memory, requires_grad=requires_grad)
    method.__name__ = method.__qualname__ = 'new_' + make.__name__
    method.__doc__ = _NEW_FILLED_DOC.format(name=make.__name__, what=_NEW_FILLED_WHAT[make.__name__],
                                            example=_NEW_FILLED_EXAMPLE[make.__name__],
                                            shown=_NEW_FILLED_SHOWN.get(make.__name__, ''))
    return method


_NEW_FILLED_WHAT = {'zeros': 'filled with ``0``', 'ones': 'filled with ``1``',
                    'empty': 'whose contents are unspecified (zeros in ember, as with :func:`ember.empty`)'}
_NEW_FILLED_EXAMPLE = {
    'zeros': 'tensor([[0., 0., 0.],\n                [0., 0., 0.]], dtype=ember.float64)',
    'ones': 'tensor([[1., 1., 1.],\n                [1., 1., 1.]], dtype=ember.float64)',
    'empty': 'ember.Size([2, 3])',     # its values are unspecified: PyTorch leaves memory as it finds it
}
_NEW_FILLED_SHOWN = {'empty': '.shape'}
_NEW_FILLED_DOC = """Returns a tensor of size ``size`` {what}. By default it has the same dtype and device as this tensor.

    Args:
        size (int...): a list, tuple, or :class:`ember.Size` of integers defining the shape of the output tensor.

    Keyword args:
        dtype (:class:`ember.dtype`, optional): the desired type of the returned tensor. Default: this tensor's.
        device (:class:`ember.device`, optional): the desired device of the returned tensor. Default: this tensor's.
        requires_grad (bool, optional): whether autograd records operations on the returned tensor. Default:
            ``False``.
        layout (:class:`ember.layout`, optional): the desired layout of the returned tensor. Default:
            ``ember.strided``.
        pin_memory (bool, optional): allocate the returned tensor in pinned memory. Default: ``False``.

    Example::

        >>> t = ember.tensor((), dtype=ember.float64)
        >>> t.new_{name}((2, 3)){shown}
        {example}
    """


def _new_full(self, size, fill_value, *, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False):
    """Returns a tensor of size ``size`` filled with ``fill_value``. By default it has the same dtype and device as
    this tensor.

    Args:
        size (int...): a list, tuple, or :class:`ember.Size` of integers defining the shape of the output
            tensor.
        fill_value (scalar): the number to fill the output tensor with.

    Keyword args:
        dtype (:class:`ember.dtype`, optional): the desired type of the returned tensor. Default: this tensor's.
        device (:class:`ember.device`, optional): the desired device of the returned tensor. Default: this
            tensor's.
        requires_grad (bool, optional): whether autograd records operations on the returned tensor. Default:
            ``False``.
        layout (:class:`ember.layout`, optional): the desired layout of the returned tensor. Default:
            ``ember.strided``.
        pin_memory (bool, optional): allocate the returned tensor in pinned memory. Default: ``False``.

    Example::

        >>> t = ember.ones((2,), dtype=ember.float64)
        >>> t.new_full((3, 4), 3.141592)
        tensor([[3.1416, 3.1416, 3.1416, 3.1416],
                [3.1416, 3.1416, 3.1416, 3.1416],
                [3.1416, 3.1416, 3.1416, 3.1416]], dtype=ember.float64)
    """
    return creation.full(size, fill_value, dtype=dtype or self.dtype, layout=layout, device=device or self.device,
                         pin_memory=pin_memory, requires_grad=requires_grad)


_install()
from ember import _tensor_storage  # noqa: E402,F401  (storage methods: untyped_storage, set_, new, ...)
