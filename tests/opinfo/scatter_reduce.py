"""Rows for ember/ops/scatter_reduce.py (the 'sum' row of scatter_reduce lives with scatter_add in
index.py). Values are distinct and away from zero, so amax/amin and prod are smooth for gradcheck;
tests/test_scatter_reduce.py covers ties and zeros against PyTorch's recorded gradients."""
import numpy as np

import ember
from tests.opinfo import OpInfo, Raw, Sample


def _distinct(rng, shape, lo=0.5):
    n = int(np.prod(shape))
    return (rng.permutation(n) * 0.37 + lo).reshape(shape) * rng.choice([-1.0, 1.0], shape)


def _samples(rng):
    x = _distinct(rng, (3, 5), 0.6)
    return [Sample(x, 1, rng.integers(0, 5, (3, 4)), _distinct(rng, (3, 4), 0.55)),
            Sample(x, 0, rng.integers(0, 3, (4, 5)), _distinct(rng, (4, 5), 0.52), include_self=False)]


def _np_scatter_reduce(reduce):
    ufunc = {'prod': np.multiply, 'mean': np.add, 'amax': np.maximum, 'amin': np.minimum}[reduce]

    def ref(x, dim, index, src, include_self=True):
        index = index.numpy() if isinstance(index, ember.Tensor) else index
        key = list(np.indices(index.shape, sparse=True))
        key[dim] = index
        key = tuple(key)
        out = x.copy()
        hit = np.zeros(x.shape, bool)
        hit[key] = True
        if not include_self:
            out[hit] = {'prod': 1, 'mean': 0, 'amax': -np.inf, 'amin': np.inf}[reduce]
        ufunc.at(out, key, src)
        if reduce == 'mean':
            count = np.zeros(x.shape)
            np.add.at(count, key, 1)
            out = out / np.maximum(count + (1 if include_self else 0), 1)
        return out
    return ref


def _index_samples(rng):
    x = _distinct(rng, (4, 3), 0.6)
    return [Sample(x, 0, Raw(ember.tensor([3, 0, 3])), _distinct(rng, (3, 3), 0.55)),
            Sample(x, 1, Raw(ember.tensor([2, 2])), _distinct(rng, (4, 2), 0.52), include_self=False)]


def _np_index_reduce(reduce):
    scatter = _np_scatter_reduce(reduce)

    def ref(x, dim, index, src, include_self=True):
        index = index.numpy()
        shape = [1] * src.ndim
        shape[dim] = -1
        return scatter(x, dim, np.broadcast_to(index.reshape(shape), src.shape), src, include_self)
    return ref


def _np_index_copy(x, dim, index, src):
    out = x.copy()
    key = [slice(None)] * x.ndim
    key[dim] = index.numpy()
    out[tuple(key)] = src
    return out


OPS = [
    OpInfo(f'scatter_reduce_{r}', (lambda r: lambda x, d, i, s, **kw: ember.scatter_reduce(x, d, i, s, r, **kw))(r),
           _samples, ref=_np_scatter_reduce(r))
    for r in ('prod', 'mean', 'amax', 'amin')
] + [
    OpInfo(f'index_reduce_{r}', (lambda r: lambda x, d, i, s, **kw: ember.index_reduce(x, d, i, s, r, **kw))(r),
           _index_samples, ref=_np_index_reduce(r))
    for r in ('prod', 'mean', 'amax', 'amin')
] + [
    OpInfo('index_reduce', ember.index_reduce,
           lambda rng: [Sample(*c.args, 'mean', **c.kwargs) for c in _index_samples(rng)],
           ref=lambda x, d, i, s, reduce, include_self=True: _np_index_reduce(reduce)(x, d, i, s, include_self)),
    OpInfo('index_copy', ember.index_copy,
           lambda rng: [Sample(rng.standard_normal((5, 3)), 0, Raw(ember.tensor([0, 4, 2])), rng.standard_normal((3, 3))),
                        Sample(rng.standard_normal((2, 4)), 1, Raw(ember.tensor([1])), rng.standard_normal((2, 1)))],
           ref=_np_index_copy),
]
