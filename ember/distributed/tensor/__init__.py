"""Distributed tensors (PyTorch's ``torch.distributed.tensor``): ``DTensor``, ``distribute_tensor`` and the
placements ``Shard``, ``Replicate`` and ``Partial``.

>>> from ember.distributed.tensor import Shard, Replicate
>>> [Shard(0), Replicate()]
[Shard(dim=0), Replicate()]
"""
from ember.distributed.tensor.placement_types import Partial, Placement, Replicate, Shard  # noqa: F401
from ember.distributed.tensor._api import DTensor, distribute_tensor  # noqa: F401
from ember.distributed.device_mesh import DeviceMesh, init_device_mesh  # noqa: F401

__all__ = ['DTensor', 'distribute_tensor', 'Shard', 'Replicate', 'Partial', 'Placement', 'DeviceMesh',
           'init_device_mesh']
