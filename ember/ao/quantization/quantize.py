"""Eager-mode quantization of a model: attach qconfigs (``propagate_qconfig_``), observe activations
(``prepare``, ``prepare_qat``), swap float modules for their quantized counterparts (``convert``), and the
one-call forms ``quantize``, ``quantize_qat`` and ``quantize_dynamic``."""
import copy
import warnings

import ember
from ember import nn
from ember.quantized import _dtypes

__all__ = ['quantize_dynamic', 'propagate_qconfig_', 'convert', 'swap_module', 'prepare', 'prepare_qat', 'quantize',
           'quantize_qat', 'add_quant_dequant', 'get_default_dynamic_quant_module_mappings',
           'get_default_static_quant_module_mappings', 'get_default_qat_module_mappings',
           'get_default_qconfig_propagation_list']

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

from ember.ao.quantization.quantization_mappings import (  # noqa: E402
    get_default_dynamic_quant_module_mappings, get_default_static_quant_module_mappings,
    get_default_qat_module_mappings, get_default_qconfig_propagation_list)


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
        return mod
    new_mod = qmod.from_float(mod, use_precomputed_fake_quant=use_precomputed_fake_quant)
    for hook in mod._forward_pre_hooks.values():
        new_mod.register_forward_pre_hook(hook)
    for hook in mod._forward_hooks.values():
        if hook is not _observer_forward_hook:
            new_mod.register_forward_hook(hook)
    return new_mod


def _convert(module, mapping):
    from ember.ao.nn.intrinsic.modules.fused import _FusedModule
    swapped = {}
    for name, mod in module.named_children():
        if not isinstance(mod, _FusedModule):   # a fused module is swapped whole
            _convert(mod, mapping)
        swapped[name] = swap_module(mod, mapping)
    for name, mod in swapped.items():
        module._modules[name] = mod


def _is_activation_post_process(module):
    from ember.ao.quantization.observer import ObserverBase
    from ember.ao.quantization.fake_quantize import FakeQuantizeBase
    return isinstance(module, (ObserverBase, FakeQuantizeBase))


def _remove_activation_post_process(module):
    if hasattr(module, 'activation_post_process') and _is_activation_post_process(module.activation_post_process):
        delattr(module, 'activation_post_process')
    for hooks, observer_hook in ((module._forward_pre_hooks, _observer_forward_pre_hook),
                                 (module._forward_hooks, _observer_forward_hook)):
        for key in [k for k, hook in hooks.items() if hook is observer_hook]:
            del hooks[key]


def _remove_qconfig(module):
    for child in module.children():
        _remove_qconfig(child)
    if hasattr(module, 'qconfig'):
        del module.qconfig
    _remove_activation_post_process(module)


def convert(module, mapping=None, inplace=False, remove_qconfig=True, is_reference=False,
            convert_custom_config_dict=None, use_precomputed_fake_quant=False):
    """Swaps the submodules of ``module`` that have a qconfig for their quantized counterparts in ``mapping``
    (``module`` itself is never swapped).

    Args:
        module: the model (prepared: its modules carry qconfigs).
        mapping: ``{float class: quantized class}``; the static quantization mappings by default.
        inplace: change ``module`` itself instead of a deep copy.
        remove_qconfig: delete the ``qconfig`` attributes afterwards.
    """
    if is_reference or convert_custom_config_dict or use_precomputed_fake_quant:
        raise NotImplementedError("ember's convert makes no reference modules, custom modules or precomputed "
                                  "fake quantization")
    warnings.warn(_DEPRECATION, DeprecationWarning, stacklevel=2)
    if not inplace:
        module = copy.deepcopy(module)
    _convert(module, get_default_static_quant_module_mappings() if mapping is None else mapping)
    if remove_qconfig:
        _remove_qconfig(module)
    return module


def quantize_dynamic(model, qconfig_spec=None, dtype=_dtypes.qint8, mapping=None, inplace=False):
    """Converts a float model to a dynamically quantized one: the weights of its ``nn.Linear`` and recurrent
    layers become int8, and their activations are quantized per call from their own range (with
    ``dtype=ember.float16``: weights rounded to float16, products in float32).

    Args:
        model: the float model.
        qconfig_spec: the modules to quantize: a set of module classes or qualified names (with the default
            qconfig for ``dtype``), or a dict from them to QConfigs; by default every supported layer.
        dtype: ``ember.qint8`` or ``ember.float16`` (the default qconfig of a set or of the default spec).
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
    from ember.ao.quantization import qconfig as _qconfigs
    if qconfig_spec is None:
        if dtype is _dtypes.qint8 or dtype is ember.float16:
            default = _qconfigs.default_dynamic_qconfig if dtype is _dtypes.qint8 else _qconfigs.float16_dynamic_qconfig
            qconfig_spec = dict.fromkeys((nn.Linear, nn.LSTM, nn.GRU, nn.LSTMCell, nn.RNNCell, nn.GRUCell), default)
        elif dtype is _dtypes.quint8:
            qconfig_spec = dict.fromkeys((nn.EmbeddingBag, nn.Embedding), _qconfigs.float_qparams_weight_only_qconfig)
        elif dtype is _dtypes.quint4x2:
            qconfig_spec = {nn.EmbeddingBag: _qconfigs.float_qparams_weight_only_qconfig_4bit}
        else:
            raise ValueError(f"Don't know how to quantize with default settings for {dtype}. Provide full qconfig "
                             "please")
    elif isinstance(qconfig_spec, set):
        defaults = {_dtypes.qint8: _qconfigs.default_dynamic_qconfig, ember.float16: _qconfigs.float16_dynamic_qconfig,
                    _dtypes.quint8: _qconfigs.float_qparams_weight_only_qconfig,
                    _dtypes.quint4x2: _qconfigs.float_qparams_weight_only_qconfig_4bit}
        if dtype not in defaults:
            raise RuntimeError("Unknown dtype specified for quantize_dynamic: ", str(dtype))
        qconfig_spec = dict.fromkeys(qconfig_spec, defaults[dtype])
    if mapping is None:
        mapping = get_default_dynamic_quant_module_mappings()
    if not inplace:
        model = copy.deepcopy(model)
    model.eval()
    propagate_qconfig_(model, qconfig_spec)
    convert(model, mapping, inplace=True)
    return model


# ------------------------------------------------------------------ observation (prepare)
def _observer_forward_hook(self, input, output):
    """Forward hook that feeds a module's output to its observer."""
    return self.activation_post_process(output)


def _observer_forward_pre_hook(self, input):
    """Forward pre-hook that feeds a module's input to its observer."""
    return self.activation_post_process(input[0])


def _needs_observation(module):
    return getattr(module, 'qconfig', None) is not None


def _insert_activation_post_process(module, special_act_post_process=None):
    from ember.ao.quantization.stubs import DeQuantStub
    if not _needs_observation(module) or isinstance(module, DeQuantStub):
        return
    make = module.qconfig.activation if special_act_post_process is None else special_act_post_process
    module.add_module('activation_post_process', make())
    module.register_forward_hook(_observer_forward_hook, prepend=True)


def _add_observer_(module, qconfig_propagation_list, non_leaf_module_list=None):
    from ember.ao.nn.quantized.modules.functional_modules import FloatFunctional, QFunctional
    from ember.ao.nn.intrinsic.modules.fused import _FusedModule
    from ember.ao.quantization.quantization_mappings import (_get_special_act_post_process,
                                                             _has_special_act_post_process)
    for child in module.children():
        if type(child) is nn.Dropout:
            continue
        if isinstance(child, (FloatFunctional, QFunctional)):
            if _needs_observation(child):
                child.activation_post_process = child.qconfig.activation()
        elif isinstance(child, _FusedModule):
            _insert_activation_post_process(child)
        elif non_leaf_module_list is not None and type(child) in non_leaf_module_list:
            _insert_activation_post_process(child)
        elif _has_special_act_post_process(child):
            # a training sigmoid-like activation: fixed-parameter fake quantization, whatever the qconfig
            _insert_activation_post_process(child, _get_special_act_post_process(child))
        else:
            _add_observer_(child, qconfig_propagation_list, non_leaf_module_list)
    # only leaves are observed (their outputs); a QuantStub's observer sees the model's input
    if (not module._modules and not isinstance(module, nn.Sequential)
            and type(module) in qconfig_propagation_list):
        _insert_activation_post_process(module)


def prepare(model, inplace=False, allow_list=None, observer_non_leaf_module_list=None,
            prepare_custom_config_dict=None):
    """Prepares a float model for static quantization: every module with a qconfig among the quantizable
    classes gets an observer (``activation_post_process``) that records its outputs while calibration data
    runs through the model; :func:`convert` then uses the observed ranges.

    Args:
        model: the float model (in eval mode for post-training quantization), with ``qconfig`` set on it or
            on its submodules.
        inplace: change ``model`` itself instead of a deep copy.
        allow_list: the module classes that may be observed (PyTorch's default list).
        observer_non_leaf_module_list: container classes observed as a whole.
        prepare_custom_config_dict: custom module classes; not supported (must be None or empty).

    Example::

        >>> import warnings; warnings.simplefilter('ignore', DeprecationWarning)
        >>> from ember.ao import quantization as Q
        >>> model = nn.Sequential(Q.QuantStub(), nn.Linear(3, 2), Q.DeQuantStub()).eval()
        >>> model.qconfig = Q.default_qconfig
        >>> prepared = Q.prepare(model)
        >>> prepared[1]
        Linear(
          in_features=3, out_features=2, bias=True
          (activation_post_process): MinMaxObserver(min_val=inf, max_val=-inf)
        )
    """
    if prepare_custom_config_dict and any(prepare_custom_config_dict.values()):
        raise NotImplementedError("ember's prepare takes no custom module classes (prepare_custom_config_dict)")
    if not inplace:
        model = copy.deepcopy(model)
    propagation_list = get_default_qconfig_propagation_list() if allow_list is None else allow_list
    propagate_qconfig_(model, None)
    if not any(getattr(m, 'qconfig', None) for m in model.modules()):
        warnings.warn("None of the submodule got qconfig applied. Make sure you passed correct configuration "
                      "through `qconfig_dict` or by assigning the `.qconfig` attribute directly on submodules",
                      stacklevel=2)
    _add_observer_(model, propagation_list, observer_non_leaf_module_list)
    return model


def prepare_qat(model, mapping=None, inplace=False):
    """Prepares a float model (in training mode) for quantization-aware training: its modules are swapped for
    QAT modules (weights fake-quantized) and their outputs fake-quantized as training runs.

    Args:
        model: the float model, in training mode, with ``qconfig`` set (a QAT qconfig).
        mapping: ``{float class: QAT class}``; PyTorch's default QAT mappings.
        inplace: change ``model`` itself instead of a deep copy.
    """
    if not model.training:
        raise AssertionError("prepare_qat only works on models in training mode")
    if mapping is None:
        mapping = get_default_qat_module_mappings()
    if not inplace:
        model = copy.deepcopy(model)
    propagate_qconfig_(model, None)
    convert(model, mapping=mapping, inplace=True, remove_qconfig=False)
    prepare(model, observer_non_leaf_module_list=set(mapping.values()), inplace=True)
    return model


def quantize(model, run_fn, run_args, mapping=None, inplace=False):
    """Post-training static quantization in one call: ``prepare``, ``run_fn(model, *run_args)`` to calibrate,
    ``convert``.

    Args:
        model: the float model with qconfigs set.
        run_fn: the calibration function.
        run_args: its further arguments.
        mapping: ``{float class: quantized class}``.
        inplace: change ``model`` itself instead of a deep copy.
    """
    if mapping is None:
        mapping = get_default_static_quant_module_mappings()
    if not inplace:
        model = copy.deepcopy(model)
    model.eval()
    prepare(model, inplace=True)
    run_fn(model, *run_args)
    convert(model, mapping, inplace=True)
    return model


def quantize_qat(model, run_fn, run_args, inplace=False):
    """Quantization-aware training in one call: ``prepare_qat``, ``run_fn(model, *run_args)`` to train,
    ``convert``."""
    if not inplace:
        model = copy.deepcopy(model)
    model.train()
    prepare_qat(model, inplace=True)
    run_fn(model, *run_args)
    convert(model, inplace=True)
    return model


def add_quant_dequant(module):
    """Wraps every leaf module that has a qconfig in ``QuantWrapper`` (a QuantStub before it and a
    DeQuantStub after it), in place; returns ``module`` (wrapped itself when it is such a leaf)."""
    from ember.ao.quantization.stubs import QuantWrapper
    if not module._modules and getattr(module, 'qconfig', None):
        return QuantWrapper(module)
    for name, child in module.named_children():
        module._modules[name] = add_quant_dequant(child)
    return module
