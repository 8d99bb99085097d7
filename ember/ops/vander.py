"""``ember.vander``: the Vandermonde matrix of a vector, built as PyTorch builds it: a running product (exact
for integers, no power op) taken in place into the columns it reads."""
from ember.ops._registry import op


@op('ember')
def vander(x, N=None, increasing=False):
    """Generates a Vandermonde matrix: the columns are powers of ``x``, ``x**(N-1), ..., x**0``
    (or ``x**0, ..., x**(N-1)`` when ``increasing``).

    Args:
        x (Tensor): 1-D input tensor.
        N (int, optional): number of columns; ``len(x)`` when not given.
        increasing (bool, optional): powers increasing from left to right. Default: ``False``.

    Returns:
        Tensor: the ``(len(x), N)`` matrix; integer and bool inputs give ``int64``.

    Example::

        >>> ember.vander(ember.tensor([1, 2, 3]))
        tensor([[1, 1, 1],
                [4, 2, 1],
                [9, 3, 1]])
        >>> ember.vander(ember.tensor([1, 2, 3]), N=2, increasing=True)
        tensor([[1, 1],
                [1, 2],
                [1, 3]])
    """
    import ember
    if x.dim() != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    # PyTorch's steps, in place into one result: its graph (CopySlices over CumprodBackward0, FlipBackward0 above
    # for decreasing powers) and its behaviour there: the in-place write of the product into the columns the
    # product read changes what CumprodBackward0 saved, so a backward through vander raises PyTorch's "modified
    # by an inplace operation" error, as PyTorch's does
    dtype = ember.promote_types(x.dtype, ember.int64)
    if not (x.requires_grad and ember.is_grad_enabled()):
        # nothing recorded: the same products out of place (what a trace for export can follow)
        result = ember.ones((x.shape[0], min(n, 1)), dtype=dtype, device=x.device)
        if n > 1:
            result = ember.cat([result, x.to(dtype).unsqueeze(1).expand(x.shape[0], n - 1)], 1).cumprod(1)
        return result if increasing else result.flip(1)
    result = ember.empty((x.shape[0], n), dtype=dtype, device=x.device)
    if n > 0:
        result.select(1, 0).fill_(1)
        if n > 1:
            powers = result[:, 1:]
            powers.copy_(x.unsqueeze(1))
            powers.copy_(ember.cumprod(powers, 1))
    return result if increasing else result.flip(1)
