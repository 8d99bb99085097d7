"""``torch.nn.quantized.dynamic``: the dynamically quantized modules of :mod:`ember.ao.nn.quantized.dynamic`."""
from ember.ao.nn.quantized.dynamic import *  # noqa: F401,F403
from ember.ao.nn.quantized.dynamic import __all__  # noqa: F401
