"""Rows for ember/ops/tensor_extras.py (tests/fixtures/printed/extras.py checks PyTorch's printed results)."""
import numpy as np

import ember
from tests.opinfo import OpInfo, Raw, Sample


def _m(rng, *shape):
    return rng.standard_normal(shape or (4, 6))


def _scatter_into(view):
    def ref(x, src, *args, **kwargs):
        out = x.copy()
        view(out, *args, **kwargs)[...] = src
        return out
    return ref


def _slice_view(x, dim=0, start=None, end=None, step=1):
    return x[(slice(None),) * dim + (slice(start, end, step),)]


def _np_put(x, index, source, accumulate=False):
    out = x.copy().reshape(-1)
    idx = index.numpy().reshape(-1)
    if accumulate:
        np.add.at(out, idx, source.reshape(-1))
    else:
        out[idx] = source.reshape(-1)
    return out.reshape(x.shape)


def _np_diagonal_scatter(x, src, offset=0):
    out = x.copy()
    i = np.arange(len(src))
    out[i, i + offset] = src
    return out


OPS = [
    OpInfo('hsplit', ember.hsplit, lambda rng: [Sample(_m(rng), 2), Sample(_m(rng), [1, 4])],
           ref=lambda x, s: np.hsplit(x, s)),
    OpInfo('vsplit', ember.vsplit, lambda rng: [Sample(_m(rng), 2), Sample(_m(rng), [1])],
           ref=lambda x, s: np.vsplit(x, s)),
    OpInfo('dsplit', ember.dsplit, lambda rng: [Sample(_m(rng, 2, 3, 4), 2)], ref=lambda x, s: np.dsplit(x, s)),
    OpInfo('split_with_sizes', ember.split_with_sizes, lambda rng: [Sample(_m(rng), [1, 3]), Sample(_m(rng), [2, 4], 1)],
           ref=lambda x, sizes, dim=0: np.split(x, np.cumsum(sizes)[:-1], axis=dim)),
    OpInfo('unsafe_split_with_sizes', ember.unsafe_split_with_sizes,
           lambda rng: [Sample(_m(rng), [1, 3]), Sample(_m(rng), [2, 4], 1)],
           ref=lambda x, sizes, dim=0: np.split(x, np.cumsum(sizes)[:-1], axis=dim)),
    OpInfo('unsafe_split', ember.unsafe_split, lambda rng: [Sample(_m(rng), 3, 1)],
           ref=lambda x, s, dim: np.split(x, range(s, x.shape[dim], s), axis=dim)),
    OpInfo('unsafe_chunk', ember.unsafe_chunk, lambda rng: [Sample(_m(rng), 2)], ref=lambda x, n: np.split(x, n)),
    OpInfo('narrow_copy', ember.narrow_copy, lambda rng: [Sample(_m(rng), 1, 2, 3)],
           ref=lambda x, d, s, n: x[:, s:s + n]),
    OpInfo('fill', ember.fill, lambda rng: [Sample(_m(rng), 2.5)], ref=lambda x, v: np.full_like(x, v)),
    OpInfo('select_scatter', ember.select_scatter, lambda rng: [Sample(_m(rng), _m(rng, 6), 0, 2),
                                                               Sample(_m(rng), _m(rng, 4), 1, -1)],
           ref=_scatter_into(lambda x, dim, index: x[(slice(None),) * dim + (index,)])),
    OpInfo('slice_scatter', ember.slice_scatter, lambda rng: [Sample(_m(rng), _m(rng, 2, 6), 0, 1, 3),
                                                             Sample(_m(rng), _m(rng, 4, 3), 1, step=2)],
           ref=_scatter_into(_slice_view)),
    OpInfo('diagonal_scatter', ember.diagonal_scatter, lambda rng: [Sample(_m(rng), _m(rng, 4)),
                                                                   Sample(_m(rng), _m(rng, 4), 2)],
           ref=_np_diagonal_scatter),
    OpInfo('as_strided_scatter', ember.as_strided_scatter, lambda rng: [Sample(_m(rng, 8), _m(rng, 2, 2), (2, 2), (1, 2))],
           ref=_scatter_into(lambda x, size, stride: np.lib.stride_tricks.as_strided(
               x, size, tuple(s * x.itemsize for s in stride))), noncontig=False),
    OpInfo('put', ember.put, lambda rng: [Sample(_m(rng, 3, 4), Raw(ember.tensor([1, 5, 11])), _m(rng, 3)),
                                          Sample(_m(rng, 3, 4), Raw(ember.tensor([1, 1, 2])), _m(rng, 3), True)],
           ref=_np_put),
    OpInfo('Tensor.put_', lambda x, i, v, *a: (x * 1).put_(i, v, *a),
           lambda rng: [Sample(_m(rng, 3, 4), Raw(ember.tensor([1, 5, 11])), _m(rng, 3))], ref=_np_put),
    OpInfo('addr', ember.addr, lambda rng: [Sample(_m(rng, 2, 3), _m(rng, 2), _m(rng, 3)),
                                            Sample(_m(rng, 2, 3), _m(rng, 2), _m(rng, 3), beta=0.5, alpha=2.0)],
           ref=lambda m, a, b, beta=1, alpha=1: beta * m + alpha * np.outer(a, b)),
]
