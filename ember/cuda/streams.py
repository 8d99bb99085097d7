"""CUDA streams and events (``torch.cuda.streams``): queues of device work, markers in them, and
streams another library created (``ExternalStream``)."""
from ember import backend
from ember.backend import cuda_runtime as _rt
from ember import cuda as _cuda


class Stream:
    """A queue of device work. ``with ember.cuda.stream(s):`` (or ``with s:``) sends ops to it."""

    def __init__(self, device=None, priority=0, **kwargs):
        if not backend.cuda_built():
            raise RuntimeError("torch.cuda.Stream requires CUDA support")
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
    """A marker in a stream: record it, wait for it, time between two (``enable_timing=True``).

    Args:
        enable_timing (bool): whether :meth:`elapsed_time` can measure from it. Default: ``False``.
        blocking (bool): whether :meth:`synchronize` blocks the thread rather than spinning. Default: ``False``.
        interprocess (bool): share it with other processes (not supported: CuPy's events cannot be shared).
        external (bool): inside a CUDA graph capture, record and wait as graph nodes of their own (refused
            during a capture: CuPy cannot make such nodes); outside one it changes nothing. Default: ``False``.

    Example::

        >>> if ember.cuda.is_available():
        ...     start, end = ember.cuda.Event(enable_timing=True), ember.cuda.Event(enable_timing=True)
        ...     start.record(); y = ember.ones(1000, device='cuda') * 2; end.record(); end.synchronize()
        ...     assert start.elapsed_time(end) >= 0
    """

    def __init__(self, enable_timing=False, blocking=False, interprocess=False, external=False):
        if not backend.cuda_built():
            raise RuntimeError("Tried to instantiate dummy base class Event")
        if interprocess:
            raise NotImplementedError("ember.cuda.Event(interprocess=True) is not supported: CuPy events "
                                      "cannot be shared between processes")
        self._event = _rt.new_event(enable_timing, blocking)
        self.enable_timing = enable_timing
        self.external = external
        self._recorded = False

    def record(self, stream=None):
        stream = _cuda.current_stream() if stream is None else stream
        self._check_external(stream, 'recorded')
        self._event.record(stream._stream)
        self._recorded = True

    def wait(self, stream=None):
        stream = _cuda.current_stream() if stream is None else stream
        self._check_external(stream, 'waited on')
        stream.wait_event(self)

    def _check_external(self, stream, what):
        # outside a capture an external event works as any other; inside one it must become an event record
        # or wait node of the graph (cudaEventRecordExternal/WaitExternal), which CuPy's capture cannot make
        if self.external and _rt.is_capturing(stream._stream):
            raise RuntimeError(f"ember.cuda.Event(external=True) cannot be {what} while a CUDA graph captures: "
                               f"CuPy's stream capture makes no external event nodes")

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
