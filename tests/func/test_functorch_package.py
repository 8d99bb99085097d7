"""``import functorch`` (under ember run): the deprecated package's transforms and module helpers."""
import subprocess
import sys
import textwrap

import pytest

import ember
import ember.nn as nn
from ember import functorch


def test_transforms_warn_and_compute():
    with pytest.warns(FutureWarning, match='`functorch.jvp` is deprecated .* Please use `ember.func.jvp` instead'):
        out, tangent = functorch.jvp(lambda x: x ** 2, (ember.tensor([3.]),), (ember.tensor([1.]),))
    assert out.tolist() == [9.] and tangent.tolist() == [6.]
    with pytest.warns(FutureWarning, match='Please use `ember.vmap` instead'):
        assert functorch.vmap(ember.sin)(ember.zeros(2)).tolist() == [0., 0.]


def test_make_functional_and_ensembles():
    ember.manual_seed(0)
    model = nn.Linear(3, 2)
    x = ember.randn(4, 3)
    with pytest.warns(FutureWarning):
        f, params = functorch.make_functional(model)
    assert len(params) == 2 and params[0] is model.weight and ember.equal(f(params, x), model(x))
    zeros = tuple(ember.zeros_like(p) for p in params)
    assert f(zeros, x).abs().sum().item() == 0. and model(x).abs().sum().item() > 0   # the model is untouched
    with pytest.warns(FutureWarning):
        with pytest.raises(RuntimeError, match='has buffers. Please use make_functional_with_buffers'):
            functorch.make_functional(nn.BatchNorm1d(2))
    bn = nn.BatchNorm1d(2).eval()
    with pytest.warns(FutureWarning):
        fb, p, b = functorch.make_functional_with_buffers(bn)
    assert len(p) == 2 and len(b) == 3 and ember.equal(fb(p, b, x[:, :2]), bn(x[:, :2]))
    models = [nn.Linear(3, 2) for _ in range(3)]
    with pytest.warns(FutureWarning):
        fm, ps, bs = functorch.combine_state_for_ensemble(models)
    assert [t.shape for t in ps] == [(3, 2, 3), (3, 2)] and bs == ()
    with pytest.warns(FutureWarning):
        outs = functorch.vmap(fm, in_dims=(0, 0, None))(ps, bs, x)
    assert ember.allclose(outs[1], models[1](x))


def test_import_functorch_under_ember_run(tmp_path):
    script = tmp_path / 's.py'
    script.write_text(textwrap.dedent('''
        import warnings
        warnings.simplefilter('ignore')
        import functorch, torch
        print(functorch.__name__, functorch.grad(lambda x: (x * x).sum())(torch.ones(2)).tolist())
    '''))
    out = subprocess.run([sys.executable, '-m', 'ember', 'run', str(script)], capture_output=True, text=True)
    # (the top-level package answers to PyTorch's name under ember run, as torch does)
    assert out.stdout.strip() == 'functorch [2.0, 2.0]', out.stderr


def test_functorch_experimental_control_flow_under_ember_run(tmp_path):
    # the first home of cond and map (PyTorch's torch.export tutorial imports cond from there); PyTorch prints the same
    script = tmp_path / 's.py'
    script.write_text(textwrap.dedent('''
        import torch
        from functorch.experimental.control_flow import cond, map
        from functorch.experimental import jacfwd
        x = torch.ones(2)
        print(cond(x.sum() > 0, torch.neg, torch.exp, [x]).tolist(), cond(False, torch.neg, torch.exp, [x * 0]).tolist())
        print(map(lambda r, k: r * k, torch.arange(6.).view(3, 2), torch.tensor(2.)).tolist())
        print(jacfwd(torch.sin)(torch.zeros(2)).tolist())
    '''))
    out = subprocess.run([sys.executable, '-m', 'ember', 'run', str(script)], capture_output=True, text=True)
    assert out.stdout.splitlines() == ['[-1.0, -1.0] [1.0, 1.0]',
                                       '[[0.0, 2.0], [4.0, 6.0], [8.0, 10.0]]', '[[1.0, 0.0], [0.0, 1.0]]'], out.stderr
