"""Storages: the flat memory a tensor views, as PyTorch's ``torch.storage`` exposes it.

An ember tensor holds an array that may view a larger array (slices, transposes, ``as_strided``);
the outermost array, the one that owns the memory or wraps a foreign buffer, is the tensor's
storage (``backend.storage_root``). ``UntypedStorage`` is that memory seen as bytes: a flat uint8
view of it, so writing through the storage writes the tensor and the other way round.
``TypedStorage`` (what the deprecated ``Tensor.storage()`` returns) is an untyped storage read as
elements of one dtype; the legacy ``FloatStorage`` and its kin make typed storages of their dtype.

>>> x = ember.arange(3.)
>>> s = x.untyped_storage()
>>> s.nbytes(), s.data_ptr() == x.data_ptr()
(12, True)
>>> s[3] = 64          # the high byte of x[0]: 2.0 in float32
>>> x
tensor([2., 1., 2.])
"""
import builtins
import mmap
import os
import sys
import warnings
import weakref

import numpy as np

from ember import backend
from ember._device import CPU, as_device, device as _device
from ember._dtype import ALL_DTYPES, BAREBONES, bfloat16, dtype as _dtype, uint8
from ember._tensor import Tensor

__all__ = ['TypedStorage', 'UntypedStorage']

_by_root = weakref.WeakValueDictionary()   # id(storage root) -> the UntypedStorage over it


class _FileMemory(mmap.mmap):
    """A file mapped shared by ``from_file(shared=True)``: writes reach the file. Keeps its name."""
    filename = None


def _device_of(arr):
    return backend.device_of(arr)


# ============================================================================ the warning
_typed_storage_warned = False


def _warn_typed_storage_removal(stacklevel=3):
    """PyTorch's deprecation warning for TypedStorage, given once per process."""
    global _typed_storage_warned
    if _typed_storage_warned:
        return
    _typed_storage_warned = True
    warnings.warn("TypedStorage is deprecated. It will be removed in the future and UntypedStorage will be the "
                  "only storage class. This should only matter to you if you are using storages directly.  To "
                  "access UntypedStorage directly, use tensor.untyped_storage() instead of tensor.storage()",
                  UserWarning, stacklevel=stacklevel)


def _reset_warn_typed_storage_removal():
    """Let the next use of a TypedStorage warn again."""
    global _typed_storage_warned
    _typed_storage_warned = False


# ============================================================================ shared behaviour
class StorageBase:
    """The base class of :class:`ember.UntypedStorage`, the raw bytes behind tensors; ``isinstance(s,
    ember.StorageBase)`` tells an untyped storage from a typed one.

    Example::

        >>> isinstance(ember.ones(2).untyped_storage(), ember.StorageBase)
        True
        >>> isinstance(ember.FloatStorage([1.0]), ember.StorageBase)
        False
    """
    __slots__ = ()


class _SlotsProbe:
    __slots__ = ('_',)


# the bytes ``sys.getsizeof`` adds to ``__sizeof__`` for an object with slots (its garbage-collector header)
_GC_HEADER_BYTES = sys.getsizeof(_SlotsProbe()) - _SlotsProbe().__sizeof__()
del _SlotsProbe


class _StorageBase:
    """What untyped and typed storages share: reading them as elements of a dtype."""
    __slots__ = ()
    is_sparse = False
    is_sparse_csr = False

    def _values(self):
        raise NotImplementedError

    def __len__(self):
        return self.size()

    def __iter__(self):
        return iter(self.tolist())

    # what ``sys.getsizeof`` counts beyond the bytes for PyTorch's storage objects (a C object with a managed
    # dict; a Python object): memory summaries add it up (torchinfo's "Input size"), so ember's storages report
    # the same total, less the garbage collector's header Python adds to ours
    _GETSIZEOF_OVERHEAD = 56

    def __sizeof__(self):
        return self.nbytes() + self._GETSIZEOF_OVERHEAD - _GC_HEADER_BYTES

    def tolist(self):
        """The elements as a list of Python numbers."""
        return self._values().tolist()

    def get_device(self):
        """The index of the storage's device (None on the CPU)."""
        return self.device.index

    @property
    def is_cuda(self):
        return self.device.type == 'cuda'

    @property
    def is_hpu(self):
        return False

    def is_pinned(self, device='cuda'):
        """Whether the storage lies in page-locked host memory (never, in ember: see ``Tensor.pin_memory``)."""
        from ember.backend import cuda_runtime
        return bool(cuda_runtime.is_pinned(self._values()))

    def __copy__(self):
        return self

    def to(self, *, device, non_blocking=False):
        """This storage on ``device`` (itself when it is there already)."""
        dev = as_device(device if isinstance(device, _device) else _device(device))
        if dev == self.device:
            return self
        return UntypedStorage._wrap(backend.move(self._array, dev, non_blocking), dev)

    def __str__(self):
        info = f"[{_typename(self)}({self._info()}device={self.device}) of size {len(self)}]"
        if self.device.type == 'meta':
            return '...\n' + info
        return ' ' + '\n '.join(str(v) for v in self.tolist()) + '\n' + info

    __repr__ = __str__

    def _info(self):
        return ''

    def __reduce__(self):
        # NOTE: as PyTorch: a storage pickles as a checkpoint of itself, which keeps its dtype
        import io
        from ember.serialization import save
        buf = io.BytesIO()
        save(self, buf, _use_new_zipfile_serialization=False)
        return (_load_from_bytes, (buf.getvalue(),))


def _load_from_bytes(data):
    import io
    from ember.serialization import load
    return load(io.BytesIO(data), weights_only=False)


def _typename(obj):
    return f'ember.storage.{type(obj).__name__}'


def _check_index(idx, n):
    if not isinstance(idx, builtins.int) or isinstance(idx, builtins.bool):
        idx = int(idx.__index__())
    if not -n <= idx < n:
        raise IndexError(f"index {idx} out of range for storage of size {n}")
    return idx + n if idx < 0 else idx


# ============================================================================ untyped
class UntypedStorage(StorageBase, _StorageBase):
    """Bytes of memory on a device, shared with every tensor that views them.

    ``UntypedStorage()`` is empty, ``UntypedStorage(n)`` holds ``n`` uninitialised bytes and
    ``UntypedStorage(sequence)`` the given byte values; ``tensor.untyped_storage()`` is the
    tensor's own memory.

    Example::

        >>> s = ember.UntypedStorage([1, 2, 3])
        >>> s.tolist(), s.nbytes()
        ([1, 2, 3], 3)
    """
    __slots__ = ('_array', '_device', '__weakref__')
    _GETSIZEOF_OVERHEAD = 64

    def __new__(cls, *args, device=None, **kwargs):
        if kwargs:
            raise TypeError(f"ember.UntypedStorage() received an invalid combination of arguments - got "
                            f"{_arg_types(args, kwargs)}, but expected one of:\n"
                            " * (*, int allocator = None, ember.device device = None)\n"
                            " * (int size, *, int allocator = None, ember.device device = None)\n"
                            " * (object sequence, *, int allocator = None, ember.device device = None)\n")
        dev = as_device(_device(device) if device is not None and not isinstance(device, _device) else device or CPU)
        xp = backend.get_array_module(dev)
        if not args:
            arr = xp.empty(0, xp.uint8)
        elif len(args) == 1 and isinstance(args[0], builtins.int) and not isinstance(args[0], builtins.bool):
            if args[0] < 0:
                raise RuntimeError(f"Storage size must be non-negative, got {args[0]}")
            arr = xp.empty(args[0], xp.uint8)
        elif len(args) == 1 and isinstance(args[0], (list, tuple)):
            values = args[0]
            for v in values:
                if not isinstance(v, builtins.int):
                    raise RuntimeError("ember.UntypedStorage(): tried to construct a storage from a sequence "
                                       f"({type(values).__name__}), but one of the items was of type "
                                       f"{type(v).__name__} instead of int")
            arr = xp.asarray(np.array([v & 0xFF for v in values], np.uint8))
        else:
            raise TypeError(f"ember.UntypedStorage() received an invalid combination of arguments - got "
                            f"{_arg_types(args, {})}, but expected one of:\n"
                            " * (*, int allocator = None, ember.device device = None)\n"
                            " * (int size, *, int allocator = None, ember.device device = None)\n"
                            " * (object sequence, *, int allocator = None, ember.device device = None)\n")
        return cls._wrap(arr, dev)

    @classmethod
    def _wrap(cls, flat, device=None):
        """A storage over the flat uint8 array ``flat`` (no copy)."""
        self = object.__new__(cls)
        self._array = flat
        self._device = device if device is not None else _device_of(flat)
        return self

    @classmethod
    def _of_array(cls, arr):
        """The storage an array views: the same object for every array over one memory."""
        root = backend.storage_root(arr)
        found = _by_root.get(id(root))
        if found is not None and backend.storage_root(found._array) is root:
            return found
        self = cls._wrap(backend.storage_bytes(arr))
        _by_root[id(root)] = self
        return self

    def _values(self):
        return self._array

    @property
    def device(self):
        return self._device

    def size(self):
        """The number of bytes."""
        return int(self._array.shape[0])

    nbytes = size

    def element_size(self):
        return 1

    def data_ptr(self):
        """The address of the first byte."""
        return backend.data_ptr(self._array)

    def untyped(self):
        return self

    def type(self, dtype=None, non_blocking=False):
        """The storage's type name, ``'ember.storage.UntypedStorage'`` (with ``dtype``: a copy as that
        storage type)."""
        if dtype is None:
            return 'ember.storage.UntypedStorage'
        return _convert_type(self, dtype)

    def __getitem__(self, idx):
        n = self.size()
        if isinstance(idx, slice):
            start, stop, step = idx.indices(n)
            if step != 1:
                raise RuntimeError(f"Trying to slice with a step of {step}, but only a step of 1 is supported")
            return UntypedStorage._wrap(self._array[start:max(start, stop)], self._device)
        return int(self._array[_check_index(idx, n)])

    def __setitem__(self, idx, value):
        _tensor_over(self, uint8)[_index_arg(idx, self.size())] = value

    def fill_(self, value):
        """Set every byte to ``value``."""
        _tensor_over(self, uint8).fill_(value)
        return self

    def copy_(self, src, non_blocking=None):
        """Copy the bytes of ``src`` (a storage of the same byte size) into this one."""
        src = src.untyped() if isinstance(src, TypedStorage) else src
        if not isinstance(src, UntypedStorage):
            raise TypeError(f"copy_(): expected a storage, got {type(src).__name__}")
        if src.nbytes() != self.nbytes():
            raise RuntimeError(f"size does not match, self was {self.nbytes()} bytes but src was "
                               f"{src.nbytes()} bytes")
        _tensor_over(self, uint8).copy_(_tensor_over(src, uint8))
        return self

    def clone(self):
        """A copy in new memory."""
        return UntypedStorage._wrap(self._array.copy(), self._device)

    def resizable(self):
        return True

    def resize_(self, size):
        """Give the storage ``size`` bytes, keeping the first ones.

        NOTE: ember moves the storage to new memory of that size; tensors made before keep viewing
        the old memory (in PyTorch they follow the storage)."""
        size = int(size)
        if size < 0:
            raise RuntimeError(f"Storage size must be non-negative, got {size}")
        xp = backend.array_module_of(self._array)
        new = xp.empty(size, xp.uint8)
        keep = min(size, self.size())
        new[:keep] = self._array[:keep]
        self._rehome(new)
        return self

    def _rehome(self, new):
        old = backend.storage_root(self._array)
        if _by_root.get(id(old)) is self:
            del _by_root[id(old)]
        self._array = new
        _by_root[id(backend.storage_root(new))] = self

    def is_shared(self):
        """Whether the bytes live in memory other processes can map (``share_memory_``); CUDA memory
        always is."""
        if self._device.type == 'cuda':
            return True
        from ember.multiprocessing._shared_memory import is_block
        buffer = backend.storage_buffer(self._array)
        return is_block(buffer) or isinstance(buffer, _FileMemory)

    def share_memory_(self):
        """Move the bytes into shared memory (a no-op when they are there already): processes forked
        afterwards see the same memory, and ``ember.multiprocessing`` can send it to running ones.
        Tensors made before keep the old memory, except the tensor whose ``share_memory_`` called this."""
        if self.is_shared():
            return self
        from ember.multiprocessing._shared_memory import new_block
        n = self.size()
        flat = np.frombuffer(new_block(n), np.uint8)[:n] if n else np.empty(0, np.uint8)
        flat[:] = self._array
        self._rehome(flat)
        return self

    @property
    def filename(self):
        """The file this storage maps (``from_file(..., shared=True)``), else None."""
        base = backend.storage_buffer(self._array)
        return base.filename if isinstance(base, _FileMemory) else None

    @classmethod
    def from_file(cls, filename, shared=False, nbytes=0):
        """A storage of ``nbytes`` bytes read from the file ``filename``; with ``shared=True`` the
        file is mapped, so writes reach it (and the file grows to ``nbytes`` if shorter)."""
        return cls._wrap(_file_bytes(filename, bool(shared), int(nbytes)), CPU)

    @classmethod
    def from_buffer(cls, buffer, byte_order='native', count=-1, offset=0, dtype=None):
        """A storage holding a copy of the bytes of ``buffer`` (any object with the buffer protocol)."""
        data = np.frombuffer(buffer, np.uint8, count=count if count < 0 else count * _itemsize(dtype), offset=offset)
        return cls._wrap(data.copy(), CPU)

    def byteswap(self, dtype):
        """Reverse the bytes of each element of ``dtype``, in place."""
        isz = _itemsize(dtype)
        if isz > 1:
            v = self._array.reshape(-1, isz)
            v[...] = v[:, ::-1].copy()
        return self

    def cpu(self):
        return self.to(device=CPU)

    def cuda(self, device=None, non_blocking=False):
        return self.to(device=_device('cuda', device) if isinstance(device, builtins.int) else (device or 'cuda'),
                       non_blocking=non_blocking)

    def pin_memory(self, device='cuda'):
        raise RuntimeError("ember storages cannot be pinned; use Tensor.pin_memory() on the tensor instead")

    def new(self):
        """An empty storage on the same device."""
        return UntypedStorage(device=self._device)

    def _to(self, dtype):
        return TypedStorage._wrap(UntypedStorage._wrap(self._array.copy(), self._device), uint8)._to(dtype)

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = self.clone()
        return memo[id(self)]


def _arg_types(args, kwargs):
    parts = [type(a).__name__ for a in args] + [f"{k}={type(v).__module__.replace('ember._dtype', 'ember')}."
                                                f"{type(v).__name__}" for k, v in kwargs.items()]
    return '(' + ', '.join(parts) + ')'


def _itemsize(dtype):
    if dtype is None:
        return 1
    return dtype.itemsize


def _index_arg(idx, n):
    return idx if isinstance(idx, slice) else _check_index(idx, n)


def _file_bytes(filename, shared, nbytes):
    """``nbytes`` bytes of a file: mapped shared (writes reach the file), or read into private memory."""
    path = os.fspath(filename)
    if shared:
        with open(path, 'a+b') as fh:
            if os.fstat(fh.fileno()).st_size < nbytes:
                fh.truncate(nbytes)
            if nbytes == 0:
                return np.empty(0, np.uint8)
            mm = _FileMemory(fh.fileno(), nbytes)
        mm.filename = path
        return np.frombuffer(mm, np.uint8, count=nbytes)
    with open(path, 'rb') as fh:
        data = fh.read(nbytes)
    if len(data) < nbytes:
        raise RuntimeError(f"unexpected EOF, expected {nbytes - len(data)} more bytes. The file might be corrupted.")
    return np.frombuffer(bytearray(data), np.uint8)


def _tensor_over(storage, dt):
    """A 1-D tensor of dtype ``dt`` over all of an untyped storage's whole elements (a view)."""
    n = storage.nbytes() // dt.itemsize
    return Tensor._make(backend.view_bytes(storage._array, dt.np_dtype, 0, (n,), (1,)), storage.device)


def _convert_type(storage, name):
    if isinstance(name, str):
        name = name.rsplit('.', 1)[-1]
        cls = _LEGACY_BY_NAME.get(name) or {'UntypedStorage': UntypedStorage}.get(name)
        if cls is None:
            raise ValueError(f"invalid type: '{name}'")
    else:
        cls = name
    if cls is UntypedStorage:
        return storage.untyped()
    return storage._to(cls.dtype)


# ============================================================================ typed
class TypedStorage(_StorageBase):
    """An untyped storage read as elements of one dtype (deprecated in PyTorch, as here: prefer
    ``Tensor.untyped_storage()``).

    ``TypedStorage(n, dtype=...)``, ``TypedStorage(sequence, dtype=...)`` or
    ``TypedStorage(wrap_storage=untyped, dtype=...)``; ``tensor.storage()`` views a tensor's memory.

    Example::

        >>> s = ember.TypedStorage([1.5, 2.0], dtype=ember.float64)
        >>> s.tolist(), s.nbytes()
        ([1.5, 2.0], 16)
    """
    __slots__ = ('_untyped_storage', '_dtype')
    is_sparse = False

    def __new__(cls, *args, wrap_storage=None, dtype=None, device=None, _internal=False):
        if not _internal:
            _warn_typed_storage_removal()
        legacy = cls is not TypedStorage and cls is not _LegacyStorage
        if legacy:
            return _legacy_new(cls, args, wrap_storage, dtype, device)
        dt = _dtype_arg(dtype)
        if wrap_storage is not None:
            if args or device is not None:
                raise RuntimeError("ember.TypedStorage(): No positional arguments or device may be given when "
                                   "'wrap_storage' is given")
            if not isinstance(wrap_storage, UntypedStorage):
                raise TypeError(f"expected 'wrap_storage' to be an instance of UntypedStorage, but got "
                                f"{type(wrap_storage)}")
            return cls._wrap(wrap_storage, dt)
        return cls._wrap(_new_untyped(args, dt, device, 'ember.TypedStorage'), dt)

    @classmethod
    def _wrap(cls, untyped, dtype):
        self = object.__new__(TypedStorage)
        self._untyped_storage = untyped
        self._dtype = dtype
        return self

    @classmethod
    def _from_array(cls, arr, dtype):
        """A typed storage over the memory of ``arr`` (a dense array of ``dtype``'s elements)."""
        return cls._wrap(UntypedStorage._of_array(arr), dtype)

    def _values(self):
        return self._typed_array()

    def _typed_array(self):
        return _tensor_over(self._untyped_storage, self._dtype)._data

    @property
    def dtype(self):
        _warn_typed_storage_removal()
        return self._dtype

    @property
    def device(self):
        return self._untyped_storage.device

    @property
    def filename(self):
        return self._untyped_storage.filename

    def _size(self):
        return self._untyped_storage.nbytes() // self._dtype.itemsize

    def size(self):
        """The number of elements."""
        _warn_typed_storage_removal()
        return self._size()

    def __len__(self):
        return self._size()

    def nbytes(self):
        return self._size() * self._dtype.itemsize

    def element_size(self):
        return self._dtype.itemsize

    def data_ptr(self):
        return self._untyped_storage.data_ptr()

    def untyped(self):
        """The untyped storage this one reads."""
        return self._untyped_storage

    def pickle_storage_type(self):
        """The legacy class name a checkpoint records for this storage (``'FloatStorage'``)."""
        return _LEGACY_BY_DTYPE[self._dtype].__name__

    def type(self, dtype=None, non_blocking=False):
        """The legacy storage type name, ``'ember.FloatStorage'`` (with ``dtype``: a converted copy)."""
        _warn_typed_storage_removal()
        if dtype is None:
            return f'ember.{self.pickle_storage_type()}'
        return _convert_type(self, dtype)

    def _info(self):
        return f'dtype={self._dtype}, '

    def __getitem__(self, idx):
        _warn_typed_storage_removal()
        if isinstance(idx, slice):
            raise RuntimeError("slices are only supported in UntypedStorage.__getitem__")
        return _tensor_over(self._untyped_storage, self._dtype)[_check_index(idx, self._size())].item()

    def __setitem__(self, idx, value):
        _warn_typed_storage_removal()
        _tensor_over(self._untyped_storage, self._dtype)[_index_arg(idx, self._size())] = value

    def fill_(self, value):
        """Set every element to ``value``."""
        _tensor_over(self._untyped_storage, self._dtype).fill_(value)
        return self

    def copy_(self, source, non_blocking=None):
        """Copy ``source`` (a storage of the same byte size) into this one."""
        self._untyped_storage.copy_(source.untyped() if isinstance(source, TypedStorage) else source)
        return self

    def clone(self):
        return TypedStorage._wrap(self._untyped_storage.clone(), self._dtype)

    def tolist(self):
        _warn_typed_storage_removal()
        return self._typed_array().tolist()

    def resizable(self):
        return self._untyped_storage.resizable()

    def resize_(self, size):
        """Give the storage ``size`` elements (see ``UntypedStorage.resize_``)."""
        self._untyped_storage.resize_(int(size) * self._dtype.itemsize)
        return self

    def is_shared(self):
        return self._untyped_storage.is_shared()

    def share_memory_(self):
        self._untyped_storage.share_memory_()
        return self

    def is_pinned(self, device='cuda'):
        return self._untyped_storage.is_pinned(device)

    def pin_memory(self, device='cuda'):
        return self._untyped_storage.pin_memory(device)

    def to(self, *, device, non_blocking=False):
        moved = self._untyped_storage.to(device=device, non_blocking=non_blocking)
        return self if moved is self._untyped_storage else TypedStorage._wrap(moved, self._dtype)

    def cpu(self):
        return self.to(device=CPU)

    def cuda(self, device=None, non_blocking=False):
        return TypedStorage._wrap(self._untyped_storage.cuda(device, non_blocking), self._dtype)

    def _to(self, dtype):
        if dtype is self._dtype:
            return self
        src = _tensor_over(self._untyped_storage, self._dtype)
        converted = src.to(dtype).contiguous()
        return TypedStorage._wrap(UntypedStorage._of_array(converted._data), dtype)

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = self.clone()
        return memo[id(self)]

    @classmethod
    def from_file(cls, filename, shared=False, size=0):
        """A storage of ``size`` elements of this class's dtype from the file ``filename`` (see
        ``UntypedStorage.from_file``)."""
        if cls is TypedStorage:
            raise RuntimeError("from_file can only be called on derived classes")
        dt = cls.dtype
        return TypedStorage._wrap(UntypedStorage.from_file(filename, shared, int(size) * dt.itemsize), dt)

    @classmethod
    def from_buffer(cls, *args, **kwargs):
        if cls is TypedStorage:
            dt = _dtype_arg(kwargs.pop('dtype', None))
        else:
            dt = cls.dtype
        kwargs['dtype'] = dt
        untyped = UntypedStorage.from_buffer(*args, **kwargs)
        return TypedStorage._wrap(untyped, dt)


def _dtype_arg(dtype):
    from ember._dtype import get_default_dtype, to_dtype
    return get_default_dtype() if dtype is None else to_dtype(dtype)


def _new_untyped(args, dt, device, who):
    """The memory of a new typed storage: ``()``, ``(size)`` or ``(sequence)``."""
    dev = as_device(_device(device) if device is not None and not isinstance(device, _device) else device or CPU)
    if not args:
        return UntypedStorage(device=dev)
    if len(args) == 1 and isinstance(args[0], builtins.int) and not isinstance(args[0], builtins.bool):
        return UntypedStorage(args[0] * dt.itemsize, device=dev)
    if len(args) == 1 and isinstance(args[0], (list, tuple)):
        from ember.ops.creation import tensor
        data = tensor(list(args[0]), dtype=dt, device=dev)._data.reshape(-1)
        return UntypedStorage._of_array(data)
    if len(args) == 1 and not isinstance(args[0], (Tensor, builtins.int)):
        raise TypeError(f"new(): invalid data type '{type(args[0]).__name__}'")
    raise TypeError(f"{who}() received an invalid combination of arguments: expected no arguments, (int size), "
                    "(Sequence data) or (*, UntypedStorage wrap_storage)")


# ============================================================================ legacy classes
class _LegacyStorageMeta(type):
    """``FloatStorage`` and its kin: their ``dtype`` is a class property, and a typed storage of that
    dtype is an instance of them."""

    @property
    def dtype(cls):
        return cls._legacy_dtype

    def __instancecheck__(cls, instance):
        if type(instance) is TypedStorage:
            return cls._legacy_dtype is None or instance._dtype is cls._legacy_dtype
        return type.__instancecheck__(cls, instance)


class _LegacyStorage(TypedStorage, metaclass=_LegacyStorageMeta):
    """The base of the legacy per-dtype storage classes."""
    __slots__ = ()
    _legacy_dtype = None


def _legacy_new(cls, args, wrap_storage, dtype, device):
    name = f"<class 'ember.{cls.__name__}'>.__new__"
    expected = (" received an invalid combination of arguments. Expected one of:\n * no arguments\n"
                " * (int size)\n * (Sequence data)\n * (*, UntypedStorage wrap_storage)")
    if dtype is not None:
        raise RuntimeError(name + expected + "\nKeyword argument 'dtype' cannot be specified")
    if device is not None and device != 'cpu' and _device(device).type != 'cpu':
        raise RuntimeError(name + expected + "\nKeyword argument 'device' cannot be specified")
    dt = cls._legacy_dtype
    if wrap_storage is not None:
        if args:
            raise RuntimeError(name + expected + "\nNo positional arguments should be given when using "
                               "'wrap_storage'")
        if not isinstance(wrap_storage, UntypedStorage):
            raise TypeError(f"expected 'wrap_storage' to be an instance of UntypedStorage, but got "
                            f"{type(wrap_storage)}")
        return TypedStorage._wrap(wrap_storage, dt)
    if len(args) > 1:
        raise RuntimeError(name + expected + "\nToo many positional arguments")
    if len(args) == 1 and isinstance(args[0], Tensor):
        raise TypeError(name + expected + f"\nArgument type not recognized: {type(args[0])}")
    return TypedStorage._wrap(_new_untyped(args, dt, None, name), dt)


def _legacy_class(name, dt):
    from ember._legacy import _values_of
    doc = f"""The legacy typed storage of {dt}: ``ember.{name}(n)`` holds ``n`` elements (zero-filled in ember,
    uninitialized in PyTorch), ``ember.{name}([1, 0])`` the given values, and ``isinstance(s, ember.{name})``
    tests a typed storage's dtype. New code reaches a tensor's memory through
    :meth:`ember.Tensor.untyped_storage`.

    Example::

        >>> s = ember.{name}([1, 0])
        >>> s.dtype, s.size(), s.tolist()
        ({dt}, 2, {_values_of(dt)})
        >>> isinstance(s, ember.{name})
        True
    """
    cls = _LegacyStorageMeta(name, (_LegacyStorage,), {'__slots__': (), '_legacy_dtype': dt,
                                                       '__module__': 'ember', '__doc__': doc})
    return cls


_LEGACY_BY_DTYPE = {d: _legacy_class(d._legacy.replace('Tensor', 'Storage'), d) for d in ALL_DTYPES
                    if d not in BAREBONES}   # PyTorch has no legacy storages of uint16/32/64
if bfloat16 not in _LEGACY_BY_DTYPE:
    _LEGACY_BY_DTYPE[bfloat16] = _legacy_class('BFloat16Storage', bfloat16)
_LEGACY_BY_NAME = {c.__name__: c for c in _LEGACY_BY_DTYPE.values()}


def _legacy_storage_class(dt):
    """The legacy storage class of a dtype (``Tensor.storage_type``)."""
    return _LEGACY_BY_DTYPE.get(dt)


def _conversion(dt):
    def convert(self):
        return self._to(dt)
    convert.__doc__ = f"A copy converted to {dt} (itself when it already is)."
    return convert


for _name, _dt in (('double', 'float64'), ('float', 'float32'), ('half', 'float16'), ('bfloat16', 'bfloat16'),
                   ('long', 'int64'), ('int', 'int32'), ('short', 'int16'), ('char', 'int8'), ('byte', 'uint8'),
                   ('bool', 'bool'), ('complex_double', 'complex128'), ('complex_float', 'complex64')):
    from ember._dtype import _BY_NAME
    setattr(_StorageBase, _name, _conversion(_BY_NAME[_dt]))
del _name, _dt
