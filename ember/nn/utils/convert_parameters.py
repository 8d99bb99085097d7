"""Flatten parameters into one vector and back (used by second-order and evolutionary methods)."""
from ember._tensor import Tensor


def _check_same_device(param, old):
    if old is None:
        return param.device
    if param.device != old:
        raise TypeError("Found two parameters on different devices, this is currently not supported.")
    return old


def parameters_to_vector(parameters):
    """One 1-D tensor holding every parameter's values, in order (differentiable).

    Example::

        >>> layer = ember.nn.Linear(2, 1)
        >>> with ember.no_grad():
        ...     _ = layer.weight.copy_(ember.tensor([[1., 2.]]))
        ...     _ = layer.bias.fill_(3.)
        ...
        >>> ember.nn.utils.parameters_to_vector(layer.parameters())
        tensor([1., 2., 3.], grad_fn=<CatBackward0>)
    """
    from ember.ops.shape import cat
    device = None
    vec = []
    for param in parameters:
        device = _check_same_device(param, device)
        vec.append(param.view(-1))
    return cat(vec)


def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of ``vec`` into the parameters' ``.data``.

    Example::

        >>> layer = ember.nn.Linear(2, 1)
        >>> ember.nn.utils.vector_to_parameters(ember.tensor([1., 2., 3.]), layer.parameters())
        >>> layer.weight, layer.bias
        (Parameter containing:
        tensor([[1., 2.]], requires_grad=True), Parameter containing:
        tensor([3.], requires_grad=True))
    """
    if not isinstance(vec, Tensor):
        from ember._legacy import typename
        raise TypeError(f"expected ember.Tensor, but got: {typename(vec)}")
    device = None
    pointer = 0
    for param in parameters:
        device = _check_same_device(param, device)
        n = param.numel()
        param.data = vec[pointer:pointer + n].view_as(param).data
        pointer += n
