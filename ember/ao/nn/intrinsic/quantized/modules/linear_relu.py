"""Quantized Linear + ReLU: the ReLU is the requantization's lower clamp at the output zero point."""
from ember.ao.nn.quantized.modules.linear import Linear

__all__ = ['LinearReLU']


class LinearReLU(Linear):
    """A quantized Linear whose output passes through ReLU (made from a fused ``LinearReLU``).

    Example::

        >>> ember.ao.nn.intrinsic.quantized.LinearReLU(4, 2)
        QuantizedLinearReLU(in_features=4, out_features=2, scale=1.0, zero_point=0, qscheme=ember.per_tensor_affine)
    """
    _relu = True

    def _get_name(self):
        return 'QuantizedLinearReLU'

    @classmethod
    def _float_modules(cls):
        from ember.ao.nn.intrinsic.modules.fused import LinearReLU as FusedLinearReLU
        return (FusedLinearReLU,)
