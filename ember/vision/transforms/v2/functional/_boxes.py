"""Bounding-box arithmetic for the v2 transforms: format conversion, clamping to the canvas, and the
box and key-point counterparts of flips, resizes, crops, padding and affine warps (axis-aligned
formats XYXY, XYWH, CXCYWH and the rotated XYWHR, CXCYWHR, XYXYXYXY)."""
import ember
from ember.vision.transforms._grid import inverse_affine_matrix, _expanded_size
from ember.vision.transforms._functional_tensor import _parse_pad_padding
from ember.vision.transforms.v2.functional import _rotated
from ember.vision.tv_tensors import BoundingBoxFormat, is_rotated_bounding_format

F_ = BoundingBoxFormat


def _format(format):
    return BoundingBoxFormat[format.upper()] if isinstance(format, str) else format


def _half(t):
    # halves of widths and heights: floored (towards -inf) for integer boxes
    return t / 2 if t.is_floating_point() else ember.div(t, 2, rounding_mode="floor")


def _cos_sin(angle_degrees):
    radians = angle_degrees * ember.pi / 180.0
    return radians.cos(), radians.sin()


def _cxcywhr_to_xywhr(b):
    half = _half(-b[..., 2:4]).abs()
    cos, sin = _cos_sin(b[..., 4])
    out = b.clone()
    out[..., 0] = b[..., 0] - half[..., 0] * cos - half[..., 1] * sin
    out[..., 1] = b[..., 1] + half[..., 0] * sin - half[..., 1] * cos
    return out


def _xywhr_to_cxcywhr(b):
    half = _half(-b[..., 2:4]).abs()
    cos, sin = _cos_sin(b[..., 4])
    out = b.clone()
    out[..., 0] = b[..., 0] + half[..., 0] * cos + half[..., 1] * sin
    out[..., 1] = b[..., 1] - half[..., 0] * sin + half[..., 1] * cos
    return out


def _xywhr_to_xyxyxyxy(b):
    # the corners clockwise on screen from (x1, y1): along the width, then the height
    w, h = b[..., 2], b[..., 3]
    cos, sin = _cos_sin(b[..., 4])
    x1, y1 = b[..., 0], b[..., 1]
    return ember.stack([x1, y1, x1 + w * cos, y1 - w * sin, x1 + (w * cos + h * sin), y1 - (w * sin - h * cos),
                        x1 + h * sin, y1 + h * cos], dim=-1)


def _xyxyxyxy_to_xywhr(b):
    dtype = b.dtype
    work = b if dtype in (ember.float32, ember.float64) else b.float()
    angle = ember.atan2(work[..., 1] - work[..., 3], work[..., 2] - work[..., 0])
    w = ((work[..., 2] - work[..., 0]).pow(2) + (work[..., 3] - work[..., 1]).pow(2)).sqrt()
    h = ((work[..., 4] - work[..., 2]).pow(2) + (work[..., 5] - work[..., 3]).pow(2)).sqrt()
    out = ember.stack([work[..., 0], work[..., 1], w, h, angle / ember.pi * 180.0], dim=-1)
    return out.to(dtype)


def _cxcywh_to_xyxy(b):
    # integer boxes are converted in float and truncated back
    work = b.float() if not b.is_floating_point() else b.clone()
    half = work[..., 2:] / 2
    work[..., :2] -= half
    work[..., 2:] += work[..., :2]
    return work.to(b.dtype)


def _xyxy_to_cxcywh(b):
    out = b.clone()
    out[..., 2:] -= out[..., :2]
    out[..., :2] = _half(out[..., :2] * 2 + out[..., 2:])
    return out


def _xywh_to_cxcywh(b):
    out = b.clone()
    out[..., :2] += _half(out[..., 2:])
    return out


def _cxcywh_to_xywh(b):
    work = b.float() if not b.is_floating_point() else b.clone()
    work[..., :2] -= work[..., 2:] / 2
    if b.is_floating_point():
        return work
    # integer boxes: truncate both corners, then take the size between them (as the path through XYXY does)
    corner2 = (work[..., :2] + work[..., 2:]).to(b.dtype)
    out = work.to(b.dtype)
    out[..., 2:] = corner2 - out[..., :2]
    return out


def convert_format(boxes, old_format, new_format):
    """Boxes from ``old_format`` to ``new_format`` (a new tensor; integer boxes stay integers)."""
    old_format, new_format = _format(old_format), _format(new_format)
    if new_format == old_format:
        return boxes
    if is_rotated_bounding_format(old_format) ^ is_rotated_bounding_format(new_format):
        raise ValueError("Cannot convert between rotated and unrotated bounding boxes.")
    if (old_format, new_format) == (F_.XYWH, F_.CXCYWH):
        return _xywh_to_cxcywh(boxes)
    if (old_format, new_format) == (F_.CXCYWH, F_.XYWH):
        return _cxcywh_to_xywh(boxes)
    # through XYXY (axis-aligned) or XYWHR (rotated)
    b = boxes.clone()
    if old_format == F_.XYWH:
        b[..., 2:] += b[..., :2]
    elif old_format == F_.CXCYWH:
        b = _cxcywh_to_xyxy(b)
    elif old_format == F_.CXCYWHR:
        b = _cxcywhr_to_xywhr(b)
    elif old_format == F_.XYXYXYXY:
        b = _xyxyxyxy_to_xywhr(b)
    if new_format == F_.XYWH:
        b[..., 2:] -= b[..., :2]
    elif new_format == F_.CXCYWH:
        b = _xyxy_to_cxcywh(b)
    elif new_format == F_.CXCYWHR:
        b = _xywhr_to_cxcywhr(b)
    elif new_format == F_.XYXYXYXY:
        b = _xywhr_to_xyxyxyxy(b)
    return b


def clamp(boxes, format, canvas_size, clamping_mode="soft"):
    """Boxes clipped to the canvas, in their own format and dtype (rotated boxes: see _rotated)."""
    if clamping_mode is None:
        return boxes.clone()
    if is_rotated_bounding_format(format):
        return _rotated.clamp_rotated(boxes, format, canvas_size, clamping_mode)
    in_dtype = boxes.dtype
    work = boxes.clone() if boxes.is_floating_point() else boxes.float()
    xyxy = convert_format(work, format, F_.XYXY)
    xyxy[..., 0::2] = xyxy[..., 0::2].clamp(min=0, max=canvas_size[1])
    xyxy[..., 1::2] = xyxy[..., 1::2].clamp(min=0, max=canvas_size[0])
    return convert_format(xyxy, F_.XYXY, format).to(in_dtype)


def hflip(boxes, format, canvas_size):
    if is_rotated_bounding_format(format):
        return _rotated.hflip(boxes, format, canvas_size)
    b = boxes.clone().reshape(-1, 4)
    w = canvas_size[1]
    if format == F_.XYXY:
        b[:, [2, 0]] = w - b[:, [0, 2]]
    elif format == F_.XYWH:
        b[:, 0] = w - (b[:, 0] + b[:, 2])
    else:
        b[:, 0] = w - b[:, 0]
    return b.reshape(boxes.shape)


def vflip(boxes, format, canvas_size):
    if is_rotated_bounding_format(format):
        return _rotated.vflip(boxes, format, canvas_size)
    b = boxes.clone().reshape(-1, 4)
    h = canvas_size[0]
    if format == F_.XYXY:
        b[:, [1, 3]] = h - b[:, [3, 1]]
    elif format == F_.XYWH:
        b[:, 1] = h - (b[:, 1] + b[:, 3])
    else:
        b[:, 1] = h - b[:, 1]
    return b.reshape(boxes.shape)


def resize(boxes, format, canvas_size, new_size, clamping_mode="soft"):
    (old_h, old_w), (new_h, new_w) = canvas_size, new_size
    if (new_h, new_w) == (old_h, old_w):
        return boxes
    w_ratio, h_ratio = new_w / old_w, new_h / old_h
    if is_rotated_bounding_format(format):
        # scale the corners, square the parallelograms up, clamp on the new canvas
        corners = convert_format(boxes, format, F_.XYXYXYXY).reshape(-1, 8)
        scaled = corners.mul(ember.tensor([w_ratio, h_ratio] * 4, device=boxes.device))
        out = clamp(_rotated.parallelogram_to_rectangle(scaled), F_.XYXYXYXY, (new_h, new_w), clamping_mode)
        return convert_format(out, F_.XYXYXYXY, format).to(boxes.dtype).reshape(boxes.shape)
    ratios = ember.tensor([w_ratio, h_ratio, w_ratio, h_ratio], device=boxes.device)
    return boxes.mul(ratios).to(boxes.dtype)


def _offset(format, dx, dy):
    if format == F_.XYXYXYXY:
        return [dx, dy] * 4
    if format in (F_.XYWHR, F_.CXCYWHR):
        return [dx, dy, 0, 0, 0]
    return [dx, dy, dx, dy] if format == F_.XYXY else [dx, dy, 0, 0]


def _shift(boxes, format, dx, dy):
    return boxes + ember.tensor(_offset(format, dx, dy), dtype=boxes.dtype, device=boxes.device)


def crop(boxes, format, top, left, height, width, clamping_mode="soft"):
    out = _shift(boxes, format, -left, -top)
    if format == F_.XYXYXYXY:
        out = _rotated.parallelogram_to_rectangle(out)
    return clamp(out, format, (height, width), clamping_mode), (height, width)


def pad(boxes, format, canvas_size, padding, clamping_mode="soft"):
    left, right, top, bottom = _parse_pad_padding(padding)
    size = (canvas_size[0] + top + bottom, canvas_size[1] + left + right)
    return clamp(_shift(boxes, format, left, top), format, size, clamping_mode), size


def _forward_matrix(canvas_size, angle, translate, scale, shear, center):
    if center is None:
        center = [canvas_size[1] * 0.5, canvas_size[0] * 0.5]
    return center, inverse_affine_matrix(center, angle, translate, scale, shear, inverted=False)


def _expand_shift(points_dtype, matrix, canvas_size, center, angle, translate, scale, shear):
    height, width = canvas_size
    corners = ember.tensor([[0.0, 0.0, 1.0], [0.0, float(height), 1.0], [float(width), float(height), 1.0],
                            [float(width), 0.0, 1.0]], dtype=points_dtype)
    moved = ember.matmul(corners, matrix)
    new_w, new_h = _expanded_size(inverse_affine_matrix(center, angle, translate, scale, shear), width, height)
    return ember.amin(moved, dim=0, keepdim=True), (new_h, new_w)


def affine(boxes, format, canvas_size, angle, translate, scale, shear, center=None, expand=False,
           clamping_mode="soft"):
    """Boxes after the affine warp: the bounding box of each warped box's corners (rotated boxes: the
    rectangle of their warped corners), clamped."""
    if boxes.numel() == 0:
        return boxes, canvas_size
    dtype = boxes.dtype
    rotated = is_rotated_bounding_format(format)
    between = F_.XYXYXYXY if rotated else F_.XYXY
    work = boxes.float() if not boxes.is_floating_point() else boxes.clone()
    corners = convert_format(work, format, between).reshape(-1, 8 if rotated else 4)
    center, vector = _forward_matrix(canvas_size, angle, translate, scale, shear, center)
    matrix = ember.tensor(vector, dtype=corners.dtype).reshape(2, 3).T
    points = corners.reshape(-1, 2) if rotated else corners[:, [[0, 1], [2, 1], [2, 3], [0, 3]]].reshape(-1, 2)
    points = ember.cat([points, ember.ones(points.shape[0], 1, dtype=corners.dtype)], dim=-1)
    moved = ember.matmul(points, matrix)
    if rotated:
        out = _rotated.parallelogram_to_rectangle(moved.reshape(-1, 8))
    else:
        moved = moved.reshape(-1, 4, 2)
        out = ember.cat([moved.amin(dim=1), moved.amax(dim=1)], dim=1)
    if expand:
        shift, canvas_size = _expand_shift(corners.dtype, matrix, canvas_size, center, angle, translate, scale, shear)
        out = out - shift.repeat((1, 4 if rotated else 2))
    out = clamp(out, between, canvas_size, clamping_mode)
    out = convert_format(out, between, format).reshape(boxes.shape)
    return out.to(dtype), canvas_size


def affine_keypoints(points, canvas_size, angle, translate, scale, shear, center=None, expand=False):
    if points.numel() == 0:
        return points, canvas_size
    work = points.clone() if points.is_floating_point() else points.float()
    center, vector = _forward_matrix(canvas_size, angle, translate, scale, shear, center)
    matrix = ember.tensor(vector, dtype=work.dtype).reshape(2, 3).T
    flat = work.reshape(-1, 2)
    moved = ember.matmul(ember.cat([flat, ember.ones(flat.shape[0], 1, dtype=work.dtype)], dim=-1), matrix)
    if expand:
        shift, canvas_size = _expand_shift(work.dtype, matrix, canvas_size, center, angle, translate, scale, shear)
        moved = moved - shift
    return moved.reshape(points.shape).to(points.dtype), canvas_size
