"""Rows for the core activations exported as ember.*: relu, softmax, log_softmax, clamp, nan_to_num."""
import numpy as np

import ember
from tests.opinfo import Const, ErrorInput, OpInfo, Raw, Sample


def _away_from_zero(rng, shape):
    x = rng.standard_normal(shape)
    return np.where(np.abs(x) < 0.1, 0.5, x)


def _relu(rng):
    return [Sample(_away_from_zero(rng, (3, 4))), Sample(_away_from_zero(rng, ()))]


def _softmax(rng):
    x = rng.standard_normal((3, 4))
    return [Sample(x, 1), Sample(x, 0), Sample(rng.standard_normal((2, 3, 4)), -2), Sample(rng.standard_normal(5), 0),
            Sample(rng.standard_normal(()), 0), Sample(x * 100, -1)]  # large logits: stable


def _np_softmax(x, dim):
    if x.ndim == 0:
        return np.ones_like(x)
    e = np.exp(x - x.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


def _np_log_softmax(x, dim):
    if x.ndim == 0:
        return np.zeros_like(x)
    s = x - x.max(axis=dim, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=dim, keepdims=True))


def _clamp_scalar(rng):
    x = rng.uniform(-2, 2, (3, 4))
    x[np.abs(np.abs(x) - 1.0) < 0.1] = 0.3  # no element at a bound
    return [Sample(x, -1.0, 1.0), Sample(x, -1.0), Sample(x, None, 1.0), Sample(x, max=0.5 + 0.05),
            Sample(x, min=-0.5 + 0.05), Sample(x, 1.0, -1.0)]  # min > max: everything becomes max


def _np_clamp(x, min=None, max=None):
    y = x
    if min is not None:
        y = np.maximum(y, min)
    if max is not None:
        y = np.minimum(y, max)
    return y


def _clamp_tensor(rng):
    x = rng.standard_normal((3, 4))
    lo = x + rng.choice([-1, 1], (3, 4)) * rng.uniform(0.1, 1, (3, 4))
    hi = lo + rng.uniform(0.5, 2, (3, 4))
    hi = np.where(np.abs(hi - x) < 0.1, hi + 0.3, hi)
    return [Sample(x, lo, hi), Sample(x, lo), Sample(x, None, hi), Sample(x, lo[0], hi[:, :1] + 5),
            Sample(x, Const(lo), Const(hi))]


def _nan_to_num(rng):
    return [Sample(np.array([np.nan, np.inf, -np.inf, 1.5, -2.0])),
            Sample(np.array([np.nan, np.inf, -np.inf, 1.5]), 0.5, 10.0, -10.0)]


def _np_nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


OPS = [
    OpInfo('relu', ember.relu, _relu, ref=lambda x: np.maximum(x, 0)),
    OpInfo('relu_', lambda x: ember.relu_(x * 1), _relu, ref=lambda x: np.maximum(x, 0)),
    OpInfo('softmax', ember.softmax, _softmax, ref=_np_softmax, error_inputs=lambda: [
        ErrorInput(Sample(np.zeros((2, 3)), 2), IndexError,
                   'Dimension out of range (expected to be in range of [-2, 1], but got 2)'),
        ErrorInput(Sample(Raw(ember.tensor([1, 2])), 0), NotImplementedError,
                   '"softmax_lastdim_kernel_impl" not implemented for \'Long\'')]),
    OpInfo('softmax', lambda x: ember.softmax(x, 1, dtype=ember.float64), lambda rng: [Sample(rng.standard_normal((2, 3)))],
           ref=lambda x: _np_softmax(x.astype(np.float64), 1), dtypes=('float64',)),
    OpInfo('log_softmax', ember.log_softmax, _softmax, ref=_np_log_softmax, error_inputs=lambda: [
        ErrorInput(Sample(Raw(ember.tensor([1, 2])), 0), NotImplementedError,
                   '"log_softmax_lastdim_kernel_impl" not implemented for \'Long\'')]),
    OpInfo('clamp', ember.clamp, _clamp_scalar, ref=_np_clamp, aliases=('clip',), error_inputs=lambda: [
        ErrorInput(Sample(np.zeros(2)), RuntimeError, "ember.clamp: At least one of 'min' or 'max' must not be None")]),
    OpInfo('clamp', ember.clamp, _clamp_tensor, ref=_np_clamp),
    OpInfo('clamp_min', ember.clamp_min, lambda rng: [Sample(_away_from_zero(rng, (3, 4)), 0.0)], ref=np.maximum),
    OpInfo('clamp_max', ember.clamp_max, lambda rng: [Sample(_away_from_zero(rng, (3, 4)), 0.0)], ref=np.minimum),
    OpInfo('nan_to_num', ember.nan_to_num, _nan_to_num, ref=_np_nan_to_num, grad=False),
    OpInfo('nan_to_num', ember.nan_to_num, lambda rng: [Sample(rng.standard_normal((3, 4)))], ref=np.nan_to_num),
]
