"""bfloat16 from float64 and int32/int64 as PyTorch converts: rounded to float32 first, then to
bfloat16 (ml_dtypes would round once). Recorded by tests/fixtures/bf16_rounding/record.py."""
from pathlib import Path

import numpy as np
import pytest

import ember

pytestmark = pytest.mark.skipif(not ember._dtype.HAS_BFLOAT16, reason='ml_dtypes is not installed')
REC = Path(__file__).parent / 'fixtures' / 'bf16_rounding' / 'conversions.npz'


def _bits(t):
    return t.view(ember.int16).numpy()


def test_to_bfloat16_rounds_through_float32():
    rec = np.load(REC)
    for key in ('f64', 'i64', 'i32'):
        got = _bits(ember.from_numpy(rec[key]).to(ember.bfloat16))
        assert np.array_equal(got, rec[f'{key}_to']), (key, int((got != rec[f'{key}_to']).sum()))
    assert np.array_equal(_bits(ember.from_numpy(rec['f64']).bfloat16()), rec['f64_to'])
    # the fixture holds values where rounding once would differ
    import ml_dtypes
    assert (rec['f64'].astype(ml_dtypes.bfloat16).view(np.int16) != rec['f64_to']).sum() > 1000


def test_tensor_full_and_copy_round_through_float32():
    rec = np.load(REC)
    f64 = rec['f64']
    assert np.array_equal(_bits(ember.tensor(f64.tolist(), dtype=ember.bfloat16)), rec['f64_tensor'])
    full = np.array([_bits(ember.full((2,), float(v), dtype=ember.bfloat16))[0] for v in f64[:500]])
    assert np.array_equal(full, rec['f64_full'])
    dst = ember.empty(f64.size, dtype=ember.bfloat16)
    dst.copy_(ember.from_numpy(f64))
    assert np.array_equal(_bits(dst), rec['f64_copy'])
