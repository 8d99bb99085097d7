"""``ember.Stream`` and ``ember.Event``: the device-generic stream/event objects of PyTorch. On the CPU
they have its CPU semantics (work runs synchronously, so a stream is always idle; the CPU has no events
to record); for a CUDA device (given, or the current accelerator when none is given) they are
``ember.cuda.Stream``/``ember.cuda.Event``."""
from ember._device import device as _device


def _accelerator_or(device):
    """The CUDA device a generic stream/event is for, or None for the CPU's: ``device`` when it is a CUDA
    one, the current accelerator device when none is given and there is one (as PyTorch's)."""
    if device is None:
        from ember import cuda
        return cuda._index(None) if cuda.is_available() else None
    d = _device(device)
    return (d.index if d.index is not None else _cuda_current()) if d.type == 'cuda' else None


def _cuda_current():
    from ember import cuda
    return cuda._index(None)


def _cpu_only(device, what):
    d = _device(device) if device is not None else _device('cpu')
    if d.type != 'cpu':
        raise RuntimeError(f"ember.{what} on '{d.type}' is ember.{d.type}.{what}; ember.{what} serves the CPU")
    return d


class Stream:
    """An in-order queue of work on a device. On the CPU work runs as it is issued, so the stream
    is always complete. For a CUDA device (or, with no device given, the current accelerator's) this
    makes an :class:`ember.cuda.Stream`.

    Args:
        device (ember.device or str, optional): the device (the CPU).
        priority (int): the stream's priority (kept, meaningless on the CPU).

    Example::

        >>> s = ember.Stream('cpu')
        >>> s.query()
        True
    """

    def __new__(cls, device=None, *, priority=0):
        index = _accelerator_or(device)
        if index is not None:
            from ember import cuda
            return cuda.Stream(index, priority=priority)
        return super().__new__(cls)

    def __init__(self, device=None, *, priority=0):
        self._device = _cpu_only(device, 'Stream')
        self._priority = priority

    @property
    def device(self):
        return _device('cpu')

    device_type = property(lambda self: 0, doc="The device type's number (0: the CPU).")
    device_index = property(lambda self: -1, doc="-1: the CPU has no device index.")
    stream_id = property(lambda self: 0, doc="0: the CPU's one stream.")

    def query(self):
        return True

    def synchronize(self):
        return None

    def wait_stream(self, stream):
        # PyTorch records an event on the other stream for this, which the CPU cannot
        raise RuntimeError("cpu backend doesn't support events.")

    def wait_event(self, event):
        return None

    def record_event(self, event=None):
        raise RuntimeError("cpu backend doesn't support events.")

    def is_capturing(self):
        return False

    @property
    def native_handle(self):
        return 0

    def __eq__(self, other):
        return isinstance(other, Stream) and other.stream_id == self.stream_id

    def __hash__(self):
        return hash(('cpu', -1, 0))

    def __repr__(self):
        return f'ember.Stream device_type=cpu, device_index=-1, stream_id={self.stream_id}'


class Event:
    """A marker in a stream; for a CUDA device (or, with none given, the accelerator's) an
    :class:`ember.cuda.Event`. The CPU backend records no events (PyTorch's CPU behaviour):
    ``record`` raises; ``synchronize``/``wait`` return at once; ``query`` is True.

    Args:
        device (ember.device or str, optional): the device (the CPU).
        enable_timing (bool): whether the event measures time. Default: ``False``.
        blocking (bool), interprocess (bool): the CUDA flags, kept for the repr.

    Example::

        >>> ember.Event('cpu').query()
        True
    """

    def __new__(cls, device=None, *, enable_timing=False, blocking=False, interprocess=False):
        if _accelerator_or(device) is not None:
            from ember import cuda
            return cuda.Event(enable_timing=enable_timing, blocking=blocking, interprocess=interprocess)
        return super().__new__(cls)

    def __init__(self, device=None, *, enable_timing=False, blocking=False, interprocess=False):
        self._device = _cpu_only(device, 'Event')
        self._flag = int(bool(enable_timing)) | (2 if blocking else 0) | (4 if interprocess else 0)
        self._timing = bool(enable_timing)

    device = property(lambda self: _device('cpu'))
    event_id = property(lambda self: 0)

    def record(self, stream=None):
        raise RuntimeError("cpu backend doesn't support events.")

    def synchronize(self):
        return None      # nothing recorded, nothing to wait for

    def wait(self, stream=None):
        return None

    def query(self):
        return True

    def elapsed_time(self, end_event):
        if not (self._timing and getattr(end_event, '_timing', False)):
            raise ValueError("Both events must be created with argument 'enable_timing=True'.")
        raise RuntimeError("cpu backend doesn't support events.")

    def ipc_handle(self):
        raise RuntimeError("cpu backend doesn't support events.")

    @classmethod
    def from_ipc_handle(cls, device, ipc_handle):
        raise RuntimeError("cpu backend doesn't support events.")

    def __repr__(self):
        return f'ember.Event device_type=cpu, device_index=-1, event_flag={self._flag}, event_id=0'


Stream.__module__ = Event.__module__ = 'ember'
