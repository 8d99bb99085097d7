"""ember.mps: Apple's Metal GPUs. ember has no MPS back end, so, as PyTorch on a machine without
MPS, nothing is available and calls that need the device raise PyTorch's errors."""

__all__ = ['is_available', 'device_count', 'synchronize', 'empty_cache', 'current_allocated_memory',
           'driver_allocated_memory', 'recommended_max_memory', 'manual_seed', 'seed']


def _no_mps(what):
    return RuntimeError(f"Cannot execute {what}() without MPS backend.")


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
