"""FX graph mode quantization (ember.ao.quantization.quantize_fx) against PyTorch's, recorded by
tests/fixtures/quantized/record_fx.py: the same parameters and inputs give the same prepared code, observer
layout, converted code and repr, and logits."""
import copy
import gzip
import json
import pathlib
import warnings

import numpy as np
import pytest

import ember
from ember import nn
from ember.ao.quantization import (QConfigMapping, default_qconfig, default_dynamic_qconfig,
                                   get_default_qconfig_mapping, get_default_qat_qconfig_mapping)
from ember.ao.quantization.quantize_fx import prepare_fx, prepare_qat_fx, convert_fx, convert_to_reference_fx, fuse_fx
from tests.fixtures.quantized.fx_common import fill, images, define_models, define_patterns_model, pattern_inputs

RECORD = pathlib.Path(__file__).parents[1] / 'fixtures' / 'quantized' / 'fx_graph_mode.json.gz'


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        yield


@pytest.fixture(scope='module')
def record():
    with gzip.open(RECORD, 'rt') as f:
        return json.load(f)


def _as_torch(text):
    # (the recorded code leaves out the forward's annotations, as record_fx.py's _code does)
    return text.replace('ember.', 'torch.').replace(' : torch.Tensor) -> torch.Tensor', ')')


def _calibrated(name):
    from ember.vision import models
    model = fill(getattr(models, name)().eval(), ember.from_numpy)
    prepared = prepare_fx(model, get_default_qconfig_mapping('x86'), (ember.from_numpy(images(1)),))
    with ember.no_grad():
        for seed in (1, 2):
            prepared(ember.from_numpy(images(seed)))
    return prepared


@pytest.mark.parametrize('name', ['resnet18', 'mobilenet_v2'])
def test_torchvision_model_prepares_calibrates_and_converts_as_pytorch(record, name):
    expected = record[name]
    prepared = _calibrated(name)
    assert _as_torch(prepared.code) == expected['prepared_code']
    assert [n for n, _ in prepared.named_children()] == expected['children']
    x = ember.from_numpy(images(3))
    # calibrated here: the float convolutions' sums differ from PyTorch's in the last bits, so the
    # observed ranges (and the scales chosen from them) do too, by float32 rounding only; convert_fx rewrites
    # the model it converts (as PyTorch's), so this first conversion works on a copy
    quantized = convert_fx(copy.deepcopy(prepared))
    assert _as_torch(quantized.code) == expected['code']
    np.testing.assert_allclose(quantized(x).numpy(), np.array(expected['logits'], np.float32), rtol=0, atol=1e-5)
    # with PyTorch's observed statistics, conversion gives PyTorch's quantized model bit for bit
    for obs_name, observer in prepared.named_modules():
        if type(observer).__name__ == 'HistogramObserver':
            low, high, histogram = expected['observers'][obs_name]
            observer.min_val.fill_(low)
            observer.max_val.fill_(high)
            observer.histogram.copy_(ember.tensor(histogram))
    quantized = convert_fx(prepared)
    assert _as_torch(repr(quantized)) == expected['repr']
    np.testing.assert_array_equal(quantized(x).numpy(), np.array(expected['logits'], np.float32))


def test_each_pattern_prepares_and_converts_as_pytorch(record):
    """conv1d/3d (+bn)(+relu), linear + relu, F.linear and F.conv2d with observed weights (+F.relu), mul +
    ember.relu, cat, module and functional hardswish, dropout, reshape/view, pooling, flatten, ember.add, and
    add/mul (+ relu) of a quantized tensor and a number."""
    expected = record['patterns']
    Patterns = define_patterns_model(nn, nn.functional, ember)
    model = fill(Patterns().eval(), ember.from_numpy)
    inputs = [tuple(ember.from_numpy(a) for a in pattern_inputs(seed)) for seed in (10, 20, 30)]
    prepared = prepare_fx(model, get_default_qconfig_mapping('x86'), inputs[0])
    assert _as_torch(prepared.code) == expected['prepared_code']
    first_name = {}
    for name, m in prepared.named_children():
        first_name.setdefault(id(m), name)
    sharing = {n.target: first_name[id(getattr(prepared, n.target))] for n in prepared.graph.nodes
               if n.op == 'call_module' and n.target.startswith('activation_post_process_')}
    assert sharing == expected['sharing']        # cat's inputs and output, reshape/view, pooling share
    for args in inputs[:2]:
        prepared(*args)
    for name, observer in prepared.named_modules():
        if name in expected['observers']:
            for key, values in expected['observers'][name].items():
                buffer = getattr(observer, key)
                if buffer.numel() == len(values):
                    buffer.copy_(ember.tensor(values, dtype=buffer.dtype).reshape(buffer.shape))
                else:
                    setattr(observer, key, ember.tensor(values, dtype=buffer.dtype))
    quantized = convert_fx(prepared)
    assert _as_torch(quantized.code) == expected['code']
    assert _as_torch(repr(quantized)) == expected['repr']
    for out, want in zip(quantized(*inputs[2]), expected['outputs']):
        np.testing.assert_array_equal(out.numpy(), np.array(want, np.float32))


def test_prepare_fx_leaves_the_model_and_convert_fx_leaves_the_prepared_model_unchanged():
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU()).eval()
    x = ember.randn(1, 1, 5, 5)
    prepared = prepare_fx(model, get_default_qconfig_mapping(), (x,))
    assert type(model[0]) is nn.Conv2d and type(prepared.get_submodule('0')).__name__ == 'ConvReLU2d'
    prepared(x)
    code = prepared.code
    quantized = convert_fx(prepared)
    assert prepared.code == code and type(quantized.get_submodule('0')).__name__ == 'ConvReLU2d'
    assert quantized.get_submodule('0')._get_name() == 'QuantizedConvReLU2d'
    assert np.abs(quantized(x).numpy() - model(x).detach().numpy()).max() < 0.05


def test_qconfig_mapping_setters_priority_and_dict_round_trip():
    mapping = (QConfigMapping().set_global(default_qconfig)
               .set_object_type(nn.Linear, default_dynamic_qconfig)
               .set_module_name_regex('block.*', None)
               .set_module_name('head', default_dynamic_qconfig)
               .set_module_name_object_type_order('head', nn.Linear, 0, None))
    as_dict = mapping.to_dict()
    assert as_dict[''] is default_qconfig and as_dict['object_type'] == [(nn.Linear, default_dynamic_qconfig)]
    assert as_dict['module_name_object_type_order'] == [('head', nn.Linear, 0, None)]
    again = QConfigMapping.from_dict(as_dict)
    assert again.to_dict() == as_dict
    assert repr(again).startswith('QConfigMapping (\n global_qconfig\n  QConfig(')

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.block1 = nn.Linear(4, 4)
            self.body = nn.Linear(4, 4)
            self.head = nn.Linear(4, 2)

        def forward(self, x):
            return self.head(self.body(self.block1(x)))

    mapping = (QConfigMapping().set_global(default_qconfig).set_module_name_regex('block.*', None)
               .set_module_name('head', None))
    x = ember.randn(3, 4)
    prepared = prepare_fx(Net().eval(), mapping, (x,))
    prepared(x)
    quantized = convert_fx(prepared)
    names = {n: m._get_name() for n, m in quantized.named_children()}
    assert names == {'block1': 'Linear', 'body': 'QuantizedLinear', 'head': 'Linear'}
    assert 'quantize_per_tensor' in quantized.code and 'dequantize' in quantized.code


def test_default_qconfig_mappings_as_pytorch():
    mapping = get_default_qconfig_mapping('x86')
    assert type(mapping.global_qconfig.activation()).__name__ == 'HistogramObserver'
    assert mapping.object_type_qconfigs['reshape'].activation.__name__ == 'ReuseInputObserver'
    assert mapping.object_type_qconfigs[nn.Sigmoid].activation().scale.item() == 1 / 256
    qat = get_default_qat_qconfig_mapping('qnnpack')
    assert type(qat.object_type_qconfigs[nn.Tanh].activation()).__name__ == 'FixedQParamsFakeQuantize'
    assert len(mapping.object_type_qconfigs) == len(qat.object_type_qconfigs) == 23


def test_fuse_fx_folds_batch_norm_and_fuses_relu():
    model = nn.Sequential(nn.Conv2d(2, 3, 3), nn.BatchNorm2d(3), nn.ReLU(), nn.Linear(4, 4), nn.ReLU()).eval()
    model[1].running_mean.fill_(0.5)
    fused = fuse_fx(model)
    assert [type(m).__name__ for m in fused.children()] == ['ConvReLU2d', 'LinearReLU']
    x = ember.randn(1, 2, 6, 6)
    np.testing.assert_allclose(fused(x).detach().numpy(), model(x).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_lstm_and_linear_dynamically_quantized_through_a_qconfig_mapping(record):
    expected = record['dynamic']
    Recurrent, _ = define_models(nn, nn.functional)
    model = fill(Recurrent().eval(), ember.from_numpy)
    mapping = (QConfigMapping().set_object_type(nn.LSTM, default_dynamic_qconfig)
               .set_object_type(nn.Linear, default_dynamic_qconfig))
    x = ember.from_numpy(images(4, (5, 2, 6)))
    prepared = prepare_fx(model, mapping, (x,))
    assert _as_torch(prepared.code) == expected['prepared_code']
    assert _as_torch(repr(prepared)) == expected['prepared_repr']
    quantized = convert_fx(prepared)
    assert _as_torch(quantized.code) == expected['code'] and _as_torch(repr(quantized)) == expected['repr']
    out = quantized(x).numpy()
    # the same as eager quantize_dynamic; that differs from PyTorch's LSTM by float32 rounding (3e-8)
    eager = ember.ao.quantization.quantize_dynamic(model, {nn.LSTM, nn.Linear})
    np.testing.assert_array_equal(out, eager(x).numpy())
    np.testing.assert_allclose(out, np.array(expected['output'], np.float32), rtol=0, atol=1e-6)


def test_prepare_qat_fx_trains_and_converts(record):
    expected = record['qat']
    _, SmallConvNet = define_models(nn, nn.functional)
    model = fill(SmallConvNet().train(), ember.from_numpy)
    prepared = prepare_qat_fx(model, get_default_qat_qconfig_mapping('x86'), (ember.from_numpy(images(5)),))
    assert _as_torch(prepared.code) == expected['prepared_code']
    assert _as_torch(repr(prepared)) == expected['prepared_repr']
    assert type(prepared.conv).__module__ == 'ember.ao.nn.intrinsic.qat.modules.conv_fused'
    optimizer = ember.optim.SGD(prepared.parameters(), lr=0.1)
    losses = []
    for seed in (5, 6, 7):
        optimizer.zero_grad()
        loss = prepared(ember.from_numpy(images(seed))).square().mean()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    # the fused observers choose PyTorch's scales and zero points, so training follows PyTorch's up to float32
    # sums
    np.testing.assert_allclose(losses, expected['losses'], rtol=1e-5)
    assert losses[2] < losses[0] / 5
    prepared.apply(ember.ao.quantization.disable_observer)
    quantized = convert_fx(copy.deepcopy(prepared).eval())
    assert _as_torch(quantized.code) == expected['code']
    assert [m._get_name() for m in quantized.children()] == ['QuantizedConvReLU2d', 'QuantizedConvReLU2d',
                                                             'AdaptiveAvgPool2d', 'QuantizedLinear']
    x = ember.from_numpy(images(8))
    fake_quantized = prepared.eval()(x).detach().numpy()
    out = quantized(x).numpy()
    assert np.abs(out - fake_quantized).max() <= 2.01 * quantized.fc.scale    # (PyTorch's: 2.00001 steps)
    np.testing.assert_allclose(fake_quantized, np.array(expected['fake_quantized'], np.float32), rtol=0, atol=1e-5)
    np.testing.assert_allclose(out, np.array(expected['logits'], np.float32), rtol=0, atol=1e-5)


def test_convert_to_reference_fx_gives_reference_modules_between_quantize_and_dequantize(record):
    expected = record['reference']
    _, SmallConvNet = define_models(nn, nn.functional)
    model = fill(SmallConvNet().eval(), ember.from_numpy)
    prepared = prepare_fx(model, get_default_qconfig_mapping('x86'), (ember.from_numpy(images(5)),))
    prepared(ember.from_numpy(images(5)))
    reference = convert_to_reference_fx(prepared)
    assert _as_torch(reference.code) == expected['code'] and _as_torch(repr(reference)) == expected['repr']
    conv = reference.conv[0]
    assert conv._get_name() == 'QuantizedConv2d(Reference)' and conv.weight_qscheme is ember.per_channel_affine
    np.testing.assert_array_equal(conv.weight_scale.numpy(), np.array(expected['weight_scale'], np.float32))
    # float convolutions and linear layers between quantize/dequantize pairs: equal up to float32 sums
    np.testing.assert_allclose(reference(ember.from_numpy(images(6))).detach().numpy(),
                               np.array(expected['output'], np.float32), rtol=0, atol=1e-5)


def test_unsupported_settings_are_refused():
    model = nn.Sequential(nn.Linear(2, 2)).eval()
    x = ember.randn(1, 2)
    with pytest.raises(NotImplementedError, match='standalone modules'):
        ember.ao.quantization.fx.custom_config.PrepareCustomConfig().set_standalone_module_name('0', None, None,
                                                                                                None, None)
    with pytest.raises(NotImplementedError, match='standalone_module_name'):
        prepare_fx(model, get_default_qconfig_mapping(), (x,), prepare_custom_config={
            'standalone_module_name': [('0', None, None, None)]})
    with pytest.raises(NotImplementedError, match='_equalization_config'):
        prepare_fx(model, get_default_qconfig_mapping(), (x,), _equalization_config={'': 1})
    prepared = prepare_fx(model, get_default_qconfig_mapping(), (x,))
    with pytest.raises(NotImplementedError, match='qconfig_mapping to convert_fx'):
        convert_fx(prepared, qconfig_mapping=get_default_qconfig_mapping())
    with pytest.raises(ValueError, match='returned by prepare_fx'):
        convert_fx(model)
    dynamic = prepare_fx(model, QConfigMapping().set_global(default_dynamic_qconfig), (x,))
    with pytest.raises(NotImplementedError, match='dynamic quantization'):
        convert_to_reference_fx(dynamic)


def test_a_backend_config_decides_what_is_fused_observed_and_lowered():
    from ember.ao.quantization.backend_config import (BackendConfig, BackendPatternConfig, DTypeConfig,
                                                      ObservationType, get_native_backend_config,
                                                      get_fbgemm_backend_config, get_qnnpack_backend_config)
    native = get_native_backend_config()
    assert native.name == 'native' and get_fbgemm_backend_config().name == 'fbgemm'
    assert get_qnnpack_backend_config().name == 'qnnpack'
    patterns = {c.pattern for c in native.configs}
    assert {nn.Conv2d, (nn.Conv2d, nn.BatchNorm2d, nn.ReLU), nn.functional.linear, 'reshape'} <= patterns
    int8 = DTypeConfig(input_dtype=ember.quint8, output_dtype=ember.quint8, weight_dtype=ember.qint8,
                       bias_dtype=ember.float32)
    linear_only = BackendConfig('linear_only').set_backend_pattern_config(
        BackendPatternConfig(nn.Linear).set_observation_type(ObservationType.OUTPUT_USE_DIFFERENT_OBSERVER_AS_INPUT)
        .add_dtype_config(int8).set_root_module(nn.Linear))
    again = BackendConfig.from_dict(linear_only.to_dict())
    assert [c.pattern for c in again.configs] == [nn.Linear] and again.configs[0].dtype_configs[0].weight_dtype \
        is ember.qint8
    model = nn.Sequential(nn.Conv2d(1, 2, 1), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3)).eval()
    x = ember.randn(2, 1, 2, 2)
    prepared = prepare_fx(model, get_default_qconfig_mapping(), (x,), backend_config=linear_only)
    assert [type(m).__name__ for m in prepared.children()] == ['Conv2d', 'ReLU', 'Flatten', 'HistogramObserver',
                                                              'Linear', 'HistogramObserver']
    prepared(x)
    quantized = convert_fx(prepared)
    assert [m._get_name() for m in quantized.children()] == ['Conv2d', 'ReLU', 'Flatten', 'QuantizedLinear']
    np.testing.assert_allclose(quantized(x).numpy(), model(x).detach().numpy(), atol=0.05)


@pytest.mark.parametrize('name', ['shufflenet_v2_x0_5', 'googlenet', 'squeezenet1_0', 'mobilenet_v3_small'])
def test_more_torchvision_models_prepare_and_convert_to_pytorchs_code(record, name):
    """Channel shuffles (sizes read from quantized values), concatenated branches, fire modules,
    hardswish and squeeze-excitation with hardsigmoid."""
    from ember.vision import models
    prepared_code, converted_code = record['code_only'][name]
    kwargs = {'aux_logits': False, 'init_weights': True} if name == 'googlenet' else {}
    model = fill(getattr(models, name)(**kwargs).eval(), ember.from_numpy)
    x = ember.from_numpy(images(1, (1, 3, 64, 64)))
    prepared = prepare_fx(model, get_default_qconfig_mapping('x86'), (x,))
    assert _as_torch(prepared.code) == prepared_code
    prepared(x)
    quantized = convert_fx(prepared)
    assert _as_torch(quantized.code) == converted_code
    out, ref = quantized(x).numpy(), model(x).detach().numpy()
    assert np.abs(out - ref).max() < 0.05 * np.abs(ref).max() + 1e-3


def test_fixed_parameter_ops_softmax_and_sigmoid_quantized():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc, self.sm, self.sig = nn.Linear(4, 5), nn.Softmax(dim=1), nn.Sigmoid()

        def forward(self, x):
            y = self.fc(x)
            return self.sm(y), self.sig(y)

    model = Net().eval()
    x = ember.randn(3, 4)
    prepared = prepare_fx(model, get_default_qconfig_mapping(), (x,))
    assert type(prepared.activation_post_process_2).__name__ == 'FixedQParamsObserver'
    prepared(x)
    quantized = convert_fx(prepared)
    assert quantized.sm._get_name() == 'QuantizedSoftmax' and quantized.sm.scale == 1 / 256
    # the float Sigmoid module runs on the quantized tensor: the quantized kernel, with its fixed parameters
    assert quantized.sig._get_name() == 'Sigmoid' and 'sig = self.sig(fc)' in quantized.code
    assert 'sig_scale' not in quantized.code
    for out, ref in zip(quantized(x), model(x)):
        np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), atol=2 / 256 + 0.02)


_AFTER_DISPATCH = r'''
import sys, ember
from ember.ao.quantization import get_default_qconfig_mapping
from ember.ao.quantization.quantize_fx import prepare_fx, convert_fx
import ember.nn.functional as F
if sys.argv[1] == 'on':
    class Marked(ember.Tensor):      # dispatch switched on after quantization's pattern tables were built
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            return super().__torch_function__(func, types, args, kwargs or {})

class M(ember.nn.Module):
    def __init__(self):
        super().__init__()
        self.w = ember.nn.Parameter(ember.ones(3, 4) * 0.1)
    def forward(self, x):
        return F.linear(ember.flatten(x, 1), self.w).relu()

ember.manual_seed(0)
x = ember.randn(2, 2, 2)
m = prepare_fx(M().eval(), get_default_qconfig_mapping(), (x,))
m(x)
print(convert_fx(m).code)
'''


def test_patterns_match_after_dispatch_is_switched_on():
    import subprocess
    import sys
    off, on = (subprocess.run([sys.executable, '-c', _AFTER_DISPATCH, mode], capture_output=True, text=True,
                              check=True, timeout=300).stdout for mode in ('off', 'on'))
    assert 'quantized.linear' in off and on == off
