"""Quantization as a user reaches it: PyTorch's module paths under ``ember run``, a quantized model that
is copied, pickled and reloaded from its state_dict, and the errors for what ember does not quantize.
Values, printing and errors against PyTorch are pinned by tests/fixtures/printed/quantized*.py."""
import copy
import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest

import ember
from ember import nn
from ember.ao import quantization as Q


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        yield


def _model():
    ember.manual_seed(0)
    return nn.Sequential(nn.Linear(8, 6), nn.ReLU(), nn.Linear(6, 2))


def test_pytorch_module_paths_resolve_under_ember_run(tmp_path):
    script = tmp_path / 'quant.py'
    script.write_text(
        "import torch, torch.nn as nn\n"
        "import torch.ao.quantization as Q\n"
        "import torch.quantization\n"
        "from torch.ao.nn.quantized.dynamic import Linear\n"
        "from torch.nn.quantized.dynamic import Linear as OldLinear\n"
        "m = torch.quantization.quantize_dynamic(nn.Sequential(nn.Linear(4, 2)), {nn.Linear}, dtype=torch.qint8)\n"
        "print(type(m[0]) is Linear is OldLinear, torch.quantization.QConfig is Q.QConfig,\n"
        "      torch.nn.quantized.dynamic.Linear is Linear, m(torch.ones(1, 4)).shape)\n")
    out = subprocess.run([sys.executable, '-m', 'ember', 'run', str(script)], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ['True', 'True', 'True', 'ember.Size([1,', '2])']


def test_quantized_model_copies_pickles_and_reloads_its_state_dict():
    qm = Q.quantize_dynamic(_model(), {nn.Linear}, dtype=ember.qint8)
    x = ember.randn(5, 8)
    expected = qm(x).numpy()
    for clone in (copy.deepcopy(qm), pickle.loads(pickle.dumps(qm))):
        np.testing.assert_array_equal(clone(x).numpy(), expected)
    fresh = Q.quantize_dynamic(nn.Sequential(nn.Linear(8, 6), nn.ReLU(), nn.Linear(6, 2)), {nn.Linear})
    assert not np.array_equal(fresh(x).numpy(), expected)
    result = fresh.load_state_dict(qm.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    np.testing.assert_array_equal(fresh(x).numpy(), expected)


def test_quantize_dynamic_leaves_the_float_model_alone_unless_inplace():
    model = _model()
    qm = Q.quantize_dynamic(model, {nn.Linear})
    assert type(model[0]) is nn.Linear and not hasattr(model[0], 'qconfig')
    assert type(qm[0]).__name__ == 'Linear' and not qm.training
    same = Q.quantize_dynamic(model, {nn.Linear}, inplace=True)
    assert same is model and type(model[2]).__name__ == 'Linear'


def test_embedding_with_an_int8_dynamic_qconfig_is_refused_as_pytorch():
    model = nn.Sequential(nn.Linear(4, 4), nn.Embedding(5, 4))
    with pytest.raises(AssertionError, match='only supported with float_qparams_weight_only_qconfig'):
        Q.quantize_dynamic(model, {nn.Linear, nn.Embedding})
    qm = Q.quantize_dynamic(model, {nn.Linear})          # asking only for Linear layers works
    assert type(qm[1]) is nn.Embedding


def test_fake_quantize_trains_through_its_straight_through_gradient():
    fq = Q.FakeQuantize()
    w = ember.tensor([[-1.0, 0.3], [0.7, 2.0]], requires_grad=True)
    loss = (fq(w) ** 2).sum()
    loss.backward()
    # inside the observed range the gradient is that of the fake-quantized values themselves
    np.testing.assert_allclose(w.grad.numpy(), 2 * fq(w).detach().numpy(), rtol=1e-6)


def test_quantized_tensors_cost_ordinary_ops_nothing():
    # in a fresh interpreter (other tests switch dispatch on): making and using quantized tensors switches
    # on no per-op dispatch for ordinary tensors
    code = ("import warnings; warnings.simplefilter('ignore')\n"
            "import ember\n"
            "from ember import _torch_function\n"
            "q = ember.quantize_per_tensor(ember.ones(2), 0.1, 0, ember.qint8)\n"
            "ember.cat([q, q]).dequantize(); q.reshape(2, 1)[0]\n"
            "print(_torch_function._active, (ember.ones(2) + 1).tolist())\n")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ['False', '[2.0,', '2.0]']


FIXTURES = __import__('pathlib').Path(__file__).resolve().parent.parent / 'fixtures' / 'quantized'


def _float_model():
    return nn.Sequential(nn.Linear(6, 4), nn.ReLU(), nn.Linear(4, 2))


@pytest.mark.parametrize('weights_only', [True, False])
def test_loads_pytorchs_saved_quantized_state_dict_and_computes_its_outputs(weights_only):
    import json
    saved = ember.load(FIXTURES / 'dynamic_linear_state_dict.pt', weights_only=weights_only)
    expected = json.loads((FIXTURES / 'dynamic_linear_outputs.json').read_text())
    x = ember.tensor(expected['input'])
    for name, qconfig in (('per_tensor', Q.default_dynamic_qconfig), ('per_channel', Q.per_channel_dynamic_qconfig)):
        model = Q.quantize_dynamic(_float_model(), {nn.Linear: qconfig})
        model.load_state_dict(saved[name])
        assert model(x).tolist() == expected[name]       # bit for bit: PyTorch's FBGEMM arithmetic


def test_saved_quantized_state_dict_loads_back(tmp_path):
    qm = Q.quantize_dynamic(_model(), {nn.Linear: Q.per_channel_dynamic_qconfig})
    q32 = ember.quantize_per_tensor(ember.arange(6.).reshape(2, 3), 0.5, 1, ember.qint32)[:, 1:]
    ember.save({'model': qm.state_dict(), 'q32': q32}, tmp_path / 'q.pt')
    loaded = ember.load(tmp_path / 'q.pt')
    fresh = Q.quantize_dynamic(_model(), {nn.Linear: Q.per_channel_dynamic_qconfig})
    fresh.load_state_dict(loaded['model'])
    x = ember.randn(3, 8)
    assert fresh(x).tolist() == qm(x).tolist()
    assert loaded['q32'].equal(q32) and repr(loaded['q32']) == repr(q32)


def test_dynamic_linear_is_a_quantized_linear_as_in_pytorch():
    # PyTorch derives the dynamic Linear from the static one: isinstance checks in user code rely on it
    import ember.ao.nn.quantized as nnq
    import ember.ao.nn.quantized.dynamic as nnqd
    assert issubclass(nnqd.Linear, nnq.Linear)
    layer = nnqd.Linear(3, 2)
    assert sorted(layer.state_dict()) == ['_packed_params._packed_params', '_packed_params.dtype', 'scale',
                                          'zero_point']
    assert layer.version == 4
