"""Rows for ember/ops/reduce.py: reductions, cumulative ops, sort/topk (values are differentiable)."""
import functools

import numpy as np

import ember
from tests.opinfo import OpInfo, Sample, distinct, positive


def _red(rng):
    """Whole-tensor, one dim, negative dim, tuple dims, keepdim, 0-dim input."""
    x = rng.standard_normal((3, 4))
    y = rng.standard_normal((2, 3, 4))
    return [Sample(x), Sample(x, 1), Sample(x, -2, True), Sample(y, (0, 2)), Sample(y, (2, 0), keepdim=True),
            Sample(y, dim=1, keepdim=True), Sample(rng.standard_normal(())), Sample(x, ())]


def _np_red(fn):
    def ref(x, dim=None, keepdim=False, **kw):
        if isinstance(dim, tuple) and not dim:
            dim = None
        return fn(x, axis=dim, keepdims=keepdim, **kw)
    return ref


def _with_zeros(rng):
    x = positive(rng, (3, 4)) * rng.choice([-1.0, 1.0], (3, 4))
    one = x.copy()
    one[1, 2] = 0.0
    two = x.copy()
    two[0, 1] = two[0, 3] = 0.0
    return [Sample(x), Sample(x, 1), Sample(one), Sample(one, 0), Sample(one, 1, True), Sample(two),
            Sample(two, 1), Sample(two, -1, keepdim=True), Sample(positive(rng, ()))]


def _np_prod(x, dim=None, keepdim=False):
    return np.prod(x, axis=dim, keepdims=keepdim)


def _distinct(rng):
    x = distinct(rng, (3, 4))
    return [Sample(x), Sample(distinct(rng, (2, 3, 4))), Sample(distinct(rng, ()))]


def _distinct_dim(rng):
    x = distinct(rng, (3, 4))
    return [Sample(x, 1), Sample(x, 0, True), Sample(distinct(rng, (2, 3, 4)), -1), Sample(x, dim=-2, keepdim=False)]


def _distinct_dims(rng):
    x = distinct(rng, (2, 3, 4))
    return [Sample(x), Sample(x, 1), Sample(x, (0, 2)), Sample(x, (-1, 1), True), Sample(x, dim=())]


def _np_extreme_dim(fn):
    def ref(x, dim, keepdim=False):
        return fn(x, axis=dim, keepdims=keepdim)
    return ref


def _var_samples(rng):
    x = rng.standard_normal((3, 4))
    y = rng.standard_normal((2, 3, 4))
    return [Sample(x), Sample(x, 1), Sample(x, 0, correction=0), Sample(y, (0, 2), keepdim=True),
            Sample(y, -1, correction=0, keepdim=False), Sample(x, unbiased=False), Sample(x, 1, False),
            Sample(y, dim=(1,), correction=2)]


def _np_var(fn):
    def ref(x, dim=None, unbiased=None, keepdim=False, correction=None):
        if isinstance(dim, bool):
            unbiased, dim = dim, None
        if correction is None:
            correction = 0 if unbiased is False else 1
        return fn(x, axis=dim, ddof=correction, keepdims=keepdim)
    return ref


def _norm_samples(p):
    def samples(rng):
        x = distinct(rng, (3, 4)) - 0.45  # mixed signs, distinct magnitudes, no zeros
        x[np.abs(x) < 0.05] += 0.2
        y = rng.standard_normal((2, 3, 4))
        y[np.abs(y) < 0.1] = 0.5
        return [Sample(x, p), Sample(x, p, 1), Sample(y, p, (0, 2), True), Sample(y, p, -1)]
    return samples


def _np_norm(x, p='fro', dim=None, keepdim=False):
    if p in ('fro', None):
        p = 2
    a = np.abs(x)
    if p == np.inf:
        return np.max(a, axis=dim, keepdims=keepdim)
    if p == -np.inf:
        return np.min(a, axis=dim, keepdims=keepdim)
    if p == 0:
        return np.sum(a != 0, axis=dim, keepdims=keepdim).astype(x.dtype)
    return np.sum(a ** p, axis=dim, keepdims=keepdim) ** (1.0 / p)


def _lse(rng):
    x = rng.standard_normal((3, 4))
    return [Sample(x, 1), Sample(x, 0, True), Sample(rng.standard_normal((2, 3, 4)), (0, 2)), Sample(x, (-1, -2))]


def _np_lse(x, dim, keepdim=False):
    m = np.max(x, axis=dim, keepdims=True)
    out = np.log(np.sum(np.exp(x - m), axis=dim, keepdims=True)) + m
    return out if keepdim else np.squeeze(out, axis=dim)


def _cum(rng):
    x = rng.standard_normal((3, 4))
    return [Sample(x, 1), Sample(x, 0), Sample(rng.standard_normal((2, 3, 4)), -2), Sample(rng.standard_normal(5), 0)]


def _cumprod_samples(rng):
    x = positive(rng, (3, 4)) * rng.choice([-1.0, 1.0], (3, 4))
    one = x.copy()
    one[0, 1] = one[2, 0] = one[1, 3] = 0.0
    two = x.copy()
    two[1, 0] = two[1, 2] = 0.0
    return [Sample(x, 1), Sample(x, 0), Sample(one, 1), Sample(one, 0), Sample(two, 1), Sample(two, -2)]


def _sort_samples(rng):
    x = distinct(rng, (3, 5))
    return [Sample(x), Sample(x, 0), Sample(x, descending=True), Sample(x, -1, True),
            Sample(distinct(rng, (2, 3, 4)), 1)]


def _np_sort(x, dim=-1, descending=False, stable=False):
    s = np.sort(x, axis=dim)
    return np.flip(s, axis=dim) if descending else s


def _topk_samples(rng):
    x = distinct(rng, (3, 5))
    return [Sample(x, 2), Sample(x, 3, 0), Sample(x, 2, largest=False), Sample(distinct(rng, (2, 3, 4)), 1, 1),
            Sample(x, 5)]


def _np_topk(x, k, dim=-1, largest=True, sorted=True):
    s = np.sort(x, axis=dim)
    if largest:
        s = np.flip(s, axis=dim)
    return np.take(s, np.arange(k), axis=dim)


def _kth_samples(rng):
    x = distinct(rng, (3, 5))
    return [Sample(x, 2), Sample(x, 1, 0), Sample(x, 5, -1, True), Sample(distinct(rng, (2, 3, 4)), 3, 1)]


def _np_kth(x, k, dim=-1, keepdim=False):
    s = np.take(np.sort(x, axis=dim), [k - 1], axis=dim)
    return s if keepdim else np.squeeze(s, axis=dim)


def _median_all(rng):
    return [Sample(distinct(rng, (3, 5))), Sample(distinct(rng, (2, 4))), Sample(distinct(rng, ()))]


def _np_median_all(x):
    return np.sort(x.reshape(-1))[(x.size - 1) // 2]


def _median_dim(rng):
    x = distinct(rng, (3, 4))
    return [Sample(x, 1), Sample(x, 0, True), Sample(distinct(rng, (2, 5, 3)), -2)]


def _np_median_dim(x, dim, keepdim=False):
    return _np_kth(x, (x.shape[dim] - 1) // 2 + 1, dim, keepdim)


def _with_nan(rng):
    x = rng.standard_normal((3, 4))
    x[0, 1] = x[2, 2] = x[2, 3] = np.nan
    return [Sample(x), Sample(x, 1), Sample(x, (0, 1), True), Sample(x, 0)]


def _np_nan(fn):
    def ref(x, dim=None, keepdim=False):
        with np.errstate(invalid='ignore'):
            return fn(x, axis=dim, keepdims=keepdim)
    return ref


def _bool_or_num(rng):
    x = rng.integers(-1, 2, (3, 4)).astype(np.float64)
    return [Sample(x), Sample(x, 1), Sample(x, 0, True), Sample(rng.random((3, 4)) > 0.3, 1)]


def _np_all(x, dim=None, keepdim=False):
    return np.all(x, axis=dim, keepdims=keepdim)


def _np_any(x, dim=None, keepdim=False):
    return np.any(x, axis=dim, keepdims=keepdim)


def _argext(rng):
    x = distinct(rng, (3, 4))
    return [Sample(x), Sample(x, 1), Sample(x, 0, True), Sample(x, None, True)]


def _np_arg(fn):
    def ref(x, dim=None, keepdim=False):
        if dim is None:
            r = fn(x.reshape(-1))
            return np.reshape(r, (1,) * x.ndim) if keepdim else r
        return fn(x, axis=dim, keepdims=keepdim)
    return ref


def _cumext(rng):
    x = distinct(rng, (3, 5))
    return [Sample(x, 1), Sample(x, 0), Sample(distinct(rng, (2, 3, 4)), -1)]


def _np_cumext(fn):
    def ref(x, dim):
        return fn.accumulate(x, axis=dim)
    return ref


def _np_logcumsumexp(x, dim):
    return np.log(np.cumsum(np.exp(x), axis=dim))


def _mode_samples(rng):
    x = rng.integers(0, 3, (4, 7)).astype(np.float64)
    return [Sample(x), Sample(x, 0), Sample(x, 1, True)]


def _np_mode(x, dim=-1, keepdim=False):
    """The most frequent value; among equally frequent values the smallest (PyTorch's rule)."""
    moved = np.moveaxis(x, dim, -1)
    flat = moved.reshape(-1, moved.shape[-1])
    out = []
    for row in flat:
        u, c = np.unique(row, return_counts=True)
        out.append(u[np.argmax(c)])
    res = np.array(out, dtype=x.dtype).reshape(moved.shape[:-1])
    return np.expand_dims(res, dim) if keepdim else res


def _count_nonzero(rng):
    x = rng.integers(-1, 2, (3, 4)).astype(np.float64)
    return [Sample(x), Sample(x, 1), Sample(x, (0, 1)), Sample(x, dim=0)]


def _np_count_nonzero(x, dim=None):
    return np.count_nonzero(x, axis=dim)


OPS = [
    OpInfo('sum', ember.sum, _red, ref=_np_red(np.sum)),
    OpInfo('sum', functools.partial(ember.sum, dim=1, dtype=ember.float64), lambda rng: [Sample(rng.standard_normal((3, 4)))],
           ref=lambda x: np.sum(x, 1).astype(np.float64), dtypes=('float64',)),
    OpInfo('mean', ember.mean, _red, ref=_np_red(np.mean)),
    OpInfo('nansum', ember.nansum, _red, ref=_np_red(np.nansum)),
    OpInfo('nanmean', ember.nanmean, _red, ref=_np_red(np.nanmean)),
    OpInfo('nansum_nan', ember.nansum, _with_nan, ref=_np_nan(np.nansum), grad=False),
    OpInfo('nanmean_nan', ember.nanmean, _with_nan, ref=_np_nan(np.nanmean), grad=False),
    OpInfo('prod', ember.prod, _with_zeros, ref=_np_prod),
    OpInfo('max', ember.max, _distinct, ref=np.max),
    OpInfo('min', ember.min, _distinct, ref=np.min),
    OpInfo('max', ember.max, _distinct_dim, ref=_np_extreme_dim(np.max), output_index=0),
    OpInfo('min', ember.min, _distinct_dim, ref=_np_extreme_dim(np.min), output_index=0),
    OpInfo('max_indices', ember.max, _distinct_dim, ref=_np_arg(np.argmax), output_index=1, grad=False),
    OpInfo('amax', ember.amax, _distinct_dims, ref=_np_red(np.max)),
    OpInfo('amin', ember.amin, _distinct_dims, ref=_np_red(np.min)),
    OpInfo('aminmax', ember.aminmax, lambda rng: [Sample(distinct(rng, (3, 4))), Sample(distinct(rng, (3, 4)), dim=1)],
           ref=lambda x, dim=None: np.min(x, axis=dim), output_index=0),
    OpInfo('aminmax', ember.aminmax, lambda rng: [Sample(distinct(rng, (3, 4)), dim=0, keepdim=True)],
           ref=lambda x, dim=None, keepdim=False: np.max(x, axis=dim, keepdims=keepdim), output_index=1),
    OpInfo('var', ember.var, _var_samples, ref=_np_var(np.var)),
    OpInfo('std', ember.std, _var_samples, ref=_np_var(np.std)),
    OpInfo('var_mean', ember.var_mean, _var_samples, ref=_np_var(np.var), output_index=0),
    OpInfo('std_mean', ember.std_mean, _var_samples, ref=_np_var(np.std), output_index=0),
    OpInfo('var_mean', ember.var_mean, lambda rng: [Sample(rng.standard_normal((3, 4)), 1, keepdim=True)],
           ref=lambda x, dim, keepdim: np.mean(x, axis=dim, keepdims=keepdim), output_index=1),
    OpInfo('norm', ember.norm, _norm_samples(2), ref=_np_norm),
    OpInfo('norm', ember.norm, _norm_samples('fro'), ref=_np_norm),
    OpInfo('norm', ember.norm, _norm_samples(1), ref=_np_norm),
    OpInfo('norm', ember.norm, _norm_samples(3), ref=_np_norm),
    OpInfo('norm', ember.norm, _norm_samples(1.5), ref=_np_norm),
    OpInfo('norm', ember.norm, _norm_samples(float('inf')), ref=_np_norm),
    OpInfo('norm', ember.norm, _norm_samples(-float('inf')), ref=_np_norm),
    OpInfo('norm', ember.norm, _norm_samples(0), ref=_np_norm),
    OpInfo('norm', ember.norm, lambda rng: [Sample(rng.standard_normal((3, 4)))], ref=_np_norm),
    OpInfo('logsumexp', ember.logsumexp, _lse, ref=_np_lse),
    OpInfo('cumsum', ember.cumsum, _cum, ref=lambda x, dim: np.cumsum(x, axis=dim)),
    OpInfo('cumprod', ember.cumprod, _cumprod_samples, ref=lambda x, dim: np.cumprod(x, axis=dim)),
    OpInfo('logcumsumexp', ember.logcumsumexp, _cum, ref=_np_logcumsumexp),
    OpInfo('cummax', ember.cummax, _cumext, ref=_np_cumext(np.maximum), output_index=0),
    OpInfo('cummin', ember.cummin, _cumext, ref=_np_cumext(np.minimum), output_index=0),
    OpInfo('sort', ember.sort, _sort_samples, ref=_np_sort, output_index=0),
    OpInfo('msort', ember.msort, lambda rng: [Sample(distinct(rng, (4, 3)))], ref=lambda x: np.sort(x, axis=0)),
    OpInfo('topk', ember.topk, _topk_samples, ref=_np_topk, output_index=0),
    OpInfo('kthvalue', ember.kthvalue, _kth_samples, ref=_np_kth, output_index=0),
    OpInfo('median', ember.median, _median_all, ref=_np_median_all),
    OpInfo('median', ember.median, _median_dim, ref=_np_median_dim, output_index=0),
    OpInfo('nanmedian', ember.nanmedian, _median_all, ref=_np_median_all),
    OpInfo('nanmedian', ember.nanmedian, _median_dim, ref=_np_median_dim, output_index=0),
    OpInfo('nanmedian_nan', ember.nanmedian, lambda rng: [Sample(np.array([[1.0, np.nan, 3.0, 2.0], [np.nan] * 4]), 1)],
           ref=lambda x, dim: np.array([2.0, np.nan]), output_index=0, grad=False),
    OpInfo('median_nan', ember.median, lambda rng: [Sample(np.array([[1.0, np.nan, 3.0], [3.0, 1.0, 2.0]]), 1)],
           ref=lambda x, dim: np.array([np.nan, 2.0]), output_index=0, grad=False),
    OpInfo('mode', ember.mode, _mode_samples, ref=_np_mode, output_index=0, grad=False),
    # ------------------------------------------------------- non-differentiable results
    OpInfo('all', ember.all, _bool_or_num, ref=_np_all, grad=False),
    OpInfo('any', ember.any, _bool_or_num, ref=_np_any, grad=False),
    OpInfo('argmax', ember.argmax, _argext, ref=_np_arg(np.argmax), grad=False),
    OpInfo('argmin', ember.argmin, _argext, ref=_np_arg(np.argmin), grad=False),
    OpInfo('argsort', ember.argsort, _sort_samples,
           ref=lambda x, dim=-1, descending=False: np.flip(np.argsort(x, axis=dim), axis=dim) if descending
           else np.argsort(x, axis=dim), grad=False),
    OpInfo('count_nonzero', ember.count_nonzero, _count_nonzero, ref=_np_count_nonzero, grad=False),
    OpInfo('unique', ember.unique, lambda rng: [Sample(rng.integers(0, 5, (3, 4)).astype(np.float64))],
           ref=np.unique, grad=False),
    OpInfo('bincount', ember.bincount, lambda rng: [Sample(rng.integers(0, 6, 10)), Sample(rng.integers(0, 3, 10),
                                                                                            minlength=5)],
           ref=np.bincount, grad=False),
    OpInfo('histc', ember.histc, lambda rng: [Sample(rng.standard_normal(20), 4, -2, 2), Sample(rng.random(10), 5)],
           ref=lambda x, bins=100, min=0, max=0: np.histogram(
               x, bins, (x.min(), x.max()) if min == max == 0 else (min, max))[0].astype(x.dtype), grad=False),
]
