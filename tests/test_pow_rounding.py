"""``tensor ** number`` rounds as PyTorch's CPU kernel: short float32/float64 tensors exactly as PyTorch
(element by element through the C library's pow), long float32 ones nearly always (recorded in
tests/fixtures/pow_scalar by its record.py)."""
import os

import numpy as np
import pytest

import ember
from tests.fixtures.pow_scalar.record import EXPONENTS, SIZES, SPECIAL_EXPONENTS, inputs, special_inputs

RESULTS = os.path.join(os.path.dirname(__file__), 'fixtures', 'pow_scalar', 'results.npz')


@pytest.fixture(scope='module')
def recorded():
    with np.load(RESULTS) as f:
        return dict(f)


@pytest.mark.parametrize('dtype, size', [(d, s) for d, sizes in SIZES.items() for s in sizes if s < 32])
def test_short_tensors_to_a_number_power_are_pytorchs_bits(recorded, dtype, size):
    x = ember.from_numpy(inputs(dtype, size))
    for i, e in enumerate(EXPONENTS):
        got = (x ** e).numpy()
        assert got.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(got, recorded[f'{dtype}_{size}_{i}'], err_msg=f'exponent {e}')


def test_long_float32_powers_are_pytorchs_on_nearly_every_element(recorded):
    x = ember.from_numpy(inputs('float32', 4096))
    for i, e in enumerate(EXPONENTS):
        got, want = (x ** e).numpy(), recorded[f'float32_4096_{i}']
        ulps = np.abs(got.view(np.int32).astype(np.int64) - want.view(np.int32).astype(np.int64))
        assert ulps.max() <= 1 and (ulps == 0).mean() > 0.95, (e, (ulps == 0).mean())


def test_an_adaptive_solvers_step_size_power_is_pytorchs():
    # torchdiffeq's initial step (0.01 / d) ** (1 / 5) on a 0-d float64 tensor: NumPy's vectorised pow is one
    # unit in the last place off here, which sent torchcde's adaptive solver along other steps
    got = ember.tensor(1.4960462672164207e-06, dtype=ember.float64) ** (1. / 5)
    with np.load(RESULTS) as f:
        assert got.item() == float(f['step']) == 0.0683894332920891


@pytest.mark.parametrize('dtype, size', [(d, s) for d, sizes in SIZES.items() for s in sizes])
@pytest.mark.parametrize('exponent', SPECIAL_EXPONENTS)
def test_cubes_inverse_squares_reciprocals_and_roots_round_as_pytorchs(recorded, dtype, size, exponent):
    # PyTorch computes these without pow: x * x * x (rounded twice), 1 / (x * x), 1 / x, sqrt(x), 1 / sqrt(x);
    # NumPy's pow rounds x ** 3 once, a unit in the last place away on a third of float32 inputs
    got = (ember.from_numpy(special_inputs(dtype, size, exponent)) ** exponent).numpy()
    np.testing.assert_array_equal(got, recorded[f'special_{dtype}_{size}_{exponent}'])


def test_special_values_and_gradients_keep_their_rules():
    x = ember.tensor([-8., 0., -0., float('inf'), float('nan'), 2.], dtype=ember.float64, requires_grad=True)
    y = x ** 0.2
    assert [repr(v) for v in y.tolist()][:5] == ['nan', '0.0', '0.0', 'inf', 'nan']
    y[5].backward()
    assert x.grad[5].item() == pytest.approx(0.2 * 2 ** -0.8, rel=1e-15)
