"""Rows for ember/ops/pointwise.py."""
import numpy as np

import ember
from tests.opinfo import Const, ErrorInput, OpInfo, Raw, Sample


def _binary(rng):
    n = rng.standard_normal
    return [Sample(n((3, 4)), n((3, 4))), Sample(n((3, 4)), n((4,))), Sample(n((2, 3)), n(()))]


def _signs(rng):
    """Magnitudes away from 0 (copysign's kink), signs of both kinds."""
    a = rng.uniform(0.5, 2, (3, 4)) * rng.choice([-1.0, 1.0], (3, 4))
    return [Sample(a, Const(rng.standard_normal((3, 4)))), Sample(a, Const(rng.standard_normal((4,))))]


def _distinct(rng):
    a = rng.standard_normal((3, 4))
    return [Sample(a, Const(a + rng.choice([-1.0, 1.0], (3, 4))))]


def _ints(rng):
    return [Sample(Raw(ember.tensor(rng.integers(-30, 30, (3, 4)))), Raw(ember.tensor(rng.integers(1, 30, (4,)))))]


def _ldexp(rng):
    # (an integer exponent >= 0: PyTorch's input gradient for a negative one is 0, an integer power of 2, which
    # gradcheck's differences cannot agree with; tests/test_ldexp_gradients.py pins those)
    return [Sample(rng.standard_normal((3, 4)), Raw(ember.tensor(rng.integers(0, 4, (3, 4))))),
            Sample(rng.standard_normal((3, 4)), rng.integers(-3, 4, (4,)).astype(np.float64))]


def _float_errors(name):
    return lambda: [ErrorInput(Sample(Raw(ember.tensor([1, 2])), Raw(ember.tensor([1, 2]))), NotImplementedError,
                               f'"{name}_cpu" not implemented for \'Long\'')]


OPS = [
    OpInfo('copysign', ember.copysign, _signs, ref=np.copysign),
    OpInfo('heaviside', ember.heaviside, lambda rng: [Sample(np.array([-1.5, 0.0, 2.0, 0.0]), np.array([0.5]))],
           ref=np.heaviside, grad=False,
           error_inputs=lambda: [ErrorInput(Sample(Raw(ember.tensor([1, 0])), Raw(ember.tensor([0.5, 0.5]))),
                                            RuntimeError, 'heaviside is not yet implemented for tensors with '
                                            'different dtypes.')]),
    OpInfo('gcd', ember.gcd, _ints, ref=lambda a, b: np.gcd(a.numpy(), b.numpy()), grad=False,
           error_inputs=lambda: [ErrorInput(Sample(np.array([12.0]), np.array([8.0])), NotImplementedError,
                                            '"gcd_cpu" not implemented for \'Float\'')]),
    OpInfo('lcm', ember.lcm, _ints, ref=lambda a, b: np.lcm(a.numpy(), b.numpy()), grad=False),
    OpInfo('logaddexp', ember.logaddexp, _binary, ref=np.logaddexp, error_inputs=_float_errors('logaddexp')),
    OpInfo('logaddexp2', ember.logaddexp2, _binary, ref=np.logaddexp2, error_inputs=_float_errors('logaddexp2')),
    OpInfo('nextafter', ember.nextafter, _distinct, ref=np.nextafter, gradgrad=False, dtypes=('float64',)),
    OpInfo('ldexp', ember.ldexp, _ldexp,
           ref=lambda a, e: a * np.exp2(e.numpy() if isinstance(e, ember.Tensor) else e)),
    OpInfo('frexp', lambda x: ember.frexp(x).mantissa, lambda rng: [Sample(rng.standard_normal((3, 4)) * 10)],
           ref=lambda x: np.frexp(x)[0], called=ember.frexp),
    OpInfo('deg2rad', ember.deg2rad, lambda rng: [Sample(rng.standard_normal((3, 4)) * 90)], ref=np.deg2rad),
    OpInfo('rad2deg', ember.rad2deg, lambda rng: [Sample(rng.standard_normal((3, 4)))], ref=np.rad2deg),
    OpInfo('positive', ember.positive, lambda rng: [Sample(rng.standard_normal((3, 4)))], ref=np.positive, grad=False,  # the input itself: no node, as in PyTorch
           error_inputs=lambda: [ErrorInput(Sample(Raw(ember.tensor([True]))), RuntimeError,
                                            'The `+` operator, on a bool tensor is not supported.')]),
]
