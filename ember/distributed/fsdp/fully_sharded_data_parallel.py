"""``FullyShardedDataParallel``: the wrapper-module FSDP API. The wrapped module's parameters are sharded
on dim 0 (FULL_SHARD, SHARD_GRAD_OP) or kept whole (NO_SHARD); ``auto_wrap_policy`` wraps submodules
in FSDP modules of their own first. ember registers the original parameters (sharded, as DTensors)
under their own names, as PyTorch does with ``use_orig_params=True``; there is no FlatParameter."""
import contextlib

import ember
from ember.nn import Module
from ember.nn.modules.module import _IncompatibleKeys
from ember.distributed.fsdp import _fully_shard
from ember.distributed.fsdp._sharding import ReplicatedUnit, Unit, collect_params
from ember.distributed.fsdp.api import (BackwardPrefetch, CPUOffload, FullOptimStateDictConfig, FullStateDictConfig,
                                        MixedPrecision, ShardedOptimStateDictConfig, ShardedStateDictConfig,
                                        ShardingStrategy, StateDictSettings, StateDictType)
from ember.distributed.fsdp.wrap import recursive_wrap

__all__ = ['FullyShardedDataParallel']

_WRAPPED = '_fsdp_wrapped_module'
_DEFAULT_CONFIGS = {StateDictType.FULL_STATE_DICT: (FullStateDictConfig, FullOptimStateDictConfig),
                    StateDictType.SHARDED_STATE_DICT: (ShardedStateDictConfig, ShardedOptimStateDictConfig)}


def _mesh_for(process_group, device_mesh):
    import ember.distributed as dist
    from ember.distributed.device_mesh import DeviceMesh, init_device_mesh
    if device_mesh is not None:
        if device_mesh.ndim != 1:
            raise NotImplementedError("FullyShardedDataParallel: ember shards over a 1-D device mesh (HSDP is not "
                                      "supported)")
        return device_mesh
    if isinstance(process_group, tuple):
        raise NotImplementedError("FullyShardedDataParallel: a (shard, replicate) group pair is HSDP, which ember "
                                  "does not support")
    if not dist.is_initialized():
        dist.init_process_group()
    if process_group is None or process_group is dist.group.WORLD:
        return init_device_mesh('cpu', (dist.get_world_size(),))
    return DeviceMesh('cpu', dist.get_process_group_ranks(process_group), _groups=[process_group])


class FullyShardedDataParallel(Module):
    """Shards ``module``'s parameters, gradients and optimizer state over the ranks of ``process_group``.

    Args:
        module (Module): the module to wrap.
        process_group: the ranks to shard over (all by default).
        sharding_strategy (ShardingStrategy): FULL_SHARD (default), SHARD_GRAD_OP or NO_SHARD.
        cpu_offload (CPUOffload): accepted (ember's tensors live in CPU memory).
        auto_wrap_policy: wrap submodules first (``ember.distributed.fsdp.wrap``'s policies).
        backward_prefetch, forward_prefetch, limit_all_gathers: scheduling hints; ember gathers each
            module's parameters when its forward starts.
        mixed_precision (MixedPrecision): ``param_dtype``, ``reduce_dtype``, ``buffer_dtype``.
        ignored_modules, ignored_states: modules or parameters left whole and unmanaged.
        param_init_fn: called on the module when it has parameters on the meta device.
        sync_module_states (bool): broadcast rank 0's parameters and buffers first.
        use_orig_params (bool): ember always registers the original parameters (sharded).
        device_mesh: a 1-D mesh instead of ``process_group``.

    Example::

        >>> from ember.distributed.fsdp import FullyShardedDataParallel as FSDP
        >>> model = FSDP(model, auto_wrap_policy=policy)   # doctest: +SKIP
    """

    def __init__(self, module, process_group=None, sharding_strategy=None, cpu_offload=None, auto_wrap_policy=None,
                 backward_prefetch=BackwardPrefetch.BACKWARD_PRE, mixed_precision=None, ignored_modules=None,
                 param_init_fn=None, device_id=None, sync_module_states=False, forward_prefetch=False,
                 limit_all_gathers=True, use_orig_params=False, ignored_states=None, device_mesh=None):
        import ember.distributed as dist
        super().__init__()
        strategy = ShardingStrategy.FULL_SHARD if sharding_strategy is None else sharding_strategy
        if strategy in (ShardingStrategy.HYBRID_SHARD, ShardingStrategy._HYBRID_SHARD_ZERO2):
            raise NotImplementedError(f"FullyShardedDataParallel: {strategy} (HSDP) is not supported by ember")
        if cpu_offload is not None and not isinstance(cpu_offload, CPUOffload):
            raise TypeError(f"cpu_offload must be a CPUOffload, got {type(cpu_offload).__name__}")
        if device_id is not None and ember.device(device_id if not isinstance(device_id, int) else 'cpu').type != 'cpu':
            raise NotImplementedError("FullyShardedDataParallel: ember's FSDP runs on CPU tensors")
        mp = mixed_precision or MixedPrecision()
        if mp.keep_low_precision_grads:
            raise NotImplementedError("MixedPrecision(keep_low_precision_grads=True): ember's FSDP keeps gradients "
                                      "in the parameters' dtype")
        mesh = _mesh_for(process_group, device_mesh)
        ignored = set()
        for m in (ignored_modules or ()):
            ignored.update(id(p) for p in m.parameters())
        for s in (ignored_states or ()):
            ignored.update(id(p) for p in (s.parameters() if isinstance(s, Module) else [s]))
        if param_init_fn is not None and any(p.is_meta for p in module.parameters()):
            param_init_fn(module)
        if sync_module_states:
            with ember.no_grad():
                for t in list(module.parameters()) + list(module.buffers()):
                    dist.broadcast(t, src=int(mesh._ranks.reshape(-1)[0]), group=mesh.get_group(0))
        if auto_wrap_policy is not None:
            kwargs = dict(process_group=process_group, sharding_strategy=strategy, cpu_offload=cpu_offload,
                          backward_prefetch=backward_prefetch, mixed_precision=mixed_precision,
                          ignored_modules=ignored_modules, device_id=device_id, forward_prefetch=forward_prefetch,
                          limit_all_gathers=limit_all_gathers, use_orig_params=use_orig_params,
                          ignored_states=ignored_states, device_mesh=device_mesh)
            ignored_mods = set(ignored_modules or ())
            recursive_wrap(module, auto_wrap_policy, lambda m: FullyShardedDataParallel(m, **kwargs), ignored_mods,
                           only_wrap_children=True)
        if mp.buffer_dtype is not None:
            for owner in module.modules():
                for name, b in owner._buffers.items():
                    if b is not None and b.is_floating_point():
                        owner._buffers[name] = b.to(mp.buffer_dtype)
        self._fsdp_wrapped_module = module
        managed = set()
        for m in module.modules():
            if isinstance(m, FullyShardedDataParallel):
                managed.update(id(sp.sharded) for sp in m._fsdp_state.unit.params)
        params = collect_params(module, managed | ignored, lambda m: isinstance(m, FullyShardedDataParallel))
        if strategy is ShardingStrategy.NO_SHARD:
            unit = ReplicatedUnit(params, mesh.get_group(0), reduce_dtype=mp.reduce_dtype)
        else:
            unit = Unit(params, mesh, strategy is ShardingStrategy.FULL_SHARD, mp.param_dtype, mp.reduce_dtype)
        policy = _fully_shard.MixedPrecisionPolicy(mp.param_dtype, mp.reduce_dtype, None,
                                                   mp.cast_forward_inputs or mp.cast_root_forward_inputs)
        self._fsdp_state = _fully_shard._State(self, unit, policy)
        self.sharding_strategy = strategy
        self.process_group = mesh.get_group(0)
        self._device_mesh = mesh
        self._state_dict_type = StateDictType.FULL_STATE_DICT
        self._state_dict_config = FullStateDictConfig()
        self._optim_state_dict_config = FullOptimStateDictConfig()

    @property
    def module(self):
        """The wrapped module."""
        return self._fsdp_wrapped_module

    def __getattr__(self, name):
        # attributes of the wrapped module read through the wrapper, as PyTorch's FSDP forwards them
        try:
            return super().__getattr__(name)
        except AttributeError:
            if name == _WRAPPED:
                raise
            return getattr(self._fsdp_wrapped_module, name)

    def __getitem__(self, key):
        return self._fsdp_wrapped_module.__getitem__(key)

    def forward(self, *args, **kwargs):
        args, kwargs = _fully_shard._pre_forward(self, args, kwargs)
        out = self._fsdp_wrapped_module(*args, **kwargs)
        return _fully_shard._post_forward(self, args, kwargs, out)

    # ------------------------------------------------------------------ gradients
    @contextlib.contextmanager
    def no_sync(self):
        """Backward inside keeps gradients local (accumulating); the first backward after it reduces."""
        mods = FullyShardedDataParallel.fsdp_modules(self)
        for m in mods:
            m._fsdp_state.unit.sync = False
        try:
            yield
        finally:
            for m in mods:
                m._fsdp_state.unit.sync = True

    def clip_grad_norm_(self, max_norm, norm_type=2.0):
        """Scale every gradient so that their total norm (over all ranks' shards) is at most ``max_norm``;
        returns the total norm before clipping."""
        import ember.distributed as dist
        norm_type = float(norm_type)
        sharded, whole = [], []
        for m in FullyShardedDataParallel.fsdp_modules(self):
            target = whole if isinstance(m._fsdp_state.unit, ReplicatedUnit) else sharded
            target.extend(sp.sharded.grad for sp in m._fsdp_state.unit.params if sp.sharded.grad is not None)
        managed = {id(sp.sharded) for m in FullyShardedDataParallel.fsdp_modules(self)
                   for sp in m._fsdp_state.unit.params}
        whole.extend(p.grad for p in self.parameters() if id(p) not in managed and p.grad is not None)

        def local(grads):
            arrays = [abs(ember.from_numpy(_host(g)).double()) for g in grads]
            if not arrays:
                return ember.tensor(0.0, dtype=ember.float64)
            if norm_type == float('inf'):
                return ember.stack([a.max() for a in arrays]).max()
            return ember.stack([(a ** norm_type).sum() for a in arrays]).sum()

        part, rest = local(sharded), local(whole)
        if norm_type == float('inf'):
            dist.all_reduce(part, op=dist.ReduceOp.MAX, group=self.process_group)
            total = ember.maximum(part, rest)
        else:
            dist.all_reduce(part, group=self.process_group)
            total = (part + rest) ** (1.0 / norm_type)
        coef = float(max_norm) / (total.item() + 1e-6)
        if coef < 1:
            for g in sharded + whole:
                g._data = g._data * coef
        grads = sharded + whole
        return total.to(grads[0].dtype if grads else ember.get_default_dtype())

    # ------------------------------------------------------------------ the tree of FSDP modules
    @staticmethod
    def fsdp_modules(module, root_only=False):
        """The FSDP modules in ``module`` (itself included); only the outermost ones with ``root_only``."""
        mods = [m for m in module.modules() if isinstance(m, FullyShardedDataParallel)]
        if root_only:
            inner = {id(x) for m in mods for x in m.modules() if x is not m and isinstance(x, FullyShardedDataParallel)}
            mods = [m for m in mods if id(m) not in inner]
        return mods

    @staticmethod
    @contextlib.contextmanager
    def summon_full_params(module, recurse=True, writeback=True, rank0_only=False, offload_to_cpu=False,
                           with_grads=False):
        """Inside, the FSDP modules of ``module`` hold their whole parameters (gathered); on leaving,
        changes made to them are written back into the shards (``writeback``) and the shards return."""
        if rank0_only and writeback:
            raise NotImplementedError("writeback=True and rank0_only=True is not supported, as model parameter "
                                      "shapes will be different across ranks, and writing to them can lead to "
                                      "inconsistencies across ranks when the context is exited.")
        mods = FullyShardedDataParallel.fsdp_modules(module) if recurse else [module]
        units = [m._fsdp_state.unit for m in mods]
        was = [u.gathered for u in units]
        for u in units:
            u.unshard()
            if with_grads and not isinstance(u, ReplicatedUnit):
                for sp in u.params:
                    if sp.sharded.grad is not None:
                        sp.unsharded.grad = sp.sharded.grad.full_tensor()
        if rank0_only and ember.distributed.get_rank() != 0:   # the other ranks took part in the gathers only
            for u, gathered in zip(units, was):
                if not gathered:
                    u.reshard()
        try:
            yield
        finally:
            for u, gathered in zip(units, was):
                if isinstance(u, ReplicatedUnit):
                    continue
                if writeback:
                    for sp in u.params:
                        spec = sp.sharded._spec
                        local = _cut(sp.unsharded, spec)
                        sp.sharded._data[...] = local
                if with_grads:
                    for sp in u.params:
                        sp.unsharded.grad = None
                if not gathered:
                    u.reshard()

    # ------------------------------------------------------------------ state dicts
    @staticmethod
    def set_state_dict_type(module, state_dict_type, state_dict_config=None, optim_state_dict_config=None):
        """Set what ``state_dict()`` of every FSDP module in ``module`` holds; returns the previous settings."""
        if state_dict_type is StateDictType.LOCAL_STATE_DICT:
            raise NotImplementedError("StateDictType.LOCAL_STATE_DICT is not supported by ember's FSDP (use "
                                      "SHARDED_STATE_DICT)")
        sd_cls, osd_cls = _DEFAULT_CONFIGS[state_dict_type]
        mods = FullyShardedDataParallel.fsdp_modules(module)
        prev = None
        if mods:
            m0 = mods[0]
            prev = StateDictSettings(m0._state_dict_type, m0._state_dict_config, m0._optim_state_dict_config)
        for m in mods:
            m._state_dict_type = state_dict_type
            m._state_dict_config = state_dict_config or sd_cls()
            m._optim_state_dict_config = optim_state_dict_config or osd_cls()
        return prev

    @staticmethod
    @contextlib.contextmanager
    def state_dict_type(module, state_dict_type, state_dict_config=None, optim_state_dict_config=None):
        """Within, ``state_dict()`` of the FSDP modules in ``module`` is of ``state_dict_type``."""
        prev = FullyShardedDataParallel.set_state_dict_type(module, state_dict_type, state_dict_config,
                                                            optim_state_dict_config)
        try:
            yield
        finally:
            if prev is not None:
                FullyShardedDataParallel.set_state_dict_type(module, prev.state_dict_type, prev.state_dict_config,
                                                             prev.optim_state_dict_config)

    def state_dict(self, *args, destination=None, prefix='', keep_vars=False):
        """The wrapped module's state under its own names (no ``_fsdp_wrapped_module.``): whole tensors
        (FULL_STATE_DICT, the default; empty on ranks other than 0 with ``rank0_only``) or DTensor shards
        (SHARDED_STATE_DICT)."""
        import ember.distributed as dist
        full = self._state_dict_type is StateDictType.FULL_STATE_DICT
        out = {} if destination is None else destination
        for k, v in _named_state(self):
            if full and hasattr(v, '_spec'):
                v = v.full_tensor()
            out[prefix + k] = v if keep_vars else v.detach()
        if full and getattr(self._state_dict_config, 'rank0_only', False) and dist.get_rank() != 0:
            out.clear()
        return out

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Load a state dict made by ``state_dict()`` (whole tensors or DTensor shards) into the shards."""
        by_clean = dict(_named_state(self))
        missing = [k for k in by_clean if k not in state_dict]
        unexpected = [k for k in state_dict if k not in by_clean]
        if strict and (missing or unexpected):
            parts = []
            if unexpected:
                parts.append('Unexpected key(s) in state_dict: ' + ', '.join(f'"{k}"' for k in unexpected) + '. ')
            if missing:
                parts.append('Missing key(s) in state_dict: ' + ', '.join(f'"{k}"' for k in missing) + '. ')
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t" + '\n\t'.join(parts))
        with ember.no_grad():
            for k, target in by_clean.items():
                if k not in state_dict:
                    continue
                value = state_dict[k]
                if hasattr(target, '_spec'):
                    local = _host_array(value.to_local()) if hasattr(value, '_spec') else _cut(value, target._spec)
                    target._data[...] = local
                else:
                    target.copy_(value)
        return _IncompatibleKeys(missing, unexpected)

    @staticmethod
    def optim_state_dict(model, optim, optim_state_dict=None, group=None):
        """The optimizer's state keyed by parameter name: whole tensors under FULL_STATE_DICT, DTensor
        shards under SHARDED_STATE_DICT."""
        from ember.distributed.checkpoint.state_dict import StateDictOptions, get_optimizer_state_dict
        mods = FullyShardedDataParallel.fsdp_modules(model)
        full = not mods or mods[0]._state_dict_type is StateDictType.FULL_STATE_DICT
        return get_optimizer_state_dict(model, optim, options=StateDictOptions(full_state_dict=full))

    @staticmethod
    def optim_state_dict_to_load(model, optim, optim_state_dict, is_named_optimizer=False, load_directly=False,
                                 group=None):
        """``optim_state_dict`` (from ``optim_state_dict``) as ``optim.load_state_dict`` takes it."""
        from ember.distributed.checkpoint.state_dict import _optimizer_state_to_load
        osd = _optimizer_state_to_load(model, optim, optim_state_dict)
        if load_directly:
            optim.load_state_dict(osd)
        return osd


def _clean(key):
    return key.replace(_WRAPPED + '.', '')


def _named_state(root):
    """(name without the wrappers' parts, tensor) for every parameter and persistent buffer, the tensors
    themselves (the FSDP modules inside are walked, not asked for their own state dicts)."""
    for mod_name, m in root.named_modules():
        base = _clean(mod_name + '.') if mod_name else ''
        for name, p in m._parameters.items():
            if p is not None:
                yield base + name, p
        for name, b in m._buffers.items():
            if b is not None and name not in m._non_persistent_buffers_set:
                yield base + name, b


def _host_array(t):
    import numpy as np
    data = t._data
    return data if isinstance(data, np.ndarray) else ember.backend.to_numpy(data)


def _cut(value, spec):
    from ember.distributed.tensor._layout import cut
    return cut(_host_array(value), spec.shape, spec.mesh.shape, spec.placements, spec.coord())


def _host(t):
    return _host_array(t.to_local() if hasattr(t, '_spec') else t)
