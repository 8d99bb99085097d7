"""DistributedDataParallel: one model replica per process, gradients averaged across processes."""
from contextlib import contextmanager

import numpy as np

from ember import backend
from ember.autograd import grad_mode
from ember.distributed.algorithms.join import Join, JoinHook, Joinable, _JoinConfig
from ember.nn.modules.module import Module
from ember.nn.parallel._reducer import Reducer

_DEFAULT_BUCKET_CAP_MB = 25


class DistributedDataParallel(Module, Joinable):
    """Data parallelism across processes (PyTorch's ``torch.nn.parallel.DistributedDataParallel``).

    At construction every rank receives rank 0's parameters and buffers. During backward, gradients are
    averaged across the process group with bucketed all-reduces that start as soon as a bucket's
    gradients are ready, overlapping communication with the rest of backward. ``module`` is the wrapped
    model, so the state_dict keys are ``module.<name>`` as in PyTorch.

    ``find_unused_parameters=True`` finds, after each forward, the parameters the output does not
    depend on and reduces without waiting for them. ``broadcast_buffers`` (default True) copies rank
    0's buffers to every rank before each forward. Inside ``no_sync()`` gradients accumulate locally;
    the first backward outside it reduces the accumulated gradients. ``register_comm_hook`` replaces
    the averaging by a communication hook; ``join()`` trains on uneven inputs (ranks with different
    numbers of batches).

    >>> # after ember.distributed.init_process_group(...), in each process:
    >>> model = DistributedDataParallel(nn.Linear(4, 2))     # doctest: +SKIP
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=None, init_sync=True,
                 process_group=None, bucket_cap_mb=None, find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False, delay_all_reduce_named_params=None,
                 param_to_hook_all_reduce=None, mixed_precision=None, device_mesh=None,
                 skip_all_reduce_unused_params=False, bucket_cap_mb_list=None, batched_grad_copy=False,
                 forward_sync_buffers=None):
        super().__init__()
        self._join_config = _JoinConfig.construct_disabled_join_config()
        self._divide_by_initial_world_size = True
        import ember.distributed as dist
        for name, value, default in (
                ('gradient_as_bucket_view', gradient_as_bucket_view, False),
                ('delay_all_reduce_named_params', delay_all_reduce_named_params, None),
                ('param_to_hook_all_reduce', param_to_hook_all_reduce, None),
                ('mixed_precision', mixed_precision, None), ('device_mesh', device_mesh, None),
                ('skip_all_reduce_unused_params', skip_all_reduce_unused_params, False),
                ('bucket_cap_mb_list', bucket_cap_mb_list, None), ('batched_grad_copy', batched_grad_copy, False)):
            if value != default if not isinstance(value, (list, dict)) else value is not default:
                raise ValueError(f"DistributedDataParallel: {name}={value!r} is not supported by ember")
        pg = process_group if process_group is not None else dist.group.WORLD
        if pg is None:
            raise ValueError("Default process group has not been initialized, please make sure to call "
                             "init_process_group.")
        params = []
        for p in module.parameters():
            if p.requires_grad and all(p is not q for q in params):
                params.append(p)
        if not params:
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't have any parameter "
                               "that requires a gradient.")
        devices = {p.device for p in module.parameters()}
        if device_ids is not None and (len(devices) > 1 or next(iter(devices)).type == 'cpu'):
            raise ValueError("DistributedDataParallel device_ids and output_device arguments only work with "
                             "single-device/multiple-device GPU modules or CPU modules, but got device_ids "
                             f"{device_ids}, output_device {output_device}, and module parameters {devices}.")
        self.module = module
        self.device_ids = None if device_ids is None else list(device_ids)
        self.output_device = output_device
        self.dim = dim
        self.process_group = pg
        self.broadcast_buffers = True if broadcast_buffers is None else bool(broadcast_buffers)
        self.find_unused_parameters = find_unused_parameters
        self.static_graph = static_graph
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        self.bucket_bytes_cap = int((_DEFAULT_BUCKET_CAP_MB if bucket_cap_mb is None else bucket_cap_mb)
                                    * 1024 * 1024)
        self._module_buffers = [b for b in module.buffers()]
        self._verify_shapes(params)
        if init_sync:
            _broadcast_coalesced(params + self._module_buffers, pg)
        # NOTE: a static graph may leave parameters unused in every iteration, as PyTorch allows
        object.__setattr__(self, '_reducer', Reducer(params, pg, self.bucket_bytes_cap,
                                                     find_unused_parameters or static_graph))

    def _verify_shapes(self, params):
        import ember.distributed as dist
        mine = [(tuple(p.shape), str(p.dtype)) for p in params]
        everyone = [None] * dist.get_world_size(self.process_group)
        dist.all_gather_object(everyone, mine, group=self.process_group)
        for r, theirs in enumerate(everyone):
            if theirs != mine:
                raise RuntimeError(f"DistributedDataParallel: the parameters of rank {r} differ from this rank's "
                                   f"in number, shape or dtype ({len(theirs)} vs {len(mine)} parameters): every "
                                   "rank must build the same model")

    def forward(self, *inputs, **kwargs):
        reducer = self._reducer
        grad_sync = grad_mode.is_grad_enabled() and self.require_backward_grad_sync
        if grad_mode.is_grad_enabled():
            reducer.check_finished()
        joining = self._join_config.enable
        active = Join.notify_join_context(self) if joining else None
        if self.require_forward_param_sync and self.broadcast_buffers and self._module_buffers:
            # under join, rank 0 may have joined with stale buffers: the highest active rank's are used
            src = self._find_common_rank(True) if joining else 0
            _broadcast_coalesced(self._module_buffers, self.process_group, src)
        if joining:
            self._agree_on_grad_sync(grad_sync)
        if active is not None:
            count = int(active.result()[0].item())   # the ranks still training, this one included
            reducer.div_factor = None if self._divide_by_initial_world_size else count
        else:
            reducer.div_factor = None
        output = self.module(*inputs, **kwargs)
        if grad_sync:
            reducer.prepare(output)
        else:
            reducer.expect_hooks = False
        return output

    @contextmanager
    def no_sync(self):
        """Accumulate gradients locally: backward inside this context does not reduce them.

        >>> with ddp.no_sync():                        # doctest: +SKIP
        ...     ddp(x1).sum().backward()               # local accumulation
        >>> ddp(x2).sum().backward()                   # reduces the sum of both  # doctest: +SKIP
        """
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    # ------------------------------------------------------------------- uneven inputs (join)
    def join(self, divide_by_initial_world_size=True, enable=True, throw_on_early_termination=False):
        """Context manager for uneven inputs: a rank that runs out of batches keeps shadowing the
        collectives of the others until every rank is done, then all ranks take the model of a rank
        that finished last.

        ``divide_by_initial_world_size`` (default True): gradients are always divided by the full
        world size; False divides by the number of ranks still training. ``throw_on_early_termination``
        makes every rank raise as soon as one runs out of inputs.

        >>> with ddp.join():                            # doctest: +SKIP
        ...     for x in my_batches:                    # a different number of batches per rank
        ...         ddp(x).sum().backward()
        """
        return Join([self], enable, throw_on_early_termination,
                    divide_by_initial_world_size=divide_by_initial_world_size)

    def join_hook(self, **kwargs):
        """The hook a joined rank runs (``divide_by_initial_world_size`` as in ``join``)."""
        self._divide_by_initial_world_size = kwargs.get('divide_by_initial_world_size', True)
        return _DDPJoinHook(self)

    @property
    def join_device(self):
        return next(iter(self.module.parameters())).device

    @property
    def join_process_group(self):
        return self.process_group

    def _find_common_rank(self, condition):
        """The highest group rank for which ``condition`` holds on that rank (all ranks call this)."""
        import ember
        import ember.distributed as dist
        mine = ember.tensor([dist.get_rank(self.process_group) if condition else -1])
        dist.all_reduce(mine, op=dist.ReduceOp.MAX, group=self.process_group)
        return int(mine.item())

    def _agree_on_grad_sync(self, grad_sync):
        """Tell the joined ranks whether this iteration's backward reduces gradients (any active
        rank that does makes them shadow it); returns the answer."""
        import ember
        import ember.distributed as dist
        flag = ember.ones(1) if grad_sync else ember.zeros(1)
        dist.all_reduce(flag, group=self.process_group)
        return flag.item() != 0

    def register_comm_hook(self, state, hook):
        """Reduce each bucket of gradients with ``hook(state, bucket)`` instead of the built-in average.

        ``bucket`` is an ``ember.distributed.GradBucket`` (its ``buffer()`` holds the bucket's gradients,
        not yet averaged); the hook returns an ``ember.futures.Future`` whose value is the tensor to use
        as the bucket's synchronised gradients. Ready-made hooks are in
        ``ember.distributed.algorithms.ddp_comm_hooks`` (``default_hooks.allreduce_hook`` gives the
        built-in result; ``fp16_compress_hook``/``bf16_compress_hook`` halve the traffic). Can be
        called once, before the first backward.

        >>> from ember.distributed.algorithms.ddp_comm_hooks import default_hooks
        >>> ddp.register_comm_hook(None, default_hooks.fp16_compress_hook)      # doctest: +SKIP
        """
        import inspect
        import ember.distributed as dist
        from ember._tensor import Tensor
        from ember.futures import Future
        if not callable(hook):
            raise TypeError("Communication hook must be callable.")
        sig = inspect.signature(hook)
        if sig.parameters["bucket"].annotation not in (inspect.Parameter.empty, dist.GradBucket):
            raise ValueError("Communication hook: bucket annotation should be dist.GradBucket.")
        if sig.return_annotation not in (inspect.Signature.empty, Future[Tensor]):
            raise ValueError("Communication hook: return annotation should be torch.futures.Future[torch.Tensor].")
        if self._reducer.comm_hook is not None:
            raise RuntimeError("register_comm_hook or register_builtin_comm_hook can only be called once.")
        self._reducer.comm_hook = (hook, state)

    def __getstate__(self):
        raise TypeError("DistributedDataParallel cannot be pickled: save ddp.module (or its state_dict) instead")


class _DDPJoinHook(JoinHook):
    """A joined rank's side of DDP's collectives: the buffer broadcast, the agreement on gradient
    sync, and the backward reductions (of zeros); at the end, the final model from a last joiner."""

    def __init__(self, ddp):
        self.ddp = ddp

    def main_hook(self):
        ddp = self.ddp
        if ddp.require_forward_param_sync and ddp.broadcast_buffers and ddp._module_buffers:
            _broadcast_coalesced(ddp._module_buffers, ddp.process_group, ddp._find_common_rank(False))
        if ddp._agree_on_grad_sync(False):
            ddp._reducer.shadow_backward()

    def post_hook(self, is_last_joiner):
        ddp = self.ddp
        src = ddp._find_common_rank(is_last_joiner)
        params = []
        for p in ddp.module.parameters():
            if all(p is not q for q in params):
                params.append(p)
        _broadcast_coalesced(params + ddp._module_buffers, ddp.process_group, src)


def _broadcast_coalesced(tensors, pg, src=0):
    """Rank ``src``'s values of ``tensors`` to every rank, one broadcast per dtype and device."""
    import ember.distributed as dist
    from ember._tensor import Tensor
    groups = {}
    for t in tensors:
        groups.setdefault((t._data.dtype, str(t._device)), []).append(t)
    root = dist.get_global_rank(pg, src)
    for ts in groups.values():
        flat = np.concatenate([backend.to_numpy(t._data).reshape(-1) for t in ts])
        carrier = Tensor._make(flat)
        dist.broadcast(carrier, src=root, group=pg)
        offset = 0
        for t in ts:
            part = flat[offset:offset + t.numel()].reshape(t._data.shape)
            offset += t.numel()
            if isinstance(t._data, np.ndarray):
                np.copyto(t._data, part)
            else:
                backend.write_into(t._data, part, t._device)
            t._version_counter.value += 1
