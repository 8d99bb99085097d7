"""Rows for ember/ops/grid_sample.py (gradcheck and gradgradcheck in float64). Values against PyTorch's
are in tests/nn/test_grid_sample.py.

Grid positions are drawn away from pixel centres so that no sample sits on a kink of the
interpolation, where the gradient is one-sided."""

from ember.ops.grid_sample import affine_grid, grid_sample
from tests.opinfo import OpInfo, Sample


def _grid(rng, shape, size):
    g = rng.uniform(-1.2, 1.2, shape)
    return g + 0.13 / max(size)     # off the pixel grid


def _grid_samples(rng):
    r = rng.standard_normal
    return [Sample(r((1, 2, 3, 4)), _grid(rng, (1, 2, 3, 2), (3, 4)), 'bilinear', 'zeros', False),
            Sample(r((1, 1, 3, 3)), _grid(rng, (1, 2, 2, 2), (3, 3)), 'bilinear', 'reflection', True),
            Sample(r((1, 1, 4, 3)), _grid(rng, (1, 2, 2, 2), (4, 3)), 'bicubic', 'border', False),
            Sample(r((1, 1, 2, 3, 2)), _grid(rng, (1, 2, 1, 2, 3), (2, 3, 2)), 'bilinear', 'border', False),
            Sample(r((1, 2, 3, 3)), _grid(rng, (1, 2, 2, 2), (3, 3)), 'nearest', 'zeros', True)]


def _affine_samples(rng):
    r = rng.standard_normal
    return [Sample(r((2, 2, 3)), (2, 1, 3, 4), False), Sample(r((1, 3, 4)), (1, 2, 2, 3, 2), True)]


OPS = [OpInfo('grid_sample', grid_sample, _grid_samples, noncontig=True),
       OpInfo('affine_grid', affine_grid, _affine_samples)]
