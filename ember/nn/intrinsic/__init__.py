"""``torch.nn.intrinsic``, PyTorch's older home for :mod:`ember.ao.nn.intrinsic` (the same modules)."""
from ember.ao.nn.intrinsic import *  # noqa: F401,F403
from ember.ao.nn.intrinsic import __all__, _FusedModule  # noqa: F401
from ember.nn.intrinsic import quantized, qat  # noqa: F401
