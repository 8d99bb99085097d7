"""Box utilities (torchvision.ops.boxes): NMS, IoU variants, format conversion, clipping.

Boxes are ``(x1, y1, x2, y2)`` unless a function takes a format. Everything but NMS is written
with ember ops, so gradients flow through the IoU variants to the box coordinates.
"""
import math

import numpy as np

import ember

_AXIS_ALIGNED = ("xyxy", "xywh", "cxcywh")
_ROTATED = ("cxcywhr", "xywhr", "xyxyxyxy")


def _upcast(t):
    # NOTE: half-precision or narrow-int areas overflow; torchvision computes them in 32 bits or wider
    if t.is_floating_point():
        return t if t.dtype in (ember.float32, ember.float64) else t.float()
    return t if t.dtype in (ember.int32, ember.int64) else t.int()


def _nms_keep(boxes, scores, iou_threshold):
    """Greedy NMS on NumPy arrays: indices kept, highest score first (stable for equal scores)."""
    order = np.argsort(-scores, kind="stable")
    boxes = boxes[order]
    x1, y1, x2, y2 = boxes.T
    areas = (x2 - x1) * (y2 - y1)
    suppressed = np.zeros(len(order), dtype=bool)
    keep = []
    for i in range(len(order)):
        if suppressed[i]:
            continue
        keep.append(i)
        # NOTE: one vectorised row per kept box: the loop runs over survivors, not over pairs
        rest = slice(i + 1, None)
        w = np.maximum(np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]), 0)
        h = np.maximum(np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]), 0)
        inter = w * h
        with np.errstate(divide="ignore", invalid="ignore"):
            iou = inter / (areas[i] + areas[rest] - inter)
        suppressed[rest] |= iou > iou_threshold
    return order[np.asarray(keep, dtype=np.int64)]


def nms(boxes, scores, iou_threshold):
    """Non-maximum suppression: indices (int64) of the boxes kept, in decreasing order of score.

    A box is dropped when its IoU with a higher-scoring kept box exceeds ``iou_threshold``.

    >>> boxes = ember.tensor([[0., 0., 10., 10.], [1., 1., 10., 10.], [20., 20., 30., 30.]])
    >>> nms(boxes, ember.tensor([0.9, 0.8, 0.7]), 0.5)
    tensor([0, 2])
    """
    if boxes.dim() != 2:
        raise RuntimeError(f"boxes should be a 2d tensor, got {boxes.dim()}D")
    if boxes.size(1) != 4:
        raise RuntimeError(f"boxes should have 4 elements in dimension 1, got {boxes.size(1)}")
    if scores.dim() != 1:
        raise RuntimeError(f"scores should be a 1d tensor, got {scores.dim()}D")
    if boxes.size(0) != scores.size(0):
        raise RuntimeError("boxes and scores should have same number of elements in dimension 0, got "
                           f"{boxes.size(0)} and {scores.size(0)}")
    keep = _nms_keep(boxes.detach().cpu().numpy(), scores.detach().cpu().numpy(), iou_threshold)
    return ember.from_numpy(keep).to(boxes.device)


def batched_nms(boxes, scores, idxs, iou_threshold):
    """NMS within each category ``idxs``: boxes of different categories never suppress each other."""
    if boxes.numel() == 0:
        return ember.empty((0,), dtype=ember.int64, device=boxes.device)
    # NOTE: shifting each category by more than the largest coordinate separates them, so one NMS
    # pass does the work of one per category (torchvision's "coordinate trick")
    max_coordinate = boxes.max()
    offsets = idxs.to(boxes) * (max_coordinate + ember.tensor(1).to(boxes))
    return nms(boxes + offsets[:, None], scores, iou_threshold)


def remove_small_boxes(boxes, min_size):
    """Indices of the boxes whose width and height are both at least ``min_size``."""
    ws, hs = boxes[..., 2] - boxes[..., 0], boxes[..., 3] - boxes[..., 1]
    return ember.where((ws >= min_size) & (hs >= min_size))[0]


def clip_boxes_to_image(boxes, size):
    """Clamp ``(x1, y1, x2, y2)`` boxes into an image of ``size = (height, width)``."""
    height, width = size
    boxes_x = boxes[..., 0::2].clamp(min=0, max=width)
    boxes_y = boxes[..., 1::2].clamp(min=0, max=height)
    return ember.stack((boxes_x, boxes_y), dim=boxes.dim()).reshape(boxes.shape)


def _rounded_like(boxes, dtype):
    # NOTE: integer boxes are converted in floating point and rounded back, as torchvision does
    if dtype.is_floating_point:
        return boxes
    return boxes.round().to(dtype)


def _xywh_to_xyxy(b):
    x, y, w, h = b.unbind(-1)
    return ember.stack([x, y, x + w, y + h], dim=-1)


def _cxcywh_to_xyxy(b):
    cx, cy, w, h = b.unbind(-1)
    return ember.stack([cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h], dim=-1)


def _xyxy_to_xywh(b):
    x1, y1, x2, y2 = b.unbind(-1)
    return ember.stack([x1, y1, x2 - x1, y2 - y1], dim=-1)


def _xyxy_to_cxcywh(b):
    x1, y1, x2, y2 = b.unbind(-1)
    return ember.stack([(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1], dim=-1)


def _rotation(r):
    r_rad = r * math.pi / 180.0
    return ember.cos(r_rad), ember.sin(r_rad)


def _cxcywhr_to_xywhr(b):
    cx, cy, w, h, r = b.unbind(-1)
    cos, sin = _rotation(r)
    return _rounded_like(ember.stack([cx - w / 2 * cos - h / 2 * sin, cy + w / 2 * sin - h / 2 * cos, w, h, r],
                                     dim=-1), b.dtype)


def _xywhr_to_cxcywhr(b):
    x1, y1, w, h, r = b.unbind(-1)
    cos, sin = _rotation(r)
    return _rounded_like(ember.stack([x1 + w / 2 * cos + h / 2 * sin, y1 - w / 2 * sin + h / 2 * cos, w, h, r],
                                     dim=-1), b.dtype)


def _xywhr_to_xyxyxyxy(b):
    x1, y1, w, h, r = b.unbind(-1)
    cos, sin = _rotation(r)
    x2, y2 = x1 + w * cos, y1 - w * sin
    return _rounded_like(ember.stack([x1, y1, x2, y2, x2 + h * sin, y2 + h * cos, x1 + h * sin, y1 + h * cos],
                                     dim=-1), b.dtype)


def _xyxyxyxy_to_xywhr(b):
    x1, y1, x2, y2, x3, y3, _, _ = b.unbind(-1)
    r = ember.atan2(y1 - y2, x2 - x1) * 180 / math.pi
    w = ((x2 - x1) ** 2 + (y1 - y2) ** 2).sqrt()
    h = ((x3 - x2) ** 2 + (y3 - y2) ** 2).sqrt()
    return _rounded_like(ember.stack([x1, y1, w, h, r], dim=-1), b.dtype)


# NOTE: every conversion goes through one hub format per family (xyxy, or xywhr for rotated boxes)
_TO_HUB = {"xywh": _xywh_to_xyxy, "cxcywh": _cxcywh_to_xyxy, "cxcywhr": _cxcywhr_to_xywhr,
           "xyxyxyxy": _xyxyxyxy_to_xywhr}
_FROM_HUB = {"xywh": _xyxy_to_xywh, "cxcywh": _xyxy_to_cxcywh, "cxcywhr": _xywhr_to_cxcywhr,
             "xyxyxyxy": _xywhr_to_xyxyxyxy}


def box_convert(boxes, in_fmt, out_fmt):
    """Convert boxes between 'xyxy', 'xywh', 'cxcywh' and the rotated 'xywhr', 'cxcywhr', 'xyxyxyxy'.

    >>> box_convert(ember.tensor([[10., 20., 4., 6.]]), "cxcywh", "xyxy")
    tensor([[ 8., 17., 12., 23.]])
    """
    allowed = _AXIS_ALIGNED + _ROTATED
    if in_fmt not in allowed or out_fmt not in allowed:
        raise ValueError(f"Unsupported Bounding Box Conversions for given in_fmt {in_fmt} and out_fmt {out_fmt}")
    if in_fmt == out_fmt:
        return boxes.clone()
    if (in_fmt in _ROTATED) != (out_fmt in _ROTATED):
        raise NotImplementedError(f"Unsupported Bounding Box Conversions for given in_fmt {in_fmt} and out_fmt {out_fmt}")
    if in_fmt in _TO_HUB:
        boxes = _TO_HUB[in_fmt](boxes)
    if out_fmt in _FROM_HUB:
        boxes = _FROM_HUB[out_fmt](boxes)
    return boxes


def box_area(boxes, fmt="xyxy"):
    """Area of each box (``fmt`` one of 'xyxy', 'xywh', 'cxcywh')."""
    if fmt not in _AXIS_ALIGNED:
        raise ValueError(f"Unsupported Bounding Box area for given format {fmt}")
    boxes = _upcast(boxes)
    if fmt == "xyxy":
        return (boxes[..., 2] - boxes[..., 0]) * (boxes[..., 3] - boxes[..., 1])
    return boxes[..., 2] * boxes[..., 3]


def _corners(boxes, fmt):
    """(top-left, bottom-right) corners, ``[..., N, 2]`` each, of boxes in an axis-aligned format."""
    if fmt == "xyxy":
        return boxes[..., :2], boxes[..., 2:]
    if fmt == "xywh":
        return boxes[..., :2], boxes[..., :2] + boxes[..., 2:]
    return boxes[..., :2] - boxes[..., 2:] / 2, boxes[..., :2] + boxes[..., 2:] / 2


def _box_inter_union(boxes1, boxes2, fmt="xyxy"):
    area1, area2 = box_area(boxes1, fmt=fmt), box_area(boxes2, fmt=fmt)
    lt1, rb1 = _corners(boxes1, fmt)
    lt2, rb2 = _corners(boxes2, fmt)
    lt = ember.maximum(lt1[..., :, None, :], lt2[..., None, :, :])
    rb = ember.minimum(rb1[..., :, None, :], rb2[..., None, :, :])
    wh = _upcast(rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    return inter, area1[..., None] + area2[..., None, :] - inter


def box_iou(boxes1, boxes2, fmt="xyxy"):
    """Pairwise intersection-over-union, ``[..., N, M]``, of two sets of axis-aligned boxes.

    >>> box_iou(ember.tensor([[0., 0., 2., 2.]]), ember.tensor([[1., 1., 3., 3.], [0., 0., 2., 2.]]))
    tensor([[0.1429, 1.0000]])
    """
    if fmt in _AXIS_ALIGNED:
        inter, union = _box_inter_union(boxes1, boxes2, fmt)
        return inter / union
    if fmt in _ROTATED:
        raise NotImplementedError(f"box_iou of rotated boxes ('{fmt}') is not supported by ember.vision; "
                                  "convert them to axis-aligned boxes first")
    raise ValueError(f"Unsupported format '{fmt}'. Supported axis-aligned formats: {_AXIS_ALIGNED}. "
                     f"Supported rotated formats: {_ROTATED}.")


def _enclosing_wh(boxes1, boxes2):
    lt = ember.minimum(boxes1[..., :, None, :2], boxes2[..., None, :, :2])
    rb = ember.maximum(boxes1[..., :, None, 2:], boxes2[..., None, :, 2:])
    return _upcast(rb - lt).clamp(min=0)


def generalized_box_iou(boxes1, boxes2):
    """Pairwise generalized IoU: IoU minus the share of the enclosing box that neither box covers."""
    inter, union = _box_inter_union(boxes1, boxes2)
    enclosing = _enclosing_wh(boxes1, boxes2)
    area = enclosing[..., 0] * enclosing[..., 1]
    return inter / union - (area - union) / area


def _box_diou_iou(boxes1, boxes2, eps):
    iou = box_iou(boxes1, boxes2)
    enclosing = _enclosing_wh(boxes1, boxes2)
    diagonal_squared = enclosing[..., 0] ** 2 + enclosing[..., 1] ** 2 + eps
    cx1, cy1 = (boxes1[..., 0] + boxes1[..., 2]) / 2, (boxes1[..., 1] + boxes1[..., 3]) / 2
    cx2, cy2 = (boxes2[..., 0] + boxes2[..., 2]) / 2, (boxes2[..., 1] + boxes2[..., 3]) / 2
    centers_squared = (_upcast(cx1[..., :, None] - cx2[..., None, :]) ** 2
                       + _upcast(cy1[..., :, None] - cy2[..., None, :]) ** 2)
    return iou - centers_squared / diagonal_squared, iou


def distance_box_iou(boxes1, boxes2, eps=1e-7):
    """Pairwise distance IoU: IoU minus the squared centre distance over the enclosing diagonal squared."""
    return _box_diou_iou(_upcast(boxes1), _upcast(boxes2), eps)[0]


def _aspect_term(w1, h1, w2, h2):
    return (4 / (math.pi ** 2)) * (ember.atan(w1 / h1) - ember.atan(w2 / h2)) ** 2


def complete_box_iou(boxes1, boxes2, eps=1e-7):
    """Pairwise complete IoU: distance IoU minus an aspect-ratio consistency term."""
    boxes1, boxes2 = _upcast(boxes1), _upcast(boxes2)
    diou, iou = _box_diou_iou(boxes1, boxes2, eps)
    v = _aspect_term((boxes1[..., 2] - boxes1[..., 0])[..., :, None], (boxes1[..., 3] - boxes1[..., 1])[..., :, None],
                     (boxes2[..., 2] - boxes2[..., 0])[..., None, :], (boxes2[..., 3] - boxes2[..., 1])[..., None, :])
    with ember.no_grad():
        # NOTE: the trade-off weight is a constant for the gradient, as in the CIoU paper
        alpha = v / (1 - iou + v + eps)
    return diou - alpha * v


def masks_to_boxes(masks):
    """The ``(x1, y1, x2, y2)`` bounding box (float) of each mask in ``[N, H, W]``; empty masks give zeros."""
    if masks.numel() == 0:
        return ember.zeros((0, 4), device=masks.device, dtype=ember.float32)
    n, h, w = masks.shape
    present = masks.detach().cpu().numpy().astype(bool)
    rows, cols = present.any(axis=2), present.any(axis=1)
    y1, x1 = rows.argmax(axis=1), cols.argmax(axis=1)
    y2 = (h - 1) - rows[:, ::-1].argmax(axis=1)
    x2 = (w - 1) - cols[:, ::-1].argmax(axis=1)
    boxes = np.stack([x1, y1, x2, y2], axis=1).astype(np.float32)
    boxes[~rows.any(axis=1)] = 0
    return ember.from_numpy(boxes).to(masks.device)
