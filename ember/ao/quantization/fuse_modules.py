"""``fuse_modules``: replaces runs of modules (conv, BatchNorm, ReLU, ...) named by their qualified names with
one fused module in the first one's place and ``nn.Identity`` in the others'."""
import copy

from ember import nn
from ember.ao.quantization.fuser_method_mappings import get_fuser_method
from ember.ao.quantization.fuser_method_mappings import fuse_conv_bn, fuse_conv_bn_relu  # noqa: F401  (PyTorch's names here)

__all__ = ['fuse_known_modules', 'fuse_modules', 'fuse_modules_qat']


def _get_module(model, submodule_key):
    module = model
    for name in submodule_key.split('.'):
        module = getattr(module, name)
    return module


def _set_module(model, submodule_key, module):
    tokens = submodule_key.split('.')
    parent = model
    for name in tokens[:-1]:
        parent = getattr(parent, name)
    setattr(parent, tokens[-1], module)


def fuse_known_modules(mod_list, is_qat, additional_fuser_method_mapping=None):
    """The modules that replace ``mod_list``: the fused module first, then ``nn.Identity`` for each other
    one. The first module's forward pre-hooks and the last one's forward hooks move to the fused module."""
    types = tuple(type(m) for m in mod_list)
    fuser_method = get_fuser_method(types, additional_fuser_method_mapping)
    fused = fuser_method(is_qat, *mod_list)
    for hook in mod_list[0]._forward_pre_hooks.values():
        fused.register_forward_pre_hook(hook)
    mod_list[0]._forward_pre_hooks.clear()
    for hook in mod_list[-1]._forward_hooks.values():
        fused.register_forward_hook(hook)
    mod_list[-1]._forward_hooks.clear()
    new_mods = [fused]
    for _ in mod_list[1:]:
        identity = nn.Identity()
        identity.training = mod_list[0].training
        new_mods.append(identity)
    return new_mods


def _fuse_modules_helper(model, modules_to_fuse, is_qat, fuser_func, fuse_custom_config_dict):
    extra = (fuse_custom_config_dict or {}).get('additional_fuser_method_mapping', {})
    mod_list = [_get_module(model, key) for key in modules_to_fuse]
    new_mods = fuser_func(mod_list, is_qat, extra)
    for key, module in zip(modules_to_fuse, new_mods):
        _set_module(model, key, module)


def _fuse_modules(model, modules_to_fuse, is_qat, inplace, fuser_func, fuse_custom_config_dict):
    if not inplace:
        model = copy.deepcopy(model)
    if all(isinstance(key, str) for key in modules_to_fuse):
        _fuse_modules_helper(model, modules_to_fuse, is_qat, fuser_func, fuse_custom_config_dict)
    else:
        for keys in modules_to_fuse:
            _fuse_modules_helper(model, keys, is_qat, fuser_func, fuse_custom_config_dict)
    return model


def fuse_modules(model, modules_to_fuse, inplace=False, fuser_func=fuse_known_modules, fuse_custom_config_dict=None):
    """Fuses runs of modules for quantization: conv/BatchNorm/ReLU, conv/ReLU, linear/ReLU, linear/BatchNorm,
    BatchNorm/ReLU (the model must be in eval mode where a BatchNorm folds).

    Args:
        model: the model.
        modules_to_fuse: a list of qualified module names to fuse as one, or a list of such lists.
        inplace: change ``model`` itself instead of a deep copy.
        fuser_func: ``(modules, is_qat, extra_mapping) -> replacement modules``.
        fuse_custom_config_dict: ``{'additional_fuser_method_mapping': {(types...): fuser}}``.

    Example::

        >>> m = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU()).eval()
        >>> ember.ao.quantization.fuse_modules(m, [['0', '1', '2']])
        Sequential(
          (0): ConvReLU2d(
            (0): Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1))
            (1): ReLU()
          )
          (1): Identity()
          (2): Identity()
        )
    """
    return _fuse_modules(model, modules_to_fuse, False, inplace, fuser_func, fuse_custom_config_dict)


def fuse_modules_qat(model, modules_to_fuse, inplace=False, fuser_func=fuse_known_modules,
                     fuse_custom_config_dict=None):
    """:func:`fuse_modules` for quantization-aware training: BatchNorms stay as parts of ``ConvBn`` modules."""
    return _fuse_modules(model, modules_to_fuse, True, inplace, fuser_func, fuse_custom_config_dict)
