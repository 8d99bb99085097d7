"""Distances and normalisation: F.normalize, cosine_similarity, pairwise_distance, pdist.

All are compositions of ember ops (norms, divisions, sums), so they differentiate to any order.
"""
import numpy as np

from ember.ops._float8 import refuse_float8 as _refuse_float8
from ember import backend
from ember._tensor import Tensor
from ember.autograd import _saved_attrs as _sa
from ember.autograd import grad_mode
from ember.autograd.function import Primitive
from ember.ops._util import wrap_dim
from ember.ops import _no_second_derivative
from ember.ops._registry import op
from ember.ops._util import require_tensor
from ember.ops._half import refuse_half
from ember.ops.reduce import VectorNorm


@op('F')
def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """``input / max(||input||_p, eps)`` along ``dim``.

    Example::

        >>> F.normalize(ember.tensor([[3.0, 4.0], [1.0, 0.0]]))
        tensor([[0.6000, 0.8000],
                [1.0000, 0.0000]])
        >>> F.normalize(ember.tensor([[3.0, 4.0], [1.0, 0.0]]), p=1, dim=0)
        tensor([[0.7500, 1.0000],
                [0.2500, 0.0000]])
    """
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    result = input / denom
    if out is not None:
        from ember.ops.inplace import write_out
        _result = result
        return _result if out is None else write_out('normalize', _result, out)
    return result


def _clamped_norm(x, dim, eps):
    # the value is clamped below at eps but the gradient is that of the norm itself: as ATen, a clone of
    # the norm (CloneBackward0) clamped in place unrecorded
    n = x.norm(2, dim, keepdim=True).clone()
    with grad_mode.no_grad():
        n.clamp_min_(eps)
    return n


@op('ember', 'F')
def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim`` (inputs broadcast).

    Example::

        >>> F.cosine_similarity(ember.tensor([[1., 0.], [1., 1.]]), ember.tensor([[1., 1.], [-1., -1.]]))
        tensor([ 0.7071, -1.0000])
    """
    from ember.ops.shape import broadcast_tensors
    # (expanded only where the shapes differ, as ATen: equal shapes record no ExpandBackward0)
    a, b = (x1, x2) if x1.shape == x2.shape else broadcast_tensors(x1, x2)
    d = wrap_dim(dim, a.ndim)
    return ((a / _clamped_norm(a, d, eps)) * (b / _clamped_norm(b, d, eps))).sum(d)


@op('ember', 'F')
def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """``||x1 - x2 + eps||_p`` over the last dimension.

    Example::

        >>> F.pairwise_distance(ember.tensor([[0., 0.], [1., 1.]]), ember.tensor([[3., 4.], [1., 1.]]))
        tensor([5.0000e+00, 1.4142e-06])
    """
    from ember.ops._scalar_overloads import add_number
    require_tensor(x1, 'pairwise_distance', 'x1')
    ndim = max(x1.ndim, x2.ndim)
    if ndim == 0:
        return ((x1 - x2) + eps).abs()
    # PyTorch's steps: eps added as a double (AddBackward1), then at::norm over the last dim (NormBackward1)
    diff = add_number(x1 - x2, eps)
    if type(p) not in (int, float) or diff._data.dtype.kind not in 'fc':     # (anything else: norm's own checks)
        return diff.norm(p, ndim - 1, keepdim=keepdim)
    return NormScalarOptDim.apply(diff, float(p), (ndim - 1,), keepdim)     # (p is a double there)


class NormScalarOptDim(VectorNorm):
    """``at::norm(input, p, dim, keepdim)``, the norm PyTorch's C++ composites call (NormBackward1, its
    order saved as ``p``); the Python ``norm`` and ``linalg.vector_norm`` record LinalgVectorNormBackward0."""
    _profile_name = 'aten::norm'
    _profile_chain = ('aten::linalg_vector_norm',)     # (PyTorch's norm runs it)
    node_name = 'NormBackward1'
    saved_attrs = {'dim': _sa.item('args', 2, _sa.int_list), 'keepdim': _sa.item('args', 3), 'p': _sa.item('args', 1),
                   'result': _sa.saved(1), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily


@op('ember', 'F')
def pdist(input, p=2):
    """Distances between every pair of rows ``i < j`` of a 2-D ``input``, in row-major order.

    Example::

        >>> F.pdist(ember.tensor([[0., 0.], [3., 4.], [6., 8.]]))
        tensor([ 5., 10.,  5.])
    """
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    _refuse_float8('pdist', input)
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    refuse_half('pdist', input)
    n = input.shape[0]
    i, j = np.triu_indices(n, 1)
    dev = input._device
    ii = Tensor._make(backend.move(i.astype(np.int64), dev), dev)
    jj = Tensor._make(backend.move(j.astype(np.int64), dev), dev)
    from ember.ops import _one_node
    return _one_node.one_node(Pdist, lambda x: (x.index_select(0, ii) - x.index_select(0, jj)).norm(p, 1),
                              (input,), float(p), (ii, jj))


class Pdist(Primitive):
    """``pdist``'s one node, as PyTorch's: each pair's distance derivative times ``grad``, added to its
    first row's gradient and taken from its second's."""
    node_name = 'PdistBackward0'
    saved_names = ('self', 'result')
    saved_attrs = {'p': _sa.field('p'), 'self': _sa.saved(0), 'result': _sa.saved(1)}

    @staticmethod
    def forward(ctx, x, p, pairs, value):
        ctx.p = p
        ctx.pairs = pairs
        ctx.save_for_backward(x, value)
        return value

    @staticmethod
    def backward(ctx, g):
        from ember.ops.linalg import distance_grad
        x, dist = ctx.saved_tensors
        ii, jj = ctx.pairs
        weighted = distance_grad(x.index_select(0, ii) - x.index_select(0, jj), dist, ctx.p) * g.unsqueeze(-1)
        gx = x.new_zeros(x.shape).index_add(0, ii, weighted).index_add(0, jj, -weighted)
        # (PyTorch's _pdist_backward has no derivative)
        return _no_second_derivative.mark(gx, x, '_pdist_backward', 'PdistBackwardBackward0'), None, None, None
