"""The float8 dtypes (through ml_dtypes) against PyTorch's behaviour recorded by
tests/fixtures/float8/record.py: what each op does or refuses (with PyTorch's error), printing,
finfo, the bits of every conversion, and checkpoints both ways."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import ember

HERE = Path(__file__).parent / 'fixtures' / 'float8'
NAMES = ['float8_e4m3fn', 'float8_e5m2', 'float8_e4m3fnuz', 'float8_e5m2fnuz', 'float8_e8m0fnu']
needs_float8 = pytest.mark.skipif(not ember._dtype.HAS_FLOAT8, reason='ml_dtypes is not installed')
OTHER = {'float8_e5m2': 'float8_e4m3fn'}     # the second float8 dtype an expression mixes in


def _fresh(code):
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parent.parent))
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_float8_names_exist_without_ml_dtypes_and_say_what_they_need():
    out = _fresh("import sys; sys.modules['ml_dtypes'] = None\n"
                 "import ember\n"
                 "d = ember.float8_e4m3fn\n"
                 "print(d, d.itemsize, d.is_floating_point, ember.float8_e8m0fnu.is_signed)\n"
                 "try:\n"
                 "    ember.promote_types(d, ember.float32)\n"
                 "except RuntimeError as e:\n"
                 "    print(e)\n"
                 "try:\n"
                 "    ember.ones(2).to(d)\n"
                 "except RuntimeError as e:\n"
                 "    print(e)\n")
    lines = out.strip().split('\n')
    assert lines[0] == 'ember.float8_e4m3fn 1 True False'
    assert lines[1] == ('Promotion for Float8 Types is not supported, attempted to promote Float8_e4m3fn '
                        'and Float')
    assert 'ml_dtypes' in lines[2] and 'float8_e4m3fn' in lines[2]


def _outcome(expr, name):
    y = ember.tensor([1., 2., 4., 0.5]).to(getattr(ember, name))
    try:
        r = eval(expr.format(other=OTHER.get(name, 'float8_e5m2')), {'torch': ember, 'y': y})
    except Exception as e:      # what is refused, and how
        return [type(e).__name__, str(e)]
    return ['ok', r if isinstance(r, (bool, int, float, str)) else repr(r)]


@needs_float8
@pytest.mark.parametrize('name', NAMES)
def test_ops_printing_and_refusals_match_pytorch(name):
    recorded = json.loads((HERE / 'ops.json').read_text())
    wrong = {}
    for expr in recorded['ops']:
        want = recorded['results'][name][expr]
        if want[0] == 'ok' and isinstance(want[1], str):
            want = ['ok', want[1].replace('torch.', 'ember.')]
        got = _outcome(expr, name)
        if got != want:
            wrong[expr] = (want, got)
    assert not wrong, wrong
    assert len(recorded['ops']) > 190


@needs_float8
@pytest.mark.parametrize('name', NAMES)
def test_conversions_are_bit_exact(name):
    rec = np.load(HERE / 'casts.npz')
    dt = getattr(ember, name)
    f32 = ember.from_numpy(rec['f32'].view(np.float32))
    sources = {'f32': f32, 'f64': ember.from_numpy(rec['f64']), 'f16': f32.half(),
               'bf16': ember.from_numpy(rec['bf16']).view(ember.bfloat16)}
    for key, src in sources.items():
        got = src.to(dt).view(ember.uint8).numpy()
        want = rec[f'{name}_from_{key}']
        assert np.array_equal(got, want), (key, int((got != want).sum()))
    codes = ember.arange(256, dtype=ember.int32).to(ember.uint8).view(dt)
    for key, dst, bits in (('f32', ember.float32, ember.int32), ('f64', ember.float64, ember.int64),
                           ('f16', ember.float16, ember.int16), ('bf16', ember.bfloat16, ember.int16)):
        assert np.array_equal(codes.to(dst).view(bits).numpy(), rec[f'{name}_to_{key}']), key
    # creation and in-place writes round as the conversions do
    assert np.array_equal(ember.tensor(rec['f32'].view(np.float32)[:4096].tolist(), dtype=dt).view(ember.uint8).numpy(),
                          rec[f'{name}_from_f32'][:4096])
    y = ember.empty(4096, dtype=dt)
    y.copy_(f32[:4096])
    assert np.array_equal(y.view(ember.uint8).numpy(), rec[f'{name}_from_f32'][:4096])


X = [[1., -2.5, 300., 0.1], [7., 0.03, -1e-3, 2.]]      # what record.py saved


@needs_float8
def test_pytorch_float8_checkpoint_loads():
    r = ember.load(HERE / 'torch_float8.pt')
    for name in NAMES:
        t = r[name]
        assert t.dtype is getattr(ember, name) and t.shape == (2, 4)
        assert np.array_equal(t.view(ember.uint8).numpy(), ember.tensor(X).to(t.dtype).view(ember.uint8).numpy())
    view = r['view']
    assert view.stride() == (4,) and view.untyped_storage().data_ptr() == r['float8_e4m3fn'].untyped_storage().data_ptr()
    assert view.float().tolist() == r['float8_e4m3fn'][:, 1].float().tolist()


@needs_float8
def test_ember_float8_checkpoint_round_trips(tmp_path):
    saved = {name: ember.tensor(X).to(getattr(ember, name)) for name in NAMES}
    saved['col'] = saved['float8_e5m2'][:, 2]
    ember.save(saved, tmp_path / 'e.pt')
    r = ember.load(tmp_path / 'e.pt')
    for k, v in saved.items():
        assert r[k].dtype is v.dtype and np.array_equal(r[k].view(ember.uint8).numpy(), v.view(ember.uint8).numpy())
    assert r['col'].stride() == (4,)


def _torch_python():
    import importlib.util
    if importlib.util.find_spec('torch') is not None:
        return sys.executable
    oracle = os.environ.get('EMBER_TORCH_PYTHON', '/tmp/torch/bin/python')
    return oracle if os.path.exists(oracle) else None


@needs_float8
def test_pytorch_reads_ember_float8_checkpoint_exactly(tmp_path):
    python = _torch_python()
    if python is None:
        pytest.skip('PyTorch is not available')
    saved = {name: ember.tensor(X).to(getattr(ember, name)) for name in NAMES}
    saved['col'] = saved['float8_e4m3fn'][:, 1]
    ember.save(saved, tmp_path / 'e.pt')
    code = ("import sys, json, torch\n"
            "r = torch.load(sys.argv[1])\n"
            "print(json.dumps({k: [str(v.dtype), v.view(torch.uint8).tolist(), v.stride()] for k, v in r.items()}))")
    out = subprocess.run([python, '-c', code, str(tmp_path / 'e.pt')], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    for k, v in saved.items():
        assert got[k] == ['torch.' + v.dtype.name, v.view(ember.uint8).tolist(), list(v.stride())]


@needs_float8
def test_ml_dtypes_float8_arrays_become_float8_tensors():
    out = _fresh("import numpy as np, ml_dtypes, ember\n"
                 "a = np.array([1.5, -2.0], dtype=ml_dtypes.float8_e5m2)\n"
                 "t = ember.from_numpy(a)\n"
                 "print(t.dtype, t.float().tolist(), t * t)\n")
    assert out.strip() == 'ember.float8_e5m2 [1.5, -2.0] tensor([2., 4.], dtype=ember.float8_e5m2)'


@needs_float8
def test_dtype_objects_pickle_and_compare():
    import pickle
    for name in NAMES:
        d = getattr(ember, name)
        assert pickle.loads(pickle.dumps(d)) is d and repr(d) == f'ember.{name}'
    assert ember.float8_e8m0fnu.is_signed is False and ember.float8_e4m3fn.is_signed is True


def test_no_op_is_wrapped_for_float8():
    # float8 refusals sit where ops already examine the dtype: the functions users call (and the fx/ONNX
    # capture identifies) are the ops themselves; only the uint16/32/64 wrappers that predate float8 exist
    from ember.ops import _barebones, _float8
    wrapped_for_uint = set(_barebones.REFUSED) | set(_barebones._WITH_DIM) | set(_barebones._CREATION)
    checked = 0
    for name in set(_float8.REFUSED) - wrapped_for_uint:
        fn = getattr(ember, name, None) or getattr(ember.Tensor, name, None)
        if fn is not None:
            assert not hasattr(fn, 'barebones_kernel'), name
            checked += 1
    assert checked > 40
    x = ember.ones(3)
    assert ember.sum(a=x).item() == 3 and ember.mean(x, axis=0).item() == 1
