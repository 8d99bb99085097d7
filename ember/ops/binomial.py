"""``ember.binomial``: samples of Binomial(count, prob), drawn as PyTorch's CPU sampler draws them."""
from ember.ops._registry import op


@op('ember')
def binomial(count, prob, generator=None):
    """Draws from the binomial distribution with ``count`` trials and success probability ``prob``
    per element (``prob`` broadcast to ``count``'s shape), from ``generator`` or the default one.

    Args:
        count (Tensor): numbers of trials, a floating-point tensor.
        prob (Tensor): success probabilities, of ``count``'s dtype.
        generator (ember.Generator, optional): the source of randomness.

    Returns:
        Tensor: the numbers of successes, of ``count``'s dtype and shape.

    Example::

        >>> ember.binomial(ember.tensor([0., 5., 10.]), ember.tensor([0.5, 1.0, 0.0]))
        tensor([0., 5., 0.])
    """
    import ember
    from ember import backend
    from ember._random.binomial import binomial as sample
    from ember._tensor import Tensor
    from ember.ops.random import _gen
    if not count.is_floating_point():
        raise ValueError(f"binomial only supports floating-point dtypes for count, got: "
                         f"{_scalar_name(count.dtype)}")
    if prob.dtype != count.dtype:
        raise RuntimeError(f"Found dtype {_scalar_name(prob.dtype)} but expected {_scalar_name(count.dtype)}")
    if count.dtype not in (ember.float32, ember.float64):
        raise NotImplementedError(f"\"binomial_cpu\" not implemented for '{_scalar_name(count.dtype)}'")
    probs = prob.expand(count.shape) if tuple(prob.shape) != tuple(count.shape) else prob
    values = sample(_gen(generator), backend.to_numpy(count._data), backend.to_numpy(probs.contiguous()._data),
                    count.dtype.np_dtype)
    return Tensor._make(backend.move(values, count._device), count._device)


def _scalar_name(dtype):
    """PyTorch's C++ name of a dtype (``Float``, ``Long``...), as its messages print it."""
    names = {'float32': 'Float', 'float64': 'Double', 'float16': 'Half', 'bfloat16': 'BFloat16', 'int64': 'Long',
             'int32': 'Int', 'int16': 'Short', 'int8': 'Char', 'uint8': 'Byte', 'bool': 'Bool'}
    name = str(dtype).split('.')[-1]
    return names.get(name, name.capitalize())
