"""ember.accelerator: the device-agnostic accelerator API (PyTorch's ``torch.accelerator``).

ember's one accelerator type is CUDA (through CuPy); without CuPy or a GPU there is none, and
``current_accelerator()`` is ``None``, as in a CPU-only PyTorch.

>>> ember.accelerator.is_available() == ember.cuda.is_available()
True
"""
import contextlib

from ember import cuda as _cuda
from ember._device import device as _device


def is_available():
    """True when an accelerator (a CUDA GPU through CuPy) can be used."""
    return _cuda.is_available()


def current_accelerator(check_available=False):
    """``device('cuda')`` when ember has CUDA support, else ``None``; ``check_available=True`` also
    requires a GPU to be present."""
    from ember.backends import cuda as cuda_backend
    if not cuda_backend.is_built() or (check_available and not _cuda.is_available()):
        return None
    return _device('cuda')


def device_count():
    """How many accelerator devices there are (0 without one)."""
    return _cuda.device_count() if _cuda.is_available() else 0


def _require(what):
    if not is_available():
        raise RuntimeError("Cannot access accelerator device when none is available.")


def current_device_index():
    """The index of the current accelerator device."""
    _require('current_device_index')
    return _cuda.current_device()


current_device_idx = current_device_index


def set_device_index(device):
    """Make ``device`` (an index, a string or a device) the current accelerator device."""
    _require('set_device_index')
    _cuda.set_device(device)


set_device_idx = set_device_index


@contextlib.contextmanager
def device_index(device):
    """Within the block, ``device`` is the current accelerator device (``None`` changes nothing)."""
    if device is None:
        yield
        return
    previous = current_device_index()
    set_device_index(device)
    try:
        yield
    finally:
        set_device_index(previous)


def synchronize(device=None):
    """Wait for all work queued on the accelerator device to finish."""
    _require('synchronize')
    _cuda.synchronize(device)


def get_device_capability(device=None, /):
    """What the accelerator device supports: ``{'supported_dtypes': {...}}``, the dtypes its tensors can have."""
    _require('get_device_capability')
    from ember import _dtype
    index = _cuda._index(device)
    _cuda.get_device_properties(index)        # an invalid index raises here
    # CuPy has every NumPy dtype ember uses except bfloat16 (see ember.cuda.is_bf16_supported)
    return {'supported_dtypes': {d for d in _dtype.ALL_DTYPES if d is not _dtype.bfloat16}}


def current_stream(device=None, /):
    """The stream ops on ``device`` (the current accelerator device by default) are queued on."""
    _require('current_stream')
    return _cuda.current_stream(device)


def set_stream(stream):
    """Make ``stream`` the current stream (and its device the current device)."""
    _require('set_stream')
    if not isinstance(stream, _cuda.Stream):
        raise TypeError(f"set_stream(): expected an accelerator stream, got {type(stream).__name__}")
    _cuda.set_device(stream.device)
    _cuda.set_stream(stream)


# ---------------------------------------------------------------- memory (PyTorch's torch.accelerator.memory)

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
