"""Copying NCHW arrays into channels-last layouts (the Winograd F(4x4, 3x3) working buffers, batch norm's
(N * H * W, C) columns) a few channels at a time.

NOTE on why by blocks (measured, one thread): the plain assignment ``dst[...] = src.transpose(2, 0, 3, 1)``
writes runs of C channels, each read from C places one plane (H*W elements) apart. On 32x32 planes
that stride is 4 KiB, and every read of a run lands on the same cache sets (4K aliasing): one sample of
64x32x32 took 0.20 ms. Copying a block of channels whose planes together fill about 32 KiB (8 channels
of 32x32 float32) keeps the block's planes in the level-1 cache while their runs are written: 0.04-0.07
ms for the same sample, 0.14 against 0.28 ms for 8x128x16x16. Planes of 64 elements or fewer already
fit several hundred channels, so small planes take one block, the plain copy.
"""
import numpy

# the bytes of source planes one block reads (about a level-1 data cache)
_BLOCK_BYTES = 32 * 1024


def by_channel_blocks(dst, src, block):
    """``dst[...] = src`` for ``src`` a channels-last view (channels on its last axis), ``block``
    channels at a time (same values, moved in another order)."""
    C = src.shape[-1]
    if block >= C:
        dst[...] = src
        return
    for c0 in range(0, C, block):
        dst[..., c0:c0 + block] = src[..., c0:c0 + block]


def channels_last_into(dst, src):
    """``dst[...] = src.transpose(2, 0, 3, 1)`` for ``src`` (n, C, H, W) C-contiguous and ``dst``
    (H, n, W, C)."""
    plane = src.shape[2] * src.shape[3] * src.itemsize
    by_channel_blocks(dst, src.transpose(2, 0, 3, 1), max(1, _BLOCK_BYTES // max(1, plane)))


# NOTE: batch norm's columns are one (S, C) table per sample; by blocks they gained only where the planes
# alias (4 KiB or more: 64x32x32 float32 per sample 7.0 -> 2.3-4.4 ms for 32 samples, blocks of 16 channels,
# one cache line of each row) and lost on 128x16x16 (1.35 -> 1.5-2.7 ms), which stays one plain copy
_ALIASING_PLANE_BYTES = 4096
_LINE_BYTES = 64


def channel_columns(x3):
    """A fresh C-contiguous (N, S, C) copy of a C-contiguous (N, C, S) NumPy array."""
    N, C, S = x3.shape
    out = numpy.empty((N, S, C), x3.dtype)
    plane = S * x3.itemsize
    block = C if plane < _ALIASING_PLANE_BYTES else max(_LINE_BYTES // x3.itemsize, _BLOCK_BYTES // plane)
    by_channel_blocks(out, x3.transpose(0, 2, 1), block)
    return out
