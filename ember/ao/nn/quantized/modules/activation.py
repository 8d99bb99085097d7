"""Quantized activations: ReLU6 clamps the integers; Hardswish, ELU, LeakyReLU and Sigmoid compute on the
dequantized values and requantize to their own output scale and zero point."""
import numpy as np

import ember
from ember import nn
from ember.quantized import _qops

__all__ = ['ReLU6', 'Hardswish', 'ELU', 'LeakyReLU', 'Sigmoid', 'Softmax', 'PReLU']

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


class Softmax(nn.Softmax):
    """Softmax of a quantized tensor along ``dim``, requantized to ``scale``/``zero_point``: the values are
    dequantized, the float softmax taken and quantized again, as PyTorch's x86 kernel does.

    Args:
        dim (int): the dimension the softmax runs along.
        scale (float), zero_point (int): the output quantization.
    """

    def __init__(self, dim=None, scale=1.0, zero_point=0):
        super().__init__()
        self.dim = dim
        self.scale = scale
        self.zero_point = zero_point

    def forward(self, input):
        import warnings
        dim = self.dim
        if dim is None:
            warnings.warn("Implicit dimension choice for softmax has been deprecated. Change the call to include "
                          "dim=X as an argument.", stacklevel=2)
            dim = 0 if input.dim() in (0, 1, 3) else 1
        if not getattr(input, 'is_quantized', False):
            raise NotImplementedError("Could not run 'quantized::softmax' with arguments from the 'CPU' backend.")
        values = ember.softmax(input.dequantize(), dim)
        return ember.quantize_per_tensor(values, float(self.scale), int(self.zero_point), input.dtype)

    def _get_name(self):
        return 'QuantizedSoftmax'

    @staticmethod
    def from_float(mod, use_precomputed_fake_quant=False):
        scale, zero_point = mod.activation_post_process.calculate_qparams()
        return Softmax(mod.dim, float(scale), int(zero_point))

    @classmethod
    def from_reference(cls, mod, scale, zero_point):
        return cls(mod.dim, float(scale), int(zero_point))


class PReLU(nn.Module):
    """PReLU of a quantized tensor with a quantized (quint8) slope per channel, computed on the integers and
    requantized to ``output_scale``/``output_zero_point`` as PyTorch's kernel does.

    Args:
        output_scale (float), output_zero_point (int): the output quantization.
        num_parameters (int): 1, or the number of input channels.

    Example::

        >>> m = ember.ao.nn.quantized.PReLU(0.05, 100)
        >>> m.set_weight(ember.quantize_per_tensor(ember.tensor([0.25]), 0.01, 0, ember.quint8))
        >>> x = ember.quantize_per_tensor(ember.tensor([-2.0, 1.0]), 0.1, 50, ember.quint8)
        >>> m(x).dequantize()
        tensor([-0.5000,  1.0000])
    """

    def __init__(self, output_scale, output_zero_point, num_parameters=1):
        super().__init__()
        self.num_parameters = num_parameters
        self.scale = output_scale
        self.zero_point = output_zero_point
        w = ember.randn(num_parameters, dtype=ember.float32)
        self.set_weight(ember.quantize_per_tensor(w, scale=1.0, zero_point=0, dtype=_dtypes_quint8()))

    def set_weight(self, w):
        self.weight = w

    def forward(self, input):
        return _qops.prelu(input, self.weight, float(self.scale), int(self.zero_point))

    def _get_name(self):
        return 'QuantizedPReLU'

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        scale, zero_point = mod.activation_post_process.calculate_qparams()
        return cls._with_observed_weight(mod, float(scale), int(zero_point))

    @classmethod
    def from_reference(cls, mod, scale, zero_point):
        return cls._with_observed_weight(mod, float(scale), int(zero_point))

    @classmethod
    def _with_observed_weight(cls, mod, scale, zero_point):
        import warnings
        qprelu = cls(scale, zero_point, mod.num_parameters)
        float_wt = mod.weight.float()
        observer = mod.qconfig.weight()
        observer(float_wt)
        if observer.dtype is not _dtypes_quint8():
            warnings.warn(f"PReLU's weight observer should have dtype quint8 but got {observer.dtype}", stacklevel=3)
        wt_scale, wt_zp = observer.calculate_qparams()
        qprelu.set_weight(ember.quantize_per_tensor(float_wt, float(wt_scale), int(wt_zp), _dtypes_quint8()))
        return qprelu


def _dtypes_quint8():
    from ember.quantized import _dtypes
    return _dtypes.quint8
