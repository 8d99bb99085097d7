"""The C library's float32 functions over many elements (ember/ops/_libm_float32.py): per element up to
PER_ELEMENT_LIMIT; past it expf stays the C library's bit for bit (float64 exp rounded, the C library
asked near rounding midpoints), erff and tanhf come within a unit or two of the last place."""
import ctypes
import ctypes.util

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.ops import _libm_float32

try:
    _LIBM = ctypes.CDLL(ctypes.util.find_library('m'))
except OSError:
    _LIBM = None
pytestmark = pytest.mark.skipif(_LIBM is None, reason='no C math library to compare with')


def _c(name, x):
    fn = getattr(_LIBM, name)
    fn.restype, fn.argtypes = ctypes.c_float, [ctypes.c_float]
    return np.array([fn(v) for v in x.tolist()], np.float32)


def _units_apart(a, b):
    ia, ib = a.view(np.int32).astype(np.int64), b.view(np.int32).astype(np.int64)
    return np.abs(ia - ib)


@pytest.fixture
def many():
    n = _libm_float32.PER_ELEMENT_LIMIT + 20000
    return (np.random.default_rng(3).standard_normal(n) * 4).astype(np.float32)


def test_expf_past_the_limit_is_the_c_librarys(many):
    y = -(many * many) * np.float32(0.5)
    assert np.array_equal(_libm_float32.expf(y).view(np.int32), _c('expf', y).view(np.int32))


@pytest.mark.parametrize('name, units', [('erff', 1), ('tanhf', 2)])
def test_erff_tanhf_past_the_limit_within_units(many, name, units):
    # (glibc's float erff and tanhf are not correctly rounded: float64 values rounded miss them by up to this)
    got = getattr(_libm_float32, name)(many)
    assert _units_apart(got, _c(name, many)).max() <= units


@pytest.mark.parametrize('name', ['erff', 'expf', 'tanhf'])
def test_up_to_the_limit_each_element_is_the_c_librarys(name):
    x = (np.random.default_rng(4).standard_normal(_libm_float32.PER_ELEMENT_LIMIT) * 3).astype(np.float32)
    assert np.array_equal(getattr(_libm_float32, name)(x).view(np.int32), _c(name, x).view(np.int32))


@pytest.mark.parametrize('approximate', ['none', 'tanh'])
def test_gelu_backward_of_a_large_transposed_input(approximate):
    # every element goes through the scalar loop (x transposed, its gradient not): past the limit the
    # gradient stays close to the float64 one
    a = np.random.default_rng(5).standard_normal((400, 200)).astype(np.float32)
    g = np.random.default_rng(6).standard_normal((200, 400)).astype(np.float32)
    x = ember.tensor(a).t().requires_grad_()
    F.gelu(x, approximate=approximate).backward(ember.tensor(g))
    x64 = ember.tensor(a.astype(np.float64)).t().requires_grad_()
    F.gelu(x64, approximate=approximate).backward(ember.tensor(g.astype(np.float64)))
    np.testing.assert_allclose(x.grad.numpy(), x64.grad.numpy(), rtol=1e-5, atol=1e-6)
