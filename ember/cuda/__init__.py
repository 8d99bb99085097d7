"""ember.cuda: PyTorch's torch.cuda API over CuPy (``pip install 'ember[cuda]'``).

Without CuPy or a GPU, ``is_available()`` is False and anything that needs a device raises an
error that says which is missing. The CuPy calls themselves live in ``ember.backend``.
"""

from ember import backend
from ember.backend import cuda_runtime as _rt


def is_available():
    """Whether CUDA tensors can be made: CuPy is installed and sees at least one GPU."""
    return backend.cuda_available()


def device_count():
    return backend.cuda_device_count()


def is_initialized():
    return is_available()


def init():
    """Raise the reason CUDA cannot be used, if any (PyTorch initialises lazily; so does ember)."""
    backend._require_cuda()


def current_device():
    return backend.current_cuda_index()


def _index(device, optional=True):
    """A device index from an int, 'cuda:N', a device or None (the current device)."""
    from ember._device import device as _dev
    if device is None:
        return current_device()
    if isinstance(device, int) and not isinstance(device, bool):
        return device
    if isinstance(device, str):
        device = _dev(device)
    if isinstance(device, _dev):
        if device.type != 'cuda':
            raise ValueError(f"Expected a cuda device, but got: {device}")
        return current_device() if device.index is None else device.index
    raise ValueError(f"Expected a torch.device with a specified index or an integer, but got:{device}")


def set_device(device):
    """Make ``device`` the current CUDA device ('cuda' then means it; negative indices do nothing)."""
    idx = _index(device)
    if idx < 0:
        return
    backend._require_cuda()
    if idx >= device_count():
        raise RuntimeError("CUDA error: invalid device ordinal")
    _rt.use_device(idx)
    backend.set_current_cuda_index(idx)


class device:
    """Context manager that makes ``device`` current inside the block (``with ember.cuda.device(1):``)."""

    def __init__(self, device):
        self.idx = _index(device)
        self.prev_idx = -1

    def __enter__(self):
        self.prev_idx = current_device()
        if self.idx >= 0 and self.idx != self.prev_idx:
            set_device(self.idx)

    def __exit__(self, *exc):
        if self.idx >= 0 and self.idx != self.prev_idx:
            set_device(self.prev_idx)
        return False


class device_of(device):
    """Context manager that makes the device of ``obj`` (a CUDA tensor) current; CPU tensors do nothing."""

    def __init__(self, obj):
        super().__init__(obj.get_device() if obj.is_cuda else -1)


def synchronize(device=None):
    """Wait for all work queued on ``device`` (the current one by default) to finish."""
    backend.cuda_synchronize(_index(device))


class _CudaDeviceProperties:
    def __init__(self, props):
        self.name = props['name'].decode() if isinstance(props['name'], bytes) else props['name']
        self.major = int(props['major'])
        self.minor = int(props['minor'])
        self.total_memory = int(props['totalGlobalMem'])
        self.multi_processor_count = int(props['multiProcessorCount'])
        self.is_integrated = int(props.get('integrated', 0))
        self.is_multi_gpu_board = int(props.get('isMultiGpuBoard', 0))
        self.L2_cache_size = int(props.get('l2CacheSize', 0))
        self.warp_size = int(props.get('warpSize', 32))

    def __repr__(self):
        return (f"_CudaDeviceProperties(name='{self.name}', major={self.major}, minor={self.minor}, "
                f"total_memory={self.total_memory // 2 ** 20}MB, "
                f"multi_processor_count={self.multi_processor_count}, L2_cache_size={self.L2_cache_size // 2 ** 20}MB)")


def get_device_properties(device=None):
    backend._require_cuda()
    idx = _index(device)
    if not 0 <= idx < device_count():
        raise AssertionError("Invalid device id")
    return _CudaDeviceProperties(backend.cuda_device_properties(idx))


def get_device_name(device=None):
    return get_device_properties(device).name


def get_device_capability(device=None):
    p = get_device_properties(device)
    return p.major, p.minor


# ---------------------------------------------------------------- streams and events

class Stream:
    """A queue of device work. ``with ember.cuda.stream(s):`` (or ``with s:``) sends ops to it."""

    def __init__(self, device=None, priority=0, **kwargs):
        backend._require_cuda()
        idx = _index(device)
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
        stream = current_stream() if stream is None else stream
        self._event.record(stream._stream)
        self._recorded = True

    def wait(self, stream=None):
        (current_stream() if stream is None else stream).wait_event(self)

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


def current_stream(device=None):
    """The stream ops are queued on now (the default stream unless a ``stream`` block is active)."""
    return Stream(device, _stream=_rt.current_stream())


def default_stream(device=None):
    return Stream(device, _stream=_rt.null_stream())


def set_stream(stream):
    if stream is not None:
        stream._stream.use()


class StreamContext:
    """Context manager that queues ops on ``stream`` inside the block and restores the previous stream
    after it; ``None`` changes nothing (``with ember.cuda.StreamContext(s):``)."""

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        if self.stream is not None:
            self.stream.__enter__()
        return self.stream

    def __exit__(self, *exc):
        if self.stream is not None:
            self.stream.__exit__(*exc)
        return False


def stream(stream):
    """Queue ops on ``stream`` inside the block (``None`` leaves the current stream)."""
    return StreamContext(stream)


# ---------------------------------------------------------------- what the build and the device support

has_half = True     # float16 tensors work on CUDA (CuPy has float16)
has_magma = False   # ember's linear algebra on the GPU is CuPy's (cuSOLVER), not MAGMA


def is_bf16_supported(including_emulation=True):
    """False: CuPy, which runs ember's CUDA tensors, has no bfloat16 arrays. Programs that pick their
    autocast dtype with this test (``bfloat16 if is_bf16_supported() else float16``) then use float16."""
    return False


def is_tf32_supported():
    """Whether the current GPU has TensorFloat-32 units (compute capability 8.0 or newer); False without CUDA."""
    return is_available() and get_device_capability() >= (8, 0)


def get_arch_list():
    """The GPU architectures (``'sm_90'``, ...) kernels are built for. CuPy compiles its kernels for the
    GPUs present when they first run, so these are the present GPUs' architectures ([] without CUDA)."""
    if not is_available():
        return []
    return sorted({'sm_%d%d' % get_device_capability(i) for i in range(device_count())})


def get_gencode_flags():
    """The NVCC ``-gencode`` flags matching :func:`get_arch_list` ('' without CUDA)."""
    return ' '.join(f'-gencode compute=compute_{a[3:]},code={a}' for a in get_arch_list())


def ipc_collect():
    """Free memory other processes have released after receiving CUDA tensors from this one. ember does
    not share CUDA memory between processes (tensors sent to workers are copied), so nothing is held."""
    backend._require_cuda()


from ember.cuda.memory import *  # noqa: E402,F401,F403  (PyTorch exports the memory API from torch.cuda)
from ember.cuda.random import *  # noqa: E402,F401,F403
from ember._legacy import cuda_legacy_types as _legacy_types  # noqa: E402

globals().update(_legacy_types())


def __getattr__(name):
    # the submodules load on first use, as ``import ember`` should not pay for them
    if name == 'nvtx':
        import ember.cuda.nvtx as nvtx
        return nvtx
    if name == 'default_generators':
        # one generator per device; ember's devices share the default generator (see ember.cuda.random)
        from ember._random.generator import default_generator
        return (default_generator,) * device_count()
    raise AttributeError(f"module 'ember.cuda' has no attribute '{name}'")
