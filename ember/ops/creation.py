"""Tensor creation: from data, from NumPy, constant fills, ranges."""
import builtins
import math
import warnings

import numpy as np

from ember import backend
from ember import _formats
from ember._device import CPU, as_device
from ember._threads import get_num_threads
from ember._global_flags import fill_uninitialized
from ember._dtype import FLOAT8_NUMS, from_numpy_dtype, get_default_dtype, scalar_dtype, to_dtype, _BY_NP, complex32
from ember.ops import _bfloat16_nans, _float8
from ember.ops._spaced_values import ARANGE_GRAIN_SIZE, arange_values, linspace_values, logspace_values
from ember._tensor import Tensor
from ember.autograd.function import Primitive
from ember.ops import _argparse
from ember.ops._argcheck import (argument_error, bad_factory_option, check_factory_options, invalid_combination,
                               signature_text)
from ember.ops._registry import op
from ember.ops._util import int_tensor_arg, require_tensor_args, scalar_number as _num
from ember.ops.inplace import write_out


def _infer_dtype(data, _leading=True):
    """The dtype ember.tensor(data) gets: Python floats -> default dtype, ints -> int64, bools -> bool.
    (``_leading``: whether ``data`` is reached through first elements only, where PyTorch reads the shape.)"""
    if isinstance(data, Tensor):
        return data.dtype
    if isinstance(data, np.ndarray):
        return from_numpy_dtype(data.dtype)
    if isinstance(data, np.generic):
        return from_numpy_dtype(data.dtype)
    if isinstance(data, (list, tuple)):
        best = None
        for i, item in enumerate(data):
            try:
                d = _infer_dtype(item, _leading and i == 0)
            except TypeError:
                if _leading and i == 0 and isinstance(item, (str, bytes)):
                    # (PyTorch reads the shape from the first elements, a string there as one more dimension;
                    # a string elsewhere is refused as a value)
                    raise ValueError(f"too many dimensions '{type(item).__name__}'") from None
                raise
            if d is None:
                continue
            if best is None or d.category > best.category or (
                    d.category == best.category and d.category == 1 and d.itemsize > best.itemsize):
                best = d
            elif d.category == best.category and d.category >= 2 and \
                    not isinstance(item, (builtins.float, list, tuple)):
                best = d if d.itemsize > best.itemsize else best
        return best
    if isinstance(data, (builtins.bool, builtins.int, builtins.float, builtins.complex)):
        return scalar_dtype(data)
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")


_NUMBERS = (builtins.bool, builtins.int, builtins.float, builtins.complex)
_NUMBER_SET = frozenset(_NUMBERS)
_SEQUENCE_SET = frozenset((list, tuple))


def _plain_numbers_dtype(data):
    """The dtype of ``tensor(data)`` when ``data`` is lists/tuples of Python numbers only, None when it
    holds no number (empty lists); NotImplemented for anything else (tensors, NumPy scalars, other
    sequences, lists mixing numbers and lists), which :func:`_infer_dtype` reads element by element."""
    kinds = set()
    pending = [data]
    while pending:
        seq = pending.pop()
        types = set(map(type, seq))
        if types <= _NUMBER_SET:
            kinds |= types
        elif types <= _SEQUENCE_SET:
            pending.extend(seq)
        else:
            return NotImplemented
    for kind, sample in ((builtins.complex, 0j), (builtins.float, 0.0), (builtins.int, 0), (builtins.bool, False)):
        if kind in kinds:
            return scalar_dtype(sample)
    return None


def _is_other_sequence(data):
    """A sequence PyTorch reads element by element, like a list: range, deque, UserList, any object
    with ``__len__`` and ``__getitem__`` (text and bytes, mappings and arrays are not)."""
    kind = type(data)
    return (hasattr(kind, '__getitem__') and hasattr(kind, '__len__')
            and not isinstance(data, (list, tuple, str, bytes, bytearray, dict, Tensor, np.ndarray, np.generic))
            and not backend.is_device_array(data))


def _as_lists(data):
    """``data`` with every other kind of sequence in it (at any depth) turned into a list; lists
    that hold none come back as they are."""
    if isinstance(data, (list, tuple)):
        out = None
        for i, item in enumerate(data):
            if type(item) in _NUMBERS:
                continue
            new = _as_lists(item)
            if new is not item:
                out = list(data) if out is None else out
                out[i] = new
        return data if out is None else out
    if _is_other_sequence(data):
        return [_as_lists(item) for item in data]
    return data


def _narrowed(data, dt):
    """Integers too big for ``dt``, as PyTorch treats them: beyond 64 bits ValueError; beyond the
    type's range RuntimeError; an unsigned type takes negatives down to minus its maximum (wrapping)."""
    try:
        wide = np.array(data, dtype=np.int64)
    except OverflowError:
        raise ValueError("Overflow when unpacking long long") from None
    if dt.np_dtype == np.uint64 and wide.size and wide.min() < 0:
        raise OverflowError("can't convert negative int to unsigned")
    if dt.np_dtype.kind in 'iu':
        info = np.iinfo(dt.np_dtype)
        low = -info.max if dt.np_dtype.kind == 'u' else info.min
        if wide.size and (int(wide.min()) < low or int(wide.max()) > int(info.max)):
            raise RuntimeError(f"value cannot be converted to type {dt.np_dtype.name} without overflow")
    return wide.astype(dt.np_dtype)


def _to_nested_list(data):
    if isinstance(data, Tensor):
        return backend.to_numpy(data._data)
    if isinstance(data, (list, tuple)):
        return [_to_nested_list(d) for d in data]
    return data


# PyTorch's advice when ember.tensor is handed a tensor (it copies and never keeps the graph)
_COPY_CONSTRUCT_ADVICE = ('To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or '
                          'sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).')


@op('ember')
def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    """A new tensor holding a copy of ``data`` (nested lists, scalars, NumPy arrays, tensors).

    >>> ember.tensor([[1, 2], [3, 4.5]]).dtype
    ember.float32
    """
    check_factory_options('tensor', dtype, device, requires_grad)
    _check_pin_memory('tensor', pin_memory, device)
    plain = _plain_numbers_dtype(data) if type(data) in (list, tuple) else NotImplemented
    if plain is not NotImplemented:
        # (nested) lists of Python numbers only, the common case: their types read in C, one pass per list
        dev = as_device(device)
        dt = to_dtype(dtype) if dtype is not None else (plain or get_default_dtype())
        arr = _array_of(data, dt)
    else:
        data = _as_lists(data)
        dev = as_device(device if device is not None else (data.device if isinstance(data, Tensor) else None))
        if dtype is None:
            dt = _infer_dtype(data)
            if dt is None:  # empty list
                dt = get_default_dtype()
        else:
            dt = to_dtype(dtype)
        if isinstance(data, Tensor):
            from ember._warn_once import warn_at_user
            warn_at_user(_COPY_CONSTRUCT_ADVICE)
            arr = _float8.astype(backend.to_numpy(data._data), dt.np_dtype)
        else:
            if isinstance(data, (list, tuple)) and any(isinstance(d, Tensor) for d in _flatten_once(data)):
                data = _to_nested_list(data)
            elif backend.is_device_array(data):
                data = backend.to_numpy(data)
            arr = _array_of(data, dt)
    t = _pinned(Tensor._make(backend.move(arr, dev), dev), pin_memory)
    if requires_grad:
        _factory_requires_grad(t)
    return t


def _array_of(data, dt):
    """``data`` (no tensors in it) as a new NumPy array of ``dt``, with PyTorch's errors for integers
    too large and for ragged lists."""
    try:
        if dt.np_dtype.num > 255:     # ml_dtypes' float8 and bfloat16: through float32, as PyTorch rounds
            return _float8.array_from_data(data, dt.np_dtype)
        return np.array(data, dtype=dt.np_dtype)
    except OverflowError:
        return _narrowed(data, dt)
    except ValueError as e:
        if 'inhomogeneous' in str(e) or 'sequence' in str(e):
            raise ValueError(f"expected sequence of length {len(data[0])} at dim 1 (got "
                             f"{_first_bad_len(data)})") from None
        raise
    except TypeError as e:
        if "not 'complex'" in str(e):      # a Python complex for a real type: PyTorch's conversion's words
            if dt.np_dtype.kind in 'iu':
                raise TypeError("'complex' object cannot be interpreted as an integer") from None
            raise TypeError("must be real number, not complex") from None
        raise


def _flatten_once(data):
    for d in data:
        if isinstance(d, (list, tuple)):
            yield from _flatten_once(d)
        else:
            yield d


def _first_bad_len(data):
    n = len(data[0])
    for d in data:
        if len(d) != n:
            return len(d)
    return n


@op('ember')
def as_tensor(data, dtype=None, device=None) -> Tensor:
    """A tensor sharing memory with ``data`` when it already fits (a tensor or NumPy array).

    Example::

        >>> ember.as_tensor([1, 2, 3], dtype=ember.float32)
        tensor([1., 2., 3.])
        >>> x = ember.ones(2)
        >>> ember.as_tensor(x) is x
        True
    """
    check_factory_options('as_tensor', dtype, device)
    dt = to_dtype(dtype) if dtype is not None else None
    if isinstance(data, Tensor):
        if (dt is None or dt is data.dtype) and (device is None or as_device(device) == data._device):
            return data
        return data.to(device=device, dtype=dt)
    if isinstance(data, np.ndarray) and as_device(device).type == 'cpu':
        t = from_numpy(data)
        return t if dt is None or dt is t.dtype else t.to(dt)
    return tensor(data, dtype=dt, device=device)


@op('ember')
def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=None) -> Tensor:
    """Converts ``obj`` (a tensor, a NumPy array, a DLPack producer, a sequence or a number) to a tensor, sharing
    its memory when it is a tensor or array already of the asked ``dtype`` and ``device``.

    Args:
        obj: the data.

    Keyword args:
        dtype (ember.dtype, optional): the result's dtype. Default: ``obj``'s own, or inferred.
        device (ember.device, optional): the result's device. Default: ``obj``'s own, or the CPU.
        copy (bool, optional): ``True`` always copies, ``False`` never does (an error where sharing is
            impossible), ``None`` copies only when needed. Default: ``None``.
        requires_grad (bool, optional): sets ``requires_grad`` on the result. Default: ``None`` (left as is).

    Example::

        >>> t = ember.tensor([1.0, 2.0])
        >>> ember.asarray(t) is t
        True
        >>> ember.asarray([1, 2], dtype=ember.float64)
        tensor([1., 2.], dtype=ember.float64)
        >>> ember.asarray(t, dtype=ember.float64, copy=False)
        Traceback (most recent call last):
            ...
        ValueError: can't alias tensor with dtype 'Float' into dtype 'Double'.
    """
    from ember._tensor import _scalar_type_name
    dt = to_dtype(dtype) if dtype is not None else None
    if isinstance(obj, np.ndarray) and obj.dtype in _BY_NP:
        obj = from_numpy(obj)
    if isinstance(obj, Tensor):
        if dt is not None and dt is not obj.dtype and copy is False:
            raise ValueError(f"can't alias tensor with dtype '{_scalar_type_name(obj.dtype)}' into dtype "
                             f"'{_scalar_type_name(dt)}'.")
        if device is not None and as_device(device) != obj.device and copy is False:
            raise ValueError(f"can't alias tensor on device '{obj.device}' into device '{as_device(device)}'.")
        result = obj.to(device=device, dtype=dt, copy=bool(copy))
    elif copy is False:
        raise ValueError("can't alias arbitrary sequence into a tensor.")
    elif _holds_bytes(obj):
        # its bytes read as ``dtype``, memory shared, as in PyTorch (safetensors hands its loaded files over as
        # untyped storages): never element by element as a sequence
        result = _viewing_bytes(obj, dt)
        result = result.to(device=device, copy=bool(copy))
    else:
        result = tensor(obj, dtype=dt, device=device)
    if requires_grad is not None:
        if requires_grad and not (result.dtype.is_floating_point or result.dtype.is_complex):
            # (the factories' words, not requires_grad_()'s)
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        result.requires_grad_(requires_grad)
    return result


def _holds_bytes(obj):
    """Whether ``obj`` is a storage or exposes the buffer protocol (bytes, bytearray, memoryview, array.array,
    mmap): what PyTorch reads as raw bytes (NumPy's scalars expose a buffer too, but are numbers)."""
    from ember.storage import _StorageBase
    if isinstance(obj, _StorageBase):
        return True
    if isinstance(obj, (np.generic, list, tuple, str, builtins.int, builtins.float, builtins.complex)):
        return False
    try:
        memoryview(obj)
    except TypeError:
        return False
    return True


def _viewing_bytes(obj, dt):
    """A 1-D tensor over the bytes of a storage or buffer, read as ``dt``: a typed storage only as its own dtype;
    an untyped one as int64 when no dtype is asked (PyTorch's default there), a buffer as the default dtype."""
    from ember._dtype import int64
    from ember._tensor import _scalar_type_name
    from ember.storage import TypedStorage, _StorageBase
    if isinstance(obj, TypedStorage):
        if dt is not None and dt is not obj.dtype:
            raise RuntimeError(f"Expected a Storage of type {_scalar_type_name(dt)} or an UntypedStorage, but got "
                               f"{_scalar_type_name(obj.dtype)}")
        dt, obj = obj.dtype, obj.untyped()
    elif not isinstance(obj, _StorageBase):
        from ember.ops.tensor_extras import frombuffer
        return frombuffer(obj, dtype=get_default_dtype() if dt is None else dt)
    dt = int64 if dt is None else dt
    return empty(0, dtype=dt, device=obj.device).set_(obj, 0, (obj.nbytes() // dt.itemsize,), (1,))


@op('ember')
def from_numpy(ndarray) -> Tensor:
    """A tensor that shares memory with ``ndarray`` (changes to one show in the other).

    Example::

        >>> import numpy as np
        >>> a = np.array([1, 2, 3])
        >>> t = ember.from_numpy(a)
        >>> t[0] = -1
        >>> a
        array([-1,  2,  3])
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    if ndarray.dtype not in _BY_NP:
        from_numpy_dtype(ndarray.dtype)
    return Tensor._make(ndarray, CPU)


def refuse_unknown_keywords(name, size, kwargs):
    """PyTorch's TypeError when a factory taking ``**kwargs`` for ``size=`` gets other keywords
    (``names=``, a misspelt option) or a size both by position and by keyword: never ignored."""
    if not (kwargs.keys() - {'size'} or ('size' in kwargs and size)):
        return
    from ember.ops import _argparse
    _argparse.refuse_from_stack()       # the whole call as the user wrote it, where it can be read
    raise (_argparse.explain('torch', name, size, kwargs)
           or TypeError(f"{name}() got an unexpected keyword argument '{next(iter(kwargs))}'"))


def size_arg(name, size, size_kw=None):
    """A shape from f(2, 3), f((2, 3)), f([2, 3]), f(ember.Size(...)) or f(size=...), with PyTorch's
    errors for non-integer and negative sizes."""
    if size_kw is not None:
        size = (size_kw,)
    nested = len(size) == 1 and isinstance(size[0], (tuple, list))
    seq = tuple(size[0]) if nested else tuple(size)
    out = []
    for pos, s in enumerate(seq):
        if isinstance(s, Tensor) and s.numel() == 1 and s.dtype.category == 1:
            s = int(s.item())
        if isinstance(s, builtins.bool) or not isinstance(s, (builtins.int, np.integer)):
            from ember.ops import _argparse
            _argparse.refuse_from_stack()   # the error of the call the user made (x.new_zeros(2.5)), where readable
            kind = type(s).__name__
            if len(seq) == 1 and not nested:
                raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, not {kind}")
            raise TypeError(f"{name}(): argument 'size' failed to unpack the object at pos {pos + 1} with error "
                            f"\"type must be tuple of ints,but got {kind}\"")
        out.append(builtins.int(s))
    for s in out:
        if s < 0:
            if name == 'zeros':
                raise RuntimeError("zeros: Dimension size must be non-negative.")
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {out}")
    return tuple(out)


def _storage_bytes(shape, np_dtype):
    """The bytes a tensor of ``shape`` needs; PyTorch's error when that overflows 64 bits."""
    nbytes = np_dtype.itemsize
    for n in shape:
        nbytes *= int(n)
    if nbytes >= 1 << 63:
        raise RuntimeError(f"Storage size calculation overflowed with sizes={[int(n) for n in shape]}")
    return nbytes


_C_NAMES = {'int8': 'int8_t', 'uint8': 'uint8_t', 'int16': 'int16_t', 'int32': 'int', 'int64': 'int64_t',
            'float32': 'float', 'float64': 'double'}


def _check_overloaded_factory(name, args, dtype, device, requires_grad, layout, ints_from=None):
    """PyTorch's "invalid combination of arguments" TypeError for a factory with several overloads
    (``arange``, ``linspace``, ``eye``...): numbers must be numbers, ``args[ints_from:]`` ints, and
    the options of the right type. A number may be a 0-d tensor (PyTorch's Number); ``linspace`` and
    ``logspace`` also have overloads that take any tensor for a number, refused later by its shape."""
    any_tensor = name in ('linspace', 'logspace')
    numbers_ok = all(isinstance(a, (builtins.int, builtins.float, np.number)) and not isinstance(a, builtins.bool)
                     or isinstance(a, Tensor) and (any_tensor or a.ndim == 0)
                     or (ints_from is not None and k >= ints_from) for k, a in enumerate(args))
    ints_ok = ints_from is None or all(isinstance(a, (builtins.int, np.integer)) and not isinstance(a, builtins.bool)
                                       for a in args[ints_from:])
    if numbers_ok and ints_ok and bad_factory_option(dtype, device, requires_grad, layout) is None:
        return
    options = {'dtype': dtype, 'layout': layout, 'device': device}
    kwargs = {k: v for k, v in options.items() if v is not None}
    if requires_grad is not False:
        kwargs['requires_grad'] = requires_grad
    raise (_argparse.explain('torch', name, args, kwargs)
           or invalid_combination(name, args, kwargs, signature_text(globals()[name])))


def _check_pin_memory(name, pin_memory, device=None):
    """Refuses ``pin_memory=True`` up front, as PyTorch does, where no page-locked allocator exists
    (no CUDA) or the tensor would not live on the host."""
    if not pin_memory:
        return
    from ember import cuda
    if not cuda.is_available():
        raise RuntimeError("pin_memory=True requires a CUDA or other accelerator backend; no pinned memory "
                           "allocator is available on this system.")
    if device is not None and as_device(device).type != 'cpu':
        raise RuntimeError("Only dense CPU tensors can be pinned")


def _factory_requires_grad(t):
    """``requires_grad=True`` on a factory: PyTorch's wording differs from ``requires_grad_``'s."""
    if t.dtype.category < 2:
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    return t.requires_grad_(True)


def _pinned(t, pin_memory):
    """``t`` moved into page-locked host memory when ``pin_memory`` asks for it (checked beforehand by
    ``_check_pin_memory``); its autograd state is kept, as the data moves, not the tensor."""
    if not pin_memory:
        return t
    from ember.backend import cuda_runtime
    arr = cuda_runtime.pinned_empty(t._data.shape, t._data.dtype)
    arr[...] = t._data
    t._data = arr
    return t


_PYTHON_COMPLEX = type(1j)      # (the name ``complex`` is this module's op)


def _checked_fill(value, dt, count=1):
    """``value`` as PyTorch converts a fill value: integers out of range (and floats beyond the
    type's range) are refused; an unsigned type takes negative integers down to minus its maximum
    (wrapping, as C does). ``count``: how many elements are filled (PyTorch checks a float8 fill
    value's range only when filling more than one)."""
    kind = dt.np_dtype.kind
    if value.__class__ is _PYTHON_COMPLEX and kind not in 'bc':
        if value.imag != 0:     # (only the imaginary part is refused: 2+0j fills 2)
            name = _C_NAMES.get(dt.np_dtype.name) or f"c10::{dt._legacy[:-6]}"
            raise RuntimeError(f"value cannot be converted to type {name} without overflow")
        value = value.real
    if isinstance(value, bool) or kind in 'bc' or not isinstance(value, (int, float)):
        return value
    if dt.np_dtype.num in FLOAT8_NUMS:     # converted through float32, as PyTorch does
        if count > 1 and _float8.overflows(value, dt.np_dtype):
            raise RuntimeError(f"value cannot be converted to type c10::{dt._legacy[:-6]} without overflow")
        return _float8.from_float32(np.array(value, dtype=np.float32), dt.np_dtype)[()]
    if kind == 'V':       # bfloat16 (ml_dtypes): float32's range, and rounded through float32 as PyTorch does
        if isinstance(value, float) and math.isfinite(value) and abs(value) > 3.3895313892515355e38:
            raise RuntimeError("value cannot be converted to type c10::BFloat16 without overflow")
        if isinstance(value, float) and value != value:     # PyTorch's one bfloat16 NaN, whatever the sign
            return np.array(_bfloat16_nans.SCALAR_NAN, dtype=np.uint16).view(dt.np_dtype)[()]
        return np.float32(value) if isinstance(value, float) else value
    if kind == 'f':
        if isinstance(value, float) and math.isfinite(value) and abs(value) > float(np.finfo(dt.np_dtype).max) \
                and dt.np_dtype.itemsize > 2:
            raise RuntimeError(f"value cannot be converted to type {_C_NAMES.get(dt.np_dtype.name, dt.np_dtype.name)} "
                               "without overflow")
        return value
    info = np.iinfo(dt.np_dtype)
    ok = (info.min <= value <= info.max) if isinstance(value, float) else \
        (-info.max <= value <= info.max if kind == 'u' else info.min <= value <= info.max)
    if not ok:   # NaN fails the comparisons too
        raise RuntimeError(f"value cannot be converted to type {_C_NAMES.get(dt.np_dtype.name, dt.np_dtype.name)} "
                           "without overflow")
    return int(value) % (info.max + 1) if kind == 'u' and value < 0 else value


def _fill(shape, value, dtype, device, requires_grad, out=None, name='zeros', layout=None, pin_memory=False,
          memory_format=None):
    check_factory_options(name, dtype, device, requires_grad, layout)
    if layout is _formats.sparse_coo and name in ('zeros', 'empty') and out is None:
        from ember.sparse._coo import empty_coo              # (no element specified)
        return empty_coo(shape, dtype, device, requires_grad)
    if layout is not None and layout is not _formats.strided and name in ('zeros', 'empty') and out is None:
        from ember.sparse._compressed import unspecified      # (a compressed layout: nothing specified)
        return unspecified(name, shape, layout, dtype, device, requires_grad)
    _formats.check_layout(name, layout)
    _check_pin_memory(name, pin_memory, device)
    dt = to_dtype(dtype) if dtype is not None else (out.dtype if out is not None else get_default_dtype())
    dev = as_device(device) if device is not None or out is None else out.device
    xp = backend.get_array_module(dev)
    nbytes = _storage_bytes(shape, dt.np_dtype)
    try:
        if dev.type == 'meta':   # shape and dtype only: no memory, however large
            arr = backend.meta_array(shape, dt.np_dtype)
        elif value is None:
            arr = xp.empty(shape, dt.np_dtype)
        elif value == 0:
            arr = xp.zeros(shape, dt.np_dtype)
        else:
            arr = xp.full(shape, _checked_fill(value, dt, nbytes // dt.itemsize), dt.np_dtype)
    except MemoryError:
        raise RuntimeError(f"DefaultCPUAllocator: can't allocate memory: you tried to allocate {nbytes} bytes. "
                           "Error code 12 (Cannot allocate memory)") from None
    if memory_format is not None:
        arr = _formats.arrange(xp, arr, memory_format, name)
    t = _pinned(Tensor._make(arr, dev), pin_memory)
    if requires_grad:
        _factory_requires_grad(t)
    if out is not None:
        from ember.ops.inplace import write_out
        return write_out(name, t, out)
    return t


@op('ember')
def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
          **kwargs) -> Tensor:
    """Returns a tensor filled with the scalar value ``0``, with the shape given by ``size``.

    Args:
        size (int...): a sequence of integers defining the shape of the output tensor; a variable number of
            arguments or a collection like a list or tuple.

    Keyword args:
        out (Tensor, optional): the output tensor.
        dtype (:class:`ember.dtype`, optional): the desired data type of the returned tensor. Default: the
            global default (see :func:`ember.set_default_dtype`).
        layout (:class:`ember.layout`, optional): the desired layout of the returned tensor. Default:
            ``ember.strided``.
        device (:class:`ember.device`, optional): the desired device of the returned tensor. Default: the
            current default device.
        requires_grad (bool, optional): whether autograd records operations on the returned tensor. Default:
            ``False``.
        pin_memory (bool, optional): allocate the returned tensor in pinned memory (CPU tensors only). Default:
            ``False``.

    Example::

        >>> ember.zeros(2, 3)
        tensor([[0., 0., 0.],
                [0., 0., 0.]])
        >>> ember.zeros((2,), dtype=ember.int64)
        tensor([0, 0])
    """
    refuse_unknown_keywords('zeros', size, kwargs)
    return _fill(size_arg('zeros', size, kwargs.pop('size', None)), 0, dtype, device, requires_grad, out, 'zeros',
                 layout, pin_memory)


@op('ember')
def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False, **kwargs) -> Tensor:
    """Returns a tensor filled with the scalar value ``1``, with the shape given by ``size``.

    Args:
        size (int...): a sequence of integers defining the shape of the output tensor; a variable number of
            arguments or a collection like a list or tuple.

    Keyword args:
        out (Tensor, optional): the output tensor.
        dtype (:class:`ember.dtype`, optional): the desired data type of the returned tensor. Default: the
            global default (see :func:`ember.set_default_dtype`).
        layout (:class:`ember.layout`, optional): the desired layout of the returned tensor. Default:
            ``ember.strided``.
        device (:class:`ember.device`, optional): the desired device of the returned tensor. Default: the
            current default device.
        requires_grad (bool, optional): whether autograd records operations on the returned tensor. Default:
            ``False``.
        pin_memory (bool, optional): allocate the returned tensor in pinned memory (CPU tensors only). Default:
            ``False``.

    Example::

        >>> ember.ones(2, 3)
        tensor([[1., 1., 1.],
                [1., 1., 1.]])
        >>> ember.ones([4], dtype=ember.bool)
        tensor([True, True, True, True])
    """
    refuse_unknown_keywords('ones', size, kwargs)
    return _fill(size_arg('ones', size, kwargs.pop('size', None)), 1, dtype, device, requires_grad, out, 'ones',
                 layout, pin_memory)


@op('ember')
def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
          memory_format=None, **kwargs) -> Tensor:
    """Returns a tensor of the shape given by ``size`` whose contents are unspecified.

    PyTorch leaves the memory uninitialized; ember fills it with zeros so that a program reading it by mistake
    still behaves the same on every run. Do not rely on either: write the tensor before reading it.

    Args:
        size (int...): a sequence of integers defining the shape of the output tensor; a variable number of
            arguments or a collection like a list or tuple.

    Keyword args:
        out (Tensor, optional): the output tensor.
        dtype (:class:`ember.dtype`, optional): the desired data type of the returned tensor. Default: the
            global default (see :func:`ember.set_default_dtype`).
        layout (:class:`ember.layout`, optional): the desired layout of the returned tensor. Default:
            ``ember.strided``.
        device (:class:`ember.device`, optional): the desired device of the returned tensor. Default: the
            current default device.
        requires_grad (bool, optional): whether autograd records operations on the returned tensor. Default:
            ``False``.
        pin_memory (bool, optional): allocate the returned tensor in pinned memory (CPU tensors only). Default:
            ``False``.
        memory_format (:class:`ember.memory_format`, optional): the desired memory format of the returned
            tensor. Default: ``ember.preserve_format``.

    Example::

        >>> ember.empty(2, 3).shape
        ember.Size([2, 3])
        >>> ember.empty((2, 3), dtype=ember.int32).dtype
        ember.int32
    """
    # NOTE: zero-filled, so "uninitialised" memory is deterministic (deterministic mode fills as PyTorch does)
    refuse_unknown_keywords('empty', size, kwargs)
    return fill_uninitialized(_fill(size_arg('empty', size, kwargs.pop('size', None)), 0, dtype, device,
                                    requires_grad, out, 'empty', layout, pin_memory, memory_format))


@op('ember')
def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """Returns a tensor of shape ``size`` filled with ``fill_value``.

    The dtype follows ``fill_value`` when ``dtype`` is not given: a bool gives ``ember.bool``, an int
    ``ember.int64``, a float the default dtype.

    Args:
        size (int...): a list, tuple, or :class:`ember.Size` of integers defining the shape of the output
            tensor.
        fill_value (Scalar): the value to fill the output tensor with.

    Keyword args:
        out (Tensor, optional): the output tensor.
        dtype (:class:`ember.dtype`, optional): the desired data type of the returned tensor. Default: the
            global default (see :func:`ember.set_default_dtype`).
        layout (:class:`ember.layout`, optional): the desired layout of the returned tensor. Default:
            ``ember.strided``.
        device (:class:`ember.device`, optional): the desired device of the returned tensor. Default: the
            current default device.
        requires_grad (bool, optional): whether autograd records operations on the returned tensor. Default:
            ``False``.
        pin_memory (bool, optional): allocate the returned tensor in pinned memory (CPU tensors only). Default:
            ``False``.

    Example::

        >>> ember.full((2, 3), 3.141592)
        tensor([[3.1416, 3.1416, 3.1416],
                [3.1416, 3.1416, 3.1416]])
        >>> ember.full((3,), 7)
        tensor([7, 7, 7])
    """
    if not (isinstance(size, (tuple, list)) and isinstance(fill_value, (builtins.int, builtins.float, builtins.complex,
                                                                       np.generic, Tensor))):
        _argparse.refuse_from_stack()   # full(3, 1.), full((2,), None): PyTorch's argument error
    if dtype is None:
        dtype = scalar_dtype(fill_value) if not isinstance(fill_value, Tensor) else fill_value.dtype
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    return _fill(size_arg('full', (size,)), fill_value, dtype, device, requires_grad, out, 'full', layout, pin_memory)


def _like(name, input, value, dtype, device, requires_grad, layout, memory_format, pin_memory):
    if not isinstance(input, Tensor):
        _argparse.refuse_from_stack()   # (PyTorch's error for the call as made: ember.zeros_like() leaves input out)
        raise argument_error(name, 'input', 'Tensor', input, 1)
    check_factory_options(name, dtype, device, requires_grad, layout)
    if layout is not None and layout is not _formats.strided:   # a sparse result of a dense input
        from ember.sparse._like import dense_input
        return dense_input(name, input, layout, dtype, device, requires_grad)
    dt = dtype if dtype is not None else input.dtype
    dev = device if device is not None else input.device
    _check_pin_memory(name, pin_memory, dev)
    t = _fill(tuple(input.shape), value, dt, dev, requires_grad, name=name, layout=layout)
    fmt = _formats.preserve_format if memory_format is None else memory_format
    t._data = _formats.arrange(t._xp, t._data, fmt, name, like=input._data)
    return _pinned(t, pin_memory)


@op('ember')
def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None,
                  pin_memory=False):
    """Returns a tensor filled with ``0`` with the same size as ``input``.

    ``ember.zeros_like(input)`` is ``ember.zeros(input.size(), dtype=input.dtype, layout=input.layout,
    device=input.device)``.

    Args:
        input (Tensor): the size of ``input`` determines the size of the output tensor.

    Keyword args:
        dtype (:class:`ember.dtype`, optional): the desired data type of the returned tensor. Default: the
            global default (see :func:`ember.set_default_dtype`).
        layout (:class:`ember.layout`, optional): the desired layout of the returned tensor. Default:
            ``ember.strided``.
        device (:class:`ember.device`, optional): the desired device of the returned tensor. Default: the
            current default device.
        requires_grad (bool, optional): whether autograd records operations on the returned tensor. Default:
            ``False``.
        memory_format (:class:`ember.memory_format`, optional): the desired memory format of the returned
            tensor. Default: ``ember.preserve_format``.
        pin_memory (bool, optional): allocate the returned tensor in pinned memory (CPU tensors only). Default:
            ``False``.

    Example::

        >>> ember.zeros_like(ember.empty(2, 3))
        tensor([[0., 0., 0.],
                [0., 0., 0.]])
    """
    return _like('zeros_like', input, 0, dtype, device, requires_grad, layout, memory_format, pin_memory)


@op('ember')
def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None,
                 pin_memory=False):
    """Returns a tensor filled with ``1`` with the same size as ``input``.

    ``ember.ones_like(input)`` is ``ember.ones(input.size(), dtype=input.dtype, layout=input.layout,
    device=input.device)``.

    Args:
        input (Tensor): the size of ``input`` determines the size of the output tensor.

    Keyword args:
        dtype (:class:`ember.dtype`, optional): the desired data type of the returned tensor. Default: the
            global default (see :func:`ember.set_default_dtype`).
        layout (:class:`ember.layout`, optional): the desired layout of the returned tensor. Default:
            ``ember.strided``.
        device (:class:`ember.device`, optional): the desired device of the returned tensor. Default: the
            current default device.
        requires_grad (bool, optional): whether autograd records operations on the returned tensor. Default:
            ``False``.
        memory_format (:class:`ember.memory_format`, optional): the desired memory format of the returned
            tensor. Default: ``ember.preserve_format``.
        pin_memory (bool, optional): allocate the returned tensor in pinned memory (CPU tensors only). Default:
            ``False``.

    Example::

        >>> ember.ones_like(ember.empty(2, 3))
        tensor([[1., 1., 1.],
                [1., 1., 1.]])
    """
    return _like('ones_like', input, 1, dtype, device, requires_grad, layout, memory_format, pin_memory)


@op('ember')
def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None,
                  pin_memory=False):
    """Returns a tensor with the same size as ``input`` whose contents are unspecified (zeros in ember, as in
    :func:`ember.empty`).

    Args:
        input (Tensor): the size of ``input`` determines the size of the output tensor.

    Keyword args:
        dtype (:class:`ember.dtype`, optional): the desired data type of the returned tensor. Default: the
            global default (see :func:`ember.set_default_dtype`).
        layout (:class:`ember.layout`, optional): the desired layout of the returned tensor. Default:
            ``ember.strided``.
        device (:class:`ember.device`, optional): the desired device of the returned tensor. Default: the
            current default device.
        requires_grad (bool, optional): whether autograd records operations on the returned tensor. Default:
            ``False``.
        memory_format (:class:`ember.memory_format`, optional): the desired memory format of the returned
            tensor. Default: ``ember.preserve_format``.
        pin_memory (bool, optional): allocate the returned tensor in pinned memory (CPU tensors only). Default:
            ``False``.

    Example::

        >>> a = ember.tensor([[1, 2, 3], [4, 5, 6]])
        >>> ember.empty_like(a).shape
        ember.Size([2, 3])
    """
    return fill_uninitialized(_like('empty_like', input, 0, dtype, device, requires_grad, layout, memory_format,
                                    pin_memory))


@op('ember', guard=True)
def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None, pin_memory=False):
    """Returns a tensor with the same size as ``input`` filled with ``fill_value``.

    ``ember.full_like(input, fill_value)`` is ``ember.full(input.size(), fill_value, dtype=input.dtype,
    layout=input.layout, device=input.device)``.

    Args:
        input (Tensor): the size of ``input`` determines the size of the output tensor.
        fill_value: the number to fill the output tensor with.

    Keyword args:
        dtype (:class:`ember.dtype`, optional): the desired data type of the returned tensor. Default: the
            global default (see :func:`ember.set_default_dtype`).
        layout (:class:`ember.layout`, optional): the desired layout of the returned tensor. Default:
            ``ember.strided``.
        device (:class:`ember.device`, optional): the desired device of the returned tensor. Default: the
            current default device.
        requires_grad (bool, optional): whether autograd records operations on the returned tensor. Default:
            ``False``.
        memory_format (:class:`ember.memory_format`, optional): the desired memory format of the returned
            tensor. Default: ``ember.preserve_format``.
        pin_memory (bool, optional): allocate the returned tensor in pinned memory (CPU tensors only). Default:
            ``False``.

    Example::

        >>> ember.full_like(ember.zeros(2, 2), 0.5)
        tensor([[0.5000, 0.5000],
                [0.5000, 0.5000]])
        >>> ember.full_like(ember.zeros(3, dtype=ember.int64), 2.7)
        tensor([2, 2, 2])
    """
    return _like('full_like', input, fill_value, dtype, device, requires_grad, layout, memory_format, pin_memory)


@op('ember')
def arange(start, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
           pin_memory=False):
    """Returns a 1-D tensor of the values in ``[start, end)`` taken with common difference ``step``: ``ceil((end -
    start) / step)`` elements.

    With one argument it is ``end`` and counting starts at 0. The dtype is ``ember.int64`` when every argument
    is an integer, otherwise the default floating-point dtype.

    Args:
        start (Number): the starting value for the set of points. Default: ``0``.
        end (Number): the ending value for the set of points (excluded).
        step (Number): the gap between each pair of adjacent points. Default: ``1``.

    Keyword args:
        out (Tensor, optional): the output tensor.
        dtype (:class:`ember.dtype`, optional): the desired data type of the returned tensor. Default: the
            global default (see :func:`ember.set_default_dtype`).
        layout (:class:`ember.layout`, optional): the desired layout of the returned tensor. Default:
            ``ember.strided``.
        device (:class:`ember.device`, optional): the desired device of the returned tensor. Default: the
            current default device.
        requires_grad (bool, optional): whether autograd records operations on the returned tensor. Default:
            ``False``.
        pin_memory (bool, optional): allocate the returned tensor in pinned memory (CPU tensors only). Default:
            ``False``.

    Example::

        >>> ember.arange(5)
        tensor([0, 1, 2, 3, 4])
        >>> ember.arange(1, 4)
        tensor([1, 2, 3])
        >>> ember.arange(1, 2.5, 0.5)
        tensor([1.0000, 1.5000, 2.0000])
    """
    plain_step = isinstance(step, (builtins.int, builtins.float)) and step == 1   # (a tensor step is checked)
    _check_overloaded_factory('arange', (start,) + (() if end is None else (end,)) + (() if plain_step else (step,)),
                              dtype, device, requires_grad, layout)
    _check_pin_memory('arange', pin_memory, device)
    start, end, step = _num(start), _num(end), _num(step)
    if end is None:
        start, end = 0, start
    if dtype is None:
        floats = any(isinstance(v, builtins.float) for v in (start, end, step))
        dt = get_default_dtype() if floats else to_dtype(builtins.int)
    else:
        dt = to_dtype(dtype)
    if dt.category < 2 and builtins.int(step) == 0 and step != 0:
        raise ValueError("step must be nonzero")  # an integer range truncates a fractional step to 0
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    n = builtins.max(0, math.ceil((end - start) / step))
    dev = as_device(device)
    xp = backend.get_array_module(dev)
    if dt.name in ('float32', 'float64') and dev.type == 'cpu':
        # PyTorch's CPU kernel rounds per 32-byte SIMD register (its AVX2 and portable builds; AVX-512 is
        # not dispatched for it) and splits long ranges between its threads
        # (asking how many threads there are costs more than a short range: only long ones are split)
        threads = get_num_threads() if n > ARANGE_GRAIN_SIZE else 1
        arr = _values(dev, n, lambda: arange_values(start, step, n, dt.np_dtype, 32, threads))
    elif dt.category >= 2:
        # computed in float64 then cast, so float32 ranges match PyTorch's values
        arr = _values(dev, n, lambda: start + xp.arange(n, dtype=np.float64) * step)
    else:
        arr = _values(dev, n, lambda: xp.arange(start, end, step, dtype=np.int64)[:n])
    return _finish(arr, dt, dev, requires_grad, 'arange', out, layout, pin_memory)


def _values(dev, n, compute):
    """``compute()``, the values of a new 1-D tensor of ``n`` elements; on 'meta' none are computed
    (nor memory taken for them)."""
    return backend.meta_array((n,), np.float64) if dev.type == 'meta' else compute()


@op('ember', name='range')
def range_(start=0, end=None, step=1, *, out=None, dtype=None, layout=_formats.strided, device=None,
           requires_grad=False):
    """Deprecated: use :func:`ember.arange`. Returns a 1-D tensor of the values from ``start`` to ``end``
    *inclusive*, ``step`` apart (unlike Python's ``range`` and :func:`ember.arange`, which stop before ``end``),
    with a ``UserWarning``.

    Args:
        start (Number, optional): the first value. Default: ``0``.
        end (Number): the last value.
        step (Number, optional): the gap between values. Default: ``1``.

    Keyword args:
        out (Tensor, optional): the output tensor.
        dtype (ember.dtype, optional): the result's dtype. Default: the default floating-point dtype.
        layout (ember.layout, optional): ``ember.strided``.
        device (ember.device, optional): the result's device.
        requires_grad (bool, optional): whether the result requires grad. Default: ``False``.

    Example::

        >>> ember.range(1, 4)
        tensor([1., 2., 3., 4.])
        >>> ember.range(0, 1, 0.25)
        tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    if end is None:   # PyTorch's start defaults to 0 only in its signature: end is always required
        raise TypeError('range() missing 1 required positional arguments: "end"')
    warnings.warn("ember.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use ember.arange, which produces values in "
                  "[start, end).", UserWarning, stacklevel=2)
    _result = arange(start, end + step * 0.5 if step > 0 else end - 0.5 * -step, step, dtype=dtype or get_default_dtype(),
                     layout=layout, device=device, requires_grad=requires_grad)
    return _result if out is None else write_out('range', _result, out)


def _check_steps(steps):
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")


def _value_dtype(dt):
    """The NumPy dtype linspace/logspace compute in: the tensor's own (float32 for bfloat16, whose
    NumPy type is optional)."""
    return np.float32 if dt.name == 'bfloat16' else dt.np_dtype


def _finish(arr, dt, dev, requires_grad, name='arange', out=None, layout=None, pin_memory=False):
    t = _pinned(Tensor._make(arr.astype(dt.np_dtype), dev), pin_memory)
    if requires_grad:
        _factory_requires_grad(t)
    _formats.check_layout(name, layout)
    if out is not None:
        from ember.ops.inplace import write_out
        return write_out(name, t, out)
    return t


def _steps_required(name, start, end, extra=''):
    """PyTorch's refusal of a linspace/logspace call without ``steps``."""
    got = ', '.join('Tensor' if isinstance(v, Tensor) else type(v).__name__ for v in (start, end))
    tail = (f"{extra}*, Tensor out = None, ember.dtype dtype = None, ember.layout layout = None, "
            "ember.device device = None, bool pin_memory = False, bool requires_grad = False)\n")
    lines = ''.join(f" * ({a} start, {b} end, int steps, {tail}" for a, b in
                    (('Tensor', 'Tensor'), ('Number', 'Tensor'), ('Tensor', 'Number'), ('Number', 'Number')))
    return TypeError(f"{name}() received an invalid combination of arguments - got ({got}), but expected one of:\n"
                     + lines)


@op('ember')
def linspace(start, end, steps=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False):
    """Returns a one-dimensional tensor of ``steps`` values evenly spaced from ``start`` to ``end``, both included.

    Args:
        start (float or Tensor): the starting value for the set of points.
        end (float or Tensor): the ending value for the set of points.
        steps (int): size of the constructed tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.
        dtype (:class:`ember.dtype`, optional): the desired data type of the returned tensor. Default: the
            global default (see :func:`ember.set_default_dtype`).
        layout (:class:`ember.layout`, optional): the desired layout of the returned tensor. Default:
            ``ember.strided``.
        device (:class:`ember.device`, optional): the desired device of the returned tensor. Default: the
            current default device.
        requires_grad (bool, optional): whether autograd records operations on the returned tensor. Default:
            ``False``.
        pin_memory (bool, optional): allocate the returned tensor in pinned memory (CPU tensors only). Default:
            ``False``.

    Example::

        >>> ember.linspace(3, 10, steps=5)
        tensor([ 3.0000,  4.7500,  6.5000,  8.2500, 10.0000])
        >>> ember.linspace(-10, 10, steps=5)
        tensor([-10.,  -5.,   0.,   5.,  10.])
        >>> ember.linspace(start=-10, end=10, steps=1)
        tensor([-10.])
    """
    if steps is None:
        raise _steps_required('linspace', start, end)
    steps = int_tensor_arg(steps)
    _check_overloaded_factory('linspace', (start, end, steps), dtype, device, requires_grad, layout, 2)
    _check_pin_memory('linspace', pin_memory, device)
    dt = to_dtype(dtype) if dtype is not None else get_default_dtype()
    dev = as_device(device)
    xp = backend.get_array_module(dev)
    _check_steps(steps)
    arr = _values(dev, steps, lambda: xp.asarray(linspace_values(_num(start), _num(end), steps, _value_dtype(dt))))
    return _finish(arr, dt, dev, requires_grad, 'linspace', out, layout, pin_memory)


@op('ember')
def logspace(start, end, steps=None, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
    """Returns a one-dimensional tensor of ``steps`` values spaced evenly on a log scale with base ``base``, from
    ``base ** start`` to ``base ** end``, both included.

    Args:
        start (float or Tensor): the exponent of the first value.
        end (float or Tensor): the exponent of the last value.
        steps (int): size of the constructed tensor.
        base (float, optional): base of the logarithm function. Default: ``10.0``.

    Keyword args:
        out (Tensor, optional): the output tensor.
        dtype (:class:`ember.dtype`, optional): the desired data type of the returned tensor. Default: the
            global default (see :func:`ember.set_default_dtype`).
        layout (:class:`ember.layout`, optional): the desired layout of the returned tensor. Default:
            ``ember.strided``.
        device (:class:`ember.device`, optional): the desired device of the returned tensor. Default: the
            current default device.
        requires_grad (bool, optional): whether autograd records operations on the returned tensor. Default:
            ``False``.
        pin_memory (bool, optional): allocate the returned tensor in pinned memory (CPU tensors only). Default:
            ``False``.

    Example::

        >>> ember.logspace(start=-10, end=10, steps=5)
        tensor([1.0000e-10, 1.0000e-05, 1.0000e+00, 1.0000e+05, 1.0000e+10])
        >>> ember.logspace(start=0.1, end=1.0, steps=5)
        tensor([ 1.2589,  2.1135,  3.5481,  5.9566, 10.0000])
        >>> ember.logspace(start=0, end=3, steps=4, base=2)
        tensor([1., 2., 4., 8.])
    """
    if steps is None:
        raise _steps_required('logspace', start, end, 'float base = 10.0, ')
    steps = int_tensor_arg(steps)
    _check_overloaded_factory('logspace', (start, end, steps) + (() if base == 10.0 else (base,)), dtype, device,
                              requires_grad, layout, 2)
    _check_pin_memory('logspace', pin_memory, device)
    dt = to_dtype(dtype) if dtype is not None else get_default_dtype()
    dev = as_device(device)
    xp = backend.get_array_module(dev)
    _check_steps(steps)
    arr = _values(dev, steps, lambda: xp.asarray(logspace_values(_num(start), _num(end), steps, _num(base),
                                                                 _value_dtype(dt))))
    return _finish(arr, dt, dev, requires_grad, 'logspace', out, layout, pin_memory)


@op('ember')
def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """Returns a 2-D tensor with ones on the diagonal and zeros elsewhere.

    Args:
        n (int): the number of rows.
        m (int, optional): the number of columns; defaults to ``n``.

    Keyword args:
        out (Tensor, optional): the output tensor.
        dtype (:class:`ember.dtype`, optional): the desired data type of the returned tensor. Default: the
            global default (see :func:`ember.set_default_dtype`).
        layout (:class:`ember.layout`, optional): the desired layout of the returned tensor. Default:
            ``ember.strided``.
        device (:class:`ember.device`, optional): the desired device of the returned tensor. Default: the
            current default device.
        requires_grad (bool, optional): whether autograd records operations on the returned tensor. Default:
            ``False``.
        pin_memory (bool, optional): allocate the returned tensor in pinned memory (CPU tensors only). Default:
            ``False``.

    Example::

        >>> ember.eye(3)
        tensor([[1., 0., 0.],
                [0., 1., 0.],
                [0., 0., 1.]])
        >>> ember.eye(2, 3, dtype=ember.int64)
        tensor([[1, 0, 0],
                [0, 1, 0]])
    """
    n, m = int_tensor_arg(n, one_element=True), int_tensor_arg(m, one_element=True)
    _check_overloaded_factory('eye', (n,) if m is None else (n, m), dtype, device, requires_grad, layout, 0)
    _check_pin_memory('eye', pin_memory, device)
    for name, v in (('n', n), ('m', m)):
        if v is not None and v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    dt = to_dtype(dtype) if dtype is not None else get_default_dtype()
    dev = as_device(device)
    xp = backend.get_array_module(dev)
    return _finish(xp.eye(n, n if m is None else m, dtype=dt.np_dtype), dt, dev, requires_grad, 'eye', out, layout, pin_memory)


@op('ember', guard=True)
def scalar_tensor(s, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """Returns a 0-dimensional tensor holding ``s``, in the default floating-point dtype unless ``dtype`` says
    otherwise.

    Args:
        s (Number): the value.

    Keyword args:
        dtype (:class:`ember.dtype`, optional): the desired data type of the returned tensor. Default: the
            global default (see :func:`ember.set_default_dtype`).
        layout (:class:`ember.layout`, optional): the desired layout of the returned tensor. Default:
            ``ember.strided``.
        device (:class:`ember.device`, optional): the desired device of the returned tensor. Default: the
            current default device.
        requires_grad (bool, optional): whether autograd records operations on the returned tensor. Default:
            ``False``.
        pin_memory (bool, optional): allocate the returned tensor in pinned memory (CPU tensors only). Default:
            ``False``.

    Example::

        >>> ember.scalar_tensor(3)
        tensor(3.)
        >>> ember.scalar_tensor(True, dtype=ember.bool)
        tensor(True)
    """
    _formats.check_layout('scalar_tensor', layout)
    return tensor(s, dtype=dtype or get_default_dtype(), device=device, requires_grad=requires_grad,
                  pin_memory=pin_memory)


@op('ember', 'Tensor')
def clone(input, *, memory_format=None):
    """A copy with its own memory and ``input``'s history (strides follow ``memory_format``:
    ``preserve_format`` by default, as in PyTorch).

    Example::

        >>> a = ember.tensor([1., 2.])
        >>> b = ember.clone(a)
        >>> b[0] = 5.
        >>> a, b
        (tensor([1., 2.]), tensor([5., 2.]))
    """
    try:
        data = input._data
    except AttributeError:      # not a tensor: PyTorch's argument error for the op called
        _argparse.refuse_from_stack()
        raise
    from ember.ops.shape import Clone
    result = Clone.apply(input)
    fmt = _formats.preserve_format if memory_format is None else memory_format
    if fmt is not _formats.preserve_format or not data.flags.c_contiguous or 1 in data.shape:
        result._data = _formats.arrange(result._xp, result._data, fmt, 'clone', like=data)
    return result


class _Complex(Primitive):
    """real + i imag; the gradient of each part is the matching part of the complex gradient."""
    node_name = 'ComplexBackward0'

    @staticmethod
    def forward(ctx, re, im):
        re, im = ctx.xp.broadcast_arrays(re, im)
        arr = re.astype(np.complex128 if re.dtype == np.float64 else np.complex64)
        arr.imag = im
        return arr

    @staticmethod
    def backward(ctx, g):
        from ember.ops.complex import imag, real
        return real(g), imag(g)


@op('ember')
def complex(real, imag, *, out=None):
    """A complex tensor from real and imaginary parts (float32 -> complex64, float64 -> complex128).

    Example::

        >>> ember.complex(ember.tensor([1., 2.]), ember.tensor([3., 4.]))
        tensor([1.+3.j, 2.+4.j])
    """
    require_tensor_args(real, imag)
    names = {'float16': 'Half', 'float32': 'Float', 'float64': 'Double'}
    if real.dtype.name not in names or imag.dtype.name not in names:
        from ember._tensor import _scalar_type_name
        raise RuntimeError("Expected both inputs to be Half, Float or Double tensors but got "
                           f"{_scalar_type_name(real.dtype)} and {_scalar_type_name(imag.dtype)}")
    if real.dtype is not imag.dtype:
        raise RuntimeError(f"Expected object of scalar type {names[real.dtype.name]} but got scalar type "
                           f"{names[imag.dtype.name]} for second argument")
    if real.dtype.name == 'float16':
        complex32.refuse()       # PyTorch's result would be complex32
    from ember.ops._util import broadcast_error
    try:
        np.broadcast_shapes(tuple(real.shape), tuple(imag.shape))
    except ValueError:
        raise broadcast_error(real.shape, imag.shape) from None
    result = _Complex.apply(real, imag)  # differentiable in both parts
    if out is not None:
        from ember.ops.inplace import write_out
        return write_out('complex', result, out)
    return result
