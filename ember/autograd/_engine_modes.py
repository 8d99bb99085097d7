"""Switches of the backward engine that PyTorch exposes as context managers.

``set_multithreading_enabled``: PyTorch's engine runs the backward of accelerator work on one
worker thread per device; with the mode off it runs on the calling thread. ember's engine always
runs backward on the calling thread (CPU work does so in PyTorch too), which is what ``False``
asks for and what ``True`` does for CPU tensors, so the mode is recorded and reported only.

``enforce_grad_layout_policy``: a leaf's first gradient is laid out in memory like the leaf (its
strides) when the leaf is dense and non-overlapping, else row-major; turning the policy off lets the
engine keep an incoming gradient it owns in whatever layout it has, saving the copy.
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


def is_grad_layout_policy_enforced():
    """The current thread's ``enforce_grad_layout_policy`` setting (``True`` unless relaxed)."""
    return getattr(_local, 'grad_layout', True)


class enforce_grad_layout_policy(_GradModeBase):
    """Context manager (and function, and decorator) that enforces or relaxes the gradient layout
    contract for the current thread.

    Under the contract a leaf's accumulated ``.grad`` has the leaf's strides (when the leaf is dense
    and non-overlapping) or is row-major, so optimizers can treat both alike. With ``enable=False``
    a gradient the engine computed and owns is stored as it is, even in another layout (no copy);
    gradients that must be copied anyway (yours, or ones still used elsewhere) keep the contract.

    Args:
        enable (bool, optional): enforce the contract (``True``, the default state) or relax it.

    Example::

        >>> p = ember.zeros(2, 3, 4).permute(2, 0, 1).requires_grad_()
        >>> (p.contiguous() * 2).sum().backward()
        >>> p.grad.stride() == p.stride()
        True
        >>> q = ember.zeros(2, 3, 4).permute(2, 0, 1).requires_grad_()
        >>> with ember.autograd.enforce_grad_layout_policy(False):
        ...     (q.contiguous() * 2).sum().backward()
        >>> q.grad.stride()
        (6, 3, 1)
    """

    def __init__(self, enable=True):
        self.prev = is_grad_layout_policy_enforced()
        _local.grad_layout = bool(enable)
        self.enable = enable

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _local.grad_layout = self.prev
        return False

    def _fresh(self):
        return self.__class__(self.enable)

    def clone(self):
        """A new context manager with the same setting."""
        return self._fresh()
