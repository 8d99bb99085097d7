"""QConfig: which observers (or fake quantization modules) to use for a layer's activations and weights."""
from collections import namedtuple
from typing import Optional

from ember import nn
from ember.ao.quantization.observer import (default_observer, default_weight_observer,
                                            default_per_channel_weight_observer, default_dynamic_quant_observer,
                                            default_placeholder_observer, default_float_qparams_observer,
                                            default_float_qparams_observer_4bit, PlaceholderObserver)
from ember.ao.quantization.observer import (default_debug_observer, NoopObserver, default_reuse_input_observer,
                                            MinMaxObserver, HistogramObserver)
from ember.ao.quantization.fake_quantize import (default_fake_quant, default_weight_fake_quant,
                                                 default_dynamic_fake_quant, default_fused_act_fake_quant,
                                                 default_fused_wt_fake_quant, default_embedding_fake_quant,
                                                 default_embedding_fake_quant_4bit)

__all__ = ['QConfig', 'default_qconfig', 'default_per_channel_qconfig', 'default_dynamic_qconfig',
           'float16_dynamic_qconfig', 'float16_static_qconfig', 'per_channel_dynamic_qconfig',
           'float_qparams_weight_only_qconfig', 'float_qparams_weight_only_qconfig_4bit', 'default_qat_qconfig',
           'default_dynamic_qat_qconfig', 'default_weight_only_qconfig', 'default_activation_only_qconfig',
           'QConfigDynamic', 'QConfigAny', 'default_debug_qconfig', 'default_qat_qconfig_v2', 'qconfig_equals',
           'default_embedding_qat_qconfig', 'default_embedding_qat_qconfig_4bit', 'default_reuse_input_qconfig',
           'default_quint8_weight_qconfig']


class QConfig(namedtuple('QConfig', ['activation', 'weight'])):
    """How to quantize a layer: observer classes (or ``with_args`` constructors) for its activations and
    its weights; preparation makes a new observer from them for every layer.

    Example::

        >>> from ember.ao.quantization import QConfig, MinMaxObserver
        >>> qconfig = QConfig(activation=MinMaxObserver.with_args(dtype=ember.quint8),
        ...                   weight=MinMaxObserver.with_args(dtype=ember.qint8))
        >>> qconfig.weight()
        MinMaxObserver(min_val=inf, max_val=-inf)
    """
    __slots__ = ()

    def __new__(cls, activation, weight):
        if isinstance(activation, nn.Module) or isinstance(weight, nn.Module):
            raise ValueError("QConfig received observer instance, please pass observer class instead. Use "
                             "MyObserver.with_args(x=1) to override arguments to constructor if needed")
        return super().__new__(cls, activation, weight)


class QConfigDynamic(namedtuple('QConfigDynamic', ['activation', 'weight'])):
    """The older QConfig for dynamic quantization (use :class:`QConfig`): observer classes for activations
    and weights, ``nn.Identity`` by default."""
    __slots__ = ()

    def __new__(cls, activation=nn.Identity, weight=nn.Identity):
        if isinstance(weight, nn.Module):
            raise ValueError("QConfigDynamic received observer instance, please pass observer class instead. Use "
                             "MyObserver.with_args(x=1) to override arguments to constructor if needed")
        return super().__new__(cls, activation, weight)


QConfigAny = Optional[QConfig]


def _constructor_equals(a, b):
    """Whether two observer constructors (classes or ``with_args`` wrappers) make the same observers."""
    from ember.ao.quantization.observer import _PartialWrapper
    if isinstance(a, _PartialWrapper) and isinstance(b, _PartialWrapper):
        return (a.p.func == b.p.func and a.p.args == b.p.args and a.p.keywords == b.p.keywords
                and a.callable_args == b.callable_args)
    return a == b


def qconfig_equals(q1, q2):
    """Whether two QConfigs (or None) make the same observers."""
    if q1 is None or q2 is None:
        return q1 == q2
    try:
        return _constructor_equals(q1.activation, q2.activation) and _constructor_equals(q1.weight, q2.weight)
    except AttributeError:
        return q1 == q2


def _float32():
    import ember
    return ember.float32


def _float16():
    import ember
    return ember.float16


default_qconfig = QConfig(activation=default_observer, weight=default_weight_observer)
default_per_channel_qconfig = QConfig(activation=default_observer, weight=default_per_channel_weight_observer)
default_dynamic_qconfig = QConfig(activation=default_dynamic_quant_observer, weight=default_weight_observer)
float16_dynamic_qconfig = QConfig(activation=PlaceholderObserver.with_args(dtype=_float16(), is_dynamic=True),
                                  weight=PlaceholderObserver.with_args(dtype=_float16()))
float16_static_qconfig = QConfig(activation=PlaceholderObserver.with_args(dtype=_float16()),
                                 weight=PlaceholderObserver.with_args(dtype=_float16()))
per_channel_dynamic_qconfig = QConfig(activation=default_dynamic_quant_observer,
                                      weight=default_per_channel_weight_observer)
float_qparams_weight_only_qconfig = QConfig(activation=default_placeholder_observer,
                                            weight=default_float_qparams_observer)
float_qparams_weight_only_qconfig_4bit = QConfig(activation=default_placeholder_observer,
                                                 weight=default_float_qparams_observer_4bit)
default_qat_qconfig = QConfig(activation=default_fake_quant, weight=default_weight_fake_quant)
default_embedding_qat_qconfig = QConfig(activation=NoopObserver.with_args(dtype=_float32()),
                                        weight=default_embedding_fake_quant)
default_embedding_qat_qconfig_4bit = QConfig(activation=NoopObserver.with_args(dtype=_float32()),
                                             weight=default_embedding_fake_quant_4bit)
default_debug_qconfig = QConfig(weight=default_weight_observer, activation=default_debug_observer)
default_qat_qconfig_v2 = QConfig(activation=default_fused_act_fake_quant, weight=default_fused_wt_fake_quant)
default_dynamic_qat_qconfig = QConfig(activation=default_dynamic_fake_quant, weight=default_weight_fake_quant)
default_weight_only_qconfig = QConfig(activation=nn.Identity, weight=default_weight_fake_quant)
default_activation_only_qconfig = QConfig(activation=default_fake_quant, weight=nn.Identity)
# for ops that keep their input's quantization (reshape): FX graph mode reuses the input's observer
default_reuse_input_qconfig = QConfig(activation=default_reuse_input_observer, weight=NoopObserver)
default_quint8_weight_qconfig = QConfig(activation=HistogramObserver, weight=MinMaxObserver)


def get_default_qconfig(backend='x86', version=0):
    """The default post-training QConfig for a backend: a histogram observer for activations (7-bit on
    ``'x86'``/``'fbgemm'``) and symmetric int8 weights (per channel except on ``'qnnpack'``).

    Args:
        backend (str): ``'x86'`` (default), ``'fbgemm'``, ``'qnnpack'`` or ``'onednn'``.
        version (int): 0.

    Example::

        >>> qconfig = ember.ao.quantization.get_default_qconfig('x86')
        >>> qconfig.activation().reduce_range, qconfig.weight().qscheme
        (True, ember.per_channel_symmetric)
    """
    from ember.ao.quantization.observer import HistogramObserver
    supported = ['fbgemm', 'x86', 'qnnpack', 'onednn']
    if backend not in supported:
        raise AssertionError(f"backend: {backend} not supported. backend must be one of {supported}")
    if version != 0:
        raise AssertionError(f"Version number: {version} in get_default_qconfig is not supported. Version number "
                             "must be 0")
    if backend == 'qnnpack':
        return QConfig(activation=HistogramObserver.with_args(reduce_range=False), weight=default_weight_observer)
    return QConfig(activation=HistogramObserver.with_args(reduce_range=backend != 'onednn'),
                   weight=default_per_channel_weight_observer)


__all__.append('get_default_qconfig')


def get_default_qat_qconfig(backend='x86', version=1):
    """The default QConfig for quantization-aware training on a backend: moving-average fake quantization of
    activations (7-bit on ``'x86'``/``'fbgemm'``) and symmetric int8 weights (per channel except on
    ``'qnnpack'``). ``version=1`` uses the fused observer + fake-quantize modules, ``version=0`` FakeQuantize.

    Example::

        >>> qconfig = ember.ao.quantization.get_default_qat_qconfig('x86')
        >>> type(qconfig.activation()).__name__, qconfig.weight().qscheme
        ('FusedMovingAvgObsFakeQuantize', ember.per_channel_symmetric)
    """
    from ember.ao.quantization.observer import MovingAverageMinMaxObserver
    from ember.ao.quantization.fake_quantize import (FakeQuantize, FusedMovingAvgObsFakeQuantize,
                                                     default_per_channel_weight_fake_quant,
                                                     default_fused_per_channel_wt_fake_quant,
                                                     default_fused_wt_fake_quant, default_embedding_fake_quant,
                                                 default_embedding_fake_quant_4bit)
    supported = ['fbgemm', 'x86', 'qnnpack', 'onednn']
    if backend not in supported:
        raise AssertionError(f"backend: {backend} not supported. backend must be one of {supported}")
    if version not in (0, 1):
        raise AssertionError(f"Version number: {version}in get_default_qat_qconfig is not supported. Version "
                             "number must be 0 or 1")
    fake_quant = FakeQuantize if version == 0 else FusedMovingAvgObsFakeQuantize
    reduce_range = {'onednn': None, 'qnnpack': False}.get(backend, True)
    kwargs = {} if reduce_range is None else {'reduce_range': reduce_range}
    activation = fake_quant.with_args(observer=MovingAverageMinMaxObserver, quant_min=0, quant_max=255, **kwargs)
    if backend == 'qnnpack':
        weight = default_weight_fake_quant if version == 0 else default_fused_wt_fake_quant
    else:
        weight = default_per_channel_weight_fake_quant if version == 0 else default_fused_per_channel_wt_fake_quant
    return QConfig(activation=activation, weight=weight)


__all__.append('get_default_qat_qconfig')
