"""Rows for ember/ops/stats.py (the ``tests/test_stats.py`` file checks the outputs PyTorch printed)."""
import numpy as np

import ember
from tests.opinfo import Const, ErrorInput, OpInfo, Raw, Sample
from tests.opinfo.complex import RENORM_COMPLEX


def _distinct(rng, shape):
    """Values far enough apart that sorting is stable under gradcheck's perturbations."""
    return rng.permutation(np.arange(int(np.prod(shape)), dtype=np.float64)).reshape(shape) * 0.7 + \
        rng.uniform(0, 0.1, shape)


def _quantile_samples(rng):
    x = _distinct(rng, (3, 5))
    return [Sample(x, 0.3), Sample(x, 0.75, 1), Sample(x, Const(np.array([0.2, 0.5])), 0, True),
            Sample(x[0], 0.5, interpolation='midpoint'), Sample(x, 0.9, 1, interpolation='higher')]


def _np_quantile(x, q, dim=None, keepdim=False, interpolation='linear'):
    q = q.numpy() if isinstance(q, ember.Tensor) else q
    return np.quantile(x, q, axis=dim, keepdims=keepdim, method=interpolation)


def _np_nanquantile(x, q, dim=None, keepdim=False, interpolation='linear'):
    q = q.numpy() if isinstance(q, ember.Tensor) else q
    return np.nanquantile(x, q, axis=dim, keepdims=keepdim, method=interpolation)


def _quantile_errors():
    return [ErrorInput(Sample(np.zeros(3), 1.5), RuntimeError, 'quantile() q must be in the range [0, 1] but got 1.5'),
            ErrorInput(Sample(Raw(ember.tensor([1, 2])), 0.5), RuntimeError,
                       'quantile() input tensor must be either float or double dtype'),
            ErrorInput(Sample(np.zeros(3), 0.5, interpolation='foo'), RuntimeError,
                       'quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, but got foo')]


def _np_cov(x, correction=1):
    return np.cov(x, ddof=correction)


def _trapezoid_ref(y, x=None, dx=None, dim=-1):
    return np.trapezoid(y, x=x, dx=1.0 if dx is None else dx, axis=dim)


def _cumtrapz_ref(y, dx=1.0, dim=-1):
    y = np.moveaxis(y, dim, -1)
    out = np.cumsum((y[..., 1:] + y[..., :-1]) * 0.5 * dx, axis=-1)
    return np.moveaxis(out, -1, dim)


def _renorm_ref(x, p, dim, maxnorm):
    others = tuple(d for d in range(x.ndim) if d != dim)
    norms = np.sum(np.abs(x) ** p, axis=others, keepdims=True) ** (1 / p)
    return x * np.where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0)


def _np_unique_consecutive(x):
    flat = x.numpy().reshape(-1)
    keep = np.concatenate([[True], flat[1:] != flat[:-1]])
    return flat[keep]


OPS = [
    OpInfo('quantile', ember.quantile, _quantile_samples, ref=_np_quantile, error_inputs=_quantile_errors),
    OpInfo('nanquantile', ember.nanquantile, _quantile_samples, ref=_np_nanquantile),
    OpInfo('cov', ember.cov, lambda rng: [Sample(rng.standard_normal((3, 5))), Sample(rng.standard_normal((2, 4)),
                                                                                   correction=0),
                                          Sample(rng.standard_normal((1, 5)))],     # one variable: a 0-d result
           ref=_np_cov),
    OpInfo('corrcoef', ember.corrcoef, lambda rng: [Sample(rng.standard_normal((3, 5)))], ref=np.corrcoef),
    OpInfo('diff', ember.diff, lambda rng: [Sample(rng.standard_normal((3, 5))), Sample(rng.standard_normal((3, 5)), 2, 0),
                                            Sample(rng.standard_normal(4), 1, -1, rng.standard_normal(2))],
           ref=lambda x, n=1, dim=-1, prepend=None: np.diff(x, n=n, axis=dim,
                                                            **({} if prepend is None else {'prepend': prepend}))),
    OpInfo('gradient', lambda x, **kw: ember.gradient(x, **kw),
           lambda rng: [Sample(rng.standard_normal((3, 5))), Sample(rng.standard_normal((4, 5)), spacing=2.0, dim=1,
                                                                    edge_order=2)],
           ref=lambda x, spacing=1, dim=None, edge_order=1: _as_tuple(
               np.gradient(x, spacing, axis=dim, edge_order=edge_order))),
    OpInfo('trapezoid', ember.trapezoid, lambda rng: [Sample(rng.standard_normal((3, 5))),
                                                      Sample(rng.standard_normal((3, 5)), dx=0.5, dim=0),
                                                      Sample(rng.standard_normal(4), Const(np.array([0., 1., 1.5, 3.])))],
           ref=_trapezoid_ref, aliases=('trapz',)),
    OpInfo('cumulative_trapezoid', ember.cumulative_trapezoid,
           lambda rng: [Sample(rng.standard_normal((3, 5))), Sample(rng.standard_normal((3, 5)), dx=0.5, dim=0)],
           ref=_cumtrapz_ref),
    OpInfo('dist', ember.dist, lambda rng: [Sample(rng.standard_normal((3, 4)), rng.standard_normal((3, 4))),
                                            Sample(rng.standard_normal((3, 4)), rng.standard_normal(4), 3)],
           ref=lambda a, b, p=2: np.sum(np.abs(a - b) ** p) ** (1 / p)),
    OpInfo('renorm', ember.renorm, lambda rng: [Sample(rng.standard_normal((3, 4)) * 3, 2, 0, 2.0),
                                                Sample(rng.standard_normal((3, 4)) * 3, 1, 1, 1.5)],
           ref=_renorm_ref),
    RENORM_COMPLEX,
    OpInfo('bucketize', ember.bucketize,
           lambda rng: [Sample(rng.standard_normal((3, 4)), Const(np.sort(rng.standard_normal(6))))],
           ref=lambda x, b: np.searchsorted(b, x), grad=False),
    OpInfo('searchsorted', ember.searchsorted,
           lambda rng: [Sample(Const(np.sort(rng.standard_normal(6))), rng.standard_normal((3, 4))),
                        Sample(Const(np.sort(rng.standard_normal((3, 6)), 1)), rng.standard_normal((3, 4)), right=True)],
           ref=lambda s, v, right=False: (np.searchsorted(s, v, side='right' if right else 'left') if s.ndim == 1 else
                                          np.stack([np.searchsorted(r, w, side='right' if right else 'left')
                                                    for r, w in zip(s, v)])), grad=False),
    OpInfo('histogram', lambda x, bins: ember.histogram(x, bins).hist,
           lambda rng: [Sample(rng.standard_normal(50), 7)], ref=lambda x, bins: np.histogram(x, bins)[0], grad=False),
    OpInfo('histogramdd', lambda x, bins: ember.histogramdd(x, bins).hist,
           lambda rng: [Sample(rng.standard_normal((50, 2)), [3, 4])],
           ref=lambda x, bins: np.histogramdd(x, bins)[0], grad=False),
    OpInfo('unique_consecutive', ember.unique_consecutive,
           lambda rng: [Sample(Raw(ember.tensor(rng.integers(0, 3, 20))))], ref=_np_unique_consecutive, grad=False),
]


def _as_tuple(r):
    return tuple(r) if isinstance(r, (list, tuple)) else (r,)
