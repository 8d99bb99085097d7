"""The CUDA allocator's API beyond statistics (PyTorch's ``torch.cuda.memory``): raw blocks for other
libraries, private memory pools, the allocator's name and pinned host memory statistics.

ember's allocator is CuPy's memory pool; a :class:`MemPool` is a CuPy pool of its own, and
``use_mem_pool`` routes the block's allocations to it.
"""
import collections
import contextlib
import ctypes
import itertools
import weakref

from ember import backend
from ember.backend import cuda_runtime as _rt

__all__ = ['CUDAPluggableAllocator', 'MemPool', 'caching_allocator_disabled', 'caching_allocator_enable',
           'change_current_allocator', 'caching_allocator_alloc', 'caching_allocator_delete', 'get_allocator_backend',
           'host_memory_stats', 'host_memory_stats_as_nested_dict', 'memory_snapshot',
           'reset_accumulated_host_memory_stats', 'reset_peak_host_memory_stats', 'use_mem_pool']


def _index(device):
    from ember.cuda import _index
    return _index(device)


def caching_allocator_alloc(size, device=None, stream=None):
    """Allocate ``size`` bytes of device memory from ember's allocator and return its address (an int),
    for libraries that take raw device pointers. Give it back with :func:`caching_allocator_delete`.

    Args:
        size (int): bytes to allocate.
        device (ember.device or int, optional): the device (the current one by default).
        stream (ember.cuda.Stream or int, optional): the stream the block is used on (the current one by
            default); an int is a ``cudaStream_t`` address.

    Example::

        >>> ptr = ember.cuda.caching_allocator_alloc(1024)   # doctest: +SKIP
        >>> ember.cuda.caching_allocator_delete(ptr)          # doctest: +SKIP
    """
    backend._require_cuda()
    from ember.cuda.streams import Stream
    idx = _index(device)
    if stream is None:
        stream = Stream(idx, _stream=_rt.current_stream())
    if isinstance(stream, Stream):
        cupy_stream = stream._stream
    elif isinstance(stream, int) and not isinstance(stream, bool):
        cupy_stream = _rt.null_stream() if stream == 0 else _rt.external_stream(stream, idx)
    else:
        raise TypeError("Invalid type for stream argument, must be `torch.cuda.Stream` or `int` representing a "
                        "pointer to an existing stream")
    return _rt.raw_alloc(idx, size, cupy_stream)


def caching_allocator_delete(mem_ptr):
    """Free a block :func:`caching_allocator_alloc` returned (``mem_ptr``, its address)."""
    backend._require_cuda()
    if not _rt.raw_delete(mem_ptr):
        raise RuntimeError(f"invalid device pointer: {hex(int(mem_ptr))}")


def caching_allocator_enable(value=True):
    """Allocate CUDA memory through the caching pool (``True``, the default) or straight from the driver
    (``False``: each freed block goes back at once, slower but exact for debugging). Does nothing
    before CUDA is in use, as in PyTorch."""
    if backend.cuda_available():
        _rt.set_caching(bool(value))


@contextlib.contextmanager
def caching_allocator_disabled():
    """Inside the block, CUDA memory comes straight from the driver (see :func:`caching_allocator_enable`)."""
    caching_allocator_enable(False)
    try:
        yield
    finally:
        caching_allocator_enable(True)


class CUDAPluggableAllocator:
    """A CUDA allocator in a shared library: C functions ``void* alloc(size_t size, int device,
    cudaStream_t stream)`` and ``void free(void* ptr, size_t size, int device, cudaStream_t stream)``.
    Install it with :func:`change_current_allocator`.

    Args:
        path_to_so_file (str): the shared library.
        alloc_fn_name (str): the name of its allocation function.
        free_fn_name (str): the name of its free function.
    """

    def __init__(self, path_to_so_file, alloc_fn_name, free_fn_name):
        lib = ctypes.CDLL(path_to_so_file)
        self._alloc = getattr(lib, alloc_fn_name)
        self._alloc.restype, self._alloc.argtypes = ctypes.c_void_p, (ctypes.c_size_t, ctypes.c_int, ctypes.c_void_p)
        self._free = getattr(lib, free_fn_name)
        self._free.restype = None
        self._free.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_void_p)
        self._lib = lib

    def allocator(self):
        """The shared library holding the allocator's functions."""
        return self._lib


def change_current_allocator(allocator):
    """Allocate all CUDA memory from here on with ``allocator`` (a :class:`CUDAPluggableAllocator`)."""
    backend._require_cuda()
    if not isinstance(allocator, CUDAPluggableAllocator):
        raise TypeError(f"change_current_allocator expects a CUDAPluggableAllocator, got {type(allocator).__name__}")
    _rt.use_external_allocator(allocator._alloc, allocator._free)


def get_allocator_backend():
    """The name of the allocator behind CUDA tensors: ``'native'`` (a caching pool, CuPy's) or
    ``'cudaMallocAsync'`` (the driver's stream-ordered pool, when CuPy was set to use it)."""
    backend._require_cuda()
    return _rt.allocator_backend()


def memory_snapshot(mempool_id=None, include_traces=True):
    """PyTorch lists its allocator's segments and blocks here; CuPy's memory pool, which ember allocates
    from, does not expose them, so there is no snapshot to give. :func:`memory_stats` has the totals."""
    backend._require_cuda()
    raise RuntimeError("memory_snapshot is not available in ember: CuPy's memory pool, which holds ember's CUDA "
                       "memory, does not list its segments and blocks (ember.cuda.memory_stats() has the totals)")


def _record_memory_history(enabled='all', context='all', stacks='all', max_entries=9223372036854775807, device=None,
                           clear_history=False, compile_context=False, global_record_annotations=False,
                           skip_actions=None):
    """Start (``enabled='all'``: every allocation and free, in order; ``'state'``: nothing in order) or stop
    (``enabled=None``) recording ember's CUDA memory actions for :func:`_snapshot`.

    Args:
        enabled (str or None): ``'all'``, ``'state'`` or ``None`` (stop).
        context (str or None): which actions keep the Python stack that made them: ``'all'``, ``'alloc'``,
            ``'state'``/``None`` (none).
        stacks (str): ``'python'`` or ``'all'`` (ember's stacks are Python's either way).
        max_entries (int): keep only the last ``max_entries`` actions per device.
        device (device or int, optional): record only this device (all by default).
        clear_history (bool): forget what was recorded before.
        compile_context, global_record_annotations (bool): not available (``True`` raises).
        skip_actions (list of str, optional): actions not to record (``'alloc'``, ``'free_requested'``,
            ``'free_completed'``).

    CuPy's pool does not list its segments, so snapshots have the recorded actions only (``segments`` is
    empty); the actions are those of the thread that started recording.

    Example::

        >>> ember.cuda.memory._record_memory_history()                        # doctest: +SKIP
        >>> x = ember.ones(1024, device='cuda'); del x                        # doctest: +SKIP
        >>> [e['action'] for e in ember.cuda.memory._snapshot()['device_traces'][0]]   # doctest: +SKIP
        ['alloc', 'free_requested', 'free_completed']
        >>> ember.cuda.memory._record_memory_history(enabled=None)            # doctest: +SKIP
    """
    from ember.cuda import _memory_history
    _memory_history.record(enabled, context, stacks, max_entries, device, clear_history, compile_context,
                           global_record_annotations, skip_actions)


def _snapshot(device=None, augment_with_fx_traces=False):
    """What :func:`_record_memory_history` recorded: ``{'segments': [], 'device_traces': [[...], ...], ...}``,
    one list of actions per device (``action``, ``addr``, ``size``, ``stream``, ``time_us``, ``frames``).

    Example::

        >>> ember.cuda.memory._snapshot()['device_traces']                    # doctest: +SKIP
        [[]]
    """
    if augment_with_fx_traces:
        raise RuntimeError("augment_with_fx_traces is not available in ember's memory snapshots")
    from ember.cuda import _memory_history
    return _memory_history.snapshot(device)


def _dump_snapshot(filename='dump_snapshot.pickle', augment_with_fx_traces=False):
    """Pickle :func:`_snapshot` to ``filename`` (for pytorch.org/memory_viz's memory timeline).

    Example::

        >>> ember.cuda.memory._dump_snapshot('snapshot.pickle')               # doctest: +SKIP
    """
    if augment_with_fx_traces:
        raise RuntimeError("augment_with_fx_traces is not available in ember's memory snapshots")
    backend._require_cuda()
    from ember.cuda import _memory_history
    _memory_history.dump(filename)


# ---------------------------------------------------------------- private memory pools

_user_ids = itertools.count(1)


class MemPool:
    """A memory pool of its own: tensors made inside ``with ember.cuda.use_mem_pool(pool):`` take their
    memory from it (and give it back to it), apart from the rest of the program's.

    Args:
        allocator: a custom allocator (``CUDAPluggableAllocator``); ember's pools are CuPy's, so only
            ``None`` is accepted.
        use_on_oom (bool): PyTorch lets other allocations fall back on this pool; not supported.
        no_split (bool): PyTorch can keep blocks whole; CuPy's pool always splits, so not supported.

    Example::

        >>> pool = ember.cuda.MemPool()                              # doctest: +SKIP
        >>> with ember.cuda.use_mem_pool(pool):                      # doctest: +SKIP
        ...     x = ember.ones(1024, device='cuda')
    """

    def __init__(self, allocator=None, use_on_oom=False, no_split=False):
        if not backend.cuda_available():
            raise RuntimeError("Tried to instantiate dummy base class MemPool")
        for name, value, why in (('allocator', allocator is not None, 'custom allocators'),
                                 ('use_on_oom', use_on_oom, 'falling back on a pool when memory runs out'),
                                 ('no_split', no_split, 'pools that do not split blocks')):
            if value:
                raise ValueError(f"MemPool({name}=...) is not supported: ember's memory pools are CuPy's, "
                                 f"which have no {why}")
        self._pool = _rt.new_pool()
        self._id = (0, next(_user_ids))
        self._users = 0
        weakref.finalize(self, _rt.forget_pool, self._pool)   # its memory stops counting when it goes

    @property
    def id(self):
        """The pool's id, a tuple of two ints."""
        return self._id

    @property
    def allocator(self):
        """The custom allocator the pool was made with (always None in ember)."""
        return None

    def use_count(self):
        """How many holders the pool has: itself, and each ``use_mem_pool`` block active on it."""
        return 1 + self._users

    def snapshot(self, include_traces=True):
        return memory_snapshot(self.id, include_traces=include_traces)

    def _used(self, index):
        return _rt.pool_used_bytes(self._pool, index)


@contextlib.contextmanager
def use_mem_pool(pool, device=None):
    """Inside the block, this thread's allocations on ``device`` (the current one by default) come from
    ``pool``, a :class:`MemPool`."""
    backend._require_cuda()
    idx = _index(device)
    pool._users += 1
    try:
        with _rt.allocate_from(pool._pool, idx):
            yield
    finally:
        pool._users -= 1


# ---------------------------------------------------------------- pinned host memory

def host_memory_stats_as_nested_dict():
    """:func:`host_memory_stats` as nested dictionaries (``stats['allocated_bytes']['current']``);
    empty until CUDA is in use, as in PyTorch."""
    if not backend.cuda_available():
        return {}
    return _rt.host_stats()


def host_memory_stats():
    """Statistics of pinned (page-locked) host memory, as a flat, key-sorted dictionary:
    ``allocations.*`` and ``allocated_bytes.*`` (blocks and bytes held), ``active_requests.*`` and
    ``active_bytes.*`` (those in use), each ``current``/``peak``/``allocated``/``freed``, and
    ``num_host_alloc``/``num_host_free``. Pinned tensors (``pin_memory()``) are counted."""
    flat = []

    def walk(prefix, node):
        for key, value in node.items():
            if isinstance(value, dict):
                walk(prefix + key + '.', value)
            else:
                flat.append((prefix + key, value))

    walk('', host_memory_stats_as_nested_dict())
    return collections.OrderedDict(sorted(flat))


def reset_peak_host_memory_stats():
    """Make each pinned memory peak its current value."""
    backend._require_cuda()
    _rt.reset_host_stats(peak=True)


def reset_accumulated_host_memory_stats():
    """Set the pinned memory totals (``allocated`` and ``freed``) back to zero."""
    backend._require_cuda()
    _rt.reset_host_stats(peak=False)
