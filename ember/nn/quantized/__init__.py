"""``torch.nn.quantized``, PyTorch's older home for :mod:`ember.ao.nn.quantized` (the same modules)."""
from ember.ao.nn.quantized import *  # noqa: F401,F403
from ember.ao.nn.quantized import __all__, dynamic  # noqa: F401
