"""Quantized linear and convolution as PyTorch's FBGEMM kernels compute them.

The integer products ``(x - x_zp) * (w - w_zp)`` are summed exactly (in float64, which holds every such
sum of an 8-bit model exactly, so BLAS does the work), and each sum is requantized as FBGEMM's
``ReQuantizeOutput`` does with a float bias, all in float32:

    act_times_w_scale = x_scale * w_scale          (per output channel for per-channel weights)
    multiplier        = act_times_w_scale / out_scale
    out = clamp(round((sum + bias / act_times_w_scale) * multiplier) + out_zp)   (ties to even)

With ``relu`` the lower clamp is the output zero point. FBGEMM's AVX2 kernels (no VNNI) add pairs of
8-bit products in 16 bits with saturation; activations quantized to 7 bits (``reduce_range``, as the x86
qconfigs do) never reach it, and ember does not reproduce the saturation for full-range activations.
"""
import numpy as np

from ember.quantized._qtensor import QTensor, make, _PER_TENSOR
from ember.quantized._dtypes import per_tensor_affine, quint8, qint8

_F32 = np.float32


def _weight_parts(weight):
    """The weight's integers minus their zero points (float64), and its scales (float32, per channel)."""
    n = weight._int.shape[0]
    w = weight._int.astype(np.float64)
    shape = (-1,) + (1,) * (w.ndim - 1)
    if weight._qscheme in _PER_TENSOR:
        return w - weight._zero_point, np.full(n, weight._scale, _F32)
    if weight._axis != 0:
        raise RuntimeError("quantized::linear_prepack / conv_prepack: per-channel weights must be quantized "
                           "along dimension 0")
    return w - weight._zero_point.astype(np.float64).reshape(shape), weight._scale.astype(_F32)


def requantize(acc, x_scale, w_scales, bias, out_scale, out_zero_point, relu, channel_axis):
    """FBGEMM's requantization of int32 sums ``acc`` (see the module docstring); ``channel_axis`` is the
    dimension of ``acc`` holding the output channels."""
    shape = [1] * acc.ndim
    shape[channel_axis] = -1
    act_times_w_scale = (_F32(x_scale) * w_scales).astype(_F32)
    multiplier = (act_times_w_scale / _F32(out_scale)).astype(_F32).reshape(shape)
    values = acc.astype(_F32)
    if bias is not None:
        values = values + (bias.astype(_F32) / act_times_w_scale).astype(_F32).reshape(shape)
    ints = np.rint(values * multiplier) + out_zero_point
    return np.clip(ints, out_zero_point if relu else 0, 255).astype(np.uint8)


def _check_input(x, op):
    if not isinstance(x, QTensor):
        raise NotImplementedError(
            f"Could not run '{op}' with arguments from the 'CPU' backend. This could be because the operator "
            "doesn't exist for this backend, or was omitted during the selective/custom build process (if "
            "using custom build).")
    if x._qdtype is not quint8:
        raise RuntimeError(f"{op} (fbgemm): Expected input data type quint8 but got {x._qdtype}")
    if x._qscheme not in _PER_TENSOR:
        raise RuntimeError(f"{op} (fbgemm): Only per tensor quantization is supported for the input")


def _bias_array(bias):
    if bias is None:
        return None
    from ember.backend import to_numpy
    return to_numpy(bias.detach()._data)


def linear(x, weight, bias, out_scale, out_zero_point, relu=False):
    """``quantized::linear``: quint8 ``x`` (..., in) times the qint8 ``weight`` (out, in), plus the float
    ``bias``, requantized to ``out_scale``/``out_zero_point``."""
    _check_input(x, 'quantized::linear')
    w, w_scales = _weight_parts(weight)
    if x._int.shape[-1] != w.shape[1]:
        raise RuntimeError(f"The number of rows in the packW matrix should be equal to K: {x._int.shape[-1]} "
                           f"vs {w.shape[1]}")
    a = x._int.astype(np.float64).reshape(-1, w.shape[1]) - x._zero_point
    acc = a @ w.T
    out = requantize(acc, x._scale, w_scales, _bias_array(bias), out_scale, out_zero_point, relu, 1)
    return make(out.reshape(x._int.shape[:-1] + (w.shape[0],)), quint8, per_tensor_affine, float(out_scale),
                int(out_zero_point), device=x._device)


def conv(x, weight, bias, stride, padding, dilation, groups, out_scale, out_zero_point, relu=False):
    """``quantized::conv{1,2,3}d``: a grouped, strided, dilated convolution of quint8 ``x`` (N, C, *spatial)
    with the qint8 ``weight`` (O, C / groups, *kernel), padding with the input's zero point (a real zero)."""
    dims = weight._int.ndim - 2
    _check_input(x, f'quantized::conv{dims}d')
    if x._int.ndim != dims + 2:
        raise ValueError(f"Input shape must be `(N, C, {', '.join('DHW'[3 - dims:])})`!")
    w, w_scales = _weight_parts(weight)
    n, c = x._int.shape[:2]
    o = w.shape[0]
    if c != w.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
                           f"{list(x.shape)} to have {w.shape[1] * groups} channels, but got {c} channels instead")
    a = x._int.astype(np.float64) - x._zero_point
    a = np.pad(a, [(0, 0), (0, 0)] + [(p, p) for p in padding])
    kernel = w.shape[2:]
    spans = [(k - 1) * d + 1 for k, d in zip(kernel, dilation)]
    windows = np.lib.stride_tricks.sliding_window_view(a, spans, axis=tuple(range(2, 2 + dims)))
    # windows: (N, C, *out_full, *spans): keep the strided outputs and the dilated taps
    windows = windows[(slice(None), slice(None)) + tuple(slice(None, None, s) for s in stride)
                      + tuple(slice(None, None, d) for d in dilation)]
    out_spatial = windows.shape[2:2 + dims]
    cg, og = c // groups, o // groups
    taps = int(np.prod(kernel))
    # (N, groups, cg, *out, *kernel) -> (N, groups, out_positions, cg * taps)
    cols = windows.reshape((n, groups, cg) + out_spatial + tuple(kernel))
    cols = np.moveaxis(cols, 2, 2 + dims).reshape(n, groups, int(np.prod(out_spatial)), cg * taps)
    wg = w.reshape(groups, og, cg * taps)
    positions = cols.shape[2]
    acc = np.empty((n, groups, og, positions))
    for g in range(groups):          # one BLAS product per group: (og, k) @ (k, N * positions)
        block = np.ascontiguousarray(cols[:, g]).reshape(n * positions, cg * taps)
        acc[:, g] = (wg[g] @ block.T).reshape(og, n, positions).transpose(1, 0, 2)
    acc = acc.reshape((n, o) + out_spatial)
    out = requantize(acc, x._scale, w_scales, _bias_array(bias), out_scale, out_zero_point, relu, 1)
    return make(out, quint8, per_tensor_affine, float(out_scale), int(out_zero_point), device=x._device)


def check_weight(weight, op):
    """PyTorch's prepack checks on a quantized weight."""
    if not isinstance(weight, QTensor) or weight._qdtype is not qint8:
        raise RuntimeError(f"quantized::{op}_prepack (fbgemm): Weight should be a quantized qint8 tensor")
