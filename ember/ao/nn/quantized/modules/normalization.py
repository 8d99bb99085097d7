"""Quantized LayerNorm, GroupNorm and InstanceNorm1d/2d/3d: the float modules' arguments and parameters plus
an output scale and zero point (buffers); quantized tensors in and out (ember/quantized/_qnorm.py)."""
import ember
from ember import nn
from ember.quantized import _qnorm

__all__ = ['LayerNorm', 'GroupNorm', 'InstanceNorm1d', 'InstanceNorm2d', 'InstanceNorm3d']


def _set_qparams(module, weight, bias, scale, zero_point, factory_kwargs):
    module.weight = weight
    module.bias = bias
    module.register_buffer('scale', ember.tensor(scale, **factory_kwargs))
    module.register_buffer('zero_point', ember.tensor(zero_point, **factory_kwargs))


class LayerNorm(nn.LayerNorm):
    """Layer normalisation of a quantized tensor, requantized to ``scale``/``zero_point``.

    Args:
        normalized_shape, eps, elementwise_affine: as :class:`ember.nn.LayerNorm`.
        weight, bias: the float affine parameters (``nn.Parameter`` or None).
        scale (float), zero_point (int): the output quantization.

    Example::

        >>> ln = ember.ao.nn.quantized.LayerNorm([4], nn.Parameter(ember.ones(4)), nn.Parameter(ember.zeros(4)),
        ...                                     0.05, 128)
        >>> q = ember.quantize_per_tensor(ember.tensor([[0.0, 1.0, 2.0, 3.0]]), 0.1, 0, ember.quint8)
        >>> ln(q).int_repr()
        tensor([[101, 119, 137, 155]], dtype=ember.uint8)
    """

    def __init__(self, normalized_shape, weight, bias, scale, zero_point, eps=1e-5, elementwise_affine=True,
                 device=None, dtype=None):
        factory_kwargs = {'device': device, 'dtype': dtype}
        super().__init__(normalized_shape, eps=eps, elementwise_affine=elementwise_affine, **factory_kwargs)
        _set_qparams(self, weight, bias, scale, zero_point, factory_kwargs)

    def forward(self, input):
        return _qnorm.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps,
                                 float(self.scale), int(self.zero_point))

    def _get_name(self):
        return 'QuantizedLayerNorm'

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        scale, zero_point = mod.activation_post_process.calculate_qparams()
        return cls(mod.normalized_shape, mod.weight, mod.bias, float(scale), int(zero_point), mod.eps,
                   mod.elementwise_affine)

    @classmethod
    def from_reference(cls, mod, scale, zero_point):
        return cls(mod.normalized_shape, mod.weight, mod.bias, float(scale), int(zero_point), mod.eps,
                   mod.elementwise_affine)


class GroupNorm(nn.GroupNorm):
    """Group normalisation of a quantized tensor, requantized to ``scale``/``zero_point``.

    Args:
        num_groups, num_channels, eps, affine: as :class:`ember.nn.GroupNorm`.
        weight, bias: the float affine parameters (``nn.Parameter`` or None).
        scale (float), zero_point (int): the output quantization.
    """
    __constants__ = ['num_groups', 'num_channels', 'eps', 'affine']

    def __init__(self, num_groups, num_channels, weight, bias, scale, zero_point, eps=1e-5, affine=True,
                 device=None, dtype=None):
        factory_kwargs = {'device': device, 'dtype': dtype}
        super().__init__(num_groups, num_channels, eps, affine, **factory_kwargs)
        _set_qparams(self, weight, bias, scale, zero_point, factory_kwargs)

    def forward(self, input):
        return _qnorm.group_norm(input, self.num_groups, self.weight, self.bias, self.eps, float(self.scale),
                                 int(self.zero_point))

    def _get_name(self):
        return 'QuantizedGroupNorm'

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        scale, zero_point = mod.activation_post_process.calculate_qparams()
        return cls(mod.num_groups, mod.num_channels, mod.weight, mod.bias, float(scale), int(zero_point), mod.eps,
                   mod.affine)


class _InstanceNorm:
    """What the quantized InstanceNorm1d/2d/3d share (mixed in before the float class)."""

    def __init__(self, num_features, weight, bias, scale, zero_point, eps=1e-5, momentum=0.1, affine=False,
                 track_running_stats=False, device=None, dtype=None):
        factory_kwargs = {'device': device, 'dtype': dtype}
        super().__init__(num_features, eps, momentum, affine, track_running_stats, **factory_kwargs)
        _set_qparams(self, weight, bias, scale, zero_point, factory_kwargs)

    def forward(self, input):
        return _qnorm.instance_norm(input, self.weight, self.bias, self.eps, float(self.scale), int(self.zero_point))

    def _get_name(self):
        return 'Quantized' + type(self).__name__

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        scale, zero_point = mod.activation_post_process.calculate_qparams()
        return cls(mod.num_features, mod.weight, mod.bias, float(scale), int(zero_point), mod.eps, mod.affine)

    @classmethod
    def from_reference(cls, mod, scale, zero_point):
        return cls(mod.num_features, mod.weight, mod.bias, float(scale), int(zero_point), mod.eps, mod.affine)


class InstanceNorm1d(_InstanceNorm, nn.InstanceNorm1d):
    """Instance normalisation of a quantized (N, C, L) tensor, requantized to ``scale``/``zero_point``."""


class InstanceNorm2d(_InstanceNorm, nn.InstanceNorm2d):
    """Instance normalisation of a quantized (N, C, H, W) tensor, requantized to ``scale``/``zero_point``."""


class InstanceNorm3d(_InstanceNorm, nn.InstanceNorm3d):
    """Instance normalisation of a quantized (N, C, D, H, W) tensor, requantized to ``scale``/``zero_point``."""
