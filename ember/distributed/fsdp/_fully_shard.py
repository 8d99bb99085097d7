"""FSDP2: ``fully_shard(module)`` shards the module's parameters on dim 0 (each becomes a DTensor) and
turns the module into an ``FSDPModule``: its forward gathers them whole, and its backward averages the
gradients over the ranks into each rank's shard. Apply it to submodules first, then to the root."""
from dataclasses import dataclass

import ember
from ember.distributed.fsdp._sharding import Iteration, Unit, collect_params

__all__ = ['fully_shard', 'FSDPModule', 'MixedPrecisionPolicy', 'OffloadPolicy', 'CPUOffloadPolicy']


@dataclass(frozen=True)
class MixedPrecisionPolicy:
    """Dtypes for FSDP: ``param_dtype`` (the gathered parameters the forward computes with),
    ``reduce_dtype`` (the gradient reduction), ``output_dtype`` (the module's floating outputs),
    ``cast_forward_inputs`` (cast floating inputs to ``param_dtype``)."""
    param_dtype: object = None
    reduce_dtype: object = None
    output_dtype: object = None
    cast_forward_inputs: bool = True


@dataclass
class OffloadPolicy:
    """No offloading: sharded parameters stay on their device."""


@dataclass
class CPUOffloadPolicy(OffloadPolicy):
    """Keep sharded parameters and their gradients in CPU memory (ember's CPU tensors already are);
    ``pin_memory`` has no meaning without a GPU."""
    pin_memory: bool = True


class _State:
    """The FSDP state of one module: its unit and whether it is the root of a forward."""

    def __init__(self, module, unit, mp_policy):
        self.module, self.unit, self.mp_policy = module, unit, mp_policy
        self.is_root_now = False


_active = {'root': None, 'iteration': None}


def _cast_tree(obj, dtype):
    if isinstance(obj, ember.Tensor) and obj.is_floating_point():
        return obj.to(dtype)
    if isinstance(obj, (list, tuple)):
        return type(obj)(_cast_tree(o, dtype) for o in obj)
    if isinstance(obj, dict):
        return {k: _cast_tree(v, dtype) for k, v in obj.items()}
    return obj


def _pre_forward(module, args, kwargs):
    state = module._fsdp_state
    if _active['root'] is None:
        _active['root'] = state
        _active['iteration'] = Iteration()
        state.is_root_now = True
    state.unit.unshard(_active['iteration'])
    mp = state.mp_policy
    if mp.param_dtype is not None and mp.cast_forward_inputs:
        args, kwargs = _cast_tree(args, mp.param_dtype), _cast_tree(kwargs, mp.param_dtype)
    return args, kwargs


def _post_forward(module, args, kwargs, output):
    state = module._fsdp_state
    if state.unit.reshard_after_forward:
        state.unit.reshard()
    if state.mp_policy.output_dtype is not None:
        output = _cast_tree(output, state.mp_policy.output_dtype)
    if state.is_root_now:
        state.is_root_now = False
        iteration = _active['iteration']
        _active['root'] = _active['iteration'] = None
        iteration.skip_unreachable(output)
    return output


class FSDPModule:
    """What ``fully_shard`` makes of a module (a class mixed into the module's own)."""

    def _fsdp_modules(self, recurse):
        mods = [m for m in self.modules() if isinstance(m, FSDPModule)] if recurse else [self]
        return mods

    def unshard(self, async_op=False):
        """Gather this module's parameters whole now (before its forward would)."""
        self._fsdp_state.unit.unshard()
        return _Done() if async_op else None

    def reshard(self):
        """Release the whole parameters; the sharded ones are registered again."""
        self._fsdp_state.unit.reshard()

    def set_requires_gradient_sync(self, requires_gradient_sync, *, recurse=True):
        """With False, backward keeps whole gradients locally (accumulating) instead of reducing them; the
        first backward with True reduces everything kept."""
        for m in self._fsdp_modules(recurse):
            m._fsdp_state.unit.sync = bool(requires_gradient_sync)

    def set_reshard_after_backward(self, reshard_after_backward, *, recurse=True):
        """Whether backward's end registers the sharded parameters again."""
        for m in self._fsdp_modules(recurse):
            m._fsdp_state.unit.reshard_after_backward = bool(reshard_after_backward)

    def set_reshard_after_forward(self, reshard_after_forward, recurse=True):
        """Whether the forward's end registers the sharded parameters again (else backward's end does)."""
        for m in self._fsdp_modules(recurse):
            m._fsdp_state.unit.reshard_after_forward = bool(reshard_after_forward)

    def set_is_last_backward(self, is_last_backward):
        """Accepted for PyTorch's API: ember reduces each backward's gradients as it ends anyway."""
        self._fsdp_is_last_backward = bool(is_last_backward)


class _Done:
    def wait(self):
        return None


_CLASSES = {}


def _fsdp_class(cls):
    if cls not in _CLASSES:
        _CLASSES[cls] = type(f'FSDP{cls.__name__}', (FSDPModule, cls), {})
    return _CLASSES[cls]


def fully_shard(module, *, mesh=None, reshard_after_forward=True, shard_placement_fn=None,
                mp_policy=MixedPrecisionPolicy(), offload_policy=OffloadPolicy(), ignored_params=None):
    """Shard ``module``'s parameters (those not already managed by an inner ``fully_shard``) on dim 0 over
    ``mesh`` (a 1-D device mesh; all ranks by default) and make ``module`` an ``FSDPModule``. On a 2-D
    ``(replicate, shard)`` mesh (hybrid sharding, HSDP) each row of the mesh holds a sharded copy; gradients
    are reduce-scattered along the rows, then averaged across them.

    Returns:
        the same module object, now of class ``FSDP<Class>``.

    Example::

        >>> from ember.distributed.fsdp import fully_shard
        >>> for layer in model.layers:                  # doctest: +SKIP
        ...     fully_shard(layer)
        >>> fully_shard(model)                          # doctest: +SKIP
    """
    import ember.distributed as dist
    from ember.distributed.device_mesh import init_device_mesh
    if isinstance(module, (list, tuple)):
        return [fully_shard(m, mesh=mesh, reshard_after_forward=reshard_after_forward,
                            shard_placement_fn=shard_placement_fn, mp_policy=mp_policy,
                            offload_policy=offload_policy, ignored_params=ignored_params) for m in module]
    if shard_placement_fn is not None:
        raise NotImplementedError("fully_shard(shard_placement_fn=...): ember shards every parameter on dim 0")
    if not isinstance(offload_policy, OffloadPolicy):
        raise TypeError(f"offload_policy must be an OffloadPolicy, got {type(offload_policy).__name__}")
    if isinstance(reshard_after_forward, int) and not isinstance(reshard_after_forward, bool):
        raise NotImplementedError("fully_shard(reshard_after_forward=<int>): ember reshards to the full mesh only")
    if mesh is None:
        if not dist.is_initialized():
            dist.init_process_group()
        mesh = init_device_mesh('cpu', (dist.get_world_size(),))
    if mesh.ndim > 2:
        raise NotImplementedError("fully_shard: ember shards over a 1-D device mesh, or a 2-D (replicate, shard) "
                                  "mesh for hybrid sharding")
    if isinstance(module, FSDPModule):
        raise ValueError("fully_shard was already applied to this module")
    ignored = {id(p) for p in (ignored_params or ())}
    managed = set()
    for m in module.modules():
        if m is not module and isinstance(m, FSDPModule):
            managed.update(id(sp.sharded) for sp in m._fsdp_state.unit.params)
    params = collect_params(module, managed | ignored)
    unit = Unit(params, mesh, bool(reshard_after_forward), mp_policy.param_dtype, mp_policy.reduce_dtype)
    module._fsdp_state = _State(module, unit, mp_policy)
    module.__class__ = _fsdp_class(type(module))
    module.register_forward_pre_hook(_pre_forward, with_kwargs=True)
    module.register_forward_hook(_post_forward, with_kwargs=True)
    return module
