"""Quantized convolution + ReLU: the ReLU is the requantization's lower clamp at the output zero point."""
from ember import nn
from ember.ao.nn.quantized.modules import conv as nnq_conv

__all__ = ['ConvReLU1d', 'ConvReLU2d', 'ConvReLU3d']


class _ConvReLU:
    _relu = True

    def _get_name(self):
        return f'QuantizedConvReLU{self._DIMS}d'

    @classmethod
    def _float_module(cls):
        from ember.ao.nn.intrinsic.modules import fused
        return getattr(fused, f'ConvReLU{cls._DIMS}d')


class ConvReLU1d(_ConvReLU, nnq_conv.Conv1d):
    """A quantized Conv1d whose output passes through ReLU (made from a fused ``ConvReLU1d``)."""


class ConvReLU2d(_ConvReLU, nnq_conv.Conv2d):
    """A quantized Conv2d whose output passes through ReLU (made from a fused ``ConvReLU2d``).

    Example::

        >>> ember.ao.nn.intrinsic.quantized.ConvReLU2d(3, 4, 3)
        QuantizedConvReLU2d(3, 4, kernel_size=(3, 3), stride=(1, 1), scale=1.0, zero_point=0)
    """


class ConvReLU3d(_ConvReLU, nnq_conv.Conv3d):
    """A quantized Conv3d whose output passes through ReLU (made from a fused ``ConvReLU3d``)."""
