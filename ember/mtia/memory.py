"""MTIA memory statistics (PyTorch's ``torch.mtia.memory``): empty, as in PyTorch before (or without)
an MTIA device.

>>> ember.mtia.memory.memory_allocated()
0
"""
__all__ = ['memory_stats', 'max_memory_allocated', 'memory_allocated', 'reset_peak_memory_stats']


def memory_stats(device=None):
    """Returns ``{}``: MTIA has not started, so there are no allocator statistics."""
    return {}


def max_memory_allocated(device=None):
    """Returns ``0``: no MTIA memory has been allocated."""
    return 0


def memory_allocated(device=None):
    """Returns ``0``: no MTIA memory is allocated."""
    return 0


def reset_peak_memory_stats(device=None):
    """Does nothing: there are no MTIA statistics to reset."""


def is_initialized():
    """Returns ``False``: MTIA never starts in ember."""
    return False
