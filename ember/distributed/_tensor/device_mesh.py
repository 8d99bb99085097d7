"""The old name of ``ember.distributed.device_mesh``."""
from ember.distributed.device_mesh import DeviceMesh, init_device_mesh  # noqa: F401

__all__ = ['DeviceMesh', 'init_device_mesh']
