"""The integer codes TorchScript writes for dtypes, layouts and memory formats (c10's ScalarType,
Layout and MemoryFormat enums): ``torch.zeros([2], dtype=6)`` in an archive's code is float32."""
import ember

# c10::ScalarType, in enum order (the names ember lacks are left out: they stay refused)
_SCALAR_TYPES = ('uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'float32', 'float64', 'complex32',
                 'complex64', 'complex128', 'bool', 'qint8', 'quint8', 'qint32', 'bfloat16')


def dtype_of(code):
    """The ember dtype for a ScalarType code (a dtype passes through)."""
    if isinstance(code, ember.dtype) or code is None:
        return code
    try:
        name = _SCALAR_TYPES[code]
        return getattr(ember, name)
    except (IndexError, AttributeError):
        raise RuntimeError(f"ember.jit: the archive uses scalar type code {code}, which ember does not have") \
            from None


def code_of(dtype):
    """The ScalarType code of an ember dtype (what ``prim::dtype`` gives TorchScript code)."""
    return _SCALAR_TYPES.index(str(dtype).split('.')[-1])


def layout_of(code):
    if code is None or not isinstance(code, int):
        return code
    return (ember.strided, ember.sparse_coo)[code] if code < 2 else ember.strided


def memory_format_of(code):
    if code is None or not isinstance(code, int):
        return code
    return (ember.contiguous_format, ember.preserve_format, ember.channels_last, ember.channels_last_3d)[code]
