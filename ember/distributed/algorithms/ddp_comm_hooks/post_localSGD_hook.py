"""Post-local SGD's DistributedDataParallel hook: gradients averaged over every rank for the first
``start_localSGD_iter`` steps, then only within a subgroup (or not at all); a model averager
(``PeriodicModelAverager``) brings the ranks' parameters back together after the optimizer steps."""
import logging

import ember.distributed as dist
from ember.distributed.algorithms.ddp_comm_hooks import default_hooks as default
from ember.futures import Future

__all__ = ['PostLocalSGDState', 'post_localSGD_hook']

logger = logging.getLogger(__name__)


class PostLocalSGDState:
    """The hook's state: gradients averaged over ``process_group`` (the default group when None) until
    step ``start_localSGD_iter``, then over ``subgroup`` (when None, the ranks of each machine, made at
    the first local step) if ``post_local_gradient_allreduce``, else not averaged."""

    __slots__ = ['process_group', 'subgroup', 'start_localSGD_iter', 'post_local_gradient_allreduce', 'iter']

    def __init__(self, process_group, subgroup, start_localSGD_iter, post_local_gradient_allreduce=True):
        logger.info("Local SGD will be started after %s iterations", start_localSGD_iter)
        self.process_group = process_group
        self.subgroup = subgroup
        self.start_localSGD_iter = start_localSGD_iter
        self.post_local_gradient_allreduce = post_local_gradient_allreduce
        self.iter = 0

    def maybe_increase_iter(self, bucket):
        """Count a step at each step's last bucket."""
        if bucket.is_last():
            self.iter += 1
        if self.iter == self.start_localSGD_iter:
            logger.info("Start to apply local SGD after %s iterations.", self.iter)


def post_localSGD_hook(state, bucket):
    """Average the bucket over every rank before ``state.start_localSGD_iter`` steps, over
    ``state.subgroup`` after (or leave it as it is without ``post_local_gradient_allreduce``).

    >>> state = PostLocalSGDState(process_group=None, subgroup=None, start_localSGD_iter=10)  # doctest: +SKIP
    >>> ddp_model.register_comm_hook(state, post_localSGD_hook)                               # doctest: +SKIP
    """
    global_group = state.process_group if state.process_group is not None else dist.group.WORLD
    tensor = bucket.buffer()
    if state.iter < state.start_localSGD_iter:
        state.maybe_increase_iter(bucket)
        return default._allreduce_fut(global_group, tensor)
    if not state.post_local_gradient_allreduce:
        fut = Future()
        fut.set_result(tensor)
        return fut
    if state.subgroup is None:
        state.subgroup, _ = dist.new_subgroups()
    return default._allreduce_fut(state.subgroup, tensor)
