"""The only module that knows CuPy exists.

Ops receive ``ctx.xp`` (NumPy or CuPy) and write array code once for both;
anything that must differ per device sits behind a function here.
"""
import functools

import numpy as np

from .meta_array import MetaArray, as_meta, meta_array, meta_numpy, laid_out as meta_laid_out, \
    layout as meta_layout, layout_probe as meta_layout_probe  # noqa: F401 - the 'meta' device's arrays
from ember.backend._cpu_memory import tune_allocator
from ember.backend._overlap import memory_overlap  # noqa: F401  (re-exported)

tune_allocator()   # large arrays reuse the process's memory from step to step (see _cpu_memory)

try:  # CuPy is an optional extra; without a GPU it is simply absent
    import cupy as _cupy
except Exception:  # noqa: BLE001 - a broken CUDA install must not break CPU use
    _cupy = None
_cupyx = None  # cupyx (scatter kernels, special functions): imported on first use

_current_cuda = 0


def _use_cuda_modules(cupy_like, cupyx_like):
    """Serve 'cuda' with another CuPy-compatible module pair (the test suite's strict stand-in).

    Returns a function that restores the previous modules and current device.
    """
    global _cupy, _cupyx, _current_cuda
    saved = (_cupy, _cupyx, _current_cuda)
    _cupy, _cupyx, _current_cuda = cupy_like, cupyx_like, 0
    _cupy_device[0] = None

    def restore():
        global _cupy, _cupyx, _current_cuda
        _cupy, _cupyx, _current_cuda = saved
        _cupy_device[0] = None
    return restore


def _cupyx_module():
    global _cupyx
    if _cupyx is None:
        import cupyx
        import cupyx.scipy.special  # noqa: F401 - a submodule cupyx does not import itself
        _cupyx = cupyx
    return _cupyx


_CUPYX_SCATTER = {'add': 'scatter_add', 'maximum': 'scatter_max', 'minimum': 'scatter_min'}


def scatter_ufunc(ufunc, out, key, values):
    """``numpy.<ufunc>.at(out, key, values)`` on either device: unbuffered, so repeated indices
    all count. CuPy has device kernels for add/maximum/minimum; other ufuncs (multiply) make a
    round trip through host memory."""
    if isinstance(out, np.ndarray):
        getattr(np, ufunc).at(out, key, values)
        return
    name = _CUPYX_SCATTER.get(ufunc)
    if name is not None:
        getattr(_cupyx_module(), name)(out, key, values)
        return
    host = to_numpy(out)
    hkey = tuple(to_numpy(k) if is_device_array(k) else k for k in key) if isinstance(key, tuple) \
        else (to_numpy(key) if is_device_array(key) else key)
    getattr(np, ufunc).at(host, hkey, to_numpy(values) if is_device_array(values) else values)
    out[...] = _cupy.asarray(host)


def is_device_array(x):
    """Whether ``x`` is a CuPy (device) array."""
    return _cupy is not None and isinstance(x, _cupy.ndarray)


def device_special(name):
    """``cupyx.scipy.special.<name>``: the device kernel of a special function."""
    return getattr(_cupyx_module().scipy.special, name)


def device_special_or_none(name):
    """The device kernel of SciPy's special function ``name`` when CuPy has one, else None."""
    try:
        return getattr(_cupyx_module().scipy.special, name, None)
    except ImportError:  # cupyx without its SciPy part: the host kernel serves
        return None



def _quiet_fp_switch():
    """``(enter, leave)``: silence NumPy's floating-point warnings for ember's own computations only.

    PyTorch never warns on overflow, division by zero or invalid values (it yields inf/nan), so
    ember's ops must not either; but the user's own NumPy code keeps the user's settings. ``enter()``
    returns a token for ``leave(token)``. An ``np.errstate`` block costs about a microsecond, too
    much around every op, so this sets NumPy's error state directly: one context-variable write in
    NumPy 2, one thread-local write in NumPy 1 (with ``np.errstate`` as the fallback should
    either ever change).
    """
    try:  # NumPy >= 2: the error state is a context variable holding an "extobj" capsule
        from numpy._core._ufunc_config import _extobj_contextvar as var, _make_extobj
        quiet = _make_extobj(all='ignore')
        return functools.partial(var.set, quiet), var.reset   # a partial of a C method: no Python frame
    except (ImportError, AttributeError, TypeError):
        pass
    try:  # NumPy 1.x: a thread-local [bufsize, error mask, callback]; mask 0 ignores everything
        from numpy.core import umath
        get, put = umath.geterrobj, umath.seterrobj

        def enter():
            old = get()
            put([old[0], 0, old[2]])
            return old
        return enter, put
    except (ImportError, AttributeError):
        pass

    def enter():
        state = np.errstate(all='ignore')
        state.__enter__()
        return state
    return enter, lambda state: state.__exit__(None, None, None)


quiet_fp_enter, quiet_fp_leave = _quiet_fp_switch()


_gpu_problem = [None, None]  # [module checked, why it has no usable GPU ('' when it has one)]


def _why_no_gpu():
    """'' when CuPy sees a GPU, else the reason (asked once per CuPy module: every op checks)."""
    if _gpu_problem[0] is not _cupy:
        try:
            n = _cupy.cuda.runtime.getDeviceCount()
            why = '' if n > 0 else 'CuPy sees no CUDA device'
        except Exception as e:  # noqa: BLE001 - no driver, no device, mismatched CUDA runtime...
            why = f'{type(e).__name__}: {e}'
        _gpu_problem[:] = [_cupy, why]
        if not why:
            from ember.backend.cuda_runtime import translate_out_of_memory
            translate_out_of_memory()
    return _gpu_problem[1]


def cuda_available():
    return _cupy is not None and not _why_no_gpu()


def cuda_built():
    """True when CuPy (ember's CUDA support) is installed, whether or not a GPU is present."""
    return _cupy is not None


def cuda_runtime_version():
    """The CUDA runtime CuPy uses, as ``'major.minor'`` (``None`` without CuPy or CUDA)."""
    if _cupy is None:
        return None
    try:
        v = _cupy.cuda.runtime.runtimeGetVersion()
    except Exception:  # noqa: BLE001 - CuPy without a usable CUDA runtime
        return None
    return f'{v // 1000}.{v % 1000 // 10}'


def cuda_device_count():
    return _cupy.cuda.runtime.getDeviceCount() if cuda_available() else 0


def current_cuda_index():
    return _current_cuda


def set_current_cuda_index(i):
    global _current_cuda
    _current_cuda = i


def _require_cuda():
    if _cupy is None:
        raise AssertionError("Torch not compiled with CUDA enabled: ember runs CUDA tensors through CuPy, which "
                             "is not installed (pip install 'ember[cuda]', or the cupy-cudaXXx wheel matching "
                             "your CUDA version)")
    why = _why_no_gpu()
    if why:
        raise AssertionError(f"Found no NVIDIA driver on your system. CuPy is installed but cannot use a GPU "
                             f"({why})")


def cuda_synchronize(index):
    _require_cuda()
    _cupy.cuda.Device(index).synchronize()


def cuda_device_properties(index):
    _require_cuda()
    return _cupy.cuda.runtime.getDeviceProperties(index)


# The device CuPy allocates on and launches kernels on, as ember last set it. An op on a tensor of
# 'cuda:1' must run there whatever ember's current device is: CuPy works on its current device
# (and refuses, or reads across the bus, arrays of another), so ember switches CuPy's device to the
# op's, and leaves it there (a comparison per op, not a switch per op).
_cupy_device = [None]


def _cupy_on(index):
    if _cupy_device[0] != index:
        _cupy.cuda.Device(index).use()
        _cupy_device[0] = index


def get_array_module(device):
    """numpy for 'cpu'; cupy for 'cuda:N', with device N made CuPy's current device."""
    if device.type == 'cpu':
        return np
    if device.type != 'cuda':
        if device.type == 'meta':  # shapes and dtypes only: NumPy works them out on zero-memory arrays
            return meta_numpy
        raise _unavailable(device.type)
    _require_cuda()
    _cupy_on(device.index or 0)
    return _cupy


def _unavailable(device_type):
    """PyTorch's error for a device type this build does not run (ember runs cpu, and cuda through CuPy)."""
    if device_type == 'xpu':
        return AssertionError("Torch not compiled with XPU enabled")
    if device_type == 'mps':
        return RuntimeError("PyTorch is not linked with support for mps devices")
    return RuntimeError(f"ember runs tensors on 'cpu' and 'cuda' only, not on '{device_type}'")


def array_module_of(arr):
    """The module of an array; for a device array, its device is made CuPy's current device."""
    if isinstance(arr, np.ndarray) or _cupy is None:
        return meta_numpy if type(arr) is MetaArray else np
    xp = _cupy.get_array_module(arr)
    if xp is _cupy:
        _cupy_on(arr.device.id)
    return xp


def to_numpy(arr, pinned=False):
    """A NumPy view (CPU) or copy (GPU) of an array of either module. ``pinned``: a device array's copy
    lands in page-locked host memory (a faster transfer for large arrays)."""
    if isinstance(arr, np.ndarray):
        return arr
    if _cupy is not None and isinstance(arr, _cupy.ndarray):
        if sync_debug_mode[0]:
            _report_sync()
        if pinned:
            from ember.backend.cuda_runtime import pinned_empty
            return _cupy.ascontiguousarray(arr).get(out=pinned_empty(arr.shape, arr.dtype))
        return _cupy.asnumpy(arr)
    return np.asarray(arr)


# ``ember.cuda.set_sync_debug_mode``: 0 quiet, 1 warn, 2 raise when a copy to the host makes the
# host wait for the device (``.item()``, ``.cpu()``, ``.tolist()``, printing, ...)
sync_debug_mode = [0]


def _report_sync():
    if sync_debug_mode[0] == 2:
        raise RuntimeError("called a synchronizing CUDA operation")
    import warnings
    warnings.warn("called a synchronizing CUDA operation", UserWarning, stacklevel=3)


def move(arr, device, non_blocking=False):
    """The array on ``device`` (a no-op when it already lives there). ``non_blocking`` lets a copy
    from pinned host memory run asynchronously on the current stream."""
    if type(arr) is MetaArray and device.type != 'meta':
        raise NotImplementedError("Cannot copy out of meta tensor; no data!")
    if device.type == 'cpu':
        return to_numpy(arr)
    if device.type != 'cuda':
        if device.type == 'meta':
            return arr if type(arr) is MetaArray else meta_array(arr.shape, arr.dtype)
        raise _unavailable(device.type)
    _require_cuda()
    index = device.index or 0
    if isinstance(arr, _cupy.ndarray):
        if arr.device.id == index:
            return arr
        with _cupy.cuda.Device(index):  # a peer copy: asarray alone would keep the source device
            return _cupy.array(arr, copy=True)
    with _cupy.cuda.Device(index):
        if non_blocking:
            return _cupy.asarray(arr, blocking=False)
        return _cupy.asarray(arr)


def write_into(arr, values, device):
    """Copy ``values`` (a host or device array of ``arr``'s shape) into the CUDA array ``arr`` on ``device``, in
    place. CuPy writes only into arrays of its current device, so the write runs with ``device`` current (the
    caller's current device is restored after), as PyTorch writes into a tensor whatever device is current."""
    with _cupy.cuda.Device(device.index or 0):
        arr[...] = move(values, device)


def add_into(arr, values):
    """``arr += values`` for a CUDA array ``arr``, run on ``arr``'s device (the caller's current device is
    restored after): CuPy adds in place only into arrays of its current device."""
    with _cupy.cuda.Device(arr.device.id):
        arr += values


def data_ptr(arr):
    """The address of an array's first element (host or device memory)."""
    if isinstance(arr, np.ndarray):
        return arr.__array_interface__['data'][0]
    return arr.data.ptr


def may_share_memory(a, b):
    """Whether arrays ``a`` and ``b`` may overlap in memory (NumPy's or CuPy's test; arrays of different
    devices never do)."""
    xp = array_module_of(a)
    return xp is array_module_of(b) and bool(xp.may_share_memory(a, b))


def storage_root(arr):
    """The array that owns (or wraps the foreign buffer of) the memory ``arr`` views: its storage.

    NOTE: NumPy's ``as_strided`` hides the array it views behind a small wrapper object (its
    ``base`` has a ``base``); the walk passes through it, so such views find their storage too."""
    node = arr
    while True:
        base = node.base
        if base is not None and not hasattr(base, 'dtype'):
            inner = getattr(base, 'base', None) if hasattr(base, '__array_interface__') else None
            base = inner if hasattr(inner, 'dtype') else None   # else a foreign buffer (bytes, mmap)
        if base is None:
            return node
        node = base


def storage_buffer(arr):
    """The foreign object (bytes, mmap, ...) whose memory the storage of ``arr`` wraps, else None."""
    owner = storage_root(arr).base
    return owner.obj if isinstance(owner, memoryview) else owner


def storage_bytes(arr):
    """The whole storage of ``arr`` as a flat uint8 array (a view, never a copy)."""
    root = storage_root(arr)
    if root.flags.c_contiguous:
        flat = root.reshape(-1)
    elif root.flags.f_contiguous:
        flat = root.T.reshape(-1)
    else:
        raise RuntimeError("ember cannot describe the storage of an array whose own memory is not dense")
    return flat.view(np.uint8 if isinstance(flat, np.ndarray) else array_module_of(flat).uint8)


def strided(xp, x, shape, strides):
    """``xp.lib.stride_tricks.as_strided(x, shape, strides)`` (byte strides) for every dtype: ml_dtypes'
    float8_e5m2 (NumPy kind 'f', one byte) describes itself to NumPy as '<f1', a type NumPy cannot read back, so
    its view is made through uint8."""
    if x.dtype.kind == 'f' and x.dtype.itemsize == 1:
        return xp.lib.stride_tricks.as_strided(x.view(np.uint8), shape, strides).view(x.dtype)
    return xp.lib.stride_tricks.as_strided(x, shape, strides)


def view_bytes(flat, np_dtype, offset, shape, strides):
    """An array of ``np_dtype`` with ``shape``/``strides`` (elements) starting ``offset`` elements
    into the flat uint8 array ``flat``: a view of its memory. Bounds are the caller's to check."""
    itemsize = np.dtype(np_dtype).itemsize
    byte_strides = tuple(int(s) * itemsize for s in strides)
    if isinstance(flat, np.ndarray):
        return np.ndarray(tuple(shape), np_dtype, buffer=flat, offset=int(offset) * itemsize, strides=byte_strides)
    xp = array_module_of(flat)
    span = 1 + sum((n - 1) * s for n, s in zip(shape, strides)) if all(shape) else 0
    start = int(offset) * itemsize
    typed = flat[start:start + span * itemsize].view(np_dtype)
    return xp.lib.stride_tricks.as_strided(typed, tuple(shape), byte_strides)


def storage_offset(arr):
    """How many elements into its allocation an array (a view) starts."""
    if isinstance(arr, np.ndarray):
        base = storage_root(arr)
        if base is arr:
            return 0
        return (arr.__array_interface__['data'][0] - base.__array_interface__['data'][0]) // arr.itemsize
    # CuPy: the pointer's offset within the memory block it belongs to
    return (arr.data.ptr - arr.data.mem.ptr) // arr.itemsize


def device_of(arr):
    from ember._device import CPU, device
    if isinstance(arr, np.ndarray):
        return CPU
    return device('cuda', arr.device.id)


def from_dlpack(obj, device_type):
    """The array a DLPack producer exports, sharing its memory: NumPy for host memory (DLPack
    device type 1), CuPy for CUDA memory (type 2)."""
    if device_type == 1:
        return np.from_dlpack(obj)
    _require_cuda()
    return _cupy.from_dlpack(obj)
