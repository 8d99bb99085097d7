"""XPU streams and events (PyTorch's ``torch.xpu.streams``): making one raises, as in PyTorch built
without XPU."""
__all__ = ['Event', 'Stream']


class Stream:
    """An XPU stream: making one raises (ember has no XPU back end).

    Example::

        >>> ember.xpu.Stream()
        Traceback (most recent call last):
            ...
        RuntimeError: Tried to instantiate dummy base class Stream
    """

    def __init__(self, device=None, priority=0, **kwargs):
        raise RuntimeError("Tried to instantiate dummy base class Stream")


class Event:
    """An XPU event: making one raises (ember has no XPU back end)."""

    def __init__(self, enable_timing=False):
        raise RuntimeError("Tried to instantiate dummy base class Event")
