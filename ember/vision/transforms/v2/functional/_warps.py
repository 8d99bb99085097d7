"""v2 perspective and elastic warps: images and videos are resampled, masks with nearest neighbours,
and the corners of bounding boxes and key points are moved by the same warp."""
import ember
from ember.vision._pil import pil_image
from ember.vision.transforms import _grid
from ember.vision.transforms.functional import (InterpolationMode, _parse_fill, pil_modes_mapping, pil_to_tensor,
                                                to_pil_image)
from ember.vision.transforms.v2.functional import _boxes
from ember.vision.transforms.v2.functional._dispatch import dispatch, with_channel
from ember.vision.transforms.v2.functional._geometry import _mode, _tensor_fill
from ember.vision.transforms.v2.functional._rotated import parallelogram_to_rectangle
from ember.vision.tv_tensors import BoundingBoxFormat, is_rotated_bounding_format


def _coefficients(startpoints, endpoints, coefficients):
    if coefficients is not None:
        if startpoints is not None and endpoints is not None:
            raise ValueError("The startpoints/endpoints and the coefficients shouldn't be defined concurrently.")
        if len(coefficients) != 8:
            raise ValueError("Argument coefficients should have 8 float values")
        return list(coefficients)
    if startpoints is not None and endpoints is not None:
        return _grid.perspective_coeffs(startpoints, endpoints)
    raise ValueError("Either the startpoints/endpoints or the coefficients must have non `None` values.")


def _work_dtype(t):
    return t.dtype if t.is_floating_point() else ember.float32


def _perspective_grid(c, ow, oh, dtype):
    # each output pixel centre (x, y) reads the input at ((c0 x + c1 y + c2) / (c6 x + c7 y + 1), ...),
    # expressed in grid_sample's normalized coordinates
    theta1 = ember.tensor([[c[0], c[1], c[2]], [c[3], c[4], c[5]]], dtype=dtype)
    theta2 = ember.tensor([[c[6], c[7], 1.0], [c[6], c[7], 1.0]], dtype=dtype)
    xs = ember.linspace(0.5, ow - 0.5, steps=ow, dtype=dtype)
    ys = ember.linspace(0.5, oh - 0.5, steps=oh, dtype=dtype)
    base = ember.stack((xs.expand(oh, ow), ys.unsqueeze(-1).expand(oh, ow), ember.ones((oh, ow), dtype=dtype)),
                       dim=-1).view(1, oh * ow, 3)
    num = base.bmm((theta1.T / ember.tensor([0.5 * ow, 0.5 * oh], dtype=dtype)).unsqueeze(0))
    den = base.bmm(theta2.T.unsqueeze(0))
    return (num / den - 1.0).view(1, oh, ow, 2)


def _warp(img, grid, interpolation, fill):
    if img.numel() == 0:
        return img
    return _grid.apply_grid(img, grid.to(img.device), interpolation.value, _tensor_fill(fill, img.shape[-3]),
                            fill_first=True)


def _inverse_thetas(c, dtype, what):
    """The matrices of the forward map (input -> output) from the coefficients of the output -> input one."""
    denom = c[0] * c[4] - c[1] * c[3]
    if denom == 0:
        raise RuntimeError(f"Provided perspective_coeffs {c} can not be inverted to transform {what}. "
                           f"Denominator is zero, denom={denom}")
    inv = [(c[4] - c[5] * c[7]) / denom, (-c[1] + c[2] * c[7]) / denom, (c[1] * c[5] - c[2] * c[4]) / denom,
           (-c[3] + c[5] * c[6]) / denom, (c[0] - c[2] * c[6]) / denom, (-c[0] * c[5] + c[2] * c[3]) / denom,
           (-c[4] * c[6] + c[3] * c[7]) / denom, (-c[0] * c[7] + c[1] * c[6]) / denom]
    theta1 = ember.tensor([inv[0:3], inv[3:6]], dtype=dtype)
    theta2 = ember.tensor([[inv[6], inv[7], 1.0], [inv[6], inv[7], 1.0]], dtype=dtype)
    return theta1, theta2


def _project(points, theta1, theta2):
    homogeneous = ember.cat([points, ember.ones(points.shape[0], 1, dtype=points.dtype)], dim=-1)
    return ember.matmul(homogeneous, theta1.T) / ember.matmul(homogeneous, theta2.T)


def _corners_to_boxes(points):
    corners = points.reshape(-1, 4, 2)
    return ember.cat([corners.amin(dim=1), corners.amax(dim=1)], dim=1)


def _box_corners(xyxy):
    return xyxy[:, [[0, 1], [2, 1], [2, 3], [0, 3]]].reshape(-1, 2)


def _finish_boxes(out, between, format, canvas_size, clamping_mode, shape, dtype):
    out = _boxes.clamp(out, between, canvas_size, clamping_mode)
    return _boxes.convert_format(out, between, format).reshape(shape).to(dtype)


def perspective(inpt, startpoints, endpoints, interpolation=InterpolationMode.BILINEAR, fill=None,
                coefficients=None):
    """Warp by a perspective transform (four ``startpoints`` corners to ``endpoints``, or the 8
    ``coefficients`` mapping output pixels to input pixels); boxes become the bounds of their warped
    corners, clamped to the canvas.

    Example:
        >>> from ember.vision.transforms.v2 import functional as F
        >>> from ember.vision import tv_tensors
        >>> kp = tv_tensors.KeyPoints([[1.0, 1.0]], canvas_size=(4, 4))
        >>> F.perspective(kp, None, None, coefficients=[1, 0, -1, 0, 1, 0, 0, 0]).tolist()
        [[2.0, 1.0]]
    """
    coeffs = _coefficients(startpoints, endpoints, coefficients)
    interpolation = _mode(interpolation)

    def image(img):
        if not isinstance(img, ember.Tensor):
            return img.transform(img.size, pil_image().PERSPECTIVE, coeffs, pil_modes_mapping[interpolation],
                                 **_parse_fill(fill, img))
        _grid._check_grid_inputs(img, None, interpolation.value, fill, coeffs=coeffs)
        return _warp(img, _perspective_grid(coeffs, img.shape[-1], img.shape[-2], _work_dtype(img)),
                     interpolation, fill)

    def mask(m):
        grid = _perspective_grid(coeffs, m.shape[-1], m.shape[-2], _work_dtype(m))
        return with_channel(lambda x: _warp(x, grid, InterpolationMode.NEAREST, fill))(m)

    def boxes(b, format, canvas_size, clamping_mode):
        if b.numel() == 0:
            return b, canvas_size
        rotated = is_rotated_bounding_format(format)
        between = BoundingBoxFormat.XYXYXYXY if rotated else BoundingBoxFormat.XYXY
        corners = _boxes.convert_format(b, format, between).reshape(-1, 8 if rotated else 4)
        dtype = _work_dtype(corners)
        theta1, theta2 = _inverse_thetas(coeffs, dtype, "bounding boxes")
        points = corners.reshape(-1, 2) if rotated else _box_corners(corners)
        moved = _project(points.to(dtype), theta1, theta2)
        out = parallelogram_to_rectangle(moved.reshape(-1, 8)) if rotated else _corners_to_boxes(moved)
        return _finish_boxes(out, between, format, canvas_size, clamping_mode, b.shape, b.dtype), canvas_size

    def keypoints(k, canvas_size):
        if k.numel() == 0:
            return k, canvas_size
        dtype = _work_dtype(k)
        theta1, theta2 = _inverse_thetas(coeffs, dtype, "keypoints")
        return _project(k.reshape(-1, 2).to(dtype), theta1, theta2).to(k.dtype).reshape(k.shape), canvas_size
    return dispatch(inpt, "perspective", image=image, mask=mask, boxes=boxes, keypoints=keypoints)


def _identity_grid(height, width, dtype):
    xs = ember.linspace((-width + 1) / width, (width - 1) / width, width, dtype=dtype)
    ys = ember.linspace((-height + 1) / height, (height - 1) / height, height, dtype=dtype)
    return ember.stack((xs.expand(height, width), ys.unsqueeze(-1).expand(height, width)), dim=-1).unsqueeze(0)


def _check_displacement(displacement, height, width):
    if not isinstance(displacement, ember.Tensor):
        raise TypeError("Argument displacement should be a Tensor")
    expected = (1, height, width, 2)
    if tuple(displacement.shape) != expected:
        raise ValueError(f"Argument displacement shape should be {expected}, but given {displacement.shape}")


def _inverse_lookup(points, canvas_size, displacement, dtype):
    """Where the (approximately inverted) elastic warp sends each integer point: the identity grid minus
    the displacement, read at the point's pixel and turned back into pixel coordinates."""
    inverse = _identity_grid(canvas_size[0], canvas_size[1], dtype) - displacement.to(dtype)
    index = points.to(ember.int64)
    xi = index[:, 0].clamp(0, canvas_size[1] - 1)
    yi = index[:, 1].clamp(0, canvas_size[0] - 1)
    size = ember.tensor([canvas_size[1], canvas_size[0]], dtype=dtype)
    return (inverse[0, yi, xi, :] + 1) * (0.5 * size) - 0.5


def elastic(inpt, displacement, interpolation=InterpolationMode.BILINEAR, fill=None):
    """Move every pixel by ``displacement`` ``[1, H, W, 2]`` (normalized units, x then y). Boxes and
    key points are moved by the approximate inverse (identity minus displacement) at their corners.

    Example:
        >>> from ember.vision.transforms.v2 import functional as F
        >>> F.elastic(ember.arange(3.0).view(1, 1, 3), ember.zeros(1, 1, 3, 2))
        tensor([[[0., 1., 2.]]])
    """
    interpolation = _mode(interpolation)

    def image(img):
        if not isinstance(img, ember.Tensor):
            return to_pil_image(image(pil_to_tensor(img)), mode=img.mode)
        height, width = img.shape[-2:]
        _check_displacement(displacement, height, width)
        dtype = _work_dtype(img)
        half = dtype == ember.float16
        if half:  # grid sampling of float16 on the CPU goes through float32
            img, dtype = img.float(), ember.float32
        out = _warp(img, _identity_grid(height, width, dtype) + displacement.to(dtype), interpolation, fill)
        return out.half() if half else out

    def mask(m):
        return with_channel(lambda x: elastic(x, displacement, InterpolationMode.NEAREST, fill))(m)

    def boxes(b, format, canvas_size, clamping_mode):
        _check_displacement(displacement, *canvas_size)
        if b.numel() == 0:
            return b, canvas_size
        rotated = is_rotated_bounding_format(format)
        # rotated boxes move their centre and keep their size and angle
        between = BoundingBoxFormat.CXCYWHR if rotated else BoundingBoxFormat.XYXY
        dtype = _work_dtype(b)
        converted = _boxes.convert_format(b.clone(), format, between).reshape(-1, 5 if rotated else 4)
        points = converted[:, :2] if rotated else _box_corners(converted)
        if points.is_floating_point():
            points = points.ceil()
        moved = _inverse_lookup(points, canvas_size, displacement, dtype)
        if rotated:
            out = ember.cat([moved.reshape(-1, 2), converted[:, 2:]], dim=1).to(b.dtype)
        else:
            out = _corners_to_boxes(moved).to(b.dtype)
        return _finish_boxes(out, between, format, canvas_size, clamping_mode, b.shape, b.dtype), canvas_size

    def keypoints(k, canvas_size):
        _check_displacement(displacement, *canvas_size)
        if k.numel() == 0:
            return k, canvas_size
        moved = _inverse_lookup(k.reshape(-1, 2), canvas_size, displacement, _work_dtype(k))
        return moved.to(k.dtype).reshape(k.shape), canvas_size
    return dispatch(inpt, "elastic", image=image, mask=mask, boxes=boxes, keypoints=keypoints)


elastic_transform = elastic
