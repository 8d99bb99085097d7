"""Rows for ember/ops/inplace_views.py: each in-place view op runs on a non-leaf copy, so gradients
flow through the history it rewrites."""
import numpy as np

import ember
from tests.opinfo import OpInfo, Sample


def _m(rng):
    return [Sample(rng.standard_normal((3, 4)))]


def _strided(rng):
    x = rng.standard_normal(8)
    return [Sample(x, (2, 2), (1, 2)), Sample(x, (3, 2), (2, 1), 1), Sample(x, (2, 3), (1, 1))]


def _np_as_strided(x, size, stride, offset=0):
    return np.lib.stride_tricks.as_strided(x[offset:], size, tuple(s * x.itemsize for s in stride)).copy()


OPS = [
    OpInfo('Tensor.t_', lambda x: (x * 1).t_(), _m, ref=lambda x: x.T),
    OpInfo('Tensor.transpose_', lambda x: (x * 1).transpose_(0, 1), _m, ref=lambda x: x.T,
           aliases=('Tensor.swapaxes_', 'Tensor.swapdims_')),
    OpInfo('Tensor.squeeze_', lambda x: (x * 1).squeeze_(), lambda rng: [Sample(rng.standard_normal((3, 1, 4)))],
           ref=np.squeeze),
    OpInfo('Tensor.unsqueeze_', lambda x: (x * 1).unsqueeze_(1), _m, ref=lambda x: x[:, None]),
    OpInfo('as_strided', ember.as_strided, _strided, ref=_np_as_strided, noncontig=False),
    OpInfo('Tensor.as_strided_', lambda x, *a: (x * 1).as_strided_(*a), _strided, ref=_np_as_strided,
           noncontig=False),
]
