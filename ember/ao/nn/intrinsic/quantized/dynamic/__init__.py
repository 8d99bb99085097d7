"""Dynamically quantized fused modules (``torch.ao.nn.intrinsic.quantized.dynamic``)."""
from ember.ao.nn.intrinsic.quantized.dynamic.modules import *  # noqa: F401,F403
from ember.ao.nn.intrinsic.quantized.dynamic.modules import __all__  # noqa: F401
