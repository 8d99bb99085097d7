"""The dynamically quantized Linear + ReLU (made from a fused ``LinearReLU`` by ``quantize_dynamic``)."""
import ember
from ember.quantized import _dtypes, _fp16_weights
from ember.ao.nn.quantized.dynamic.linear import Linear, _linear_dynamic

__all__ = ['LinearReLU']


class LinearReLU(Linear):
    """A dynamically quantized linear layer followed by ReLU (int8 or float16 weights); arguments as
    :class:`ember.ao.nn.quantized.dynamic.Linear`.

    Example::

        >>> m = ember.ao.nn.intrinsic.quantized.dynamic.LinearReLU(3, 2)
        >>> m
        DynamicQuantizedLinearReLU(in_features=3, out_features=2, dtype=ember.qint8, qscheme=ember.per_tensor_affine)
        >>> bool((m(ember.randn(4, 3)) >= 0).all())
        True
    """

    def __init__(self, in_features, out_features, bias=True, dtype=_dtypes.qint8):
        super().__init__(in_features, out_features, bias, dtype)

    def forward(self, x):
        weight, bias = self._weight_bias()
        if self._packed_params.dtype is _dtypes.qint8:
            out = _linear_dynamic(x, weight, bias, reduce_range=True)
        elif self._packed_params.dtype is ember.float16:
            out = _fp16_weights.linear(x, weight, bias).detach()
        else:
            raise RuntimeError("Unsupported dtype on dynamic quantized linear relu!")
        return ember.relu(out).to(x.dtype)

    def _get_name(self):
        return 'DynamicQuantizedLinearReLU'

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        return super().from_float(mod, use_precomputed_fake_quant=use_precomputed_fake_quant)
