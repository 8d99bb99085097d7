"""Rows for ember/ops/pooling3d.py (gradcheck and gradgradcheck in float64). Forward values against
PyTorch's are in tests/nn/test_new_layers.py."""
import ember
import ember.ops.pooling as P
import ember.ops.pooling3d as P3
from tests.opinfo import OpInfo, Sample, distinct, positive


def _adaptive_max(rng):
    return [Sample(distinct(rng, (1, 2, 3, 5, 4)), (2, 3, 2)), Sample(distinct(rng, (2, 4, 3, 3)), (None, 2, 1))]


def _lp_pool3d(rng):
    return [Sample(positive(rng, (1, 2, 4, 4, 4)), 2, 2), Sample(positive(rng, (1, 1, 5, 4, 5)), 1.5, (3, 2, 2), 2, True)]


def _max_unpool3d(rng):
    _, idx = P.max_pool3d(ember.tensor(distinct(rng, (1, 2, 4, 4, 4))), 2, return_indices=True)
    return [Sample(rng.standard_normal((1, 2, 2, 2, 2)), idx.numpy(), 2),
            Sample(rng.standard_normal((1, 2, 2, 2, 2)), idx.numpy(), 2, output_size=(5, 5, 4))]


OPS = [
    OpInfo('adaptive_max_pool3d', P3.adaptive_max_pool3d, _adaptive_max),
    OpInfo('adaptive_max_pool3d_with_indices', P3.adaptive_max_pool3d_with_indices, _adaptive_max, output_index=0),
    OpInfo('lp_pool3d', P3.lp_pool3d, _lp_pool3d),
    OpInfo('max_unpool3d', P3.max_unpool3d, _max_unpool3d),
]
