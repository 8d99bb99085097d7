"""Reverse-mode automatic differentiation (PyTorch's ``torch.autograd``)."""
import sys as _sys
import types as _types

from ember.autograd.function import Function, once_differentiable, Context
from ember.autograd.function import Context as FunctionCtx
from ember.autograd.engine import backward, grad
from ember.autograd.grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled,
                                      is_inference_mode_enabled)
from ember.autograd.anomaly_mode import detect_anomaly, set_detect_anomaly, is_anomaly_enabled
from ember.autograd import graph
from ember.autograd import forward_ad

from ember.autograd.variable import Variable
from ember.autograd._engine_modes import (set_multithreading_enabled, is_multithreading_enabled,  # noqa: E402
                                          enforce_grad_layout_policy)

__all__ = ['Function', 'once_differentiable', 'backward', 'grad', 'no_grad', 'enable_grad', 'set_grad_enabled',
           'inference_mode', 'functional', 'gradcheck', 'gradgradcheck', 'detect_anomaly', 'set_detect_anomaly']

# loaded on first use: a script that never checks gradients or profiles does not pay for them at import
_LAZY_MODULES = ('functional', 'profiler', 'profiler_util', 'profiler_legacy')
_LAZY_NAMES = {'gradcheck': 'gradcheck', 'gradgradcheck': 'gradcheck'}


def __getattr__(name):
    import importlib
    if name in _LAZY_MODULES:
        return importlib.import_module(f'{__name__}.{name}')
    if name in _LAZY_NAMES:
        return getattr(importlib.import_module(f'{__name__}.{_LAZY_NAMES[name]}'), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY_MODULES) | set(_LAZY_NAMES))


class _Autograd(_types.ModuleType):
    def __setattr__(self, name, value):
        # importing the submodule ember.autograd.gradcheck binds its name here; the name stays the
        # function, as in PyTorch (where an eager import rebinds it)
        if name == 'gradcheck' and isinstance(value, _types.ModuleType):
            value = value.gradcheck
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Autograd
