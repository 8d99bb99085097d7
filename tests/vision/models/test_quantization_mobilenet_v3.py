"""torchvision.models.quantization.mobilenet_v3_large: the QAT-prepared model (fixed-parameter fake
quantization on its hardsigmoid gates), and ``quantize=True`` from a QAT checkpoint giving torchvision's
converted model: repr, state_dict keys and logits bit for bit, pinned by
tests/fixtures/quantized/mobilenet_v3_quantized.json.gz (recorded by record_mobilenet_v3.py)."""
import gzip
import json
import pathlib
import warnings

import numpy as np
import pytest

import ember
from ember.vision import models
from tests.fixtures.quantized.mobilenet_v3_common import WIDTH_MULT, parameter, images

RECORD = pathlib.Path(__file__).parents[2] / 'fixtures' / 'quantized' / 'mobilenet_v3_quantized.json.gz'


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        yield


@pytest.fixture(scope='module')
def record():
    with gzip.open(RECORD, 'rt') as f:
        return json.load(f)


def _checkpoint(record):
    """The recorded QAT checkpoint: its buffers as recorded, its parameters drawn again."""
    qat = models.quantization.mobilenet_v3_large(width_mult=WIDTH_MULT)
    qat.train()
    qat.fuse_model(is_qat=True)
    qat.qconfig = ember.ao.quantization.get_default_qat_qconfig('qnnpack')
    ember.ao.quantization.prepare_qat(qat, inplace=True)
    state = qat.state_dict()
    assert list(state) == record['checkpoint_keys']
    params = dict(qat.named_parameters())
    for key in state:
        if key in params:
            state[key] = ember.tensor(parameter(key, tuple(params[key].shape)))
        else:
            dtype, shape, values = record['buffers'][key]
            state[key] = ember.tensor(values, dtype=getattr(ember, dtype)).reshape(shape)
    return state


def test_qat_preparation_gives_hardsigmoid_fixed_qparams():
    model = models.quantization.mobilenet_v3_large(width_mult=WIDTH_MULT, num_classes=5)
    model.train()
    model.fuse_model(is_qat=True)
    model.qconfig = ember.ao.quantization.get_default_qat_qconfig('qnnpack')
    ember.ao.quantization.prepare_qat(model, inplace=True)
    se = model.features[4].block[2]
    gate = se.scale_activation.activation_post_process
    assert type(gate).__name__ == 'FixedQParamsFakeQuantize'
    assert gate.scale is gate.activation_post_process.scale
    assert float(gate.scale) == 1 / 256 and int(gate.zero_point) == 0
    assert type(se.fc1).__name__ == 'ConvReLU2d' and type(se.activation).__name__ == 'Identity'
    assert type(se.skip_mul.activation_post_process).__name__ == 'FusedMovingAvgObsFakeQuantize'
    out = model(ember.rand(2, 3, 32, 32))
    assert out.shape == (2, 5)
    assert float(gate.scale) == 1 / 256          # training leaves the fixed parameters as they are


def test_quantize_true_loads_the_qat_checkpoint_and_gives_torchvision_logits(record, monkeypatch):
    checkpoint = _checkpoint(record)
    weights = models.quantization.MobileNet_V3_Large_QuantizedWeights.IMAGENET1K_QNNPACK_V1
    assert weights.meta['backend'] == 'qnnpack' and weights.meta['unquantized'] is \
        models.MobileNet_V3_Large_Weights.IMAGENET1K_V1
    monkeypatch.setattr(type(weights), 'get_state_dict', lambda self, *args, **kwargs: checkpoint)
    model = models.quantization.mobilenet_v3_large(weights=weights, quantize=True, width_mult=WIDTH_MULT)
    assert repr(model).replace('ember.', 'torch.') == record['repr']
    assert list(model.state_dict()) == record['keys']
    assert type(model.features[4].block[2].scale_activation) is ember.nn.Hardsigmoid
    logits = model(ember.tensor(images(3)))
    assert not logits.is_quantized
    np.testing.assert_array_equal(logits.numpy(), np.array(record['logits'], dtype=np.float32))


def test_module_paths():
    from ember.vision.models.quantization import mobilenet, mobilenetv3
    assert mobilenet.mobilenet_v3_large is mobilenetv3.mobilenet_v3_large is models.quantization.mobilenet_v3_large
    assert mobilenet.mobilenet_v2 is models.quantization.mobilenet_v2
    assert 'quantized_mobilenet_v3_large' in models.list_models(module=models.quantization)
    assert mobilenet.__all__ == ['QuantizableMobileNetV2', 'MobileNet_V2_QuantizedWeights', 'mobilenet_v2',
                                 'QuantizableMobileNetV3', 'MobileNet_V3_Large_QuantizedWeights',
                                 'mobilenet_v3_large']


def test_quantized_hardsigmoid_matches_pytorch_kernel():
    # PyTorch's kernel: fixed output parameters (1/256 and 0, or -128 for qint8); in place the input takes them
    q = ember.quantize_per_tensor(ember.tensor([-4.0, -1.0, 0.0, 0.5, 2.0, 5.0]), 0.1, 3, ember.quint8)
    out = ember.nn.functional.hardsigmoid(q)
    assert out.q_scale() == 1 / 256 and out.q_zero_point() == 0
    assert out.int_repr().tolist() == [115, 115, 128, 149, 213, 255]
    q8 = ember.quantize_per_tensor(ember.tensor([-4.0, 0.0, 4.0]), 0.05, 0, ember.qint8)
    assert ember.nn.functional.hardsigmoid(q8).q_zero_point() == -128
    assert ember.nn.functional.hardsigmoid(q8).int_repr().tolist() == [-128, 0, 127]
    same = ember.nn.functional.hardsigmoid(q, inplace=True)
    assert same is q and q.q_scale() == 1 / 256 and q.int_repr().tolist() == [115, 115, 128, 149, 213, 255]


def test_against_torchvision_on_random_model(tmp_path):
    torch = pytest.importorskip('torch')
    torchvision = pytest.importorskip('torchvision')
    torch.manual_seed(0)
    reference = torchvision.models.quantization.mobilenet_v3_large(width_mult=WIDTH_MULT, num_classes=10)
    reference.train()
    reference.fuse_model(is_qat=True)
    reference.qconfig = torch.ao.quantization.get_default_qat_qconfig('qnnpack')
    torch.ao.quantization.prepare_qat(reference, inplace=True)
    for _ in range(2):
        reference(torch.randn(2, 3, 48, 48))
    torch.save(reference.state_dict(), tmp_path / 'qat.pt')
    torch.ao.quantization.convert(reference.eval(), inplace=True)
    model = models.quantization.mobilenet_v3_large(width_mult=WIDTH_MULT, num_classes=10)
    model.train()
    model.fuse_model(is_qat=True)
    model.qconfig = ember.ao.quantization.get_default_qat_qconfig('qnnpack')
    ember.ao.quantization.prepare_qat(model, inplace=True)
    result = model.load_state_dict(ember.load(tmp_path / 'qat.pt'))
    assert result.missing_keys == [] and result.unexpected_keys == []
    ember.ao.quantization.convert(model.eval(), inplace=True)
    assert repr(model).replace('ember.', 'torch.') == repr(reference)
    x = torch.rand(2, 3, 56, 56)
    np.testing.assert_array_equal(model(ember.tensor(x.numpy())).numpy(), reference(x).numpy())
