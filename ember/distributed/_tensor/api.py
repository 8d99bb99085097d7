"""The old name of ``ember.distributed.tensor``'s DTensor API."""
from ember.distributed.tensor import DTensor, distribute_module, distribute_tensor  # noqa: F401

__all__ = ['DTensor', 'distribute_tensor', 'distribute_module']
