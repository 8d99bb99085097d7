"""Static quantization as a user runs it: fuse, prepare, calibrate, convert, run; the converted model copied,
pickled, saved and reloaded; and, where PyTorch is installed, the same flow under PyTorch with checkpoints
passed both ways and outputs compared bit for bit. Printing and values against recorded PyTorch output are
pinned by tests/fixtures/printed/quantization_static.py."""
import copy
import io
import pickle
import warnings

import numpy as np
import pytest

import ember
from ember.ao import quantization as Q


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        yield


class _Net:
    """A small CNN (conv-bn-relu, pooling, a grouped conv with a residual add, linear layer), defined per
    library (ember's is a module-level class, so converted models pickle)."""

    @staticmethod
    def build(torch):
        nn = torch.nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.quant = torch.ao.quantization.QuantStub()
                self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
                self.bn1 = nn.BatchNorm2d(8)
                self.relu1 = nn.ReLU()
                self.pool = nn.MaxPool2d(2)
                self.conv2 = nn.Conv2d(8, 8, 3, padding=1, groups=2)
                self.relu2 = nn.ReLU()
                self.add = nn.quantized.FloatFunctional()
                self.avg = nn.AdaptiveAvgPool2d((2, 2))
                self.fc = nn.Linear(32, 10)
                self.dequant = torch.ao.quantization.DeQuantStub()

            def forward(self, x):
                x = self.pool(self.relu1(self.bn1(self.conv1(self.quant(x)))))
                x = self.add.add(self.relu2(self.conv2(x)), x)
                return self.dequant(self.fc(torch.flatten(self.avg(x), 1)))
        return Net


EmberNet = _Net.build(ember)
EmberNet.__qualname__ = 'EmberNet'


def _model(torch, seed):
    """The CNN with weights drawn from ``seed``."""
    net = EmberNet() if torch is ember else _Net.build(torch)()
    rng = np.random.default_rng(seed)
    state = {k: torch.tensor(rng.normal(scale=0.4, size=tuple(v.shape)).astype(np.float32))
             if v.dtype == torch.float32 else v for k, v in net.state_dict().items()}
    state['bn1.running_var'] = torch.tensor(rng.uniform(0.5, 2.0, 8).astype(np.float32))
    net.load_state_dict(state)
    return net.eval()


def _quantized(torch, seed, qconfig, batches):
    net = _model(torch, seed)
    net.qconfig = qconfig
    fused = torch.ao.quantization.fuse_modules(net, [['conv1', 'bn1', 'relu1'], ['conv2', 'relu2']])
    prepared = torch.ao.quantization.prepare(fused)
    for batch in batches:
        prepared(torch.tensor(batch))
    return torch.ao.quantization.convert(prepared)


def _batches(seed, n=3):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(2, 3, 12, 12)).astype(np.float32) for _ in range(n)]


def test_converted_model_runs_on_quantized_modules_and_stays_close_to_float():
    batches = _batches(1)
    qm = _quantized(ember, 0, Q.default_qconfig, batches)
    assert type(qm.conv1).__name__ == 'ConvReLU2d' and qm.conv1._get_name() == 'QuantizedConvReLU2d'
    assert type(qm.quant).__name__ == 'Quantize' and type(qm.add).__name__ == 'QFunctional'
    x = ember.tensor(batches[0])
    expected = _model(ember, 0)(x).detach().numpy()
    got = qm(x)
    assert got.dtype == ember.float32 and not got.is_quantized
    assert np.abs(got.numpy() - expected).max() < 0.1 * np.abs(expected).max()


def test_converted_model_copies_pickles_and_reloads_its_state_dict(tmp_path):
    batches = _batches(2)
    qm = _quantized(ember, 0, Q.get_default_qconfig('x86'), batches)
    x = ember.tensor(batches[1])
    expected = qm(x).numpy()
    for clone in (copy.deepcopy(qm), pickle.loads(pickle.dumps(qm))):
        np.testing.assert_array_equal(clone(x).numpy(), expected)
    path = tmp_path / 'q.pt'
    ember.save(qm.state_dict(), path)
    fresh = _quantized(ember, 5, Q.get_default_qconfig('x86'), _batches(6))
    assert not np.array_equal(fresh(x).numpy(), expected)
    result = fresh.load_state_dict(ember.load(path))
    assert result.missing_keys == [] and result.unexpected_keys == []
    np.testing.assert_array_equal(fresh(x).numpy(), expected)
    assert fresh.conv1.scale == qm.conv1.scale and fresh.fc.zero_point == qm.fc.zero_point


def test_quantize_in_one_call_equals_prepare_calibrate_convert():
    batches = _batches(3)
    net = _model(ember, 0)
    net.qconfig = Q.default_qconfig

    def calibrate(model, data):
        for batch in data:
            model(ember.tensor(batch))
    qm = Q.quantize(net, calibrate, [batches])
    assert type(net.conv1) is ember.nn.Conv2d and not hasattr(net.conv1, 'activation_post_process')
    prepared = Q.prepare(net)
    calibrate(prepared, batches)
    stepwise = Q.convert(prepared)
    x = ember.tensor(batches[0])
    np.testing.assert_array_equal(qm(x).numpy(), stepwise(x).numpy())


@pytest.mark.parametrize('qconfig', ['default', 'fbgemm'])
def test_same_flow_under_pytorch_gives_the_same_bits(tmp_path, qconfig):
    torch = pytest.importorskip('torch')
    torch.backends.quantized.engine = 'fbgemm'
    ember.backends.quantized.engine = 'fbgemm'
    batches = _batches(4)

    def config(lib):
        return lib.ao.quantization.default_qconfig if qconfig == 'default' else \
            lib.ao.quantization.get_default_qconfig('fbgemm')
    tq = _quantized(torch, 0, config(torch), batches)
    eq = _quantized(ember, 0, config(ember), batches)
    assert repr(eq).replace('ember.', 'torch.').split('scale=')[0] == repr(tq).split('scale=')[0]
    assert list(eq.state_dict()) == list(tq.state_dict())
    # the calibrated ranges agree to float32 rounding (the float model's sums are ordered differently)
    np.testing.assert_allclose(eq.conv2.scale, tq.conv2.scale, rtol=1e-5)
    x = _batches(9, 1)[0]
    # PyTorch's checkpoint loaded into ember's model: the outputs are PyTorch's, bit for bit
    torch.save(tq.state_dict(), tmp_path / 'torch.pt')
    eq.load_state_dict(ember.load(tmp_path / 'torch.pt'))
    expected = tq(torch.tensor(x)).numpy()
    np.testing.assert_array_equal(eq(ember.tensor(x)).numpy(), expected)
    # and ember's checkpoint loaded by PyTorch
    other = _quantized(ember, 7, config(ember), _batches(8))
    ember.save(other.state_dict(), tmp_path / 'ember.pt')
    tq.load_state_dict(torch.load(tmp_path / 'ember.pt'))
    np.testing.assert_array_equal(tq(torch.tensor(x)).numpy(), other(ember.tensor(x)).numpy())
