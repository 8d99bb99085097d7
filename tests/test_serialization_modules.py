"""A whole nn.Module saved by ember is pickled under PyTorch's class paths: torch.load rebuilds
torch.nn modules, and ember.load (of ember's or PyTorch's file) rebuilds ember.nn ones."""
import importlib.util
import io
import json
import os
import pickletools
import subprocess
import sys
import zipfile

import pytest

import ember
import ember.nn as nn


def _model():
    ember.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3),
                         nn.Dropout(0.1))


def _globals(raw):
    pkl = next(n for n in zipfile.ZipFile(io.BytesIO(raw)).namelist() if n.endswith('data.pkl'))
    data = zipfile.ZipFile(io.BytesIO(raw)).read(pkl)
    return {arg for op, arg, _ in pickletools.genops(data) if op.name == 'GLOBAL'}


def test_builtin_modules_are_pickled_under_torch_names():
    buf = io.BytesIO()
    ember.save({'net': _model(), 'layer': nn.TransformerEncoderLayer(4, 2, 8)}, buf)
    names = _globals(buf.getvalue())
    # PyTorch's own class paths, as torch.save writes them (weights-only allowlists are keyed by them)
    assert {'torch.nn.modules.container Sequential', 'torch.nn.modules.conv Conv2d',
            'torch.nn.modules.batchnorm BatchNorm2d', 'torch.nn.modules.linear Linear',
            'torch.nn.modules.activation MultiheadAttention',
            'torch.nn.modules.linear NonDynamicallyQuantizableLinear', 'torch.nn.functional relu'} <= names
    assert not any(n.startswith('ember') for n in names), names


def test_weights_only_load_of_a_whole_module_with_allowlisted_classes():
    # what PyTorch's examples do: torch.load(f) of a saved model inside safe_globals([...the classes...])
    buf = io.BytesIO()
    ember.save(_model(), buf)
    buf.seek(0)
    with pytest.raises(Exception, match="Unsupported global: GLOBAL torch.nn.modules.container.Sequential"):
        ember.load(buf)
    buf.seek(0)
    with ember.serialization.safe_globals([nn.Sequential, nn.Conv2d, nn.BatchNorm2d, nn.ReLU, nn.Flatten, nn.Linear,
                                           nn.Dropout]):
        back = ember.load(buf)
    assert type(back) is nn.Sequential and type(back[0]) is nn.Conv2d


def test_whole_module_round_trip_in_ember():
    model = _model().eval()
    buf = io.BytesIO()
    ember.save(model, buf)
    buf.seek(0)
    back = ember.load(buf, weights_only=False)
    assert type(back) is nn.Sequential and type(back[0]) is nn.Conv2d
    x = ember.ones(1, 1, 4, 4)
    assert ember.equal(back(x), model(x))


_TORCH_SIDE = r'''
import json, sys, torch
m = torch.load(sys.argv[1], weights_only=False).eval()
out = m(torch.ones(1, 1, 4, 4)).tolist()
torch.save(m, sys.argv[2])
print(json.dumps({'type': type(m).__module__ + '.' + type(m).__name__,
                  'layers': [type(l).__module__ for l in m], 'out': out}))
'''


def _torch_python():
    if importlib.util.find_spec('torch') is not None and 'ember' not in str(importlib.util.find_spec('torch').origin):
        return sys.executable
    oracle = '/tmp/torch/bin/python'
    return oracle if os.path.exists(oracle) else None


def test_whole_module_loads_in_pytorch_and_back(tmp_path):
    python = _torch_python()
    if python is None:
        pytest.skip('PyTorch is not installed')
    model = _model().eval()
    ember.save(model, tmp_path / 'e.pt')
    env = {k: v for k, v in os.environ.items() if k != 'PYTHONPATH'}     # PyTorch alone on that side
    proc = subprocess.run([python, '-c', _TORCH_SIDE, str(tmp_path / 'e.pt'), str(tmp_path / 't.pt')],
                          capture_output=True, text=True, timeout=120, env=env, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got['type'] == 'torch.nn.modules.container.Sequential'
    assert all(m.startswith('torch.nn.modules.') for m in got['layers'])
    expected = model(ember.ones(1, 1, 4, 4))
    assert ember.allclose(ember.tensor(got['out']), expected, atol=1e-6)
    back = ember.load(tmp_path / 't.pt', weights_only=False)          # and PyTorch's file back into ember
    assert type(back) is nn.Sequential and ember.allclose(back(ember.ones(1, 1, 4, 4)), expected, atol=1e-6)


def test_vision_modules_are_pickled_under_torchvision_names():
    from ember.vision import ops
    from ember.vision.models.resnet import BasicBlock
    buf = io.BytesIO()
    ember.save({'block': BasicBlock(4, 4), 'drop': ops.StochasticDepth(0.1, 'row')}, buf)
    names = _globals(buf.getvalue())
    assert {'torchvision.models.resnet BasicBlock', 'torchvision.ops.stochastic_depth StochasticDepth'} <= names
    assert not any(n.startswith('ember') for n in names), names
    buf.seek(0)
    back = ember.load(buf, weights_only=False)
    assert type(back['block']) is BasicBlock and type(back['drop']) is ops.StochasticDepth
