"""torch._higher_order_ops.scan: a loop over one dimension carrying a state, stacking each step's output."""
import ember
from ember._tensor import Tensor
from ember._higher_order_ops import _checks
from ember._higher_order_ops._outputs import ScanAutogradOp, from_node
from ember.utils import _pytree as pytree

__all__ = ['scan']


def scan(combine_fn, init, xs, *, dim=0, reverse=False):
    """An inclusive scan: ``carry, y = combine_fn(carry, x)`` for each slice ``x`` of ``xs`` along ``dim``
    (last to first if ``reverse``), starting from ``init``.

    Args:
        combine_fn (Callable): ``(carry, x) -> (next_carry, y)``; ``next_carry`` has the structure, shapes
            and dtypes of ``init``. Pytrees (tuples, lists, dicts) of tensors are accepted throughout.
        init (Tensor or pytree of tensors): the initial carry.
        xs (Tensor or pytree of tensors): the inputs, scanned along ``dim``.
        dim (int): the dimension scanned. Default: 0.
        reverse (bool): scan from the last slice to the first. Default: False.

    Returns:
        ``(final_carry, ys)``: the last carry, and each step's ``y`` stacked along ``dim``.

    Example::

        >>> from ember._higher_order_ops.scan import scan
        >>> def add(carry, x):
        ...     carry = carry + x
        ...     return carry, carry.clone()
        >>> scan(add, ember.zeros(1), ember.arange(1., 5.).unsqueeze(1))
        (tensor([10.]), tensor([[ 1.],
                [ 3.],
                [ 6.],
                [10.]]))
    """
    leaves_init, spec_init = pytree.tree_flatten(init)
    leaves_xs, spec_xs = pytree.tree_flatten(xs)
    if not leaves_xs:
        return init, []
    dim = _checks.scan_dim(leaves_xs, dim)
    if not callable(combine_fn):
        raise RuntimeError(f"Combine_fn must be a callable, but got {combine_fn}")
    if not isinstance(dim, int):
        raise RuntimeError("Dim must be an int, but got " + str(type(dim)))
    if not isinstance(reverse, bool):
        raise RuntimeError("Reverse must be a bool, but got " + str(type(reverse)))
    if not leaves_init:
        raise RuntimeError("scan() operator requires init leaves.")
    for x in leaves_init:
        if not isinstance(x, Tensor):
            raise RuntimeError(f"All init leaves must be a Tensor but got {x}")
    for x in leaves_xs:
        if not isinstance(x, Tensor):
            raise RuntimeError(f"All xs leaves must be a Tensor but got {x}")
    _checks.check_scanned(leaves_xs, dim, RuntimeError)

    steps = range(leaves_xs[0].shape[dim])
    carry, ys, spec_y = leaves_init, [], None
    for i in (reversed(steps) if reverse else steps):
        x = pytree.tree_unflatten([leaf.select(dim, i) for leaf in leaves_xs], spec_xs)
        out = combine_fn(pytree.tree_unflatten(carry, spec_init), x)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise RuntimeError("combine_fn must return a pair (next_carry, y)")
        next_carry, spec_carry = pytree.tree_flatten(out[0])
        if spec_carry != spec_init:
            raise RuntimeError(f"The tree structure of the carry returned by combine_fn ({spec_carry}) differs "
                               f"from init's ({spec_init})")
        differences = [f"pair[{k}] differ in {d}" for k, (a, b) in enumerate(zip(leaves_init, next_carry))
                       if (d := _checks.metadata_differences(a, b))]
        if differences:
            raise RuntimeError("Expected init and carry to have same metadata but found:\n" + '\n'.join(differences))
        y, spec_y = pytree.tree_flatten(out[1])
        carry = next_carry
        ys.append(y)
    if reverse:
        ys.reverse()
    stacked = [ember.stack([y[k] for y in ys], dim=0) for k in range(len(ys[0]))]
    # each y is stacked along the scanned dim (left first when y has fewer dims, as PyTorch's)
    stacked = [s.movedim(0, dim) if dim < s.ndim else s for s in stacked]
    return from_node(ScanAutogradOp, (pytree.tree_unflatten(carry, spec_init), pytree.tree_unflatten(stacked, spec_y)))
