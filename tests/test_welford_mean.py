"""var_mean's and std_mean's float32 mean: PyTorch's double Welford pass (``m += (x - m) / k``, value
after value), rounded once. ember certifies the rounding from an error bound and takes the steps only
where the bound cannot decide; both must give the step-by-step result exactly."""
import numpy as np
import pytest

import ember
from ember.ops.reduce import _welford_rounded


def _steps(values):
    """The Welford recurrence itself over axis 0 of ``values`` (count, outputs), rounded to float32."""
    wide = values.astype(np.float64)
    mean = np.zeros(wide.shape[1])
    with np.errstate(invalid='ignore', over='ignore'):
        for k in range(wide.shape[0]):
            mean += (wide[k] - mean) / (k + 1)
    return mean.astype(np.float32)


@pytest.mark.parametrize('count', [1, 2, 7, 63, 64, 100, 392, 4099, 8192])
@pytest.mark.parametrize('offset,scale', [(0.0, 1.0), (100.0, 3.0), (1e-3, 1e-6), (1e5, 1.0), (0.0, 1e-30)])
def test_rounded_mean_is_the_step_by_step_one(count, offset, scale):
    rng = np.random.default_rng(count)
    values = (rng.standard_normal((count, 24)) * scale + offset).astype(np.float32)
    got = _welford_rounded(values, count)
    np.testing.assert_array_equal(got.view(np.int32), _steps(values).view(np.int32))


def test_outputs_the_bound_cannot_decide_take_the_steps():
    values = np.random.default_rng(3).standard_normal((500, 5)).astype(np.float32)
    values[7, 1], values[9, 2], values[:, 3] = np.inf, np.nan, -0.0
    values[11, 4], values[12, 4] = np.inf, -np.inf
    got, want = _welford_rounded(values, 500), _steps(values)
    np.testing.assert_array_equal(got, want)
    assert np.isinf(want[1]) or np.isnan(want[1])
    assert np.isnan(got[2]) and np.isnan(got[4]) and got[3] == 0


def test_std_mean_over_batch_and_space_gives_the_welford_mean():
    """A BatchNorm-like reduction of 8192 values per channel (the visiting order: batch, then rows, columns)."""
    x = np.random.default_rng(4).standard_normal((32, 8, 16, 16)).astype(np.float32) * 2 + 0.5
    s, m = ember.std_mean(ember.from_numpy(x), dim=(0, 2, 3))
    want = _steps(np.transpose(x, (0, 2, 3, 1)).reshape(-1, 8))
    np.testing.assert_array_equal(m.numpy(), want)
    v, m2 = ember.var_mean(ember.from_numpy(x), dim=(0, 2, 3), keepdim=True)
    np.testing.assert_array_equal(m2.numpy().ravel(), want)


@pytest.mark.parametrize('shape,dim', [((40, 768), -1), ((6, 5, 100), (1, 2)), ((3, 70), 1)])
def test_last_dims_means_read_each_output_as_one_run(shape, dim):
    x = (np.random.default_rng(5).standard_normal(shape) * 3 + 7).astype(np.float32)
    dims = (dim,) if isinstance(dim, int) else dim
    dims = tuple(d % x.ndim for d in dims)
    kept = [d for d in range(x.ndim) if d not in dims]
    values = np.transpose(x, list(dims) + kept).reshape(int(np.prod([shape[d] for d in dims])), -1)
    _, m = ember.var_mean(ember.from_numpy(x), dim=dim)
    np.testing.assert_array_equal(m.numpy().ravel(), _steps(values))
