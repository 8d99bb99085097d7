"""Gradients of convolutions with respect to their input or their weight (``torch.nn.grad``).

``convNd_input(input_size, weight, grad_output, ...)`` is what backpropagating ``grad_output``
through ``F.convNd(input, weight, ...)`` gives the input; ``convNd_weight(input, weight_size,
grad_output, ...)`` what it gives the weight. A convolution is linear in each of its operands, so
each is the gradient of one convolution whose other operand is zeros of the given size: the result
is exact and itself differentiable (in ``weight``/``input`` and ``grad_output``).
"""
import ember
from ember.autograd import grad_mode

__all__ = ['conv1d_input', 'conv1d_weight', 'conv2d_input', 'conv2d_weight', 'conv3d_input', 'conv3d_weight']


def _conv(dims):
    import ember.nn.functional as F
    return (F.conv1d, F.conv2d, F.conv3d)[dims - 1]


def _gradient(dims, wrt_input, given, size, grad_output, stride, padding, dilation, groups):
    """The gradient of ``<conv(input, weight), grad_output>`` for the operand of ``size`` (zeros:
    the value does not matter, the convolution is linear in it)."""
    size = tuple(size)
    if wrt_input and len(size) != dims + 2:
        raise RuntimeError(f"Expected {dims + 2}-dimensional input for {dims + 2}-dimensional weight "
                           f"{list(given.shape)}, but got {len(size)}-dimensional input of size {list(size)} instead")
    graph = grad_mode.is_grad_enabled() and (given.requires_grad or grad_output.requires_grad)
    with grad_mode.enable_grad():
        free = ember.zeros(size, dtype=given.dtype, device=given.device, requires_grad=True)
        args = (free, given) if wrt_input else (given, free)
        out = _conv(dims)(*args, None, stride, padding, dilation, groups)
        _check_grad_output(out, grad_output)
        (result,) = ember.autograd.grad(out, free, grad_output, create_graph=graph)
    return result


def _check_grad_output(out, grad_output):
    if tuple(out.shape) == tuple(grad_output.shape):
        return
    d = next((i for i, (a, b) in enumerate(zip(out.shape, grad_output.shape)) if a != b), min(out.ndim, grad_output.ndim))
    want = out.shape[d] if d < out.ndim else 0
    got = grad_output.shape[d] if d < grad_output.ndim else 0
    # NOTE: PyTorch runs 1-D convolutions as 2-D ones of height 1 and reports that tensor's dims
    shift = 1 if out.ndim == 3 and d >= 2 else 0
    raise RuntimeError(f"Expected a tensor of dimension {out.ndim + (out.ndim == 3)} and tensor.size[{d + shift}] == "
                       f"{want} but got: dimension {grad_output.ndim + (grad_output.ndim == 3)} and "
                       f"tensor.size[{d + shift}] = {got}")


def conv1d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """The gradient of ``F.conv1d`` with respect to its input, of size ``input_size`` ``(N, C_in, L)``.

    Example:
        >>> ember.nn.grad.conv1d_input((1, 1, 3), ember.ones(1, 1, 2), ember.ones(1, 1, 2))
        tensor([[[1., 2., 1.]]])
    """
    return _gradient(1, True, weight, input_size, grad_output, stride, padding, dilation, groups)


def conv1d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """The gradient of ``F.conv1d`` with respect to its weight, of size ``weight_size``.

    Example:
        >>> ember.nn.grad.conv1d_weight(ember.tensor([[[1., 2., 3.]]]), (1, 1, 2), ember.ones(1, 1, 2))
        tensor([[[3., 5.]]])
    """
    return _gradient(1, False, input, weight_size, grad_output, stride, padding, dilation, groups)


def conv2d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """The gradient of ``F.conv2d`` with respect to its input, of size ``input_size`` ``(N, C_in, H, W)``.

    Example:
        >>> ember.nn.grad.conv2d_input((1, 1, 2, 2), ember.ones(1, 1, 1, 1), ember.ones(1, 1, 2, 2) * 3)
        tensor([[[[3., 3.],
                  [3., 3.]]]])
    """
    return _gradient(2, True, weight, input_size, grad_output, stride, padding, dilation, groups)


def conv2d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """The gradient of ``F.conv2d`` with respect to its weight, of size ``weight_size``.

    Example:
        >>> ember.nn.grad.conv2d_weight(ember.ones(1, 1, 3, 3), (1, 1, 2, 2), ember.ones(1, 1, 2, 2))
        tensor([[[[4., 4.],
                  [4., 4.]]]])
    """
    return _gradient(2, False, input, weight_size, grad_output, stride, padding, dilation, groups)


def conv3d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """The gradient of ``F.conv3d`` with respect to its input, of size ``input_size`` ``(N, C_in, D, H, W)``.

    Example:
        >>> ember.nn.grad.conv3d_input((1, 1, 2, 1, 1), ember.ones(1, 1, 1, 1, 1) * 2, ember.ones(1, 1, 2, 1, 1)).flatten()
        tensor([2., 2.])
    """
    return _gradient(3, True, weight, input_size, grad_output, stride, padding, dilation, groups)


def conv3d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """The gradient of ``F.conv3d`` with respect to its weight, of size ``weight_size``.

    Example:
        >>> ember.nn.grad.conv3d_weight(ember.ones(1, 1, 2, 2, 2), (1, 1, 1, 1, 1), ember.ones(1, 1, 2, 2, 2)).flatten()
        tensor([8.])
    """
    return _gradient(3, False, input, weight_size, grad_output, stride, padding, dilation, groups)
