"""torch._higher_order_ops.map: a function applied to each slice of its inputs along the first dimension."""
import ember
from ember._tensor import Tensor
from ember._higher_order_ops._outputs import MapAutogradOp, from_node
from ember.utils import _pytree as pytree

__all__ = ['map']


def map(f, xs, *args):
    """``f(x, *args)`` for each slice ``x`` of ``xs`` along its first dimension, the results stacked.

    Args:
        f (Callable): takes one slice of ``xs`` (a tensor, or the pytree ``xs`` is) and ``args``.
        xs (Tensor or pytree of tensors): mapped over their first dimension, which they share.
        *args: passed to every call of ``f`` unchanged.

    Example::

        >>> from ember._higher_order_ops.map import map
        >>> map(lambda x, y: x ** y, ember.arange(5), ember.tensor(2))
        tensor([ 0,  1,  4,  9, 16])
    """
    flat_xs, spec_xs = pytree.tree_flatten(xs)
    if not all(isinstance(t, Tensor) for t in flat_xs):
        raise RuntimeError(f"Mapped xs can only consist of tensors. Got xs {flat_xs}.")
    shapes = [x.shape for x in flat_xs]
    leading = shapes[0][0]
    if leading == 0:
        raise RuntimeError("Leading dimensions of mapped xs cannot be 0.")
    if any(shape[0] != leading for shape in shapes):
        raise RuntimeError(f"Leading dimensions of mapped xs must be consistent. Got shapes {shapes}.")
    outs, spec_out = [], None
    for i in range(leading):
        out, spec_out = pytree.tree_flatten(f(pytree.tree_unflatten([x[i] for x in flat_xs], spec_xs), *args))
        outs.append(out)
    stacked = [ember.stack([o[k] for o in outs]) for k in range(len(outs[0]))]
    return from_node(MapAutogradOp, pytree.tree_unflatten(stacked, spec_out))
