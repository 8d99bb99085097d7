"""``ember.vander``: the Vandermonde matrix of a vector, built as a running product so that it is
differentiable (and exact for integers) without a power op."""
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
    dtype = ember.promote_types(x.dtype, ember.int64)
    ones = ember.ones((x.shape[0], min(n, 1)), dtype=dtype, device=x.device)
    if n > 1:
        powers = ember.cat([ones, x.to(dtype).unsqueeze(1).expand(x.shape[0], n - 1)], 1).cumprod(1)
    else:
        powers = ones
    return powers if increasing else powers.flip(1)
