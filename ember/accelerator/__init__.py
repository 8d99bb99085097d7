"""ember.accelerator: the device-agnostic accelerator API (PyTorch's ``torch.accelerator``).

ember's one accelerator type is CUDA (through CuPy); without CuPy or a GPU there is none, and
``current_accelerator()`` is ``None``, as in a CPU-only PyTorch.

>>> ember.accelerator.is_available() == ember.cuda.is_available()
True
"""
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


def set_device_index(device, /):
    """Make ``device`` (an index, a string or a device) the current accelerator device."""
    _require('set_device_index')
    _cuda.set_device(device)


set_device_idx = set_device_index


class device_index:
    """Within the block, ``device`` is the current accelerator device (``None`` changes nothing).

    Example::

        >>> with ember.accelerator.device_index(None):   # no switch: works without an accelerator too
        ...     pass
    """

    def __init__(self, device, /):
        self.idx = device
        self.prev_idx = -1

    def __enter__(self):
        if self.idx is not None:
            self.prev_idx = current_device_index()
            set_device_index(self.idx)

    def __exit__(self, *exc):
        if self.idx is not None:
            set_device_index(self.prev_idx)
        return False


def synchronize(device=None, /):
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


from ember.accelerator.memory import (  # noqa: E402 - torch.accelerator exports them too
    empty_cache, empty_host_cache, get_memory_info, max_memory_allocated, max_memory_reserved, memory_allocated,
    memory_reserved, memory_stats, reset_accumulated_memory_stats, reset_peak_memory_stats)
from ember.accelerator.graphs import Graph  # noqa: E402
from ember.accelerator import graphs, memory  # noqa: E402,F401
