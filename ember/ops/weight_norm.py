"""Weight normalization's math: ``norm_except_dim`` and ``_weight_norm`` (PyTorch's ``torch.*`` names).

With ``dim`` the first or last dimension, PyTorch records ``_weight_norm`` as one
``WeightNormInterfaceBackward0`` node (its fused kernel), and so does ember; other dims stay the
composite ``v * (g / norm)``, as in PyTorch.
"""
from ember.autograd import _saved_attrs as _sa
from ember.autograd.function import Primitive
from ember.ops import _one_node
from ember.ops._registry import op
from ember.ops.reduce import VectorNorm, check_legacy_norm_input, legacy_norm
from ember.ops._util import wrap_dim
from ember.ops.shape import _infer_shape


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
    # PyTorch's own steps end in a view of the flattened norm (ViewBackward0), or a transpose back for a middle
    # dim (TransposeBackward0), the whole tensor's norm being NormBackward0; ember takes one norm over the
    # other dims (PyTorch's three to six recorded steps doubled the call) recorded as PyTorch's top node
    if dim == -1:
        return legacy_norm(v, pow)
    if v.dim() == 0 and dim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    check_legacy_norm_input(v)
    viewed = dim == 0 or dim == v.dim() - 1
    kept = dim if viewed else wrap_dim(dim, v.dim())      # (PyTorch transposes 0 and dim: the same checks)
    # (PyTorch's view of the kept dim against the rest: its error where that is ambiguous for an empty tensor)
    _infer_shape((-1, v.shape[kept]) if viewed and dim != 0 else (v.shape[kept], -1), v.numel())
    if v.dim() == 1:    # (nothing to reduce: |v|, exactly, as PyTorch's norm of one element)
        return NormExceptDimView.apply(v, pow, (), True)
    norms = (NormExceptDimView if viewed else NormExceptDimTranspose).apply(
        v, pow, tuple(d for d in range(v.dim()) if d != kept), True)
    if norms._grad_fn is not None and not viewed:
        norms._grad_fn.dim = dim        # (grad_fn._saved_dim1: the dim as given)
    return norms


class NormExceptDimView(VectorNorm):
    """``norm_except_dim`` over the first or last dim: the norm over the other dims, kept, recorded as
    PyTorch's top node, the view of its flattened norm (``grad_fn._saved_self_sym_sizes``: the kept dim's size)."""
    _profile_name = 'aten::norm_except_dim'
    _profile_chain = ('aten::norm', 'aten::linalg_vector_norm')
    node_name = 'ViewBackward0'
    saved_attrs = {'self_sym_sizes': lambda node: tuple(s for d, s in enumerate(node.args[0])
                                                        if d not in node.args[2])}  # grad_fn._saved_*, read lazily


class NormExceptDimTranspose(NormExceptDimView):
    """``norm_except_dim`` over a middle dim, recorded as PyTorch's top node: the transpose back of the norm
    it took with that dim moved first."""
    node_name = 'TransposeBackward0'
    saved_attrs = {'dim0': _sa.const(0), 'dim1': _sa.field('dim', _sa.as_int64)}  # grad_fn._saved_*, read lazily


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
