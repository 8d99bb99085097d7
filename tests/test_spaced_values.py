"""linspace and logspace give PyTorch's values to the last bit (recorded by tests/fixtures/spaced/record.py)."""
import json
import os

import numpy as np
import pytest

import ember

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, 'fixtures', 'spaced', 'expected.json')) as f:
    EXPECTED = json.load(f)


def _hex(t):
    return np.ascontiguousarray(t.numpy()).tobytes().hex()


@pytest.mark.parametrize('row', EXPECTED, ids=lambda r: f"{r['start']:.3g}..{r['end']:.3g}x{r['steps']}")
def test_linspace_and_logspace_match_pytorch_bit_for_bit(row):
    s, e, n = row['start'], row['end'], row['steps']
    for key, want in row.items():
        if key.startswith('linspace_'):
            got = ember.linspace(s, e, n, dtype=getattr(ember, key[len('linspace_'):]))
        elif key == 'logspace_float32':
            got = ember.logspace(s / 5, e / 5, n)
        elif key == 'logspace_base2_float64':
            got = ember.logspace(s / 5, e / 5, n, base=2, dtype=ember.float64)
        else:
            continue
        assert _hex(got) == want, key


def test_negative_steps_are_refused():
    for fn in (ember.linspace, ember.logspace):
        with pytest.raises(RuntimeError, match='^number of steps must be non-negative$'):
            fn(0, 1, -1)


with open(os.path.join(HERE, 'fixtures', 'spaced', 'arange.json')) as f:
    ARANGE = json.load(f)


@pytest.mark.parametrize('row', ARANGE['rows'], ids=lambda r: f"{r['start']}..{r['end']}x{r['step']:.3g}-{r['dtype']}")
def test_float_arange_matches_pytorch_bit_for_bit(row):
    # recorded by tests/fixtures/spaced/record_arange.py: PyTorch rounds per SIMD register, so
    # start + i * step computed once per element differs from it in the last bit
    import hashlib
    from ember.ops._spaced_values import ARANGE_GRAIN_SIZE, arange_values
    dtype = getattr(ember, row['dtype'])
    if row['n'] > ARANGE_GRAIN_SIZE:       # split between threads: the recorded thread count decides where
        values = arange_values(row['start'], row['step'], row['n'], dtype.np_dtype, 32, ARANGE['threads'])
    else:
        values = ember.arange(row['start'], row['end'], row['step'], dtype=dtype).numpy()
    assert values.dtype == dtype.np_dtype and len(values) == row['n']
    assert values[:40].tobytes().hex() == row['head']
    assert hashlib.md5(values.tobytes()).hexdigest() == row['md5']


def test_default_float_arange_matches_pytorch():
    # torch.arange(-5, 5, 0.1), as PyTorch's TensorBoard recipe writes it: -3.9999998, not -4.0, at index 10
    got = ember.arange(-5, 5, 0.1)
    assert got.dtype == ember.float32 and _hex(got) == ARANGE['default_float32']
    assert got[10].item() != -4.0 and ember.arange(-5, 5, 0.1, dtype=ember.float64)[10].item() == -4.0
