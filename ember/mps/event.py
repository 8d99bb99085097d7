"""MPS events (PyTorch's ``torch.mps.event``): without an MPS device, making one raises PyTorch's error."""


class Event:
    """A marker in the MPS stream, to wait for or time work: making one raises (ember has no MPS back end).

    Args:
        enable_timing (bool): whether the event measures time. Default: ``False``.

    Example::

        >>> ember.mps.Event()
        Traceback (most recent call last):
            ...
        RuntimeError: Cannot execute acquireEvent() without MPS backend.
    """

    def __init__(self, enable_timing=False):
        raise RuntimeError("Cannot execute acquireEvent() without MPS backend.")
