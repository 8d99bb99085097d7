"""Modules for quantization-aware training (``torch.ao.nn.qat``): float layers whose weights pass through
fake quantization."""
from ember.ao.nn.qat.modules import *  # noqa: F401,F403
from ember.ao.nn.qat.modules import __all__  # noqa: F401
