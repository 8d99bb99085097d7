"""Quantization (``torch.ao``): ``ember.ao.quantization`` and the quantized modules of ``ember.ao.nn``."""
import importlib

__all__ = ['quantization', 'nn']


def __getattr__(name):
    if name in __all__:
        module = importlib.import_module(f'ember.ao.{name}')
        globals()[name] = module
        return module
    raise AttributeError(f"module 'ember.ao' has no attribute '{name}'")
