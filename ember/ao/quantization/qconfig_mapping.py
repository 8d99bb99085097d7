"""QConfigMapping: which QConfig each op of a model gets in FX graph mode quantization, by module name,
module-name pattern, object type (module class, function or method name) or globally."""
from collections import OrderedDict

from ember import nn
import ember
import ember.nn.functional as F
from ember.ao.quantization.observer import (default_fixed_qparams_range_0to1_observer,
                                            default_fixed_qparams_range_neg1to1_observer,
                                            default_weight_observer, default_placeholder_observer)
from ember.ao.quantization.fake_quantize import default_weight_fake_quant, FixedQParamsFakeQuantize
from ember.ao.quantization.qconfig import (QConfig, get_default_qconfig, get_default_qat_qconfig,
                                           default_reuse_input_qconfig, default_quint8_weight_qconfig)

__all__ = ['get_default_qconfig_mapping', 'get_default_qat_qconfig_mapping', 'QConfigMapping']

_GLOBAL_DICT_KEY = ''
_OBJECT_TYPE_DICT_KEY = 'object_type'
_MODULE_NAME_REGEX_DICT_KEY = 'module_name_regex'
_MODULE_NAME_DICT_KEY = 'module_name'
_MODULE_NAME_OBJECT_TYPE_ORDER_DICT_KEY = 'module_name_object_type_order'

# the order in which a mapping prints its parts (lowest match priority first)
_QCONFIG_STYLE_ORDER = ['global_qconfig', 'object_type_qconfigs', 'module_name_regex_qconfigs',
                        'module_name_qconfigs', 'module_name_object_type_order_qconfigs']

# ops whose output range is known in advance: their outputs get fixed quantization parameters
_FIXED_QPARAMS_OP_TO_OBSERVER = {
    nn.Hardsigmoid: default_fixed_qparams_range_0to1_observer,
    F.hardsigmoid: default_fixed_qparams_range_0to1_observer,
    'hardsigmoid': default_fixed_qparams_range_0to1_observer,
    'hardsigmoid_': default_fixed_qparams_range_0to1_observer,
    nn.Sigmoid: default_fixed_qparams_range_0to1_observer,
    ember.sigmoid: default_fixed_qparams_range_0to1_observer,
    'sigmoid': default_fixed_qparams_range_0to1_observer,
    'sigmoid_': default_fixed_qparams_range_0to1_observer,
    nn.Softmax: default_fixed_qparams_range_0to1_observer,
    nn.Tanh: default_fixed_qparams_range_neg1to1_observer,
    ember.tanh: default_fixed_qparams_range_neg1to1_observer,
    'tanh': default_fixed_qparams_range_neg1to1_observer,
    'tanh_': default_fixed_qparams_range_neg1to1_observer,
}


class QConfigMapping:
    """Which :class:`QConfig` each op of a model gets, for ``prepare_fx``. The setters return the mapping,
    so they chain; later entries of one kind override earlier ones for the same key, and the kinds match in
    increasing priority: ``set_global``, ``set_object_type`` (a module class, a function such as
    ``ember.add``, or a method name such as ``"reshape"``), ``set_module_name_regex`` (the first pattern
    registered that matches wins), ``set_module_name``, ``set_module_name_object_type_order``.

    Example::

        >>> from ember.ao.quantization import QConfigMapping, default_qconfig, default_dynamic_qconfig
        >>> mapping = (QConfigMapping().set_global(default_qconfig)
        ...            .set_object_type(nn.LSTM, default_dynamic_qconfig)
        ...            .set_module_name("head", None))
        >>> dict(mapping.module_name_qconfigs)
        {'head': None}
    """

    def __init__(self):
        self.global_qconfig = None
        self.object_type_qconfigs = OrderedDict()
        self.module_name_regex_qconfigs = OrderedDict()
        self.module_name_qconfigs = OrderedDict()
        self.module_name_object_type_order_qconfigs = OrderedDict()

    def set_global(self, global_qconfig):
        """Sets the QConfig of everything no other entry matches."""
        self.global_qconfig = global_qconfig
        return self

    def set_object_type(self, object_type, qconfig):
        """Sets the QConfig of a module class, a function, or a method name."""
        self.object_type_qconfigs[object_type] = qconfig
        return self

    def set_module_name_regex(self, module_name_regex, qconfig):
        """Sets the QConfig of the modules whose qualified names match ``module_name_regex``
        (``re.match``); patterns are tried in the order they were first registered."""
        self.module_name_regex_qconfigs[module_name_regex] = qconfig
        return self

    def set_module_name(self, module_name, qconfig):
        """Sets the QConfig of the module with this qualified name (and of what it contains)."""
        self.module_name_qconfigs[module_name] = qconfig
        return self

    def set_module_name_object_type_order(self, module_name, object_type, index, qconfig):
        """Sets the QConfig of the ``index``-th call of ``object_type`` inside the module ``module_name``."""
        self.module_name_object_type_order_qconfigs[(module_name, object_type, index)] = qconfig
        return self

    def __repr__(self):
        out = type(self).__name__ + ' ('
        for style in _QCONFIG_STYLE_ORDER:
            out += f'\n {style}'
            qconfigs = getattr(self, style)
            if isinstance(qconfigs, OrderedDict) and qconfigs:
                for key, qconfig in qconfigs.items():
                    out += f'\n  {key}: {qconfig}'
            else:
                out += f'\n  {qconfigs}'
        return out + '\n)'

    def to_dict(self):
        """The mapping as the older ``qconfig_dict``: keys ``""``, ``"object_type"``,
        ``"module_name_regex"``, ``"module_name"``, ``"module_name_object_type_order"``, lists of tuples."""
        return {
            _GLOBAL_DICT_KEY: self.global_qconfig,
            _OBJECT_TYPE_DICT_KEY: list(self.object_type_qconfigs.items()),
            _MODULE_NAME_REGEX_DICT_KEY: list(self.module_name_regex_qconfigs.items()),
            _MODULE_NAME_DICT_KEY: list(self.module_name_qconfigs.items()),
            _MODULE_NAME_OBJECT_TYPE_ORDER_DICT_KEY: [(*k, v) for k, v in
                                                      self.module_name_object_type_order_qconfigs.items()],
        }

    @classmethod
    def from_dict(cls, qconfig_dict):
        """A mapping from an older ``qconfig_dict`` (the form :meth:`to_dict` gives; every key optional)."""
        mapping = cls()
        if _GLOBAL_DICT_KEY in qconfig_dict:
            mapping.set_global(qconfig_dict[_GLOBAL_DICT_KEY])
        for object_type, qconfig in qconfig_dict.get(_OBJECT_TYPE_DICT_KEY, []):
            mapping.set_object_type(object_type, qconfig)
        for regex, qconfig in qconfig_dict.get(_MODULE_NAME_REGEX_DICT_KEY, []):
            mapping.set_module_name_regex(regex, qconfig)
        for name, qconfig in qconfig_dict.get(_MODULE_NAME_DICT_KEY, []):
            mapping.set_module_name(name, qconfig)
        for name, object_type, index, qconfig in qconfig_dict.get(_MODULE_NAME_OBJECT_TYPE_ORDER_DICT_KEY, []):
            mapping.set_module_name_object_type_order(name, object_type, index, qconfig)
        return mapping


def _default_mapping(is_qat, backend, version):
    qconfig = get_default_qat_qconfig(backend, version) if is_qat else get_default_qconfig(backend, version)
    default_weight = default_weight_fake_quant if is_qat else default_weight_observer
    # fbgemm's transposed convolutions take per-tensor weights only
    qconfig_transpose = (QConfig(activation=qconfig.activation, weight=default_weight)
                         if backend in ('fbgemm', 'x86') else qconfig)
    qconfig_layernorm = QConfig(activation=qconfig.activation, weight=default_placeholder_observer)
    mapping = (QConfigMapping().set_global(qconfig)
               .set_object_type('reshape', default_reuse_input_qconfig)
               .set_object_type(nn.ConvTranspose1d, qconfig_transpose)
               .set_object_type(nn.ConvTranspose2d, qconfig_transpose)
               .set_object_type(nn.ConvTranspose3d, qconfig_transpose)
               .set_object_type(F.conv_transpose1d, qconfig_transpose)
               .set_object_type(F.conv_transpose2d, qconfig_transpose)
               .set_object_type(F.conv_transpose3d, qconfig_transpose)
               .set_object_type(F.layer_norm, qconfig_layernorm)
               .set_object_type(nn.LayerNorm, qconfig_layernorm)
               .set_object_type(nn.PReLU, default_quint8_weight_qconfig))
    by_observer = {}     # one QConfig per fixed range, shared by the ops of that range
    for op, observer in _FIXED_QPARAMS_OP_TO_OBSERVER.items():
        if observer not in by_observer:
            activation = FixedQParamsFakeQuantize.with_args(observer=observer) if is_qat else observer
            by_observer[observer] = QConfig(activation=activation, weight=default_weight)
        mapping.set_object_type(op, by_observer[observer])
    return mapping


def get_default_qconfig_mapping(backend='x86', version=0):
    """The default QConfigMapping for post-training quantization on ``backend`` (``'x86'``, ``'fbgemm'``,
    ``'qnnpack'`` or ``'onednn'``): the backend's default QConfig globally, fixed parameters for
    sigmoid/tanh-like ops, the input's parameters for ``reshape``.

    Example::

        >>> from ember.ao.quantization import get_default_qconfig_mapping
        >>> mapping = get_default_qconfig_mapping("x86")
        >>> type(mapping.global_qconfig.activation()).__name__
        'HistogramObserver'
    """
    return _default_mapping(False, backend, version)


def get_default_qat_qconfig_mapping(backend='x86', version=1):
    """The default QConfigMapping for quantization-aware training on ``backend``: fake quantization with
    the backend's default QAT QConfig, fixed-parameter fake quantization for sigmoid/tanh-like ops."""
    return _default_mapping(True, backend, version)
