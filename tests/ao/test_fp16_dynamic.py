"""Dynamic quantization with dtype=float16: Linear, LSTM, GRU and the cells with weights rounded to float16
and float32 products, as PyTorch's FBGEMM fp16 kernels. Pinned by tests/fixtures/quantized/fp16_dynamic.json
(record_fp16_dynamic.py): the repr, state_dict keys and packed weights exactly, the outputs within float32
rounding (PyTorch's kernel sums in its own blocked order; measured: at most 1.2e-7 relative to the largest
output)."""
import json
import pathlib
import warnings

import numpy as np
import pytest

import ember
from ember import nn
from tests.fixtures.quantized.record_fp16_dynamic import build

RECORD = json.loads((pathlib.Path(__file__).parents[1] / 'fixtures' / 'quantized' / 'fp16_dynamic.json').read_text())
SPEC = {nn.Linear, nn.LSTM, nn.GRU, nn.LSTMCell, nn.GRUCell, nn.RNNCell}


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        yield


def _model():
    model = build(nn)
    model.load_state_dict({k: ember.tensor(v) for k, v in RECORD['state'].items()})
    return model


def _assert_outputs_close(got, expected):
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        e = np.array(e, dtype=np.float32)
        np.testing.assert_allclose(g.detach().numpy(), e, rtol=0, atol=4e-7 * max(1.0, np.abs(e).max()))


def test_quantize_dynamic_float16_matches_pytorch():
    qmodel = ember.ao.quantization.quantize_dynamic(_model(), SPEC, dtype=ember.float16)
    assert repr(qmodel).replace('ember.', 'torch.') == RECORD['repr']
    assert list(qmodel.state_dict()) == RECORD['keys']
    assert qmodel.fc.weight().dtype is ember.float32
    np.testing.assert_array_equal(qmodel.fc.weight().numpy(), np.array(RECORD['fc_weight'], dtype=np.float32))
    _assert_outputs_close(qmodel(ember.tensor(RECORD['input'])), RECORD['outputs'])


def test_default_spec_and_qconfig_for_float16():
    model = nn.Sequential(nn.Linear(3, 2), nn.GRUCell(2, 2))
    qmodel = ember.ao.quantization.quantize_dynamic(model, dtype=ember.float16)
    assert type(qmodel[0]).__name__ == 'Linear' and qmodel[0]._packed_params.dtype is ember.float16
    assert qmodel[1]._get_name() == 'DynamicQuantizedGRUCell'
    activation = ember.ao.quantization.float16_dynamic_qconfig.activation()
    assert repr(activation) == 'PlaceholderObserver(dtype=ember.float16, is_dynamic=True)'


def test_packed_weights_round_to_float16_and_state_dict_round_trips():
    linear = nn.Linear(3, 2)
    with ember.no_grad():
        linear.weight.copy_(ember.tensor([[0.1, 1e-9, 3.0], [70000.0, -1e5, 2.0 ** -20]]))
    linear.qconfig = ember.ao.quantization.float16_dynamic_qconfig
    with pytest.warns(UserWarning, match='FOUND weight out of range'):
        q = ember.ao.nn.quantized.dynamic.Linear.from_float(linear)
    assert q.weight().tolist() == [[np.float32(np.float16(0.1)), 0.0, 3.0], [65504.0, -65504.0, 2.0 ** -20]]
    assert q.bias() is linear.bias
    state = q.state_dict()
    assert list(state) == ['scale', 'zero_point', '_packed_params.dtype', '_packed_params._packed_params']
    assert state['_packed_params.dtype'] is ember.float16
    fresh = ember.ao.nn.quantized.dynamic.Linear(3, 2, dtype=ember.float16)
    assert fresh.weight().tolist() == [[0.0] * 3] * 2
    fresh.load_state_dict(state)
    x = ember.randn(4, 3)
    assert ember.equal(fresh(x), q(x))
    out = q(x)
    assert out.grad_fn.name() == 'AddBackward0'      # the float bias added by an ordinary addition


def test_float16_errors_are_pytorchs():
    q = ember.ao.nn.quantized.dynamic.Linear(2, 3, dtype=ember.float16)
    with pytest.raises(RuntimeError, match=r'^expected scalar type Float but found Double$'):
        q(ember.randn(3, 2, dtype=ember.float64))
    with pytest.raises(RuntimeError, match=r'packed_weight_fp16.numRows\(\) to be true'):
        q(ember.randn(3, 5))
    with pytest.raises(RuntimeError, match='Unsupported dtype specified for quantized Linear!'):
        ember.ao.nn.quantized.dynamic.Linear(2, 3, dtype=ember.quint8)
    cell = nn.GRUCell(2, 2, bias=False)
    cell.qconfig = ember.ao.quantization.float16_dynamic_qconfig
    with pytest.raises(AssertionError, match='mod.bias must be True'):
        ember.ao.nn.quantized.dynamic.GRUCell.from_float(cell)
    assert ember.ao.nn.quantized.dynamic.LSTM(2, 3, dtype=ember.float16)(ember.zeros(4, 1, 2))[0].shape == (4, 1, 3)


def test_against_pytorch_on_random_inputs():
    torch = pytest.importorskip('torch')
    torch.manual_seed(1)
    reference = build(torch.nn)
    model = build(nn)
    model.load_state_dict({k: ember.tensor(v.numpy()) for k, v in reference.state_dict().items()})
    tspec = {getattr(torch.nn, c.__name__) for c in SPEC}
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        tq = torch.ao.quantization.quantize_dynamic(reference, tspec, dtype=torch.float16)
    q = ember.ao.quantization.quantize_dynamic(model, SPEC, dtype=ember.float16)
    for _ in range(3):
        x = torch.randn(5, 3, 8) * 4
        _assert_outputs_close(q(ember.tensor(x.numpy())), [o.tolist() for o in tq(x)])
