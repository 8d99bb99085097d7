"""ember.jit.load runs TorchScript archives written by PyTorch's torch.jit.save (scripted and traced
modules): the archives and PyTorch's outputs for them are recorded by tests/fixtures/jit/record.py."""
import io
import json
import os
import warnings
import zipfile

import numpy as np
import pytest

import ember

HERE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'fixtures', 'jit')
EXPECTED = json.load(open(os.path.join(HERE, 'expected.json')))
pytestmark = pytest.mark.filterwarnings('ignore:`ember.jit.load` is deprecated:DeprecationWarning')


def _load(name, **kwargs):
    return ember.jit.load(os.path.join(HERE, f'{name}.pt'), **kwargs)


def _inputs(record):
    return [ember.tensor(v, dtype=getattr(ember, d.split('.')[-1]))
            for v, d in zip(record['inputs'], record['input_dtypes'])]


def _close(got, want):
    if isinstance(got, ember.Tensor):
        np.testing.assert_allclose(np.array(got.tolist()), np.array(want), rtol=1e-5, atol=1e-6)
    else:
        assert got == want


@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_archive_runs_and_gives_pytorchs_outputs(name):
    record = EXPECTED[name]
    module = _load(name)
    out = module(*_inputs(record))
    outs = list(out) if isinstance(out, tuple) else [out]
    assert len(outs) == len(record['outputs'])
    for got, want in zip(outs, record['outputs']):
        _close(got, want)


@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_module_tree_prints_and_holds_state_as_pytorchs_load(name):
    record = EXPECTED[name]
    module = _load(name)
    assert repr(module) == record['repr']
    assert sorted(module.state_dict()) == record['state_dict']
    assert module.code == record['code']
    assert type(module) is ember.jit.RecursiveScriptModule and isinstance(module, ember.nn.Module)


def test_control_flow_optional_arguments_lists_and_dicts():
    record = EXPECTED['control_scripted']
    module = _load('control_scripted')
    mask = ember.tensor([[True, False, False, True]] * 3)
    out, counts = module(*_inputs(record), mask, 3)
    _close(out, record['masked_outputs'][0])
    assert counts == record['masked_outputs'][1]


def test_train_mode_reaches_the_code_and_updates_buffers():
    record = EXPECTED['cnn_scripted']
    module = _load('cnn_scripted')
    assert module.training is False
    module.train()
    assert module.bn.training is True
    _close(module.bn.running_mean, record['train_mode_bn_mean'])
    module(*_inputs(record))
    _close(module.bn.running_mean, record['train_mode_bn_mean_after'])
    assert int(module.bn.num_batches_tracked) == record['num_batches_tracked']


def test_gradients_flow_through_the_loaded_module():
    module = _load('cnn_traced')
    x = ember.randn(2, 3, 8, 8, requires_grad=True)
    module(x).sum().backward()
    assert x.grad is not None and module.conv.weight.grad is not None
    assert module.conv.weight.grad.shape == module.conv.weight.shape


def test_extra_files_map_location_and_constants():
    extra = {'meta.txt': '', 'missing.txt': ''}
    module = _load('recurrent_scripted', _extra_files=extra, map_location='cpu')
    assert extra == {'meta.txt': b'recurrent_scripted v1', 'missing.txt': b''}
    assert module.head.in_features == 8 and module.lstm.num_layers == 2
    conv = _load('cnn_scripted').conv
    assert conv.stride == (1, 1)
    with pytest.raises(RuntimeError, match=r"^Can't set constant 'stride' which has value:\(1, 1\)$"):
        conv.stride = (2, 2)
    bn = _load('cnn_scripted').bn
    with pytest.raises(RuntimeError, match=r"^Can't set constant 'eps' which has value:1.0000000000000001e-05$"):
        bn.eps = 0.5


def test_ember_load_dispatches_archives_to_jit_load_as_pytorch():
    path = os.path.join(HERE, 'cnn_scripted.pt')
    with pytest.warns(UserWarning, match="looks like a TorchScript archive dispatching to 'ember.jit.load'"):
        with pytest.raises(RuntimeError, match=r"Cannot use ``weights_only=True`` with TorchScript archives"):
            ember.load(path)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        module = ember.load(path, weights_only=False)
    assert type(module) is ember.jit.RecursiveScriptModule


def test_errors_as_pytorchs():
    with pytest.raises(ValueError, match='^The provided filename /nonexistent.pt does not exist$'):
        ember.jit.load('/nonexistent.pt')
    buf = io.BytesIO()
    ember.save({'a': 1}, buf)
    buf.seek(0)
    with pytest.raises(RuntimeError, match='^PytorchStreamReader failed locating file constants.pkl: file not found'):
        ember.jit.load(buf)
    with pytest.warns(DeprecationWarning, match='`ember.jit.load` is deprecated'):
        warnings.simplefilter('always')
        _load('cnn_traced')


def test_code_outside_torchscript_is_refused(tmp_path):
    # an archive whose code imports a module is not something torch.jit.save writes: nothing of it runs
    src = os.path.join(HERE, 'cnn_traced.pt')
    dst = tmp_path / 'tampered.pt'
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, 'w') as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if '/code/' in info.filename and info.filename.endswith('.py'):
                data = b'import os\n' + data
            zout.writestr(info, data)
    with pytest.raises(RuntimeError, match='holds a Import statement, which TorchScript never writes'):
        ember.jit.load(str(dst))


class _Oracle:
    """Models scripted by PyTorch in the test itself (when it is installed): more of TorchScript's library
    code (multi-head attention, squeeze-excitation, in-place activations) than the recorded archives."""

    @staticmethod
    def models(torch):
        nn = torch.nn

        class SqueezeExcite(nn.Module):
            def __init__(self, c):
                super().__init__()
                self.pool = nn.AdaptiveAvgPool2d(1)
                self.fc1 = nn.Conv2d(c, c // 2, 1)
                self.fc2 = nn.Conv2d(c // 2, c, 1)

            def forward(self, x):
                s = torch.nn.functional.silu(self.fc1(self.pool(x)), inplace=True)
                return x * torch.nn.functional.hardsigmoid(self.fc2(s))

        class Block(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(4, 4, 3, padding=1, groups=2)
                self.se = SqueezeExcite(4)
                self.act = nn.Hardswish(inplace=True)

            def forward(self, x):
                return self.act(x + self.se(self.conv(x)))

        class Attention(nn.Module):
            def __init__(self):
                super().__init__()
                self.attn = nn.MultiheadAttention(8, 2, batch_first=True)
                self.ln = nn.LayerNorm(8)

            def forward(self, x):
                y, w = self.attn(x, x, x, need_weights=True)
                return self.ln(x + y), w

        return {'block': (Block().eval(), (torch.randn(2, 4, 6, 6),)),
                'attention': (Attention().eval(), (torch.randn(2, 5, 8),))}


@pytest.mark.parametrize('kind', ['script', 'trace'])
@pytest.mark.parametrize('model', ['block', 'attention'])
def test_more_of_torchscripts_library_against_pytorch(tmp_path, kind, model):
    torch = pytest.importorskip('torch')
    torch.manual_seed(0)
    module, inputs = _Oracle.models(torch)[model]
    archive = torch.jit.script(module) if kind == 'script' else torch.jit.trace(module, inputs, check_trace=False)
    path = str(tmp_path / 'm.pt')
    archive.save(path)
    want = torch.jit.load(path)(*inputs)
    got = ember.jit.load(path)(*[ember.tensor(t.numpy()) for t in inputs])
    want = want if isinstance(want, tuple) else (want,)
    got = got if isinstance(got, tuple) else (got,)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.detach().numpy(), w.detach().numpy(), rtol=1e-5, atol=1e-6)
