"""Fake quantization: values rounded to what a quantized tensor would hold, kept in floating point, with
the straight-through gradient (the incoming gradient where the value was inside the quantized range,
zero where it was clamped) that quantization-aware training relies on.

The rounding follows PyTorch's CPU kernel: ``round(x * (1 / scale)) + zero_point`` with the reciprocal
taken in float32, ties to even, then ``(clamp(q) - zero_point) * scale``.
"""
from ember.autograd.function import Primitive
from ember.ops._registry import op

_RANGE_ERROR = "`quant_min` should be less than or         equal to `quant_max`."
_ZERO_POINT_ERROR = "`zero_point` must be between `quant_min` and `quant_max`."


def _fake_quantize(xp, x, scale, zero_point, quant_min, quant_max, float_zero_point=False, per_channel=False):
    """(fake-quantized values, in-range mask) for arrays ``scale``/``zero_point`` broadcasting with ``x``.
    As PyTorch's kernel: the reciprocal of the scale in float32, the product in float64 for a float64
    input (float32 otherwise), the result ``(q - zero_point) * scale`` in float32 whatever the input.
    Values with no integer (NaN; for ``per_channel``, also infinities and anything past int64) become
    ``quant_min``, as the kernels' conversions make them."""
    work = xp.float64 if x.dtype == xp.float64 else xp.float32
    inv = (xp.float32(1) / xp.asarray(scale, dtype=xp.float32)).astype(work)
    scaled = x.astype(work) * inv
    if float_zero_point:    # float zero points are added before rounding
        q = xp.rint(scaled + xp.asarray(zero_point, dtype=xp.float32).astype(work)).astype(xp.float64)
    else:
        q = xp.rint(scaled).astype(xp.float64) + xp.asarray(zero_point, dtype=xp.float64)
    mask = (q >= quant_min) & (q <= quant_max)
    # NOTE: the per-tensor kernel clamps in floating point (fmax takes quant_min over NaN); the per-channel
    # one converts to int64 first, which gives int64's minimum where there is no such integer
    no_integer = ~(xp.abs(q) < 2.0 ** 63) if per_channel else xp.isnan(q)
    if no_integer.any():
        q = xp.where(no_integer, quant_min, q)
    out = (xp.clip(q, quant_min, quant_max) - xp.asarray(zero_point, dtype=xp.float64)) \
        * xp.asarray(scale, dtype=xp.float32).astype(xp.float64)
    return out.astype(xp.float32).astype(x.dtype), mask


def _refuse_non_float(x, kernel):
    if x.dtype.kind != 'f':
        from ember.quantized._functions import _scalar_name
        from ember._dtype import from_numpy_dtype
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_scalar_name(from_numpy_dtype(x.dtype))}\'')


class _StraightThrough(Primitive):
    """Shared backward: the gradient passes where the value was inside the range."""

    @staticmethod
    def backward(ctx, g):
        mask, = ctx.saved_tensors
        return (g * mask,) + (None,) * ctx.n_options


class FakeQuantizePerTensor(_StraightThrough):
    node_name = 'FakeQuantizePerTensorAffineCachemaskBackward0'

    @staticmethod
    def forward(ctx, x, scale, zero_point, quant_min, quant_max):
        _refuse_non_float(x, 'fake_quantize_tensor_cachemask_kernel_type_handling')
        out, mask = _fake_quantize(ctx.xp, x, scale, zero_point, quant_min, quant_max)
        ctx.save_for_backward(mask.astype(x.dtype))
        ctx.n_options = 4
        return out


class FakeQuantizePerTensorTensorQparams(FakeQuantizePerTensor):
    node_name = 'FakeQuantizePerTensorAffineCachemaskTensorQparamsBackward0'


class FakeQuantizePerChannel(_StraightThrough):
    node_name = 'FakeQuantizePerChannelAffineCachemaskBackward0'

    @staticmethod
    def forward(ctx, x, scale, zero_point, quant_min, quant_max, float_zero_point):
        _refuse_non_float(x, 'fake_quantize_channel_cachemask_cpu_type_handling')
        out, mask = _fake_quantize(ctx.xp, x, scale, zero_point, quant_min, quant_max, float_zero_point, True)
        ctx.save_for_backward(mask.astype(x.dtype))
        ctx.n_options = 5
        return out


def _check_range(quant_min, quant_max, zero_points):
    if quant_min > quant_max:
        raise RuntimeError(_RANGE_ERROR)
    if any(z < quant_min or z > quant_max for z in zero_points):
        raise RuntimeError(_ZERO_POINT_ERROR)


def _array(t):
    from ember.backend import to_numpy
    return to_numpy(t._data)


@op('ember')
def fake_quantize_per_tensor_affine(input, scale, zero_point, quant_min, quant_max):
    """Returns ``input`` fake-quantized: each value becomes
    ``(clamp(round(input / scale) + zero_point, quant_min, quant_max) - zero_point) * scale``, still a
    floating-point tensor. The gradient passes straight through where the value was within
    ``[quant_min, quant_max]`` and is zero where it was clamped.

    Args:
        input (Tensor): a floating-point tensor.
        scale (float or Tensor): the quantization scale (a one-element float32 tensor in the tensor form).
        zero_point (int or Tensor): the zero point (a one-element tensor in the tensor form).
        quant_min (int): the lowest quantized value.
        quant_max (int): the highest quantized value.

    Returns:
        Tensor: the fake-quantized values, of ``input``'s dtype.

    Example::

        >>> x = ember.tensor([-1.0, 0.26, 0.5, 3.0])
        >>> ember.fake_quantize_per_tensor_affine(x, 0.1, 0, -5, 20)
        tensor([-0.5000,  0.3000,  0.5000,  2.0000])
    """
    from ember._tensor import Tensor
    if isinstance(scale, Tensor) or isinstance(zero_point, Tensor):
        scale_value = _array(scale).reshape(-1)
        zero_value = _array(zero_point).reshape(-1)
        if scale_value.size != 1:
            raise RuntimeError(f"a Tensor with {scale_value.size} elements cannot be converted to Scalar")
        if quant_min > quant_max:
            raise RuntimeError(_RANGE_ERROR)
        # (the tensor form checks no zero point against the range, as PyTorch's)
        zp = int(zero_value[0]) if zero_value.dtype.kind in 'iu' else int(zero_value[0])
        return FakeQuantizePerTensorTensorQparams.apply(input, float(scale_value[0]), zp, quant_min, quant_max)
    _check_range(quant_min, quant_max, (zero_point,))
    return FakeQuantizePerTensor.apply(input, float(scale), int(zero_point), quant_min, quant_max)


@op('ember')
def fake_quantize_per_channel_affine(input, scale, zero_point, axis, quant_min, quant_max):
    """Returns ``input`` fake-quantized with one scale and zero point per slice along ``axis`` (see
    :func:`fake_quantize_per_tensor_affine`); float zero points are added before rounding. The gradient
    passes straight through where the value was within ``[quant_min, quant_max]``.

    Args:
        input (Tensor): a floating-point tensor.
        scale (Tensor): float32 scales, one per channel.
        zero_point (Tensor): int32, float32 or float16 zero points, one per channel.
        axis (int): the channel dimension of ``input``.
        quant_min (int): the lowest quantized value.
        quant_max (int): the highest quantized value.

    Returns:
        Tensor: the fake-quantized values, of ``input``'s dtype.

    Example::

        >>> x = ember.tensor([[0.26, 1.0], [0.26, 1.0]])
        >>> scales, zero_points = ember.tensor([0.1, 0.5]), ember.tensor([0, 0], dtype=ember.int32)
        >>> ember.fake_quantize_per_channel_affine(x, scales, zero_points, 0, 0, 255)
        tensor([[0.3000, 1.0000],
                [0.5000, 1.0000]])
    """
    from ember._tensor import _wrap_dim
    zp_dtype = zero_point.dtype.name
    if zp_dtype not in ('int32', 'float32', 'float16'):
        from ember.quantized._functions import _scalar_name
        raise RuntimeError(f"Zero-point must be Int32, Float or Half, found {_scalar_name(zero_point.dtype)}")
    if scale.dtype.name not in ('float32', 'bfloat16'):
        from ember.quantized._functions import _scalar_name
        raise RuntimeError(f"Scale must be Float or BFloat16, found {_scalar_name(scale.dtype)}")
    if scale.requires_grad or zero_point.requires_grad:
        which = 'scale' if scale.requires_grad else 'zero_point'
        raise RuntimeError(f"The function 'fake_quantize_per_channel_affine_cachemask' is not differentiable with "
                           f"respect to argument '{which}'. This input cannot have requires_grad True.")
    scales, zero_points = _array(scale).reshape(-1), _array(zero_point).reshape(-1)
    if scale.dim() != 1 or zero_point.dim() != 1 or scales.size != zero_points.size:
        raise RuntimeError("scale and zero-point need to have the same dimensions")
    axis = _wrap_dim(axis, input.dim())
    if scales.size != input.shape[axis]:
        raise RuntimeError("dimensions of scale and zero-point are not consistent with input tensor")
    # float zero points (per-row float qparams) may lie outside the integer range, as PyTorch allows
    _check_range(quant_min, quant_max, [] if zp_dtype != 'int32' else zero_points.tolist())
    shape = [1] * input.dim()
    shape[axis] = -1
    return FakeQuantizePerChannel.apply(input, scales.reshape(shape), zero_points.reshape(shape), quant_min, quant_max,
                                        zp_dtype != 'int32')
