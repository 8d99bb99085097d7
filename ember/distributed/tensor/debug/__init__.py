"""Debugging tools for distributed tensors (PyTorch's ``torch.distributed.tensor.debug``)."""
from ember.distributed.tensor.debug._comm_mode import CommDebugMode

__all__ = ['CommDebugMode']
