"""ember.jit.save writes TorchScript archives PyTorch's torch.jit.load reads: here, modules ember.jit.load
read from PyTorch's archives (tests/fixtures/jit, with PyTorch's outputs for them) are written again; their
code, constants, tensors, attributes and extra files must give PyTorch's outputs when read back."""
import io
import json
import os
import zipfile

import numpy as np
import pytest

import ember

HERE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'fixtures', 'jit')
EXPECTED = json.load(open(os.path.join(HERE, 'expected.json')))
pytestmark = pytest.mark.filterwarnings('ignore:`ember.jit.load` is deprecated:DeprecationWarning')


def _inputs(record, lib=ember):
    return [lib.tensor(v, dtype=getattr(lib, d.split('.')[-1]))
            for v, d in zip(record['inputs'], record['input_dtypes'])]


def _assert_outputs(out, want):
    outs = list(out) if isinstance(out, tuple) else [out]
    assert len(outs) == len(want)
    for got, w in zip(outs, want):
        if hasattr(got, 'shape'):
            np.testing.assert_allclose(np.array(got.tolist()), np.array(w), rtol=1e-5, atol=1e-6)
        else:
            assert got == w


def _resaved(name, tmp_path, **kwargs):
    module = ember.jit.load(os.path.join(HERE, f'{name}.pt'))
    path = str(tmp_path / f'{name}.pt')
    ember.jit.save(module, path, **kwargs)
    return module, path


@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_loaded_archive_saved_again_runs_as_pytorchs(name, tmp_path):
    record = EXPECTED[name]
    _, path = _resaved(name, tmp_path, _extra_files={'meta.txt': 'written by ember', 'b.bin': b'\x00\x01'})
    extra = {'meta.txt': '', 'b.bin': ''}
    again = ember.jit.load(path, _extra_files=extra)
    assert extra == {'meta.txt': b'written by ember', 'b.bin': b'\x00\x01'}
    assert repr(again) == record['repr']
    assert again.code == record['code']
    assert sorted(again.state_dict()) == record['state_dict']
    _assert_outputs(again(*_inputs(record)), record['outputs'])
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
    assert f'{name}/data.pkl' in names and f'{name}/constants.pkl' in names and f'{name}/version' in names


def test_changed_weights_and_attributes_are_what_is_written(tmp_path):
    module = ember.jit.load(os.path.join(HERE, 'control_scripted.pt'))
    first = getattr(module.layers, '0')
    with ember.no_grad():
        first.weight.mul_(0.5)
    module.names = ['abc', 'd', 'ef']
    buf = io.BytesIO()
    module.save(buf)
    buf.seek(0)
    again = ember.jit.load(buf)
    assert again.names == ['abc', 'd', 'ef']
    np.testing.assert_array_equal(getattr(again.layers, '0').weight.detach().numpy(), first.weight.detach().numpy())
    x = ember.randn(3, 4)
    out, counts = again(x)
    want_out, want_counts = module(x)
    assert counts == want_counts == {'abc': 3, 'd': 2, 'ef': 4}
    np.testing.assert_allclose(out.detach().numpy(), want_out.detach().numpy(), rtol=1e-6)


def test_a_submodule_saves_alone(tmp_path):
    module = ember.jit.load(os.path.join(HERE, 'cnn_scripted.pt'))
    path = str(tmp_path / 'fc.pt')
    ember.jit.save(module.fc, path)
    fc = ember.jit.load(path)
    x = ember.randn(2, 64)
    np.testing.assert_allclose(fc(x).detach().numpy(), module.fc(x).detach().numpy(), rtol=1e-6)


def test_eager_module_is_refused_with_advice():
    with pytest.raises(RuntimeError, match='has no TorchScript code; trace it with ember.jit.trace'):
        ember.jit.save(ember.nn.Linear(2, 2), io.BytesIO())


@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_pytorch_loads_what_ember_wrote(name, tmp_path):
    torch = pytest.importorskip('torch')
    record = EXPECTED[name]
    _, path = _resaved(name, tmp_path, _extra_files={'meta.txt': 'written by ember'})
    extra = {'meta.txt': ''}
    loaded = torch.jit.load(path, _extra_files=extra)
    assert extra['meta.txt'] == b'written by ember'
    assert repr(loaded) == record['repr']
    with torch.no_grad():
        _assert_outputs(loaded(*_inputs(record, torch)), record['outputs'])
