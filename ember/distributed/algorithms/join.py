"""Join: training on uneven inputs, where some ranks run out of batches before others.

Every collective must be entered by every rank of its group, so a rank that has finished its data
cannot simply stop. Inside ``with Join([ddp, ...]):`` (or ``with ddp.join():``) a rank that leaves
the loop keeps answering the collectives the others still issue — the joinables' join hooks
shadow them — until every rank has joined; then the post-hooks run (DDP copies the final model
from a rank that joined last).

The protocol, per iteration of an active rank: its first joinable all-reduces a 1 (``notify_join_context``);
a joined rank all-reduces a 0 in the same place, so the sum is the number of ranks still active,
and the joined ranks run their main hooks while it is not zero.
"""
import warnings
from abc import ABC, abstractmethod
from collections import namedtuple

import ember
import ember.distributed as dist

__all__ = ['JoinHook', 'Joinable', 'Join']

_WARN_THRESHOLD = 1000


class JoinHook:
    """What a joined rank runs: ``main_hook()`` once per iteration other ranks still run (shadowing
    their collectives), ``post_hook(is_last_joiner)`` once all have joined."""

    def main_hook(self):
        """Shadow one training iteration's collectives."""

    def post_hook(self, is_last_joiner):
        """Runs once every rank has joined; ``is_last_joiner`` is True on the ranks that joined last."""


class _JoinConfig(namedtuple('_JoinConfig', ['enable', 'throw_on_early_termination', 'is_first_joinable'])):
    @staticmethod
    def construct_disabled_join_config():
        return _JoinConfig(enable=False, throw_on_early_termination=False, is_first_joinable=False)


class Joinable(ABC):
    """A class that can take part in a ``Join``: it gives a ``join_hook``, its ``join_device`` and
    ``join_process_group``, and calls ``Join.notify_join_context(self)`` once per iteration."""

    @abstractmethod
    def __init__(self):
        super().__init__()
        self._join_config = _JoinConfig.construct_disabled_join_config()

    @abstractmethod
    def join_hook(self, **kwargs):
        """The ``JoinHook`` of this joinable; ``kwargs`` are the ones given to ``Join``."""

    @property
    @abstractmethod
    def join_device(self):
        """The device the join context's own collectives use."""

    @property
    @abstractmethod
    def join_process_group(self):
        """The process group the joinable communicates in."""


class Join:
    """Context manager for uneven inputs: see the module docstring.

    >>> with Join([ddp_model]):                     # doctest: +SKIP
    ...     for x in my_batches:                    # ranks may have different numbers of batches
    ...         ddp_model(x).sum().backward()
    ...         optimizer.step()
    """

    def __init__(self, joinables, enable=True, throw_on_early_termination=False, **kwargs):
        if len(joinables) == 0:
            raise ValueError("The join context manager requires at least one joinable")
        self._joinables = joinables
        self._join_hooks = [joinable.join_hook(**kwargs) for joinable in joinables]
        self._enable = enable
        self._throw_on_early_termination = throw_on_early_termination
        for i, joinable in enumerate(joinables):
            joinable._join_config = _JoinConfig(enable=enable, throw_on_early_termination=throw_on_early_termination,
                                                is_first_joinable=i == 0)
        process_group = device = None
        for joinable in joinables:
            if process_group is None:
                process_group = joinable.join_process_group
            elif process_group != joinable.join_process_group:
                raise ValueError("Using join context manager with multiple process groups")
            if device is None:
                device = joinable.join_device
        self._process_group = process_group
        self._rank = dist.get_rank(process_group)
        self._device = device

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        try:
            if not self._enable or exc_type is not None:
                return            # an error inside the block propagates as it is
            self._join()
        finally:
            for joinable in self._joinables:
                joinable._join_config = _JoinConfig.construct_disabled_join_config()

    def _join(self):
        is_last_joiner = True
        iteration = 0
        while self._count_nonjoined() > 0:
            if iteration == _WARN_THRESHOLD + 1:
                warnings.warn(f"Detected uneven input skew of greater than {_WARN_THRESHOLD}. This means that rank "
                              f"{self._rank} has at least {_WARN_THRESHOLD} fewer inputs than other currently-active "
                              "ranks. This level of skew could lead to performance degradation during training.")
            if self._throw_on_early_termination:
                self._notify_procs_to_terminate()
            for hook in self._join_hooks:
                hook.main_hook()
            is_last_joiner = False
            iteration += 1
        for hook in self._join_hooks:
            hook.post_hook(is_last_joiner)

    def _count_nonjoined(self):
        count = ember.zeros(1, device=self._device)
        dist.all_reduce(count, group=self._process_group)
        return int(count.item())

    def _notify_procs_to_terminate(self):
        ones = ember.ones(1, device=self._device)
        dist.all_reduce(ones, group=self._process_group)
        raise RuntimeError(f"Rank {self._rank} exhausted all inputs.")

    @staticmethod
    def notify_join_context(joinable):
        """Called by an active rank's joinable once per iteration: counts this rank as not joined.
        Returns the all-reduce's ``Work`` for the first joinable of an enabled context (its
        ``result()[0]`` holds the number of active ranks), else None."""
        if not hasattr(joinable, '_join_config'):
            raise AssertionError(f"Check that the {type(joinable)} constructor calls the ``Joinable`` constructor")
        config = joinable._join_config
        if not config.is_first_joinable or not config.enable:
            return None
        group = joinable.join_process_group
        ones = ember.ones(1, device=joinable.join_device)
        work = dist.all_reduce(ones, group=group, async_op=True)
        if config.throw_on_early_termination:
            zeros = ember.zeros(1, device=joinable.join_device)
            dist.all_reduce(zeros, group=group)
            if zeros.item():
                raise RuntimeError("Detected at least one rank that exhausted inputs. Throwing across all ranks.")
        return work
