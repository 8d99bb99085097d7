"""``torch.nn.qat``, PyTorch's older home for :mod:`ember.ao.nn.qat` (the same modules)."""
from ember.ao.nn.qat import *  # noqa: F401,F403
from ember.ao.nn.qat import __all__  # noqa: F401
