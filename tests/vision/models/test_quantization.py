"""torchvision.models.quantization's counterpart: quantizable ResNets that fuse, and quantize=True models
whose state_dict is torchvision's. Under torchvision, its quantized model's checkpoint loads into ember's and
the logits agree bit for bit (the kernels' arithmetic is pinned without PyTorch by
tests/fixtures/printed/quantization_static.py)."""
import warnings

import numpy as np
import pytest

import ember
from ember.vision import models


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        yield


def test_quantizable_resnet_fuses_and_runs_as_float():
    ember.manual_seed(0)
    model = models.quantization.resnet18(num_classes=7).eval()
    x = ember.rand(1, 3, 32, 32)
    with ember.no_grad():
        before = model(x).numpy()
        model.fuse_model()
        after = model(x).numpy()
    assert type(model.conv1).__name__ == 'ConvReLU2d' and type(model.bn1).__name__ == 'Identity'
    assert type(model.layer2[0].downsample[0]).__name__ == 'Conv2d'     # its BatchNorm folded in
    np.testing.assert_allclose(after, before, rtol=1e-4, atol=1e-5)


@pytest.fixture(scope='module')
def quantized_resnet18():
    """One quantize=True ResNet-18 for the module's tests (its calibration pass takes seconds)."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        ember.manual_seed(0)
        return models.quantization.resnet18(quantize=True, num_classes=10)


def test_quantize_true_builds_the_converted_model(quantized_resnet18):
    model = quantized_resnet18
    assert model.layer1[0].conv1._get_name() == 'QuantizedConvReLU2d'
    assert model.fc._get_name() == 'QuantizedLinear'
    keys = list(model.state_dict())
    assert keys[:6] == ['conv1.weight', 'conv1.bias', 'conv1.scale', 'conv1.zero_point', 'layer1.0.conv1.weight',
                        'layer1.0.conv1.bias']
    assert 'layer1.0.add_relu.scale' in keys and 'fc._packed_params._packed_params' in keys
    out = model(ember.rand(2, 3, 32, 32))
    assert out.shape == (2, 10) and not out.is_quantized
    assert models.quantization.ResNet18_QuantizedWeights.DEFAULT.meta['unquantized'] is \
        models.ResNet18_Weights.IMAGENET1K_V1
    assert 'quantized_resnet50' in models.list_models(module=models.quantization)


def test_torchvision_quantized_checkpoint_gives_the_same_logits(tmp_path, quantized_resnet18):
    torch = pytest.importorskip('torch')
    torchvision = pytest.importorskip('torchvision')
    torch.backends.quantized.engine = 'fbgemm'
    torch.manual_seed(0)
    reference = torchvision.models.quantization.resnet18(quantize=True, num_classes=10)
    torch.save(reference.state_dict(), tmp_path / 'q.pt')
    x = torch.rand(1, 3, 48, 48)
    model = quantized_resnet18
    result = model.load_state_dict(ember.load(tmp_path / 'q.pt'))
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(model).replace('ember.', 'torch.') == repr(reference)
    np.testing.assert_array_equal(model(ember.tensor(x.numpy())).numpy(), reference(x).numpy())


def test_quantizable_mobilenet_v2_fuses_and_quantizes_with_fbgemm(tmp_path):
    ember.manual_seed(0)
    model = models.quantization.mobilenet_v2(num_classes=4, width_mult=0.25).eval()
    model.fuse_model()
    assert type(model.features[1].conv[0][0]).__name__ == 'ConvReLU2d'
    with pytest.raises(RuntimeError, match="backend='fbgemm'"):
        models.quantization.mobilenet_v2(quantize=True)      # torchvision's default backend is qnnpack
    torch = pytest.importorskip('torch')
    torchvision = pytest.importorskip('torchvision')
    torch.backends.quantized.engine = 'fbgemm'
    torch.manual_seed(0)
    reference = torchvision.models.quantization.mobilenet_v2(quantize=True, backend='fbgemm', num_classes=4,
                                                             width_mult=0.25)
    torch.save(reference.state_dict(), tmp_path / 'q.pt')
    ember.manual_seed(0)
    quantized = models.quantization.mobilenet_v2(quantize=True, backend='fbgemm', num_classes=4, width_mult=0.25)
    quantized.load_state_dict(ember.load(tmp_path / 'q.pt'))
    assert repr(quantized).replace('ember.', 'torch.') == repr(reference)
    x = torch.rand(2, 3, 40, 40)
    np.testing.assert_array_equal(quantized(ember.tensor(x.numpy())).numpy(), reference(x).numpy())


def test_quantizable_shufflenet_v2_matches_torchvision(tmp_path):
    ember.manual_seed(0)
    model = models.quantization.shufflenet_v2_x0_5(num_classes=4).eval()
    model.fuse_model()
    assert type(model.stage2[0].branch2[0]).__name__ == 'ConvReLU2d'
    q = ember.quantize_per_tensor(ember.rand(1, 4, 3, 3), 0.01, 3, ember.quint8)
    halves = q.chunk(2, dim=1)
    assert [h.shape[1] for h in halves] == [2, 2] and halves[1].q_zero_point() == 3
    assert q.mean([2, 3]).shape == (1, 4)
    torch = pytest.importorskip('torch')
    torchvision = pytest.importorskip('torchvision')
    torch.backends.quantized.engine = 'fbgemm'
    torch.manual_seed(0)
    reference = torchvision.models.quantization.shufflenet_v2_x0_5(quantize=True, num_classes=4)
    torch.save(reference.state_dict(), tmp_path / 'q.pt')
    ember.manual_seed(0)
    quantized = models.quantization.shufflenet_v2_x0_5(quantize=True, num_classes=4)
    quantized.load_state_dict(ember.load(tmp_path / 'q.pt'))
    assert repr(quantized).replace('ember.', 'torch.') == repr(reference)
    x = torch.rand(2, 3, 40, 40)
    np.testing.assert_array_equal(quantized(ember.tensor(x.numpy())).numpy(), reference(x).numpy())


def test_quantizable_googlenet_matches_torchvision(tmp_path):
    torch = pytest.importorskip('torch')
    torchvision = pytest.importorskip('torchvision')
    torch.backends.quantized.engine = 'fbgemm'
    torch.manual_seed(0)
    reference = torchvision.models.quantization.googlenet(quantize=True, num_classes=4, aux_logits=False)
    torch.save(reference.state_dict(), tmp_path / 'q.pt')
    # the converted structure without ember's own calibration pass (the checkpoint brings the parameters)
    quantized = models.quantization.googlenet(num_classes=4, aux_logits=False, init_weights=False).eval()
    quantized.fuse_model()
    quantized.qconfig = ember.ao.quantization.QConfig(activation=ember.ao.quantization.default_observer,
                                                      weight=ember.ao.quantization.default_per_channel_weight_observer)
    quantized = ember.ao.quantization.convert(ember.ao.quantization.prepare(quantized))
    quantized.load_state_dict(ember.load(tmp_path / 'q.pt'))
    assert repr(quantized).replace('ember.', 'torch.') == repr(reference)
    x = torch.rand(1, 3, 48, 48)
    np.testing.assert_array_equal(quantized(ember.tensor(x.numpy())).numpy(), reference(x).numpy())


def test_quantizable_inception_v3_matches_torchvision(tmp_path):
    model = models.quantization.inception_v3(num_classes=4, aux_logits=False, init_weights=False).eval()
    model.fuse_model()
    assert type(model.Mixed_7c.branch3x3_1.conv).__name__ == 'ConvReLU2d'
    torch = pytest.importorskip('torch')
    torchvision = pytest.importorskip('torchvision')
    torch.backends.quantized.engine = 'fbgemm'
    torch.manual_seed(0)
    reference = torchvision.models.quantization.inception_v3(quantize=True, num_classes=4, aux_logits=False,
                                                             init_weights=False)
    torch.save(reference.state_dict(), tmp_path / 'q.pt')
    Q = ember.ao.quantization
    model.qconfig = Q.QConfig(activation=Q.default_observer, weight=Q.default_per_channel_weight_observer)
    quantized = Q.convert(Q.prepare(model))     # (structure only: the checkpoint brings the parameters)
    quantized.load_state_dict(ember.load(tmp_path / 'q.pt'))
    assert repr(quantized).replace('ember.', 'torch.') == repr(reference)
    x = torch.rand(1, 3, 80, 80)
    np.testing.assert_array_equal(quantized(ember.tensor(x.numpy())).numpy(), reference(x).numpy())
