"""Rows for ember/ops/rms_norm.py (gradcheck and gradgradcheck in float64), with a NumPy reference."""
import numpy as np

from ember.ops.rms_norm import rms_norm
from tests.opinfo import OpInfo, Sample


def _ref(x, shape, weight=None, eps=None):
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    eps = np.finfo(x.dtype).eps if eps is None else eps
    axes = tuple(range(x.ndim - len(shape), x.ndim))
    out = x / np.sqrt((x * x).mean(axes, keepdims=True) + eps)
    return out if weight is None else out * weight


def _samples(rng):
    r = rng.standard_normal
    return [Sample(r((3, 4)), (4,)), Sample(r((2, 3, 4)), (3, 4), r((3, 4)), eps=1e-3),
            Sample(r((2, 5)), 5, r((5,)))]


OPS = [OpInfo('rms_norm', rms_norm, _samples, ref=_ref)]
