"""Position-sensitive RoIAlign (R-FCN): each output bin reads its own group of input channels."""

from ember import nn
from ember.vision.ops._roi import (as_rois, batch_indices, bilinear_axis_weights, pair, position_sensitive,
                                   separable_pool)
from ember.vision.ops.roi_align import _grid


def ps_roi_align(input, boxes, output_size, spatial_scale=1.0, sampling_ratio=-1):
    """RoIAlign (always half-pixel aligned) where bin ``(i, j)`` of output channel ``c`` pools input channel
    ``(c * PH + i) * PW + j``: ``C`` must be a multiple of ``PH * PW``; the output has ``C / (PH * PW)`` channels.
    """
    rois = as_rois(input, boxes)
    ph, pw = pair(output_size)
    _, channels, height, width = input.shape
    dtype = rois.dtype.type
    scale, half = dtype(spatial_scale), dtype(0.5)
    start_w, start_h = rois[:, 1] * scale - half, rois[:, 2] * scale - half
    roi_w, roi_h = rois[:, 3] * scale - half - start_w, rois[:, 4] * scale - half - start_h
    weights_y = bilinear_axis_weights(start_h, roi_h / dtype(ph), _grid(roi_h, ph, sampling_ratio), ph, height, dtype)
    weights_x = bilinear_axis_weights(start_w, roi_w / dtype(pw), _grid(roi_w, pw, sampling_ratio), pw, width, dtype)
    pooled = separable_pool(input, batch_indices(rois, input.shape[0]), weights_y, weights_x)
    return position_sensitive(pooled, channels, (ph, pw))


class PSRoIAlign(nn.Module):
    """Module form of :func:`ps_roi_align`."""

    def __init__(self, output_size, spatial_scale, sampling_ratio):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale
        self.sampling_ratio = sampling_ratio

    def forward(self, input, rois):
        return ps_roi_align(input, rois, self.output_size, self.spatial_scale, self.sampling_ratio)

    def __repr__(self):
        return (f"{self.__class__.__name__}(output_size={self.output_size}, spatial_scale={self.spatial_scale}, "
                f"sampling_ratio={self.sampling_ratio})")


