"""ember.xpu: Intel GPUs. ember has no XPU back end, so, as PyTorch built without XPU, nothing is
available: the queries answer so, and calls that need a device raise PyTorch's error."""
__all__ = ['is_available', 'device_count', 'is_initialized', 'current_device', 'synchronize', 'empty_cache',
           'manual_seed', 'manual_seed_all', 'seed', 'seed_all', 'get_device_name', 'set_device']


def _no_xpu():
    return AssertionError("Torch not compiled with XPU enabled")


def is_available():
    """Returns ``False``: ember has no XPU back end.

    Example::

        >>> ember.xpu.is_available(), ember.xpu.device_count()
        (False, 0)
    """
    return False


def device_count():
    """Returns ``0``: the number of XPU devices ember can use."""
    return 0


def is_initialized():
    """Returns ``False``: the XPU state is never initialized."""
    return False


def current_device():
    """Raises: there is no current XPU device."""
    raise _no_xpu()


def set_device(device):
    """Raises: there is no XPU device to select."""
    raise _no_xpu()


def synchronize(device=None):
    """Raises: there is no XPU device to wait for."""
    raise _no_xpu()


def get_device_name(device=None):
    """Raises: there is no XPU device to name."""
    raise _no_xpu()


def empty_cache():
    """Does nothing: there is no XPU memory cache (as in PyTorch without XPU)."""


def manual_seed(seed):
    """Accepted and ignored as in PyTorch without XPU: there is no XPU generator to seed (the CPU
    generator is seeded with :func:`ember.manual_seed`)."""
    int(seed)   # PyTorch still checks that the seed is a number


def manual_seed_all(seed):
    """As :func:`manual_seed`: there are no XPU generators."""
    int(seed)


def seed():
    """Does nothing: there is no XPU generator."""


def seed_all():
    """Does nothing: there are no XPU generators."""

