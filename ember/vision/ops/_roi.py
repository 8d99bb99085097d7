"""What the RoI operators share: box-list handling and pooling written as two matrix products.

RoIAlign, PSRoIAlign and PSRoIPool average samples taken on a grid whose rows depend only on the
output row and whose columns only on the output column. So each output bin is
``sum_h sum_w Ay[k, ph, h] * Ax[k, pw, w] * input[b_k, :, h, w]``: one weight matrix per axis, built
in NumPy, and the pooling is two matmuls per image. No loop over boxes, and the gradient with
respect to the input is that of matmul (ember's own), to any order.
"""
import numpy as np

import ember


def pair(size):
    return tuple(size) if isinstance(size, (tuple, list)) else (size, size)


def check_roi_boxes_shape(boxes):
    if isinstance(boxes, (list, tuple)):
        for b in boxes:
            if b.size(1) != 4:
                raise AssertionError("The shape of the tensor in the boxes list is not correct as List[Tensor[L, 4]]")
    elif isinstance(boxes, ember.Tensor):
        if boxes.size(1) != 5:
            raise AssertionError("The boxes tensor shape is not correct as Tensor[K, 5]")
    else:
        raise AssertionError("boxes is expected to be a Tensor[L, 5] or a List[Tensor[K, 4]]")


def convert_boxes_to_roi_format(boxes):
    """A list of per-image ``[L, 4]`` boxes as one ``[K, 5]`` tensor whose first column is the image index."""
    concat = boxes[0] if len(boxes) == 1 else ember.cat(list(boxes), dim=0)
    ids = [ember.full_like(b[:, :1], i) for i, b in enumerate(boxes)]
    return ember.cat([ids[0] if len(ids) == 1 else ember.cat(ids, dim=0), concat], dim=1)


def as_rois(input, boxes):
    """``[K, 5]`` RoIs as a NumPy array in the input's dtype (the coordinates carry no gradient)."""
    check_roi_boxes_shape(boxes)
    rois = boxes if isinstance(boxes, ember.Tensor) else convert_boxes_to_roi_format(boxes)
    if input.dim() != 4:
        raise RuntimeError(f"input should be a 4d tensor [N, C, H, W], got {input.dim()}D")
    return rois.detach().cpu().numpy().astype(input.detach().cpu().numpy().dtype, copy=False)


def bilinear_axis_weights(start, bin_size, grid, pooled, size, dtype):
    """``[K, pooled, size]`` weights averaging ``grid[k]`` bilinear samples per bin along one axis.

    Sample ``i`` of bin ``p`` sits at ``start + p * bin + (i + 0.5) * bin / grid``; samples beyond one
    pixel outside the map contribute zero, those in the last half-pixel border read the edge.
    """
    k = len(start)
    g_max = int(grid.max()) if k else 0
    p = np.arange(pooled, dtype=dtype)[None, :, None]
    i = np.arange(g_max, dtype=dtype)[None, None, :]
    g = np.maximum(grid, 1).astype(dtype)[:, None, None]
    coord = start[:, None, None] + p * bin_size[:, None, None] + (i + dtype(0.5)) * bin_size[:, None, None] / g
    live = (i < grid[:, None, None]) & (coord >= -1.0) & (coord <= size)
    coord = np.maximum(coord, 0)
    low = coord.astype(np.int64)
    at_edge = low >= size - 1
    low = np.where(at_edge, size - 1, low)
    high = np.where(at_edge, size - 1, low + 1)
    frac = np.where(at_edge, 0, coord - low).astype(dtype)
    scale = live / g
    rows = (np.arange(k)[:, None, None] * pooled + np.arange(pooled)[None, :, None]) * size
    weights = np.bincount((rows + low).ravel(), ((1 - frac) * scale).ravel(), minlength=k * pooled * size)
    weights += np.bincount((rows + high).ravel(), (frac * scale).ravel(), minlength=k * pooled * size)
    return weights.reshape(k, pooled, size).astype(dtype)


def window_axis_weights(lo, hi, size, dtype):
    """``[K, pooled, size]`` weights averaging the integer windows ``[lo, hi)`` (empty windows weigh 0)."""
    cells = np.arange(size)[None, None, :]
    inside = (cells >= lo[..., None]) & (cells < hi[..., None])
    return (inside / np.maximum(hi - lo, 1)[..., None]).astype(dtype)


def separable_pool(input, batch_index, weights_y, weights_x):
    """``out[k, c, ph, pw] = sum_hw weights_y[k, ph, h] * weights_x[k, pw, w] * input[b_k, c, h, w]``."""
    n, c, h, w = input.shape
    k, ph, pw = len(batch_index), weights_y.shape[1], weights_x.shape[1]
    if k == 0:
        return input.new_zeros((0, c, ph, pw))
    pieces, order = [], []
    for image in np.unique(batch_index):
        # NOTE: one pair of matmuls per image of the batch (not per box)
        rows = np.nonzero(batch_index == image)[0]
        wy = ember.from_numpy(np.ascontiguousarray(weights_y[rows].reshape(-1, h))).to(input.device)
        wx = ember.from_numpy(np.ascontiguousarray(weights_x[rows].transpose(0, 2, 1))).to(input.device)
        planes = input[int(image)].permute(1, 0, 2).reshape(h, c * w)
        along_y = (wy @ planes).reshape(len(rows), ph, c, w)
        pieces.append((along_y @ wx[:, None]).permute(0, 2, 1, 3))
        order.append(rows)
    out = pieces[0] if len(pieces) == 1 else ember.cat(pieces, dim=0)
    order = np.concatenate(order)
    if (order == np.arange(k)).all():
        return out
    inverse = np.empty_like(order)
    inverse[order] = np.arange(k)
    return out[ember.from_numpy(inverse).to(input.device)]


def batch_indices(rois, n):
    index = rois[:, 0].astype(np.int64)
    if len(index) and (index.min() < 0 or index.max() >= n):
        raise IndexError(f"RoI batch index out of range for an input of batch size {n}")
    return index


def position_sensitive(pooled, channels, output_size):
    """Keep, for output channel c and bin (i, j), the input channel ``(c * PH + i) * PW + j``."""
    ph, pw = output_size
    if channels % (ph * pw) != 0:
        raise RuntimeError("input channels must be a multiple of pooling height * pooling width")
    k = pooled.shape[0]
    grouped = pooled.reshape(k, channels // (ph * pw), ph * pw, ph * pw)
    diagonal = ember.from_numpy(np.arange(ph * pw)).to(pooled.device)
    return grouped[:, :, diagonal, diagonal].reshape(k, channels // (ph * pw), ph, pw)


def c_round(x):
    """C's round(): halves away from zero (NumPy rounds them to even)."""
    return (np.sign(x) * np.floor(np.abs(x) + 0.5)).astype(np.int64)
