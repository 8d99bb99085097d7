"""Quantized fused modules (``torch.ao.nn.intrinsic.quantized``)."""
from ember.ao.nn.intrinsic.quantized.modules import *  # noqa: F401,F403
from ember.ao.nn.intrinsic.quantized.modules import __all__  # noqa: F401
from ember.ao.nn.intrinsic.quantized import dynamic  # noqa: F401,E402
