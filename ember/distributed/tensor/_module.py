"""``distribute_module``: a module's parameters and buffers made DTensors, and its inputs and outputs
converted by hooks (what tensor-parallel styles are built on)."""
import inspect
import warnings

import ember
from ember.distributed.tensor.placement_types import Replicate

__all__ = ['distribute_module']


def _replicate_the_rest(module, mesh):
    from ember.distributed.tensor._api import DTensor, distribute_tensor
    everywhere = [Replicate()] * mesh.ndim
    for key, param in list(module._parameters.items()):
        if param is not None and not isinstance(param, DTensor):
            module.register_parameter(key, ember.nn.Parameter(distribute_tensor(param.data, mesh, everywhere),
                                                              requires_grad=param.requires_grad))
    for key, buf in list(module._buffers.items()):
        if buf is not None and not isinstance(buf, DTensor):
            module._buffers[key] = distribute_tensor(buf, mesh, everywhere)


def _hook_arity(fn, what):
    n = len(inspect.signature(fn).parameters)
    if n == 2:
        warnings.warn(f"Deprecating {what} that takes two arguments (inputs, device_mesh), please use {what} that "
                      "takes in (module, inputs, device_mesh) instead!", FutureWarning, stacklevel=3)
    elif n != 3:
        raise ValueError(f"{what} should take in 3 arguments, but got {n} arguments!")
    return n


def distribute_module(module, device_mesh=None, partition_fn=None, input_fn=None, output_fn=None):
    """Make ``module`` work on DTensors over ``device_mesh``.

    ``partition_fn(name, submodule, mesh)`` is called for every submodule to turn the parameters it chooses
    into DTensors (``nn.Parameter(distribute_tensor(...))``); every parameter and buffer left a plain tensor
    is then replicated. ``input_fn(module, inputs, mesh)`` runs before each forward (its result, when not
    None, replaces the inputs) and ``output_fn(module, outputs, mesh)`` after it (replacing the outputs).
    A module can be distributed once.

    Example::

        >>> from ember.distributed.tensor import distribute_module
        >>> layer = distribute_module(nn.Linear(4, 4), mesh)   # doctest: +SKIP
        >>> layer.weight.placements                              # doctest: +SKIP
        (Replicate(),)
    """
    if getattr(module, '_distribute_module_applied', False):
        raise RuntimeError("distribute_module should only be called once on a module, but it has already been "
                           "called on this module!")
    from ember.distributed.tensor._api import _default_mesh
    mesh = _default_mesh(device_mesh)
    for name, sub in module.named_modules():
        if partition_fn is not None:
            partition_fn(name, sub, mesh)
        _replicate_the_rest(sub, mesh)
    if input_fn is not None:
        if _hook_arity(input_fn, 'input_fn') == 2:
            module.register_forward_pre_hook(lambda _, inputs: input_fn(inputs, mesh))
        else:
            module.register_forward_pre_hook(lambda mod, inputs: input_fn(mod, inputs, mesh))
    if output_fn is not None:
        if _hook_arity(output_fn, 'output_fn') == 2:
            module.register_forward_hook(lambda mod, inputs, outputs: output_fn(outputs, mesh))
        else:
            module.register_forward_hook(lambda mod, inputs, outputs: output_fn(mod, outputs, mesh))
    module._distribute_module_applied = True
    return module
