"""Quantized BatchNorm + ReLU: the ReLU is the lower clamp at the output zero point."""
from ember.ao.nn.quantized.modules import batchnorm

__all__ = ['BNReLU2d', 'BNReLU3d']


class BNReLU2d(batchnorm.BatchNorm2d):
    """A quantized BatchNorm2d whose output passes through ReLU (made from a fused ``BNReLU2d``)."""
    _relu = True

    def _get_name(self):
        return 'QuantizedBNReLU2d'


class BNReLU3d(batchnorm.BatchNorm3d):
    """A quantized BatchNorm3d whose output passes through ReLU (made from a fused ``BNReLU3d``)."""
    _relu = True

    def _get_name(self):
        return 'QuantizedBNReLU3d'
