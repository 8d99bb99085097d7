"""Legacy type names (ember.FloatTensor, ...) and small type predicates."""
from ember import _dtype
from ember._tensor import Tensor


class _LegacyMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls._ember_dtype and obj.device.type == 'cpu'

    def __call__(cls, *args, device=None):
        return Tensor(*args, dtype=cls._ember_dtype, device=device)

    def __repr__(cls):
        return f"<class 'ember.{cls.__name__}'>"


def _legacy(name, dt):
    return _LegacyMeta(name, (), {'_ember_dtype': dt, 'dtype': dt})


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
    if isinstance(obj, Tensor):
        return obj.type()
    module = type(obj).__module__
    name = type(obj).__qualname__
    return name if module in ('builtins', None) else f'{module}.{name}'


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_storage(obj):
    """Whether ``obj`` is a storage (``UntypedStorage`` or ``TypedStorage``)."""
    from ember.storage import TypedStorage, UntypedStorage
    return isinstance(obj, (TypedStorage, UntypedStorage))


def is_floating_point(input):
    return input.dtype.is_floating_point


def is_complex(input):
    return input.dtype.is_complex


def numel(input):
    return input.numel()
