"""A strict stand-in for CuPy: NumPy does the arithmetic, but arrays behave like device arrays.

CI has no GPU, yet every path ember takes on CUDA must run there. This module imitates the part
of CuPy ember's backend uses, and is stricter than CuPy where that finds bugs:

- its arrays refuse implicit conversion to NumPy (``__array__`` raises CuPy's TypeError), refuse
  to mix with host NumPy arrays in operators and functions, and refuse NumPy's functions and
  ufuncs (``np.exp(device_array)``): ember must go through ``ctx.xp``;
- array ops return 0-d device arrays, never NumPy scalars (as CuPy does);
- the module, its ``linalg``/``fft``/``random`` parts, ``cupyx`` and the array methods expose only
  the names CuPy has (recorded in ``tests/fixtures/cupy_namespace.json``);
- ``cuda`` has two devices, streams, events, a memory pool that counts live device bytes, and
  pinned host memory.

``install()`` makes ember's backend use it (the test fixture in ``conftest.py`` does this).
"""
import json
import operator
import pathlib
import types
import weakref

import numpy as np

_NAMES = json.loads((pathlib.Path(__file__).resolve().parents[1] / 'fixtures' / 'cupy_namespace.json')
                    .read_text())['namespaces']
_IMPLICIT = ("Implicit conversion to a NumPy array is not allowed. "
             "Please use `.get()` to construct a NumPy array explicitly.")
DEVICE_COUNT = 2


class _State:
    current = 0  # the current device, as cupy.cuda.Device's context sets it
    syncs = []   # what made the host wait for the device (copies to the host, bool/float/item of an array)
    capturing = None   # the stream recording a graph, if any
    recorded = []      # the work it recorded: functions that redo each op into the same memory


def _sync(what):
    if _State.capturing is not None:   # the host cannot wait for work that is only being recorded
        raise _runtime_error('cudaErrorStreamCaptureUnsupported: operation not permitted when stream is capturing')
    _State.syncs.append(what)


def _recording():
    return _State.capturing is not None and Stream._current is _State.capturing


def _record(fn, args, kwargs, out):
    """While a stream captures, remember how to compute ``out`` again: a graph's replay reruns ``fn`` on
    the same input memory (the NumPy arrays in ``args``) and writes into ``out``'s memory."""
    if not _recording():
        return out
    targets = [o._a for o in (out if isinstance(out, (tuple, list)) else (out,)) if type(o) is ndarray]

    def replay():
        res = fn(*args, **kwargs)
        res = res if isinstance(res, (tuple, list)) else (res,)
        for target, value in zip(targets, res):
            if target is not value:
                np.copyto(target, value)
    _State.recorded.append(replay)
    return out


def _record_effect(fn):
    """While a stream captures, remember an in-place write (``fn`` redoes it)."""
    if _recording():
        _State.recorded.append(fn)


def _refuse_host(x):
    raise TypeError(f"Unsupported type {type(x)}")


def _unwrap(x):
    """NumPy arguments for a wrapped call: device arrays give their data; host arrays are refused."""
    t = type(x)
    if t is ndarray:
        return x._a
    if t is np.ndarray:
        _refuse_host(x)
    if t is list or t is tuple:
        return t(_unwrap(i) for i in x)
    return x


def _device_of_args(args, kwargs):
    """The current device, after checking that every device array given lives there: a kernel runs
    on the current device (CuPy without peer access refuses the rest; with it, reads cross the bus)."""
    for x in list(args) + list(kwargs.values()):
        for a in (x if type(x) in (list, tuple) else (x,)):
            if type(a) is ndarray:
                _check_current(a)
    return _State.current


def _check_current(a):
    if a._dev != _State.current:
        raise ValueError(f"Array device must be same as the current device: array device = {a._dev} while "
                         f"current device = {_State.current}")


def _wrap(x, dev):
    if isinstance(x, np.ndarray):
        return ndarray._make(x, dev)
    if isinstance(x, np.generic):  # CuPy never hands back NumPy scalars from array code
        return ndarray._make(np.asarray(x), dev)
    if isinstance(x, tuple):
        items = [_wrap(i, dev) for i in x]
        return type(x)(*items) if hasattr(x, '_fields') else tuple(items)
    if isinstance(x, list):
        return [_wrap(i, dev) for i in x]
    return x


def _wrapped(fn, name):
    def call(*args, **kwargs):
        dev = _device_of_args(args, kwargs)
        args, kwargs = _unwrap(args), {k: _unwrap(v) for k, v in kwargs.items()}
        return _record(fn, args, kwargs, _wrap(fn(*args, **kwargs), dev))
    call.__name__ = name
    return call


# ---------------------------------------------------------------- the memory pool

_TOTAL_MEMORY = 80 * 2 ** 30


class Memory:
    """cupy.cuda.Memory: device bytes straight from the driver (cudaMalloc), freed when collected."""
    _next = [0x7f0000000000]

    def __init__(self, size):
        self.size = size
        self.device_id = _State.current
        self.ptr = Memory._next[0]
        Memory._next[0] += size or 512


class _PoolMemory(Memory):
    """Bytes a pool handed out; they count as the pool's used bytes until collected."""

    def __init__(self, pool, size):
        super().__init__(size)
        pool._used[self.device_id] += size
        pool._cached[self.device_id] = max(0, pool._cached[self.device_id] - size)
        weakref.finalize(self, pool._release, self.device_id, size)


class UnownedMemory:
    """cupy.cuda.UnownedMemory: device bytes another allocator owns; ``owner`` is kept alive with it."""

    def __init__(self, ptr, size, owner, device_id=None):
        self.ptr, self.size, self.owner = ptr, size, owner
        self.device_id = _State.current if device_id is None else device_id


class MemoryPointer:
    """cupy.cuda.MemoryPointer: a position in device memory (``mem``) that keeps the memory alive."""

    def __init__(self, mem, offset):
        self.mem = mem
        self.ptr = mem.ptr + offset
        self.device_id = mem.device_id


class MemoryPool:
    """Counts the bytes of live device buffers (CuPy rounds each allocation up to 512 bytes)."""

    def __init__(self, allocator=None):
        self._used = [0] * DEVICE_COUNT
        self._cached = [0] * DEVICE_COUNT  # freed but kept, until free_all_blocks
        self._limit = [0] * DEVICE_COUNT

    @staticmethod
    def _track(root, dev):
        """Ask the current allocator for ``root``'s bytes, as CuPy does for every buffer (it may refuse);
        the pointer lives as long as the array."""
        if id(root) in _OWNERS:
            return
        pointer = _ALLOCATOR[0](root.nbytes)
        key = id(root)
        _OWNERS[key] = pointer
        address, size = root.__array_interface__['data'][0], getattr(pointer.mem, 'size', 0)
        weakref.finalize(root, MemoryPool._freed, key, dev, address, size)
        for hook in list(_HOOKS):
            hook.malloc_postprocess(device_id=dev, size=root.nbytes, mem_size=size, mem_ptr=address, pmem_id=0)

    @staticmethod
    def _freed(key, dev, address, size):
        _OWNERS.pop(key, None)
        for hook in list(_HOOKS):
            hook.free_postprocess(device_id=dev, mem_size=size, mem_ptr=address, pmem_id=0)

    def _release(self, dev, size):
        self._used[dev] -= size
        self._cached[dev] += size

    def used_bytes(self):
        return self._used[_State.current]  # CuPy's pools are per device: this is the current one's

    def total_bytes(self):
        return self._used[_State.current] + self._cached[_State.current]

    def free_bytes(self):
        return self._cached[_State.current]

    def n_free_blocks(self):
        return int(self._cached[_State.current] > 0)

    def free_all_blocks(self, stream=None):
        self._cached[_State.current] = 0

    def set_limit(self, size=None, fraction=None):
        """cupy's MemoryPool.set_limit: a cap in bytes, given directly or as a fraction of the device's memory."""
        self._limit[_State.current] = int(fraction * _TOTAL_MEMORY) if fraction is not None else int(size or 0)

    def get_limit(self):
        return self._limit[_State.current]

    def malloc(self, nbytes):
        """A pointer to ``nbytes`` (rounded up to 512) on the current device; refuses, as CuPy's pool does,
        an allocation that would pass the pool's limit."""
        size = -(-nbytes // 512) * 512
        limit = self._limit[_State.current]
        if limit and self._used[_State.current] + size > limit:
            raise OutOfMemoryError(size, self._used[_State.current], limit)
        return MemoryPointer(_PoolMemory(self, size), 0)


_OWNERS = {}   # id of a device array's root buffer -> the pointer that holds its bytes


class OutOfMemoryError(MemoryError):
    """cupy.cuda.memory.OutOfMemoryError."""

    def __init__(self, size, total, limit=0):
        super().__init__(f'Out of memory allocating {size:,} bytes (allocated so far: {total:,} bytes, '
                         f'limit set to: {limit:,} bytes).')


_POOL = MemoryPool()
_ALLOCATOR = [_POOL.malloc]   # cupy.cuda.set_allocator replaces it


def get_default_memory_pool():
    return _POOL


# ---------------------------------------------------------------- the array

_OPERATORS = ['add', 'sub', 'mul', 'truediv', 'floordiv', 'mod', 'pow', 'matmul', 'and', 'or', 'xor',
              'lshift', 'rshift']
_COMPARISONS = ['lt', 'le', 'gt', 'ge', 'eq', 'ne']


def _operand(other):
    if type(other) is ndarray:
        _check_current(other)
        return other._a
    if isinstance(other, np.ndarray):
        _refuse_host(other)
    return other


class _DeviceId:
    __slots__ = ('id',)

    def __init__(self, i):
        self.id = i

    def __eq__(self, other):
        return isinstance(other, _DeviceId) and other.id == self.id

    def __hash__(self):
        return self.id

    def __repr__(self):
        return f'<CUDA Device {self.id}>'


class _Pointer:
    """cupy.cuda.MemoryPointer: ``ptr`` the address, ``mem.ptr`` the start of its allocation."""

    def __init__(self, arr):
        self.ptr = arr.__array_interface__['data'][0]
        root = arr
        while isinstance(root.base, np.ndarray):
            root = root.base
        self.mem = types.SimpleNamespace(ptr=root.__array_interface__['data'][0], size=root.nbytes)


class ndarray:
    """A device array: a NumPy array that will not leave the device implicitly."""
    __slots__ = ('_a', '_dev', '__weakref__')
    __array_ufunc__ = None  # NumPy's ufuncs refuse it; NumPy scalars defer to its reflected operators
    __hash__ = None

    def __init__(self, shape, dtype=float, order='C'):
        self._a = np.empty(shape, dtype, order=order)
        self._dev = _State.current
        _POOL._track(self._a, self._dev)

    @classmethod
    def _make(cls, a, dev):
        self = object.__new__(cls)
        self._a = a
        self._dev = dev
        root = a
        while isinstance(root.base, np.ndarray):
            root = root.base
        _POOL._track(root, dev)
        return self

    def __array__(self, *args, **kwargs):
        raise TypeError(_IMPLICIT)

    def __array_function__(self, func, types, args, kwargs):
        raise TypeError(f"numpy.{func.__name__} was called on a device array; use the array module "
                        "(ember's ctx.xp / backend), not numpy")

    # metadata, as CuPy's (plain values, not arrays)
    shape = property(lambda self: self._a.shape)
    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    strides = property(lambda self: self._a.strides)
    itemsize = property(lambda self: self._a.itemsize)
    nbytes = property(lambda self: self._a.nbytes)
    flags = property(lambda self: self._a.flags)
    device = property(lambda self: _DeviceId(self._dev))
    data = property(lambda self: _Pointer(self._a))

    @shape.setter
    def shape(self, value):
        self._a.shape = value

    @property
    def real(self):
        return _wrap(self._a.real, self._dev)

    @real.setter
    def real(self, value):
        self._a.real = _operand(value)

    @property
    def imag(self):
        return _wrap(self._a.imag, self._dev)

    @imag.setter
    def imag(self, value):
        self._a.imag = _operand(value)

    def __getattr__(self, name):
        if name.startswith('_') or name not in _NAMES['cupy.ndarray']:
            raise AttributeError(f"'cupy.ndarray' object has no attribute '{name}'")
        value = getattr(self._a, name)
        if callable(value):
            return _method(value, self._dev)
        return _wrap(value, self._dev)

    def get(self, stream=None, order='C', out=None, blocking=True):
        """The data as a host NumPy array (a copy), CuPy's explicit device-to-host transfer."""
        _sync('get')
        host = np.array(self._a, order=order)
        if out is not None:
            out[...] = host
            return out
        return host

    def set(self, arr, stream=None):
        self._a[...] = arr

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        return (_wrap(x, self._dev) for x in self._a)

    def __getitem__(self, key):
        a, key = self._a, _index(key)
        return _record(a.__getitem__, (key,), {}, _wrap(a[key], self._dev))

    def __setitem__(self, key, value):
        a, key, value = self._a, _index(key), _operand(value)
        a[key] = value
        _record_effect(lambda: a.__setitem__(key, value))

    def __bool__(self):
        _sync('bool')
        return bool(self._a)

    def __int__(self):
        _sync('int')
        return int(self._a)

    def __float__(self):
        _sync('float')
        return float(self._a)

    def __complex__(self):
        _sync('complex')
        return complex(self._a)

    def item(self):
        _sync('item')
        return self._a.item()

    def tolist(self):
        _sync('tolist')
        return self._a.tolist()

    def __neg__(self):
        return _record(operator.neg, (self._a,), {}, _wrap(-self._a, self._dev))

    def __pos__(self):
        return _record(operator.pos, (self._a,), {}, _wrap(+self._a, self._dev))

    def __abs__(self):
        return _record(abs, (self._a,), {}, _wrap(abs(self._a), self._dev))

    def __invert__(self):
        return _record(operator.invert, (self._a,), {}, _wrap(~self._a, self._dev))

    def __copy__(self):
        return _wrap(self._a.copy(), self._dev)

    def __deepcopy__(self, memo):
        return _wrap(self._a.copy(), self._dev)

    def __reduce__(self):
        return _rebuild, (self._a.copy(), self._dev)

    def __repr__(self):
        return repr(self._a)

    def __str__(self):
        return str(self._a)

    def __format__(self, spec):
        return format(self._a, spec) if self._a.ndim == 0 else str(self)


def _method(bound, dev):
    """An array method: NumPy's, on the array's own device (its arguments must not be host arrays)."""
    def call(*args, **kwargs):
        args, kwargs = _unwrap(args), {k: _unwrap(v) for k, v in kwargs.items()}
        return _record(bound, args, kwargs, _wrap(bound(*args, **kwargs), dev))
    return call


def _rebuild(a, dev):
    return ndarray._make(a, dev)


def _index(key):
    # CuPy copies host index arrays to the device; device arrays index directly
    if type(key) is tuple:
        return tuple(k._a if type(k) is ndarray else k for k in key)
    return key._a if type(key) is ndarray else key


def _binary(name):
    fn = getattr(operator, name if name not in ('and', 'or') else name + '_')

    def forward(self, other):
        _check_current(self)
        args = (self._a, _operand(other))
        return _record(fn, args, {}, _wrap(fn(*args), self._dev))

    def reflected(self, other):
        _check_current(self)
        args = (_operand(other), self._a)
        return _record(fn, args, {}, _wrap(fn(*args), self._dev))

    def inplace(self, other):
        _check_current(self)
        iop, a, b = getattr(operator, 'i' + name), self._a, _operand(other)
        self._a = iop(a, b)
        _record_effect(lambda: iop(a, b))
        return self
    return forward, reflected, inplace


for _name in _OPERATORS:
    _f, _r, _i = _binary(_name)
    setattr(ndarray, f'__{_name}__', _f)
    setattr(ndarray, f'__r{_name}__', _r)
    setattr(ndarray, f'__i{_name}__', _i)
for _name in _COMPARISONS:
    setattr(ndarray, f'__{_name}__', _binary(_name)[0])
ndarray.__divmod__ = lambda self, other: _wrap(divmod(self._a, _operand(other)), self._dev)


# ---------------------------------------------------------------- the namespaces

class _Ufunc:
    """A ufunc and the methods CuPy's ufuncs have (at, reduce, accumulate, outer, reduceat)."""

    def __init__(self, uf):
        self._uf = uf
        self.__name__ = uf.__name__
        self.nin, self.nout, self.nargs, self.types = uf.nin, uf.nout, uf.nargs, uf.types
        for m in ('at', 'reduce', 'accumulate', 'outer', 'reduceat'):
            setattr(self, m, _wrapped(getattr(uf, m), m))
        self._call = _wrapped(uf, uf.__name__)

    def __call__(self, *args, **kwargs):
        return self._call(*args, **kwargs)


def _namespace(name, source, names, extra=()):
    mod = types.ModuleType(name)
    for n in names:
        if n in extra:
            continue
        obj = getattr(source, n, None)
        if obj is None:
            continue  # a CuPy-only name this stand-in does not imitate: absent, so its use fails loudly
        if isinstance(obj, np.ufunc):
            setattr(mod, n, _Ufunc(obj))
        elif isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)) or callable(obj) and \
                type(obj).__name__ in ('_ArrayFunctionDispatcher', 'function', 'builtin_function_or_method'):
            setattr(mod, n, _wrapped(obj, n))
        elif isinstance(obj, types.ModuleType):
            continue
        else:
            setattr(mod, n, obj)  # dtypes, scalar types, finfo/iinfo, constants: shared with NumPy
    return mod


def _asarray(a, dtype=None, order=None, *, blocking=False):
    if type(a) is ndarray:
        if dtype is None or np.dtype(dtype) == a.dtype:
            return a
        return _wrap(a._a.astype(dtype), a._dev)
    # host data: copied to the current device, as cupy.asarray does
    return ndarray._make(np.array(_unwrap_nested(a), dtype=dtype, order=order or 'K'), _State.current)


def _array(obj, dtype=None, copy=True, order='K', subok=False, ndmin=0, *, blocking=False):
    if type(obj) is ndarray:  # a copy lands on the current device (a peer copy when it differs)
        if not copy and obj._dev == _State.current and (dtype is None or np.dtype(dtype) == obj.dtype):
            return obj
        return _wrap(np.array(obj._a, dtype=dtype, copy=True, order=order, ndmin=ndmin), _State.current)
    return ndarray._make(np.array(_unwrap_nested(obj), dtype=dtype, order=order, ndmin=ndmin), _State.current)


def _unwrap_nested(x):
    if type(x) is ndarray:
        return x._a
    if isinstance(x, (list, tuple)):
        return type(x)(_unwrap_nested(i) for i in x)
    return x


def asnumpy(a, stream=None, order='C', out=None, blocking=True):
    if type(a) is ndarray:
        return a.get(order=order, out=out)
    return np.asarray(a, order=order)


def get_array_module(*args):
    return xp if any(type(a) is ndarray for a in args) else np


xp = _namespace('strict_xp', np, _NAMES['cupy'], extra=('ndarray', 'asarray', 'array', 'asanyarray',
                                                        'asnumpy', 'get_array_module', 'random', 'cuda'))
xp.ndarray = ndarray
xp.asarray = xp.asanyarray = _asarray
xp.array = _array
xp.asnumpy = asnumpy
xp.get_array_module = get_array_module
xp.get_default_memory_pool = get_default_memory_pool
xp.linalg = _namespace('strict_xp.linalg', np.linalg, _NAMES['cupy.linalg'])
xp.fft = _namespace('strict_xp.fft', np.fft, _NAMES['cupy.fft'])
xp.lib = types.ModuleType('strict_xp.lib')
xp.lib.stride_tricks = _namespace('strict_xp.lib.stride_tricks', np.lib.stride_tricks,
                                  _NAMES['cupy.lib.stride_tricks'])
xp.__version__ = 'strict-standin'
xp.__file__ = __file__   # where its Python code lives, as cupy.__file__ says for CuPy


# ---------------------------------------------------------------- random

class _Generator:
    """cupy.random.Generator's interface over NumPy's, producing device arrays."""

    def __init__(self, bit_generator):
        self._g = np.random.Generator(bit_generator)

    def __getattr__(self, name):
        if name not in ('random', 'standard_normal', 'integers', 'uniform', 'normal', 'exponential',
                        'standard_exponential', 'binomial', 'poisson', 'gamma', 'standard_gamma', 'beta',
                        'geometric', 'permutation'):
            raise AttributeError(name)
        return _wrapped(getattr(self._g, name), name)


def _philox(seed=None):
    return np.random.Philox(seed)


random = types.ModuleType('strict_xp.random')
random.default_rng = lambda seed=None: _Generator(np.random.PCG64(seed))
random.Philox4x3210 = _philox
random.Generator = _Generator
xp.random = random


# ---------------------------------------------------------------- cuda: devices, streams, events, pinned memory

class Device:
    def __init__(self, device=None):
        self.id = _State.current if device is None else int(device)
        if not 0 <= self.id < DEVICE_COUNT:
            raise _runtime_error('cudaErrorInvalidDevice: invalid device ordinal')
        self._stack = []

    def __enter__(self):
        self._stack.append(_State.current)
        _State.current = self.id
        return self

    def __exit__(self, *exc):
        _State.current = self._stack.pop()

    def use(self):
        _State.current = self.id

    def synchronize(self):
        pass

    @property
    def compute_capability(self):
        return '90'

    @property
    def cublas_handle(self):
        return 0x5000 + self.id   # one handle per device, as CuPy keeps

    @property
    def cusolver_handle(self):
        return 0x6000 + self.id

    def mem_info(self):
        return (80 * 2 ** 30 - _POOL._used[self.id], 80 * 2 ** 30)


class CUDARuntimeError(RuntimeError):
    """CuPy's runtime error: built from a status code, it names the error as the CUDA runtime does."""
    _NAMES = {1: 'cudaErrorInvalidValue: invalid argument', 2: 'cudaErrorMemoryAllocation: out of memory',
              101: 'cudaErrorInvalidDevice: invalid device ordinal'}

    def __init__(self, status):
        if isinstance(status, int):
            self.status = status
            status = self._NAMES.get(status, 'cudaErrorUnknown: unknown error')
        super().__init__(status)


def _runtime_error(text):
    return CUDARuntimeError(text)


class _Runtime:
    CUDARuntimeError = CUDARuntimeError

    streamCaptureModeGlobal, streamCaptureModeThreadLocal, streamCaptureModeRelaxed = 0, 1, 2

    profiling = []   # profilerStart/profilerStop calls, in order, for tests to read

    @classmethod
    def profilerStart(cls):
        cls.profiling.append('start')

    @classmethod
    def profilerStop(cls):
        if cls.profiling[-1:] != ['start']:
            raise CUDARuntimeError(1)
        cls.profiling.append('stop')

    @staticmethod
    def getDeviceCount():
        return DEVICE_COUNT

    @staticmethod
    def getDevice():
        return _State.current

    @staticmethod
    def runtimeGetVersion():
        return 12040

    @staticmethod
    def driverGetVersion():
        return 12040

    @staticmethod
    def deviceCanAccessPeer(device, peer):
        return int(device != peer)   # the stand-in's two devices are peers (as on an NVLink pair)

    @staticmethod
    def memGetInfo():
        """(free, total) bytes of the current device: the pool's bytes count as taken."""
        return _TOTAL_MEMORY - _POOL.total_bytes(), _TOTAL_MEMORY

    @staticmethod
    def getDeviceProperties(i):
        if not 0 <= i < DEVICE_COUNT:
            raise _runtime_error('cudaErrorInvalidDevice: invalid device ordinal')
        return {'name': b'Strict Stand-in GPU', 'totalGlobalMem': _TOTAL_MEMORY, 'major': 9, 'minor': 0,
                'multiProcessorCount': 132, 'pciBusID': i, 'pciDeviceID': 0, 'pciDomainID': 0,
                'uuid': bytes(range(i, i + 16)), 'l2CacheSize': 50 * 2 ** 20, 'regsPerMultiprocessor': 65536,
                'maxThreadsPerMultiProcessor': 2048, 'warpSize': 32, 'integrated': 0, 'isMultiGpuBoard': 0,
                'sharedMemPerBlock': 49152, 'sharedMemPerBlockOptin': 232448, 'sharedMemPerMultiprocessor': 233472,
                'maxThreadsPerBlock': 1024, 'clockRate': 1980000, 'memoryClockRate': 2619000,
                'memoryBusWidth': 5120}


class Stream:
    """Work on the stand-in runs at once, so a stream is always done; what it checks is the API."""
    _current = None

    def __init__(self, null=False, non_blocking=False, ptds=False, priority=0):
        self.null = null
        self.non_blocking = non_blocking
        self.priority = priority
        self.device_id = _State.current
        self.ptr = 0 if null else id(self)
        self._prev = []

    def __enter__(self):
        self._prev.append(Stream._current)
        Stream._current = self
        return self

    def __exit__(self, *exc):
        Stream._current = self._prev.pop()

    def use(self):
        Stream._current = self
        return self

    def synchronize(self):
        pass

    def is_capturing(self):
        return _State.capturing is self

    def begin_capture(self, mode=None):
        """Record, instead of queueing for good, the work sent to this stream (never the default one)."""
        if self.null:
            raise _runtime_error('cudaErrorStreamCaptureUnsupported: operation not permitted when stream is '
                                 'capturing')
        if _State.capturing is not None:
            raise _runtime_error('cudaErrorIllegalState: operation would make the legacy stream depend on a '
                                 'capturing blocking stream')
        _State.capturing, _State.recorded = self, []

    def end_capture(self):
        if _State.capturing is not self:
            raise _runtime_error('cudaErrorStreamCaptureInvalidated: operation failed due to a previous error '
                                 'during capture')
        _State.capturing = None
        return Graph(_State.recorded)

    @property
    def done(self):
        return True

    def record(self, event=None):
        event = Event() if event is None else event
        event.record(self)
        return event

    def wait_event(self, event):
        if not isinstance(event, Event):
            raise TypeError('wait_event expects an Event')


Stream.null = Stream(null=True)


class ExternalStream(Stream):
    """cupy.cuda.ExternalStream: a stream another library created, known by its address."""

    def __init__(self, ptr, device_id=-1):
        super().__init__()
        self.ptr = ptr
        self.device_id = _State.current if device_id < 0 else device_id


def get_current_stream(device_id=None):
    return Stream._current or Stream.null


class Event:
    def __init__(self, block=False, disable_timing=False, interprocess=False):
        self.disable_timing = disable_timing
        self._time = None

    def record(self, stream=None):
        import time
        self._time = time.perf_counter()

    def synchronize(self):
        pass

    @property
    def done(self):
        return True


def get_elapsed_time(start, end):
    if start.disable_timing or end.disable_timing:
        raise _runtime_error('cudaErrorInvalidResourceHandle: invalid resource handle')
    return (end._time - start._time) * 1000.0


class PinnedMemoryPointer(bytearray):
    """Host memory CuPy would page-lock; a buffer NumPy can wrap (``np.frombuffer``)."""


def alloc_pinned_memory(size):
    return PinnedMemoryPointer(size)


class MemoryHook:
    """cupy.cuda.MemoryHook: while entered, the pool reports each allocation to it."""
    name = 'MemoryHook'

    def __enter__(self):
        _HOOKS.append(self)
        return self

    def __exit__(self, *exc):
        _HOOKS.remove(self)

    def malloc_postprocess(self, **kwargs):
        pass

    def free_postprocess(self, **kwargs):
        pass


_HOOKS = []

cuda = types.ModuleType('strict_xp.cuda')
cuda.Device = Device
cuda.runtime = _Runtime
cuda.Stream = Stream
cuda.Event = Event
cuda.get_current_stream = get_current_stream
cuda.get_elapsed_time = get_elapsed_time
cuda.alloc_pinned_memory = alloc_pinned_memory
cuda.PinnedMemoryPointer = PinnedMemoryPointer
cuda.MemoryHook = MemoryHook
cuda.is_available = lambda: True
cuda.ExternalStream = ExternalStream


class Graph:
    """cupy.cuda.Graph: the work a stream recorded; ``launch`` runs it again on the same memory."""

    def __init__(self, work):
        self._work = work

    def launch(self, stream=None):
        if _State.capturing is not None:
            raise _runtime_error('cudaErrorStreamCaptureUnsupported: operation not permitted when stream is '
                                 'capturing')
        for redo in self._work:
            redo()


cuda.Graph = Graph
cuda.memory = types.SimpleNamespace(OutOfMemoryError=OutOfMemoryError)
cuda.MemoryPool = MemoryPool
cuda.MemoryPointer = MemoryPointer
cuda.Memory = Memory
cuda.UnownedMemory = UnownedMemory


class MemoryAsyncPool(MemoryPool):
    """cupy.cuda.MemoryAsyncPool: the driver's stream-ordered pool (cudaMallocAsync)."""


cuda.MemoryAsyncPool = MemoryAsyncPool


def _set_allocator(allocator=None):
    _ALLOCATOR[0] = _POOL.malloc if allocator is None else allocator


cuda.set_allocator = _set_allocator
cuda.get_allocator = lambda: _ALLOCATOR[0]


class _UsingAllocator:
    """cupy.cuda.using_allocator: the block's allocations come from ``allocator``."""

    def __init__(self, allocator=None):
        self.allocator = allocator

    def __enter__(self):
        self.prev = _ALLOCATOR[0]
        _set_allocator(self.allocator)

    def __exit__(self, *exc):
        _ALLOCATOR[0] = self.prev


cuda.using_allocator = _UsingAllocator


class _Nvtx:
    """cupy.cuda.nvtx: the stand-in keeps the ranges and marks it is given, for tests to read."""
    log = []

    @classmethod
    def RangePush(cls, message, id_color=-1):
        cls.log.append(('push', message))

    @classmethod
    def RangePop(cls):
        cls.log.append(('pop',))

    @classmethod
    def Mark(cls, message, id_color=-1):
        cls.log.append(('mark', message))


cuda.nvtx = _Nvtx
xp.cuda = cuda


# ---------------------------------------------------------------- cupyx

def _scatter(ufunc):
    def scatter(a, slices, value):
        if type(a) is not ndarray:
            _refuse_host(a)
        getattr(np, ufunc).at(a._a, _index(slices), _operand(value))
    return scatter


cupyx = types.ModuleType('strict_cupyx')
cupyx.scatter_add = _scatter('add')
cupyx.scatter_max = _scatter('maximum')
cupyx.scatter_min = _scatter('minimum')
cupyx.scipy = types.ModuleType('strict_cupyx.scipy')
try:
    import scipy.special as _sp
    cupyx.scipy.special = _namespace('strict_cupyx.scipy.special', _sp, _NAMES['cupyx.scipy.special'])
except ImportError:  # SciPy is optional; ops needing it raise their own clear error
    cupyx.scipy.special = types.ModuleType('strict_cupyx.scipy.special')


def install():
    """Make ember's backend use the stand-in for 'cuda'; returns a function that undoes it."""
    from ember import backend
    return backend._use_cuda_modules(xp, cupyx)


# ---------------------------------------------------------------- ElementwiseKernel: a small C++ subset run by NumPy

import re as _re

_C_CALLS = {'::sin': '_np.sin', '::cos': '_np.cos', '::exp': '_np.exp', '::log': '_np.log', '::sqrt': '_np.sqrt',
            '::abs': '_np.abs', '::tanh': '_np.tanh', '::min': '_np.minimum', '::max': '_np.maximum',
            '::pow': '_np.power'}
_C_FUNCTION = _re.compile(r'template\s*<[^{]*?>\s*(\w+)\s+(\w+)\s*\(([^)]*)\)\s*\{(.*?)\}', _re.DOTALL)


def _split_top(text, sep):
    """``text`` split at each ``sep`` outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch == '('
        depth -= ch == ')'
        if ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return parts + [text[start:]]


def _c_expr(expr):
    """A C expression (arithmetic, comparisons, ``::f(...)`` calls, ``f<T>(...)`` calls, ``c ? a : b``)
    as Python over NumPy arrays."""
    expr = _re.sub(r'(\w+)<T>\(', r'\1(', expr.strip())
    for c, py in _C_CALLS.items():
        expr = expr.replace(c + '(', py + '(')
    if '::' in expr:
        raise NotImplementedError(f'the stand-in ElementwiseKernel does not know {expr!r}')
    cond, *rest = _split_top(expr, '?')
    if rest:
        a, b = _split_top('?'.join(rest), ':')[0], ':'.join(_split_top('?'.join(rest), ':')[1:])
        return f'_np.where({_c_expr(cond)}, {_c_expr(a)}, {_c_expr(b)})'
    return expr


def _c_statements(body, refs):
    """C statements (``return e;``, ``T x = e;``, ``out = e;``, calls) as Python lines; by-reference
    parameters (``refs``) are one-element lists."""
    lines = []
    for stmt in (s.strip() for s in _split_top(body, ';') if s.strip()):
        m = _re.match(r'(?:const\s+)?(?:\w+\s+)?(\w+)\s*=(?!=)\s*(.*)$', stmt, _re.DOTALL)
        if stmt.startswith('return '):
            lines.append('return ' + _c_expr(stmt[7:]))
        elif m:
            target = m.group(1) + ('[0]' if m.group(1) in refs else '')
            lines.append(f'{target} = {_c_expr(m.group(2))}')
        else:
            lines.append(_c_expr(stmt))
    return lines or ['pass']


class ElementwiseKernel:
    """cupy.ElementwiseKernel for kernels written in a small C++ subset: the preamble's function templates
    and the operation run as NumPy over the broadcast inputs, on the current device. What CUDA C this
    cannot read raises NotImplementedError (never a wrong answer)."""

    def __init__(self, in_params, out_params, operation, name='kernel', reduce_dims=True, preamble='',
                 no_return=False, return_tuple=False, loop_prep='', after_loop='', options=()):
        self.ins = [p.split()[-1] for p in in_params.split(',') if p.strip()]
        self.outs = [p.split()[-1] for p in out_params.split(',') if p.strip()]
        self.name = name
        scope = {'_np': np}
        for ret, fname, params, body in _C_FUNCTION.findall(preamble):
            names = [p.split()[-1].lstrip('&') for p in params.split(',') if p.strip()]
            refs = {p.split()[-1].lstrip('&') for p in params.split(',') if '&' in p}
            src = f'def {fname}({", ".join(names)}):\n' + ''.join(f'    {ln}\n' for ln in _c_statements(body, refs))
            exec(src, scope)
        self._scope = scope
        self._op = '\n'.join(_c_statements(operation, set(self.outs)))

    def __call__(self, *args):
        dev = _device_of_args(args, {})
        if len(args) != len(self.ins):
            raise TypeError(f'Wrong number of arguments for {self.name!r}')
        arrays = [a._a for a in args if type(a) is ndarray]
        if not arrays:
            raise TypeError('Loop size is undecided')
        t = np.result_type(*arrays)
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
        env = dict(self._scope)
        for name, a in zip(self.ins, args):
            if type(a) is np.ndarray:
                _refuse_host(a)
            env[name] = np.broadcast_to(a._a, shape).astype(t) if type(a) is ndarray else t.type(a)
        for name in self.outs:
            env[name] = [None]
        exec(self._op, env)
        outs = [_wrap(np.broadcast_to(np.asarray(env[n][0], t), shape).copy(), dev) for n in self.outs]
        return outs[0] if len(outs) == 1 else tuple(outs)


xp.ElementwiseKernel = ElementwiseKernel


# ---------------------------------------------------------------- cuda.nccl: collectives between the two devices

import ctypes as _ctypes

_NCCL_DTYPES = {0: np.int8, 1: np.uint8, 2: np.int32, 3: np.uint32, 4: np.int64, 5: np.uint64, 6: np.float16,
                7: np.float32, 8: np.float64}
_NCCL_REDUCE = {0: np.sum, 1: np.prod, 2: np.max, 3: np.min, 4: np.mean}


def _at(ptr, count, nccl_type):
    """The device memory at ``ptr`` (the stand-in's device memory is host memory) as a NumPy array."""
    dtype = np.dtype(_NCCL_DTYPES[nccl_type])
    return np.frombuffer((_ctypes.c_char * (count * dtype.itemsize)).from_address(ptr), dtype)


class _Nccl(types.ModuleType):
    """cupy.cuda.nccl: collectives are collected between groupStart and groupEnd and run together, as NCCL
    runs a group once every rank has joined; a collective outside a group (which would wait forever for
    the other ranks in one thread) is refused."""
    available = True
    NCCL_SUM, NCCL_PROD, NCCL_MAX, NCCL_MIN, NCCL_AVG = 0, 1, 2, 3, 4
    (NCCL_INT8, NCCL_UINT8, NCCL_INT32, NCCL_UINT32, NCCL_INT64, NCCL_UINT64, NCCL_FLOAT16, NCCL_FLOAT32,
     NCCL_FLOAT64) = range(9)
    _group = None
    log = []   # the kind of every collective called, for tests to read

    def get_version(self):
        return 21903

    def groupStart(self):
        _Nccl._group = []

    def groupEnd(self):
        calls, _Nccl._group = _Nccl._group, None
        for kind in dict.fromkeys(c[0] for c in calls):
            ranked = sorted((c for c in calls if c[0] == kind), key=lambda c: c[1].rank)
            if len(ranked) != ranked[0][1].nranks:
                raise RuntimeError('NCCL_ERROR_INVALID_USAGE: a collective is missing ranks')
            _NCCL_RUN[kind](ranked)


def _nccl_call(kind):
    def call(self, *args):
        if _Nccl._group is None:
            raise RuntimeError('the stand-in runs collectives inside nccl.groupStart()/groupEnd() only')
        _Nccl._group.append((kind, self, args))
    return call


class NcclCommunicator:
    """cupy.cuda.nccl.NcclCommunicator. ``initAll`` makes one per device of this process (collectives run in
    groups, above); ``NcclCommunicator(nranks, unique_id, rank)`` joins ranks in several processes, as a test
    double of NCCL's semantics: each collective exchanges the device arrays' host data over MPI's COMM_WORLD
    (the unique id names the rank that made it) and reduces with NumPy, at once."""

    def __init__(self, ndev, commId, rank):
        from mpi4py import MPI
        self.rank, self.nranks, self.device = rank, ndev, _State.current
        world = self._world = MPI.COMM_WORLD
        maker, serial = commId[0], commId[1]
        self._tag = 0x4e43 + 64 * serial
        self._pending = []
        # meet: every rank tells the maker of the id its world rank; the maker answers with the table
        if world.Get_rank() == maker:
            table = {rank: maker}
            for _ in range(ndev - 1):
                r, w = world.recv(source=MPI.ANY_SOURCE, tag=self._tag)
                table[r] = w
            self._peers = [table[r] for r in range(ndev)]
            for w in set(self._peers) - {maker}:
                world.send(self._peers, dest=w, tag=self._tag)
        else:
            world.send((rank, world.Get_rank()), dest=maker, tag=self._tag)
            self._peers = world.recv(source=maker, tag=self._tag)

    @staticmethod
    def initAll(devices):
        devices = list(range(devices)) if isinstance(devices, int) else list(devices)
        comms = [object.__new__(NcclCommunicator) for _ in devices]
        for r, (c, d) in enumerate(zip(comms, devices)):
            c.rank, c.nranks, c.device, c._peers = r, len(devices), d, None
        return comms

    def rank_id(self):
        return self.rank

    def size(self):
        return self.nranks

    def device_id(self):
        return self.device

    def destroy(self):
        for req in self._pending:
            req.wait()
        self._pending = []

    def _share(self, data):
        """Every rank's ``data`` (a NumPy copy), in rank order."""
        w = self._world
        sends = [w.isend(data, dest=p, tag=self._tag + 1) for r, p in enumerate(self._peers) if r != self.rank]
        everyone = [data if r == self.rank else w.recv(source=p, tag=self._tag + 1)
                    for r, p in enumerate(self._peers)]
        for req in sends:
            req.wait()
        return everyone

    def _collective(kind, local):
        single = _nccl_call(kind)

        def call(self, *args):
            _Nccl.log.append(kind)
            if self._peers is None:
                return single(self, *args)
            local(self, *args)
        return call

    def _all_reduce_mp(self, send, recv, count, t, op, stream):
        _at(recv, count, t)[:] = _NCCL_REDUCE[op](self._share(_at(send, count, t).copy()), axis=0)

    def _reduce_mp(self, send, recv, count, t, op, root, stream):
        total = _NCCL_REDUCE[op](self._share(_at(send, count, t).copy()), axis=0)
        if self.rank == root:
            _at(recv, count, t)[:] = total

    def _broadcast_mp(self, send, recv, count, t, root, stream):
        _at(recv, count, t)[:] = self._share(_at(send, count, t).copy())[root]

    def _all_gather_mp(self, send, recv, count, t, stream):
        _at(recv, count * self.nranks, t)[:] = np.concatenate(self._share(_at(send, count, t).copy()))

    def _reduce_scatter_mp(self, send, recv, count, t, op, stream):
        n = self.nranks
        total = _NCCL_REDUCE[op](self._share(_at(send, count * n, t).copy()), axis=0)
        _at(recv, count, t)[:] = total[self.rank * count:(self.rank + 1) * count]

    def _send_mp(self, send, count, t, peer, stream):
        self._pending.append(self._world.isend(_at(send, count, t).copy(), dest=self._peers[peer], tag=self._tag + 2))

    def _recv_mp(self, recv, count, t, peer, stream):
        _at(recv, count, t)[:] = self._world.recv(source=self._peers[peer], tag=self._tag + 2)

    allReduce = _collective('allReduce', _all_reduce_mp)
    reduce = _collective('reduce', _reduce_mp)
    broadcast = _collective('broadcast', _broadcast_mp)
    allGather = _collective('allGather', _all_gather_mp)
    reduceScatter = _collective('reduceScatter', _reduce_scatter_mp)
    send = _collective('send', _send_mp)
    recv = _collective('recv', _recv_mp)


_unique_ids = [0]


def _get_unique_id():
    """NCCL's unique id is 128 chars; the stand-in's names the world rank that made it and a serial number."""
    from mpi4py import MPI
    _unique_ids[0] += 1
    return (MPI.COMM_WORLD.Get_rank(), _unique_ids[0]) + (0,) * 126


def _all_reduce(ranked):
    (_, _, (_, _, count, t, op, _)) = ranked[0]
    total = _NCCL_REDUCE[op]([_at(a[0], count, t) for _, _, a in ranked], axis=0)
    for _, _, a in ranked:
        _at(a[1], count, t)[:] = total


def _reduce(ranked):
    (_, _, (_, _, count, t, op, root, _)) = ranked[0]
    total = _NCCL_REDUCE[op]([_at(a[0], count, t) for _, _, a in ranked], axis=0)
    _at(ranked[root][2][1], count, t)[:] = total


def _broadcast(ranked):
    (_, _, (_, _, count, t, root, _)) = ranked[0]
    data = _at(ranked[root][2][0], count, t).copy()
    for _, _, a in ranked:
        _at(a[1], count, t)[:] = data


def _all_gather(ranked):
    (_, _, (_, _, count, t, _)) = ranked[0]
    data = np.concatenate([_at(a[0], count, t) for _, _, a in ranked])
    for _, _, a in ranked:
        _at(a[1], count * len(ranked), t)[:] = data


def _reduce_scatter(ranked):
    (_, _, (_, _, count, t, op, _)) = ranked[0]
    n = len(ranked)
    total = _NCCL_REDUCE[op]([_at(a[0], count * n, t) for _, _, a in ranked], axis=0)
    for k, (_, _, a) in enumerate(ranked):
        _at(a[1], count, t)[:] = total[k * count:(k + 1) * count]


_NCCL_RUN = {'allReduce': _all_reduce, 'reduce': _reduce, 'broadcast': _broadcast, 'allGather': _all_gather,
             'reduceScatter': _reduce_scatter}
cuda.nccl = _Nccl('strict_xp.cuda.nccl')
cuda.nccl.NcclCommunicator = NcclCommunicator
cuda.nccl.get_unique_id = _get_unique_id
