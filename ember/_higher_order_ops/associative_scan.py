"""torch._higher_order_ops.associative_scan: an inclusive scan with an associative combine function,
computed as a tree of pairwise combinations (log-depth, as PyTorch's generic mode)."""
import ember
from ember._tensor import Tensor
from ember._higher_order_ops import _checks
from ember.utils import _pytree as pytree

__all__ = ['associative_scan']


def associative_scan(combine_fn, xs, dim, reverse=False, combine_mode="pointwise"):
    """The inclusive scan of ``xs`` along ``dim`` under the associative ``combine_fn``:
    ``ys[0] = xs[0]``, ``ys[t] = combine_fn(ys[t - 1], xs[t])``.

    Args:
        combine_fn (Callable): ``(a, b) -> c`` over tensors or pytrees of tensors of one structure; it must be
            associative. In ``"generic"`` mode it sees single elements (it is vmapped over the pairs).
        xs (Tensor or pytree of tensors): the inputs, all of one shape.
        dim (int): the dimension scanned.
        reverse (bool): scan from the last element to the first. Default: False.
        combine_mode (str): ``"pointwise"`` (``combine_fn`` made of pointwise ops, inputs on CUDA) or
            ``"generic"`` (any ``combine_fn``, any device). Default: ``"pointwise"``.

    Example::

        >>> from ember._higher_order_ops.associative_scan import associative_scan
        >>> associative_scan(lambda a, b: a * b, ember.arange(1., 6.), 0, combine_mode="generic")
        tensor([  1.,   2.,   6.,  24., 120.])
    """
    leaves, spec = pytree.tree_flatten(xs)
    dim = _checks.scan_dim(leaves, dim)
    if not callable(combine_fn):
        raise ValueError(f"Combine_fn must be a callable, but got {combine_fn}")
    if not isinstance(dim, int):
        raise ValueError("Dim must be an int, but got " + str(type(dim)))
    if not isinstance(reverse, bool):
        raise RuntimeError("Reverse must be a bool, but got " + str(type(reverse)))
    if combine_mode not in ("pointwise", "generic"):
        raise ValueError(f"Combine_mode must either 'pointwise' or 'generic', but got {combine_mode}")
    if combine_mode == "pointwise" and not all(x.device.type in ("cuda", "xpu") for x in leaves):
        raise ValueError("For combine_mode='pointwise', all input tensors need to be on CUDA or XPU")
    if not leaves:
        raise ValueError("Expected at least 1 xs leaf")
    if any(not isinstance(x, Tensor) for x in leaves):
        raise ValueError("xs leaves must be a Tensor")
    if any(x.is_sparse for x in leaves):
        raise ValueError("xs leaves must dense Tensors, consider using `to_dense()`")
    _checks.check_scanned(leaves, dim, ValueError)

    leaves = [x.movedim(dim, 0) for x in leaves]
    if reverse:
        leaves = [x.flip([0]) for x in leaves]
    if combine_mode == "generic":      # the function sees single elements: vmapped over the pairs
        from ember.func import vmap
        combine = vmap(combine_fn, in_dims=0, out_dims=0)
    else:
        combine = combine_fn

    def call(a, b):
        return pytree.tree_leaves(combine(pytree.tree_unflatten(a, spec), pytree.tree_unflatten(b, spec)))

    out = _scan(call, leaves)
    if reverse:
        out = [x.flip([0]) for x in out]
    return pytree.tree_unflatten([x.movedim(0, dim) for x in out], spec)


def _scan(call, elems):
    """The scan of ``elems`` along dim 0: neighbours combined pairwise, that half scanned recursively, then the
    even positions completed from it and the two halves interleaved."""
    n = elems[0].shape[0]
    if n < 2:
        return elems
    odd = _scan(call, call([e[0:-1:2] for e in elems], [e[1::2] for e in elems]))
    if n % 2 == 0:
        even = call([o[:-1] for o in odd], [e[2::2] for e in elems])
    else:
        even = call(odd, [e[2::2] for e in elems])
    even = [ember.cat([e[:1], r]) if r.numel() > 0 else e[:1] for e, r in zip(elems, even)]
    return [_interleave(a, b) for a, b in zip(even, odd)]


def _interleave(a, b):
    """a[0], b[0], a[1], b[1], ... along dim 0 (``a`` may be one longer than ``b``)."""
    if a.shape[0] == b.shape[0] + 1:
        b = ember.cat([b, b.new_zeros((1,) + tuple(b.shape[1:]))])
        return ember.stack([a, b], dim=1).flatten(0, 1)[:-1]
    return ember.stack([a, b], dim=1).flatten(0, 1)
