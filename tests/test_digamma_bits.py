"""digamma as PyTorch's CPU kernel computes it (Cephes' recurrence, asymptotic series and reflection, in the
input's precision): the same bits nearly everywhere. Recorded by tests/fixtures/digamma/record.py."""
import importlib.util
from pathlib import Path

import numpy as np
import pytest

import ember

HERE = Path(__file__).parent / 'fixtures' / 'digamma'
_spec = importlib.util.spec_from_file_location('digamma_record', HERE / 'record.py')
record = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(record)


def _ulps(a, b):
    """Distance in units in the last place (NaNs at the same places count as equal)."""
    ints = np.int64 if a.dtype == np.float64 else np.int32
    ia, ib = a.view(ints).astype(np.int64), b.view(ints).astype(np.int64)
    ia = np.where(ia < 0, np.iinfo(ints).min - ia, ia)
    ib = np.where(ib < 0, np.iinfo(ints).min - ib, ib)
    both_nan = np.isnan(a) & np.isnan(b)
    return np.where(both_nan, 0, np.abs(ia - ib))


@pytest.mark.parametrize('dtype', ['float64', 'float32'])
def test_digamma_bits_as_pytorchs(dtype):
    x = record.inputs().astype(dtype)
    got = ember.digamma(ember.from_numpy(x)).numpy()
    want = np.load(HERE / 'results.npz')[dtype]
    ulps = _ulps(got, want)
    # the rest: where NumPy's log differs in its last bit from the C library's, which PyTorch calls (a few
    # ulps of a result that the recurrence's sum cancels down to well below the logarithm's size)
    assert (ulps != 0).mean() < 1e-3 and ulps.max() <= 16, (x[ulps != 0][:5], ulps.max())
    special = len(record.SPECIAL)
    assert np.array_equal(ulps[:special], np.zeros(special)), x[:special][ulps[:special] != 0]


@pytest.mark.parametrize('dtype', ['float16', 'bfloat16'])
def test_half_digamma_from_float32s(dtype):
    x = record.inputs().astype(np.float32)
    t = ember.from_numpy(x).to(getattr(ember, dtype))
    got = ember.digamma(t).float().numpy()
    want = np.load(HERE / 'results.npz')[dtype]
    same = (got == want) | (np.isnan(got) & np.isnan(want))
    assert same.mean() > 0.999, x[~same][:5]


def test_digamma_at_one_is_minus_euler_gamma_to_pytorchs_bit():
    assert ember.digamma(ember.tensor(1.0, dtype=ember.float64)).item() == -0.5772156649015328
    assert ember.digamma(ember.tensor([0.0, -0.0, -2.0])).tolist()[:2] == [float('-inf'), float('inf')]
