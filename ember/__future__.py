"""Behaviours that will become the default (PyTorch's ``torch.__future__``): how ``Module.to()``,
``.half()``, ``.cuda()`` and the like change a module's parameters."""

_overwrite_module_params_on_conversion = False
_swap_module_params_on_conversion = False


def set_overwrite_module_params_on_conversion(value):
    """``True``: converting a module puts new ``Parameter`` objects in it (holders of the old ones,
    such as an optimizer, keep the old); ``False`` (the default): the existing parameters take the new
    values in place (``param.data = ...``)."""
    global _overwrite_module_params_on_conversion
    _overwrite_module_params_on_conversion = value


def get_overwrite_module_params_on_conversion():
    """Whether converting a module puts new ``Parameter`` objects in it (default ``False``)."""
    return _overwrite_module_params_on_conversion


def set_swap_module_params_on_conversion(value):
    """``True``: converting a module swaps each parameter with its converted version
    (:func:`ember.utils.swap_tensors`), so every reference to the parameter sees the new values,
    dtype and device, and a graph recorded before cannot be run backward through it."""
    global _swap_module_params_on_conversion
    _swap_module_params_on_conversion = value


def get_swap_module_params_on_conversion():
    """Whether converting a module swaps its parameters with their converted versions (default ``False``)."""
    return _swap_module_params_on_conversion
