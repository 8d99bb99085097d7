"""Quantized layer, group and instance normalisation (``torch.ops.quantized.layer_norm``/``group_norm``/
``instance_norm``), computed as PyTorch's CPU kernel computes them: per group, the mean and variance come
from the integer sums of the raw integers (in float32), ``scale_x / sqrt(var * scale_x^2 + eps)`` in double,
then each ``(q - zero_point - mean) * inv_std * gamma + beta`` in float32 steps (per-channel affine
parameters folded into ``inv_std * gamma`` first), quantized to the output scale and zero point."""
import numpy as np

from ember.quantized._qops import _check_per_tensor, _result, requantized

_F32 = np.float32


def _group_stats(ints, x_scale, x_zero_point, eps):
    """(mean / scale_x, scale_x / std) per row of ``ints`` (rows are the groups), as float32."""
    n = ints.shape[1]
    total = ints.sum(axis=1, dtype=np.int64)
    total_sq = (ints.astype(np.int64) ** 2).sum(axis=1)
    mean_shifted = total.astype(_F32) / _F32(n)
    mean = (mean_shifted - _F32(x_zero_point)).astype(_F32)
    var = np.maximum((total_sq.astype(_F32) / _F32(n) - mean_shifted * mean_shifted).astype(_F32), _F32(0))
    scale = _F32(x_scale)
    var_scaled = (var * scale * scale).astype(_F32)
    inv_std = (np.float64(scale) / np.sqrt(var_scaled.astype(np.float64) + eps)).astype(_F32)
    return mean, inv_std


def _centered(q, rows):
    ints = q._int.reshape(rows, -1)
    return ints, (ints.astype(_F32) - _F32(q._zero_point)).astype(_F32)


def layer_norm(q, normalized_shape, weight, bias, eps, scale, zero_point):
    """Layer normalisation over the trailing ``normalized_shape`` dimensions, elementwise affine."""
    _check_per_tensor(q, 'quantized::layer_norm')
    n = int(np.prod(normalized_shape)) if len(normalized_shape) else 1
    rows = q._int.size // n if n else 0
    ints, x = _centered(q, rows)
    mean, inv_std = _group_stats(ints, q._scale, q._zero_point, eps)
    y = ((x - mean[:, None]).astype(_F32) * inv_std[:, None]).astype(_F32)
    if weight is not None:
        y = (y * _F32_array(weight).reshape(1, -1)).astype(_F32)
    if bias is not None:
        y = (y + _F32_array(bias).reshape(1, -1)).astype(_F32)
    return _result(requantized(y.reshape(q._int.shape), scale, zero_point, q._qdtype), q, scale, zero_point)


def group_norm(q, num_groups, weight, bias, eps, scale, zero_point):
    """Group normalisation of (N, C, *) over ``num_groups`` channel groups, affine per channel."""
    _check_per_tensor(q, 'quantized::group_norm')
    batch, channels = q._int.shape[0], q._int.shape[1]
    rows = batch * num_groups
    ints, x = _centered(q, rows)
    mean, inv_std = _group_stats(ints, q._scale, q._zero_point, eps)
    per_group = channels // num_groups
    x = x.reshape(batch, num_groups, per_group, -1)
    gamma = np.ones(channels, _F32) if weight is None else _F32_array(weight)
    beta = np.zeros(channels, _F32) if bias is None else _F32_array(bias)
    gamma_p = (inv_std.reshape(batch, num_groups, 1) * gamma.reshape(1, num_groups, per_group)).astype(_F32)
    y = ((x - mean.reshape(batch, num_groups, 1, 1)).astype(_F32) * gamma_p[..., None]).astype(_F32)
    y = (y + beta.reshape(1, num_groups, per_group, 1)).astype(_F32)
    return _result(requantized(y.reshape(q._int.shape), scale, zero_point, q._qdtype), q, scale, zero_point)


def instance_norm(q, weight, bias, eps, scale, zero_point):
    """Instance normalisation: group normalisation with one group per channel."""
    _check_per_tensor(q, 'quantized::instance_norm')
    return group_norm(q, q._int.shape[1], weight, bias, eps, scale, zero_point)


def _F32_array(t):
    from ember.backend import to_numpy
    return to_numpy(t.detach()._data).astype(_F32).reshape(-1)
