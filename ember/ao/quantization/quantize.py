"""Eager-mode quantization of a model: attach qconfigs (``propagate_qconfig_``), swap float modules for
their quantized counterparts (``convert``), and ``quantize_dynamic``, which does both for dynamic
quantization."""
import copy
import warnings

import ember
from ember import nn
from ember.quantized import _dtypes

__all__ = ['quantize_dynamic', 'propagate_qconfig_', 'convert', 'swap_module',
           'get_default_dynamic_quant_module_mappings']

_DEPRECATION = ("ember.ao.quantization is deprecated and will be removed in 2.10. \n"
                "For migrations of users: \n"
                "1. Eager mode quantization (ember.ao.quantization.quantize, ember.ao.quantization.quantize_dynamic), "
                "please migrate to use torchao eager mode quantize_ API instead \n"
                "2. FX graph mode quantization (ember.ao.quantization.quantize_fx.prepare_fx,"
                "ember.ao.quantization.quantize_fx.convert_fx, please migrate to use torchao pt2e quantization API "
                "instead (prepare_pt2e, convert_pt2e) \n"
                "3. pt2e quantization has been migrated to torchao (https://github.com/pytorch/ao/tree/main/torchao/"
                "quantization/pt2e) \n"
                "see https://github.com/pytorch/ao/issues/2259 for more details")

# modules PyTorch quantizes dynamically that ember cannot yet (its dynamic LSTM/GRU and embeddings):
# asked for, they raise instead of staying float without a word
_NOT_YET = ('LSTM', 'GRU', 'LSTMCell', 'GRUCell', 'RNNCell', 'Embedding', 'EmbeddingBag')


def get_default_dynamic_quant_module_mappings():
    """Float module class -> dynamically quantized module class."""
    from ember.ao.nn.quantized import dynamic
    from ember.nn.modules.transformer import NonDynamicallyQuantizableLinear
    return {nn.Linear: dynamic.Linear, NonDynamicallyQuantizableLinear: dynamic.Linear}


def _propagate(module, qconfig_dict, qconfig_parent=None, prefix=''):
    qconfig = qconfig_dict.get(type(module), qconfig_parent)
    qconfig = qconfig_dict.get(prefix, qconfig)
    qconfig = getattr(module, 'qconfig', qconfig)
    module.qconfig = qconfig
    for name, child in module.named_children():
        _propagate(child, qconfig_dict, qconfig, prefix + '.' + name if prefix else name)


def propagate_qconfig_(module, qconfig_dict=None, prepare_custom_config_dict=None):
    """Gives every submodule of ``module`` a ``qconfig`` attribute, in place: the one ``qconfig_dict`` names
    for its type or its qualified name, else its parent's (``None`` at the top unless ``module`` has one).

    Args:
        module: the model.
        qconfig_dict: ``{module class or qualified name: QConfig}``.
        prepare_custom_config_dict: not used by eager-mode preparation here; must be None or empty.
    """
    if prepare_custom_config_dict:
        raise NotImplementedError("ember's propagate_qconfig_ takes no prepare_custom_config_dict")
    _propagate(module, qconfig_dict or {})


def swap_module(mod, mapping, custom_module_class_mapping=None, use_precomputed_fake_quant=False):
    """``mod``'s quantized counterpart from ``mapping`` (made with its ``from_float``) when it has a qconfig,
    else ``mod`` itself; forward hooks carry over."""
    if custom_module_class_mapping:
        raise NotImplementedError("ember's swap_module takes no custom module classes")
    if getattr(mod, 'qconfig', None) is None:
        return mod
    qmod = mapping.get(type(mod))
    if qmod is None:
        if type(mod).__name__ in _NOT_YET and type(mod).__module__.startswith('ember.nn'):
            raise NotImplementedError(f"ember cannot yet quantize {type(mod).__name__} dynamically; pass a "
                                      "qconfig_spec that leaves it out (e.g. {ember.nn.Linear})")
        return mod
    new_mod = qmod.from_float(mod, use_precomputed_fake_quant=use_precomputed_fake_quant)
    for hook in mod._forward_pre_hooks.values():
        new_mod.register_forward_pre_hook(hook)
    for hook in mod._forward_hooks.values():
        new_mod.register_forward_hook(hook)
    return new_mod


def _convert(module, mapping):
    swapped = {}
    for name, mod in module.named_children():
        _convert(mod, mapping)
        swapped[name] = swap_module(mod, mapping)
    for name, mod in swapped.items():
        module._modules[name] = mod


def _remove_qconfig(module):
    for child in module.children():
        _remove_qconfig(child)
    if hasattr(module, 'qconfig'):
        del module.qconfig


def convert(module, mapping=None, inplace=False, remove_qconfig=True, is_reference=False,
            convert_custom_config_dict=None, use_precomputed_fake_quant=False):
    """Swaps the submodules of ``module`` that have a qconfig for their quantized counterparts in ``mapping``
    (``module`` itself is never swapped).

    Args:
        module: the model (prepared: its modules carry qconfigs).
        mapping: ``{float class: quantized class}``; the dynamic mappings by default.
        inplace: change ``module`` itself instead of a deep copy.
        remove_qconfig: delete the ``qconfig`` attributes afterwards.
    """
    if is_reference or convert_custom_config_dict or use_precomputed_fake_quant:
        raise NotImplementedError("ember's convert makes no reference modules, custom modules or precomputed "
                                  "fake quantization")
    warnings.warn(_DEPRECATION, DeprecationWarning, stacklevel=2)
    if not inplace:
        module = copy.deepcopy(module)
    _convert(module, get_default_dynamic_quant_module_mappings() if mapping is None else mapping)
    if remove_qconfig:
        _remove_qconfig(module)
    return module


def quantize_dynamic(model, qconfig_spec=None, dtype=_dtypes.qint8, mapping=None, inplace=False):
    """Converts a float model to a dynamically quantized one: the weights of its ``nn.Linear`` layers become
    int8, and their activations are quantized per call from their own range.

    Args:
        model: the float model.
        qconfig_spec: the modules to quantize: a set of module classes or qualified names (with the default
            qconfig for ``dtype``), or a dict from them to QConfigs; by default every supported layer.
        dtype: ``ember.qint8``.
        mapping: ``{float class: quantized class}``.
        inplace: change ``model`` itself instead of a deep copy.

    Returns:
        The quantized model, in eval mode.

    Example::

        >>> import warnings; warnings.simplefilter('ignore', DeprecationWarning)
        >>> model = nn.Sequential(nn.Linear(4, 3), nn.ReLU())
        >>> qmodel = ember.ao.quantization.quantize_dynamic(model, {nn.Linear}, dtype=ember.qint8)
        >>> qmodel
        Sequential(
          (0): DynamicQuantizedLinear(in_features=4, out_features=3, dtype=ember.qint8, qscheme=ember.per_tensor_affine)
          (1): ReLU()
        )
    """
    from ember.ao.quantization.qconfig import default_dynamic_qconfig
    if dtype is not _dtypes.qint8:
        if dtype in (ember.float16, _dtypes.quint8, _dtypes.quint4x2):
            raise NotImplementedError(f"ember's quantize_dynamic supports dtype=ember.qint8 only, not {dtype}")
        raise RuntimeError("Unknown dtype specified for quantize_dynamic: ", str(dtype))
    if qconfig_spec is None:
        qconfig_spec = {nn.Linear: default_dynamic_qconfig, nn.LSTM: default_dynamic_qconfig,
                        nn.GRU: default_dynamic_qconfig, nn.LSTMCell: default_dynamic_qconfig,
                        nn.RNNCell: default_dynamic_qconfig, nn.GRUCell: default_dynamic_qconfig}
    elif isinstance(qconfig_spec, set):
        qconfig_spec = dict.fromkeys(qconfig_spec, default_dynamic_qconfig)
    if mapping is None:
        mapping = get_default_dynamic_quant_module_mappings()
    if not inplace:
        model = copy.deepcopy(model)
    model.eval()
    propagate_qconfig_(model, qconfig_spec)
    convert(model, mapping, inplace=True)
    return model
