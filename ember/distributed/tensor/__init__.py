"""Distributed tensors (PyTorch's ``torch.distributed.tensor``): ``DTensor``, ``distribute_tensor`` and the
placements ``Shard``, ``Replicate`` and ``Partial``.

>>> from ember.distributed.tensor import Shard, Replicate
>>> [Shard(0), Replicate()]
[Shard(dim=0), Replicate()]
"""
from ember.distributed.tensor.placement_types import Partial, Placement, Replicate, Shard  # noqa: F401

__all__ = ['DTensor', 'distribute_tensor', 'distribute_module', 'zeros', 'ones', 'empty', 'full', 'rand', 'randn',
           'Shard', 'Replicate', 'Partial', 'Placement', 'DeviceMesh', 'init_device_mesh']


def __getattr__(name):
    # DTensor loads on first use: defining a Tensor subclass with __torch_function__ makes every op
    # look for such arguments from then on, a cost programs without DTensors need not pay
    if name in ('DTensor', 'distribute_tensor', 'zeros', 'ones', 'empty', 'full', 'rand', 'randn'):
        from ember.distributed.tensor import _api
        return getattr(_api, name)
    if name == 'distribute_module':
        from ember.distributed.tensor._module import distribute_module
        return distribute_module
    if name in ('DeviceMesh', 'init_device_mesh'):
        from ember.distributed import device_mesh
        return getattr(device_mesh, name)
    raise AttributeError(f"module 'ember.distributed.tensor' has no attribute '{name}'")
