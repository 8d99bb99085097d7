"""The contiguous fast paths of ember's float sums (rows, columns over middle dims, runs plus leading dims,
permuted arrays) against the general iterator path on the same values stored with padding, where PyTorch's
iterator lays out the same additions: both must give the same bits, with one thread and with two."""
import numpy as np
import pytest

import ember.ops._cascade_sum as cascade


def _padded(a, axis, pad=3):
    """``a``'s values in a larger buffer (``pad`` more along ``axis``): the same iteration, no fast path."""
    shape = list(a.shape)
    shape[axis] += pad
    buffer = np.full(shape, np.nan, a.dtype)
    view = buffer[tuple(slice(0, n) for n in a.shape)]
    view[...] = a
    assert not view.flags.c_contiguous
    return view


def _values(shape, dtype, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * 3 + rng.standard_normal()
    x.reshape(-1)[::5] *= 1e6        # magnitudes apart: the order of additions shows in the bits
    return x.astype(dtype)


CASES = [((64, n), (1,), 1) for n in (8, 9, 31, 32, 100, 511, 512, 513, 1000, 4096, 8200)]
CASES += [((3, n, b), (1,), 1) for n in (2, 7, 16, 17, 256, 300, 4100) for b in (32, 64)]
CASES += [((8, 6, 100), (0, 2), 2), ((4, 5, 3, 40), (0, 1, 3), 3), ((8, 16, 7, 7), (0, 2, 3), 2)]


@pytest.mark.parametrize('threads', [1, 2])
@pytest.mark.parametrize('dtype', [np.float32, np.float64])
@pytest.mark.parametrize('shape,dims,pad_axis', CASES)
def test_fast_paths_add_as_the_general_path(shape, dims, pad_axis, dtype, threads, monkeypatch):
    monkeypatch.setattr(cascade, 'intra_op_threads', lambda: threads)
    x = _values(shape, dtype, len(shape) * 1000 + shape[-1])
    want = cascade.cascade_sum(_padded(x, pad_axis), dims, False)
    got = cascade.cascade_sum(x, dims, False)
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want, strict=True)
    np.testing.assert_array_equal(cascade.cascade_sum(x, dims, True).reshape(got.shape), got, strict=True)


@pytest.mark.parametrize('threads', [1, 2])
def test_channels_last_and_transposed_arrays(threads, monkeypatch):
    monkeypatch.setattr(cascade, 'intra_op_threads', lambda: threads)
    nhwc = _values((4, 6, 5, 64), np.float32, 7)
    x = nhwc.transpose(0, 3, 1, 2)                   # (N, C, H, W) in channels-last memory
    want = cascade.cascade_sum(_padded(nhwc, 3), (1, 2), False)      # over H, W in memory order
    np.testing.assert_array_equal(cascade.cascade_sum(x, (2, 3), False), want, strict=True)
    m = _values((300, 96), np.float32, 8)
    np.testing.assert_array_equal(cascade.cascade_sum(m.T, (1,), False),
                                  cascade.cascade_sum(_padded(m, 1), (0,), False), strict=True)
