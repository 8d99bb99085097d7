"""``ember._standard_gamma_grad`` and ``ember._dirichlet_grad``: the sample gradients that Gamma, Beta and
Dirichlet ``rsample`` backwards are made of, evaluated as PyTorch's CPU kernels evaluate them."""
from ember.ops._registry import op


@op('ember')
def _standard_gamma_grad(input, output):
    """d output / d input for draws ``output`` of Gamma(``input``, 1) held at their quantiles (the
    gradient ``ember._standard_gamma``'s backward multiplies by). Both tensors are float32 or float64 of
    one dtype; they broadcast together.

    Example::

        >>> ember._standard_gamma_grad(ember.tensor([1.0, 2.0]), ember.tensor([0.5, 3.0]))
        tensor([0.8070, 1.3217])
    """
    from ember.distributions._reparam_grads import standard_gamma_grad
    return _elementwise('_standard_gamma_grad', standard_gamma_grad, (input, output),
                        'StandardGammaGradBackward0')


@op('ember')
def _dirichlet_grad(x, alpha, total):
    """The sample gradient of Beta(``alpha``, ``total - alpha``) draws ``x`` with respect to ``alpha``,
    divided by ``1 - x`` (the piece a Dirichlet ``rsample``'s backward is built from). All three tensors
    are float32 or float64 of one dtype; they broadcast together.

    Example::

        >>> ember._dirichlet_grad(ember.tensor([0.1, 0.6]), ember.tensor([1.0, 2.0]), ember.tensor([3.0, 3.0]))
        tensor([0.2145, 0.3831])
    """
    from ember.distributions._reparam_grads import dirichlet_grad
    return _elementwise('_dirichlet_grad', dirichlet_grad, (x, alpha, total), 'NotImplemented')


def _elementwise(name, kernel, tensors, node_name):
    import ember
    from ember import backend
    from ember._tensor import Tensor
    from ember.ops._draw_gradients import recorded
    from ember.ops._util import broadcast_error
    from ember.ops.binomial import _scalar_name
    from ember.ops.inplace import warn_resized
    first = tensors[0]
    for t in tensors[1:]:
        if t.dtype != first.dtype:
            raise RuntimeError(f"Found dtype {_scalar_name(t.dtype)} but expected {_scalar_name(first.dtype)}")
    if first.dtype not in (ember.float32, ember.float64):
        raise NotImplementedError(f"\"{name}_cpu\" not implemented for '{_scalar_name(first.dtype)}'")
    shape = tuple(first.shape)
    for t in tensors[1:]:
        try:
            shape = tuple(ember.broadcast_shapes(shape, t.shape))
        except RuntimeError:
            raise broadcast_error(shape, t.shape) from None
    if tuple(shape) != tuple(first.shape) and first.numel():
        # PyTorch writes into a tensor of the first argument's shape and resizes it
        warn_resized(first.shape, shape, stacklevel=3)
    values = kernel(*(backend.to_numpy(t._data) for t in tensors))
    result = Tensor._make(backend.move(values, first._device), first._device)
    return recorded(result, node_name, *tensors, op=name)
