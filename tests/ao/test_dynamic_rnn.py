"""Dynamically quantized LSTM/GRU layers and cells: outputs against PyTorch's (recorded by
tests/fixtures/quantized_rnn/record.py: they agree to float32 rounding, the gates' sigmoid and tanh being
computed by different libraries), the model copied and reloaded from its state_dict, and under PyTorch the
same flow compared directly."""
import copy
import pathlib
import pickle
import warnings

import numpy as np
import pytest

import ember

FIXTURE = pathlib.Path(__file__).parents[1] / 'fixtures' / 'quantized_rnn' / 'outputs.npz'


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        yield


def build(torch, seed=0):
    """A float model of every recurrent kind, its weights drawn from ``seed``, dynamically quantized."""
    nn = torch.nn
    rng = np.random.default_rng(seed)

    def init(m):
        m.load_state_dict({k: torch.tensor(rng.normal(scale=0.4, size=tuple(v.shape)).astype(np.float32))
                           for k, v in m.state_dict().items()})
        return m
    model = nn.Sequential(init(nn.LSTM(4, 3, num_layers=2, bidirectional=True)), init(nn.GRU(4, 3, batch_first=True)),
                          init(nn.LSTMCell(4, 3)), init(nn.GRUCell(4, 3)), init(nn.RNNCell(4, 3, nonlinearity='relu')))
    return model, torch.ao.quantization.quantize_dynamic(model, dtype=torch.qint8)


def outputs(torch, q):
    """Every output of the quantized model ``q`` on fixed inputs, as one float32 array."""
    rng = np.random.default_rng(1)
    x = torch.tensor(rng.normal(size=(5, 2, 4)).astype(np.float32))
    h0 = torch.tensor(rng.normal(size=(4, 2, 3)).astype(np.float32))
    out, (h, c) = q[0](x, (h0, h0))
    results = [out, h, c, *q[1](x)]
    results += [*q[2](x[0]), q[3](x[0]), q[4](x[0], h0[0])]
    return np.concatenate([r.detach().numpy().ravel() for r in results])


def test_outputs_match_pytorchs_recorded_outputs():
    _, q = build(ember)
    expected = np.load(FIXTURE)['outputs']
    np.testing.assert_allclose(outputs(ember, q), expected, rtol=0, atol=1e-6)


def test_outputs_follow_the_float_model():
    model, q = build(ember)
    x = ember.randn(6, 3, 4)
    with ember.no_grad():
        float_out, _ = model[0](x)
    out, _ = q[0](x)
    assert np.abs(out.numpy() - float_out.numpy()).max() < 0.05


def test_quantized_rnns_copy_pickle_and_reload_their_state_dict(tmp_path):
    _, q = build(ember)
    expected = outputs(ember, q)
    for clone in (copy.deepcopy(q), pickle.loads(pickle.dumps(q))):
        np.testing.assert_array_equal(outputs(ember, clone), expected)
    ember.save(q.state_dict(), tmp_path / 'q.pt')
    _, fresh = build(ember, seed=3)
    assert not np.array_equal(outputs(ember, fresh), expected)
    # the packed weights are TorchScript objects in PyTorch's format, which weights-only loading refuses
    # (as PyTorch's does)
    with pytest.raises(pickle.UnpicklingError, match='Weights only load failed'):
        ember.load(tmp_path / 'q.pt')
    result = fresh.load_state_dict(ember.load(tmp_path / 'q.pt', weights_only=False))
    assert result.missing_keys == [] and result.unexpected_keys == []
    np.testing.assert_array_equal(outputs(ember, fresh), expected)


def test_same_flow_under_pytorch():
    torch = pytest.importorskip('torch')
    torch.backends.quantized.engine = 'fbgemm'
    _, tq = build(torch)
    _, eq = build(ember)
    assert repr(eq).replace('ember.', 'torch.') == repr(tq)
    assert list(eq.state_dict()) == list(tq.state_dict())
    np.testing.assert_allclose(outputs(ember, eq), outputs(torch, tq), rtol=0, atol=1e-6)


def test_errors_as_pytorchs():
    _, q = build(ember)
    with pytest.raises(RuntimeError, match="input must have 3 dimensions, got 2"):
        q[0](ember.ones(5, 4))
    with pytest.raises(RuntimeError, match="input has inconsistent input_size: got 5, expected 4"):
        q[2](ember.ones(2, 5))
    with pytest.raises(AssertionError, match="only works for nn.LSTM and nn.GRU"):
        ember.ao.nn.quantized.dynamic.LSTM.from_float(ember.nn.Linear(2, 2))
