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
        raise RuntimeError(f"ember.accelerator.{what}: no accelerator is available")


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
