"""Quantized models' state_dicts between PyTorch and ember: files saved by torch.save
(tests/fixtures/quantized/checkpoints/, recorded with their outputs by checkpoint_cases.py) load into ember's
quantized modules (per-channel conv/linear packed weights, dynamic qint8/float16 LSTM cell parameters, quint8
and quint4x2 embedding tables) and give PyTorch's outputs; ember.save writes them as torch.save does."""
import json
import pathlib
import pickle
import pickletools
import warnings
import zipfile

import numpy as np
import pytest

import ember
from tests.fixtures.quantized import checkpoint_cases

FIXTURES = pathlib.Path(__file__).parents[1] / 'fixtures' / 'quantized'
RECORD = json.loads((FIXTURES / 'checkpoint_cases.json').read_text())


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        yield


def _assert_outputs(got, expected, name):
    for g, e in zip(got, expected, strict=True):
        if name == 'dynamic_float16':    # float16 weights: float32 sums in another order
            np.testing.assert_allclose(np.array(g, np.float32), np.array(e, np.float32), rtol=0, atol=1e-6)
        else:
            np.testing.assert_array_equal(np.array(g, np.float32), np.array(e, np.float32))


def _loaded(name, path):
    model, inputs = checkpoint_cases.build(ember, name)
    result = model.load_state_dict(ember.load(path, weights_only=False))
    assert result.missing_keys == [] and result.unexpected_keys == []
    return model, inputs


@pytest.mark.parametrize('name', checkpoint_cases.NAMES)
def test_pytorch_checkpoint_loads_and_gives_pytorchs_outputs(name):
    model, inputs = _loaded(name, FIXTURES / 'checkpoints' / f'{name}.pt')
    _assert_outputs(checkpoint_cases.outputs(model, inputs), RECORD[name], name)


def test_loaded_values_are_pytorchs():
    model, _ = _loaded('embeddings', FIXTURES / 'checkpoints' / 'embeddings.pt')
    weight = model.bag4.weight()
    assert weight.dtype is ember.quint4x2 and weight.qscheme() is ember.per_channel_affine_float_qparams
    assert tuple(weight.shape) == (10, 8) and weight.int_repr().shape == (40,)
    model, _ = _loaded('dynamic_qint8', FIXTURES / 'checkpoints' / 'dynamic_qint8.pt')
    (w_ih, b_ih), (w_hh, _) = model.lstm._all_weight_values[1].param
    assert w_ih.dtype is ember.qint8 and tuple(w_ih.shape) == (24, 6) and tuple(w_hh.shape) == (24, 6)


def _globals(path):
    """The globals a checkpoint's pickle names, in first-use order, and its count of objects built."""
    with zipfile.ZipFile(path) as z:
        data = z.read(next(n for n in z.namelist() if n.endswith('data.pkl')))
    names, built = [], 0
    for op, arg, _ in pickletools.genops(data):
        if op.name == 'GLOBAL' and arg not in names:
            names.append(arg)
        built += op.name in ('NEWOBJ', 'BUILD')
    return names, built


@pytest.mark.parametrize('name', checkpoint_cases.NAMES)
def test_ember_saves_as_torch_save_does_and_reloads(tmp_path, name):
    model, inputs = _loaded(name, FIXTURES / 'checkpoints' / f'{name}.pt')
    ember.save(model.state_dict(), tmp_path / 'saved.pt')
    # the same PyTorch classes and rebuild functions (torch.ScriptObject for LSTM cell parameters,
    # QUInt4x2Storage for 4-bit tables) as the file torch.save wrote
    assert _globals(tmp_path / 'saved.pt') == _globals(FIXTURES / 'checkpoints' / f'{name}.pt')
    fresh, _ = _loaded(name, tmp_path / 'saved.pt')
    _assert_outputs(checkpoint_cases.outputs(fresh, inputs), RECORD[name], name)


def test_weights_only_loading_refuses_script_objects_as_pytorch():
    with pytest.raises(pickle.UnpicklingError, match='Weights only load failed'):
        ember.load(FIXTURES / 'checkpoints' / 'dynamic_qint8.pt')
    state = ember.load(FIXTURES / 'checkpoints' / 'embeddings.pt')     # quantized tensors are weights
    assert state['bag4._packed_params._packed_weight'].dtype is ember.quint4x2


def test_pytorch_loads_embers_files():
    torch = pytest.importorskip('torch')
    import tempfile
    for name in checkpoint_cases.NAMES:
        model, _ = _loaded(name, FIXTURES / 'checkpoints' / f'{name}.pt')
        with tempfile.TemporaryDirectory() as tmp:
            ember.save(model.state_dict(), pathlib.Path(tmp) / 'saved.pt')
            reference, inputs = checkpoint_cases.build(torch, name)
            reference.load_state_dict(torch.load(pathlib.Path(tmp) / 'saved.pt', weights_only=False))
        _assert_outputs(checkpoint_cases.outputs(reference, inputs), RECORD[name], name)
