"""Distribution API behaviour: argument validation and its errors, shapes and expand, constraints,
transforms and biject_to/transform_to, the KL registry; the private special functions."""
import math

import numpy as np
import pytest

import ember
import ember.distributions as D
from ember.distributions import constraints, transforms
from tests.distributions.cases import TRANSFORMS

f64 = ember.float64


def t(x):
    return ember.tensor(x, dtype=f64)


def test_invalid_parameter_raises_pytorchs_error():
    with pytest.raises(ValueError, match=r'^Expected parameter scale \(Tensor of shape \(1,\)\) of distribution '
                                         r'Normal\(loc: tensor\(\[0\.\]\), scale: tensor\(\[-1\.\]\)\) to satisfy the '
                                         r'constraint GreaterThan\(lower_bound=0\.0\), but found invalid values:\n'):
        D.Normal(ember.tensor([0.0]), ember.tensor([-1.0]))
    with pytest.raises(ValueError, match=r'^Expected parameter low .* LessThan\(upper_bound=0\.0\)'):
        D.Uniform(1.0, 0.0)
    with pytest.raises(ValueError, match='^Either `probs` or `logits` must be specified, but not both.$'):
        D.Bernoulli()
    with pytest.raises(ValueError, match='^`probs` parameter must be at least one-dimensional.$'):
        D.Categorical(ember.tensor(0.5))


def test_invalid_value_raises_and_validation_can_be_turned_off():
    d = D.Bernoulli(0.3)
    with pytest.raises(ValueError, match=r'^Expected value argument \(Tensor of shape \(\)\) to be within the support '
                                         r'\(Boolean\(\)\) of the distribution Bernoulli\(probs: 0\.30000001192092896'):
        d.log_prob(ember.tensor(0.5))
    with pytest.raises(ValueError, match='^The value argument to log_prob must be a Tensor$'):
        D.Normal(0.0, 1.0).log_prob(1.0)
    with pytest.raises(ValueError, match=r'^Value is not broadcastable with batch_shape\+event_shape: '
                                         r'ember.Size\(\[2\]\) vs ember.Size\(\[3\]\)\.$'):
        D.Normal(ember.zeros(3), 1.0).log_prob(ember.zeros(2))
    assert D.Normal(0.0, -1.0, validate_args=False).scale.item() == -1.0
    D.Distribution.set_default_validate_args(False)
    try:
        D.Normal(0.0, -1.0)
    finally:
        D.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        D.Distribution.set_default_validate_args('yes')


def test_shapes_and_expand():
    d = D.Normal(ember.zeros(2), 1.0)
    e = d.expand((3, 2))
    assert e.batch_shape == (3, 2) and e.sample().shape == (3, 2)
    assert isinstance(e.batch_shape, ember.Size)
    mvn_like = D.Independent(D.Normal(ember.zeros(4, 3), ember.ones(4, 3)), 1)
    assert mvn_like.batch_shape == (4,) and mvn_like.event_shape == (3,)
    assert mvn_like.log_prob(ember.zeros(4, 3)).shape == (4,)
    assert mvn_like.expand((2, 4)).sample().shape == (2, 4, 3)
    cat = D.Categorical(ember.ones(4, 3))
    assert cat.enumerate_support().shape == (3, 4) and cat.enumerate_support(False).shape == (3, 1)
    assert D.Gamma(t([1.0]), t([2.0])).expand((5,)).rsample().shape == (5,)
    assert D.Beta(2.0, 3.0).expand((2,)).mean.shape == (2,)
    for d in (D.Bernoulli(logits=ember.zeros(2)), D.Binomial(3, ember.ones(2) * 0.3),
              D.NegativeBinomial(2.0, logits=ember.zeros(2)), D.Categorical(ember.ones(2, 3)),
              D.ContinuousBernoulli(ember.ones(2) * 0.2), D.RelaxedBernoulli(ember.tensor(0.5), ember.ones(2) * 0.3),
              D.HalfNormal(ember.ones(2)), D.HalfCauchy(ember.ones(2)), D.Geometric(ember.ones(2) * 0.5)):
        if hasattr(type(d), "logits"):
            d.logits, d.probs   # both computed: expand carries both
        e = d.expand((4, 2))
        assert e.batch_shape == (4, 2) and e.sample().shape == (4, 2), type(d).__name__
        np.testing.assert_allclose(e.log_prob(e.sample()).shape, (4, 2))


def test_stddev_and_perplexity():
    d = D.Gamma(t([2.0]), t([4.0]))
    assert d.stddev.item() == pytest.approx(math.sqrt(2.0) / 4)
    assert d.perplexity().item() == pytest.approx(math.exp(d.entropy().item()))


def test_constraints_check_and_repr():
    assert constraints.positive.check(t([1.0, -1.0, 0.0])).tolist() == [True, False, False]
    assert constraints.simplex.check(t([[0.2, 0.8], [0.5, 0.6]])).tolist() == [True, False]
    assert constraints.integer_interval(0, 3).check(t([0.0, 2.5, 3.0, 4.0])).tolist() == [True, False, True, False]
    assert constraints.lower_cholesky.check(t([[1.0, 0.0], [2.0, 3.0]])).item()
    assert constraints.positive_definite.check(t([[2.0, 1.0], [1.0, 2.0]])).item()
    assert not constraints.positive_definite.check(t([[1.0, 2.0], [2.0, 1.0]])).item()
    assert repr(constraints.independent(constraints.real, 1)) == 'IndependentConstraint(Real(), 1)'
    assert repr(constraints.interval(0.0, 1.0)) == 'Interval(lower_bound=0.0, upper_bound=1.0)'
    assert constraints.is_dependent(constraints.dependent)
    with pytest.raises(ValueError, match='Cannot determine validity of dependent constraint'):
        constraints.dependent.check(t(1.0))


# y, log|det J| and x recovered from y are recorded with PyTorch (tests/distributions/record_reference.py)


@pytest.mark.parametrize('name, make, x', TRANSFORMS, ids=[n for n, _, _ in TRANSFORMS])
def test_transform_matches_pytorch(name, make, x):
    import json
    from pathlib import Path
    ref = json.loads((Path(__file__).resolve().parents[1] / 'fixtures' / 'distributions_reference.json').read_text())
    expected = ref['transforms'][name]
    tr = make(ember)
    xt = t(x)
    y = tr(xt)
    np.testing.assert_allclose(y.numpy(), expected['y'], rtol=1e-10, atol=1e-12)
    if expected['ladj'] is not None:
        np.testing.assert_allclose(tr.log_abs_det_jacobian(xt, y).numpy(), expected['ladj'], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(tr.inv(y).numpy(), expected['x_back'], rtol=1e-8, atol=1e-10)
    assert tuple(tr.forward_shape(xt.shape)) == tuple(y.shape)


def test_transform_cache_and_inverse_identity():
    tr = transforms.ExpTransform(cache_size=1)
    x = t([0.5])
    y = tr(x)
    assert tr.inv(y) is x
    assert tr.inv.inv is tr
    assert transforms.ExpTransform() == transforms.ExpTransform()
    with pytest.raises(ValueError, match='^cache_size must be 0 or 1$'):
        transforms.Transform(cache_size=2)


def test_biject_to_and_transform_to():
    assert isinstance(D.biject_to(constraints.simplex), transforms.StickBreakingTransform)
    assert isinstance(D.transform_to(constraints.simplex), transforms.SoftmaxTransform)
    assert isinstance(D.biject_to(constraints.unit_interval), transforms.SigmoidTransform)
    for c in (constraints.positive, constraints.interval(-1.0, 2.0), constraints.greater_than(3.0),
              constraints.less_than(-1.0), constraints.simplex, constraints.corr_cholesky):
        tr = D.biject_to(c)
        x = t([[0.3, -1.2, 2.0]])
        y = tr(x)
        assert bool(c.check(y).all()), c
        np.testing.assert_allclose(tr.inv(y).numpy(), x.numpy(), rtol=1e-9)
    with pytest.raises(NotImplementedError, match='^Cannot transform _Boolean constraints$'):
        D.biject_to(constraints.boolean)


def test_biject_to_lets_an_optimiser_fit_a_constrained_parameter():
    # Fit a Gamma's concentration on the positive reals through its unconstrained preimage.
    ember.manual_seed(0)
    data = D.Gamma(t([3.0]), t([1.0])).sample((2000,))
    u = ember.zeros(1, dtype=f64, requires_grad=True)
    opt = ember.optim.Adam([u], lr=0.05)
    to_positive = D.biject_to(D.Gamma.arg_constraints['concentration'])
    for _ in range(300):
        opt.zero_grad()
        loss = -D.Gamma(to_positive(u), t([1.0])).log_prob(data).mean()
        loss.backward()
        opt.step()
    assert to_positive(u).item() == pytest.approx(data.mean().item(), rel=0.1)


def test_kl_registry_dispatch_and_errors():
    class MyNormal(D.Normal):
        pass
    p, q = MyNormal(0.0, 1.0), D.Normal(1.0, 2.0)
    assert D.kl_divergence(p, q).item() == pytest.approx(D.kl_divergence(D.Normal(0.0, 1.0), q).item())

    @D.register_kl(MyNormal, D.Normal)
    def _kl_mine(p, q):
        return ember.tensor(-7.0)
    assert D.kl_divergence(p, q).item() == -7.0
    assert D.kl_divergence(D.Normal(0.0, 1.0), q).item() != -7.0
    with pytest.raises(NotImplementedError, match='No KL\\(p \\|\\| q\\) is implemented for p type Normal and '
                                                  'q type Cauchy'):
        D.kl_divergence(D.Normal(0.0, 1.0), D.Cauchy(0.0, 1.0))
    with pytest.raises(NotImplementedError, match='^The cross KL-divergence between different exponential families'):
        D.kl_divergence(D.Normal(0.0, 1.0), D.Poisson(1.0))
    # any class registers, as in PyTorch: pyro registers pairs with its Distribution mixin
    class Mixin:
        pass

    class Mixed(Mixin, D.Distribution):
        pass

    @D.register_kl(Mixin, D.Normal)
    def _kl_mixin(p, q):
        return ember.tensor(-3.0)
    assert D.kl_divergence(Mixed(), q).item() == -3.0
    with pytest.raises(TypeError, match='^issubclass\\(\\) arg 1 must be a class$'):
        D.register_kl(D.Normal, 'Normal')


def test_exponential_family_entropy_and_kl_by_bregman_divergence():
    # Poisson has no closed-form entropy; the Bregman route must agree with the registered KL elsewhere
    p, q = D.Gamma(t([2.0]), t([3.0])), D.Gamma(t([0.5]), t([1.0]))
    from ember.distributions.kl import _kl_expfamily_expfamily
    np.testing.assert_allclose(_kl_expfamily_expfamily(p, q).detach().numpy(), D.kl_divergence(p, q).numpy(), rtol=1e-9)
    np.testing.assert_allclose(D.ExponentialFamily.entropy(p).detach().numpy(), p.entropy().numpy(), rtol=1e-9)


def test_kl_gradients_flow():
    loc = t([0.5]).requires_grad_()
    D.kl_divergence(D.Normal(loc, 1.0), D.Normal(0.0, 1.0)).sum().backward()
    assert loc.grad.item() == pytest.approx(0.5)


def test_special_functions():
    from ember.distributions import _special as S
    x = np.array([0.1, 0.5, 1.0, 3.7, 12.0, 150.0])
    np.testing.assert_allclose(S.lgamma(t(x)).numpy(), [math.lgamma(v) for v in x], rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(S._np_lgamma(x), [math.lgamma(v) for v in x], rtol=1e-13, atol=1e-14)
    # P(1, x) = 1 - exp(-x); P(a, x) + Q(a, x) continuity across the series / continued-fraction switch
    np.testing.assert_allclose(S._np_gammainc(np.ones(3), np.array([0.1, 2.0, 9.0])),
                               1 - np.exp(-np.array([0.1, 2.0, 9.0])), rtol=1e-12)
    xt = t([0.3, 2.0, 7.0]).requires_grad_()
    assert ember.autograd.gradcheck(lambda v: S.gammainc(t([0.5, 2.0, 4.0]), v), (xt,))


def test_special_functions_without_scipy(monkeypatch):
    from ember.distributions import _special as S
    if S._sp is None:
        pytest.skip('already running without SciPy')
    x = np.array([0.1, 0.5, 1.0, 3.7, 12.0, 150.0, -2.5])
    a, z = np.array([0.5, 2.0, 30.0, 3.0]), np.array([0.2, 5.0, 25.0, 3.5])
    with_scipy = [S._np_lgamma(x), S._np_gammainc(a, z)]
    monkeypatch.setattr(S, '_sp', None)
    without = [S._np_lgamma(x), S._np_gammainc(a, z)]
    for p, q in zip(with_scipy, without):
        np.testing.assert_allclose(q, p, rtol=1e-10)


def test_multivariate_normal_gradients_through_the_cholesky_factor():
    from ember.linalg import cholesky, solve_triangular
    A = t([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]]).requires_grad_()
    sym_chol = lambda A: cholesky(0.5 * (A + A.mT))
    assert ember.autograd.gradcheck(sym_chol, (A,))
    assert ember.autograd.gradgradcheck(sym_chol, (A,))
    L = cholesky(A).detach().expand(2, 3, 3).clone().requires_grad_()
    B = t([[1.0, 2.0], [0.5, -1.0], [3.0, 0.1]]).requires_grad_()
    assert ember.autograd.gradcheck(lambda L, B: solve_triangular(L, B, upper=False), (L, B))
    cov = t([[2.0, 0.3], [0.3, 1.0]]).requires_grad_()
    loc = t([0.0, 1.0]).requires_grad_()
    d = D.MultivariateNormal(loc, cov)
    d.log_prob(t([[0.5, 0.5], [1.0, -1.0]])).sum().backward()
    # d/dloc log N(x; loc, S) = S^-1 (x - loc), summed over the two points
    S_inv = np.linalg.inv(cov.detach().numpy())
    expected = S_inv @ (np.array([0.5, 0.5]) - [0.0, 1.0]) + S_inv @ (np.array([1.0, -1.0]) - [0.0, 1.0])
    np.testing.assert_allclose(loc.grad.numpy(), expected, rtol=1e-10)
    assert cov.grad is not None
    x = D.MultivariateNormal(loc, scale_tril=t([[1.0, 0.0], [0.5, 2.0]])).rsample((3,))
    assert x.shape == (3, 2) and x.requires_grad
    with pytest.raises(ValueError, match='^Exactly one of covariance_matrix or precision_matrix or scale_tril may '
                                         'be specified.$'):
        D.MultivariateNormal(loc)


def test_lowrank_multivariate_normal_agrees_with_the_full_covariance():
    W = t([[1.0, 0.2], [0.3, -0.5], [0.0, 0.7]]).requires_grad_()
    diag = t([0.5, 1.0, 2.0])
    loc = t([0.0, 1.0, -1.0])
    low = D.LowRankMultivariateNormal(loc, W, diag)
    full = D.MultivariateNormal(loc, low.covariance_matrix)
    x = t([[0.3, 0.2, -0.5], [1.0, -1.0, 0.0]])
    np.testing.assert_allclose(low.log_prob(x).detach().numpy(), full.log_prob(x).detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(low.precision_matrix.detach().numpy(),
                               np.linalg.inv(low.covariance_matrix.detach().numpy()), rtol=1e-10, atol=1e-12)
    low.log_prob(x).sum().backward()
    assert W.grad is not None and W.grad.shape == (3, 2)
    with pytest.raises(ValueError, match='^cov_diag must be a batch of vectors with shape'):
        D.LowRankMultivariateNormal(loc, W, t([1.0, 2.0]))


def test_von_mises_log_prob_gradient_and_normalisation():
    kappa = t([0.5, 2.0, 10.0]).requires_grad_()
    d = D.VonMises(t([0.0, 1.0, -2.0]), kappa)
    x = t([0.3, 0.2, -1.5])
    d.log_prob(x).sum().backward()
    # d/dkappa = cos(x - loc) - I1(kappa) / I0(kappa) = cos(x - loc) - (1 - circular variance)
    expected = np.cos(x.numpy() - [0.0, 1.0, -2.0]) - (1 - d.variance.detach().numpy())
    np.testing.assert_allclose(kappa.grad.numpy(), expected, atol=1e-6)   # the Bessel approximation: ~1e-7
    grid = ember.linspace(-math.pi, math.pi, 20001, dtype=f64)[:-1].unsqueeze(-1)   # one period
    mass = d.log_prob(grid).exp().detach().numpy().mean(0) * 2 * math.pi
    np.testing.assert_allclose(mass, 1.0, rtol=1e-6)


def test_one_hot_straight_through_passes_the_probabilities_gradient():
    # rsample is a one-hot draw whose gradient is that of the probabilities (values recorded from PyTorch 2.13)
    logits = ember.tensor([[1.0, -1.0, 0.5], [0.0, 2.0, -3.0]], dtype=ember.float64, requires_grad=True)
    d = ember.distributions.OneHotCategoricalStraightThrough(logits=logits)
    ember.manual_seed(0)
    s = d.rsample((4,))
    (s * ember.tensor([1.0, 2.0, 3.0], dtype=ember.float64)).sum().backward()
    assert d.has_rsample and s.requires_grad
    assert s.detach().tolist() == [[[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]], [[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]],
                                   [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], [[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]]
    np.testing.assert_allclose(logits.grad.numpy(), [[-1.7776578916408519, 0.07020248233126791, 1.707455409309584],
                                                     [-0.4206264191782449, 0.39437017225197973, 0.02625624692626517]],
                               rtol=1e-13)
