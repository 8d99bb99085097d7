"""nn.utils.parametrizations.orthogonal: PyTorch's weights, gradients, assignments, repr and errors
(recorded by tests/fixtures/orthogonal/scenario.py), and the constraint holding through training."""
import json
import warnings

import numpy as np
import pytest

import ember
import ember.nn as nn
from ember.nn.utils import parametrize
from ember.nn.utils.parametrizations import orthogonal
from tests.fixtures.orthogonal.scenario import RECORDED, run


def _close(got, want):
    if isinstance(want, dict):
        assert got.keys() == want.keys()
        for k in want:
            _close(got[k], want[k])
    elif isinstance(want, list) and want and all(isinstance(v, (float, int)) for v in want):
        np.testing.assert_allclose(np.array(got, dtype=float), np.array(want, dtype=float), atol=1e-6)
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want)
        for g, w in zip(got, want):
            _close(g, w)
    else:
        assert got == want


@pytest.fixture(scope='module')
def results():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return run(ember)


def test_every_map_matches_pytorch_s_recorded_weights_gradients_and_assignments(results):
    with open(RECORDED) as f:
        want = json.load(f)
    _close(results, want)


def test_against_pytorch_live(results):
    torch = pytest.importorskip('torch')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        _close(results, run(torch))


@pytest.mark.parametrize('orth_map', ['matrix_exp', 'cayley', 'householder'])
@pytest.mark.parametrize('triv', [True, False])
def test_weight_stays_orthogonal_while_training(orth_map, triv):
    ember.manual_seed(0)
    m = orthogonal(nn.Linear(3, 5), orthogonal_map=orth_map, use_trivialization=triv)
    opt = ember.optim.SGD(m.parameters(), lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        m(ember.randn(4, 3)).pow(2).sum().backward()
        opt.step()
    Q = m.weight.detach()
    assert ember.allclose(Q.T @ Q, ember.eye(3), atol=1e-5)


def test_an_orthogonal_weight_is_kept_and_others_are_orthogonalised():
    Q = ember.linalg.qr(ember.randn(4, 4, dtype=ember.float64))[0]
    m = nn.Linear(4, 4).double()
    with ember.no_grad():
        m.weight.copy_(Q)
    orthogonal(m)
    assert ember.allclose(m.weight, Q)
    assert isinstance(m.parametrizations.weight[0].base, ember.Tensor)
    assert parametrize.is_parametrized(m, 'weight')


def test_bad_assignment_changes_nothing():
    m = orthogonal(nn.Linear(3, 3), use_trivialization=False)
    before = m.weight.detach().clone()
    with pytest.raises(NotImplementedError, match='when use_trivialization=False'):
        m.weight = ember.eye(3)
    assert ember.equal(m.weight.detach(), before)
