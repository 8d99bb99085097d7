"""erf, erfc and erfinv are exact to a few units in the last place, without SciPy.

References: Python's math.erf/math.erfc (correctly rounded to within an ulp) and erfinv values
recorded with mpmath at 40 digits (inline below).
"""
import math

import numpy as np
import pytest

import ember
from ember.ops import _erf


def _ulps(got, want):
    """|got - want| in units of the last place of ``got``'s dtype at ``want``."""
    dtype = np.asarray(got).dtype
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    spacing = np.spacing(np.abs(want).astype(dtype)).astype(np.float64)
    with np.errstate(invalid='ignore'):
        err = np.where(got == want, 0, np.abs(got - want) / spacing)
    return err


_POINTS = np.concatenate([
    np.random.default_rng(0).uniform(-1, 1, 2000),
    np.random.default_rng(1).uniform(-7, 7, 4000),
    np.random.default_rng(2).uniform(-30, 30, 1000),
    [0.0, -0.0, 1e-300, -5e-324, 0.5, 1.0, -1.0, 2.0, 4.0, 6.0, 8.0, -8.0, 26.0, 27.5, 1e300],
])


@pytest.mark.parametrize('name', ['erf', 'erfc'])
def test_float64_within_a_few_ulps(name):
    want = np.array([getattr(math, name)(v) for v in _POINTS])
    got = getattr(ember, name)(ember.tensor(_POINTS, dtype=ember.float64)).numpy()
    assert _ulps(got, want).max() <= 6


@pytest.mark.parametrize('name', ['erf', 'erfc'])
def test_float32_within_a_few_ulps(name):
    x = _POINTS[np.abs(_POINTS) < 1e30].astype(np.float32)
    want = np.array([getattr(math, name)(float(v)) for v in x]).astype(np.float32)
    got = getattr(ember, name)(ember.tensor(x)).numpy()
    assert got.dtype == np.float32
    ok = np.abs(want) > np.finfo(np.float32).tiny  # erfc's subnormal tail: absolute accuracy only
    assert _ulps(got, want)[ok].max() <= 6
    assert np.abs(got - want)[~ok].max() <= np.finfo(np.float32).smallest_subnormal * 4


def test_special_values():
    x = ember.tensor([np.inf, -np.inf, np.nan, 0.0, -0.0], dtype=ember.float64)
    np.testing.assert_array_equal(ember.erf(x).numpy(), [1, -1, np.nan, 0, -0.0])
    assert math.copysign(1, ember.erf(x).numpy()[4]) == -1
    np.testing.assert_array_equal(ember.erfc(x).numpy(), [0, 2, np.nan, 1, 1])
    y = ember.tensor([1.0, -1.0, 1.5, -2.0, np.nan, 0.0], dtype=ember.float64)
    np.testing.assert_array_equal(ember.erfinv(y).numpy(), [np.inf, -np.inf, np.nan, np.nan, np.nan, 0])


# erfinv(y) at 40 digits (mpmath.erfinv), rounded to float64
_ERFINV = [
    (0.5, 0.4769362762044699),
    (-0.25, -0.2253120550121781),
    (0.9, 1.1630871536766743),
    (0.999, 2.3267537655135246),
    (0.9999999999, 4.572824958544925),
    (0.9999999999999998, 5.805018683193453),
    (-0.999999999999999, -5.675915739744713),
    (1e-20, 8.86226925452758e-21),
]


def test_erfinv_matches_recorded_values():
    y = np.array([p[0] for p in _ERFINV])
    want = np.array([p[1] for p in _ERFINV])
    got = ember.erfinv(ember.tensor(y, dtype=ember.float64)).numpy()
    np.testing.assert_allclose(got, want, rtol=4e-16 * 8, atol=0)


def test_erfinv_inverts_erf():
    y = np.random.default_rng(3).uniform(-0.999999, 0.999999, 5000)
    x = _erf.erfinv(y)
    assert _ulps(_erf.erf(x), y).max() <= 8
    y32 = y.astype(np.float32)
    x32 = _erf.erfinv(y32)
    assert x32.dtype == np.float32
    assert _ulps(_erf.erf(x32.astype(np.float64)).astype(np.float32), y32).max() <= 8


def test_shapes_and_empty():
    assert ember.erf(ember.zeros(2, 0)).shape == (2, 0)
    x = ember.tensor([[0.2, 3.0], [-9.0, 0.7]])
    assert ember.erf(x).shape == (2, 2)
    assert ember.erf(ember.tensor(0.5)).item() == pytest.approx(math.erf(0.5), rel=1e-7)
