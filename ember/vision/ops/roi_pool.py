"""RoIPool (Fast R-CNN): max pooling of each region of interest over integer bins."""
import numpy as np

import ember
from ember import nn
from ember.vision.ops._roi import as_rois, batch_indices, c_round, pair


def roi_bins(rois, spatial_scale, pooled, size, axis, dtype):
    """``[K, pooled]`` integer bin bounds ``[lo, hi)`` along one axis (1: x, 2: y), clipped to the map."""
    start = c_round(rois[:, axis] * dtype(spatial_scale))
    end = c_round(rois[:, axis + 2] * dtype(spatial_scale))
    extent = np.maximum(end - start + 1, 1)
    bin_size = extent.astype(dtype) / dtype(pooled)
    p = np.arange(pooled, dtype=dtype)
    lo = np.floor(p[None] * bin_size[:, None]).astype(np.int64) + start[:, None]
    hi = np.ceil((p[None] + 1) * bin_size[:, None]).astype(np.int64) + start[:, None]
    return np.clip(lo, 0, size), np.clip(hi, 0, size)


def _window_argmax(values, lo, hi, take):
    """Max and its position over ``[lo, hi)`` windows, found by stepping through window offsets.

    ``take(pos)`` reads the values at positions ``pos`` (shape of ``lo``); the first maximum wins,
    as in a scan; a window that is empty keeps value -inf and position -1.
    """
    best = np.full(take(np.zeros_like(lo)).shape, -np.inf, dtype=values.dtype)
    where = np.full(best.shape, -1, dtype=np.int64)
    width = int((hi - lo).max()) if lo.size else 0
    for step in range(width):
        pos = lo + step
        inside = pos < hi
        read = take(np.where(inside, pos, 0))
        mask = inside.reshape(inside.shape + (1,) * (read.ndim - inside.ndim)) & (read > best)
        best = np.where(mask, read, best)
        where = np.where(mask, pos.reshape(mask.shape[:pos.ndim] + (1,) * (read.ndim - pos.ndim)), where)
    return best, where


def roi_pool(input, boxes, output_size, spatial_scale=1.0):
    """Max-pool each box of ``boxes`` from ``input`` ``[N, C, H, W]`` to ``[K, C, *output_size]``.

    Boxes are rounded to whole pixels (after ``spatial_scale``) and split into integer bins; an
    empty bin gives 0. The gradient reaches the input element that held each maximum.
    """
    rois = as_rois(input, boxes)
    ph, pw = pair(output_size)
    n, c, height, width = input.shape
    dtype = rois.dtype.type
    batch = batch_indices(rois, n)
    k = len(batch)
    if k == 0:
        return input.new_zeros((0, c, ph, pw))
    x_lo, x_hi = roi_bins(rois, spatial_scale, pw, width, 1, dtype)
    y_lo, y_hi = roi_bins(rois, spatial_scale, ph, height, 2, dtype)
    data = input.detach().cpu().numpy()
    # NOTE: separable max: first along x for every row ([K, PW, C, H]), then along y over those rows
    row_max, row_arg = _window_argmax(data, x_lo, x_hi, lambda pos: data[batch[:, None], :, :, pos])
    kk, qq = np.arange(k)[:, None, None], np.arange(pw)[None, None, :]
    _, y_arg = _window_argmax(row_max, y_lo[:, :, None] + 0 * qq, y_hi[:, :, None] + 0 * qq,
                              lambda pos: row_max[kk, qq, :, pos])
    # y_arg: [K, PH, PW, C]; the column index of each maximum comes from row_arg at that row
    found = y_arg >= 0
    rows = np.where(found, y_arg, 0)
    cols = row_arg[kk[..., None], qq[..., None], np.arange(c)[None, None, None, :], rows]
    flat = np.where(found, rows * width + cols, 0).transpose(0, 3, 1, 2)
    gathered = input.reshape(n, c, height * width)[
        ember.from_numpy(batch[:, None, None, None]).to(input.device),
        ember.from_numpy(np.arange(c)[None, :, None, None]).to(input.device),
        ember.from_numpy(flat).to(input.device)]
    empty = ember.from_numpy(~found.transpose(0, 3, 1, 2)).to(input.device)
    return gathered.masked_fill(empty, 0)


class RoIPool(nn.Module):
    """Module form of :func:`roi_pool`."""

    def __init__(self, output_size, spatial_scale):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale

    def forward(self, input, rois):
        return roi_pool(input, rois, self.output_size, self.spatial_scale)

    def __repr__(self):
        return f"{self.__class__.__name__}(output_size={self.output_size}, spatial_scale={self.spatial_scale})"
