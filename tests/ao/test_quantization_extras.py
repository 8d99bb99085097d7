"""The smaller names of torch.ao.quantization / torch.quantization: debugging observers, QConfigDynamic,
qconfig_equals, the histogram fake quantization, the mapping constants and the fuser functions, with
PyTorch's reprs and errors (texts recorded from PyTorch 2.13)."""
import pickle
import warnings

import pytest

import ember
from ember import nn

Q = ember.ao.quantization


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        yield


def test_debug_observers():
    assert repr(Q.NoopObserver()) == 'NoopObserver()' and Q.NoopObserver().dtype is ember.float16
    with pytest.raises(Exception, match='^calculate_qparams should not be called for NoopObserver$'):
        Q.NoopObserver().calculate_qparams()
    rec = Q.default_debug_observer()
    x = ember.tensor([1.0, -2.0])
    assert rec(x) is x and repr(rec) == 'RecordingObserver()'
    x.add_(1)                                     # the observer kept a copy
    assert rec.get_tensor_value()[0].tolist() == [1.0, -2.0]
    assert Q.default_debug_qconfig.activation is Q.RecordingObserver


def test_qconfigs():
    same = Q.QConfig(activation=Q.MinMaxObserver.with_args(quant_min=0, quant_max=127),
                     weight=Q.default_weight_observer)
    assert Q.qconfig_equals(Q.default_qconfig, same)
    assert not Q.qconfig_equals(Q.default_qconfig, Q.default_per_channel_qconfig)
    assert Q.qconfig_equals(None, None) and not Q.qconfig_equals(None, Q.default_qconfig)
    dyn = Q.QConfigDynamic(weight=Q.default_weight_observer)
    assert dyn.activation is nn.Identity and dyn.weight().dtype is ember.qint8
    with pytest.raises(ValueError, match='QConfigDynamic received observer instance'):
        Q.QConfigDynamic(weight=Q.MinMaxObserver())
    assert type(Q.default_qat_qconfig_v2.activation()).__name__ == 'FusedMovingAvgObsFakeQuantize'
    assert Q.QConfigAny == Q.QConfigAny  # a typing alias: Optional[QConfig]


def test_histogram_fake_quant_repr():
    assert repr(Q.default_histogram_fake_quant()).replace('ember.', 'torch.') == (
        "FakeQuantize(\n  fake_quant_enabled=tensor([1], dtype=torch.uint8), observer_enabled=tensor([1], "
        "dtype=torch.uint8), quant_min=0, quant_max=127, dtype=torch.quint8, qscheme=torch.per_tensor_affine, "
        "ch_axis=-1, scale=tensor([1.]), zero_point=tensor([0], dtype=torch.int32)\n  (activation_post_process): "
        "HistogramObserver(min_val=inf, max_val=-inf)\n)")


def test_fbgemm_qconfig_names_the_histogram_observer_where_pytorch_defines_it():
    # printed qconfigs (and pickles) name the class by its module, ember.ao.quantization.observer as PyTorch's
    assert repr(Q.get_default_qconfig('fbgemm')).replace('ember.', 'torch.') == (
        "QConfig(activation=functools.partial(<class 'torch.ao.quantization.observer.HistogramObserver'>, "
        "reduce_range=True){}, weight=functools.partial(<class "
        "'torch.ao.quantization.observer.PerChannelMinMaxObserver'>, dtype=torch.qint8, "
        "qscheme=torch.per_channel_symmetric){})")
    assert pickle.loads(pickle.dumps(Q.HistogramObserver)) is Q.HistogramObserver


def test_mapping_constants_and_helpers():
    import ember.quantization as legacy
    from ember.ao.quantization import quantization_mappings as qm
    assert legacy.DEFAULT_STATIC_QUANT_MODULE_MAPPINGS is qm.DEFAULT_STATIC_QUANT_MODULE_MAPPINGS
    assert qm.DEFAULT_STATIC_QUANT_MODULE_MAPPINGS[nn.Conv2d] is ember.ao.nn.quantized.Conv2d
    assert qm.DEFAULT_DYNAMIC_QUANT_MODULE_MAPPINGS[nn.EmbeddingBag] is ember.ao.nn.quantized.EmbeddingBag
    assert qm.DEFAULT_QAT_MODULE_MAPPINGS[nn.Linear] is ember.ao.nn.qat.Linear
    tanh_fq = qm.DEFAULT_MODULE_TO_ACT_POST_PROCESS[nn.Tanh]()
    assert float(tanh_fq.scale) == 2 / 256 and int(tanh_fq.zero_point) == 128
    assert legacy.get_static_quant_module_class(nn.Linear) is ember.ao.nn.quantized.Linear
    assert legacy.fuse_conv_bn is Q.fuser_method_mappings.fuse_conv_bn
    import importlib
    fuse_module = importlib.import_module('ember.ao.quantization.fuse_modules')    # (Q.fuse_modules: the function)
    assert fuse_module.fuse_conv_bn_relu is Q.fuser_method_mappings.fuse_conv_bn_relu
    seen = []
    Q.default_eval_fn(lambda x: seen.append(x), [(1, 'a'), (2, 'b')])
    assert seen == [1, 2]


def test_qint32_quantization_saturates_at_the_types_limits():
    """Values past qint32's range clamp to 2^31 - 1 / -2^31 (PyTorch's integers, recorded): clamping in float32,
    where 2^31 - 1 rounds up to 2^31, wrapped them round to -2^31."""
    q = ember.quantize_per_tensor(ember.tensor([1.0, -1.0, 0.9999999, 3e9]), 2 ** -31, 0, ember.qint32)
    assert q.int_repr().tolist() == [2147483647, -2147483648, 2147483392, 2147483647]
    q = ember.quantize_per_tensor(ember.tensor([2147483520.0, 2147483647.0, -2147483648.0, -3e9]), 1.0, 0,
                                  ember.qint32)
    assert q.int_repr().tolist() == [2147483520, 2147483647, -2147483648, -2147483648]
    q = ember.quantize_per_channel(ember.tensor([[1.0], [-1.0]]), ember.tensor([2 ** -31, 2 ** -31],
                                   dtype=ember.float64), ember.tensor([0, 0]), 0, ember.qint32)
    assert q.int_repr().tolist() == [[2147483647], [-2147483648]]
