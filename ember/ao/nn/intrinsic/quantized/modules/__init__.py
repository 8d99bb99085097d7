"""Quantized fused modules (``torch.ao.nn.intrinsic.quantized.modules``)."""
from ember.ao.nn.intrinsic.quantized.modules.conv_relu import ConvReLU1d, ConvReLU2d, ConvReLU3d  # noqa: F401
from ember.ao.nn.intrinsic.quantized.modules.linear_relu import LinearReLU  # noqa: F401
from ember.ao.nn.intrinsic.quantized.modules.bn_relu import BNReLU2d, BNReLU3d  # noqa: F401

__all__ = ['BNReLU2d', 'BNReLU3d', 'ConvReLU1d', 'ConvReLU2d', 'ConvReLU3d', 'LinearReLU']
