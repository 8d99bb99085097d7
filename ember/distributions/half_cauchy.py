"""Half-Cauchy distribution: |X| for X ~ Cauchy(0, scale)."""
import math

import ember
from ember.distributions import constraints
from ember.distributions._folded import _Folded
from ember.distributions.cauchy import Cauchy

__all__ = ['HalfCauchy']


class HalfCauchy(_Folded):
    """``|X|`` for ``X ~ Cauchy(0, scale)``.

    Example::

        >>> m = HalfCauchy(ember.tensor([1.0]))
        >>> m.sample()  # half-cauchy distributed with scale=1
        tensor([10.5977])
    """
    arg_constraints = {'scale': constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, scale, validate_args=None):
        super().__init__(Cauchy(0, scale, validate_args=False), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(HalfCauchy, _instance)
        return super().expand(batch_shape, _instance=new)

    @property
    def mean(self):
        return ember.full(self._extended_shape(), math.inf, dtype=self.scale.dtype, device=self.scale.device)

    @property
    def variance(self):
        return self.base_dist.variance
