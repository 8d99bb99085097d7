"""The blocked NCHW -> (H, n, W, C) copy of the Winograd F(4x4, 3x3) working buffers moves every value
to the place the plain transposing assignment does, whatever the block size works out to."""
import numpy as np
import pytest

from ember.ops import _channels_last_copy
from ember.ops._channels_last_copy import channels_last_into


@pytest.mark.parametrize('shape', [(1, 64, 32, 32), (2, 20, 32, 32), (3, 20, 16, 16), (1, 12, 64, 64), (2, 5, 8, 8), (2, 7, 33, 31),
                                   (1, 1, 32, 32), (4, 512, 4, 4)])
@pytest.mark.parametrize('dtype', [np.float32, np.float64])
def test_matches_plain_transpose_into_padded_buffer(shape, dtype):
    n, C, H, W = shape
    src = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    want = np.full((H + 3, n, W + 2, C), -1.0, dtype)
    got = want.copy()
    want[1:1 + H, :, 2:2 + W, :] = src.transpose(2, 0, 3, 1)
    channels_last_into(got[1:1 + H, :, 2:2 + W, :], src)
    np.testing.assert_array_equal(got, want)     # the border outside the view is left alone too


def test_blocks_do_not_overlap_or_skip_channels(monkeypatch):
    # 4x4 float32 planes (64 bytes) made to count as aliasing, blocks of 9 channels over 21: the last
    # block is partial
    src = np.arange(2 * 21 * 4 * 4, dtype=np.float32).reshape(2, 21, 4, 4)
    monkeypatch.setattr(_channels_last_copy, '_ALIASING_STRIDE', 64)
    monkeypatch.setattr(_channels_last_copy, '_BLOCK_BYTES', 9 * 64)
    got = np.zeros((4, 2, 4, 21), np.float32)
    channels_last_into(got, src)
    np.testing.assert_array_equal(got, src.transpose(2, 0, 3, 1))


@pytest.mark.parametrize('shape', [(2, 64, 1024), (3, 20, 2048), (2, 7, 256), (1, 1, 1024), (4, 3, 5)])
def test_batch_norm_columns_are_the_moved_axes(shape):
    from ember.ops._channels_last_copy import channel_columns
    x3 = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    got = channel_columns(x3)
    assert got.flags.c_contiguous and not np.shares_memory(got, x3)
    np.testing.assert_array_equal(got, np.moveaxis(x3, 1, 2))
