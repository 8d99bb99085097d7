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
    """The index of the current CUDA device (raises without CUDA, as PyTorch's).

    Example::

        >>> ember.cuda.current_device() if ember.cuda.is_available() else 0
        0
    """
    backend._require_cuda()
    return backend.current_cuda_index()


def _index(device, optional=True):
    """A device index from an int, 'cuda:N', a device or None (the current device)."""
    from ember._device import device as _dev
    if device is None:
        return backend.current_cuda_index()
    if isinstance(device, int) and not isinstance(device, bool):
        return device
    if isinstance(device, str):
        device = _dev(device)
    if isinstance(device, _dev):
        if device.type != 'cuda':
            raise ValueError(f"Expected a cuda device, but got: {device}")
        return backend.current_cuda_index() if device.index is None else device.index
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
        if self.idx < 0:        # a CPU tensor's device_of, device(-1): nothing to switch, CUDA or not
            self.prev_idx = -1
            return
        self.prev_idx = current_device()
        if self.idx != self.prev_idx:
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
    # PyTorch initialises CUDA before it reads the device: without CUDA, synchronize(ember.device('cpu'))
    # (Dive into Deep Learning's benchmark on a CPU-only machine) says CUDA is missing, not that cpu is no
    # cuda device
    backend._require_cuda()
    backend.cuda_synchronize(_index(device))


class _CUuuid:
    """A device's UUID: ``bytes`` (16 of them); printed as 8-4-4-4-12 hexadecimal digits."""

    def __init__(self, raw):
        self.bytes = list(raw)

    def __str__(self):
        h = bytes(self.bytes).hex()
        return f'{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}'

    def __eq__(self, other):
        return isinstance(other, _CUuuid) and self.bytes == other.bytes

    def __hash__(self):
        return hash(tuple(self.bytes))


# PyTorch's attribute names for the CUDA runtime's cudaDeviceProp fields (CuPy's getDeviceProperties keys);
# a field the runtime does not report (clock rates are gone from CUDA 13) reads as 0
_PROPERTY_FIELDS = (
    ('multi_processor_count', 'multiProcessorCount'), ('total_memory', 'totalGlobalMem'),
    ('is_integrated', 'integrated'), ('is_multi_gpu_board', 'isMultiGpuBoard'),
    ('max_threads_per_multi_processor', 'maxThreadsPerMultiProcessor'), ('warp_size', 'warpSize'),
    ('regs_per_multiprocessor', 'regsPerMultiprocessor'), ('L2_cache_size', 'l2CacheSize'),
    ('clock_rate', 'clockRate'), ('memory_clock_rate', 'memoryClockRate'), ('memory_bus_width', 'memoryBusWidth'),
    ('shared_memory_per_block', 'sharedMemPerBlock'),
    ('shared_memory_per_block_optin', 'sharedMemPerBlockOptin'),
    ('shared_memory_per_multiprocessor', 'sharedMemPerMultiprocessor'),
    ('max_threads_per_block', 'maxThreadsPerBlock'), ('pci_bus_id', 'pciBusID'),
    ('pci_device_id', 'pciDeviceID'), ('pci_domain_id', 'pciDomainID'))


class _CudaDeviceProperties:
    def __init__(self, props):
        name = props['name']
        self.name = name.decode() if isinstance(name, bytes) else name
        self.gcnArchName = self.name   # ROCm's architecture name; CUDA builds give the device name
        self.major = int(props['major'])
        self.minor = int(props['minor'])
        for attr, key in _PROPERTY_FIELDS:
            setattr(self, attr, int(props.get(key, 0)))
        self.uuid = _CUuuid(props.get('uuid', bytes(16)))

    def __repr__(self):
        return (f"_CudaDeviceProperties(name='{self.name}', major={self.major}, minor={self.minor}, "
                f"total_memory={self.total_memory // 2 ** 20}MB, "
                f"multi_processor_count={self.multi_processor_count}, uuid={self.uuid}, "
                f"L2_cache_size={self.L2_cache_size // 2 ** 20}MB)")


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

from ember.cuda.streams import Event, ExternalStream, Stream  # noqa: E402


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


def can_device_access_peer(device, peer_device):
    """Whether ``device`` can read and write the memory of ``peer_device`` directly (over NVLink or PCIe)."""
    backend._require_cuda()
    device, peer_device = _index(device), _index(peer_device)
    if not 0 <= device < device_count():
        raise AssertionError("Invalid device id")
    if not 0 <= peer_device < device_count():
        raise AssertionError("Invalid peer device id")
    return _rt.can_access_peer(device, peer_device)


def set_sync_debug_mode(debug_mode):
    """Warn (``"warn"`` or 1) or raise (``"error"`` or 2) when an operation makes the host wait for the
    device: copies to the host such as ``.item()``, ``.cpu()``, ``.tolist()``, ``bool(t)`` and printing.
    ``"default"`` or 0 turns the check off. Useful for finding what stalls a training loop.

    Args:
        debug_mode (str or int): ``"default"``/0, ``"warn"``/1 or ``"error"``/2.
    """
    backend._require_cuda()
    if isinstance(debug_mode, str):
        modes = {'default': 0, 'warn': 1, 'error': 2}
        if debug_mode not in modes:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, `warn`, `error`")
        debug_mode = modes[debug_mode]
    backend.sync_debug_mode[0] = 2 if debug_mode >= 2 else max(int(debug_mode), 0)


def get_sync_debug_mode():
    """The current sync debug mode: 0 (off), 1 (warn) or 2 (error); see :func:`set_sync_debug_mode`."""
    backend._require_cuda()
    return backend.sync_debug_mode[0]


def ipc_collect():
    """Free memory other processes have released after receiving CUDA tensors from this one. ember does
    not share CUDA memory between processes (tensors sent to workers are copied), so nothing is held."""
    backend._require_cuda()


def current_blas_handle():
    """The address of the current device's cuBLAS handle (a ``cublasHandle_t``), for libraries that call
    cuBLAS themselves on the same handle ember's matrix products use."""
    backend._require_cuda()
    return _rt.blas_handle(current_device())


def current_solver_handle():
    """The address of the current device's cuSOLVER handle (a ``cusolverDnHandle_t``)."""
    backend._require_cuda()
    return _rt.solver_handle(current_device())


from ember.cuda.memory import *  # noqa: E402,F401,F403  (PyTorch exports the memory API from torch.cuda)
from ember.cuda._errors import AcceleratorError, CudaError, DeferredCudaCallError, OutOfMemoryError, \
    check_error  # noqa: E402,F401
from ember.cuda._nvml import clock_rate, device_memory_used, memory_usage, power_draw, temperature, \
    utilization  # noqa: E402,F401
from ember.cuda.random import *  # noqa: E402,F401,F403
from ember.cuda._allocator import *  # noqa: E402,F401,F403
from ember.cuda.graphs import CUDAGraph, graph, graph_pool_handle, is_current_stream_capturing  # noqa: E402,F401
from ember.cuda import graphs  # noqa: E402,F401
from ember.cuda._graphed_callables import make_graphed_callables  # noqa: E402,F401
from ember.cuda._runtime_api import cudart, cudaStatus, get_stream_from_external  # noqa: E402,F401
from ember.cuda.green_contexts import GreenContext  # noqa: E402,F401
from ember._legacy import cuda_legacy_types as _legacy_types  # noqa: E402

globals().update(_legacy_types())
from ember.cuda._legacy_storage import cuda_legacy_storages as _legacy_storages  # noqa: E402

globals().update(_legacy_storages())


def __getattr__(name):
    # the submodules load on first use, as ``import ember`` should not pay for them
    if name in ('nvtx', 'comm', 'jiterator', 'profiler', 'tunable', 'gds', 'green_contexts', 'nccl', 'sparse'):
        import importlib
        return importlib.import_module(f'ember.cuda.{name}')
    if name == 'default_generators':
        # one generator per device; ember's devices share the default generator (see ember.cuda.random)
        from ember._random.generator import default_generator
        return (default_generator,) * device_count()
    raise AttributeError(f"module 'ember.cuda' has no attribute '{name}'")
from ember.cuda import amp  # noqa: E402,F401  (ember.cuda.amp, bound as PyTorch binds it)
