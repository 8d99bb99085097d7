"""ember.functorch: the functorch package's names (``import functorch`` runs on ember under ``ember run``).

functorch became ``torch.func``; its names here are the same transforms (``vmap``, ``grad``, ...) and
the module-to-function helpers it had (``make_functional``, ``make_functional_with_buffers``,
``combine_state_for_ensemble``), each with PyTorch's deprecation warning naming its replacement.
"""
import copy
import functools
import warnings

from ember import func as _func
from ember.nn.modules.module import Module

__all__ = ['FunctionalModule', 'FunctionalModuleWithBuffers', 'combine_state_for_ensemble', 'functionalize', 'grad',
           'grad_and_value', 'hessian', 'jacfwd', 'jacrev', 'jvp', 'make_functional',
           'make_functional_with_buffers', 'vjp', 'vmap']

__version__ = '2.13.0'


def _deprecated(name, replacement):
    warnings.warn(f"We've integrated functorch into PyTorch. As the final step of the integration, "
                  f"`functorch.{name}` is deprecated as of PyTorch 2.0 and will be deleted in a future version of "
                  f"PyTorch >= 2.3. Please use `{replacement}` instead; see the PyTorch 2.0 release notes and/or the "
                  "`ember.func` migration guide for more details https://pytorch.org/docs/main/func.migrating.html",
                  FutureWarning, stacklevel=3)


def _transform(name, replacement):
    target = getattr(_func, name)

    @functools.wraps(target)
    def transform(*args, **kwargs):
        _deprecated(name, replacement)
        return target(*args, **kwargs)
    return transform


vmap = _transform('vmap', 'ember.vmap')
grad = _transform('grad', 'ember.func.grad')
grad_and_value = _transform('grad_and_value', 'ember.func.grad_and_value')
vjp = _transform('vjp', 'ember.func.vjp')
jvp = _transform('jvp', 'ember.func.jvp')
jacrev = _transform('jacrev', 'ember.func.jacrev')
jacfwd = _transform('jacfwd', 'ember.func.jacfwd')
hessian = _transform('hessian', 'ember.func.hessian')
functionalize = _transform('functionalize', 'ember.func.functionalize')


class FunctionalModule(Module):
    """A module as a function of its parameters: ``fmodel(params, *inputs)``."""

    def __init__(self, stateless_model, param_names):
        super().__init__()
        self.stateless_model = stateless_model
        self.param_names = param_names

    def forward(self, params, *args, **kwargs):
        return _func.functional_call(self.stateless_model, dict(zip(self.param_names, params)), args, kwargs)


class FunctionalModuleWithBuffers(Module):
    """A module as a function of its parameters and buffers: ``fmodel(params, buffers, *inputs)``."""

    def __init__(self, stateless_model, param_names, buffer_names):
        super().__init__()
        self.stateless_model = stateless_model
        self.param_names = param_names
        self.buffer_names = buffer_names

    def forward(self, params, buffers, *args, **kwargs):
        state = dict(zip(self.param_names, params))
        state.update(zip(self.buffer_names, buffers))
        return _func.functional_call(self.stateless_model, state, args, kwargs)


def _state(model, disable_autograd_tracking):
    names, params = zip(*model.named_parameters()) if list(model.parameters()) else ((), ())
    params = tuple(p.detach() if disable_autograd_tracking else p for p in params)
    return tuple(names), params


def make_functional(model, disable_autograd_tracking=False):
    """``(fmodel, params)``: ``fmodel(params, x)`` runs ``model`` with ``params`` in place of its own.
    The parameters are the model's (``disable_autograd_tracking=True``: detached copies' views)."""
    _deprecated('make_functional', 'ember.func.functional_call')
    if list(model.buffers()):
        raise RuntimeError("make_functional(model): `model` has buffers. Please use "
                           "make_functional_with_buffers(model) instead.")
    names, params = _state(model, disable_autograd_tracking)
    return FunctionalModule(copy.deepcopy(model), names), params


def make_functional_with_buffers(model, disable_autograd_tracking=False):
    """``(fmodel, params, buffers)``: ``fmodel(params, buffers, x)`` runs ``model`` with them in place of its own."""
    _deprecated('make_functional_with_buffers', 'ember.func.functional_call')
    names, params = _state(model, disable_autograd_tracking)
    buffer_names = tuple(n for n, _ in model.named_buffers())
    buffers = tuple(b for _, b in model.named_buffers())
    return FunctionalModuleWithBuffers(copy.deepcopy(model), names, buffer_names), params, buffers


def combine_state_for_ensemble(models):
    """``(fmodel, params, buffers)`` for models of one architecture, each parameter and buffer stacked along a
    new first dimension (for ``vmap(fmodel)(params, buffers, x)``)."""
    _deprecated('combine_state_for_ensemble', 'ember.func.stack_module_state')
    import ember
    models = list(models)
    if not models:
        raise RuntimeError("combine_state_for_ensemble: Expected at least one model, got 0.")
    if any(m.training != models[0].training for m in models):
        raise RuntimeError("combine_state_for_ensemble: Expected all models to have the same training/eval mode.")
    if any(type(m) is not type(models[0]) for m in models):
        raise RuntimeError("combine_state_for_ensemble: Expected all models to be of the same class.")
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', FutureWarning)
        fmodel, _, _ = make_functional_with_buffers(models[0])
    params = tuple(ember.stack([p.detach() for p in ps]) for ps in zip(*[list(m.parameters()) for m in models]))
    buffers = tuple(ember.stack(bs) for bs in zip(*[list(m.buffers()) for m in models]))
    return fmodel, params, buffers
