"""CUDA streams and events (``torch.cuda.streams``): queues of device work, markers in them, and
streams another library created (``ExternalStream``)."""
from ember import backend
from ember.backend import cuda_runtime as _rt
from ember import cuda as _cuda


class Stream:
    """A queue of device work. ``with ember.cuda.stream(s):`` (or ``with s:``) sends ops to it."""

    def __init__(self, device=None, priority=0, **kwargs):
        backend._require_cuda()
        idx = _cuda._index(device)
        self._stream = kwargs.pop('_stream', None) or _rt.new_stream(idx, priority)
        from ember._device import device as _dev
        self.device = _dev('cuda', idx)
        self.priority = priority

    @property
    def cuda_stream(self):
        return self._stream.ptr

    def query(self):
        """True when all work queued so far has finished."""
        return bool(self._stream.done)

    def synchronize(self):
        self._stream.synchronize()

    def wait_event(self, event):
        self._stream.wait_event(event._event)

    def wait_stream(self, stream):
        self.wait_event(stream.record_event())

    def record_event(self, event=None):
        event = Event() if event is None else event
        event.record(self)
        return event

    def __enter__(self):
        self._stream.__enter__()
        return self

    def __exit__(self, *exc):
        self._stream.__exit__(*exc)
        return False

    def __eq__(self, other):
        return isinstance(other, Stream) and self._stream is other._stream

    def __hash__(self):
        return hash(id(self._stream))

    def __repr__(self):
        return f"<ember.cuda.Stream device={self.device} cuda_stream={hex(self.cuda_stream)}>"


class Event:
    """A marker in a stream: record it, wait for it, time between two (``enable_timing=True``)."""

    def __init__(self, enable_timing=False, blocking=False, interprocess=False):
        if interprocess:
            raise NotImplementedError("ember.cuda.Event(interprocess=True) is not supported: CuPy events "
                                      "cannot be shared between processes")
        self._event = _rt.new_event(enable_timing, blocking)
        self.enable_timing = enable_timing
        self._recorded = False

    def record(self, stream=None):
        stream = _cuda.current_stream() if stream is None else stream
        self._event.record(stream._stream)
        self._recorded = True

    def wait(self, stream=None):
        (_cuda.current_stream() if stream is None else stream).wait_event(self)

    def query(self):
        return bool(self._event.done)

    def synchronize(self):
        self._event.synchronize()

    def elapsed_time(self, end_event):
        """Milliseconds between this event and ``end_event`` (both recorded, both timing)."""
        if not (self.enable_timing and end_event.enable_timing):
            raise RuntimeError("Both events must be created with argument 'enable_timing=True'.")
        if not (self._recorded and end_event._recorded):
            raise RuntimeError("Both events must be recorded before calculating elapsed time.")
        return _rt.elapsed_ms(self._event, end_event._event)


class ExternalStream(Stream):
    """A stream another library created (``cudaStream_t``, given as an int), for interop with libraries
    that hand their streams out: ``with ember.cuda.ExternalStream(ptr):`` queues ember's work on it.
    ember neither creates nor destroys it; the owner must keep it alive while it is used.

    Args:
        stream_ptr (int): the address of the ``cudaStream_t``.
        device (device or int, optional): the device the stream belongs to (the current one by default).
    """

    def __init__(self, stream_ptr, device=None, **kwargs):
        backend._require_cuda()
        idx = _cuda._index(device)
        super().__init__(idx, _stream=_rt.external_stream(int(stream_ptr), idx))
