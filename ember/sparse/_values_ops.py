"""Operations on sparse COO tensors that work on the specified values alone, as PyTorch's sparse kernels do:
the unary functions that keep zero at zero (``abs``, ``sin``, ``sqrt``, ``relu``...; the others, ``exp`` or
``cos``, are refused as PyTorch refuses them) and ``sparse.softmax``/``sparse.log_softmax``, which normalise
over the specified elements of each slice only. Written with dense ops on the values: gradients flow.
"""
import ember
from ember.autograd.function import Primitive
from ember.ops._util import wrap_dim
from ember.sparse._coo import _FUNCTIONS, SparseCOOTensor, _make

# PyTorch's sparse COO kernels for these (checked on 2.13): f(0) == 0, so the unspecified elements stay so
_ZERO_PRESERVING = ('abs', 'neg', 'negative', 'positive', 'sin', 'sinh', 'tan', 'tanh', 'asin', 'arcsin', 'asinh',
                    'arcsinh', 'atan', 'arctan', 'atanh', 'arctanh', 'sqrt', 'square', 'ceil', 'floor', 'round',
                    'trunc', 'fix', 'frac', 'sign', 'sgn', 'signbit', 'expm1', 'log1p', 'erf', 'erfinv', 'deg2rad',
                    'rad2deg', 'relu', 'isnan', 'isinf', 'isposinf', 'isneginf', 'nan_to_num', 'conj_physical')


def _on_values(name):
    def apply(input, *args, **kwargs):
        fn = getattr(ember, name)
        # a nonlinear function of duplicates' sum is not the sum of the function: coalesce first
        s = input if input._sp_coalesced or name in ('neg', 'negative', 'positive') else input.coalesce()
        return _make(s._sp_indices, fn(s._sp_values, *args, **kwargs), s.shape, s._sp_coalesced)
    apply.__name__ = name
    return apply


for _name in _ZERO_PRESERVING:
    _FUNCTIONS[_name] = _on_values(_name)


class _Named(Primitive):
    """The identity on the result's values, so that it shows PyTorch's node for the whole operation."""

    @staticmethod
    def forward(ctx, values):
        return values

    @staticmethod
    def backward(ctx, g):
        return g


_NODES = {log: type('SparseNode', (_Named,), {'node_name': 'SparseLogSoftmaxBackward0' if log else
                                              'SparseSoftmaxBackward0'}) for log in (False, True)}


def _normalized(input, dim, dtype, log):
    if not isinstance(input, SparseCOOTensor):
        from ember.sparse._compressed import SparseCompressedTensor
        if isinstance(input, SparseCompressedTensor):
            from ember.sparse._compressed_ops import refuse
            refuse('_sparse_log_softmax' if log else '_sparse_softmax', (input,), None)
        raise NotImplementedError("ember.sparse softmax/log_softmax take a sparse COO tensor; use "
                                  "ember.softmax for a dense one")
    s = input.coalesce()
    values = s._sp_values if dtype is None else s._sp_values.to(dtype)
    k = s.sparse_dim()
    dim = wrap_dim(dim, s.dim())
    if dim >= k:        # a dense dimension: every value row is a slice of its own
        dense_dim = dim - k + 1
        out = values.log_softmax(dense_dim) if log else values.softmax(dense_dim)
        return _make(s._sp_indices, _NODES[log].apply(out), s.shape, True)
    if s.dense_dim():
        raise NotImplementedError("ember.sparse softmax over a sparse dimension of a tensor with dense dimensions "
                                  "is not implemented; use to_dense() first")
    # the slices: the elements agreeing in every sparse index but ``dim``'s
    others = [i for i in range(k) if i != dim]
    key = ember.zeros(s._nnz(), dtype=ember.int64)
    for i in others:
        key = key * s.shape[i] + s._sp_indices[i]
    _, slice_of = ember.unique(key, return_inverse=True)
    n = int(slice_of.max()) + 1 if s._nnz() else 0
    top = values.new_zeros(n).scatter_reduce(0, slice_of, values.detach(), 'amax', include_self=False)
    shifted = values - top[slice_of]
    total = values.new_zeros(n).index_add(0, slice_of, shifted.exp())
    out = shifted - total.log()[slice_of] if log else shifted.exp() / total[slice_of]
    return _make(s._sp_indices, _NODES[log].apply(out), s.shape, True)


def softmax(input, dim, *, dtype=None):
    """Softmax of a sparse COO tensor along ``dim`` over its specified elements only: the unspecified ones
    count as minus infinity (they stay unspecified), as PyTorch's ``torch.sparse.softmax``.

    Args:
        input (Tensor): a sparse COO tensor.
        dim (int): the dimension to normalise along.
        dtype (ember.dtype, optional): the values are cast to it first.

    Example::

        >>> s = ember.tensor([[0., 1., 0.], [1., 0., 1.]]).to_sparse()
        >>> ember.sparse.softmax(s, 1).to_dense()
        tensor([[0.0000, 1.0000, 0.0000],
                [0.5000, 0.0000, 0.5000]])
    """
    return _normalized(input, dim, dtype, False)


def log_softmax(input, dim, *, dtype=None):
    """Log of :func:`softmax` of a sparse COO tensor along ``dim``, over its specified elements only.

    Example::

        >>> s = ember.tensor([[0., 1., 0.], [1., 0., 1.]]).to_sparse()
        >>> ember.sparse.log_softmax(s, 1).values()
        tensor([ 0.0000, -0.6931, -0.6931])
    """
    return _normalized(input, dim, dtype, True)

