"""Gamma distribution."""
from numbers import Number

import numpy as np

import ember
from ember._formats import _c_order
from ember.distributions import constraints
from ember.autograd.function import Primitive
from ember.distributions._reparam_grads import standard_gamma_grad
from ember.distributions._special import gammainc, lgamma, digamma
from ember.distributions.exp_family import ExponentialFamily
from ember.distributions.utils import broadcast_all

__all__ = ['Gamma']


class _StandardGamma(Primitive):
    """Draws Gamma(concentration, 1); the gradient is the implicit reparameterisation
    d x / d alpha = -(d CDF / d alpha) / density, which keeps the sample's quantile fixed, approximated
    as PyTorch approximates it (``ember._standard_gamma_grad``)."""
    node_name = 'StandardGammaBackward0'

    @staticmethod
    def forward(ctx, concentration, generator):
        # (a built-in op: ``concentration`` is its array, the draws are returned as one)
        from ember import backend
        from ember._random import serial
        from ember.ops.random import default_generator
        alpha = backend.to_numpy(concentration)
        # PyTorch's stream and rounding; a draw is at least the dtype's tiny, so log_prob stays finite
        gen = default_generator if generator is None else generator
        draws = serial.standard_gamma(gen, _c_order(np, alpha), alpha.dtype)    # (0-d stays 0-d)
        ctx.alpha, ctx.draws = alpha, draws.astype(alpha.dtype)
        return ctx.xp.asarray(ctx.draws)

    @staticmethod
    def backward(ctx, grad):
        dx = standard_gamma_grad(ctx.alpha, ctx.draws)
        return grad * ember.as_tensor(dx, dtype=grad.dtype, device=grad.device), None


def _standard_gamma(concentration, generator=None):
    return _StandardGamma.apply(concentration, generator)


class Gamma(ExponentialFamily):
    """Gamma distribution with shape ``concentration`` and ``rate`` (inverse scale).

    Example::

        >>> m = Gamma(ember.tensor([1.0]), ember.tensor([1.0]))
        >>> m.sample()  # Gamma distributed with concentration=1 and rate=1
        tensor([2.8824])
    """
    arg_constraints = {'concentration': constraints.positive, 'rate': constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _mean_carrier_measure = 0

    @property
    def mean(self):
        return self.concentration / self.rate

    @property
    def mode(self):
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self):
        return self.concentration / self.rate.pow(2)

    def __init__(self, concentration, rate, validate_args=None):
        self.concentration, self.rate = broadcast_all(concentration, rate)
        if isinstance(concentration, Number) and isinstance(rate, Number):
            batch_shape = ember.Size()
        else:
            batch_shape = self.concentration.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Gamma, _instance)
        batch_shape = ember.Size(batch_shape)
        new.concentration = self.concentration.expand(batch_shape)
        new.rate = self.rate.expand(batch_shape)
        super(Gamma, new).__init__(batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def rsample(self, sample_shape=ember.Size()):
        shape = self._extended_shape(sample_shape)
        value = _standard_gamma(self.concentration.expand(shape)) / self.rate.expand(shape)
        return value.clamp(min=ember.finfo(value.dtype).tiny)

    def log_prob(self, value):
        value = ember.as_tensor(value, dtype=self.rate.dtype, device=self.rate.device)
        if self._validate_args:
            self._validate_sample(value)
        return (ember.xlogy(self.concentration, self.rate) + ember.xlogy(self.concentration - 1, value)
                - self.rate * value - lgamma(self.concentration))

    def entropy(self):
        return (self.concentration - ember.log(self.rate) + lgamma(self.concentration)
                + (1.0 - self.concentration) * digamma(self.concentration))

    @property
    def _natural_params(self):
        return (self.concentration - 1, -self.rate)

    def _log_normalizer(self, x, y):
        return lgamma(x + 1) + (x + 1) * ember.log(-y.reciprocal())

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return gammainc(self.concentration, self.rate * value)
