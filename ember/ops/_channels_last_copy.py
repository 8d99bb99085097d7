"""Copying NCHW arrays into channels-last layouts (the Winograd F(4x4, 3x3) working buffers, batch norm's
(N * H * W, C) columns) a few channels at a time.

NOTE on why by blocks (measured, one thread): the plain assignment ``dst[...] = src.transpose(2, 0, 3, 1)``
writes runs of C channels, each read from C places one plane (H*W elements) apart. Where that stride
is a multiple of 1 KiB (32x32 and 16x16 float32 planes), the reads of a run fall on a few cache sets
and evict each other (4K aliasing): one sample of 64x32x32 took 0.20 ms. Copying a block of channels
whose planes together fill about 32 KiB (8 channels of 32x32 float32) keeps the block's planes in the
level-1 cache while their runs are written: 0.05 ms for the same sample, 0.13 against 0.28 ms for
8x128x16x16 (32 channels); larger planes still gain at 8 channels (64x64x64: 0.73 -> 0.16 ms) and
lose at fewer (narrow runs). Other strides spread over the cache and the plain copy is the fastest (56x56 planes:
0.08 ms plain against 0.42 ms by blocks of 2 channels), as it is for planes of 256 bytes or fewer.
"""
import numpy

# the bytes of source planes one block reads (about a level-1 data cache)
_BLOCK_BYTES = 32 * 1024
# plane strides that are multiples of this alias in the cache
_ALIASING_STRIDE = 1024


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
    aliasing = plane and plane % _ALIASING_STRIDE == 0
    block = min(32, max(8, _BLOCK_BYTES // plane)) if aliasing else src.shape[1]
    by_channel_blocks(dst, src.transpose(2, 0, 3, 1), block)


# NOTE: batch norm's columns are one (S, C) table per sample; by blocks they gained only where the plane
# stride is a multiple of 4 KiB (64x32x32 float32 per sample 7.0 -> 2.3-4.4 ms for 32 samples, blocks of 16
# channels, one cache line of each row) and lost on 128x16x16 (1.35 -> 1.5-2.7 ms), which stays one plain copy
_COLUMNS_ALIASING_STRIDE = 4096
_LINE_BYTES = 64


def channel_columns(x3):
    """A fresh C-contiguous (N, S, C) copy of a C-contiguous (N, C, S) NumPy array."""
    N, C, S = x3.shape
    out = numpy.empty((N, S, C), x3.dtype)
    plane = S * x3.itemsize
    aliasing = plane and plane % _COLUMNS_ALIASING_STRIDE == 0
    block = max(_LINE_BYTES // x3.itemsize, _BLOCK_BYTES // plane) if aliasing else C
    by_channel_blocks(out, x3.transpose(0, 2, 1), block)
    return out
