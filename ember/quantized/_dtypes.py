"""The quantized dtypes (``ember.qint8``, ``quint8``, ``qint32``, ``quint4x2``, ``quint2x4``) and the
quantization schemes (``ember.per_tensor_affine`` ...).

A quantized dtype names how a quantized tensor stores its integers; it has no NumPy dtype of its
own, so ordinary factories refuse it (a quantized tensor is made by ``quantize_per_tensor`` and
friends, never by ``zeros(dtype=ember.qint8)``).
"""
import numpy as np

from ember import _dtype

__all__ = ['qint8', 'quint8', 'qint32', 'quint4x2', 'quint2x4', 'qscheme', 'per_tensor_affine',
           'per_channel_affine', 'per_tensor_symmetric', 'per_channel_symmetric',
           'per_channel_affine_float_qparams']


class _QuantizedDtype(_dtype.dtype):
    """A quantized dtype: the integer type of its values (``storage``) and their range."""
    __slots__ = ('storage', 'qmin', 'qmax', 'bits', '_scalar_name')

    def __init__(self, name, storage, qmin, qmax, bits, scalar_name):
        self.name, self.category, self._legacy = name, _dtype._INT, None
        self.storage = np.dtype(storage)
        self.itemsize = self.storage.itemsize
        self.qmin, self.qmax, self.bits, self._scalar_name = qmin, qmax, bits, scalar_name

    @property
    def np_dtype(self):
        # a factory or conversion asked for an array of this dtype: PyTorch has no such kernel either
        raise RuntimeError("empty_strided not supported on quantized tensors yet see "
                           "https://github.com/pytorch/pytorch/issues/74540")

    @property
    def is_signed(self):
        raise RuntimeError("isSignedType not supported for quantized types")

    def to_real(self):
        return self

    def to_complex(self):
        raise RuntimeError(f"Unknown Complex ScalarType for {self._scalar_name}")


qint8 = _QuantizedDtype('qint8', np.int8, -128, 127, 8, 'QInt8')
quint8 = _QuantizedDtype('quint8', np.uint8, 0, 255, 8, 'QUInt8')
qint32 = _QuantizedDtype('qint32', np.int32, -2 ** 31, 2 ** 31 - 1, 32, 'QInt32')
quint4x2 = _QuantizedDtype('quint4x2', np.uint8, 0, 15, 4, 'QUInt4x2')
quint2x4 = _QuantizedDtype('quint2x4', np.uint8, 0, 3, 2, 'QUInt2x4')
QUANTIZED_DTYPES = (qint8, quint8, qint32, quint4x2, quint2x4)
for _d in QUANTIZED_DTYPES:     # so that pickled dtypes (dtype.__reduce__) load back
    _dtype._BY_NAME[_d.name] = _d


class qscheme:
    """How a quantized tensor maps its integers to real numbers: one scale and zero point for the
    whole tensor (``ember.per_tensor_affine``) or one per channel along an axis
    (``ember.per_channel_affine``); see :meth:`ember.Tensor.qscheme`.

    Example::

        >>> ember.per_tensor_affine
        ember.per_tensor_affine
        >>> isinstance(ember.per_channel_affine, ember.qscheme)
        True
    """
    __slots__ = ('name',)

    def __new__(cls, *args, **kwargs):
        raise TypeError("cannot create 'ember.qscheme' instances")

    def __repr__(self):
        return 'ember.' + self.name

    def __reduce__(self):
        return (_qscheme_by_name, (self.name,))


def _make_qscheme(name):
    s = object.__new__(qscheme)
    s.name = name
    return s


per_tensor_affine = _make_qscheme('per_tensor_affine')
per_channel_affine = _make_qscheme('per_channel_affine')
per_tensor_symmetric = _make_qscheme('per_tensor_symmetric')
per_channel_symmetric = _make_qscheme('per_channel_symmetric')
per_channel_affine_float_qparams = _make_qscheme('per_channel_affine_float_qparams')
_SCHEMES = {s.name: s for s in (per_tensor_affine, per_channel_affine, per_tensor_symmetric, per_channel_symmetric,
                                per_channel_affine_float_qparams)}


def _qscheme_by_name(name):
    return _SCHEMES[name]
