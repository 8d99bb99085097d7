"""dtype objects, the default dtype, and PyTorch's type-promotion rules.

PyTorch promotes differently from NumPy: operands fall into three priority
groups (tensors with dimensions, zero-dim tensors, Python scalars) and a lower
group only changes the result when it brings a higher *category*
(bool < integer < floating < complex).  ``result_type`` implements exactly that.
"""
import numpy as np

_BOOL, _INT, _FLOAT, _COMPLEX = 0, 1, 2, 3


class dtype:
    """The type of a tensor's elements: ``ember.float32``, ``ember.int64``, ``ember.bool``, ... (one object each,
    compared with ``is`` or ``==``). ``tensor.dtype`` tells a tensor's; factory functions and :meth:`Tensor.to`
    take ``dtype=``.

    Its properties describe it: ``is_floating_point``, ``is_complex``, ``is_signed`` and ``itemsize`` (bytes per
    element); :meth:`to_complex` and :meth:`to_real` give the matching complex or real type.

    Example::

        >>> ember.tensor([1, 2]).dtype
        ember.int64
        >>> ember.float16.is_floating_point, ember.float16.itemsize, ember.uint8.is_signed
        (True, 2, False)
        >>> ember.float64.to_complex(), ember.complex64.to_real()
        (ember.complex128, ember.float32)
        >>> ember.float16.to_complex()       # a dtype ember names but cannot make tensors of
        ember.complex32
    """
    __slots__ = ('name', 'np_dtype', 'itemsize', 'category', 'is_signed', '_legacy')

    def __init__(self, name, np_dtype, category, legacy):
        self.name = name
        self.np_dtype = np.dtype(np_dtype)
        self.itemsize = self.np_dtype.itemsize
        self.category = category
        self.is_signed = category != _BOOL and not name.startswith('uint')
        self._legacy = legacy

    @property
    def is_floating_point(self):
        return self.category == _FLOAT

    @property
    def is_complex(self):
        return self.category == _COMPLEX

    def to_complex(self):
        if self.category == _COMPLEX:
            return self
        if self.category != _FLOAT:
            raise RuntimeError(f"Unknown Complex ScalarType for {self._legacy[:-len('Tensor')]}")
        # float16's complex type, complex32, is a name only in ember (NumPy has no such element type)
        return {'float16': complex32, 'float64': complex128}.get(self.name, complex64)

    def to_real(self):
        return {'complex64': float32, 'complex128': float64}.get(self.name, self)

    def __repr__(self):
        return 'ember.' + self.name

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))


bool_ = dtype('bool', np.bool_, _BOOL, 'BoolTensor')
uint8 = dtype('uint8', np.uint8, _INT, 'ByteTensor')
int8 = dtype('int8', np.int8, _INT, 'CharTensor')
int16 = dtype('int16', np.int16, _INT, 'ShortTensor')
int32 = dtype('int32', np.int32, _INT, 'IntTensor')
int64 = dtype('int64', np.int64, _INT, 'LongTensor')
float16 = dtype('float16', np.float16, _FLOAT, 'HalfTensor')
float32 = dtype('float32', np.float32, _FLOAT, 'FloatTensor')
float64 = dtype('float64', np.float64, _FLOAT, 'DoubleTensor')
complex64 = dtype('complex64', np.complex64, _COMPLEX, 'ComplexFloatTensor')
complex128 = dtype('complex128', np.complex128, _COMPLEX, 'ComplexDoubleTensor')
# NOTE: PyTorch gives the wide unsigned types "barebones" support: creation, copies, conversions,
# views, equality, bitwise and/or/xor, sums and sorting; they promote with no other integer type,
# and many kernels refuse them (ember/ops/_barebones.py names those, with PyTorch's errors)
uint16 = dtype('uint16', np.uint16, _INT, 'UInt16Tensor')
uint32 = dtype('uint32', np.uint32, _INT, 'UInt32Tensor')
uint64 = dtype('uint64', np.uint64, _INT, 'UInt64Tensor')
BAREBONES = (uint16, uint32, uint64)


class _MissingBFloat16(dtype):
    """``ember.bfloat16`` when the ``ml_dtypes`` package is absent: the name exists (so code that
    merely mentions it imports), and any use that needs its arrays says which package to install."""
    __slots__ = ()

    def __init__(self):
        self.name, self.itemsize, self.category, self.is_signed = 'bfloat16', 2, _FLOAT, True
        self._legacy = 'BFloat16Tensor'

    @property
    def np_dtype(self):
        raise RuntimeError("ember.bfloat16 needs the ml_dtypes package: pip install 'ember[bf16]' "
                           "(or pip install ml_dtypes)")


class _LazyBFloat16(dtype):
    """``ember.bfloat16`` when ``ml_dtypes`` is installed. NumPy has no bfloat16; ml_dtypes (the
    standard NumPy extension for it) registers one whose elementwise ufuncs compute in float32 and
    round back, as PyTorch's CPU kernels do. Loading its extension takes about a second, so it is
    imported the first time a bfloat16 array is needed, not when ember is."""
    __slots__ = ()
    _np = None

    def __init__(self):
        self.name, self.itemsize, self.category, self.is_signed = 'bfloat16', 2, _FLOAT, True
        self._legacy = 'BFloat16Tensor'

    @property
    def np_dtype(self):
        return _LazyBFloat16._np or _load_bfloat16()


def _load_bfloat16():
    import ml_dtypes
    np_dt = np.dtype(ml_dtypes.bfloat16)
    _LazyBFloat16._np = np_dt
    _BY_NP[np_dt] = bfloat16
    WIDE_FLOAT_NUMS.add(np_dt.num)
    return np_dt


# NumPy type numbers of the floating-point and complex types ops compute in as they are (bfloat16's
# is added when ml_dtypes is loaded); not the float8 types (ml_dtypes calls float8_e5m2 kind 'f' and
# the others kind 'V', like bfloat16), which PyTorch's kernels mostly refuse
WIDE_FLOAT_NUMS = {np.dtype(t).num for t in (np.float16, np.float32, np.float64, np.longdouble, np.complex64,
                                              np.complex128, np.clongdouble)}


def _make_bfloat16():
    import importlib.util
    return _LazyBFloat16() if importlib.util.find_spec('ml_dtypes') else _MissingBFloat16()


bfloat16 = _make_bfloat16()
HAS_BFLOAT16 = type(bfloat16) is _LazyBFloat16

class _MissingFloat8(dtype):
    """A float8 dtype (``ember.float8_e4m3fn`` and kin) when the ``ml_dtypes`` package is absent: the
    name exists, and any use that needs its arrays says which package to install."""
    __slots__ = ()

    def __init__(self, name, signed=True):
        self.name, self.itemsize, self.category, self.is_signed = name, 1, _FLOAT, signed
        self._legacy = name[0].upper() + name[1:] + 'Tensor'   # PyTorch's scalar-type name + 'Tensor'

    @property
    def np_dtype(self):
        raise RuntimeError(f"ember.{self.name} needs the ml_dtypes package: pip install ml_dtypes")


class _LazyFloat8(_MissingFloat8):
    """A float8 dtype backed by ml_dtypes' NumPy type of the same name, loaded on first use (as
    bfloat16 is). PyTorch gives these types little more than storage: creation, copies, conversions,
    views, indexing, equality (ember/ops/_float8.py names the ops it refuses)."""
    __slots__ = ()
    _np = {}

    @property
    def np_dtype(self):
        return _LazyFloat8._np.get(self.name) or _load_float8()[self.name]


def _load_float8():
    import ml_dtypes
    for d in FLOAT8:
        np_dt = np.dtype(getattr(ml_dtypes, d.name))
        _LazyFloat8._np[d.name] = np_dt
        _BY_NP[np_dt] = d
        RESTRICTED_NAMES[np_dt.num] = d._legacy[:-len('Tensor')]
        FLOAT8_NUMS.add(np_dt.num)
        RESTRICTED_NUMS.add(np_dt.num)
    return _LazyFloat8._np


class _UnbackedDtype(dtype):
    """A dtype of PyTorch's that NumPy has no element type for (``complex32``): the name exists, so code that
    names it (dtype tables, comparisons) runs, and making a tensor of it says that ember cannot."""
    __slots__ = ()

    def __init__(self, name, itemsize, category, legacy):
        self.name, self.itemsize, self.category, self.is_signed = name, itemsize, category, True
        self._legacy = legacy

    @property
    def np_dtype(self):
        self.refuse()

    def refuse(self):
        """Raise the error that says ember cannot make tensors of this dtype (where PyTorch would make one)."""
        raise RuntimeError(f"ember cannot make {self.name} tensors: NumPy has no such element type")

    def to_real(self):
        return float16 if self.name == 'complex32' else self


complex32 = _UnbackedDtype('complex32', 4, _COMPLEX, 'ComplexHalfTensor')
chalf = complex32


_FLOAT8_CLASS = _LazyFloat8 if HAS_BFLOAT16 else _MissingFloat8
float8_e4m3fn = _FLOAT8_CLASS('float8_e4m3fn')
float8_e5m2 = _FLOAT8_CLASS('float8_e5m2')
float8_e4m3fnuz = _FLOAT8_CLASS('float8_e4m3fnuz')
float8_e5m2fnuz = _FLOAT8_CLASS('float8_e5m2fnuz')
float8_e8m0fnu = _FLOAT8_CLASS('float8_e8m0fnu', signed=False)   # exponent only: no sign bit
FLOAT8 = (float8_e4m3fn, float8_e5m2, float8_e4m3fnuz, float8_e5m2fnuz, float8_e8m0fnu)
HAS_FLOAT8 = HAS_BFLOAT16     # both come with ml_dtypes
# NumPy type numbers of the dtypes whose ops PyTorch's kernels refuse in part (the float8 ones are
# added when ml_dtypes is loaded), and PyTorch's names for them, for its errors
RESTRICTED_NUMS = {d.np_dtype.num for d in BAREBONES}
RESTRICTED_NAMES = {d.np_dtype.num: d._legacy[:-len('Tensor')] for d in BAREBONES}
FLOAT8_NUMS = set()

ALL_DTYPES = (bool_, uint8, int8, int16, int32, int64, float16, float32, float64,
              complex64, complex128) + ((bfloat16,) if HAS_BFLOAT16 else ()) + BAREBONES
# NumPy dtype -> ember dtype; bfloat16's entry is added when ml_dtypes is first loaded
_BY_NP = {d.np_dtype: d for d in ALL_DTYPES if d is not bfloat16}
_BY_NAME = {d.name: d for d in ALL_DTYPES}
_BY_NAME['bfloat16'] = bfloat16
_BY_NAME.update((d.name, d) for d in FLOAT8)

# PyTorch's aliases
half, float, double = float16, float32, float64
short, int, long = int16, int32, int64
cfloat, cdouble = complex64, complex128
bool = bool_

_default = float32


def _dtype_by_name(name):
    return _BY_NAME[name]


def _is_ml_bfloat16(np_dtype):
    try:
        return np.dtype(np_dtype).name == 'bfloat16'
    except TypeError:
        return False


def _ml_float8_name(np_dtype):
    try:
        name = np.dtype(np_dtype).name
    except TypeError:
        return None
    return name if name.startswith('float8_') else None


def from_numpy_dtype(np_dtype):
    """The ember dtype of a NumPy dtype; TypeError for types ember lacks."""
    try:
        return _BY_NP[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        if HAS_BFLOAT16 and _is_ml_bfloat16(np_dtype):   # made by ml_dtypes before ember needed one
            _load_bfloat16()
            return bfloat16
        if HAS_FLOAT8 and _ml_float8_name(np_dtype) in _BY_NAME:
            _load_float8()
            return _BY_NAME[_ml_float8_name(np_dtype)]
        raise TypeError(f"can't convert np.ndarray of type {np.dtype(np_dtype)}. The only "
                        "supported types are: float64, float32, float16, complex64, complex128, "
                        "int64, int32, int16, int8, uint64, uint32, uint16, uint8, and bool.") from None


def to_dtype(d):
    """The dtype a user's ``dtype`` argument names: an ember dtype, or a Python type (``float``,
    ``int``, ``bool``, ``complex``). NumPy's dtypes are refused with PyTorch's TypeError, as PyTorch
    refuses them (``ember.from_numpy`` and ``ember.tensor`` read an array's own dtype)."""
    if isinstance(d, dtype):
        return d
    import builtins
    if d is builtins.float:
        return float64
    if d is builtins.int:
        return int64
    if d is builtins.bool:
        return bool_
    if d is builtins.complex:
        return complex128
    from ember.ops import _argparse
    _argparse.refuse_from_stack()       # the op's own error where PyTorch's parser checks its dtype
    raise TypeError(f"argument 'dtype' must be ember.dtype, not {_argparse.type_name(d)}")


def get_default_dtype():
    """Returns the current default floating-point dtype, used by factory functions for floating-point numbers
    (``ember.float32`` unless changed with :func:`ember.set_default_dtype`).

    Example::

        >>> ember.get_default_dtype()
        ember.float32
        >>> ember.tensor([1.2, 3]).dtype
        ember.float32
    """
    return _default


def set_default_dtype(d):
    """Sets the default floating-point dtype to ``d`` (``ember.float32`` or ``ember.float64``; ``float16`` and
    ``bfloat16`` too). It is used by factory functions and type inference for Python floats, and decides the
    complex default (``complex64`` or ``complex128``).

    Args:
        d (:class:`ember.dtype`): the floating-point dtype to make the default.

    Example::

        >>> ember.tensor([1.2, 3]).dtype
        ember.float32
        >>> ember.set_default_dtype(ember.float64)
        >>> ember.tensor([1.2, 3]).dtype
        ember.float64
        >>> ember.tensor([1.2, 3j]).dtype
        ember.complex128
        >>> ember.set_default_dtype(ember.float32)
    """
    global _default
    if not isinstance(d, dtype):    # (Python's float and NumPy's types are refused, as in PyTorch)
        raise TypeError("invalid dtype object: only floating-point types are supported as the default type")
    if d not in (float16, float32, float64):
        raise TypeError("only floating-point types are supported as the default type")
    _default = d


def default_complex_dtype():
    return complex128 if _default is float64 else complex64


def promote_types(type1, type2):
    """PyTorch's pairwise promotion of two dtypes.

    Example::

        >>> ember.promote_types(ember.int32, ember.float32)
        ember.float32
        >>> ember.promote_types(ember.uint8, ember.int8)
        ember.int16
    """
    a, b = type1, type2
    if a is b:
        return a
    if not (isinstance(a, dtype) and isinstance(b, dtype)):
        from ember.ops import _argparse
        _argparse.refuse_from_stack()   # PyTorch's argument error for ember.promote_types(np.float32, ...)
    if a in FLOAT8 or b in FLOAT8:
        raise RuntimeError("Promotion for Float8 Types is not supported, attempted to promote "
                           f"{a._legacy[:-6]} and {b._legacy[:-6]}")
    if (a in BAREBONES or b in BAREBONES) and not (a.category == _FLOAT or b.category == _FLOAT):
        raise RuntimeError("Promotion for uint16, uint32, uint64 types is not supported, attempted to promote "
                           f"{a._legacy[:-6]} and {b._legacy[:-6]}")
    if a.category != b.category:
        hi, lo = (a, b) if a.category > b.category else (b, a)
        if hi.category == _COMPLEX and lo.category == _FLOAT:   # the real parts promote
            return promote_types(hi.to_real(), lo).to_complex()
        return hi
    if a.category == _FLOAT and a.itemsize == b.itemsize == 2:
        return float32      # float16 with bfloat16: neither holds the other (range vs precision)
    if a.category == _INT:
        # uint8 mixed with a signed type needs a wider signed type to hold both ranges
        if a is uint8 or b is uint8:
            other = b if a is uint8 else a
            return int16 if other is int8 else other
    return a if a.itemsize >= b.itemsize else b


def _combine(higher, lower):
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.category >= _FLOAT:
        if higher.category == _FLOAT and lower.category == _COMPLEX:
            # a complex 0-dim tensor or scalar makes a float tensor complex at the tensor's precision
            return higher.to_complex()
        return higher
    if higher is bool_ or lower.category >= _FLOAT:
        return promote_types(higher, lower)
    return higher


def scalar_dtype(value):
    """dtype a Python scalar takes when it stands alone (ember.tensor(2.5) -> float32)."""
    import builtins
    if isinstance(value, builtins.bool):
        return bool_
    if isinstance(value, builtins.int):
        return int64
    if isinstance(value, builtins.complex):
        return default_complex_dtype()
    return _default


import builtins as _builtins  # noqa: E402  (this module shadows float/int/bool)

_NUMBERS = (_builtins.bool, _builtins.int, _builtins.float, _builtins.complex)


def result_type(*operands):
    """Result dtype of an op over Tensors and Python scalars, by PyTorch's rules."""
    from ember._tensor import Tensor
    dim = zero = wrapped = None
    for x in operands:
        if isinstance(x, Tensor):
            d = x.dtype
            if x._data.ndim:
                dim = d if dim is None else promote_types(dim, d)
            else:
                zero = d if zero is None else promote_types(zero, d)
        elif isinstance(x, np.generic):
            d = from_numpy_dtype(x.dtype)
            wrapped = d if wrapped is None else promote_types(wrapped, d)
        elif isinstance(x, _NUMBERS):
            d = scalar_dtype(x)
            wrapped = d if wrapped is None else promote_types(wrapped, d)
        # anything else (a mode string, a dim, None) does not take part in promotion
    return _combine(dim, _combine(zero, wrapped))
