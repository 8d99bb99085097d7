"""Rotated bounding boxes (XYWHR, CXCYWHR, XYXYXYXY) in the v2 transforms: turning warped corners
back into rectangles, and clamping rotated boxes to their canvas ('soft': the smallest box of the
same angle around the part inside the canvas; 'hard': the largest one inside it).

Boxes here are small ``[N, 8]`` corner arrays, so the geometry runs on NumPy arrays of the boxes'
float dtype, step by step as torchvision computes it, so that results agree to rounding.
"""
import numpy as np

import ember


def parallelogram_to_rectangle(corners):
    """``[..., 8]`` parallelograms -> rectangles about the same centre that keep the two corners of the
    longer diagonal (a copy; integer input is computed in float32 and cast back)."""
    dtype = corners.dtype
    p = corners if dtype in (ember.float32, ember.float64) else corners.float()
    x1, y1, x2, y2, x3, y3, x4, y4 = p.unbind(-1)
    cx, cy = (x1 + x3) / 2, (y1 + y3) / 2
    wp = ((x2 - x1).pow(2) + (y2 - y1).pow(2)).sqrt()
    hp = ((x4 - x1).pow(2) + (y4 - y1).pow(2)).sqrt()
    r12 = ember.atan2(y1 - y2, x2 - x1)
    r14 = ember.atan2(y1 - y4, x4 - x1)
    r = r12 - r14
    sign = ember.where(r > ember.pi / 2, -1, 1)
    cos, sin = r.cos(), r.sin()
    w = ember.where(wp < hp, wp * sin, wp + hp * cos * sign)
    h = ember.where(wp > hp, hp * sin, hp + wp * cos * sign)
    r = ember.where(hp > wp, r14 + ember.pi / 2, r12)
    cos, sin = r.cos(), r.sin()
    hw, hh = w / 2, h / 2
    out = ember.stack((cx - hw * cos - hh * sin, cy - hh * cos + hw * sin,
                       cx + hw * cos - hh * sin, cy - hh * cos - hw * sin,
                       cx + hw * cos + hh * sin, cy + hh * cos - hw * sin,
                       cx - hw * cos + hh * sin, cy + hh * cos + hw * sin), dim=-1).reshape(corners.shape)
    return out.to(dtype)


def _order(boxes, indices=None):
    """Rotate each box's corner list so that it starts at its leftmost (then topmost) corner."""
    if indices is None:
        x, y = boxes[:, 0::2], boxes[:, 1::2]
        with np.errstate(divide="ignore", invalid="ignore"):
            key = y / np.abs(y).max(axis=1, keepdims=True) + (x / np.abs(x).max(axis=1, keepdims=True)) * 100
        first = np.argmin(key, axis=1)
        indices = np.ones_like(boxes)
        indices[:, 0] = first * 2
        indices = np.remainder(np.cumsum(indices, axis=1), 8)
    return indices, np.take_along_axis(boxes, indices.astype(np.int64), axis=1)


def _slopes(boxes):
    x, y = boxes[..., ::2], boxes[..., 1::2]
    with np.errstate(divide="ignore", invalid="ignore"):
        a = (np.roll(y, -1, axis=-1) - y) / (np.roll(x, -1, axis=-1) - x)
        return a, y - a * x


def _intersections(a, b):
    # where each side meets the previous one
    with np.errstate(divide="ignore", invalid="ignore"):
        x = -(b - np.roll(b, 1, axis=-1)) / (a - np.roll(a, 1, axis=-1))
        y = a * x + b
    return np.stack((x, y), axis=-1).reshape(a.shape[0], 8)


def _clip(x, lo, hi):
    return np.minimum(np.maximum(x, lo), hi)


def _clamp_intercepts(boxes, original, canvas_size, mode):
    height, width = canvas_size
    a, b = _slopes(boxes)
    a1, a2, a3, a4 = (a[:, k] for k in range(4))
    b1, b2, b3, b4 = (b[:, k] for k in range(4))
    _, bm = _slopes(original)
    b1m, b2m, b3m, b4m = (bm[:, k] for k in range(4))
    new_b1 = _clip(_clip(b2, b1, b3), 0, height)
    new_b4 = _clip(_clip(b3, b2, b4), 0, height)
    with np.errstate(divide="ignore", invalid="ignore"):
        if mode == "hard":
            middle = (new_b1 + new_b4) / 2
            b2 = np.minimum(np.max(np.stack([middle * a2 / a1, b3 * a2 / a3, (a1 - a2) * width + middle,
                                             (a3 - a2) * width + b3], axis=1), axis=1), b2)
            b3 = np.maximum(np.min(np.stack([height * (1 - a3 / a4) + middle * a3 / a4,
                                             height * (1 - a3 / a2) + b2 * a3 / a2, (a2 - a3) * width + b2,
                                             (a4 - a3) * width + middle], axis=1), axis=1), b3)
            # the first and last intercepts are one value, clamped by both of their ranges in turn
            new_b1 = new_b4 = _clip(_clip(middle, b1m, b3m), b2m, b4m)
        else:
            new_b1 = _clip(new_b1, b1m, b3m)
            new_b4 = _clip(new_b4, b2m, b4m)
    b3 = _clip(b3, b1m, b3m)
    b2 = _clip(b2, b2m, b4m)
    return np.stack([new_b1, b2, b3, new_b4], axis=-1)


def _clamp_left(boxes, original, canvas_size, mode):
    """Pull the parts of the boxes left of x = 0 back onto the canvas."""
    a, _ = _slopes(boxes)
    x1, y1, x2, y2, x3, y3, x4, y4 = (boxes[:, k] for k in range(8))
    case_a = _intersections(a, _clamp_intercepts(boxes, original, canvas_size, mode))
    case_b = boxes.copy()
    case_b[:, 0] = np.maximum(case_b[:, 0], 0)
    case_b[:, 6] = np.maximum(case_b[:, 6], 0)
    case_c = np.zeros_like(boxes)
    cond_a = (x1 < 0) & ~np.isnan(case_a).any(-1)
    cond_b = np.isclose(y1, y2) | np.isclose(y3, y4)
    cond_c = (x1 <= 0) & (x2 <= 0) & (x3 <= 0) & (x4 <= 0)
    cond_c = cond_c | np.isclose(y1, y4) | np.isclose(y2, y3) | (cond_b & np.isclose(x1, x2))
    for cond, case in ((cond_a, case_a), (cond_b, case_b), (cond_c, case_c)):
        boxes = np.where(cond[:, None], case, boxes)
    return boxes


def clamp_rotated(boxes, format, canvas_size, clamping_mode):
    """Rotated ``boxes`` in ``format`` clamped to ``canvas_size`` (None: unchanged)."""
    from ember.vision.transforms.v2.functional._boxes import convert_format
    from ember.vision.tv_tensors import BoundingBoxFormat
    if clamping_mode is None:
        return boxes.clone()
    corners = convert_format(boxes, format, BoundingBoxFormat.XYXYXYXY).reshape(-1, 8)
    out = corners.numpy(force=True).copy()
    original = out.copy()
    size = tuple(canvas_size)
    for _ in range(4):  # clamp at the left edge, then turn the canvas a quarter and repeat
        indices, out = _order(out)
        _, original = _order(original, indices)
        out = _clamp_left(out, original, size, clamping_mode)
        _, out = _order(out, indices)
        _, original = _order(original, indices)
        out = np.stack([out[:, 1::2], size[1] - out[:, ::2]], axis=-1).reshape(-1, 8).astype(out.dtype)
        original = np.stack([original[:, 1::2], size[1] - original[:, ::2]], axis=-1).reshape(-1, 8) \
            .astype(original.dtype)
        size = (size[1], size[0])
    result = ember.from_numpy(np.ascontiguousarray(out)).to(boxes.device)
    return convert_format(result, BoundingBoxFormat.XYXYXYXY, format).reshape(boxes.shape)


def _cos_sin(angle_degrees):
    radians = angle_degrees * ember.pi / 180
    return radians.cos(), radians.sin()


def hflip(boxes, format, canvas_size):
    from ember.vision.tv_tensors import BoundingBoxFormat as F_
    width = canvas_size[1]
    b = boxes.clone().reshape(-1, 8 if format == F_.XYXYXYXY else 5)
    if format == F_.XYXYXYXY:
        b[:, 0::2] = width - b[:, 0::2]
        b = b[:, [2, 3, 0, 1, 6, 7, 4, 5]]
    elif format == F_.XYWHR:
        cos, sin = _cos_sin(b[:, 4])
        x = b[:, 0] + b[:, 2] * cos
        b[:, 0] = width - x
        b[:, 1] = b[:, 1] - b[:, 2] * sin
        b[:, 4] = -b[:, 4]
    else:
        b[:, 0] = width - b[:, 0]
        b[:, 4] = -b[:, 4]
    return b.reshape(boxes.shape)


def vflip(boxes, format, canvas_size):
    from ember.vision.tv_tensors import BoundingBoxFormat as F_
    height = canvas_size[0]
    b = boxes.clone().reshape(-1, 8 if format == F_.XYXYXYXY else 5)
    if format == F_.XYXYXYXY:
        b[:, 1::2] = height - b[:, 1::2]
        b = b[:, [2, 3, 0, 1, 6, 7, 4, 5]]
    elif format == F_.XYWHR:
        cos, sin = _cos_sin(b[:, 4])
        y = b[:, 1] - b[:, 2] * sin
        b[:, 1] = height - y
        b[:, 0] = b[:, 0] + b[:, 2] * cos
        b[:, 4] = 180 - b[:, 4]
    else:
        b[:, 1] = height - b[:, 1]
        b[:, 4] = 180 - b[:, 4]
    return b.reshape(boxes.shape)
