"""Quantized batch normalisation (inference): the statistics fold into one multiply-add per channel on the
integers, rounded once to the output's scale and zero point."""
import ember
from ember import nn
from ember.quantized import _qops
from ember.nn.modules.normalization import _BatchNorm as _FloatBatchNorm

__all__ = ['BatchNorm2d', 'BatchNorm3d']


class _BatchNorm(_FloatBatchNorm):
    _DIMS = 4
    _relu = False

    def __init__(self, num_features, eps=1e-5, momentum=0.1, device=None, dtype=None):
        super().__init__(num_features, eps, momentum, True, True)
        self.register_buffer('scale', ember.tensor(1.0))
        self.register_buffer('zero_point', ember.tensor(0))

    def forward(self, input):
        if input.ndim != self._DIMS:
            raise ValueError(f"Input shape must be `(N, C, {'H, W' if self._DIMS == 4 else 'D, H, W'})`!")
        return _qops.batch_norm(input, self.weight, self.bias, self.running_mean, self.running_var, self.eps,
                                float(self.scale), int(self.zero_point), relu=self._relu)

    def _get_name(self):
        return f'Quantized{type(self).__name__}'

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """The quantized normalisation for a prepared float BatchNorm (or fused BatchNorm + ReLU)."""
        from ember.ao.nn.intrinsic.modules.fused import _FusedModule
        activation_post_process = mod.activation_post_process
        if isinstance(mod, _FusedModule):
            mod = mod[0]
        scale, zero_point = activation_post_process.calculate_qparams()
        new_mod = cls(mod.num_features, mod.eps)
        new_mod.weight = mod.weight
        new_mod.bias = mod.bias
        new_mod.running_mean = mod.running_mean
        new_mod.running_var = mod.running_var
        new_mod.scale = scale
        new_mod.zero_point = zero_point
        return new_mod


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of a quantized ``(N, C, H, W)`` tensor with running statistics.

    Args:
        num_features (int): C.
        eps (float): added to the variance.
        momentum (float): kept for the float module's state.
    """
    _DIMS = 4


class BatchNorm3d(_BatchNorm):
    """Batch normalisation of a quantized ``(N, C, D, H, W)`` tensor with running statistics.

    Args:
        num_features (int): C.
        eps (float): added to the variance.
        momentum (float): kept for the float module's state.
    """
    _DIMS = 5
