"""Quantized modules (``torch.ao.nn.quantized``): the statically quantized ones here,
``ember.ao.nn.quantized.dynamic`` the dynamically quantized ones, ``functional`` the functions."""
from ember.ao.nn.quantized.modules import *  # noqa: F401,F403
from ember.ao.nn.quantized.modules import __all__ as _modules_all, Quantize, DeQuantize, MaxPool2d  # noqa: F401
from ember.ao.nn.quantized import dynamic, functional  # noqa: F401

__all__ = [*_modules_all, 'dynamic', 'functional']
