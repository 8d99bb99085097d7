"""Making and reading quantized tensors: ``quantize_per_tensor``, ``quantize_per_channel``,
``dequantize``, ``int_repr`` and the parameter accessors, computed as PyTorch's CPU kernels compute
them (float32 arithmetic, ties rounded to even) so that the integers agree bit for bit.
"""
import warnings

import numpy as np

from ember._tensor import Tensor
from ember.quantized import _dtypes
from ember.quantized._dtypes import (QUANTIZED_DTYPES, per_tensor_affine, per_channel_affine,
                                     per_channel_affine_float_qparams)
from ember.quantized._qtensor import QTensor, make, _channel_view, _PER_TENSOR

_DEPRECATION = ("ember.quantize_per_tensor, ember.quantize_per_channel and other quantized tensor creation "
                "functions that produce tensors with dtype ember.quint8, ember.qint8, and ember.qint32 are "
                "deprecated and will be removed in a future PyTorch release. Please see "
                "https://github.com/pytorch/pytorch/issues/184982 for more information.")
_warned = []


def _warn_deprecated():
    if not _warned:         # once per process, as PyTorch's TORCH_WARN_ONCE
        _warned.append(True)
        warnings.warn(_DEPRECATION, UserWarning, stacklevel=3)


def _float_array(input):
    from ember.backend import to_numpy
    if input.dtype.name != 'float32':
        raise RuntimeError(f"Quantize only works on Float Tensor, got {_scalar_name(input.dtype)}")
    if input.device.type != 'cpu':
        raise NotImplementedError("ember's quantized tensors live on the CPU; move the tensor there first")
    return to_numpy(input._data)


def _scalar_name(dtype):
    from ember._dtype import _BY_NAME
    names = {'float32': 'Float', 'float64': 'Double', 'float16': 'Half', 'bfloat16': 'BFloat16', 'int32': 'Int',
             'int64': 'Long', 'int16': 'Short', 'int8': 'Char', 'uint8': 'Byte', 'bool': 'Bool',
             'complex64': 'ComplexFloat', 'complex128': 'ComplexDouble'}
    return getattr(dtype, '_scalar_name', None) or names.get(dtype.name, _BY_NAME[dtype.name]._legacy[:-6])


def _quantized_dtype(dtype):
    if dtype not in QUANTIZED_DTYPES:
        raise RuntimeError(f"ScalarType {_scalar_name(dtype)} is not supported in new_qtensor.")
    return dtype


def _check_zero_point(zero_point, qdtype, where):
    if zero_point > qdtype.qmax:
        raise RuntimeError(f"{where} zero_point {zero_point} is above upper bound.")
    if zero_point < qdtype.qmin:
        raise RuntimeError(f"{where} zero_point {zero_point} is below lower bound.")


def quantize_values(x, scale, zero_point, qmin, qmax, rounding='add'):
    """Integers for float32 ``x`` as PyTorch's CPU kernels compute them, ties rounded to even, clamped.
    The kernels differ in how they add the zero point to ``x * (1 / scale)`` (reciprocal in float32):
    ``'fused'`` (FBGEMM's 8-bit kernel) rounds ``x * inv + zero_point`` once, as a fused multiply-add;
    ``'add'`` (32-bit and per-channel kernels) rounds the product, then the sum, to float32; ``'after'``
    (4- and 2-bit kernels) adds the zero point to the rounded integer."""
    inv = np.float32(1) / np.asarray(scale, dtype=np.float32)
    with np.errstate(invalid='ignore', over='ignore'):
        if rounding == 'fused':
            values = np.rint((x.astype(np.float64) * inv.astype(np.float64) + zero_point).astype(np.float32))
        elif rounding == 'add':
            values = np.rint(x * inv + np.asarray(zero_point, dtype=np.float32))
        else:
            values = np.rint(x * inv)
            # converted to int64 before the zero point is added: past int64's range, that gives its minimum
            values = np.where(np.abs(values) < 2.0 ** 63, values, -2.0 ** 63) + zero_point
        # clamped in float64, where qint32's limits are exact (in float32 its maximum rounds up past the type)
        return np.clip(np.asarray(values, dtype=np.float64), qmin, qmax)


def _rounding(qdtype):
    return 'fused' if qdtype.bits == 8 else 'add' if qdtype.bits == 32 else 'after'


def _store(values, qdtype, nan):
    """Clamped float ``values`` as ``qdtype``'s integers, NaN stored as ``nan``: each of PyTorch's kernels makes
    its own (see ``_per_tensor_nan``, ``_PER_CHANNEL_NAN``)."""
    return np.nan_to_num(values, nan=nan).astype(qdtype.storage)


def _per_tensor_nan(qdtype):
    # FBGEMM's 8-bit kernel clamps with vector min/max, which keep the bound over NaN: the maximum comes last;
    # the 32-bit and sub-byte kernels convert to an integer first, which gives the integer's minimum (clamped)
    return qdtype.qmax if qdtype.bits == 8 else qdtype.qmin


def _per_channel_nan(qdtype):
    # clamped in floating point (NaN stays), then converted to int32 (its minimum) and cut to the storage's width
    return qdtype.qmin if qdtype.bits == 32 else 0


def quantize_per_tensor(input, scale, zero_point, dtype):
    """Converts a float tensor to a quantized tensor with the given scale and zero point:
    ``clamp(round(input / scale) + zero_point, qmin, qmax)``.

    Args:
        input (Tensor): a float32 tensor, or a list of them (then ``scale`` and ``zero_point`` are tensors
            with one value per input).
        scale (float or Tensor): the scale.
        zero_point (int or Tensor): the zero point, within the dtype's range.
        dtype (ember.dtype): ``ember.quint8``, ``ember.qint8``, ``ember.qint32``, ``ember.quint4x2`` or
            ``ember.quint2x4``.

    Returns:
        A quantized tensor (a tuple of them for a list input).

    Example::

        >>> q = ember.quantize_per_tensor(ember.tensor([-1.0, 0.5, 2.0]), 0.1, 10, ember.quint8)
        >>> q.int_repr()
        tensor([ 0, 15, 30], dtype=ember.uint8)
        >>> q
        tensor([-1.0000,  0.5000,  2.0000], size=(3,), dtype=ember.quint8,
               quantization_scheme=ember.per_tensor_affine, scale=0.1, zero_point=10)
    """
    if isinstance(input, (list, tuple)):
        scales, zero_points = _values(scale), _values(zero_point)
        return tuple(quantize_per_tensor(t, float(s), int(z), dtype) for t, s, z in zip(input, scales, zero_points))
    if isinstance(scale, Tensor):
        scale = float(np.float32(_values(scale).reshape(-1)[0]))
    if isinstance(zero_point, Tensor):
        zero_point = int(_values(zero_point).reshape(-1)[0])
    qdtype = _quantized_dtype(dtype)
    x = _float_array(input)
    _warn_deprecated()
    _check_zero_point(zero_point, qdtype, 'quantize_tensor_per_tensor_affine')
    ints = _store(quantize_values(x, scale, zero_point, qdtype.qmin, qdtype.qmax, _rounding(qdtype)), qdtype,
                  _per_tensor_nan(qdtype))
    return make(ints, qdtype, per_tensor_affine, float(scale), int(zero_point))


def quantize_per_channel(input, scales, zero_points, axis, dtype):
    """Converts a float tensor to a quantized tensor with a scale and zero point per slice along ``axis``.

    Integer ``zero_points`` give ``ember.per_channel_affine``; float ones give
    ``ember.per_channel_affine_float_qparams`` (``round(input / scale + zero_point)``).

    Args:
        input (Tensor): a float32 tensor.
        scales (Tensor): one scale per channel.
        zero_points (Tensor): one zero point per channel.
        axis (int): the channel dimension.
        dtype (ember.dtype): the quantized dtype.

    Example::

        >>> x = ember.tensor([[-1.0, 0.5], [2.0, 3.0]])
        >>> q = ember.quantize_per_channel(x, ember.tensor([0.1, 0.5]), ember.tensor([0, 2]), 0, ember.qint8)
        >>> q.int_repr()
        tensor([[-10,   5],
                [  6,   8]], dtype=ember.int8)
        >>> q.q_per_channel_scales()
        tensor([0.1000, 0.5000], dtype=ember.float64)
    """
    qdtype = _quantized_dtype(dtype)
    x = _float_array(input)
    _warn_deprecated()
    nd = x.ndim
    if not 0 <= axis < nd:
        raise RuntimeError(f"Channel axis out of range in per channel affine quantization. Got: {axis}"
                           f"Expected: [0, {nd})")
    s = _values(scales).astype(np.float64).reshape(-1)
    z = _values(zero_points).reshape(-1)
    if len(s) != x.shape[axis]:
        raise RuntimeError(f"length of scales must equal to channel, expected {x.shape[axis]} got, {len(s)}")
    if len(z) != x.shape[axis]:
        raise RuntimeError(f"length of zero_points must equal to channel expected {x.shape[axis]} got, {len(z)}")
    shape = [1] * nd
    shape[axis] = -1
    if np.issubdtype(z.dtype, np.floating):
        # float qparams (embedding tables): the zero point is added before rounding
        inv = np.float32(1) / s.astype(np.float32)
        vals = np.rint(x * inv.reshape(shape) + z.astype(np.float32).reshape(shape))
        ints = _store(np.clip(vals, qdtype.qmin, qdtype.qmax), qdtype, _per_channel_nan(qdtype))
        return make(ints, qdtype, per_channel_affine_float_qparams, s.astype(np.float32), z.astype(np.float32),
                    axis)
    if qdtype.bits < 8:     # (float zero points take sub-byte types; integer ones do not)
        raise NotImplementedError(f'"quantize_tensor_per_channel_affine" not implemented for '
                                  f"'{_scalar_name(qdtype)}'")
    z = z.astype(np.int64)
    for zp in z:
        _check_zero_point(int(zp), qdtype, 'quantize_tensor_per_channel_affine')
    ints = _store(quantize_values(x, s.reshape(shape), z.reshape(shape), qdtype.qmin, qdtype.qmax), qdtype,
                  _per_channel_nan(qdtype))
    return make(ints, qdtype, per_channel_affine, s, z, axis)


def quantize_per_tensor_dynamic(input, dtype, reduce_range):
    """Quantizes ``input`` per tensor with a scale and zero point chosen from its own range (as a dynamic
    quantized module quantizes its activations).

    Args:
        input (Tensor): a float32 tensor.
        dtype (ember.dtype): ``ember.quint8`` or ``ember.qint8``.
        reduce_range (bool): use one bit less of the range (7 bits), as x86 kernels need.

    Example::

        >>> q = ember.quantize_per_tensor_dynamic(ember.tensor([0.0, 1.0, 2.55]), ember.quint8, False)
        >>> q.q_scale(), q.q_zero_point()
        (0.009999999813005036, 0)
    """
    if dtype not in (_dtypes.quint8, _dtypes.qint8):
        raise RuntimeError(f"dtype {_scalar_name(dtype)}not supported")
    x = _float_array(input)
    lo, hi = (float(x.min()), float(x.max())) if x.size else (0.0, 0.0)
    if not lo <= hi:        # a NaN: PyTorch's range check fails on it
        raise RuntimeError("In ChooseQuantizationParams, min should be less than or equal to max")
    scale, zero_point = choose_qparams(lo, hi, dtype.qmin, dtype.qmax, reduce_range=reduce_range)
    return quantize_per_tensor(input, scale, zero_point, dtype)


_SMALL_SCALE = float(np.float32(6.1e-5))


def choose_qparams(lo, hi, qmin, qmax, preserve_sparsity=False, reduce_range=False, fbgemm=False):
    """The scale (a float64 that holds a float32's value... or 0.1) and integer zero point PyTorch's
    C++ kernels choose for values in ``[lo, hi]`` (its ``ChooseQuantizationParams``). ``fbgemm``: FBGEMM's
    own version, which the fused observer + fake quantization op of x86 builds calls: the scale rounded to
    float32 before the zero point is derived from it, and the zero point taken from the end whose terms'
    absolute values sum smaller."""
    f32 = np.float32
    lo, hi = f32(lo), f32(hi)
    if lo > hi:
        raise RuntimeError("In ChooseQuantizationParams, min should be less than or equal to max")
    if reduce_range:
        qmin, qmax = int(qmin / 2), int(qmax / 2)
    if lo < 0 and hi > 0 and preserve_sparsity:
        sym_min, sym_max = -((qmax - qmin) // 2 + 1), (qmax - qmin) // 2
        max_scale = max(abs(float(lo / f32(sym_min))), abs(float(hi / f32(sym_max))))
        lo, hi = f32(max_scale * sym_min), f32(max_scale * sym_max)
    lo, hi = min(lo, f32(0)), max(hi, f32(0))
    if qmin >= qmax:
        raise RuntimeError("In ChooseQuantizationParams, qmin should be less than qmax")
    scale = (float(hi) - float(lo)) / (qmax - qmin)
    if fbgemm:
        scale = float(f32(scale))
    with np.errstate(divide='ignore', over='ignore'):
        if f32(scale) == 0 or np.isinf(f32(1) / f32(scale)):
            scale = 0.1
    if scale < _SMALL_SCALE:
        org = f32(scale)
        scale = _SMALL_SCALE
        if lo == 0:
            hi = f32(_SMALL_SCALE * (qmax - qmin))
        elif hi == 0:
            lo = f32(-_SMALL_SCALE * (qmax - qmin))
        else:
            amplifier = f32(f32(_SMALL_SCALE) / org)
            lo, hi = f32(lo * amplifier), f32(hi * amplifier)
    from_min, from_max = qmin - float(lo) / scale, qmax - float(hi) / scale
    sign = 1 if fbgemm else -1
    from_min_error = abs(qmin) + sign * abs(float(lo) / scale)
    from_max_error = abs(qmax) + sign * abs(float(hi) / scale)
    initial = from_min if from_min_error < from_max_error else from_max
    if lo < 0 and hi > 0 and preserve_sparsity:
        initial = (qmin + qmax) / 2
    zero_point = qmin if initial < qmin else qmax if initial > qmax else int(np.rint(initial))
    return scale, zero_point


def choose_qparams_fbgemm(lows, highs, qmin, qmax, preserve_sparsity):
    """:func:`choose_qparams` with ``fbgemm=True`` over arrays of minima and maximima at once (the per-channel
    fused observer's many channels): float32 scales and int64 zero points, the same numbers."""
    f32, f64 = np.float32, np.float64
    lo, hi = np.asarray(lows, f32).reshape(-1), np.asarray(highs, f32).reshape(-1)
    if np.any(lo > hi):
        raise RuntimeError("In ChooseQuantizationParams, min should be less than or equal to max")
    with np.errstate(divide='ignore', over='ignore', invalid='ignore'):
        straddle = (lo < 0) & (hi > 0)
        if preserve_sparsity:
            sym_min, sym_max = -((qmax - qmin) // 2 + 1), (qmax - qmin) // 2
            max_scale = np.maximum(np.abs((lo / f32(sym_min)).astype(f64)), np.abs((hi / f32(sym_max)).astype(f64)))
            lo = np.where(straddle, (max_scale * sym_min).astype(f32), lo)
            hi = np.where(straddle, (max_scale * sym_max).astype(f32), hi)
        lo, hi = np.minimum(lo, f32(0)), np.maximum(hi, f32(0))
        scale = ((hi.astype(f64) - lo.astype(f64)) / (qmax - qmin)).astype(f32).astype(f64)
        scale = np.where((scale.astype(f32) == 0) | np.isinf(f32(1) / scale.astype(f32)), 0.1, scale)
        small = scale < _SMALL_SCALE
        if np.any(small):
            amplifier = (f32(_SMALL_SCALE) / scale.astype(f32)).astype(f32)
            span = f32(_SMALL_SCALE * (qmax - qmin))
            new_hi = np.where(lo == 0, span, np.where(hi == 0, hi, (hi * amplifier).astype(f32)))
            new_lo = np.where(lo == 0, lo, np.where(hi == 0, -span, (lo * amplifier).astype(f32)))
            lo, hi = np.where(small, new_lo, lo), np.where(small, new_hi, hi)
            scale = np.where(small, _SMALL_SCALE, scale)
        from_min, from_max = qmin - lo.astype(f64) / scale, qmax - hi.astype(f64) / scale
        from_min_error = abs(qmin) + np.abs(lo.astype(f64) / scale)
        from_max_error = abs(qmax) + np.abs(hi.astype(f64) / scale)
        initial = np.where(from_min_error < from_max_error, from_min, from_max)
        if preserve_sparsity:
            initial = np.where((lo < 0) & (hi > 0), (qmin + qmax) / 2, initial)
        zero_points = np.where(initial < qmin, qmin, np.where(initial > qmax, qmax, np.rint(initial)))
    return scale.astype(f32), zero_points.astype(np.int64)


def _values(t):
    from ember.backend import to_numpy
    return to_numpy(t._data) if isinstance(t, Tensor) else np.asarray(t)


def dequantize(input):
    """The float32 values of a quantized tensor: ``(int_repr() - zero_point) * scale``; a float tensor is
    returned as it is. A list of tensors gives a tuple.

    Example::

        >>> q = ember.quantize_per_tensor(ember.tensor([0.14, 0.26]), 0.1, 0, ember.quint8)
        >>> ember.dequantize(q)
        tensor([0.1000, 0.3000])
    """
    if isinstance(input, (list, tuple)):
        return tuple(dequantize(t) for t in input)
    if not isinstance(input, QTensor):
        return input
    tensor = input
    from ember._tensor import Tensor as T
    ints = tensor._int.astype(np.float32)
    if tensor._qscheme in _PER_TENSOR:
        values = np.float32(tensor._scale) * (ints - np.float32(tensor._zero_point))
    else:
        axis, shape = tensor._axis, tensor._int.shape
        if not 0 <= axis < len(shape):
            raise RuntimeError(f"Channel axis out of range in per channel affine dequantization. Got:{axis} "
                               f"Expected: [0, {len(shape)})")
        if shape[axis] != len(tensor._scale):
            raise RuntimeError(f"length of scales must equal to channel, expected {shape[axis]} got, "
                               f"{len(tensor._scale)}")
        scales = _channel_view(tensor._scale.astype(np.float32), tensor)
        zero_points = _channel_view(tensor._zero_point.astype(np.float32), tensor)
        values = (ints - zero_points) * scales
    return T._make(np.array(values, dtype=np.float32, order='C'))


def _packed(ints, bits):
    """The bytes of a sub-byte dtype (quint4x2, quint2x4): several values per byte, the first lowest."""
    per_byte = 8 // bits
    flat = ints.reshape(-1).astype(np.uint8)
    flat = np.concatenate([flat, np.zeros(-len(flat) % per_byte, np.uint8)]).reshape(-1, per_byte)
    shifts = np.arange(per_byte, dtype=np.uint8) * bits
    return np.bitwise_or.reduce(flat << shifts, axis=1).astype(np.uint8)


def int_repr(input):
    """The integers of a quantized tensor, as a ``uint8`` (quint8), ``int8`` (qint8) or ``int32`` (qint32)
    tensor; sub-byte dtypes give their packed bytes.

    Example::

        >>> ember.quantize_per_tensor(ember.tensor([-1.0, 2.0]), 0.5, 0, ember.qint8).int_repr()
        tensor([-2,  4], dtype=ember.int8)
    """
    if not isinstance(input, QTensor):
        raise _not_for_plain('int_repr')
    ints = input._int
    if input._qdtype.bits < 8:
        ints = _packed(ints, input._qdtype.bits)
    return Tensor._make(np.array(ints, order='C'))


def _not_for_plain(name):
    return NotImplementedError(
        f"Could not run 'aten::{name}' with arguments from the 'CPU' backend. This could be because the operator "
        "doesn't exist for this backend, or was omitted during the selective/custom build process (if using "
        "custom build).")


def _accessor(name, doc):
    def accessor(input):
        if not isinstance(input, QTensor):
            raise _not_for_plain(name)
        return getattr(QTensor, name)(input)
    accessor.__name__ = accessor.__qualname__ = name
    accessor.__doc__ = doc
    return accessor


_PER_TENSOR_EXAMPLE = """

    Example::

        >>> q = ember.quantize_per_tensor(ember.tensor([1.0, 2.0]), 0.5, 3, ember.quint8)
        >>> ember.q_scale(q), ember.q_zero_point(q), ember.Tensor.qscheme(q)
        (0.5, 3, ember.per_tensor_affine)
    """
_PER_CHANNEL_EXAMPLE = """

    Example::

        >>> w = ember.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> q = ember.quantize_per_channel(w, ember.tensor([0.1, 0.2]), ember.tensor([0, 1]), 0, ember.qint8)
        >>> ember.q_per_channel_scales(q)
        tensor([0.1000, 0.2000], dtype=ember.float64)
        >>> ember.q_per_channel_zero_points(q), ember.q_per_channel_axis(q)
        (tensor([0, 1]), 0)
    """
q_scale = _accessor('q_scale', "The scale of a per-tensor quantized tensor (a float)." + _PER_TENSOR_EXAMPLE)
q_zero_point = _accessor('q_zero_point', "The zero point of a per-tensor quantized tensor (an int)."
                         + _PER_TENSOR_EXAMPLE)
q_per_channel_scales = _accessor('q_per_channel_scales', "The scales of a per-channel quantized tensor (a float64 "
                                 "tensor)." + _PER_CHANNEL_EXAMPLE)
q_per_channel_zero_points = _accessor('q_per_channel_zero_points',
                                      "The zero points of a per-channel quantized tensor." + _PER_CHANNEL_EXAMPLE)
q_per_channel_axis = _accessor('q_per_channel_axis', "The channel axis of a per-channel quantized tensor."
                               + _PER_CHANNEL_EXAMPLE)
qscheme_of = _accessor('qscheme', "The quantization scheme of a quantized tensor (``ember.per_tensor_affine``, "
                       "``ember.per_channel_affine`` ...)." + _PER_TENSOR_EXAMPLE)


def quantize_like(q, value, index=Ellipsis, fill=False):
    """``value`` (a float tensor or number) as ``q``'s integers, with ``q``'s parameters: those of the channels
    of ``q[index]`` (a NumPy index) where it is quantized per channel. ``fill``: for ``fill_``, which quantizes
    a per-channel tensor with the per-channel kernel (a written value takes the per-tensor one)."""
    x = _values(value).astype(np.float32)
    qdtype = q._qdtype
    per_channel_kernel = fill and q._qscheme not in _PER_TENSOR
    nan = _per_channel_nan(qdtype) if per_channel_kernel else _per_tensor_nan(qdtype)
    if q._qscheme in _PER_TENSOR:
        return _store(quantize_values(x, q._scale, q._zero_point, qdtype.qmin, qdtype.qmax, _rounding(qdtype)), qdtype,
                      nan)
    channels = np.broadcast_to(_channel_view(np.arange(q._int.shape[q._axis]), q), q._int.shape)[index]
    return _store(quantize_values(x, np.asarray(q._scale)[channels], np.asarray(q._zero_point)[channels],
                                  qdtype.qmin, qdtype.qmax), qdtype, nan)


def cat(tensors, dim=0):
    """Concatenation of quantized tensors: the result has the first tensor's parameters; the others are
    requantized to them where theirs differ (as PyTorch's quantized cat)."""
    tensors = list(tensors)
    if not all(isinstance(t, QTensor) for t in tensors):
        raise RuntimeError("Expected all tensors to be quantized when one of them is (ember.cat)")
    first = tensors[0]
    if first._qscheme not in _PER_TENSOR:
        raise NotImplementedError("Could not run 'aten::cat' with per-channel quantized tensors")
    parts = [t._int if (t._scale == first._scale and t._zero_point == first._zero_point and t._qdtype is first._qdtype)
             else quantize_like(first, dequantize(t)) for t in tensors]
    from ember._tensor import _wrap_dim
    return first._like(np.concatenate(parts, axis=_wrap_dim(dim, first._int.ndim)))


def _rebuild_qtensor(ints, qdtype, params):
    """Unpickling: a quantized tensor from its integers, dtype and quantizer parameters."""
    if len(params) == 3:
        return make(ints, qdtype, params[0], params[1], params[2])
    return make(ints, qdtype, params[0], params[1], params[2], params[3])
