"""``input_reshard``: keep only this rank's share of what a tensor-parallel module saves for backward
(its input, the same on every rank of the mesh), and gather it back when backward needs it."""
from functools import partial

import ember
from ember.distributed.tensor import DTensor, Replicate, Shard

__all__ = ['input_reshard']


def input_reshard(module, tp_device_mesh, input_reshard_dim=None):
    """Make the tensors ``module``'s forward saves for backward be kept split along ``input_reshard_dim``
    over ``tp_device_mesh`` (each rank keeps its piece), and gathered whole again when backward unpacks
    them. Meant for a module whose forward is checkpointed (``ember.utils.checkpoint``), so that what it
    saves is its input, the same on every rank; with ``input_reshard_dim=None`` nothing changes.

    Returns:
        ``module``.
    """
    if input_reshard_dim is None:
        return module
    active = []

    def enter(_module, _args):
        hooks = ember.autograd.graph.saved_tensors_hooks(partial(_pack, tp_device_mesh, input_reshard_dim),
                                                         partial(_unpack, tp_device_mesh, input_reshard_dim))
        hooks.__enter__()
        active.append(hooks)

    def leave(_module, _args, _output):
        active.pop().__exit__(None, None, None)

    module.register_forward_pre_hook(enter)
    module.register_forward_hook(leave)
    return module


def _pack(mesh, dim, x):
    """After forward: a replicated tensor is kept as this rank's piece along ``dim``."""
    if isinstance(x, DTensor) and all(p.is_replicate() for p in x._spec.placements):
        return x.redistribute(device_mesh=mesh, placements=[Shard(dim)])
    if not isinstance(x, DTensor) and isinstance(x, ember.Tensor) and x.numel() >= mesh.size():
        return DTensor.from_local(x, device_mesh=mesh).redistribute(device_mesh=mesh, placements=[Shard(dim)]).to_local()
    return x


def _unpack(mesh, dim, x):
    """Before backward uses it: the pieces gathered whole again."""
    if isinstance(x, DTensor) and len(x._spec.placements) == 1 and x._spec.placements[0].is_shard():
        return x.redistribute(device_mesh=mesh, placements=[Replicate()])
    if not isinstance(x, DTensor) and isinstance(x, ember.Tensor) and x.numel() >= mesh.size():
        return DTensor.from_local(x, device_mesh=mesh, placements=[Shard(dim)]).redistribute(
            device_mesh=mesh, placements=[Replicate()]).to_local()
    return x
