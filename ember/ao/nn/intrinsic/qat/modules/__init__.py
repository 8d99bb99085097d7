"""Fused modules for quantization-aware training (``torch.ao.nn.intrinsic.qat.modules``)."""
from ember.ao.nn.intrinsic.qat.modules.linear_relu import LinearReLU  # noqa: F401
from ember.ao.nn.intrinsic.qat.modules.conv_fused import *  # noqa: F401,F403
from ember.ao.nn.intrinsic.qat.modules.conv_fused import __all__ as _conv_all

__all__ = ['LinearReLU', *_conv_all]
