"""Functions on quantized tensors (``torch.ao.nn.quantized.functional``): convolutions and linear layers with
an explicit output scale and zero point, pooling and activations that keep the input's parameters or take
new ones."""
import ember
from ember.quantized import _fbgemm, _qops
from ember.quantized._qtensor import QTensor

__all__ = ['conv1d', 'conv2d', 'conv3d', 'linear', 'hardswish', 'hardtanh', 'clamp', 'leaky_relu', 'elu',
           'max_pool1d', 'max_pool2d', 'avg_pool2d', 'adaptive_avg_pool2d', 'adaptive_avg_pool3d', 'threshold',
           'hardsigmoid']


def _tuple(value, n):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


def _conv(n, input, weight, bias, stride, padding, dilation, groups, padding_mode, scale, zero_point, dtype):
    if padding_mode != 'zeros':
        raise NotImplementedError("Only zero-padding is supported!")
    if dtype is not ember.quint8:
        raise NotImplementedError("Only torch.quint8 is supported for activation tensor!")
    if weight.dtype is not ember.qint8:
        raise NotImplementedError("Only torch.qint8 is supported for weight tensor!")
    if input.ndim != n + 2:
        raise ValueError(f"Input shape must be `(N, C, {', '.join('DHW'[3 - n:])})`!")
    return _fbgemm.conv(input, weight, bias, _tuple(stride, n), _tuple(padding, n), _tuple(dilation, n), groups,
                        scale, zero_point)


def conv1d(input, weight, bias, stride=1, padding=0, dilation=1, groups=1, padding_mode='zeros', scale=1.0,
           zero_point=0, dtype=ember.quint8):
    """A 1-d convolution of a quint8 tensor with a qint8 weight, quantized to ``scale``/``zero_point``.

    Example::

        >>> from ember.ao.nn.quantized import functional as qF
        >>> x = ember.quantize_per_tensor(ember.ones(1, 1, 4), 0.1, 0, ember.quint8)
        >>> w = ember.quantize_per_tensor(ember.ones(1, 1, 2), 0.1, 0, ember.qint8)
        >>> qF.conv1d(x, w, None, scale=0.1).dequantize()
        tensor([[[2., 2., 2.]]])
    """
    return _conv(1, input, weight, bias, stride, padding, dilation, groups, padding_mode, scale, zero_point, dtype)


def conv2d(input, weight, bias, stride=1, padding=0, dilation=1, groups=1, padding_mode='zeros', scale=1.0,
           zero_point=0, dtype=ember.quint8):
    """A 2-d convolution of a quint8 tensor with a qint8 weight, quantized to ``scale``/``zero_point``."""
    return _conv(2, input, weight, bias, stride, padding, dilation, groups, padding_mode, scale, zero_point, dtype)


def conv3d(input, weight, bias, stride=1, padding=0, dilation=1, groups=1, padding_mode='zeros', scale=1.0,
           zero_point=0, dtype=ember.quint8):
    """A 3-d convolution of a quint8 tensor with a qint8 weight, quantized to ``scale``/``zero_point``."""
    return _conv(3, input, weight, bias, stride, padding, dilation, groups, padding_mode, scale, zero_point, dtype)


def linear(input, weight, bias=None, scale=None, zero_point=None):
    """``input @ weight.T + bias`` for a quint8 input and a qint8 weight, quantized to ``scale``/``zero_point``
    (the input's when not given)."""
    scale = input.q_scale() if scale is None else scale
    zero_point = input.q_zero_point() if zero_point is None else zero_point
    return _fbgemm.linear(input, weight, bias, scale, zero_point)


def hardswish(input, scale, zero_point):
    """Hardswish of a quantized tensor, requantized to ``scale``/``zero_point``."""
    if not isinstance(input, QTensor):
        raise ValueError("Input to 'quantized.hardswish' must be quantized!")
    return _qops.hardswish(input, float(scale), int(zero_point))


def hardsigmoid(input, inplace=False):
    """Hardsigmoid of a quantized tensor, with PyTorch's fixed output parameters (scale 1/256; zero point 0,
    or -128 for qint8).

    Example::

        >>> q = ember.quantize_per_tensor(ember.tensor([-4.0, 0.0, 1.5]), 0.1, 40, ember.quint8)
        >>> ember.ao.nn.quantized.functional.hardsigmoid(q).int_repr()
        tensor([  0, 128, 192], dtype=ember.uint8)
    """
    if not isinstance(input, QTensor):
        raise ValueError("Input to 'quantized.hardsigmoid' must be quantized!")
    return _qops.dispatch_hardsigmoid(input, inplace)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """``input`` clamped to ``[min_val, max_val]`` on its integers."""
    if not isinstance(input, QTensor):
        raise ValueError("Input to 'quantized.hardtanh' must be quantized!")
    out = _qops.clamp_values(input, min_val, max_val)
    if inplace:
        input._int[...] = out._int
        return input
    return out


def clamp(input, min_, max_):
    """``input`` clamped to ``[min_, max_]`` on its integers."""
    if not isinstance(input, QTensor):
        raise ValueError("Input to 'clamp' must be quantized!")
    return _qops.clamp_values(input, min_, max_)


def threshold(input, threshold, value):
    """Values at most ``threshold`` replaced by ``value``, requantized with the input's parameters."""
    if not isinstance(input, QTensor):
        raise ValueError("Input to 'quantized.threshold' must be quantized!")
    import numpy as np
    t, v = np.float32(threshold), np.float32(value)
    return _qops.elementwise(input, lambda x: np.where(x > t, x, v))


def leaky_relu(input, negative_slope=0.01, inplace=False, scale=None, zero_point=None):
    """Leaky ReLU of a quantized tensor, requantized to ``scale``/``zero_point`` (the input's by default)."""
    import numpy as np
    slope = np.float32(negative_slope)
    return _qops.elementwise(input, lambda x: np.where(x > 0, x, x * slope), scale, zero_point)


def elu(input, scale, zero_point, alpha=1.0):
    """ELU of a quantized tensor, requantized to ``scale``/``zero_point``."""
    import numpy as np
    a = np.float32(alpha)
    return _qops.elementwise(input, lambda x: np.where(x > 0, x, a * (np.exp(x) - np.float32(1))), scale,
                             zero_point)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Max pooling of a quantized ``(N, C, L)`` tensor on its integers."""
    if return_indices:
        raise NotImplementedError("return_indices is not yet implemented!")
    return ember.nn.functional.max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Max pooling of a quantized ``(N, C, H, W)`` tensor on its integers."""
    if return_indices:
        raise NotImplementedError("return_indices is not yet implemented!")
    return ember.nn.functional.max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """Average pooling of a quantized tensor (the output keeps its parameters)."""
    if not isinstance(input, QTensor):
        raise ValueError("Input to 'quantized.avg_pool2d' must be quantized!")
    return ember.nn.functional.avg_pool2d(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                                          divisor_override)


def adaptive_avg_pool2d(input, output_size):
    """Adaptive average pooling of a quantized tensor (the output keeps its parameters)."""
    if not isinstance(input, QTensor):
        raise ValueError("Input to 'quantized.functional.adaptive_avg_pool2d' must be quantized!")
    return _qops.adaptive_avg_pool(input, _tuple(output_size, 2))


def adaptive_avg_pool3d(input, output_size):
    """Adaptive average pooling of a quantized 3-d volume (the output keeps its parameters)."""
    if not isinstance(input, QTensor):
        raise ValueError("Input to 'quantized.functional.adaptive_avg_pool3d' must be quantized!")
    return _qops.adaptive_avg_pool(input, _tuple(output_size, 3))
