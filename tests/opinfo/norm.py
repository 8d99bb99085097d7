"""Rows for ember/ops/norm.py (gradcheck and gradgradcheck in float64, small shapes)."""
import numpy as np

import ember.ops.norm as N
from tests.opinfo import Const, OpInfo, Sample, positive


def _normalize(x, axes, eps):
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps)


def _ref_batch_norm(x, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
    shape = (1, -1) + (1,) * (x.ndim - 2)
    if training:
        y = _normalize(x, (0,) + tuple(range(2, x.ndim)), eps)
    else:
        y = (x - running_mean.reshape(shape)) / np.sqrt(running_var.reshape(shape) + eps)
    if weight is not None:
        y = y * weight.reshape(shape)
    return y + bias.reshape(shape) if bias is not None else y


def _ref_layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5):
    y = _normalize(x, tuple(range(x.ndim - len(normalized_shape), x.ndim)), eps)
    y = y * weight if weight is not None else y
    return y + bias if bias is not None else y


def _ref_group_norm(x, num_groups, weight=None, bias=None, eps=1e-5):
    y = _normalize(x.reshape(x.shape[0], num_groups, -1), (2,), eps).reshape(x.shape)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    y = y * weight.reshape(shape) if weight is not None else y
    return y + bias.reshape(shape) if bias is not None else y


def _batch_norm(rng):
    r = rng.standard_normal
    stats = (Const(np.zeros(2)), Const(np.ones(2)))
    return [Sample(r((3, 2)), None, None, r(2), r(2), training=True),
            Sample(r((2, 2, 3)), *stats, r(2), r(2), True, 0.2),
            Sample(r((2, 2, 2, 2)), None, None, training=True, eps=1e-3),
            Sample(r((3, 2, 2)), Const(r(2)), Const(positive(rng, 2)), r(2), r(2), training=False)]


def _layer_norm(rng):
    r = rng.standard_normal
    return [Sample(r((3, 4)), (4,), r(4), r(4)), Sample(r((2, 2, 3)), (2, 3), r((2, 3)), None, 1e-3),
            Sample(r((2, 3, 2)), (2,))]


def _group_norm(rng):
    r = rng.standard_normal
    return [Sample(r((2, 4, 3)), 2, r(4), r(4)), Sample(r((2, 3, 2, 2)), 1), Sample(r((3, 4)), 4, r(4), None, 1e-3)]


def _instance_norm(rng):
    r = rng.standard_normal
    return [Sample(r((2, 2, 3)), weight=r(2), bias=r(2)),
            Sample(r((2, 2, 2, 2)), Const(np.zeros(2)), Const(np.ones(2)), momentum=0.3),
            Sample(r((2, 2, 3)), Const(r(2)), Const(positive(rng, 2)), use_input_stats=False)]


def _local_response_norm(rng):
    r = rng.standard_normal
    return [Sample(r((2, 4, 3)), 3), Sample(r((1, 5, 2, 2)), 2, 0.1, 0.5, 2.0)]


OPS = [
    OpInfo('batch_norm', N.batch_norm, _batch_norm, ref=_ref_batch_norm),
    OpInfo('layer_norm', N.layer_norm, _layer_norm, ref=_ref_layer_norm),
    OpInfo('group_norm', N.group_norm, _group_norm, ref=_ref_group_norm),
    OpInfo('instance_norm', N.instance_norm, _instance_norm),
    OpInfo('local_response_norm', N.local_response_norm, _local_response_norm),
]
