"""ember.bfloat16 (through ml_dtypes) against values recorded from PyTorch (tests/fixtures/bf16/record.py)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import ember

HERE = Path(__file__).parent / 'fixtures' / 'bf16'
EXPECTED = json.loads((HERE / 'expected.json').read_text())
needs_bf16 = pytest.mark.skipif(not ember._dtype.HAS_BFLOAT16, reason='ml_dtypes is not installed')


def _floats(t):
    return t.float().tolist()


def test_bfloat16_is_there_without_ml_dtypes_and_says_what_it_needs():
    code = ("import sys; sys.modules['ml_dtypes'] = None\n"
            "import ember\n"
            "assert repr(ember.bfloat16) == 'ember.bfloat16' and ember.bfloat16.is_floating_point\n"
            "assert ember.promote_types(ember.bfloat16, ember.float16) is ember.float32\n"
            "try:\n"
            "    ember.ones(2).to(ember.bfloat16)\n"
            "except RuntimeError as e:\n"
            "    print(e)\n")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parent.parent))
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert 'ml_dtypes' in out.stdout


def test_promotion_matches_pytorch():
    for pair, want in EXPECTED['promote'].items():
        p, q = pair.split('+')
        assert ember.promote_types(getattr(ember, p), getattr(ember, q)) is getattr(ember, want), pair
        assert ember.promote_types(getattr(ember, q), getattr(ember, p)) is getattr(ember, want), pair


@needs_bf16
def test_scalars_and_tensors_promote_like_pytorch():
    x = ember.ones(3, dtype=ember.bfloat16)
    assert (x + 2).dtype is ember.bfloat16 and (x + 2.5).dtype is ember.bfloat16
    assert (x + ember.ones(3, dtype=ember.int64)).dtype is ember.bfloat16
    assert (x + ember.ones(3, dtype=ember.float16)).dtype is ember.float32
    assert (x + ember.tensor(1., dtype=ember.float64)).dtype is ember.bfloat16    # a 0-dim tensor
    assert (x * 1j).dtype is ember.complex64


@needs_bf16
def test_finfo_conversions_and_legacy_type():
    assert repr(ember.finfo(ember.bfloat16)) == EXPECTED['finfo'].replace('torch.', '')
    x = ember.tensor(EXPECTED['x']).bfloat16()
    assert x.dtype is ember.bfloat16 and x.to(ember.bfloat16) is x
    assert isinstance(x, ember.BFloat16Tensor) and x.type() == 'ember.BFloat16Tensor'
    assert ember.BFloat16Tensor([1, 2]).dtype is ember.bfloat16
    assert x.half().bfloat16().dtype is ember.bfloat16 and x.double().dtype is ember.float64
    assert ember.tensor([3.14159], dtype=ember.bfloat16).item() == 3.140625     # rounded to nearest even
    with pytest.raises(RuntimeError, match='c10::BFloat16 without overflow'):
        ember.full((2,), 1e39, dtype=ember.bfloat16)


@needs_bf16
def test_printing_matches_pytorch():
    x = ember.tensor(EXPECTED['x']).bfloat16()
    assert repr(x) == EXPECTED['x_repr'].replace('torch.', 'ember.')
    assert repr(ember.tensor(EXPECTED['big']).bfloat16()) == EXPECTED['big_repr'].replace('torch.', 'ember.')


@needs_bf16
def test_arithmetic_reductions_and_matmul_round_like_pytorch():
    x = ember.tensor(EXPECTED['x']).bfloat16()
    assert _floats(x + 1.7) == EXPECTED['add']
    assert _floats(x * x[:, :1]) == EXPECTED['mul']
    assert _floats(x[:, :3].exp()) == EXPECTED['exp']
    assert _floats(ember.softmax(x[0], 0)) == EXPECTED['softmax']
    long_ = ember.arange(1000.).bfloat16()
    assert long_.sum().item() == EXPECTED['sum_1000']        # accumulated in float32, as PyTorch does
    assert long_.mean().item() == EXPECTED['mean_1000']
    m = ember.arange(12.).reshape(3, 4).bfloat16() / 7
    assert (m @ m.t()).dtype is ember.bfloat16 and _floats(m @ m.t()) == EXPECTED['matmul']
    assert _floats(m @ m[0]) == EXPECTED['mv']
    assert ember.einsum('ij,kj->ik', m, m).dtype is ember.bfloat16


@needs_bf16
def test_rounding_nan_aware_reductions_and_pooling():
    nx = ember.tensor([[1.7, -2.5, float('nan'), 3.3], [0.1, 9.9, -4.4, 2.2]]).bfloat16()
    got = [_floats(t) for t in (nx.floor(), nx.round(), nx.amax(1), nx.max())]
    np.testing.assert_equal(got[0], EXPECTED['rounding'][0])
    np.testing.assert_equal(got[1:], EXPECTED['rounding'][1:])
    assert nx.argmax(1).tolist() == EXPECTED['argmax']
    img = ember.arange(16.).reshape(1, 1, 4, 4).bfloat16() / 3
    assert _floats(ember.nn.functional.max_pool2d(img, 2)) == EXPECTED['max_pool']
    assert _floats(ember.nn.functional.avg_pool2d(img, 2)) == EXPECTED['avg_pool']


@needs_bf16
def test_autograd_through_bfloat16():
    a = ember.linspace(-2, 3, 7, requires_grad=True)
    b = a.bfloat16()
    loss = (b * b).exp().sum() + (b.sin() * 3).mean()
    assert loss.dtype is ember.bfloat16 and loss.requires_grad
    loss.backward()
    assert loss.item() == EXPECTED['loss']
    assert a.grad.dtype is ember.float32
    np.testing.assert_allclose(a.grad.numpy(), EXPECTED['grad'], rtol=1e-2)


@needs_bf16
def test_pytorch_bf16_checkpoint_loads_as_bfloat16():
    r = ember.load(HERE / 'torch_bf16.pt')
    for k in ('x', 'col', 'big'):
        assert r[k].dtype is ember.bfloat16 and _floats(r[k]) == EXPECTED[k]
    assert r['col'].stride() == (4,)                      # still a view of x's storage
    lin = ember.nn.Linear(4, 3).bfloat16()
    lin.load_state_dict(r['lin'])
    assert lin.weight.dtype is ember.bfloat16 and _floats(lin.weight) == EXPECTED['lin']['weight']
    out = lin(ember.tensor(EXPECTED['x']).bfloat16())
    assert repr(out).replace('ember.', 'torch.') == EXPECTED['lin_out_repr']


@needs_bf16
def test_safetensors_bf16_loads_and_round_trips(tmp_path):
    pytest.importorskip('safetensors')
    from ember._safetensors import load_safetensors, save_safetensors
    r = load_safetensors(HERE / 'torch_bf16.safetensors')
    assert r['x'].dtype is ember.bfloat16 and _floats(r['x']) == EXPECTED['x']
    assert _floats(r['w']) == EXPECTED['lin']['weight']
    save_safetensors(r, tmp_path / 'again.safetensors')
    assert (tmp_path / 'again.safetensors').read_bytes() == (HERE / 'torch_bf16.safetensors').read_bytes()


@needs_bf16
def test_ember_bf16_checkpoint_round_trips(tmp_path):
    x = ember.tensor(EXPECTED['x']).bfloat16()
    ember.save({'x': x, 'col': x[:, 1]}, tmp_path / 'e.pt')
    r = ember.load(tmp_path / 'e.pt')
    assert r['x'].dtype is ember.bfloat16 and _floats(r['x']) == EXPECTED['x']
    assert _floats(r['col']) == EXPECTED['col']


def _torch_python():
    import importlib.util
    if importlib.util.find_spec('torch') is not None:
        return sys.executable
    oracle = os.environ.get('EMBER_TORCH_PYTHON', '/tmp/torch/bin/python')
    return oracle if os.path.exists(oracle) else None


@needs_bf16
def test_pytorch_reads_ember_bf16_checkpoint_exactly(tmp_path):
    python = _torch_python()
    if python is None:
        pytest.skip('PyTorch is not available')
    x = ember.tensor(EXPECTED['x']).bfloat16()
    ember.save({'x': x, 'col': x[:, 1]}, tmp_path / 'e.pt')
    code = ("import sys, json, torch\n"
            "r = torch.load(sys.argv[1])\n"
            "print(json.dumps({k: [str(v.dtype), v.float().tolist(), v.stride()] for k, v in r.items()}))")
    out = subprocess.run([python, '-c', code, str(tmp_path / 'e.pt')], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got['x'] == ['torch.bfloat16', EXPECTED['x'], [4, 1]]
    assert got['col'] == ['torch.bfloat16', EXPECTED['col'], [4]]


def _fresh(code):
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parent.parent))
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


@needs_bf16
def test_ml_dtypes_loads_only_when_a_bfloat16_array_is_first_needed():
    # its extension takes about a second to load: import ember must not pay for it
    out = _fresh("import sys, ember\n"
                 "print('ml_dtypes' in sys.modules)\n"
                 "t = ember.tensor([1.0, 2.5]).to(ember.bfloat16)\n"
                 "print('ml_dtypes' in sys.modules, t.dtype, t.float().tolist())\n")
    assert out.split('\n')[:2] == ['False', 'True ember.bfloat16 [1.0, 2.5]']


@needs_bf16
def test_arrays_made_by_ml_dtypes_before_ember_loaded_it_are_bfloat16():
    out = _fresh("import numpy as np, ml_dtypes, ember\n"
                 "a = np.array([1.5, -2.0], dtype=ml_dtypes.bfloat16)\n"
                 "t = ember.from_numpy(a)\n"
                 "print(t.dtype, ember.tensor(a).dtype, ember.finfo(ember.bfloat16).eps)\n")
    assert out.strip() == 'ember.bfloat16 ember.bfloat16 0.0078125'


@needs_bf16
def test_safetensors_bf16_loads_in_a_fresh_process():
    pytest.importorskip('safetensors')
    out = _fresh("from ember._safetensors import load_safetensors\n"
                 f"r = load_safetensors({str(HERE / 'torch_bf16.safetensors')!r})\n"
                 "print(sorted({str(t.dtype) for t in r.values()}))\n")
    assert 'ember.bfloat16' in out
