"""XPU memory (PyTorch's ``torch.xpu.memory``): without an XPU device the statistics are empty, as in
PyTorch before XPU starts, and calls that need the device raise PyTorch's error.

>>> ember.xpu.memory_allocated(), ember.xpu.memory_stats()
(0, OrderedDict())
"""
import collections
import contextlib

__all__ = ['MemPool', 'XPUPluggableAllocator', 'change_current_allocator', 'empty_cache',
           'get_per_process_memory_fraction', 'max_memory_allocated', 'max_memory_reserved', 'mem_get_info',
           'memory_allocated', 'memory_reserved', 'memory_snapshot', 'memory_stats', 'memory_stats_as_nested_dict',
           'reset_accumulated_memory_stats', 'reset_peak_memory_stats', 'set_per_process_memory_fraction',
           'use_mem_pool']


def _no_xpu():
    return AssertionError("Torch not compiled with XPU enabled")


def is_initialized():
    """Returns ``False``: XPU never starts in ember."""
    return False


def empty_cache():
    """Does nothing: there is no XPU memory cache (as in PyTorch without XPU)."""


def memory_stats(device=None):
    """Returns an empty ``OrderedDict``: XPU has not started, so there are no allocator statistics."""
    return collections.OrderedDict()


def memory_stats_as_nested_dict(device=None):
    """Returns ``{}``: see :func:`memory_stats`."""
    return {}


def memory_allocated(device=None):
    """Returns ``0``: no XPU memory is allocated."""
    return 0


def max_memory_allocated(device=None):
    """Returns ``0``: no XPU memory has been allocated."""
    return 0


def memory_reserved(device=None):
    """Returns ``0``: no XPU memory is reserved."""
    return 0


def max_memory_reserved(device=None):
    """Returns ``0``: no XPU memory has been reserved."""
    return 0


def memory_snapshot(mempool_id=None):
    """Returns ``[]``: there are no XPU memory segments."""
    return []


def reset_peak_memory_stats(device=None):
    """Raises: there are no XPU statistics to reset."""
    raise _no_xpu()


def reset_accumulated_memory_stats(device=None):
    """Raises: there are no XPU statistics to reset."""
    raise _no_xpu()


def mem_get_info(device=None):
    """Raises: there is no XPU device to ask."""
    raise _no_xpu()


def set_per_process_memory_fraction(fraction, device=None):
    """Raises: there is no XPU memory to cap."""
    raise _no_xpu()


def get_per_process_memory_fraction(device=None):
    """Raises: there is no XPU memory."""
    raise _no_xpu()


class MemPool:
    """A private XPU memory pool: making one raises (ember has no XPU back end)."""

    def __init__(self, allocator=None, use_on_oom=False):
        raise RuntimeError("Tried to instantiate dummy base class MemPool")


@contextlib.contextmanager
def use_mem_pool(pool, device=None):
    """Allocate the block's XPU memory from ``pool`` (entering raises: there is no XPU device)."""
    raise _no_xpu()
    yield  # noqa: unreachable - keeps this a generator for contextmanager


class XPUPluggableAllocator:
    """An XPU allocator from a shared library's alloc/free functions: the library is loaded (a missing one
    raises ``OSError``), then making the allocator raises (there is no XPU device)."""

    def __init__(self, path_to_lib_file, alloc_fn_name, free_fn_name):
        import ctypes
        ctypes.CDLL(path_to_lib_file)
        raise _no_xpu()


def change_current_allocator(allocator):
    """Raises: there is no XPU allocator to replace."""
    raise _no_xpu()
