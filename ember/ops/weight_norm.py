"""Weight normalization's math: ``norm_except_dim`` and ``_weight_norm`` (PyTorch's ``torch.*`` names).

With ``dim`` the first or last dimension, PyTorch records ``_weight_norm`` as one
``WeightNormInterfaceBackward0`` node (its fused kernel), and so does ember; other dims stay the
composite ``v * (g / norm)``, as in PyTorch.
"""
from ember.autograd import _saved_attrs as _sa
from ember.autograd.function import Primitive
from ember.ops import _one_node
from ember.ops._registry import op
from ember.ops.reduce import check_legacy_norm_input, legacy_norm


@op('ember')
def norm_except_dim(v, pow=2, dim=0):
    """The ``pow``-norm of ``v`` over every dim but ``dim``, kept broadcastable to ``v``.

    ``dim=-1`` means the norm of the whole tensor (a 0-d result), as in PyTorch.

    Args:
        v (Tensor): the tensor.
        pow (float, optional): the order of the norm. Default: ``2``.
        dim (int, optional): the dimension kept. Default: ``0``.

    Example::

        >>> v = ember.tensor([[3., 4.], [6., 8.]])
        >>> ember.norm_except_dim(v, 2, 0)
        tensor([[ 5.],
                [10.]])
        >>> ember.norm_except_dim(v, 2, 1)
        tensor([[6.7082, 8.9443]])
    """
    # PyTorch's own steps, so the graph shows its nodes: the kept dim against the rest (a middle dim moved first
    # and back), the legacy norm of each row (NormBackward1) and a view back. The recorded views cost ~20 us each
    # (forward+backward 1.4x one fused node's at (3, 4), 1.2x at (256, 128, 3, 3), measured when this changed)
    if dim == -1:
        return legacy_norm(v, pow)
    if dim != 0 and dim != v.dim() - 1:
        moved = v.transpose(0, dim)      # (its error for a dim out of range, as PyTorch's transpose)
        return norm_except_dim(moved, pow, 0).transpose(0, dim)
    if v.dim() == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    check_legacy_norm_input(v)
    kept = v.shape[dim]
    output_size = [1] * v.dim()
    output_size[dim] = kept
    rows = v.contiguous().view((kept, -1) if dim == 0 else (-1, kept))
    return legacy_norm(rows, pow, 1 if dim == 0 else 0).view(output_size)


@op('ember')
def _weight_norm(v, g, dim=0):
    """``g * v / ||v||`` with the norm over every dim but ``dim`` (the whole tensor for ``dim=-1``).

    Example::

        >>> ember._weight_norm(ember.tensor([[3., 4.], [6., 8.]]), ember.tensor([[1.], [2.]]))
        tensor([[0.6000, 0.8000],
                [1.2000, 1.6000]])
    """
    if dim == 0 or dim == v.dim() - 1:      # (as given: -1 is the whole tensor's norm, never the fused node)
        w = _one_node.one_node(WeightNormInterface, lambda v, g: _weight_norm_and_norms(v, g, dim), (v, g), dim)
        return w[0] if type(w) is tuple else w     # (unrecorded: the value and the norms it was computed with)
    return v * (g / norm_except_dim(v, 2, dim))


def _weight_norm_and_norms(v, g, dim):
    norms = norm_except_dim(v, 2, dim)
    return v * (g / norms), norms


def _sum_except(t, dim):
    dims = [d for d in range(t.dim()) if d != dim]
    return t.sum(dims, keepdim=True) if dims else t


class WeightNormInterface(Primitive):
    """``_weight_norm`` over the first or last dim as one node: ``forward`` hands back the value computed
    outside, keeping the norms (``grad_fn._saved_result1``); the backward is PyTorch's differentiable formula,
    its norms recomputed from ``v`` so that derivatives of any order are exact."""
    node_name = 'WeightNormInterfaceBackward0'
    saved_names = ('v', 'g', 'result1')
    saved_attrs = {'dim': _sa.field('dim'), 'g': _sa.saved(1), 'result1': _sa.saved(2),
                   'v': _sa.saved(0)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, v, g, dim, value):
        w, norms = value
        ctx.dim = dim
        ctx.save_for_backward(v, g, norms)
        return w

    @staticmethod
    def backward(ctx, gw):
        v, g, _ = ctx.saved_tensors
        dim = ctx.dim
        norms = norm_except_dim(v, 2, dim)
        if tuple(g.shape) == tuple(norms.shape) and tuple(gw.shape) == tuple(v.shape):
            sums = _sum_except(gw * v, dim)
            return (g / norms) * (gw - v * (sums / (norms * norms))), sums / norms, None
        # a g of another shape broadcasts in w = v * (g / norms): its gradient and v's are summed back
        gg = (gw * v / norms).sum_to_size(g.shape)
        scaled = gw * (g / norms)
        gv = scaled - v * _sum_except(scaled * v, dim) / (norms * norms)
        return gv.sum_to_size(v.shape), gg, None
