"""The distributions compared with PyTorch, written once for both libraries.

``cases(lib)`` builds each case with ``lib`` = ``torch`` (when recording) or ``ember`` (when
testing): a distribution, a value inside its support for ``log_prob``/``cdf`` and probabilities
for ``icdf``. Everything is float64 so the comparison is tight.
"""


def cases(lib):
    D = lib.distributions

    def t(x):
        return lib.tensor(x, dtype=lib.float64)

    q = t([0.1, 0.5, 0.9])
    pos = t([0.3, 1.7, 4.2])
    real = t([-1.3, 0.2, 2.5])
    unit = t([0.15, 0.5, 0.83])
    counts = t([0.0, 3.0, 7.0])
    simplex = t([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]])
    out = {
        'Normal': (D.Normal(t([0.0, 1.0, -2.0]), t([1.0, 0.5, 3.0])), real, q),
        'Normal_scalar': (D.Normal(0.5, 2.0), t(0.3), t(0.7)),
        'Bernoulli_probs': (D.Bernoulli(probs=t([0.1, 0.5, 0.8])), t([1.0, 0.0, 1.0]), None),
        'Bernoulli_logits': (D.Bernoulli(logits=t([-2.0, 0.0, 3.0])), t([0.0, 1.0, 1.0]), None),
        'Categorical': (D.Categorical(probs=t([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])), lib.tensor([2, 0]), None),
        'Categorical_logits': (D.Categorical(logits=t([[1.0, -1.0, 0.5], [0.0, 2.0, -3.0]])), lib.tensor([1, 2]), None),
        'OneHotCategorical': (D.OneHotCategorical(probs=t([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])),
                              t([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]), None),
        'OneHotCategoricalStraightThrough': (
            D.OneHotCategoricalStraightThrough(logits=t([[1.0, -1.0, 0.5], [0.0, 2.0, -3.0]])),
            t([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]), None),
        'Uniform': (D.Uniform(t([0.0, -1.0, 2.0]), t([1.0, 3.0, 10.0])), t([0.5, 0.0, 4.0]), q),
        'Beta': (D.Beta(t([0.5, 2.0, 5.0]), t([0.5, 3.0, 1.5])), unit, None),
        'Gamma': (D.Gamma(t([0.5, 2.0, 7.5]), t([1.0, 0.5, 3.0])), pos, None),
        'Exponential': (D.Exponential(t([0.5, 1.0, 4.0])), pos, q),
        'Laplace': (D.Laplace(t([0.0, 1.0, -2.0]), t([1.0, 0.5, 3.0])), real, q),
        'Dirichlet': (D.Dirichlet(t([[0.5, 1.0, 2.0], [3.0, 0.7, 1.2]])), simplex, None),
        'Binomial': (D.Binomial(10, probs=t([0.1, 0.5, 0.8])), counts, None),
        'Binomial_logits': (D.Binomial(t([5.0, 10.0, 20.0]), logits=t([-1.0, 0.3, 2.0])), counts, None),
        'Poisson': (D.Poisson(t([0.5, 3.0, 10.0])), counts, None),
        'Geometric': (D.Geometric(probs=t([0.1, 0.5, 0.9])), counts, None),
        'Cauchy': (D.Cauchy(t([0.0, 1.0, -2.0]), t([1.0, 0.5, 3.0])), real, q),
        'LogNormal': (D.LogNormal(t([0.0, 1.0, -0.5]), t([1.0, 0.5, 0.25])), pos, q),
        'Gumbel': (D.Gumbel(t([0.0, 1.0, -2.0]), t([1.0, 0.5, 3.0])), real, q),
        'StudentT': (D.StudentT(t([1.5, 3.0, 30.0]), t([0.0, 1.0, -2.0]), t([1.0, 0.5, 3.0])), real, None),
        'Chi2': (D.Chi2(t([1.0, 3.0, 10.0])), pos, None),
        'HalfNormal': (D.HalfNormal(t([1.0, 0.5, 3.0])), pos, q),
        'HalfCauchy': (D.HalfCauchy(t([1.0, 0.5, 3.0])), pos, q),
        'Independent': (D.Independent(D.Normal(t([[0.0, 1.0], [2.0, 3.0]]), t([[1.0, 2.0], [0.5, 1.5]])), 1),
                        t([[0.3, 0.2], [1.0, -1.0]]), None),
        'MixtureSameFamily': (D.MixtureSameFamily(D.Categorical(probs=t([0.2, 0.3, 0.5])),
                                                  D.Normal(t([-1.0, 0.0, 2.0]), t([0.5, 1.0, 1.5]))),
                              real, None),
        'RelaxedBernoulli': (D.RelaxedBernoulli(t(0.7), probs=t([0.1, 0.5, 0.8])), unit, None),
        'RelaxedOneHotCategorical': (D.RelaxedOneHotCategorical(t(0.5), probs=t([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])),
                                     simplex, None),
        'Multinomial': (D.Multinomial(10, probs=t([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])),
                        t([[1.0, 2.0, 7.0], [5.0, 5.0, 0.0]]), None),
        'NegativeBinomial': (D.NegativeBinomial(t([1.0, 4.5, 10.0]), probs=t([0.2, 0.5, 0.7])), counts, None),
        'Pareto': (D.Pareto(t([1.0, 0.5, 2.0]), t([0.8, 2.5, 5.0])), t([1.5, 0.9, 4.2]), q),
        'Weibull': (D.Weibull(t([1.0, 0.5, 2.0]), t([0.8, 2.5, 5.0])), pos, q),
        'Weibull_icdf': (D.Weibull(t([1.0, 0.5, 2.0]), t([0.8, 2.5, 5.0])), pos, None),
        'MultivariateNormal_cov': (D.MultivariateNormal(t([[0.0, 1.0, -1.0], [0.5, 0.5, 0.5]]),
                                                        t([[2.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 0.5]])),
                                   t([[0.3, 0.2, -0.5], [1.0, -1.0, 0.0]]), None),
        'MultivariateNormal_prec': (D.MultivariateNormal(t([0.0, 1.0]), precision_matrix=t([[2.0, 0.5], [0.5, 1.0]])),
                                    t([0.3, 0.2]), None),
        'MultivariateNormal_tril': (D.MultivariateNormal(t([0.0, 1.0]), scale_tril=t([[1.5, 0.0], [0.4, 0.7]])),
                                    t([[0.3, 0.2], [-2.0, 1.0]]), None),
        'Kumaraswamy': (D.Kumaraswamy(t([0.5, 2.0, 5.0]), t([0.7, 3.0, 1.5])), unit, q),
        'LogisticNormal': (D.LogisticNormal(t([0.0, 1.0]), t([1.0, 0.5])), t([0.2, 0.3, 0.5]), None),
        'FisherSnedecor': (D.FisherSnedecor(t([1.0, 3.0, 10.0]), t([2.0, 5.0, 30.0])), pos, None),
        'ContinuousBernoulli': (D.ContinuousBernoulli(t([0.1, 0.4995, 0.8])), unit, q),
        'ContinuousBernoulli_logits': (D.ContinuousBernoulli(logits=t([-2.0, 0.5, 3.0])), unit, q),
        'InverseGamma': (D.InverseGamma(t([0.5, 2.0, 7.5]), t([1.0, 0.5, 3.0])), pos, None),
        # float32: PyTorch 2.13's GeneralizedPareto.log_prob fails on float64 parameters
        'GeneralizedPareto': (D.GeneralizedPareto(lib.tensor([0.0, 0.1, -1.0]), lib.tensor([1.0, 2.0, 0.5]),
                                                  lib.tensor([0.0, 0.4, -0.2])),
                              lib.tensor([0.3, 1.7, 0.5]), q.float()),
        'LowRankMultivariateNormal': (D.LowRankMultivariateNormal(
            t([[0.0, 1.0, -1.0], [0.5, 0.5, 0.5]]), t([[1.0, 0.2], [0.3, -0.5], [0.0, 0.7]]), t([0.5, 1.0, 2.0])),
            t([[0.3, 0.2, -0.5], [1.0, -1.0, 0.0]]), None),
        'VonMises': (D.VonMises(t([0.0, 1.0, -2.0]), t([0.5, 2.0, 10.0])), real, None),
        'Wishart': (D.Wishart(t([4.0, 6.5]), covariance_matrix=t([[2.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 0.5]])),
                    t([[3.0, 0.5, 0.2], [0.5, 2.0, -0.1], [0.2, -0.1, 1.0]]), None),
        'Wishart_tril': (D.Wishart(t(3.0), scale_tril=t([[1.5, 0.0], [0.4, 0.7]])), t([[2.0, 0.3], [0.3, 1.0]]), None),
        'LKJCholesky': (D.LKJCholesky(3, t([0.5, 2.0])),
                        t([[1.0, 0.0, 0.0], [0.6, 0.8, 0.0], [-0.3, 0.2, (1 - 0.09 - 0.04) ** 0.5]]), None),
        'TransformedTanh': (D.TransformedDistribution(D.Normal(t([0.0, 1.0, -0.5]), t([1.0, 0.5, 2.0])),
                                                      [D.TanhTransform()]), t([0.1, 0.7, -0.9]), q),
        'TransformedAffineExp': (D.TransformedDistribution(
            D.Normal(t([0.0, 1.0, -0.5]), t([1.0, 0.5, 2.0])),
            [D.AffineTransform(t(1.0), t(-2.0)), D.ExpTransform()]), pos, q),
        'TransformedStickBreaking': (D.TransformedDistribution(
            D.Normal(t([[0.0, 1.0], [0.3, -0.5]]), t([[1.0, 0.5], [2.0, 0.7]])),
            [D.StickBreakingTransform()]), simplex, None),
    }
    return out


def kl_cases(lib):
    D = lib.distributions

    def t(x):
        return lib.tensor(x, dtype=lib.float64)

    n1 = D.Normal(t([0.0, 1.0]), t([1.0, 2.0]))
    n2 = D.Normal(t([0.5, -1.0]), t([0.5, 3.0]))
    return {
        'Normal_Normal': (n1, n2),
        'Bernoulli_Bernoulli': (D.Bernoulli(t([0.2, 0.7])), D.Bernoulli(t([0.5, 0.4]))),
        'Categorical_Categorical': (D.Categorical(t([[0.2, 0.8], [0.5, 0.5]])), D.Categorical(t([[0.6, 0.4], [0.1, 0.9]]))),
        'Beta_Beta': (D.Beta(t([0.5, 2.0]), t([1.5, 3.0])), D.Beta(t([2.0, 1.0]), t([1.0, 4.0]))),
        'Gamma_Gamma': (D.Gamma(t([0.5, 2.0]), t([1.5, 3.0])), D.Gamma(t([2.0, 1.0]), t([1.0, 4.0]))),
        'Dirichlet_Dirichlet': (D.Dirichlet(t([[0.5, 2.0, 1.0]])), D.Dirichlet(t([[1.0, 1.0, 3.0]]))),
        'Exponential_Exponential': (D.Exponential(t([0.5, 2.0])), D.Exponential(t([1.0, 4.0]))),
        'Laplace_Laplace': (D.Laplace(t([0.0, 1.0]), t([1.0, 2.0])), D.Laplace(t([0.5, -1.0]), t([0.5, 3.0]))),
        'Poisson_Poisson': (D.Poisson(t([0.5, 2.0])), D.Poisson(t([1.0, 4.0]))),
        'Geometric_Geometric': (D.Geometric(t([0.2, 0.7])), D.Geometric(t([0.5, 0.4]))),
        'Uniform_Uniform': (D.Uniform(t([0.0, 1.0]), t([1.0, 2.0])), D.Uniform(t([-1.0, 0.0]), t([2.0, 1.5]))),
        'Uniform_Normal': (D.Uniform(t([0.0, 1.0]), t([1.0, 2.0])), n2),
        'Cauchy_Cauchy': (D.Cauchy(t([0.0, 1.0]), t([1.0, 2.0])), D.Cauchy(t([0.5, -1.0]), t([0.5, 3.0]))),
        'Gumbel_Gumbel': (D.Gumbel(t([0.0, 1.0]), t([1.0, 2.0])), D.Gumbel(t([0.5, -1.0]), t([0.5, 3.0]))),
        'Normal_Laplace': (n1, D.Laplace(t([0.5, -1.0]), t([0.5, 3.0]))),
        'Normal_Gumbel': (n1, D.Gumbel(t([0.5, -1.0]), t([0.5, 3.0]))),
        'Exponential_Gamma': (D.Exponential(t([0.5, 2.0])), D.Gamma(t([2.0, 1.0]), t([1.0, 4.0]))),
        'Gamma_Normal': (D.Gamma(t([0.5, 2.0]), t([1.5, 3.0])), n2),
        'LogNormal_LogNormal': (D.LogNormal(t([0.0, 1.0]), t([1.0, 2.0])), D.LogNormal(t([0.5, -1.0]), t([0.5, 3.0]))),
        'Independent_Independent': (D.Independent(n1, 1), D.Independent(n2, 1)),
        'Binomial_Binomial': (D.Binomial(10, t([0.2, 0.7])), D.Binomial(10, t([0.5, 0.4]))),
        'HalfNormal_HalfNormal': (D.HalfNormal(t([1.0, 2.0])), D.HalfNormal(t([0.5, 3.0]))),
        'MultivariateNormal_MultivariateNormal': (
            D.MultivariateNormal(t([0.0, 1.0]), t([[2.0, 0.3], [0.3, 1.0]])),
            D.MultivariateNormal(t([[0.5, 0.0], [1.0, 1.0]]), scale_tril=t([[1.0, 0.0], [0.5, 2.0]]))),
        'Pareto_Pareto': (D.Pareto(t([1.0, 2.0]), t([1.0, 3.0])), D.Pareto(t([0.5, 1.0]), t([2.0, 1.5]))),
    }


FLOAT32_CASES = {'GeneralizedPareto'}

QUANTITIES = ('mean', 'variance', 'stddev', 'mode', 'entropy', 'log_prob', 'cdf', 'icdf', 'enumerate_support')


def evaluate(dist, value, probs, name):
    """The quantity ``name`` of ``dist`` as a nested list, or None where the library raises
    NotImplementedError for it."""
    try:
        if name in ('mean', 'variance', 'stddev', 'mode'):
            result = getattr(dist, name)
        elif name == 'entropy':
            result = dist.entropy()
        elif name == 'log_prob':
            result = dist.log_prob(value)
        elif name == 'cdf':
            result = dist.cdf(value)
        elif name == 'icdf':
            if probs is None:
                return None
            result = dist.icdf(probs)
        else:
            if not dist.has_enumerate_support:
                return None
            result = dist.enumerate_support()
    except NotImplementedError:
        return None
    return result.detach().tolist()


def sample_cases(lib):
    """Families whose PyTorch sampler reduces to ember's bit-identical random primitives:
    the same seed gives the same samples. float32, PyTorch's default."""
    D = lib.distributions
    t = lib.tensor
    return {
        'Normal': D.Normal(t([0.0, 1.0, -2.0]), t([1.0, 0.5, 3.0])),
        'Uniform': D.Uniform(t([0.0, -1.0]), t([1.0, 3.0])),
        'Exponential': D.Exponential(t([0.5, 4.0])),
        'Laplace': D.Laplace(t([0.0, 1.0]), t([1.0, 0.5])),
        'Cauchy': D.Cauchy(t([0.0, 1.0]), t([1.0, 0.5])),
        'Bernoulli': D.Bernoulli(t([0.1, 0.5, 0.8])),
        'Categorical': D.Categorical(t([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])),
        'OneHotCategorical': D.OneHotCategorical(t([0.1, 0.2, 0.7])),
        'Geometric': D.Geometric(t([0.1, 0.5, 0.9])),
        'Gumbel': D.Gumbel(t([0.0, 1.0]), t([1.0, 0.5])),
        'LogNormal': D.LogNormal(t([0.0, 1.0]), t([1.0, 0.5])),
        'HalfNormal': D.HalfNormal(t([1.0, 0.5])),
        'HalfCauchy': D.HalfCauchy(t([1.0, 0.5])),
        'Pareto': D.Pareto(t([1.0, 0.5]), t([2.0, 3.0])),
        'Weibull': D.Weibull(t([1.0, 0.5]), t([2.0, 3.0])),
        'RelaxedBernoulli': D.RelaxedBernoulli(t(0.5), t([0.2, 0.7])),
        'RelaxedOneHotCategorical': D.RelaxedOneHotCategorical(t(0.5), t([0.2, 0.3, 0.5])),
        'Independent': D.Independent(D.Normal(t([[0.0, 1.0]]), t([[1.0, 2.0]])), 1),
        'Multinomial': D.Multinomial(5, t([0.2, 0.3, 0.5])),
        'Kumaraswamy': D.Kumaraswamy(t([0.5, 2.0]), t([0.7, 3.0])),
        'VonMises': D.VonMises(t([0.0, 1.0, -2.0]), t([0.5, 2.0, 10.0])),
        'LowRankMultivariateNormal': D.LowRankMultivariateNormal(t([0.0, 1.0, -1.0]), t([[1.0], [0.3], [0.0]]),
                                                                 t([0.5, 1.0, 2.0])),
        'GeneralizedPareto': D.GeneralizedPareto(t([0.0, 0.1]), t([1.0, 2.0]), t([0.0, 0.4])),
        'LogisticNormal': D.LogisticNormal(t([0.0, 1.0]), t([1.0, 0.5])),
        'ContinuousBernoulli': D.ContinuousBernoulli(t([0.1, 0.4995, 0.8])),
        'MultivariateNormal': D.MultivariateNormal(t([[0.0, 1.0], [2.0, -1.0]]), scale_tril=t([[1.5, 0.0], [0.4, 0.7]])),
    }


def draw(lib, dist, seed=0, shape=(4,)):
    lib.manual_seed(seed)
    if dist.has_rsample:
        return dist.rsample(shape).detach().tolist()
    return dist.sample(shape).tolist()


# Transforms compared with PyTorch: (name, constructor given the library, an input x)
TRANSFORMS = [
    ('Exp', lambda L: L.distributions.ExpTransform(), [-1.0, 0.3, 2.0]),
    ('Sigmoid', lambda L: L.distributions.SigmoidTransform(), [-1.0, 0.3, 2.0]),
    ('Tanh', lambda L: L.distributions.TanhTransform(), [-1.0, 0.3, 2.0]),
    ('Softplus', lambda L: L.distributions.SoftplusTransform(), [-1.0, 0.3, 2.0]),
    ('Affine', lambda L: L.distributions.AffineTransform(1.5, -2.0), [-1.0, 0.3, 2.0]),
    ('Power', lambda L: L.distributions.PowerTransform(L.tensor(2.5, dtype=L.float64)), [0.5, 1.3, 2.0]),
    ('StickBreaking', lambda L: L.distributions.StickBreakingTransform(), [[-1.0, 0.3, 2.0]]),
    ('Compose', lambda L: L.distributions.ComposeTransform(
        [L.distributions.AffineTransform(0.5, 2.0), L.distributions.ExpTransform()]), [-1.0, 0.3, 2.0]),
    ('CorrCholesky', lambda L: L.distributions.CorrCholeskyTransform(), [[-1.0, 0.3, 2.0]]),
    ('LowerCholesky', lambda L: L.distributions.LowerCholeskyTransform(), [[-1.0, 0.3], [2.0, 0.5]]),
    ('Independent', lambda L: L.distributions.IndependentTransform(L.distributions.ExpTransform(), 1),
     [[-1.0, 0.3, 2.0]]),
    ('Abs', lambda L: L.distributions.AbsTransform(), [-1.0, 0.3, 2.0]),
    ('identity', lambda L: L.distributions.identity_transform, [-1.0, 0.3, 2.0]),
    ('Reshape', lambda L: L.distributions.ReshapeTransform((4,), (2, 2)), [[-1.0, 0.3, 2.0, 0.5]]),
    ('Cat', lambda L: L.distributions.CatTransform(
        [L.distributions.ExpTransform(), L.distributions.AffineTransform(1.0, 2.0)], dim=0, lengths=[2, 1]),
     [-1.0, 0.3, 2.0]),
    ('Stack', lambda L: L.distributions.StackTransform(
        [L.distributions.ExpTransform(), L.distributions.SigmoidTransform()], dim=0), [[-1.0, 0.3], [2.0, 0.5]]),
    ('PositiveDefinite', lambda L: L.distributions.PositiveDefiniteTransform(), [[-1.0, 0.3], [2.0, 0.5]]),
    ('CumulativeDistribution', lambda L: L.distributions.CumulativeDistributionTransform(
        L.distributions.Normal(L.tensor(0.5, dtype=L.float64), L.tensor(2.0, dtype=L.float64))), [-1.0, 0.3, 2.0]),
]
