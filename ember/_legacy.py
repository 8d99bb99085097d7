"""Legacy type names (ember.FloatTensor, ...) and small type predicates."""
from ember import _dtype
from ember._tensor import Tensor


class _LegacyMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls._ember_dtype and obj.device.type == cls._device_type

    def __call__(cls, *args, device=None):
        if cls._device_type == 'cuda':
            from ember import backend
            if not backend.cuda_available():
                raise TypeError(f"type ember.cuda.{cls.__name__} not available. Torch not compiled with CUDA enabled.")
            device = 'cuda' if device is None else device
        return Tensor(*args, dtype=cls._ember_dtype, device=device)

    def __repr__(cls):
        return f"<class '{cls.__module__}.{cls.__name__}'>"


_NAMES = (('FloatTensor', 'float32'), ('DoubleTensor', 'float64'), ('HalfTensor', 'float16'),
          ('BFloat16Tensor', 'bfloat16'), ('LongTensor', 'int64'), ('IntTensor', 'int32'), ('ShortTensor', 'int16'),
          ('CharTensor', 'int8'), ('ByteTensor', 'uint8'), ('BoolTensor', 'bool_'))


def _values_of(dt):
    """How ``[1, 0]`` reads back (``tolist()``) from a tensor or storage of dtype ``dt``."""
    if dt.is_complex:
        return '[(1+0j), 0j]'
    if dt.is_floating_point:
        return '[1.0, 0.0]'
    return '[True, False]' if dt is _dtype.bool_ else '[1, 0]'


def _legacy_example(name, dt):
    return f"""
    Example::

        >>> t = ember.{name}([1, 0])
        >>> t.dtype, t.tolist()
        ({dt}, {_values_of(dt)})
        >>> isinstance(t, ember.{name}), ember.{name}(2, 3).shape
        (True, ember.Size([2, 3]))
    """


def _legacy(name, dt, device_type='cpu'):
    module = 'ember' if device_type == 'cpu' else 'ember.cuda'
    doc = (f"""The legacy constructor and type of {device_type.upper()} tensors of dtype ``{dt}``.

    ``{module}.{name}(2, 3)`` makes a tensor of that shape (zero-filled in ember, uninitialized in
    PyTorch), ``{module}.{name}([1, 2])`` one holding the given data; ``isinstance(t, {module}.{name})``
    tests a tensor's dtype and device. New code uses :func:`ember.tensor` and ``t.dtype``.
    """)
    if device_type == 'cpu':
        doc += _legacy_example(name, dt)
    return _LegacyMeta(name, (), {'_ember_dtype': dt, 'dtype': dt, '_device_type': device_type,
                                  'is_cuda': device_type == 'cuda', '__doc__': doc, '__module__': module})


def cuda_legacy_types():
    """``ember.cuda.FloatTensor`` and the others, by name."""
    return {name: _legacy(name, getattr(_dtype, dt), 'cuda') for name, dt in _NAMES}


FloatTensor = _legacy('FloatTensor', _dtype.float32)
DoubleTensor = _legacy('DoubleTensor', _dtype.float64)
HalfTensor = _legacy('HalfTensor', _dtype.float16)
BFloat16Tensor = _legacy('BFloat16Tensor', _dtype.bfloat16)
LongTensor = _legacy('LongTensor', _dtype.int64)
IntTensor = _legacy('IntTensor', _dtype.int32)
ShortTensor = _legacy('ShortTensor', _dtype.int16)
CharTensor = _legacy('CharTensor', _dtype.int8)
ByteTensor = _legacy('ByteTensor', _dtype.uint8)
BoolTensor = _legacy('BoolTensor', _dtype.bool_)


def typename(obj):
    """Returns the type name of ``obj``: a tensor's legacy type string (``'ember.FloatTensor'``), otherwise the
    qualified name of its class.

    Args:
        obj: any object.

    Example::

        >>> ember.typename(ember.ones(2))
        'ember.FloatTensor'
        >>> ember.typename(ember.ones(2, dtype=ember.int64))
        'ember.LongTensor'
        >>> ember.typename(3)
        'int'
    """
    if isinstance(obj, Tensor):
        return obj.type()
    module = type(obj).__module__
    name = type(obj).__qualname__
    return name if module in ('builtins', None) else f'{module}.{name}'


def is_tensor(obj):
    """Returns ``True`` if ``obj`` is an ember tensor (``isinstance(obj, ember.Tensor)``).

    Args:
        obj (object): object to test.

    Example::

        >>> ember.is_tensor(ember.tensor([1, 2, 3]))
        True
        >>> ember.is_tensor([1, 2, 3])
        False
    """
    return isinstance(obj, Tensor)


def is_storage(obj):
    """Returns ``True`` if ``obj`` is a storage: an :class:`ember.UntypedStorage` or a
    :class:`ember.TypedStorage` (which the legacy ``ember.FloatStorage`` and its kin are).

    Args:
        obj (object): object to test.

    Example::

        >>> ember.is_storage(ember.ones(2).untyped_storage())
        True
        >>> ember.is_storage(ember.ones(2))
        False
    """
    from ember.storage import TypedStorage, UntypedStorage
    return isinstance(obj, (TypedStorage, UntypedStorage))


def is_floating_point(input):
    """Returns ``True`` if the dtype of ``input`` is a floating-point type (``float64``, ``float32``, ``float16``
    or ``bfloat16``).

    Args:
        input (Tensor): the input tensor.

    Example::

        >>> ember.is_floating_point(ember.tensor([1.0])), ember.is_floating_point(ember.tensor([1]))
        (True, False)
    """
    return input.dtype.is_floating_point


def is_complex(input):
    """Returns ``True`` if the dtype of ``input`` is a complex type (``complex64`` or ``complex128``).

    Args:
        input (Tensor): the input tensor.

    Example::

        >>> ember.is_complex(ember.tensor([1 + 2j])), ember.is_complex(ember.tensor([1.0]))
        (True, False)
    """
    return input.dtype.is_complex


def numel(input):
    """Returns the total number of elements in ``input``.

    Args:
        input (Tensor): the input tensor.

    Example::

        >>> ember.numel(ember.zeros(1, 2, 3, 4, 5))
        120
    """
    try:
        return input.numel()
    except AttributeError:      # not a tensor: PyTorch's argument error (the try costs nothing otherwise)
        from ember.ops import _argparse
        _argparse.refuse_from_stack()
        raise
