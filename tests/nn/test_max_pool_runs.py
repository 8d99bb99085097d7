"""Max pooling over phase runs (ember/ops/pooling.py, _offset_runs and _running_argmax) against a
window-by-window reference of PyTorch's rule (``val > max or isnan(val)`` in row-major order, never
a padded position): strides 1 to 3, padding, dilation, ceil mode, ties, NaNs, -inf, and the
window-view fallback for windows nearly as large as the input."""
import itertools

import numpy as np
import pytest

import ember
import ember.nn.functional as F


def _reference(x, k, s, p, d, out):
    N, C, H, W = x.shape
    y = np.empty((N, C) + out, x.dtype)
    idx = np.empty((N, C) + out, np.int64)
    for n, c, i, j in itertools.product(range(N), range(C), range(out[0]), range(out[1])):
        best, at = None, None
        for a, b in itertools.product(range(k), range(k)):
            r, q = i * s - p + a * d, j * s - p + b * d
            if not (0 <= r < H and 0 <= q < W):
                continue
            v = x[n, c, r, q]
            if best is None or v > best or np.isnan(v):
                best, at = v, r * W + q
        y[n, c, i, j], idx[n, c, i, j] = best, at
    return y, idx


@pytest.mark.parametrize('k, s, p, d, ceil', [(3, 2, 1, 1, False), (2, 2, 0, 1, False), (3, 1, 1, 1, False),
                                              (3, 3, 1, 1, True), (2, 2, 1, 2, True), (5, 1, 2, 1, False),
                                              (7, 1, 0, 1, False)])
@pytest.mark.parametrize('special', ['none', 'ties', 'nan'])
def test_matches_the_rule_window_by_window(k, s, p, d, ceil, special):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 9, 8))
    if special == 'ties':
        x = np.round(x)
    elif special == 'nan':
        x[rng.random(x.shape) < 0.1] = np.nan
        x[0, 0, :3, :3] = -np.inf
    t = ember.tensor(x, requires_grad=True)
    y, idx = F.max_pool2d(t, k, s, p, d, ceil, return_indices=True)
    want_y, want_idx = _reference(x, k, s, p, d, tuple(y.shape[2:]))
    np.testing.assert_array_equal(y.detach().numpy(), want_y)
    np.testing.assert_array_equal(idx.numpy(), want_idx)
    y.sum().backward()
    grad = np.zeros(x.size)
    np.add.at(grad, (want_idx + np.arange(6).reshape(2, 3, 1, 1) * 72).ravel(), 1.0)
    np.testing.assert_array_equal(t.grad.numpy(), grad.reshape(x.shape))
