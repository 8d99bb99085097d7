"""Rows for ember/ops/weight_norm.py (gradcheck and gradgradcheck in float64), with NumPy references."""
import numpy as np

from ember.ops.weight_norm import _weight_norm, norm_except_dim
from tests.opinfo import OpInfo, Sample


def _norm_ref(v, pow=2, dim=0):
    if dim == -1:
        return np.asarray((np.abs(v) ** pow).sum() ** (1 / pow))
    axes = tuple(d for d in range(v.ndim) if d != dim)
    return (np.abs(v) ** pow).sum(axes, keepdims=True) ** (1 / pow)


def _wn_ref(v, g, dim=0):
    return v * (g / _norm_ref(v, 2, dim))


def _norm_samples(rng):
    r = rng.standard_normal
    return [Sample(r((3, 4))), Sample(r((2, 3, 4)), 2, 1), Sample(r((3, 4)), 3, 1), Sample(r((2, 3)), 2, -1)]


def _wn_samples(rng):
    r = rng.standard_normal
    return [Sample(r((3, 4)), r((3, 1))), Sample(r((2, 3, 2)), r((1, 3, 1)), 1), Sample(r((3, 2)), r(()), -1)]


OPS = [OpInfo('norm_except_dim', norm_except_dim, _norm_samples, ref=_norm_ref),
       OpInfo('_weight_norm', _weight_norm, _wn_samples, ref=_wn_ref)]
