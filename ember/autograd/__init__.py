"""Reverse-mode automatic differentiation (PyTorch's ``torch.autograd``)."""
from ember.autograd.function import Function, once_differentiable, Context
from ember.autograd.function import Context as FunctionCtx
from ember.autograd.engine import backward, grad
from ember.autograd.grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled,
                                      is_inference_mode_enabled)
from ember.autograd import functional
from ember.autograd.gradcheck import gradcheck, gradgradcheck
from ember.autograd.anomaly_mode import detect_anomaly, set_detect_anomaly, is_anomaly_enabled
from ember.autograd import graph
from ember.autograd import forward_ad
from ember.autograd import profiler
from ember.autograd import profiler_util, profiler_legacy  # noqa: E402,F401

from ember.autograd.variable import Variable
from ember.autograd._engine_modes import (set_multithreading_enabled, is_multithreading_enabled,  # noqa: E402
                                          enforce_grad_layout_policy)

__all__ = ['Function', 'once_differentiable', 'backward', 'grad', 'no_grad', 'enable_grad', 'set_grad_enabled',
           'inference_mode', 'functional', 'gradcheck', 'gradgradcheck', 'detect_anomaly', 'set_detect_anomaly']
