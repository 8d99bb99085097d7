"""Rows for ember/masked/_ops.py: reductions and normalizations over the masked-in elements.

The mask (a bool array, passed as a tensor) leaves at least two elements in every reduced slice, so
every value and gradient is defined; fully masked-out slices are checked against PyTorch's printed
results in tests/fixtures/printed/masked.py."""
import numpy as np

import ember
from tests.opinfo import OpInfo, Sample, distinct, positive

M = ember.masked


def _mask(rng, shape):
    m = rng.random(shape) < 0.6
    m[..., :2] = True          # two elements of every row along the last dim
    m[:2, ...] = True          # and of every column along the first
    return m


def _samples(rng, values=None):
    x = values(rng, (3, 4)) if values else rng.standard_normal((3, 4))
    y = values(rng, (2, 3, 4)) if values else rng.standard_normal((2, 3, 4))
    return [Sample(x, _mask(rng, (3, 4))), Sample(x, _mask(rng, (3, 4)), 1),
            Sample(y, _mask(rng, (2, 3, 4)), (0, 2), keepdim=True), Sample(x, _mask(rng, (4,)), 1)]


def _dim_samples(rng, values=None):
    x = values(rng, (3, 4)) if values else rng.standard_normal((3, 4))
    y = values(rng, (2, 3, 4)) if values else rng.standard_normal((2, 3, 4))
    return [Sample(x, _mask(rng, (3, 4)), 1), Sample(x, _mask(rng, (3, 4)), 0), Sample(y, _mask(rng, (2, 3, 4)), -1)]


def _axis(dim, ndim):
    if dim is None or dim == ():
        return tuple(range(ndim))
    return dim if isinstance(dim, tuple) else (dim,)


def _np_reduce(fn, fill):
    def ref(x, m, dim=None, keepdim=False):
        m = np.broadcast_to(m, x.shape)
        return fn(np.where(m, x, fill), axis=_axis(dim, x.ndim), keepdims=keepdim)
    return ref


def _np_mean(x, m, dim=None, keepdim=False):
    m = np.broadcast_to(m, x.shape)
    ax = _axis(dim, x.ndim)
    return np.sum(np.where(m, x, 0), axis=ax, keepdims=keepdim) / np.sum(m, axis=ax, keepdims=keepdim)


def _np_var(take_sqrt):
    def ref(x, m, dim=None, keepdim=False):
        m = np.broadcast_to(m, x.shape)
        ax = _axis(dim, x.ndim)
        n = np.sum(m, axis=ax, keepdims=True)
        mu = np.sum(np.where(m, x, 0), axis=ax, keepdims=True) / n
        out = np.sum(np.where(m, (x - mu) ** 2, 0), axis=ax, keepdims=keepdim) / (np.sum(m, axis=ax, keepdims=keepdim) - 1)
        return np.sqrt(out) if take_sqrt else out
    return ref


def _np_norm(x, m, dim=None, keepdim=False):
    m = np.broadcast_to(m, x.shape)
    return np.sqrt(np.sum(np.where(m, x, 0) ** 2, axis=_axis(dim, x.ndim), keepdims=keepdim))


def _np_logsumexp(x, m, dim=None, keepdim=False):
    m = np.broadcast_to(m, x.shape)
    return np.log(np.sum(np.where(m, np.exp(x), 0), axis=_axis(dim, x.ndim), keepdims=keepdim))


def _np_softmax(x, m, dim, sign=1.0):
    m = np.broadcast_to(m, x.shape)
    e = np.where(m, np.exp(sign * x), 0)
    return e / e.sum(axis=dim, keepdims=True)


def _np_log_softmax(x, m, dim, fill):
    p = _np_softmax(x, m, dim)
    with np.errstate(divide='ignore'):
        return np.where(np.broadcast_to(m, x.shape), np.log(p), fill)


def _np_normalize(x, m, dim):
    m = np.broadcast_to(m, x.shape)
    v = np.where(m, x, 0)
    return v / np.sqrt(np.sum(v ** 2, axis=dim, keepdims=True))


def _np_cumulative(fn, fill):
    def ref(x, m, dim):
        return fn(np.where(np.broadcast_to(m, x.shape), x, fill), axis=dim)
    return ref


def _masked(fn, **fixed):
    def call(x, m, *args, **kwargs):
        return fn(x, *args, mask=m, **fixed, **kwargs)
    return call


OPS = [
    OpInfo('masked.sum', _masked(M.sum), _samples, ref=_np_reduce(np.sum, 0.0)),
    OpInfo('masked.prod', _masked(M.prod), lambda rng: _samples(rng, positive), ref=_np_reduce(np.prod, 1.0)),
    OpInfo('masked.amax', _masked(M.amax), lambda rng: _samples(rng, distinct), ref=_np_reduce(np.max, -np.inf)),
    OpInfo('masked.amin', _masked(M.amin), lambda rng: _samples(rng, distinct), ref=_np_reduce(np.min, np.inf)),
    OpInfo('masked.mean', _masked(M.mean), _samples, ref=_np_mean),
    OpInfo('masked.var', _masked(M.var), _samples, ref=_np_var(False)),
    OpInfo('masked.std', _masked(M.std), _samples, ref=_np_var(True)),
    OpInfo('masked.norm', lambda x, m, *a, **k: M.norm(x, 2.0, *a, mask=m, **k), _samples, ref=_np_norm),
    OpInfo('masked.logsumexp', _masked(M.logsumexp), _samples, ref=_np_logsumexp),
    OpInfo('masked.softmax', _masked(M.softmax), _dim_samples, ref=_np_softmax),
    OpInfo('masked.log_softmax', _masked(M.log_softmax), _dim_samples,
           ref=lambda x, m, d: _np_log_softmax(x, m, d, -np.inf), grad=False),
    OpInfo('masked.log_softmax', lambda x, m, d: M.log_softmax(x, d, mask=m).masked_fill(~m, 0.), _dim_samples,
           ref=lambda x, m, d: _np_log_softmax(x, m, d, 0.)),
    OpInfo('masked.softmin', _masked(M.softmin), _dim_samples, ref=lambda x, m, d: _np_softmax(x, m, d, -1.0)),
    OpInfo('masked.normalize', lambda x, m, d: M.normalize(x, 2.0, d, mask=m), _dim_samples, ref=_np_normalize),
    OpInfo('masked.cumsum', _masked(M.cumsum), _dim_samples, ref=_np_cumulative(np.cumsum, 0.0)),
    OpInfo('masked.cumprod', _masked(M.cumprod), lambda rng: _dim_samples(rng, positive),
           ref=_np_cumulative(np.cumprod, 1.0)),
]
