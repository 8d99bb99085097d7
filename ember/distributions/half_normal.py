"""Half-normal distribution: |X| for X ~ Normal(0, scale)."""
import math

from ember.distributions import constraints
from ember.distributions._folded import _Folded
from ember.distributions.normal import Normal

__all__ = ['HalfNormal']


class HalfNormal(_Folded):
    """``|X|`` for ``X ~ Normal(0, scale)``.

    Example::

        >>> m = HalfNormal(ember.tensor([1.0]))
        >>> m.sample()  # half-normal distributed with scale=1
        tensor([1.5410])
    """
    arg_constraints = {'scale': constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, scale, validate_args=None):
        super().__init__(Normal(0, scale, validate_args=False), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(HalfNormal, _instance)
        return super().expand(batch_shape, _instance=new)

    @property
    def mean(self):
        return self.scale * math.sqrt(2 / math.pi)

    @property
    def variance(self):
        return self.scale.pow(2) * (1 - 2 / math.pi)
