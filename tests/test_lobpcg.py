"""ember.lobpcg against PyTorch's recorded runs (tests/fixtures/lobpcg/scenario.py): with the same
seed both libraries draw the same initial block, so eigenpairs, the steps a tracker sees,
gradients and errors agree."""
import json

import numpy as np
import pytest

import ember
from tests.fixtures.lobpcg.scenario import RECORDED, run


def _close(got, want, key=''):
    if isinstance(want, dict):
        assert got.keys() == want.keys(), key
        for k in want:
            _close(got[k], want[k], f'{key}/{k}')
    elif isinstance(want, list) and want and all(isinstance(v, float) for v in want):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7, err_msg=key)
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), key
        for g, w in zip(got, want):
            _close(g, w, key)
    else:
        assert got == want, key


@pytest.fixture(scope='module')
def results():
    return run(ember)


def test_matches_pytorch_s_recorded_runs(results):
    with open(RECORDED) as f:
        _close(results, json.load(f))


def test_against_pytorch_live(results):
    torch = pytest.importorskip('torch')
    _close(results, run(torch))


def test_eigenpairs_satisfy_the_generalized_problem():
    ember.manual_seed(0)
    M = ember.randn(12, 12, dtype=ember.float64)
    A = M @ M.T + ember.eye(12, dtype=ember.float64)
    B = ember.diag(ember.linspace(1, 2, 12, dtype=ember.float64))
    E, X = ember.lobpcg(A, k=3, B=B, tol=1e-10)
    assert ember.allclose(A @ X, B @ X * E, atol=1e-7)
    L = ember.linalg.cholesky(B)
    Li = ember.linalg.inv(L)
    want = ember.linalg.eigvalsh(Li @ A @ Li.T).flip(0)[:3]
    assert ember.allclose(E, want, atol=1e-8)


def test_gradient_is_symmetric_and_float32_works():
    A = ember.randn(9, 9)
    A = (A @ A.T).requires_grad_()
    D, U = ember.lobpcg(A, k=2)
    (D.sum() + U.sum()).backward()
    assert ember.allclose(A.grad, A.grad.T, atol=1e-5)
    assert D.dtype == ember.float32
