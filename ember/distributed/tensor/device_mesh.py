"""``DeviceMesh`` and ``init_device_mesh`` under ``ember.distributed.tensor`` (PyTorch's
``torch.distributed.tensor.device_mesh``), for code that imports them from there."""
from ember.distributed.device_mesh import DeviceMesh, init_device_mesh  # noqa: F401

__all__ = ['DeviceMesh', 'init_device_mesh']
