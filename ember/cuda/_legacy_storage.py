"""The legacy typed storages of CUDA memory (``torch.cuda.FloatStorage`` and the others):
``ember.cuda.FloatStorage(3)`` or ``ember.cuda.FloatStorage([1., 2.])`` make one on the current CUDA
device, and a CUDA typed storage of that dtype is an instance of them."""
from ember import backend
from ember.storage import TypedStorage, _LegacyStorage, _LegacyStorageMeta

_NAMES = (('FloatStorage', 'float32'), ('DoubleStorage', 'float64'), ('HalfStorage', 'float16'),
          ('BFloat16Storage', 'bfloat16'), ('LongStorage', 'int64'), ('IntStorage', 'int32'),
          ('ShortStorage', 'int16'), ('CharStorage', 'int8'), ('ByteStorage', 'uint8'), ('BoolStorage', 'bool'),
          ('ComplexFloatStorage', 'complex64'), ('ComplexDoubleStorage', 'complex128'))


class _CudaLegacyStorageMeta(_LegacyStorageMeta):
    def __instancecheck__(cls, instance):
        return (isinstance(instance, TypedStorage) and instance.device.type == 'cuda'
                and instance.dtype is cls._legacy_dtype)

    def __repr__(cls):
        return f"<class 'ember.cuda.{cls.__name__}'>"


class _CudaLegacyStorage(_LegacyStorage, metaclass=_CudaLegacyStorageMeta):
    """The base of the legacy CUDA storage classes."""
    __slots__ = ()

    def __new__(cls, *args, **kwargs):
        backend._require_cuda()
        if 'dtype' in kwargs or 'device' in kwargs:
            raise RuntimeError(f"ember.cuda.{cls.__name__}(): keyword arguments 'dtype' and 'device' cannot be "
                               f"given (the class fixes the dtype; the device is the current CUDA device)")
        return TypedStorage(*args, dtype=cls._legacy_dtype, device='cuda', **kwargs)


def cuda_legacy_storages():
    """``FloatStorage`` and the others, by name."""
    from ember._dtype import _BY_NAME
    return {name: _CudaLegacyStorageMeta(name, (_CudaLegacyStorage,), {
        '__slots__': (), '_legacy_dtype': _BY_NAME[dt], '__module__': 'ember.cuda',
        '__doc__': f'The legacy typed storage of {dt} on CUDA.'}) for name, dt in _NAMES}

