"""torch._higher_order_ops.foreach_map: any pointwise function made a foreach (horizontally fused) operation."""
import itertools

__all__ = ['foreach_map']


def foreach_map(op, *operands, **kwargs):
    """``op`` applied element by element across the lists among ``operands``; an operand that is not a list or
    tuple is passed to every call as it is. Returns the list of results, or ``op(*operands)`` when no operand
    is a list.

    ember runs it eagerly (PyTorch's compiler fuses the calls into one kernel; the results are the same).
    Keyword arguments are passed to every call of ``op`` (PyTorch 2.13 drops them without a word).

    Args:
        op (Callable): a function of tensors and numbers, e.g. ``torch.add`` or a lambda.
        *operands: lists (or tuples) of equal length, and values shared by every call.

    Example::

        >>> from ember._higher_order_ops.foreach_map import foreach_map
        >>> foreach_map(ember.lerp, [ember.zeros(2), ember.ones(2)], [ember.ones(2), ember.ones(2) * 3], 0.5)
        [tensor([0.5000, 0.5000]), tensor([2., 2.])]
    """
    if not any(isinstance(a, (list, tuple)) for a in operands):
        return op(*operands, **kwargs)
    columns = [a if isinstance(a, (list, tuple)) else itertools.repeat(a) for a in operands]
    return [op(*row, **kwargs) for row in zip(*columns)]
