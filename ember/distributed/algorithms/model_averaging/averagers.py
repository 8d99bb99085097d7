"""Model averagers: when to average the ranks' parameters."""
import warnings
from abc import ABC, abstractmethod

import ember.distributed as dist
from ember.distributed.algorithms.model_averaging import utils

__all__ = ['ModelAverager', 'PeriodicModelAverager']


class ModelAverager(ABC):
    """Base class of the model averagers: ``process_group`` (the default group when None) and the
    ``step`` counter."""

    def __init__(self, process_group=None):
        self.process_group = process_group if process_group is not None else dist.group.WORLD
        if self.process_group is None:
            raise ValueError("ModelAverager: initialise the default process group first (init_process_group)")
        self.step = 0

    @abstractmethod
    def average_parameters(self, params):
        raise NotImplementedError


class PeriodicModelAverager(ModelAverager):
    """Average the parameters every ``period`` calls of ``average_parameters``, once ``warmup_steps``
    calls have passed (during warm-up, DistributedDataParallel's gradient averaging keeps the ranks
    equal). Call it after each ``optimizer.step()``.

    Example::

        >>> averager = PeriodicModelAverager(period=4, warmup_steps=100)   # doctest: +SKIP
        >>> for step in range(200):                                         # doctest: +SKIP
        ...     optimizer.zero_grad()
        ...     loss_fn(model(x), y).backward()
        ...     optimizer.step()
        ...     averager.average_parameters(model.parameters())
    """

    def __init__(self, period, warmup_steps=0, process_group=None):
        super().__init__(process_group)
        if warmup_steps < 0:
            raise ValueError("Arg ``warmup_steps`` must be a non-negative number.")
        self.warmup_steps = warmup_steps
        if period < 1:
            raise ValueError("Arg ``period`` must be a positive value.")
        if period == 1:
            warnings.warn("When period is 1, no need to use model averaging because the communication cost of "
                          "all-reducing parameters will be no less than the cost of all-reducing gradients by "
                          "DistributedDataParallel in the backward pass. Therefore, only DistributedDataParallel "
                          "should be used for this case.", stacklevel=2)
        self.period = period

    def average_parameters(self, params):
        """Average ``params`` (parameters or an optimizer's parameter groups; those with a gradient) when
        this step is due, and count the step."""
        if self.step >= self.warmup_steps and (self.step - self.warmup_steps) % self.period == 0:
            utils.average_parameters_or_parameter_groups(params, self.process_group)
        self.step += 1
