"""Fused modules for quantization-aware training (``torch.ao.nn.intrinsic.qat``)."""
from ember.ao.nn.intrinsic.qat.modules import *  # noqa: F401,F403
from ember.ao.nn.intrinsic.qat.modules import __all__  # noqa: F401
