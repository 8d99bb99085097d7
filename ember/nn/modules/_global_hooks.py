"""Hooks registered for every module at once (PyTorch's ``torch.nn.modules.module.register_module_*``):
they run before the module's own hooks, on every module's forward, backward, and registration of
parameters, buffers and submodules. Tools that profile or count over a whole program use them.

Module.__call__ checks one flag (``ACTIVE[0]``), so while none is registered they cost nothing.
"""
from collections import OrderedDict

from ember.utils.hooks import RemovableHandle

__all__ = ['register_module_backward_hook', 'register_module_buffer_registration_hook',
           'register_module_forward_hook', 'register_module_forward_pre_hook', 'register_module_full_backward_hook',
           'register_module_full_backward_pre_hook', 'register_module_module_registration_hook',
           'register_module_parameter_registration_hook']

forward_pre_hooks = OrderedDict()
forward_hooks = OrderedDict()
forward_hooks_with_kwargs = OrderedDict()
forward_hooks_always_called = OrderedDict()
backward_pre_hooks = OrderedDict()
backward_hooks = OrderedDict()
buffer_registration_hooks = OrderedDict()
module_registration_hooks = OrderedDict()
parameter_registration_hooks = OrderedDict()
is_full_backward_hook = [None]      # set by the first backward hook registered: the kinds cannot be mixed
ACTIVE = [False]                    # any forward or backward hook registered (module calls must look)


class _Handle(RemovableHandle):
    """Removes the hook, then lets module calls skip the global hooks again once none is left."""

    def remove(self):
        super().remove()
        _refresh()


def _refresh():
    ACTIVE[0] = bool(forward_pre_hooks or forward_hooks or backward_pre_hooks or backward_hooks)


def _add(store, hook, extra=()):
    handle = _Handle(store, extra_dict=list(extra))
    store[handle.id] = hook
    _refresh()
    return handle


def register_module_forward_pre_hook(hook):
    """``hook(module, args)`` runs before every module's forward (before the module's own pre-hooks) and
    may return new args. Returns a handle whose ``remove()`` unregisters it.

    Example::

        >>> from ember.nn.modules.module import register_module_forward_pre_hook
        >>> seen = []
        >>> handle = register_module_forward_pre_hook(lambda m, args: seen.append(type(m).__name__))
        >>> _ = ember.nn.Sequential(ember.nn.Linear(2, 2), ember.nn.ReLU())(ember.ones(1, 2))
        >>> handle.remove()
        >>> seen
        ['Sequential', 'Linear', 'ReLU']
    """
    return _add(forward_pre_hooks, hook)


def register_module_forward_hook(hook, *, with_kwargs=False, always_call=False):
    """``hook(module, args, output)`` (``hook(module, args, kwargs, output)`` with ``with_kwargs``) runs after
    every module's forward, before the module's own forward hooks, and may return a new output.
    With ``always_call`` it also runs when forward raises (with ``output=None``; an error it raises
    then is turned into a warning, and forward's error goes on)."""
    handle = _add(forward_hooks, hook, (forward_hooks_with_kwargs, forward_hooks_always_called))
    if with_kwargs:
        forward_hooks_with_kwargs[handle.id] = True
    if always_call:
        forward_hooks_always_called[handle.id] = True
    return handle


def _backward_kind(full):
    if is_full_backward_hook[0] is (not full):
        raise RuntimeError("Cannot use both regular backward hooks and full backward hooks as a global Module "
                           "hook. Please use only one of them.")
    is_full_backward_hook[0] = full


def register_module_full_backward_pre_hook(hook):
    """``hook(module, grad_output)`` runs for every module once its output gradients are known, before
    the module's own backward pre-hooks; it may return new ones."""
    return _add(backward_pre_hooks, hook)


def register_module_full_backward_hook(hook):
    """``hook(module, grad_input, grad_output)`` runs for every module once the gradients with respect to
    its tensor inputs are computed, before the module's own backward hooks; it may return replacements."""
    _backward_kind(True)
    return _add(backward_hooks, hook)


def register_module_backward_hook(hook):
    """Deprecated form of :func:`register_module_full_backward_hook` (the two kinds cannot be mixed)."""
    _backward_kind(False)
    return _add(backward_hooks, hook)


def register_module_buffer_registration_hook(hook):
    """``hook(module, name, buffer)`` runs whenever any module registers a buffer, and may return a
    replacement buffer."""
    return _add(buffer_registration_hooks, hook)


def register_module_module_registration_hook(hook):
    """``hook(module, name, submodule)`` runs whenever any module registers a submodule, and may return a
    replacement."""
    return _add(module_registration_hooks, hook)


def register_module_parameter_registration_hook(hook):
    """``hook(module, name, param)`` runs whenever any module registers a parameter, and may return a
    replacement parameter."""
    return _add(parameter_registration_hooks, hook)


def run_registration_hooks(store, module, name, value):
    """``value`` after the global registration hooks in ``store`` have seen (and maybe replaced) it."""
    for hook in list(store.values()):
        out = hook(module, name, value)
        if out is not None:
            value = out
    return value
