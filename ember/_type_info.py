"""``ember.finfo`` and ``ember.iinfo``: the numeric limits of a dtype, with PyTorch's fields and repr.

>>> ember.finfo(ember.float16).max
65504.0
>>> ember.iinfo(ember.uint8)
iinfo(min=0, max=255, dtype=uint8)
"""
import numpy as np


def _resolve(dtype, default, name):
    from ember._dtype import dtype as dtype_cls, get_default_dtype, to_dtype
    if dtype is None:
        return get_default_dtype() if default else None
    if not (isinstance(dtype, dtype_cls) or any(dtype is t for t in (float, int, bool, complex))):
        from ember.ops._argparse import type_name
        raise TypeError(f"{name}(): argument 'type' (position 1) must be ember.dtype, not {type_name(dtype)}")
    return to_dtype(dtype)


class finfo:
    """Limits of a floating-point dtype (a complex dtype reports its real part's): ``bits``, ``eps``,
    ``max``, ``min``, ``tiny`` (= ``smallest_normal``), ``resolution`` and ``dtype`` (its name).

    Example::

        >>> ember.finfo(ember.float32).eps
        1.1920928955078125e-07
        >>> ember.finfo(ember.float16).max
        65504.0
        >>> ember.finfo(ember.bfloat16).tiny
        1.1754943508222875e-38
    """

    def __init__(self, type=None):  # noqa: A002  (PyTorch's parameter name)
        dt = _resolve(type, default=True, name='finfo')
        if dt.is_complex:       # the real part's limits (complex32's: float16's, though ember has no such arrays)
            dt = dt.to_real()
        if dt.np_dtype.kind not in 'fcV':
            raise TypeError("ember.finfo() requires a floating point input type. Use ember.iinfo to handle "
                            "'ember.finfo'")
        np_dtype = dt.np_dtype
        info = _np_finfo(np_dtype)
        self.bits = info.bits
        self.eps = float(info.eps)
        if np_dtype.name == 'float8_e5m2fnuz':   # PyTorch's limits give the e4m3fnuz epsilon here
            self.eps = 0.125
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0 ** -int(info.precision)  # PyTorch's: a power of ten, not rounded to the dtype
        if np_dtype.itemsize == 1:      # float8: PyTorch's decimal digits (ml_dtypes claims one for 3 bits)
            self.resolution = 10.0 ** -int(info.nmant * 0.30102999566398120)
        self.dtype = _name_of(np_dtype)

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


def _np_finfo(np_dtype):
    try:
        return np.finfo(np_dtype)
    except ValueError:  # bfloat16 through ml_dtypes
        import ml_dtypes
        return ml_dtypes.finfo(np_dtype)


def _name_of(np_dtype):
    from ember._dtype import from_numpy_dtype
    return from_numpy_dtype(np_dtype).name


class iinfo:
    """Limits of an integer dtype: ``bits``, ``max``, ``min`` and ``dtype`` (its name).

    Example::

        >>> ember.iinfo(ember.int8).min, ember.iinfo(ember.int8).max
        (-128, 127)
        >>> ember.iinfo(ember.uint8).bits
        8
    """

    def __init__(self, type):  # noqa: A002
        dt = _resolve(type, default=False, name='iinfo')
        if dt.np_dtype.kind not in 'iub':
            raise TypeError("ember.iinfo() requires an integer input type. Use ember.finfo to handle 'ember.iinfo'")
        if dt.np_dtype.kind == 'b':
            self.bits, self.min, self.max = 8, 0, 1
        else:
            info = np.iinfo(dt.np_dtype)
            self.bits, self.min, self.max = info.bits, int(info.min), int(info.max)
        self.dtype = dt.name

    def __repr__(self):
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"
