"""Rows for ember/ops/fractional_pool.py (gradcheck and gradgradcheck in float64, inputs without ties).
The window samples are fixed (``_random_samples``) so every evaluation picks the same windows. Values
against PyTorch's are in tests/nn/test_fractional_pool.py."""
import ember.ops.fractional_pool as FP
from tests.opinfo import Const, OpInfo, Sample, distinct


def _samples2d(rng):
    return [Sample(distinct(rng, (2, 2, 6, 5)), 2, (3, 3), _random_samples=Const(rng.uniform(size=(2, 2, 2)))),
            Sample(distinct(rng, (2, 7, 7)), (3, 2), None, (0.5, 0.6), _random_samples=Const(rng.uniform(size=(1, 2, 2))))]


def _samples3d(rng):
    return [Sample(distinct(rng, (1, 2, 5, 5, 4)), 2, (3, 3, 2), _random_samples=Const(rng.uniform(size=(1, 2, 3))))]


OPS = [
    OpInfo('fractional_max_pool2d', FP.fractional_max_pool2d, _samples2d),
    OpInfo('fractional_max_pool2d_with_indices', FP.fractional_max_pool2d_with_indices, _samples2d, output_index=0),
    OpInfo('fractional_max_pool3d', FP.fractional_max_pool3d, _samples3d),
    OpInfo('fractional_max_pool3d_with_indices', FP.fractional_max_pool3d_with_indices, _samples3d, output_index=0),
]
