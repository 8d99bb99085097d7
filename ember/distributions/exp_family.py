"""ExponentialFamily: distributions of the form p(x) = h(x) exp(<t(x), theta> - F(theta))."""
import ember
from ember.distributions.distribution import Distribution

__all__ = ['ExponentialFamily']


class ExponentialFamily(Distribution):
    """Base class for exponential-family distributions, those of the form
    ``p(x) = h(x) exp(<t(x), theta> - F(theta))``. It gives ``entropy`` through the Bregman divergence of the
    log normaliser ``F`` when a subclass defines ``_natural_params``, ``_log_normalizer`` and
    ``_mean_carrier_measure``; ``isinstance(d, ExponentialFamily)`` tells such distributions.

    Example::

        >>> D = ember.distributions
        >>> isinstance(D.Normal(0., 1.), D.ExponentialFamily), isinstance(D.Uniform(0., 1.), D.ExponentialFamily)
        (True, False)
        >>> D.Exponential(ember.tensor(2.)).entropy()
        tensor(0.3069)
    """

    @property
    def _natural_params(self):
        raise NotImplementedError

    def _log_normalizer(self, *natural_params):
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self):
        raise NotImplementedError

    def entropy(self):
        # H = F(theta) - <theta, grad F(theta)> - E[log h(x)]
        result = -self._mean_carrier_measure
        nparams = [p.detach().requires_grad_() for p in self._natural_params]
        with ember.enable_grad():
            lg_normal = self._log_normalizer(*nparams)
            gradients = ember.autograd.grad(lg_normal.sum(), nparams, create_graph=True)
        result = result + lg_normal
        for np_, g in zip(nparams, gradients):
            result = result - (np_ * g).reshape(self._batch_shape + (-1,)).sum(-1)
        return result
