"""Rows for ember/ops/pooling.py (gradcheck and gradgradcheck in float64, small shapes).

Max pools get inputs without ties (``distinct``): their gradient is undefined at a tie.  Forward
values are checked against PyTorch's in tests/nn/test_pooling.py."""
import ember
import ember.ops.pooling as P
from tests.opinfo import OpInfo, Sample, distinct, positive


def _max_pool1d(rng):
    return [Sample(distinct(rng, (2, 2, 7)), 2), Sample(distinct(rng, (1, 2, 8)), 3, 2, 1, 2, ceil_mode=True),
            Sample(distinct(rng, (2, 6)), 2, 1)]


def _max_pool2d(rng):
    return [Sample(distinct(rng, (2, 2, 4, 4)), 2), Sample(distinct(rng, (1, 2, 5, 5)), 3, 2, 1),
            Sample(distinct(rng, (1, 1, 5, 6)), (3, 2), (2, 1), (1, 0), (1, 2), ceil_mode=True),
            Sample(distinct(rng, (2, 4, 4)), 2, 1)]


def _max_pool3d(rng):
    return [Sample(distinct(rng, (1, 2, 3, 4, 3)), 2, 1, 1, ceil_mode=True)]


def _avg_pool1d(rng):
    r = rng.standard_normal
    return [Sample(r((2, 2, 7)), 2), Sample(r((1, 2, 8)), 3, 2, 1, ceil_mode=True, count_include_pad=False)]


def _avg_pool2d(rng):
    r = rng.standard_normal
    return [Sample(r((2, 2, 4, 4)), 2), Sample(r((1, 2, 5, 5)), 3, 2, 1, ceil_mode=True, count_include_pad=False),
            Sample(r((1, 1, 5, 6)), (3, 2), (2, 1), (1, 0), divisor_override=2)]


def _avg_pool3d(rng):
    return [Sample(rng.standard_normal((1, 1, 3, 4, 3)), 2, 1, 1, ceil_mode=True)]


def _adaptive(shape_1d, shape_2d, out_1d, out_2d, values):
    def samples(rng):
        return [Sample(values(rng, shape_2d), out_2d), Sample(values(rng, shape_2d), (None, 2)),
                Sample(values(rng, shape_2d[1:]), out_2d)] if out_2d else \
            [Sample(values(rng, shape_1d), out_1d), Sample(values(rng, shape_1d[1:]), out_1d)]
    return samples


def _normal(rng, shape):
    return rng.standard_normal(shape)


def _lp_pool2d(rng):
    return [Sample(positive(rng, (1, 2, 4, 4)), 2, 2), Sample(positive(rng, (1, 1, 5, 5)), 3, (2, 3), 2, True)]


def _lp_pool1d(rng):
    return [Sample(positive(rng, (1, 2, 6)), 1.5, 2), Sample(positive(rng, (1, 1, 7)), 2, 3, 2, True)]


def _max_unpool2d(rng):
    _, idx = P.max_pool2d(ember.tensor(distinct(rng, (1, 2, 4, 4))), 2, return_indices=True)
    return [Sample(rng.standard_normal((1, 2, 2, 2)), idx.numpy(), 2),
            Sample(rng.standard_normal((1, 2, 2, 2)), idx.numpy(), 2, output_size=(5, 5))]


def _max_unpool1d(rng):
    _, idx = P.max_pool1d(ember.tensor(distinct(rng, (1, 2, 7))), 2, return_indices=True)
    return [Sample(rng.standard_normal((1, 2, 3)), idx.numpy(), 2, output_size=(7,))]


OPS = [
    OpInfo('max_pool1d', P.max_pool1d, _max_pool1d),
    OpInfo('max_pool1d_with_indices', P.max_pool1d_with_indices, _max_pool1d, output_index=0),
    OpInfo('max_pool2d', P.max_pool2d, _max_pool2d),
    OpInfo('max_pool2d_with_indices', P.max_pool2d_with_indices, _max_pool2d, output_index=0),
    OpInfo('max_pool3d', P.max_pool3d, _max_pool3d),
    OpInfo('max_pool3d_with_indices', P.max_pool3d_with_indices, _max_pool3d, output_index=0),
    OpInfo('avg_pool1d', P.avg_pool1d, _avg_pool1d),
    OpInfo('avg_pool2d', P.avg_pool2d, _avg_pool2d),
    OpInfo('avg_pool3d', P.avg_pool3d, _avg_pool3d),
    OpInfo('adaptive_avg_pool1d', P.adaptive_avg_pool1d, _adaptive((2, 2, 7), None, 3, None, _normal)),
    OpInfo('adaptive_avg_pool2d', P.adaptive_avg_pool2d, _adaptive(None, (2, 2, 5, 7), None, (3, 4), _normal)),
    OpInfo('adaptive_avg_pool3d', P.adaptive_avg_pool3d,
           lambda rng: [Sample(rng.standard_normal((1, 2, 3, 5, 4)), (2, 3, 3))]),
    OpInfo('adaptive_max_pool1d', P.adaptive_max_pool1d, _adaptive((2, 2, 7), None, 3, None, distinct),
           called=P.adaptive_max_pool1d),     # F's, not torch.adaptive_max_pool1d (which returns the indices too)
    OpInfo('adaptive_max_pool1d_with_indices', P.adaptive_max_pool1d_with_indices,
           _adaptive((2, 2, 7), None, 3, None, distinct), output_index=0),
    OpInfo('adaptive_max_pool2d', P.adaptive_max_pool2d, _adaptive(None, (2, 2, 5, 7), None, (3, 4), distinct)),
    OpInfo('adaptive_max_pool2d_with_indices', P.adaptive_max_pool2d_with_indices,
           _adaptive(None, (2, 2, 5, 7), None, (3, 4), distinct), output_index=0),
    OpInfo('lp_pool1d', P.lp_pool1d, _lp_pool1d),
    OpInfo('lp_pool2d', P.lp_pool2d, _lp_pool2d),
    OpInfo('max_unpool1d', P.max_unpool1d, _max_unpool1d),
    OpInfo('max_unpool2d', P.max_unpool2d, _max_unpool2d),
]
