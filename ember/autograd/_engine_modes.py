"""Switches of the backward engine that PyTorch exposes as context managers.

``set_multithreading_enabled``: PyTorch's engine runs the backward of accelerator work on one
worker thread per device; with the mode off it runs on the calling thread. ember's engine always
runs backward on the calling thread (CPU work does so in PyTorch too), which is what ``False``
asks for and what ``True`` does for CPU tensors, so the mode is recorded and reported only.
"""
import threading

from ember.autograd.grad_mode import _GradModeBase

_local = threading.local()


def is_multithreading_enabled():
    """The current thread's ``set_multithreading_enabled`` mode (``True`` unless turned off)."""
    return getattr(_local, 'multithreading', True)


class set_multithreading_enabled(_GradModeBase):
    """Context manager (and function, and decorator) turning multithreaded backward on or off for
    the current thread. Called as a function it takes effect at once.

    ember's backward always runs on the calling thread, as PyTorch's does for CPU tensors, so both
    modes compute the same gradients.

    Args:
        mode (bool): ``True`` (the default state) for multithreaded backward, ``False`` to run it
            on the calling thread.

    Example::

        >>> with ember.autograd.set_multithreading_enabled(False):
        ...     ember.autograd.is_multithreading_enabled()
        False
        >>> ember.autograd.is_multithreading_enabled()
        True
    """

    def __init__(self, mode):
        self.prev = is_multithreading_enabled()
        _local.multithreading = bool(mode)
        self.mode = mode

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _local.multithreading = self.prev
        return False

    def _fresh(self):
        return self.__class__(self.mode)

    def clone(self):
        """A new context manager with the same mode."""
        return self._fresh()
