"""index_add on the CPU without ``np.add.at`` (ember/ops/_index_add_layers.py): the same additions in the same
order, so the bits of ``np.add.at`` -- signed zeros, infinities and NaN included -- wherever it applies."""
import numpy as np
import pytest

import ember
from ember.ops._index_add_layers import add_by_layers


def _case(seed, dtype):
    rng = np.random.default_rng(seed)
    nd = int(rng.integers(1, 5))
    shape = tuple(int(s) for s in rng.integers(2, 7, nd))
    dim = int(rng.integers(0, nd))
    n = int(rng.integers(16, 40))
    index = np.sort(rng.integers(0, shape[dim], n)) if seed % 2 else rng.integers(0, shape[dim], n)
    x = (rng.standard_normal(shape) * 3).astype(dtype)
    src_shape = shape[:dim] + (n,) + shape[dim + 1:]
    src = (rng.standard_normal(src_shape) * 10).astype(dtype)
    if dtype != np.int64:
        x.flat[rng.integers(0, x.size, 3)] = [-0.0, np.nan, np.inf]
        src.flat[rng.integers(0, src.size, 6)] = [np.nan, -0.0, -0.0, np.inf, -np.inf, 0.0]
    return x, dim, index, src


@pytest.mark.parametrize('dtype', [np.float32, np.float64, np.float16, np.int64])
@pytest.mark.parametrize('seed', range(12))
def test_index_add_gives_add_at_bits(dtype, seed):
    x, dim, index, src = _case(seed, dtype)
    key = [slice(None)] * x.ndim
    key[dim] = index
    expected = x.copy()
    np.add.at(expected, tuple(key), src)
    got = ember.tensor(x).index_add(dim, ember.tensor(index), ember.tensor(src)).numpy()
    assert got.dtype == expected.dtype and np.array_equal(got.view(np.uint8), expected.view(np.uint8))


def test_layers_apply_where_rows_repeat_a_few_times_only():
    out = np.zeros((4, 8), np.float32)
    vals = np.full((4, 16), -0.0, np.float32)
    # every row twice: two whole-array passes; -0.0 added to +0.0 leaves +0.0 as add.at does
    assert add_by_layers(out, 1, np.repeat(np.arange(8), 2), vals)
    assert not np.signbit(out).any()
    # a row named 16 times: add.at's single pass (nothing done here)
    assert not add_by_layers(out, 1, np.zeros(16, np.int64), vals)
    # out of range or negative indices: left to add.at (index_add reports them first, in PyTorch's words)
    assert not add_by_layers(out, 1, np.full(16, 9), vals) and not add_by_layers(out, 1, np.full(16, -1), vals)
    with pytest.raises(RuntimeError, match='index 9 is out of bounds for dimension 1 with size 8'):
        ember.zeros(4, 8).index_add(1, ember.full((16,), 9), ember.ones(4, 16))


def test_interpolation_gradient_unchanged():
    # the bilinear backward runs index_add per weight: its numbers are those of add.at's scatter
    from ember.ops import _index_add_layers as layers
    ember.manual_seed(0)
    x = ember.randn(2, 3, 8, 8, requires_grad=True)
    g = ember.randn(2, 3, 16, 16)
    ember.nn.functional.interpolate(x, scale_factor=2, mode='bilinear').backward(g)
    fast = x.grad.numpy().copy()
    x.grad = None
    original = layers.add_by_layers
    layers_off = lambda *args: False   # noqa: E731
    try:
        import ember.ops.index as index_ops
        index_ops.add_by_layers = layers_off
        ember.nn.functional.interpolate(x, scale_factor=2, mode='bilinear').backward(g)
    finally:
        index_ops.add_by_layers = original
    assert np.array_equal(fast.view(np.uint32), x.grad.numpy().view(np.uint32))
