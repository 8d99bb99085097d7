"""Rows for ember/ops/arith.py (binary arithmetic) and ember/ops/compare.py (forward only)."""
import functools

import numpy as np

import ember
from tests.opinfo import Const, ErrorInput, OpInfo, Raw, Sample, positive


def _binary(rng):
    """Same shapes, broadcasting both ways, a 0-dim operand."""
    n = rng.standard_normal
    return [Sample(n((3, 4)), n((3, 4))), Sample(n((3, 4)), n((4,))), Sample(n((4,)), n((3, 4))),
            Sample(n((3, 1)), n((1, 4))), Sample(n((2, 3, 4)), n(())), Sample(n(()), n((2, 3)))]


def _tensor_scalar(rng):
    return [Sample(rng.standard_normal((3, 4)), 2.5), Sample(rng.standard_normal((3, 4)), -3)]


def _divisor(rng, shape):
    """Values bounded away from zero."""
    return positive(rng, shape, 0.5, 2.0) * rng.choice([-1.0, 1.0], shape)


def _div(rng):
    n = rng.standard_normal
    return [Sample(n((3, 4)), _divisor(rng, (3, 4))), Sample(n((3, 4)), _divisor(rng, (4,))),
            Sample(n((4,)), _divisor(rng, (3, 4))), Sample(n((3, 4)), 2.5)]


def _modulo(rng):
    """a = b * (k + f): the fractional part f stays away from the jumps of remainder/fmod."""
    b = positive(rng, (3, 4), 1.0, 2.0)
    k = rng.integers(-3, 4, (3, 4))
    f = rng.uniform(0.2, 0.8, (3, 4))
    nb = -b
    return [Sample(b * (k + f), b), Sample(nb * (k + f), nb), Sample(b * (k + f), Const(b)),
            Sample(np.array([5.3, -5.3, 7.9, -7.9]), 2.5)]


def _apart(rng):
    """Two tensors that never tie (maximum/minimum are not differentiable at ties)."""
    a = rng.standard_normal((3, 4))
    b = a + rng.choice([-1.0, 1.0], (3, 4)) * rng.uniform(0.2, 1.0, (3, 4))
    return [Sample(a, b), Sample(a, b[0] + 5.0), Sample(a[0], b - 5.0)]


def _nonzero_pair(rng):
    return [Sample(_divisor(rng, (3, 4)), _divisor(rng, (3, 4))), Sample(_divisor(rng, (3, 4)), _divisor(rng, (4,)))]


def _lerp(rng):
    n = rng.standard_normal
    return [Sample(n((3, 4)), n((3, 4)), 0.3), Sample(n((3, 4)), n((3, 4)), rng.uniform(0, 1, (3, 4))),
            Sample(n((3, 4)), n((4,)), rng.uniform(0, 1, (3, 1)))]


def _addc(rng, div):
    n = rng.standard_normal
    third = _divisor(rng, (3, 4)) if div else n((3, 4))
    return [Sample(n((3, 4)), n((3, 4)), third), Sample(n((3, 4)), n((4,)), third, value=0.5),
            Sample(n((4,)), n((3, 1)), third[:, :1], value=-2)]


def _pow_scalar(e, pos=False):
    def samples(rng):
        x = positive(rng, (3, 4)) if pos else rng.standard_normal((3, 4))
        return [Sample(x, e), Sample(positive(rng, ()) if pos else rng.standard_normal(()), e)]
    return samples


def _pow_tensor(rng):
    return [Sample(positive(rng, (3, 4)), rng.standard_normal((3, 4))),
            Sample(positive(rng, (3, 4)), rng.standard_normal((4,))),
            Sample(positive(rng, (4,)), rng.uniform(-2, 2, (3, 4)))]


def _unary(rng):
    return [Sample(rng.standard_normal((3, 4))), Sample(rng.standard_normal(()))]


def _xlogy(rng):
    return [Sample(rng.standard_normal((3, 4)), positive(rng, (3, 4))),
            Sample(rng.standard_normal((3, 4)), positive(rng, (4,)))]


def _xlogy_zero(rng):
    x = rng.standard_normal((3, 4))
    x[0, :2] = 0
    y = positive(rng, (3, 4))
    y[0, 0] = 0.0  # 0 * log(0) is 0 by definition
    y[0, 1] = np.nan  # ... but 0 * log(nan) is nan
    return [Sample(x, y), Sample(x, 2.0)]


def _np_xlogy(x, y):
    """PyTorch's definition: NaN where y is NaN, else 0 where x == 0, else x * log(y)."""
    with np.errstate(divide='ignore', invalid='ignore'):
        out = np.where(x == 0, 0.0, x * np.log(y))
    return np.where(np.isnan(y), np.nan, out).astype(np.result_type(x, y))


def _ints(rng):
    a = rng.integers(-10, 10, (3, 4))
    b = rng.integers(1, 5, (3, 4)) * rng.choice([-1, 1], (3, 4))
    return [Sample(a, b), Sample(a, 3), Sample(a.astype(np.float64) + 0.5, _divisor(rng, (3, 4)))]


def _cmp_samples(rng):
    a = rng.integers(-3, 3, (3, 4)).astype(np.float64)
    b = rng.integers(-3, 3, (4,)).astype(np.float64)
    return [Sample(a, b), Sample(a, 1.0), Sample(a, a.copy())]


def _bool_pair(rng):
    return [Sample(rng.random((3, 4)) > 0.5, rng.random((3, 4)) > 0.5), Sample(rng.random((3, 4)) > 0.5, rng.random(4) > 0.5)]


def _int_pair(rng):
    return [Sample(rng.integers(0, 64, (3, 4)), rng.integers(0, 64, (3, 4))), Sample(rng.integers(0, 64, (3, 4)), 5)]


def _shift(rng):
    return [Sample(rng.integers(0, 64, (3, 4)), rng.integers(0, 4, (3, 4))), Sample(rng.integers(-64, 64, (3, 4)), 2)]


def _isclose(rng):
    a = rng.standard_normal((3, 4))
    b = a + rng.choice([0.0, 1e-9, 1e-3], (3, 4))
    return [Sample(a, b), Sample(a, b, rtol=0.0, atol=1e-6), Sample(a, b, 1e-2, 1e-2)]


def _nan_pair(rng):
    return [Sample(np.array([np.nan, 1.0, np.nan, -2.0]), np.array([2.0, np.nan, np.nan, 3.0]))]


def _logical_not(rng):
    return [Sample(rng.integers(-2, 2, (3, 4)).astype(np.float64)), Sample(rng.random((3, 4)) > 0.5)]


def _special(rng):
    return [Sample(np.array([0.0, -0.0, 1.5, -2.0, np.inf, -np.inf, np.nan]))]


def _err(*cases):
    """error_inputs from (args, exception, message) triples recorded from PyTorch."""
    return lambda: [ErrorInput(Sample(*args), exc, msg) for args, exc, msg in cases]


def _bcast(a, b, dim):
    return f'The size of tensor a ({a}) must match the size of tensor b ({b}) at non-singleton dimension {dim}'


def _long(*v):
    return Raw(ember.tensor(list(v)))


def _inplace_samples(rng):
    return [Sample(rng.standard_normal((3, 4)), rng.standard_normal(4)), Sample(rng.standard_normal((3, 4)), 2.5)]


_BINARY_ERRORS = _err(((np.zeros(3), np.zeros(4)), RuntimeError, _bcast(3, 4, 0)),
                      ((np.zeros((2, 3)), np.zeros((3, 2))), RuntimeError, _bcast(3, 2, 1)),
                      ((np.zeros((2, 3, 4)), np.zeros((5, 4))), RuntimeError, _bcast(3, 5, 1)))

OPS = [
    # ------------------------------------------------------------- add / sub / mul / div
    OpInfo('add', ember.add, _binary, ref=np.add, error_inputs=_BINARY_ERRORS),
    OpInfo('add', ember.add, _tensor_scalar, ref=np.add),
    OpInfo('add', lambda a, b: ember.add(a, b, alpha=2.5), _binary, ref=lambda a, b: a + 2.5 * b),
    OpInfo('Tensor.add_', lambda a, b: a.clone().add_(b), _inplace_samples, ref=np.add, error_inputs=lambda: [
        ErrorInput(Sample(np.zeros(3), np.zeros((2, 3))), RuntimeError,
                   "output with shape [3] doesn't match the broadcast shape [2, 3]"),
        ErrorInput(Sample(_long(1, 2), 2.5), RuntimeError,
                   "result type Float can't be cast to the desired output type Long")]),
    OpInfo('__radd__', lambda a: 2.5 + a, lambda rng: [Sample(rng.standard_normal((3, 4)))], ref=lambda a: 2.5 + a,
           called=functools.partial(ember.Tensor.__radd__, other=2.5)),
    OpInfo('sub', ember.sub, _binary, ref=np.subtract, aliases=('subtract',), error_inputs=_err(
        ((np.zeros(3), np.zeros(4)), RuntimeError, _bcast(3, 4, 0)),
        ((Raw(ember.tensor([True])), Raw(ember.tensor([False]))), RuntimeError,
         'Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` '
         'operator instead.'))),
    OpInfo('sub', ember.sub, _tensor_scalar, ref=np.subtract),
    OpInfo('sub', lambda a, b: ember.sub(a, b, alpha=-2), _binary, ref=lambda a, b: a + 2 * b),
    OpInfo('__rsub__', lambda a: 2.5 - a, lambda rng: [Sample(rng.standard_normal((3, 4)))], ref=lambda a: 2.5 - a,
           called=functools.partial(ember.Tensor.__rsub__, other=2.5)),
    OpInfo('rsub', ember.rsub, _binary, ref=lambda a, b: b - a),
    OpInfo('rsub', lambda a: ember.rsub(a, 2.0, alpha=3), lambda rng: [Sample(rng.standard_normal((3, 4)))],
           ref=lambda a: 2.0 - 3 * a),
    OpInfo('mul', ember.mul, _binary, ref=np.multiply, aliases=('multiply',), error_inputs=_BINARY_ERRORS),
    OpInfo('mul', ember.mul, _tensor_scalar, ref=np.multiply),
    OpInfo('__rmul__', lambda a: 2.5 * a, lambda rng: [Sample(rng.standard_normal((3, 4)))], ref=lambda a: 2.5 * a,
           called=functools.partial(ember.Tensor.__rmul__, other=2.5)),
    OpInfo('div', ember.div, _div, ref=np.true_divide, aliases=('divide', 'true_divide'), error_inputs=lambda: [
        ErrorInput(Sample(np.zeros(3), np.ones(4)), RuntimeError, _bcast(3, 4, 0)),
        ErrorInput(Sample(np.zeros(3), 2, rounding_mode='round'), RuntimeError,
                   "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'round'")]),
    OpInfo('__rtruediv__', lambda a: 2.5 / a, lambda rng: [Sample(_divisor(rng, (3, 4)))], ref=lambda a: 2.5 / a,
           called=functools.partial(ember.Tensor.__rtruediv__, other=2.5)),
    OpInfo('div_trunc', lambda a, b: ember.div(a, b, rounding_mode='trunc'), _ints, ref=lambda a, b: np.trunc(a / b)
           if np.result_type(a, b).kind == 'f' else np.trunc(a / b).astype(np.int64), grad=False),
    OpInfo('floor_divide', ember.floor_divide, _ints, ref=np.floor_divide, grad=False, error_inputs=_err(
        ((_long(1), 0), RuntimeError, 'ZeroDivisionError'))),
    OpInfo('div_floor', lambda a, b: ember.div(a, b, rounding_mode='floor'), _ints, ref=np.floor_divide, grad=False),
    # ------------------------------------------------------------------------- powers
    OpInfo('pow', ember.pow, _pow_scalar(2), ref=np.power),
    OpInfo('pow', ember.pow, _pow_scalar(3), ref=np.power),
    OpInfo('pow', ember.pow, _pow_scalar(0), ref=np.power),
    OpInfo('pow', ember.pow, _pow_scalar(1), ref=np.power),
    OpInfo('pow', ember.pow, _pow_scalar(0.5, pos=True), ref=np.power),
    OpInfo('pow', ember.pow, _pow_scalar(-1, pos=True), ref=lambda x, e: 1 / x),
    OpInfo('pow', ember.pow, _pow_scalar(-2.5, pos=True), ref=np.power),
    OpInfo('pow', ember.pow, _pow_tensor, ref=np.power, error_inputs=_err(
        ((_long(2), -1), RuntimeError, 'Integers to negative integer powers are not allowed.'),
        ((np.zeros(3), np.zeros(4)), RuntimeError, _bcast(3, 4, 0)))),
    OpInfo('__pow__', lambda a: a ** 3, lambda rng: [Sample(rng.standard_normal((3, 4)))], ref=lambda a: a ** 3,
           called=functools.partial(ember.Tensor.__pow__, exponent=3)),
    OpInfo('__rpow__', lambda b: 2.0 ** b, lambda rng: [Sample(rng.standard_normal((3, 4)))], ref=lambda b: 2.0 ** b,
           called=functools.partial(ember.Tensor.__rpow__, other=2.0)),
    OpInfo('pow_scalar_base', lambda b: ember.pow(1.5, b), lambda rng: [Sample(rng.standard_normal((3, 4)))],
           ref=lambda b: 1.5 ** b),
    OpInfo('float_power', ember.float_power, _pow_tensor, ref=np.float_power, dtypes=('float64',)),
    OpInfo('float_power', ember.float_power, _pow_scalar(2), ref=np.float_power, dtypes=('float64',)),
    OpInfo('square', ember.square, _unary, ref=np.square),
    # ----------------------------------------------------------------- remainder / fmod
    OpInfo('remainder', ember.remainder, _modulo, ref=np.remainder, error_inputs=_err(
        ((_long(1), 0), RuntimeError, 'ZeroDivisionError'))),
    OpInfo('fmod', ember.fmod, _modulo, ref=np.fmod, error_inputs=_err(
        ((_long(1), 0), RuntimeError, 'ZeroDivisionError'))),
    # ------------------------------------------------------------------- min/max family
    OpInfo('maximum', ember.maximum, _apart, ref=np.maximum),
    OpInfo('minimum', ember.minimum, _apart, ref=np.minimum),
    OpInfo('fmax', ember.fmax, _apart, ref=np.fmax),
    OpInfo('fmin', ember.fmin, _apart, ref=np.fmin),
    OpInfo('fmax_nan', ember.fmax, _nan_pair, ref=np.fmax, grad=False),
    OpInfo('fmin_nan', ember.fmin, _nan_pair, ref=np.fmin, grad=False),
    OpInfo('maximum_nan', ember.maximum, _nan_pair, ref=np.maximum, grad=False),
    OpInfo('minimum_nan', ember.minimum, _nan_pair, ref=np.minimum, grad=False),
    # ----------------------------------------------------------------- other binaries
    OpInfo('atan2', ember.atan2, _nonzero_pair, ref=np.arctan2, aliases=('arctan2',)),
    OpInfo('hypot', ember.hypot, _nonzero_pair, ref=np.hypot),
    OpInfo('lerp', ember.lerp, _lerp, ref=lambda a, b, w: a + w * (b - a), error_inputs=_err(
        ((np.zeros(2), np.zeros(2), Raw(ember.zeros(2, dtype=ember.float64))), RuntimeError,
         'expected dtype float for `weight` but got dtype double'),
        ((np.zeros(2), Raw(ember.zeros(2, dtype=ember.float64)), 0.5), RuntimeError,
         'expected dtype float for `end` but got dtype double'))),
    OpInfo('addcmul', ember.addcmul, lambda rng: _addc(rng, False),
           ref=lambda a, b, c, value=1: a + value * b * c),
    OpInfo('addcdiv', ember.addcdiv, lambda rng: _addc(rng, True),
           ref=lambda a, b, c, value=1: a + value * b / c),
    OpInfo('xlogy', ember.xlogy, _xlogy, ref=_np_xlogy),
    OpInfo('xlogy_zero', ember.xlogy, _xlogy_zero, ref=_np_xlogy, grad=False),
    # ------------------------------------------------ comparisons and logic (forward only)
    OpInfo('eq', ember.eq, _cmp_samples, ref=np.equal, grad=False),
    OpInfo('ne', ember.ne, _cmp_samples, ref=np.not_equal, grad=False, aliases=('not_equal',)),
    OpInfo('lt', ember.lt, _cmp_samples, ref=np.less, grad=False, aliases=('less',)),
    OpInfo('le', ember.le, _cmp_samples, ref=np.less_equal, grad=False, aliases=('less_equal',)),
    OpInfo('gt', ember.gt, _cmp_samples, ref=np.greater, grad=False, aliases=('greater',)),
    OpInfo('ge', ember.ge, _cmp_samples, ref=np.greater_equal, grad=False, aliases=('greater_equal',)),
    OpInfo('logical_and', ember.logical_and, _bool_pair, ref=np.logical_and, grad=False),
    OpInfo('logical_or', ember.logical_or, _bool_pair, ref=np.logical_or, grad=False),
    OpInfo('logical_xor', ember.logical_xor, _bool_pair, ref=np.logical_xor, grad=False),
    OpInfo('logical_and_float', ember.logical_and, _cmp_samples, ref=np.logical_and, grad=False),
    OpInfo('logical_not', ember.logical_not, _logical_not, ref=np.logical_not, grad=False),
    OpInfo('bitwise_and', ember.bitwise_and, _int_pair, ref=np.bitwise_and, grad=False, error_inputs=_err(
        ((np.zeros(2), np.zeros(2)), NotImplementedError, '"bitwise_and_cpu" not implemented for \'Float\''))),
    OpInfo('bitwise_or', ember.bitwise_or, _int_pair, ref=np.bitwise_or, grad=False),
    OpInfo('bitwise_xor', ember.bitwise_xor, _int_pair, ref=np.bitwise_xor, grad=False),
    OpInfo('bitwise_and_bool', ember.bitwise_and, _bool_pair, ref=np.bitwise_and, grad=False),
    OpInfo('bitwise_not', ember.bitwise_not, lambda rng: [Sample(rng.integers(-64, 64, (3, 4))),
                                                          Sample(rng.random(5) > 0.5)], ref=np.invert, grad=False,
           error_inputs=_err(((np.zeros(2),), NotImplementedError,
                              '"bitwise_not_cpu" not implemented for \'Float\''))),
    OpInfo('bitwise_left_shift', ember.bitwise_left_shift, _shift, ref=np.left_shift, grad=False),
    OpInfo('bitwise_right_shift', ember.bitwise_right_shift, _shift, ref=np.right_shift, grad=False),
    OpInfo('isclose', ember.isclose, _isclose, ref=np.isclose, grad=False, error_inputs=_err(
        ((np.zeros(2), Raw(ember.zeros(2, dtype=ember.float64))), RuntimeError, 'Float did not match Double'))),
    OpInfo('allclose', ember.allclose, _isclose, ref=np.allclose, grad=False),
    OpInfo('equal', ember.equal, lambda rng: [Sample(*[rng.integers(0, 2, (2, 3)).astype(np.float64)] * 2),
                                              Sample(np.ones((2, 3)), np.ones(3)), Sample(np.ones(3), np.zeros(3))],
           ref=lambda a, b: a.shape == b.shape and bool((a == b).all()), grad=False),
    OpInfo('complex', ember.complex, lambda rng: [Sample(rng.standard_normal((3, 4)), rng.standard_normal((3, 4))),
                                                  Sample(rng.standard_normal((3, 4)), rng.standard_normal(4))],
           ref=lambda a, b: a + 1j * b, grad=False),
    OpInfo('isnan', ember.isnan, _special, ref=np.isnan, grad=False),
    OpInfo('isinf', ember.isinf, _special, ref=np.isinf, grad=False),
    OpInfo('isposinf', ember.isposinf, _special, ref=np.isposinf, grad=False),
    OpInfo('isneginf', ember.isneginf, _special, ref=np.isneginf, grad=False),
    OpInfo('isfinite', ember.isfinite, _special, ref=np.isfinite, grad=False),
    OpInfo('isreal', ember.isreal, _special, ref=np.isreal, grad=False),
    OpInfo('signbit', ember.signbit, _special, ref=np.signbit, grad=False),
]
