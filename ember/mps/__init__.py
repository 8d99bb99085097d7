"""ember.mps: Apple's Metal GPUs. ember has no MPS back end, so, as PyTorch on a machine without
MPS, nothing is available and calls that need the device raise PyTorch's errors."""

from ember.mps.event import Event
from ember.mps import event, profiler  # noqa: F401
from ember._tensor import Tensor  # noqa: F401 - as torch.mps has it

__all__ = ['compile_shader', 'load_metallib', 'device_count', 'get_rng_state', 'manual_seed', 'seed',
           'set_rng_state', 'synchronize', 'empty_cache', 'set_per_process_memory_fraction',
           'current_allocated_memory', 'driver_allocated_memory', 'Event', 'profiler', 'recommended_max_memory',
           'is_available']


def _no_mps(what):
    return RuntimeError(f"Cannot execute {what}() without MPS backend.")


def _unavailable():
    return RuntimeError("MPS is not available")


def is_available():
    """Returns ``False``: ember has no MPS back end (also ``ember.backends.mps.is_available()``).

    Example::

        >>> ember.mps.is_available(), ember.mps.device_count()
        (False, 0)
    """
    return False


def device_count():
    """Returns ``0``: the number of MPS devices ember can use."""
    return 0


def synchronize():
    """Raises: there is no MPS device to wait for."""
    raise _no_mps('deviceSynchronize')


def empty_cache():
    """Raises: there is no MPS memory cache."""
    raise _no_mps('emptyCache')


def current_allocated_memory():
    """Raises: there is no MPS memory."""
    raise _no_mps('getCurrentAllocatedMemory')


def driver_allocated_memory():
    """Raises: there is no MPS driver."""
    raise _no_mps('getDriverAllocatedMemory')


def recommended_max_memory():
    """Raises: there is no MPS device."""
    raise _no_mps('getRecommendedMaxMemory')


def manual_seed(seed):
    """Does nothing, as in PyTorch without MPS: there is no MPS generator to seed."""
    int(seed)


def seed():
    """Does nothing: there is no MPS generator."""


def get_rng_state(device='mps'):
    """Raises: there is no MPS generator."""
    raise _no_mps('getDefaultGenerator')


def set_rng_state(new_state, device='mps'):
    """Raises: there is no MPS generator to restore ``new_state`` into."""
    new_state.clone()      # PyTorch copies the state first: anything but a tensor fails there
    raise _no_mps('getDefaultGenerator')


def set_per_process_memory_fraction(fraction):
    """Raises: there is no MPS memory to cap (``fraction`` is checked first, as in PyTorch)."""
    if not isinstance(fraction, float):
        raise TypeError("Invalid type for fraction argument, must be `float`")
    if fraction < 0 or fraction > 2:
        raise ValueError(f"Invalid fraction value: {fraction}. Allowed range: 0~2")
    raise _no_mps('setMemoryFraction')


def compile_shader(source):
    """Raises: Metal shaders need an MPS device."""
    raise _unavailable()


def load_metallib(source):
    """Raises: a Metal library needs an MPS device (``source`` is a path or the library's bytes)."""
    import os
    if not isinstance(source, (bytes, str, os.PathLike)):
        raise TypeError(f"expected bytes or path, got {type(source).__name__}")
    raise _unavailable()
