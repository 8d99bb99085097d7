"""The Tensor methods that reach a tensor's storage: ``untyped_storage``, ``storage``, ``set_``,
``is_set_to``, ``share_memory_``, the legacy ``new`` constructor and the deprecated ``resize``;
and ``ember.from_file``."""
import builtins
import math
import warnings

from ember import backend
from ember._device import CPU, as_device, device as _device
from ember._dtype import dtype as _dtype, get_default_dtype, to_dtype
from ember._tensor import Size, Tensor, _contiguous_strides
from ember.autograd.function import Function
from ember.storage import TypedStorage, UntypedStorage, _legacy_storage_class, _warn_typed_storage_removal


def untyped_storage(self):
    """The tensor's memory as an ``UntypedStorage`` (shared: writes through it change the tensor).

    Example::

        >>> x = ember.arange(4.)
        >>> x[1:].untyped_storage().nbytes()
        16
    """
    if self._device.type == 'meta':
        raise NotImplementedError("ember tensors on the 'meta' device hold no memory, so they have no storage")
    return UntypedStorage._of_array(self._data)


def storage(self):
    """Deprecated: use :meth:`untyped_storage`. Returns the tensor's memory as a :class:`ember.TypedStorage` of its
    dtype, with a warning that typed storages will be removed.

    Example::

        >>> x = ember.tensor([1., 2., 3.])
        >>> s = x.storage()
        >>> type(s).__name__, s.dtype, s.tolist()
        ('TypedStorage', ember.float32, [1.0, 2.0, 3.0])
    """
    _warn_typed_storage_removal()
    return TypedStorage._wrap(untyped_storage(self), self.dtype)


def storage_type(self):
    """Returns the legacy storage class of the tensor's dtype (``ember.FloatStorage`` for float32), ``None``
    where PyTorch has none.

    Example::

        >>> ember.ones(2).storage_type()
        <class 'ember.FloatStorage'>
        >>> ember.ones(2, dtype=ember.int64).storage_type()
        <class 'ember.LongStorage'>
    """
    return _legacy_storage_class(self.dtype)


def _type_name(dt):
    from ember._tensor import _scalar_type_name
    return {'Float': 'float', 'Double': 'double', 'Half': 'c10::Half', 'Long': 'long int', 'Int': 'int',
            'Short': 'short int', 'Char': 'signed char', 'Byte': 'unsigned char', 'Bool': 'bool',
            'ComplexFloat': 'c10::complex<float>', 'ComplexDouble': 'c10::complex<double>'}.get(
                _scalar_type_name(dt), dt.name) if dt.name != 'bfloat16' else 'c10::BFloat16'


_SET_OVERLOADS = ('()', '(ember.Storage source)',
                  '(ember.Storage source, int storage_offset, tuple of ints size, tuple of ints stride = None)',
                  '(Tensor source)', '(Tensor source, int storage_offset, tuple of ints size, tuple of ints stride = None)')


def _set_error(*given):
    """PyTorch's error for set_ called with ``given`` (its arguments by position, trailing Nones left
    out): the invalid-combination listing of its overloads."""
    from ember.ops._invalid_args import invalid_combination
    while given and given[-1] is None:
        given = given[:-1]
    return TypeError(invalid_combination('set_', _SET_OVERLOADS, given, {}))


def set_(self, source=None, storage_offset=None, size=None, stride=None):
    """Make this tensor view ``source``: another tensor's memory (with its geometry), or a storage;
    with ``storage_offset``, ``size`` and ``stride`` (contiguous by default) the view is placed
    there. A storage too small for the view grows. ``set_()`` empties the tensor.

    Example::

        >>> x = ember.arange(6.)
        >>> ember.empty(0).set_(x.untyped_storage(), 1, (2, 2), (2, 1))
        tensor([[1., 2.],
                [3., 4.]])
    """
    from ember.ops.inplace import check_inplace
    check_inplace(self)
    dt = self.dtype
    if source is None:
        if storage_offset is not None or size is not None:
            raise _set_error(source, storage_offset, size, stride)
        data = self._xp.empty(0, dt.np_dtype)
        device = self._device
    else:
        if isinstance(source, Tensor):
            if source.dtype is not dt:
                raise RuntimeError(f"Could not set tensor of type {_type_name(source.dtype)} to a tensor of type "
                                   f"{_type_name(dt)}")
            if storage_offset is None and size is None:
                data, device = source._data, source._device
                return _become(self, data, device)
            untyped = untyped_storage(source)
        elif isinstance(source, TypedStorage):
            if source._dtype is not dt:
                raise RuntimeError(f"Expected a Storage of type {_type_name(dt)} or an UntypedStorage, but got type "
                                   f"{source._dtype._legacy[:-6]} for argument 1 'storage'")
            untyped = source._untyped_storage
        elif isinstance(source, UntypedStorage):
            untyped = source
        else:
            raise _set_error(source, storage_offset, size, stride)
        if storage_offset is None and size is None:
            offset, size, stride = 0, (untyped.nbytes() // dt.itemsize,), (1,)
        else:
            if size is None:
                raise _set_error(source, storage_offset, size, stride)
            offset = int(storage_offset or 0)
            size = tuple(int(n) for n in size)
            stride = _contiguous_strides(size) if stride is None else tuple(int(s) for s in stride)
            _check_geometry(size, stride, offset)
            needed = (offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))) * dt.itemsize if all(size) else 0
            if needed > untyped.nbytes():
                untyped.resize_(needed)   # as PyTorch: the storage grows to hold the view
        data = backend.view_bytes(untyped._array, dt.np_dtype, offset, size, stride)
        device = untyped.device
    return _become(self, data, device)


def _check_geometry(size, stride, offset):
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape")
    if any(n < 0 for n in size):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(size)}: {list(size)}")
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got strides: {list(stride)}")


def _become(self, data, device):
    self._data = data
    self._device = device
    self._version_counter.value += 1
    return self


def is_set_to(self, tensor):
    """Returns whether this tensor and ``tensor`` view the same memory with the same offset, shape and strides
    (as two tensors do after ``a.set_(b)``).

    Args:
        tensor (Tensor): the tensor to compare with.

    Example::

        >>> a = ember.ones(3)
        >>> a.is_set_to(a.view(3)), a.is_set_to(a.clone()), a[:2].is_set_to(a)
        (True, False, False)
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"is_set_to(): argument 'tensor' (position 1) must be Tensor, not {type(tensor).__name__}")
    a, b = self._data, tensor._data
    return (self._device == tensor._device and a.dtype == b.dtype and a.shape == b.shape
            and (a.strides == b.strides or a.ndim == 0) and backend.data_ptr(a) == backend.data_ptr(b)
            and backend.storage_root(a) is backend.storage_root(b))


def share_memory_(self):
    """Moves the tensor's memory into shared memory, so that processes started afterwards (or sent the tensor
    through :mod:`ember.multiprocessing`) share it instead of copying it. Returns the tensor; a no-op when it
    is shared already, and for CUDA tensors.

    Example::

        >>> a = ember.ones(3)
        >>> a.share_memory_().is_shared()
        True
        >>> a
        tensor([1., 1., 1.])
    """
    st = untyped_storage(self)
    if st.is_shared():
        return self
    offset, dt = self.storage_offset(), self.dtype
    st.share_memory_()
    self._data = backend.view_bytes(st._array, dt.np_dtype, offset, self._data.shape, self.stride())
    return self


def is_shared(self):
    """Returns whether the tensor's memory is shared between processes (after :meth:`share_memory_`; CUDA
    memory always is).

    Example::

        >>> a = ember.ones(3)
        >>> a.is_shared()
        False
        >>> a.share_memory_().is_shared()
        True
    """
    if self._device.type == 'meta':
        return False
    return untyped_storage(self).is_shared()


def new(self, *args, storage=None, other=None, size=None, device=None):
    """The legacy constructor: ``x.new(2, 3)`` is uninitialised with ``x``'s dtype and device,
    ``x.new([1, 2])`` copies data into that dtype, ``x.new(storage)`` views a storage and
    ``x.new(tensor)`` aliases ``tensor``.

    Example::

        >>> x = ember.tensor([1, 2])
        >>> x.new([3.7, 4])
        tensor([3, 4])
        >>> x.new(2, 3).shape
        ember.Size([2, 3])
    """
    given = [v for v in (storage, other, size) if v is not None]
    if given:
        if args or len(given) > 1:
            raise TypeError("new() received an invalid combination of arguments: pass one of size, data, storage "
                            "or other")
        args = (Size(size),) if size is not None else tuple(given)
    dt = self.dtype
    dev = self._device if device is None else as_device(device if isinstance(device, _device) else _device(device))
    if device is not None and dev != self._device:
        raise RuntimeError(f"Expected device {self._device} but got {dev}: new() keeps the tensor's device type")
    from ember.ops import creation
    if not args:
        return creation.empty(0, dtype=dt, device=dev)
    if len(args) == 1:
        a = args[0]
        if isinstance(a, Tensor):
            if a.dtype is not dt:
                raise TypeError(f"expected {dt} (got {a.dtype})")
            return Tensor._make(a._data, a._device)
        if isinstance(a, (UntypedStorage, TypedStorage)):
            return set_(creation.empty(0, dtype=dt, device=dev), a)
        if isinstance(a, (builtins.int, Size)) and not isinstance(a, builtins.bool) or _is_int_tuple(a, Size):
            return _empty(a if isinstance(a, tuple) else (a,), dt, dev)
        if isinstance(a, (list, tuple)) or hasattr(a, '__array__') or hasattr(a, '__len__'):
            return creation.tensor(a, dtype=dt, device=dev)
        raise TypeError(f"new(): data must be a sequence (got {type(a).__name__})")
    for i, a in enumerate(args):
        if not isinstance(a, builtins.int) or isinstance(a, builtins.bool):
            raise TypeError(f"new(): argument 'size' failed to unpack the object at pos {i + 1} with error \"type "
                            f"must be tuple of ints,but got {type(a).__name__}\"")
    return _empty(args, dt, dev)


def _is_int_tuple(a, kind):
    return isinstance(a, kind) and all(isinstance(n, builtins.int) for n in a)


def _empty(size, dt, dev):
    from ember.ops import creation
    if any(n < 0 for n in size):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(size)}: {list(size)}")
    return creation.empty(*size, dtype=dt, device=dev)


class Resize(Function):
    """The deprecated out-of-place ``Tensor.resize``: a reshape that keeps the element count."""

    @staticmethod
    def forward(ctx, tensor, sizes):
        numel = math.prod(sizes)
        if tensor.numel() != numel:
            raise RuntimeError(f"requested resize to {'x'.join(map(str, sizes))} ({numel} elements in total), but "
                               f"the given tensor has a size of {'x'.join(map(str, tensor.size()))} "
                               f"({tensor.numel()} elements). autograd's resize can only change the shape of a given "
                               "tensor, while preserving the number of elements. ")
        ctx.input_sizes = tensor.size()
        return tensor.contiguous().view(*sizes)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output.contiguous().view(ctx.input_sizes), None


def resize(self, *sizes):
    """Deprecated: use :meth:`reshape` (or the in-place :meth:`resize_`). Returns the tensor with the given
    shape, which must hold as many elements, with a warning.

    Args:
        *sizes (int): the new shape.

    Example::

        >>> ember.tensor([1., 2., 3.]).resize(3, 1)
        tensor([[1.],
                [2.],
                [3.]])
    """
    warnings.warn("non-inplace resize is deprecated", stacklevel=2)
    return Resize.apply(self, sizes)


def resize_as(self, tensor):
    """Deprecated: use :meth:`reshape_as` (or the in-place :meth:`resize_as_`). Returns the tensor with
    ``tensor``'s shape, which must hold as many elements, with a warning.

    Args:
        tensor (Tensor): the tensor whose shape to take.

    Example::

        >>> ember.tensor([1., 2., 3.]).resize_as(ember.zeros(1, 3))
        tensor([[1., 2., 3.]])
    """
    warnings.warn("non-inplace resize_as is deprecated", stacklevel=2)
    return Resize.apply(self, tuple(tensor.size()))


def from_file(filename, shared=None, size=0, *, dtype=None, layout=None, device=None, pin_memory=False,
              requires_grad=False):
    """A 1-D tensor of ``size`` elements read from the file ``filename``. With ``shared=True`` the
    file is mapped: writes to the tensor reach the file (which grows to fit); otherwise the tensor
    holds a private copy.

    Example::

        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), 'x.bin')
        >>> ember.tensor([1., 2.]).numpy().tofile(path)
        >>> ember.from_file(path, size=2)
        tensor([1., 2.])
    """
    from ember import _formats
    if layout is not None and layout is not _formats.strided:
        raise RuntimeError(f"from_file: ember supports only the strided layout, not {layout}")
    if pin_memory:
        raise RuntimeError("from_file: ember cannot pin memory mapped from a file")
    dt = get_default_dtype() if dtype is None else to_dtype(dtype)
    storage = UntypedStorage.from_file(filename, bool(shared), int(size) * dt.itemsize)
    t = Tensor._make(backend.view_bytes(storage._array, dt.np_dtype, 0, (int(size),), (1,)), CPU)
    if device is not None and as_device(device if isinstance(device, _device) else _device(device)) != CPU:
        t = t.to(device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _install():
    for fn in (untyped_storage, storage, storage_type, set_, is_set_to, share_memory_, is_shared, new, resize,
               resize_as):
        setattr(Tensor, fn.__name__, fn)


_install()
