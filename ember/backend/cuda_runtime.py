"""CUDA runtime services over CuPy: devices, streams, events, the memory pool, pinned host memory.

``ember.cuda`` is PyTorch's API over these functions; nothing outside ``ember/backend/`` touches
CuPy. Each function assumes ``backend._require_cuda()`` has passed (``ember.cuda`` checks first).
"""
import contextlib
import weakref

import numpy as np

from ember import backend


def _cp():
    backend._require_cuda()
    return backend._cupy


def use_device(index):
    """Make ``index`` CuPy's current device: new device arrays are allocated there."""
    _cp().cuda.Device(index).use()
    backend._cupy_device[0] = index


def device_scope(index):
    """A context manager in which ``index`` is CuPy's current device."""
    return _cp().cuda.Device(index)


# ---------------------------------------------------------------- streams and events

def new_stream(index, priority=0):
    with _cp().cuda.Device(index):
        return backend._cupy.cuda.Stream(non_blocking=True, priority=priority)


def current_stream():
    return _cp().cuda.get_current_stream()


def null_stream():
    return _cp().cuda.Stream.null


def new_event(enable_timing, blocking):
    return _cp().cuda.Event(block=blocking, disable_timing=not enable_timing)


def elapsed_ms(start, end):
    return float(_cp().cuda.get_elapsed_time(start, end))


# ---------------------------------------------------------------- the memory pool

_peak = {}      # device index -> the most bytes in use since the last reset
_hook = None    # the CuPy memory hook that keeps _peak, installed on first use of CUDA memory stats


def _pool_bytes(index, which):
    with _cp().cuda.Device(index):
        return int(getattr(backend._cupy.get_default_memory_pool(), which)())


_extra_pools = {}   # id -> a private pool (MemPool, a CUDA graph's) whose memory counts as ember's too


def _extra_bytes(index, which):
    if not _extra_pools:
        return 0
    with _cp().cuda.Device(index):
        return sum(int(getattr(pool, which)()) for pool in list(_extra_pools.values()))


def allocated(index):
    """Bytes of device memory held by live arrays (CuPy's pools: used_bytes)."""
    return _pool_bytes(index, 'used_bytes') + _extra_bytes(index, 'used_bytes')


def reserved(index):
    """Bytes the pools hold from the driver, in use or cached (total_bytes)."""
    return _pool_bytes(index, 'total_bytes') + _extra_bytes(index, 'total_bytes')


def track_peaks():
    """Install (once) a CuPy memory hook that records each device's peak allocation.

    CuPy keeps no peak itself; the hook sees every allocation from here on. Before the first call
    of a memory statistic nothing is tracked, so that the hook costs nothing for other users.
    """
    global _hook
    if _hook is not None and _hook[0] is backend._cupy:
        return
    base = _cp().cuda.MemoryHook

    class PeakHook(base):
        name = 'EmberPeakMemory'

        def malloc_postprocess(self, device_id, size, mem_size, mem_ptr, pmem_id):
            used = allocated(device_id)
            if used > _peak.get(device_id, 0):
                _peak[device_id] = used

    hook = PeakHook()
    hook.__enter__()  # stays active in this thread: there is no matching exit
    _hook = (backend._cupy, hook)
    _peak.clear()


def library_paths():
    """Where CuPy's Python code lives (a package's folder, or a single module's file), as a tuple of prefixes."""
    import os
    path = os.path.abspath(_cp().__file__)
    return (os.path.dirname(path) + os.sep,) if os.path.basename(path) == '__init__.py' else (path,)


def watch_memory(on_malloc, on_free):
    """Install a CuPy memory hook that reports each device allocation, ``on_malloc(device, address, size)``,
    and each return of one to the pool, ``on_free(device, address, size)``; returns a function that removes it.

    CuPy's hooks are per thread: the hook sees the allocations of the thread that installed it.
    """
    class HistoryHook(_cp().cuda.MemoryHook):
        name = 'EmberMemoryHistory'

        def malloc_postprocess(self, device_id, size, mem_size, mem_ptr, pmem_id):
            on_malloc(device_id, mem_ptr, mem_size)

        def free_postprocess(self, device_id, mem_size, mem_ptr, pmem_id):
            on_free(device_id, mem_ptr, mem_size)

    hook = HistoryHook()
    hook.__enter__()
    return lambda: hook.__exit__(None, None, None)


def peak_allocated(index):
    track_peaks()
    now = allocated(index)
    _peak[index] = max(_peak.get(index, 0), now)
    return _peak[index]


def reset_peak(index):
    track_peaks()
    _peak[index] = allocated(index)


def empty_cache():
    """Give the pool's cached (unused) blocks back to the driver, on every device."""
    cp = _cp()
    for i in range(cp.cuda.runtime.getDeviceCount()):
        with cp.cuda.Device(i):
            cp.get_default_memory_pool().free_all_blocks()


# ---------------------------------------------------------------- running out of device memory

_allocator_of = [None]   # the CuPy module whose allocator raises ember's OutOfMemoryError


def translate_out_of_memory():
    """Make device allocations that fail raise ``ember.OutOfMemoryError`` (``torch.cuda.OutOfMemoryError``,
    what PyTorch programs catch to retry with a smaller batch) instead of CuPy's own error.

    CuPy allocates every device array through one allocator function (the memory pool's ``malloc``);
    ember installs a wrapper around the pool's that turns CuPy's error into PyTorch's. The pool has
    already freed its cached blocks and retried before it gives up, as PyTorch's allocator does.
    """
    cp = backend._cupy
    if _allocator_of[0] is cp:
        return
    pool = cp.get_default_memory_pool()
    cupy_oom = cp.cuda.memory.OutOfMemoryError

    def malloc(nbytes):
        try:
            return pool.malloc(nbytes)
        except cupy_oom:
            raise out_of_memory(nbytes) from None

    cp.cuda.set_allocator(malloc)
    _allocator_of[0] = cp


def size_text(n):
    """Bytes as PyTorch's allocator messages write them (``512 bytes``, ``2.00 MiB``)."""
    for limit, unit in ((1024, None), (1024 ** 2, 'KiB'), (1024 ** 3, 'MiB')):
        if n <= limit:
            return f'{n} bytes' if unit is None else f'{n / (limit // 1024):.2f} {unit}'
    return f'{n / 1024 ** 3:.2f} GiB'


_ooms = {}     # device index -> allocations refused for want of memory (memory_stats' num_ooms)


def ooms(index):
    return _ooms.get(index, 0)


def reset_ooms(index):
    _ooms.pop(index, None)


def out_of_memory(nbytes):
    """``ember.OutOfMemoryError`` for a failed allocation of ``nbytes`` on CuPy's current device."""
    from ember._errors import OutOfMemoryError
    cp = backend._cupy
    index = cp.cuda.runtime.getDevice()
    _ooms[index] = _ooms.get(index, 0) + 1
    free, total = cp.cuda.runtime.memGetInfo()
    pool = cp.get_default_memory_pool()
    used, held, cap = int(pool.used_bytes()), int(pool.total_bytes()), int(pool.get_limit())
    capped = (f" ember's memory pool on this device is capped at {size_text(cap)} "
              f"(ember.cuda.set_per_process_memory_fraction).") if cap else ''
    return OutOfMemoryError(
        f"CUDA out of memory. Tried to allocate {size_text(int(nbytes))}. GPU {index} has a total capacity of "
        f"{size_text(int(total))} of which {size_text(int(free))} is free. Of the allocated memory "
        f"{size_text(used)} is allocated by ember, and {size_text(held - used)} is reserved by ember but "
        f"unallocated.{capped} If reserved but unallocated memory is large, ember.cuda.empty_cache() gives it "
        f"back to the driver.")


# ---------------------------------------------------------------- devices and streams from elsewhere

def can_access_peer(index, peer):
    """Whether device ``index`` can read and write memory of device ``peer`` directly."""
    return bool(_cp().cuda.runtime.deviceCanAccessPeer(index, peer))


def external_stream(pointer, index):
    """A CuPy stream over a ``cudaStream_t`` another library created (its address as an int)."""
    return _cp().cuda.ExternalStream(pointer, index)


def error_text(code):
    """The CUDA runtime's description of error ``code`` (``cudaErrorMemoryAllocation: out of memory``)."""
    return str(_cp().cuda.runtime.CUDARuntimeError(code))


# ---------------------------------------------------------------- pinned host memory

# what ember has asked of the pinned allocator: {key: [current, peak, allocated, freed]} and counts
_host = {}


def _host_count(key, delta):
    c = _host.setdefault(key, [0, 0, 0, 0])
    c[0] += delta
    c[1] = max(c[1], c[0])
    c[2 if delta > 0 else 3] += abs(delta)


def _host_freed(n):
    for key, delta in (('allocations', -1), ('allocated_bytes', -n), ('active_requests', -1), ('active_bytes', -n)):
        _host_count(key, delta)


def host_stats():
    """Statistics of the pinned host memory ember holds, as nested dictionaries (PyTorch's key names)."""
    names = ('current', 'peak', 'allocated', 'freed')
    nested = {key: dict(zip(names, c)) for key, c in _host.items()}
    if 'allocations' in _host:
        nested['num_host_alloc'] = _host['allocations'][2]
        nested['num_host_free'] = _host['allocations'][3]
    return nested


def reset_host_stats(peak):
    """Set each peak to its current value (``peak``), or the allocated/freed totals to 0."""
    for c in _host.values():
        if peak:
            c[1] = c[0]
        else:
            c[2] = c[3] = 0


def pinned_empty(shape, dtype):
    """A host NumPy array in page-locked memory (fast, asynchronous copies to the device)."""
    dtype = np.dtype(dtype)
    n = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    mem = _cp().cuda.alloc_pinned_memory(max(n, 1))
    size = max(n, 1)
    for key, delta in (('allocations', 1), ('allocated_bytes', size), ('active_requests', 1), ('active_bytes', size)):
        _host_count(key, delta)
    weakref.finalize(mem, _host_freed, size)
    return np.frombuffer(mem, dtype, int(np.prod(shape, dtype=np.int64))).reshape(shape)


def is_pinned(arr):
    """Whether a host array lies in memory CuPy allocated as pinned."""
    if backend._cupy is None or not isinstance(arr, np.ndarray):
        return False
    root = arr
    while isinstance(root.base, np.ndarray):
        root = root.base
    owner = getattr(root.base, 'obj', root.base)  # np.frombuffer keeps a memoryview of the owner
    return isinstance(owner, backend._cupy.cuda.PinnedMemoryPointer)


# ---------------------------------------------------------------- device memory: free/total and the pool's limit

def mem_get_info(index):
    """(free, total) bytes of device memory, as the driver reports them."""
    with _cp().cuda.Device(index):
        free, total = backend._cupy.cuda.runtime.memGetInfo()
    return int(free), int(total)


def set_pool_fraction(index, fraction):
    """Cap the device's memory pool at ``fraction`` of its total memory (allocations beyond it fail)."""
    with _cp().cuda.Device(index):
        backend._cupy.get_default_memory_pool().set_limit(fraction=fraction)


def pool_limit(index):
    """The pool's cap in bytes (0: none)."""
    with _cp().cuda.Device(index):
        return int(backend._cupy.get_default_memory_pool().get_limit())


# ---------------------------------------------------------------- NVTX ranges (for profilers such as Nsight)

def nvtx():
    """CuPy's NVTX bindings: RangePush(message), RangePop(), Mark(message)."""
    return _cp().cuda.nvtx


# ---------------------------------------------------------------- raw allocations, memory pools, library handles

_raw = {}   # address -> the CuPy pointer that keeps a caching_allocator_alloc block alive


def raw_alloc(index, nbytes, stream):
    """Allocate ``nbytes`` on device ``index`` from the current allocator, queued on ``stream``; the address."""
    cp = _cp()
    with cp.cuda.Device(index), stream:
        pointer = cp.cuda.get_allocator()(int(nbytes))
    _raw[int(pointer.ptr)] = pointer
    return int(pointer.ptr)


def raw_delete(address):
    """Give a block from :func:`raw_alloc` back to its pool (False if ``address`` is not one)."""
    return _raw.pop(int(address), None) is not None


def new_pool():
    """A memory pool of its own (CuPy's MemoryPool), separate from the default one; its memory counts in
    :func:`allocated` until :func:`forget_pool`."""
    pool = _cp().cuda.MemoryPool()
    _extra_pools[id(pool)] = pool
    return pool


def forget_pool(pool):
    _extra_pools.pop(id(pool), None)


def pool_used_bytes(pool, index):
    with _cp().cuda.Device(index):
        return int(pool.used_bytes()), int(pool.total_bytes())


@contextlib.contextmanager
def allocate_from(pool, index):
    """Inside the block, device ``index``'s allocations in this thread come from ``pool``."""
    cp = _cp()
    with cp.cuda.Device(index), cp.cuda.using_allocator(pool.malloc):
        yield


def allocator_backend():
    """'cudaMallocAsync' when CuPy allocates from the driver's stream-ordered pool, else 'native'."""
    cp = _cp()
    owner = getattr(cp.cuda.get_allocator(), '__self__', None)
    return 'cudaMallocAsync' if isinstance(owner, cp.cuda.MemoryAsyncPool) else 'native'


def blas_handle(index):
    """The address of device ``index``'s cuBLAS handle (CuPy's, which its matrix products use)."""
    return int(_cp().cuda.Device(index).cublas_handle)


def solver_handle(index):
    """The address of device ``index``'s cuSOLVER handle (CuPy's, which its linear algebra uses)."""
    return int(_cp().cuda.Device(index).cusolver_handle)


def is_capturing(stream):
    """Whether ``stream`` (a CuPy stream) is recording a CUDA graph."""
    return bool(stream.is_capturing())


# ---------------------------------------------------------------- elementwise kernels compiled at run time

_kernels = {}


def elementwise_kernel(in_params, out_params, operation, name, preamble):
    """A CuPy ElementwiseKernel (compiled on first launch, then cached by CuPy), kept per source."""
    key = (in_params, out_params, operation, name, preamble)
    kernel = _kernels.get(key)
    if kernel is None:
        kernel = _kernels[key] = _cp().ElementwiseKernel(in_params, out_params, operation, name, preamble=preamble)
    return kernel


# ---------------------------------------------------------------- CUDA graphs: capture on a stream, replay

_CAPTURE_MODES = {'global': 'streamCaptureModeGlobal', 'thread_local': 'streamCaptureModeThreadLocal',
                  'relaxed': 'streamCaptureModeRelaxed'}


def begin_capture(stream, mode):
    """Start recording the work queued on ``stream`` (a CuPy stream) into a graph instead of running it."""
    cp = _cp()
    stream.begin_capture(mode=getattr(cp.cuda.runtime, _CAPTURE_MODES[mode]))


def end_capture(stream):
    """Stop recording on ``stream``; the recorded graph (CuPy's Graph, instantiated, ready to launch)."""
    return stream.end_capture()


def launch_graph(graph, stream):
    """Run a recorded graph's work again, queued on ``stream``."""
    graph.launch(stream)


# ---------------------------------------------------------------- the CUDA runtime's own calls

def runtime_status(call_name, *args):
    """Call CuPy's binding of a CUDA runtime function and return its status code (0: success), as the C
    function would, instead of CuPy's exception."""
    cp = _cp()
    try:
        getattr(cp.cuda.runtime, call_name)(*args)
    except cp.cuda.runtime.CUDARuntimeError as e:
        return int(getattr(e, 'status', 999))
    return 0


# ---------------------------------------------------------------- allocators other than the pool

def set_caching(enabled):
    """Allocate from the caching pool (``enabled``) or straight from the driver, every block freed at once."""
    cp = _cp()
    if enabled:
        _allocator_of[0] = None
        translate_out_of_memory()
    else:
        cp.cuda.set_allocator(lambda nbytes: cp.cuda.MemoryPointer(cp.cuda.Memory(nbytes), 0))
        _allocator_of[0] = None


class _ExternalBlock:
    """Frees a block from a C allocator when CuPy lets go of it (CuPy keeps it as UnownedMemory's owner)."""

    def __init__(self, free_fn, ptr, size, device, stream):
        self.args = (ptr, size, device, stream)
        self.free_fn = free_fn

    def __del__(self):
        self.free_fn(*self.args)


def use_external_allocator(alloc_fn, free_fn):
    """Allocate every device block with C functions ``alloc_fn(size, device, stream) -> void*`` and
    ``free_fn(ptr, size, device, stream)`` (PyTorch's pluggable allocator interface)."""
    cp = _cp()

    def malloc(nbytes):
        device = int(cp.cuda.runtime.getDevice())
        stream = int(cp.cuda.get_current_stream().ptr)
        ptr = alloc_fn(nbytes, device, stream)
        if not ptr:
            raise out_of_memory(nbytes)
        owner = _ExternalBlock(free_fn, ptr, nbytes, device, stream)
        return cp.cuda.MemoryPointer(cp.cuda.UnownedMemory(ptr, nbytes, owner, device), 0)

    cp.cuda.set_allocator(malloc)
    _allocator_of[0] = None


# ---------------------------------------------------------------- NCCL collectives between this process's GPUs

_NCCL_TYPES = {'int8': 'NCCL_INT8', 'uint8': 'NCCL_UINT8', 'int32': 'NCCL_INT32', 'uint32': 'NCCL_UINT32',
               'int64': 'NCCL_INT64', 'uint64': 'NCCL_UINT64', 'float16': 'NCCL_FLOAT16',
               'float32': 'NCCL_FLOAT32', 'float64': 'NCCL_FLOAT64', 'bool': 'NCCL_UINT8'}
_comms = {}   # (CuPy module, device indices) -> NCCL communicators, one per device


def nccl():
    """CuPy's NCCL bindings, or None where CuPy was built without NCCL."""
    cp = _cp()
    lib = getattr(cp.cuda, 'nccl', None)
    if lib is None and cp.__name__ == 'cupy':
        import importlib
        try:
            lib = importlib.import_module('cupy.cuda.nccl')
        except ImportError:
            return None
    return lib if lib is not None and getattr(lib, 'available', True) else None


def nccl_version():
    """NCCL's version as an int (major * 10000 + minor * 100 + patch since 2.9)."""
    return int(nccl().get_version())


def nccl_collective(kind, devices, sends, recvs, counts, dtype, streams, op=0, root=0):
    """Run one NCCL collective across ``devices`` (one send and receive array per device, on that device),
    as one group so that no device waits for another's launch."""
    lib = nccl()
    key = (backend._cupy, tuple(devices))
    if key not in _comms:
        _comms[key] = lib.NcclCommunicator.initAll(list(devices))
    comms = _comms[key]
    nccl_type = getattr(lib, _NCCL_TYPES[str(dtype)])
    lib.groupStart()
    try:
        for comm, dev, send, recv, count, stream in zip(comms, devices, sends, recvs, counts, streams):
            with _cp().cuda.Device(dev):
                s, r, st = send.data.ptr, recv.data.ptr, stream.ptr
                if kind == 'all_reduce':
                    comm.allReduce(s, r, count, nccl_type, op, st)
                elif kind == 'reduce':
                    comm.reduce(s, r, count, nccl_type, op, root, st)
                elif kind == 'broadcast':
                    comm.broadcast(s, r, count, nccl_type, root, st)
                elif kind == 'all_gather':
                    comm.allGather(s, r, count, nccl_type, st)
                else:
                    comm.reduceScatter(s, r, count, nccl_type, op, st)
    finally:
        lib.groupEnd()
