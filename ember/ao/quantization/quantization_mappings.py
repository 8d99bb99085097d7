"""Which quantized (or QAT) module replaces which float module, as PyTorch's default mappings."""
import copy

from ember import nn

__all__ = ['get_default_static_quant_module_mappings', 'get_default_qat_module_mappings',
           'get_default_dynamic_quant_module_mappings', 'get_default_qconfig_propagation_list',
           'get_static_quant_module_class', 'get_dynamic_quant_module_class', 'no_observer_set',
           'get_embedding_qat_module_mappings', 'get_embedding_static_quant_module_mappings']


def get_default_static_quant_module_mappings():
    """Float (or fused, or QAT) module class -> statically quantized module class."""
    from ember.ao.nn import quantized as nnq
    from ember.ao.nn import intrinsic as nni
    from ember.ao.nn.intrinsic import quantized as nniq
    from ember.ao.quantization.stubs import QuantStub, DeQuantStub
    from ember.nn.modules.transformer import NonDynamicallyQuantizableLinear
    mapping = {
        QuantStub: nnq.Quantize, DeQuantStub: nnq.DeQuantize,
        nn.BatchNorm2d: nnq.BatchNorm2d, nn.BatchNorm3d: nnq.BatchNorm3d, nn.Dropout: nnq.Dropout,
        nn.Conv1d: nnq.Conv1d, nn.Conv2d: nnq.Conv2d, nn.Conv3d: nnq.Conv3d,
        nn.ConvTranspose1d: nnq.ConvTranspose1d, nn.ConvTranspose2d: nnq.ConvTranspose2d,
        nn.ConvTranspose3d: nnq.ConvTranspose3d,
        nn.ELU: nnq.ELU, nn.Embedding: nnq.Embedding, nn.EmbeddingBag: nnq.EmbeddingBag,
        nn.GroupNorm: nnq.GroupNorm, nn.InstanceNorm1d: nnq.InstanceNorm1d, nn.InstanceNorm2d: nnq.InstanceNorm2d,
        nn.InstanceNorm3d: nnq.InstanceNorm3d, nn.LayerNorm: nnq.LayerNorm, nn.Hardswish: nnq.Hardswish, nn.LeakyReLU: nnq.LeakyReLU,
        NonDynamicallyQuantizableLinear: nnq.Linear, nn.Linear: nnq.Linear, nn.ReLU6: nnq.ReLU6, nn.PReLU: nnq.PReLU,
        nnq.FloatFunctional: nnq.QFunctional,
        nni.BNReLU2d: nniq.BNReLU2d, nni.BNReLU3d: nniq.BNReLU3d,
        nni.ConvReLU1d: nniq.ConvReLU1d, nni.ConvReLU2d: nniq.ConvReLU2d, nni.ConvReLU3d: nniq.ConvReLU3d,
        nni.LinearReLU: nniq.LinearReLU,
    }
    try:
        from ember.ao.nn.intrinsic import qat as nniqat
        from ember.ao.nn import qat as nnqat
    except ImportError:
        return mapping
    mapping.update({
        nniqat.ConvBn1d: nnq.Conv1d, nniqat.ConvBn2d: nnq.Conv2d, nniqat.ConvBn3d: nnq.Conv3d,
        nniqat.ConvBnReLU1d: nniq.ConvReLU1d, nniqat.ConvBnReLU2d: nniq.ConvReLU2d,
        nniqat.ConvBnReLU3d: nniq.ConvReLU3d, nniqat.ConvReLU2d: nniq.ConvReLU2d,
        nniqat.ConvReLU3d: nniq.ConvReLU3d, nniqat.LinearReLU: nniq.LinearReLU,
        nnqat.Linear: nnq.Linear, nnqat.Conv2d: nnq.Conv2d, nnqat.Conv3d: nnq.Conv3d,
    })
    return mapping


def get_default_qat_module_mappings():
    """Float (or fused) module class -> its quantization-aware-training counterpart."""
    from ember.ao.nn import intrinsic as nni
    from ember.ao.nn.intrinsic import qat as nniqat
    from ember.ao.nn import qat as nnqat
    from ember.nn.modules.transformer import NonDynamicallyQuantizableLinear
    return {
        nn.Conv2d: nnqat.Conv2d, nn.Conv3d: nnqat.Conv3d, nn.Linear: nnqat.Linear,
        NonDynamicallyQuantizableLinear: nnqat.Linear,
        nni.ConvBn1d: nniqat.ConvBn1d, nni.ConvBn2d: nniqat.ConvBn2d, nni.ConvBn3d: nniqat.ConvBn3d,
        nni.ConvBnReLU1d: nniqat.ConvBnReLU1d, nni.ConvBnReLU2d: nniqat.ConvBnReLU2d,
        nni.ConvBnReLU3d: nniqat.ConvBnReLU3d, nni.ConvReLU2d: nniqat.ConvReLU2d,
        nni.ConvReLU3d: nniqat.ConvReLU3d, nni.LinearReLU: nniqat.LinearReLU,
    }


def get_default_dynamic_quant_module_mappings():
    """Float module class -> dynamically quantized module class."""
    from ember.ao.nn.quantized import dynamic
    from ember.ao.nn import quantized as nnq
    from ember.ao.nn import intrinsic as nni
    from ember.ao.nn.intrinsic.quantized import dynamic as nniqd
    from ember.nn.modules.transformer import NonDynamicallyQuantizableLinear
    return {nni.LinearReLU: nniqd.LinearReLU, nn.GRUCell: dynamic.GRUCell, nn.Linear: dynamic.Linear, NonDynamicallyQuantizableLinear: dynamic.Linear,
            nn.LSTM: dynamic.LSTM, nn.GRU: dynamic.GRU, nn.LSTMCell: dynamic.LSTMCell, nn.RNNCell: dynamic.RNNCell,
            nn.EmbeddingBag: nnq.EmbeddingBag, nn.Embedding: nnq.Embedding}


def _module_to_act_post_process():
    """Float activation class -> the fake quantization its output gets during QAT preparation (fixed
    parameters for functions whose output range is known), before any qconfig's."""
    from ember.ao.quantization.fake_quantize import (default_fixed_qparams_range_0to1_fake_quant,
                                                     default_fixed_qparams_range_neg1to1_fake_quant)
    return {nn.Hardsigmoid: default_fixed_qparams_range_0to1_fake_quant,
            nn.Sigmoid: default_fixed_qparams_range_0to1_fake_quant,
            nn.Softmax: default_fixed_qparams_range_0to1_fake_quant,
            nn.Tanh: default_fixed_qparams_range_neg1to1_fake_quant}


def _get_special_act_post_process(module):
    """The fixed-parameter fake quantization constructor for ``module``'s class, or None."""
    return _module_to_act_post_process().get(type(module))


def _has_special_act_post_process(module):
    """Whether ``module`` trains and its class's output gets fixed-parameter fake quantization."""
    return module.training and type(module) in _module_to_act_post_process()


def get_embedding_qat_module_mappings():
    """The QAT mappings with the embedding tables' QAT forms added."""
    from ember.ao.nn import qat as nnqat
    mapping = get_default_qat_module_mappings()
    mapping[nn.EmbeddingBag] = nnqat.EmbeddingBag
    mapping[nn.Embedding] = nnqat.Embedding
    return mapping


def get_embedding_static_quant_module_mappings():
    """The static mappings with the embedding tables' QAT forms mapped to the quantized tables."""
    from ember.ao.nn import qat as nnqat
    from ember.ao.nn import quantized as nnq
    mapping = get_default_static_quant_module_mappings()
    mapping[nnqat.EmbeddingBag] = nnq.EmbeddingBag
    mapping[nnqat.Embedding] = nnq.Embedding
    return mapping


def no_observer_set():
    """Module classes whose outputs are not observed during preparation."""
    return {nn.quantizable.LSTM, nn.quantizable.MultiheadAttention} if hasattr(nn, 'quantizable') else set()


def get_default_qconfig_propagation_list():
    """The module classes that receive a qconfig during preparation (and so are observed or swapped)."""
    classes = set(get_default_static_quant_module_mappings())
    try:
        classes |= set(get_default_qat_module_mappings())
    except ImportError:
        pass
    classes |= set(get_default_dynamic_quant_module_mappings())
    classes.add(nn.Sequential)
    return copy.deepcopy(classes)


def get_static_quant_module_class(float_module_class, additional_static_quant_mapping=None, is_reference=False):
    """The statically quantized class for ``float_module_class``."""
    if is_reference:
        raise NotImplementedError("ember makes no reference quantized modules")
    mapping = {**get_default_static_quant_module_mappings(), **(additional_static_quant_mapping or {})}
    static_quant_module_class = mapping.get(float_module_class)
    if static_quant_module_class is None:
        raise AssertionError(f"Floating point module class {float_module_class} does not have a corresponding "
                             "quantized module class")
    return copy.deepcopy(static_quant_module_class)


def get_dynamic_quant_module_class(float_module_class, additional_dynamic_quant_mapping=None):
    """The dynamically quantized class for ``float_module_class``."""
    mapping = {**get_default_dynamic_quant_module_mappings(), **(additional_dynamic_quant_mapping or {})}
    dynamic_quant_module_class = mapping.get(float_module_class)
    if dynamic_quant_module_class is None:
        raise AssertionError(f"Floating point module class {float_module_class} does not have a corresponding "
                             "quantized module class")
    return copy.deepcopy(dynamic_quant_module_class)


# PyTorch's module-level mapping constants, built on first use (the quantized modules import this module)
_CONSTANTS = {'DEFAULT_STATIC_QUANT_MODULE_MAPPINGS': get_default_static_quant_module_mappings,
              'DEFAULT_QAT_MODULE_MAPPINGS': get_default_qat_module_mappings,
              'DEFAULT_DYNAMIC_QUANT_MODULE_MAPPINGS': get_default_dynamic_quant_module_mappings,
              'DEFAULT_MODULE_TO_ACT_POST_PROCESS': _module_to_act_post_process}


def __getattr__(name):
    if name in _CONSTANTS:
        value = globals()[name] = _CONSTANTS[name]()
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
