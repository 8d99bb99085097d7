"""The accelerator's memory (PyTorch's ``torch.accelerator.memory``): ember's accelerator is CUDA, so these
are :mod:`ember.cuda`'s memory functions, raising PyTorch's error when there is no accelerator.

>>> ember.accelerator.memory.memory_allocated() if ember.accelerator.is_available() else 0
0
"""
from ember import cuda as _cuda

__all__ = ['empty_cache', 'empty_host_cache', 'get_memory_info', 'max_memory_allocated', 'max_memory_reserved',
           'memory_allocated', 'memory_reserved', 'memory_stats', 'reset_accumulated_memory_stats',
           'reset_peak_memory_stats']


def _require(what):
    from ember.accelerator import _require
    _require(what)


def empty_cache():
    """Release the accelerator's cached, unused memory to the driver."""
    _require('empty_cache')
    _cuda.empty_cache()


def empty_host_cache():
    """Release cached, unused pinned host memory. ember's pinned buffers are freed with their tensors
    (no cache is kept), so there is nothing more to release."""
    _require('empty_host_cache')


def memory_stats(device_index=None, /):
    """The accelerator memory pool's statistics (see :func:`ember.cuda.memory_stats`)."""
    _require('memory_stats')
    return _cuda.memory_stats(device_index)


def memory_allocated(device_index=None, /):
    """Bytes of accelerator memory held by tensors."""
    _require('memory_allocated')
    return _cuda.memory_allocated(device_index)


def max_memory_allocated(device_index=None, /):
    """The most bytes held by tensors at once since the start or :func:`reset_peak_memory_stats`."""
    _require('max_memory_allocated')
    return _cuda.max_memory_allocated(device_index)


def memory_reserved(device_index=None, /):
    """Bytes the accelerator's caching allocator holds, in use or cached."""
    _require('memory_reserved')
    return _cuda.memory_reserved(device_index)


def max_memory_reserved(device_index=None, /):
    """The most bytes the accelerator's caching allocator has held at once."""
    _require('max_memory_reserved')
    return _cuda.max_memory_reserved(device_index)


def reset_peak_memory_stats(device_index=None, /):
    """Start the peak statistics again from the current values."""
    _require('reset_peak_memory_stats')
    _cuda.reset_peak_memory_stats(device_index)


def reset_accumulated_memory_stats(device_index=None, /):
    """Reset the accumulated statistics (see :func:`ember.cuda.reset_accumulated_memory_stats`)."""
    _require('reset_accumulated_memory_stats')
    _cuda.reset_accumulated_memory_stats(device_index)


def get_memory_info(device_index=None, /):
    """``(free, total)`` bytes of memory on the accelerator device."""
    _require('get_memory_info')
    return _cuda.mem_get_info(device_index)


def _snapshot(device=None, augment_with_fx_traces=False):
    """The accelerator allocator's state and history: :func:`ember.cuda.memory._snapshot` (which ember
    cannot give: it raises and says why)."""
    return _cuda.memory._snapshot(device, augment_with_fx_traces=augment_with_fx_traces)
