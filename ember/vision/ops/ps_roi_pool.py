"""Position-sensitive RoIPool (R-FCN): average pooling where each bin reads its own channel group."""
import numpy as np

from ember import nn
from ember.vision.ops._roi import (as_rois, batch_indices, c_round, pair, position_sensitive, separable_pool,
                                   window_axis_weights)


def _bins(rois, spatial_scale, pooled, size, axis, dtype):
    start = c_round(rois[:, axis] * dtype(spatial_scale))
    extent = np.maximum(c_round(rois[:, axis + 2] * dtype(spatial_scale)) - start, 1)
    bin_size = extent.astype(dtype) / dtype(pooled)
    p = np.arange(pooled, dtype=dtype)
    lo = np.floor(p[None] * bin_size[:, None]).astype(np.int64) + start[:, None]
    hi = np.ceil((p[None] + 1) * bin_size[:, None]).astype(np.int64) + start[:, None]
    # NOTE: torchvision clips the bins to size - 1, so its forward never reads the last row or column
    return np.clip(lo, 0, size - 1), np.clip(hi, 0, size - 1)


def ps_roi_pool(input, boxes, output_size, spatial_scale=1.0):
    """Average-pool integer bins of each box, bin ``(i, j)`` of output channel ``c`` reading input channel
    ``(c * PH + i) * PW + j``: ``C`` must be a multiple of ``PH * PW``.

    As torchvision's, the bins stop one pixel short of the bottom and right edges of the map.
    """
    rois = as_rois(input, boxes)
    ph, pw = pair(output_size)
    _, channels, height, width = input.shape
    dtype = rois.dtype.type
    weights_y = window_axis_weights(*_bins(rois, spatial_scale, ph, height, 2, dtype), height, dtype)
    weights_x = window_axis_weights(*_bins(rois, spatial_scale, pw, width, 1, dtype), width, dtype)
    pooled = separable_pool(input, batch_indices(rois, input.shape[0]), weights_y, weights_x)
    return position_sensitive(pooled, channels, (ph, pw))


class PSRoIPool(nn.Module):
    """Module form of :func:`ps_roi_pool`."""

    def __init__(self, output_size, spatial_scale):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale

    def forward(self, input, rois):
        return ps_roi_pool(input, rois, self.output_size, self.spatial_scale)

    def __repr__(self):
        return f"{self.__class__.__name__}(output_size={self.output_size}, spatial_scale={self.spatial_scale})"
