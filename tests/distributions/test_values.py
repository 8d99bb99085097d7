"""Every family's moments, entropy, log_prob, cdf, icdf and enumerate_support against PyTorch's
recorded values (and live against PyTorch when it is importable); KL divergences likewise."""
import json
import math
from pathlib import Path

import numpy as np
import pytest

import ember
from tests.distributions.cases import FLOAT32_CASES, QUANTITIES, cases, evaluate, kl_cases

REFERENCE = json.loads((Path(__file__).resolve().parents[1] / 'fixtures' / 'distributions_reference.json').read_text())
CASES = cases(ember)
# PyTorch 2.13's Kumaraswamy.mode swaps the concentrations in its formula and returns NaN for valid
# parameters; ember returns the true mode ((a - 1) / (a b - 1)) ** (1 / a), checked below instead.
DIFFERS_FROM_PYTORCH = {('Kumaraswamy', 'mode')}
KL_CASES = kl_cases(ember)


def _as_array(x):
    def conv(v):
        if isinstance(v, list):
            return [conv(u) for u in v]
        return float(v) if isinstance(v, str) else v
    return np.asarray(conv(x), dtype=np.float64)


def _check(actual, expected, what, rtol=1e-9, atol=1e-11):
    if expected is None:
        assert actual is None, f'{what}: PyTorch raises NotImplementedError, ember returned {actual}'
        return
    assert actual is not None, f'{what}: ember raises NotImplementedError'
    np.testing.assert_allclose(_as_array(actual), _as_array(expected), rtol=rtol, atol=atol,
                               equal_nan=True, err_msg=what)


def _tolerance(name):
    return dict(rtol=2e-6, atol=1e-6) if name in FLOAT32_CASES else {}


@pytest.mark.parametrize('quantity', QUANTITIES)
@pytest.mark.parametrize('name', sorted(CASES))
def test_matches_recorded(name, quantity):
    if (name, quantity) in DIFFERS_FROM_PYTORCH:
        pytest.skip('PyTorch has a bug here; see test_kumaraswamy_mode_is_the_density_maximum')
    dist, value, probs = CASES[name]
    _check(evaluate(dist, value, probs, quantity), REFERENCE['cases'][name][quantity], f'{name}.{quantity}',
           **_tolerance(name))


@pytest.mark.parametrize('name', sorted(KL_CASES))
def test_kl_matches_recorded(name):
    p, q = KL_CASES[name]
    _check(ember.distributions.kl_divergence(p, q).tolist(), REFERENCE['kl'][name], f'KL {name}')


def test_recorded_cases_are_the_current_cases():
    assert sorted(REFERENCE['cases']) == sorted(CASES)
    assert sorted(REFERENCE['kl']) == sorted(KL_CASES)


@pytest.mark.parametrize('name', sorted(CASES))
def test_matches_live_pytorch(name):
    torch = pytest.importorskip('torch')
    dist, value, probs = cases(torch)[name]
    mine, my_value, my_probs = CASES[name]
    for quantity in QUANTITIES:
        if (name, quantity) in DIFFERS_FROM_PYTORCH:
            continue
        expected = evaluate(dist, value, probs, quantity)
        if isinstance(expected, float) and math.isnan(expected):
            expected = 'nan'
        _check(evaluate(mine, my_value, my_probs, quantity), expected, f'{name}.{quantity}', **_tolerance(name))
    assert tuple(mine.batch_shape) == tuple(dist.batch_shape)
    assert tuple(mine.event_shape) == tuple(dist.event_shape)


def test_kumaraswamy_mode_is_the_density_maximum():
    d = ember.distributions.Kumaraswamy(ember.tensor([2.0, 5.0, 0.5], dtype=ember.float64),
                                        ember.tensor([3.0, 1.5, 2.0], dtype=ember.float64))
    grid = ember.linspace(1e-4, 1 - 1e-4, 20001, dtype=ember.float64).unsqueeze(-1)
    best = grid.squeeze(-1)[d.log_prob(grid).argmax(0)]
    mode = d.mode
    np.testing.assert_allclose(mode[:2].numpy(), best[:2].numpy(), atol=1e-4)
    assert math.isnan(mode[2].item())   # no interior mode when a concentration is below 1
