"""Weight normalization's math: ``norm_except_dim`` and ``_weight_norm`` (PyTorch's ``torch.*`` names)."""
from ember.ops._registry import op


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
    if dim == -1:
        return v.norm(pow)
    dims = [d for d in range(v.dim()) if d != dim]
    if not dims:
        return v.abs() if pow != 0 else (v != 0).to(v.dtype)
    return v.norm(pow, dim=dims, keepdim=True)


@op('ember')
def _weight_norm(v, g, dim=0):
    """``g * v / ||v||`` with the norm over every dim but ``dim`` (the whole tensor for ``dim=-1``)."""
    return v * (g / norm_except_dim(v, 2, dim))
