"""Quantized activations: ReLU6 clamps the integers; Hardswish, ELU, LeakyReLU and Sigmoid compute on the
dequantized values and requantize to their own output scale and zero point."""
import numpy as np

import ember
from ember import nn
from ember.quantized import _qops

__all__ = ['ReLU6', 'Hardswish', 'ELU', 'LeakyReLU', 'Sigmoid']

_F32 = np.float32


class ReLU6(nn.ReLU):
    """``min(max(x, 0), 6)`` on a quantized tensor, on its integers (the output keeps the input's scale and
    zero point).

    Example::

        >>> q = ember.quantize_per_tensor(ember.tensor([-1.0, 3.0, 7.0]), 0.5, 4, ember.quint8)
        >>> ember.ao.nn.quantized.ReLU6()(q).dequantize()
        tensor([0., 3., 6.])
    """

    def __init__(self, inplace=False):
        super().__init__(inplace)
        self.inplace = inplace

    def forward(self, input):
        out = _qops.relu6(input)
        if self.inplace:
            input._int[...] = out._int
            return input
        return out

    def _get_name(self):
        return 'QuantizedReLU6'

    @staticmethod
    def from_float(mod, use_precomputed_fake_quant=False):
        return ReLU6(mod.inplace)


class _RequantizingActivation:
    """Mixin: a scale and zero point kept as buffers, set from the float module's output observer."""

    def _init_qparams(self, scale, zero_point):
        self.register_buffer('scale', ember.tensor(scale))
        self.register_buffer('zero_point', ember.tensor(zero_point))

    def _qparams(self):
        return float(self.scale), int(self.zero_point)


class Hardswish(_RequantizingActivation, nn.Hardswish):
    """``x * relu6(x + 3) / 6`` on a quantized tensor, requantized to ``scale``/``zero_point``.

    Args:
        scale (float): the output scale.
        zero_point (int): the output zero point.
    """

    def __init__(self, scale, zero_point, device=None, dtype=None):
        super().__init__()
        self._init_qparams(scale, zero_point)

    def forward(self, input):
        return _qops.hardswish(input, *self._qparams())

    def _get_name(self):
        return 'QuantizedHardswish'

    @staticmethod
    def from_float(mod, use_precomputed_fake_quant=False):
        scale, zero_point = mod.activation_post_process.calculate_qparams()
        return Hardswish(float(scale), int(zero_point))


class ELU(_RequantizingActivation, nn.ELU):
    """ELU on a quantized tensor, requantized to ``scale``/``zero_point``.

    Args:
        scale (float): the output scale.
        zero_point (int): the output zero point.
        alpha (float): the ELU's alpha.
    """

    def __init__(self, scale, zero_point, alpha=1.0):
        super().__init__(alpha)
        self.scale, self.zero_point = scale, zero_point

    def forward(self, input):
        alpha = _F32(self.alpha)
        return _qops.elementwise(input, lambda x: np.where(x > 0, x, alpha * (np.exp(x) - _F32(1))).astype(_F32),
                                 self.scale, self.zero_point)

    def _get_name(self):
        return 'QuantizedELU'

    @staticmethod
    def from_float(mod, use_precomputed_fake_quant=False):
        scale, zero_point = mod.activation_post_process.calculate_qparams()
        return ELU(float(scale), int(zero_point), mod.alpha)


class LeakyReLU(_RequantizingActivation, nn.LeakyReLU):
    """Leaky ReLU on a quantized tensor, requantized to ``scale``/``zero_point``.

    Args:
        scale (float): the output scale.
        zero_point (int): the output zero point.
        negative_slope (float): the slope below zero.
        inplace (bool): accepted for PyTorch's signature; a new tensor is returned.
    """

    def __init__(self, scale, zero_point, negative_slope=1e-2, inplace=False, device=None, dtype=None):
        super().__init__(negative_slope, inplace)
        self._init_qparams(scale, zero_point)

    def forward(self, input):
        slope = _F32(self.negative_slope)
        return _qops.elementwise(input, lambda x: np.where(x > 0, x, x * slope).astype(_F32), *self._qparams())

    def _get_name(self):
        return 'QuantizedLeakyReLU'

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        scale, zero_point = mod.activation_post_process.calculate_qparams()
        return cls(float(scale), int(zero_point), mod.negative_slope, mod.inplace)


class Sigmoid(nn.Sigmoid):
    """The logistic sigmoid on a quantized tensor, requantized to ``output_scale``/``output_zero_point``.

    Args:
        output_scale (float): the output scale.
        output_zero_point (int): the output zero point.
    """

    def __init__(self, output_scale, output_zero_point):
        super().__init__()
        self.output_scale = output_scale
        self.output_zero_point = output_zero_point

    def forward(self, input):
        return _qops.elementwise(input, lambda x: (_F32(1) / (_F32(1) + np.exp(-x))).astype(_F32),
                                 self.output_scale, self.output_zero_point)

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        scale, zero_point = mod.activation_post_process.calculate_qparams()
        return cls(float(scale), int(zero_point))
