"""RoIAlign (Mask R-CNN): bilinear, sub-pixel pooling of each region of interest to a fixed size."""
import numpy as np

from ember import nn
from ember.vision.ops._roi import (as_rois, batch_indices, bilinear_axis_weights, pair, separable_pool)


def _grid(extent, pooled, sampling_ratio):
    if sampling_ratio > 0:
        return np.full(len(extent), sampling_ratio, dtype=np.int64)
    # NOTE: adaptive: about one sample per input pixel of the bin
    return np.ceil(extent / pooled).astype(np.int64)


def roi_align(input, boxes, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
    """Pool each box of ``boxes`` from ``input`` ``[N, C, H, W]`` to ``[K, C, *output_size]`` by bilinear sampling.

    Args:
        boxes: ``Tensor[K, 5]`` rows ``(batch_index, x1, y1, x2, y2)``, or a list of per-image ``Tensor[L, 4]``.
        output_size: ``(height, width)`` of the pooled output (an int means square).
        spatial_scale: factor from box coordinates to input coordinates (1/16 for a stride-16 map).
        sampling_ratio: samples per bin along each axis; ``<= 0`` picks ``ceil(bin size)`` per box.
        aligned: shift boxes by half a pixel so that sample points line up with pixel centres.

    The gradient flows to ``input`` (not to the box coordinates), as in torchvision.

    >>> x = ember.arange(16.).reshape(1, 1, 4, 4)
    >>> roi_align(x, [ember.tensor([[0., 0., 3., 3.]])], output_size=1, aligned=True)
    tensor([[[[5.]]]])
    """
    rois = as_rois(input, boxes)
    ph, pw = pair(output_size)
    _, _, height, width = input.shape
    dtype = rois.dtype.type
    offset = dtype(0.5 if aligned else 0.0)
    scale = dtype(spatial_scale)
    start_w, start_h = rois[:, 1] * scale - offset, rois[:, 2] * scale - offset
    roi_w, roi_h = rois[:, 3] * scale - offset - start_w, rois[:, 4] * scale - offset - start_h
    if not aligned:
        # NOTE: legacy behaviour: boxes smaller than one pixel are stretched to one pixel
        roi_w, roi_h = np.maximum(roi_w, dtype(1)), np.maximum(roi_h, dtype(1))
    weights_y = bilinear_axis_weights(start_h, roi_h / dtype(ph), _grid(roi_h, ph, sampling_ratio), ph, height, dtype)
    weights_x = bilinear_axis_weights(start_w, roi_w / dtype(pw), _grid(roi_w, pw, sampling_ratio), pw, width, dtype)
    return separable_pool(input, batch_indices(rois, input.shape[0]), weights_y, weights_x)


class RoIAlign(nn.Module):
    """Module form of :func:`roi_align`."""

    def __init__(self, output_size, spatial_scale, sampling_ratio, aligned=False):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale
        self.sampling_ratio = sampling_ratio
        self.aligned = aligned

    def forward(self, input, rois):
        return roi_align(input, rois, self.output_size, self.spatial_scale, self.sampling_ratio, self.aligned)

    def __repr__(self):
        return (f"{self.__class__.__name__}(output_size={self.output_size}, spatial_scale={self.spatial_scale}, "
                f"sampling_ratio={self.sampling_ratio}, aligned={self.aligned})")
