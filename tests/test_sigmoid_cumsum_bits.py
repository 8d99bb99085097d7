"""float32 sigmoid and cumsum round as PyTorch's CPU kernels (recorded in tests/fixtures/sigmoid_cumsum by
its record.py): sigmoid as 1 / (1 + exp(-x)) with each step in float32 and exp as PyTorch's (exactly on
short or strided tensors, which PyTorch computes element by element; long contiguous ones through its
vectorised exp, equal on nearly all elements, within two ulps); cumsum with its running sum in double."""
import os

import numpy as np
import pytest

import ember
from tests.fixtures.sigmoid_cumsum.record import SIZES, inputs, table

RESULTS = os.path.join(os.path.dirname(__file__), 'fixtures', 'sigmoid_cumsum', 'results.npz')


@pytest.fixture(scope='module')
def recorded():
    with np.load(RESULTS) as f:
        return dict(f)


def _ulps(a, b):
    return np.abs(a.view(np.int32).astype(np.int64) - b.view(np.int32).astype(np.int64))


@pytest.mark.parametrize('size', SIZES)
def test_sigmoid_float32(recorded, size):
    x = ember.from_numpy(inputs(size))
    strided, want_strided = ember.sigmoid(x[::2]).numpy(), recorded[f'sigmoid_strided_{size}']
    got, want = ember.sigmoid(x).numpy(), recorded[f'sigmoid_{size}']
    if size < 32:
        np.testing.assert_array_equal(strided, want_strided)
        np.testing.assert_array_equal(got, want)
    else:   # (the C library's expf, strided, is also not correctly rounded on every input)
        assert _ulps(strided, want_strided).max() <= 1 and (strided == want_strided).mean() > 0.998
        assert _ulps(got, want).max() <= 2 and (got == want).mean() > 0.95
    assert got.dtype == np.float32


@pytest.mark.parametrize('dim', (0, 1))
def test_cumsum_float32_carries_its_sum_in_double(recorded, dim):
    got = ember.from_numpy(table()).cumsum(dim)
    assert got.dtype == ember.float32 and got.is_contiguous()
    np.testing.assert_array_equal(got.numpy(), recorded[f'cumsum_{dim}'])


def test_cumsum_of_half_and_explicit_dtypes_keep_their_rules():
    x = ember.tensor([0.1, 0.2, 0.3], dtype=ember.float16)
    assert x.cumsum(0).dtype == ember.float16
    assert ember.tensor([1, 2, 3]).cumsum(0).dtype == ember.int64
    y = ember.tensor([1., 2.]).cumsum(0, dtype=ember.float64)
    assert y.dtype == ember.float64 and y.tolist() == [1., 3.]
