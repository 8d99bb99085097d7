"""v2 housekeeping of boxes and key points: finding the valid ones (sanitize_*) and clamping key
points to their canvas."""
import ember
from ember.vision.transforms.v2.functional._boxes import _format, convert_format
from ember.vision.transforms.v2.functional._dispatch import is_pure_tensor
from ember.vision.tv_tensors import BoundingBoxes, BoundingBoxFormat, KeyPoints, is_rotated_bounding_format, wrap


def valid_boxes_mask(boxes, format, canvas_size, min_size=1.0, min_area=1.0):
    """Which boxes are at least ``min_size`` wide and high, ``min_area`` large, and inside the canvas."""
    rotated = is_rotated_bounding_format(format)
    pts = convert_format(boxes, format, BoundingBoxFormat.XYXYXYXY if rotated else BoundingBoxFormat.XYXY)
    image_h, image_w = canvas_size
    if rotated:  # side lengths of the rectangle from its corners
        ws = ((pts[..., 0] - pts[..., 2]).pow(2) + (pts[..., 1] - pts[..., 3]).pow(2)).sqrt()
        hs = ((pts[..., 3] - pts[..., 5]).pow(2) + (pts[..., 4] - pts[..., 6]).pow(2)).sqrt()
    else:
        ws, hs = pts[:, 2] - pts[:, 0], pts[:, 3] - pts[:, 1]
    valid = (ws >= min_size) & (hs >= min_size) & (pts >= 0).all(dim=-1) & (ws * hs >= min_area)
    valid &= (pts[:, 0] <= image_w) & (pts[:, 2] <= image_w)
    valid &= (pts[:, 1] <= image_h) & (pts[:, 3] <= image_h)
    if rotated:
        valid &= (pts[..., 4] <= image_w) & (pts[..., 5] <= image_h)
        valid &= (pts[..., 6] <= image_w) & (pts[..., 7] <= image_h)
    return valid


def valid_keypoints_mask(points, canvas_size):
    """Which key points (or groups of them, along the first dimension) lie inside the canvas."""
    h, w = canvas_size
    x, y = points[..., 0], points[..., 1]
    valid = (x >= 0) & (x < w) & (y >= 0) & (y < h)
    return valid.flatten(start_dim=1).all(dim=1) if valid.ndim > 1 else valid


def sanitize_bounding_boxes(bounding_boxes, format=None, canvas_size=None, min_size=1.0, min_area=1.0):
    """The valid boxes (see :class:`~ember.vision.transforms.v2.SanitizeBoundingBoxes`) and the boolean
    mask that selects them, to index the labels that go with the boxes.

    Example:
        >>> from ember.vision.transforms.v2 import functional as F
        >>> boxes, valid = F.sanitize_bounding_boxes(ember.tensor([[0, 0, 2, 2], [1, 1, 1, 3]]), format="XYXY",
        ...                                          canvas_size=(4, 4))
        >>> boxes.tolist(), valid.tolist()
        ([[0, 0, 2, 2]], [True, False])
    """
    if is_pure_tensor(bounding_boxes):
        if format is None or canvas_size is None:
            raise ValueError("format and canvas_size cannot be None if bounding_boxes is a pure tensor. "
                             f"Got format={format} and canvas_size={canvas_size}.Set those to appropriate values or "
                             "pass bounding_boxes as a tv_tensors.BoundingBoxes object.")
        valid = valid_boxes_mask(bounding_boxes, _format(format), canvas_size, min_size, min_area)
        return bounding_boxes[valid], valid
    if not isinstance(bounding_boxes, BoundingBoxes):
        raise ValueError("bounding_boxes must be a tv_tensors.BoundingBoxes instance or a pure tensor.")
    if format is not None or canvas_size is not None:
        raise ValueError("format and canvas_size must be None when bounding_boxes is a tv_tensors.BoundingBoxes "
                         f"instance. Got format={format} and canvas_size={canvas_size}. Leave those to None or pass "
                         "bounding_boxes as a pure tensor.")
    plain = bounding_boxes.as_subclass(ember.Tensor)
    valid = valid_boxes_mask(plain, bounding_boxes.format, bounding_boxes.canvas_size, min_size, min_area)
    return wrap(plain[valid], like=bounding_boxes), valid


def sanitize_keypoints(key_points, canvas_size=None):
    """The key points (or groups of them) inside the canvas, and the boolean mask that selects them.

    Example:
        >>> from ember.vision.transforms.v2 import functional as F
        >>> points, valid = F.sanitize_keypoints(ember.tensor([[1.0, 1.0], [5.0, 0.0]]), canvas_size=(4, 4))
        >>> points.tolist(), valid.tolist()
        ([[1.0, 1.0]], [True, False])
    """
    if is_pure_tensor(key_points):
        if canvas_size is None:
            raise ValueError("canvas_size cannot be None if key_points is a pure tensor. Set it to an appropriate "
                             "value or pass key_points as a tv_tensors.KeyPoints object.")
        valid = valid_keypoints_mask(key_points, canvas_size)
        return key_points[valid], valid
    if not isinstance(key_points, KeyPoints):
        raise ValueError("key_points must be a tv_tensors.KeyPoints instance or a pure tensor.")
    if canvas_size is not None:
        raise ValueError(f"canvas_size must be None when key_points is a tv_tensors.KeyPoints instance. Got "
                         f"canvas_size={canvas_size}. Leave it to None or pass key_points as a pure tensor.")
    plain = key_points.as_subclass(ember.Tensor)
    valid = valid_keypoints_mask(plain, key_points.canvas_size)
    return wrap(plain[valid], like=key_points), valid


def _clamp_points(points, canvas_size):
    dtype = points.dtype
    out = points.clone() if points.is_floating_point() else points.float()
    # key points are pixel positions, so the last valid one is size - 1 (boxes' corners may reach size)
    out[..., 0] = out[..., 0].clamp(min=0, max=canvas_size[1] - 1)
    out[..., 1] = out[..., 1].clamp(min=0, max=canvas_size[0] - 1)
    return out.to(dtype)


def clamp_keypoints(inpt, canvas_size=None):
    """Key points moved onto the nearest pixel of their canvas.

    Example:
        >>> from ember.vision.transforms.v2 import functional as F
        >>> F.clamp_keypoints(ember.tensor([[-1.0, 2.0], [9.0, 9.0]]), canvas_size=(4, 5)).tolist()
        [[0.0, 2.0], [4.0, 3.0]]
    """
    if is_pure_tensor(inpt):
        if canvas_size is None:
            raise ValueError("For pure tensor inputs, `canvas_size` has to be passed.")
        return _clamp_points(inpt, canvas_size)
    if isinstance(inpt, KeyPoints):
        if canvas_size is not None:
            raise ValueError("For keypoints tv_tensor inputs, `canvas_size` must not be passed.")
        return wrap(_clamp_points(inpt.as_subclass(ember.Tensor), inpt.canvas_size), like=inpt)
    raise TypeError(f"Input can either be a plain tensor or a keypoints tv_tensor, but got {type(inpt)} instead.")
