"""``ShardedGradScaler``: gradient scaling (``ember.amp.GradScaler``) for sharded gradients (FSDP), where
each rank holds a piece of every gradient: an inf or NaN found in any rank's pieces makes every rank skip
the step and lower the scale."""
import ember.distributed as dist
from ember.amp.grad_scaler import GradScaler

__all__ = ['ShardedGradScaler']


class ShardedGradScaler(GradScaler):
    """``GradScaler`` for models sharded by FSDP (``fully_shard`` or ``FullyShardedDataParallel``): the
    gradients are unscaled on each rank's pieces (float16 gradients allowed, as FSDP's mixed precision
    makes them), and whether any holds an inf or NaN is agreed over ``process_group`` (the default group
    when None) by an all-reduce.

    Example::

        >>> scaler = ShardedGradScaler(device='cpu')      # doctest: +SKIP
        >>> scaler.scale(loss).backward()                 # doctest: +SKIP
        >>> scaler.step(optimizer)                        # doctest: +SKIP
        >>> scaler.update()                               # doctest: +SKIP
    """

    def __init__(self, device='cuda', init_scale=2.0 ** 16, backoff_factor=0.5, growth_factor=2.0,
                 growth_interval=2000, enabled=True, process_group=None):
        super().__init__(device, init_scale=init_scale, backoff_factor=backoff_factor, growth_factor=growth_factor,
                         growth_interval=growth_interval, enabled=enabled)
        if self._enabled:
            self.process_group = process_group

    def _unscale_grads_(self, optimizer, inv_scale, found_inf, allow_fp16=True):
        # NOTE: each gradient is unscaled where it lies (a DTensor's on its local piece)
        return super()._unscale_grads_(optimizer, inv_scale, found_inf, True)

    def unscale_(self, optimizer):
        """Unscale this rank's gradient pieces, then agree with the other ranks on whether any held an inf or
        NaN (a collective: every rank calls it)."""
        if not self._enabled:
            return
        super().unscale_(optimizer)
        works = [dist.all_reduce(found_inf, async_op=True, group=self.process_group)
                 for found_inf in self._per_optimizer_states[id(optimizer)]['found_inf_per_device'].values()]
        for work in works:
            work.wait()
