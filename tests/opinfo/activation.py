"""Rows for the activation functions of ember.nn.functional (ember/ops/activation.py)."""
import math

import numpy as np

import ember.nn.functional as F
from tests.opinfo import OpInfo, Sample

_erf = np.vectorize(math.erf)


def _away(rng, shape, points=(0.0,), margin=0.1):
    """Normal samples kept ``margin`` away from the kinks at ``points`` (finite differences cross none)."""
    x = rng.standard_normal(shape) * 2
    for p in points:
        near = np.abs(x - p) < margin
        x = np.where(near, p + np.sign(x - p + 1e-12) * (margin + 0.2), x)
    return np.asarray(x)


def _samples(points=(0.0,), shapes=((3, 4), (), (2, 3, 2))):
    return lambda rng: [Sample(_away(rng, s, points)) for s in shapes]


def _with(points, *args, **kwargs):
    return lambda rng: [Sample(_away(rng, (3, 4), points), *args, **kwargs),
                        Sample(_away(rng, (2, 5), points), *args, **kwargs)]


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softplus(x, beta=1.0, threshold=20.0):
    return np.where(x * beta > threshold, x, np.logaddexp(0, x * beta) / beta)


def _elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


_SA, _SS = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def _softmax(x, dim):
    e = np.exp(x - x.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


def _prelu_samples(rng):
    return [Sample(_away(rng, (2, 3, 4)), rng.uniform(0.1, 0.5, (3,))),
            Sample(_away(rng, (2, 3)), rng.uniform(0.1, 0.5, (1,))),
            Sample(_away(rng, (4,)), rng.uniform(0.1, 0.5, (1,)))]


def _prelu_ref(x, w):
    wb = w.reshape((-1,) + (1,) * (x.ndim - 2)) if w.size > 1 else w.reshape(())
    return np.where(x > 0, x, wb * x)


def _inplace(fn):
    # the in-place forms, applied to a fresh non-leaf copy so autograd can differentiate them
    return lambda x, *a, **k: fn(x * 1, *a, **k)


OPS = [
    OpInfo('leaky_relu', F.leaky_relu, _samples(), ref=lambda x: np.where(x > 0, x, 0.01 * x)),
    OpInfo('leaky_relu', F.leaky_relu, _with((0.0,), 0.2), ref=lambda x, s: np.where(x > 0, x, s * x)),
    OpInfo('leaky_relu_', _inplace(F.leaky_relu_), _with((0.0,), 0.3), ref=lambda x, s: np.where(x > 0, x, s * x)),
    OpInfo('elu', F.elu, _samples(), ref=_elu),
    OpInfo('elu', F.elu, _with((0.0,), 0.5), ref=_elu),
    OpInfo('elu_', _inplace(F.elu_), _with((0.0,), 2.0), ref=_elu),
    OpInfo('selu', F.selu, _samples(), ref=lambda x: _SS * _elu(x, _SA)),
    OpInfo('selu_', _inplace(F.selu_), _samples(), ref=lambda x: _SS * _elu(x, _SA)),
    OpInfo('celu', F.celu, _with((0.0,), 2.0), ref=lambda x, a: np.maximum(x, 0) + np.minimum(0, a * np.expm1(x / a))),
    OpInfo('celu_', _inplace(F.celu_), _with((0.0,), 0.5),
           ref=lambda x, a: np.maximum(x, 0) + np.minimum(0, a * np.expm1(x / a))),
    OpInfo('gelu', F.gelu, _samples(points=()), ref=lambda x: 0.5 * x * (1 + _erf(x / math.sqrt(2)))),
    OpInfo('gelu', F.gelu, lambda rng: [Sample(rng.standard_normal((3, 4)) * 2, approximate='tanh')],
           ref=lambda x, approximate: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))),
    OpInfo('silu', F.silu, _samples(points=()), ref=lambda x: x * _sigmoid(x)),
    OpInfo('mish', F.mish, _samples(points=()), ref=lambda x: x * np.tanh(np.logaddexp(0, x))),
    OpInfo('hardtanh', F.hardtanh, _samples((-1.0, 1.0)), ref=lambda x: np.clip(x, -1, 1)),
    OpInfo('hardtanh', F.hardtanh, _with((-0.5, 2.0), -0.5, 2.0), ref=np.clip),
    OpInfo('hardtanh_', _inplace(F.hardtanh_), _with((-2.0, 0.5), -2.0, 0.5), ref=np.clip),
    OpInfo('relu6', F.relu6, lambda rng: [Sample(_away(rng, (3, 4), (0.0, 2.0)) * 3)],
           ref=lambda x: np.clip(x, 0, 6)),
    # (no second order: PyTorch's hardsigmoid_backward has no derivative, tests/autograd/test_double_backward.py)
    OpInfo('hardsigmoid', F.hardsigmoid, lambda rng: [Sample(_away(rng, (3, 4), (-1.5, 1.5)) * 2)],
           ref=lambda x: np.clip(x / 6 + 0.5, 0, 1), gradgrad=False),
    OpInfo('hardswish', F.hardswish, lambda rng: [Sample(_away(rng, (3, 4), (-1.5, 1.5)) * 2)],
           ref=lambda x: x * np.clip(x / 6 + 0.5, 0, 1)),
    OpInfo('softplus', F.softplus, _samples(points=()), ref=_softplus),
    OpInfo('softplus', F.softplus, lambda rng: [Sample(_away(rng, (3, 4), (2.5,)), 2.0, 5.0),
                                                Sample(np.array([-1e4, -50.0, 50.0, 1e4]))], ref=_softplus),
    OpInfo('logsigmoid', F.logsigmoid, lambda rng: [Sample(rng.standard_normal((3, 4)) * 3),
                                                    Sample(np.array([-1e4, -50.0, 50.0, 1e4]))],
           ref=lambda x: -np.logaddexp(0, -x)),
    OpInfo('softsign', F.softsign, _samples(), ref=lambda x: x / (1 + np.abs(x))),
    OpInfo('tanhshrink', F.tanhshrink, _samples(points=()), ref=lambda x: x - np.tanh(x)),
    OpInfo('softshrink', F.softshrink, _samples((-0.5, 0.5)),
           ref=lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0))),
    OpInfo('hardshrink', F.hardshrink, _with((-1.0, 1.0), 1.0), ref=lambda x, l: np.where(np.abs(x) > l, x, 0)),
    OpInfo('threshold', F.threshold, _with((0.5,), 0.5, -2.0), ref=lambda x, t, v: np.where(x > t, x, v),
           aliases=('_threshold',)),
    OpInfo('threshold_', _inplace(F.threshold_), _with((0.0,), 0.0, 3.0), ref=lambda x, t, v: np.where(x > t, x, v)),
    OpInfo('glu', F.glu, lambda rng: [Sample(rng.standard_normal((3, 4))), Sample(rng.standard_normal((4, 3)), 0),
                                      Sample(rng.standard_normal((2, 6, 2)), 1)],
           ref=lambda x, dim=-1: np.split(x, 2, dim)[0] * _sigmoid(np.split(x, 2, dim)[1])),
    OpInfo('prelu', F.prelu, _prelu_samples, ref=_prelu_ref),
    OpInfo('rrelu', F.rrelu, _samples(), ref=lambda x: np.where(x > 0, x, x * (1 / 8 + 1 / 3) / 2)),
    OpInfo('rrelu', lambda x: F.rrelu(x, 0.25, 0.25, training=True), _samples(),
           ref=lambda x: np.where(x >= 0, x, 0.25 * x)),
    OpInfo('rrelu_', _inplace(F.rrelu_), _samples(), ref=lambda x: np.where(x > 0, x, x * (1 / 8 + 1 / 3) / 2)),
    OpInfo('softmin', F.softmin, lambda rng: [Sample(rng.standard_normal((3, 4)), 1),
                                              Sample(rng.standard_normal((2, 3, 4)), 0)],
           ref=lambda x, dim: _softmax(-x, dim)),
    OpInfo('softmax', F.softmax, lambda rng: [Sample(rng.standard_normal((3, 4)) * 100, -1)], ref=_softmax),
    OpInfo('log_softmax', F.log_softmax, lambda rng: [Sample(rng.standard_normal((3, 4)), 0)],
           ref=lambda x, dim: np.log(_softmax(x, dim))),
    OpInfo('sigmoid_', _inplace(F.sigmoid_), _samples(points=()), ref=_sigmoid),
    OpInfo('tanh_', _inplace(F.tanh_), _samples(points=()), ref=np.tanh),
]
