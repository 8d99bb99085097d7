"""The MPS profiler and Metal capture (PyTorch's ``torch.mps.profiler``): without an MPS device, starting
either raises PyTorch's error; nothing is ever capturing."""
import contextlib

__all__ = ['start', 'stop', 'profile', 'metal_capture', 'is_metal_capture_enabled', 'is_capturing_metal']


def start(mode='interval', wait_until_completed=False):
    """Raises: there is no MPS device to trace."""
    raise RuntimeError("Cannot execute profilerStartTrace() without MPS backend.")


def stop():
    """Raises: there is no MPS trace to stop."""
    raise RuntimeError("Cannot execute profilerStopTrace() without MPS backend.")


@contextlib.contextmanager
def profile(mode='interval', wait_until_completed=False):
    """Trace the block's MPS work (entering raises: there is no MPS device).

    Example::

        >>> with ember.mps.profiler.profile():
        ...     pass
        Traceback (most recent call last):
            ...
        RuntimeError: Cannot execute profilerStopTrace() without MPS backend.
    """
    try:
        start(mode, wait_until_completed)
        yield
    finally:
        stop()          # as PyTorch's: its error replaces start's


def is_metal_capture_enabled():
    """Returns ``False``: Metal capture needs an MPS device."""
    return False


def is_capturing_metal():
    """Returns ``False``: nothing is being captured."""
    return False


@contextlib.contextmanager
def metal_capture(fname):
    """Capture the block's Metal work into ``fname`` (entering raises: there is no MPS device)."""
    raise RuntimeError("Cannot execute startCapture() without MPS backend.")
    yield  # noqa: unreachable - keeps this a generator for contextmanager
