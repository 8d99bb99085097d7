"""Geometric warps of image tensors (affine, rotate, perspective, elastic) through ``F.grid_sample``.

Every warp builds a sampling grid in normalized coordinates and reads the image with
``grid_sample(align_corners=False, padding_mode='zeros')``, as torchvision does; a constant ``fill``
is blended in through an extra all-ones channel that marks where the image was read. Integer images
are warped in float32 and rounded back.
"""
import math
import warnings

import numpy as np

import ember
from ember._random.exact import fma32   # a * b + c rounded once, as the fused kernels do
from ember.nn import functional as F
from ember.vision.transforms._functional_tensor import _assert_image_tensor, get_dimensions


def _is_int_dtype(dtype):
    return dtype in (ember.uint8, ember.int8, ember.int16, ember.int32, ember.int64)


def _check_grid_inputs(img, matrix, interpolation, fill, coeffs=None):
    if not isinstance(img, ember.Tensor):
        raise TypeError("Input img should be Tensor")
    _assert_image_tensor(img)
    if matrix is not None and not isinstance(matrix, list):
        raise TypeError("Argument matrix should be a list")
    if matrix is not None and len(matrix) != 6:
        raise ValueError("Argument matrix should have 6 float values")
    if coeffs is not None and len(coeffs) != 8:
        raise ValueError("Argument coeffs should have 8 float values")
    if fill is not None and not isinstance(fill, (int, float, tuple, list)):
        warnings.warn("Argument fill should be either int, float, tuple or list")
    channels = get_dimensions(img)[0]
    if isinstance(fill, (tuple, list)) and len(fill) > 1 and len(fill) != channels:
        raise ValueError("The number of elements in 'fill' cannot broadcast to match the number of channels of the "
                         f"image ({len(fill)} != {channels})")
    if interpolation not in ("nearest", "bilinear"):
        raise ValueError(f"Interpolation mode '{interpolation}' is unsupported with Tensor input")


def _work_dtype(img):
    return img.dtype if img.is_floating_point() else ember.float32


def apply_grid(img, grid, mode, fill, fill_first=False):
    """Sample ``img`` ``[..., C, H, W]`` at ``grid`` (1, H', W', 2); outside points take ``fill``.

    ``fill_first`` blends as ``(x - fill) * mask + fill`` (the v2 transforms' arithmetic) rather than
    ``x * mask + (1 - mask) * fill``; the two round differently.
    """
    lead = tuple(img.shape[:-3]) if img.ndim >= 3 else None
    out_dtype = img.dtype
    x = img.reshape((-1,) + tuple(img.shape[-3:])) if img.ndim >= 3 else img.reshape((1, 1) + tuple(img.shape))
    if x.dtype != grid.dtype:
        x = x.to(grid.dtype)
    n = x.shape[0]
    if n > 1:
        grid = grid.expand(n, grid.shape[1], grid.shape[2], grid.shape[3])
    if fill is not None:
        x = ember.cat((x, ember.ones((n, 1) + tuple(x.shape[2:]), dtype=x.dtype, device=x.device)), dim=1)
    x = _sample(x, grid, mode)
    if fill is not None:
        mask = x[:, -1:].expand_as(x[:, :-1])
        x = x[:, :-1]
        values = list(fill) if isinstance(fill, (tuple, list)) else [float(fill)]
        fill_img = ember.tensor(values, dtype=x.dtype, device=x.device).view(1, len(values), 1, 1).expand_as(x)
        if mode == "nearest":
            x = ember.where(mask < 0.5, fill_img, x)
        elif fill_first:
            x = (x - fill_img) * mask + fill_img
        else:
            x = x * mask + (1.0 - mask) * fill_img
    x = x.reshape(lead + tuple(x.shape[1:])) if lead is not None else x.reshape(tuple(x.shape[2:]))
    if x.dtype != out_dtype:
        if _is_int_dtype(out_dtype):
            x = ember.round(x)
        x = x.to(out_dtype)
    return x


def _sample_float32(img, grid, mode):
    """grid_sample(zeros padding, align_corners=False) on float32 CPU arrays, rounding as PyTorch's CPU kernel.

    That kernel fuses the multiply-adds (unnormalizing the grid, summing the bilinear taps); doing the
    same keeps the results identical to the last bit, so that uint8 images round to the same values.
    """
    n, c, h, w = img.shape
    one, half = np.float32(1), np.float32(-0.5)
    gx, gy = grid[..., 0], grid[..., 1]                          # (n, oh, ow)
    x = fma32(gx + one, np.float32(w / 2), half)
    y = fma32(gy + one, np.float32(h / 2), half)
    batch = np.arange(n)[:, None, None]

    def tap(yy, xx):
        inside = (xx >= 0) & (xx <= w - 1) & (yy >= 0) & (yy <= h - 1)
        yi = np.clip(yy, 0, h - 1).astype(np.int64)
        xi = np.clip(xx, 0, w - 1).astype(np.int64)
        vals = img[batch, :, yi, xi]                             # (n, oh, ow, c)
        return np.where(inside[..., None], vals, np.float32(0))
    if mode == "nearest":
        out = tap(np.round(y), np.round(x))
    else:
        x0, y0 = np.floor(x), np.floor(y)
        fx, fy = x - x0, y - y0
        ex, sy = one - fx, one - fy
        out = tap(y0, x0) * (sy * ex)[..., None]
        for (yy, xx), weight in (((y0, x0 + 1), sy * fx), ((y0 + 1, x0), fy * ex), ((y0 + 1, x0 + 1), fy * fx)):
            out = fma32(tap(yy, xx), weight[..., None], out)
    return np.ascontiguousarray(out.transpose(0, 3, 1, 2))


def _sample(x, grid, mode):
    if x.dtype == ember.float32 and x.device.type == "cpu" and not (x.requires_grad or grid.requires_grad):
        grid_np = np.broadcast_to(grid.numpy(), (x.shape[0],) + tuple(grid.shape[1:]))
        return ember.from_numpy(_sample_float32(x.numpy(), grid_np, mode))
    return F.grid_sample(x, grid, mode=mode, padding_mode="zeros", align_corners=False)


def _affine_grid(theta, w, h, ow, oh):
    """Output pixel centres (relative to the output centre) mapped by ``theta`` and normalized by the input size.

    Unlike ``F.affine_grid`` the normalization happens after the matrix, so an output larger than the
    input (rotate with ``expand``) samples the right places.
    """
    xs = ember.linspace(-ow * 0.5 + 0.5, ow * 0.5 - 0.5, steps=ow).to(theta.dtype)
    ys = ember.linspace(-oh * 0.5 + 0.5, oh * 0.5 - 0.5, steps=oh).to(theta.dtype)
    base = ember.stack((xs.expand(oh, ow), ys.unsqueeze(-1).expand(oh, ow),
                        ember.ones((oh, ow), dtype=theta.dtype)), dim=-1)
    scaled = theta.transpose(1, 2) / ember.tensor([0.5 * w, 0.5 * h], dtype=theta.dtype)
    return base.view(1, oh * ow, 3).bmm(scaled).view(1, oh, ow, 2)


def affine(img, matrix, interpolation="nearest", fill=None, fill_first=False):
    """Warp by the inverse affine ``matrix`` (6 floats, centred coordinates), keeping the size."""
    _check_grid_inputs(img, matrix, interpolation, fill)
    theta = ember.tensor(matrix, dtype=_work_dtype(img), device=img.device).reshape(1, 2, 3)
    grid = _affine_grid(theta, w=img.shape[-1], h=img.shape[-2], ow=img.shape[-1], oh=img.shape[-2])
    return apply_grid(img, grid, interpolation, fill, fill_first)


def _expanded_size(matrix, w, h):
    """(w, h) of the box holding the whole image after ``matrix`` (Pillow's rule for ``expand``)."""
    corners = np.array([[-0.5 * w, -0.5 * h, 1.0], [-0.5 * w, 0.5 * h, 1.0], [0.5 * w, 0.5 * h, 1.0],
                        [0.5 * w, -0.5 * h, 1.0]], dtype=np.float32)
    moved = corners @ np.array(matrix, dtype=np.float32).reshape(2, 3).T
    shift = np.array([w * 0.5, h * 0.5], dtype=np.float32)
    lo, hi = moved.min(axis=0) + shift, moved.max(axis=0) + shift
    tol = np.float32(1e-4)  # drop rounding noise so that e.g. 1e-15 does not ceil to a whole pixel
    size = np.ceil(np.trunc(hi / tol) * tol) - np.floor(np.trunc(lo / tol) * tol)
    return int(size[0]), int(size[1])


def rotate(img, matrix, interpolation="nearest", expand=False, fill=None, fill_first=False):
    """Rotate by the inverse matrix; ``expand`` grows the output to hold the whole image."""
    _check_grid_inputs(img, matrix, interpolation, fill)
    w, h = img.shape[-1], img.shape[-2]
    ow, oh = _expanded_size(matrix, w, h) if expand else (w, h)
    theta = ember.tensor(matrix, dtype=_work_dtype(img), device=img.device).reshape(1, 2, 3)
    return apply_grid(img, _affine_grid(theta, w=w, h=h, ow=ow, oh=oh), interpolation, fill, fill_first)


def perspective(img, perspective_coeffs, interpolation="bilinear", fill=None):
    """Warp by the 8 perspective coefficients (output pixel -> input pixel, as Pillow's PERSPECTIVE)."""
    if not isinstance(img, ember.Tensor):
        raise TypeError("Input img should be Tensor.")
    _assert_image_tensor(img)
    _check_grid_inputs(img, None, interpolation, fill, coeffs=perspective_coeffs)
    ow, oh = img.shape[-1], img.shape[-2]
    dtype = _work_dtype(img)
    c = perspective_coeffs
    theta1 = ember.tensor([[[c[0], c[1], c[2]], [c[3], c[4], c[5]]]], dtype=dtype)
    theta2 = ember.tensor([[[c[6], c[7], 1.0], [c[6], c[7], 1.0]]], dtype=dtype)
    xs = ember.linspace(0.5, ow - 0.5, steps=ow).to(dtype)
    ys = ember.linspace(0.5, oh - 0.5, steps=oh).to(dtype)
    base = ember.stack((xs.expand(oh, ow), ys.unsqueeze(-1).expand(oh, ow), ember.ones((oh, ow), dtype=dtype)),
                       dim=-1).view(1, oh * ow, 3)
    num = base.bmm(theta1.transpose(1, 2) / ember.tensor([0.5 * ow, 0.5 * oh], dtype=dtype))
    den = base.bmm(theta2.transpose(1, 2))
    grid = (num / den - 1.0).view(1, oh, ow, 2)
    return apply_grid(img, grid.to(img.device), interpolation, fill)


def elastic_transform(img, displacement, interpolation="bilinear", fill=None):
    """Read each pixel at its own position plus ``displacement`` (1, H, W, 2, normalized units)."""
    if not isinstance(img, ember.Tensor):
        raise TypeError(f"img should be Tensor. Got {type(img)}")
    h, w = img.shape[-2], img.shape[-1]
    ys = ember.linspace((-h + 1) / h, (h - 1) / h, h)
    xs = ember.linspace((-w + 1) / w, (w - 1) / w, w)
    identity = ember.stack((xs.expand(h, w), ys.unsqueeze(-1).expand(h, w)), dim=-1).unsqueeze(0)
    return apply_grid(img, identity.to(img.device) + displacement.to(img.device), interpolation, fill)


def inverse_affine_matrix(center, angle, translate, scale, shear, inverted=True):
    """The 2x3 affine matrix (row-major, 6 floats) of rotation ``angle`` (degrees), ``scale`` and
    ``shear`` (degrees, x then y) about ``center``, then ``translate``; inverted (output -> input) by default.
    """
    rot = math.radians(angle)
    sx, sy = math.radians(shear[0]), math.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    # rotation * shear_y * shear_x, without the scale; its determinant is 1
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    if inverted:
        m = [x / scale for x in (d, -b, 0.0, -c, a, 0.0)]
        m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty)
        m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty)
        m[2] += cx
        m[5] += cy
    else:
        m = [x * scale for x in (a, b, 0.0, c, d, 0.0)]
        m[2] += m[0] * (-cx) + m[1] * (-cy)
        m[5] += m[3] * (-cx) + m[4] * (-cy)
        m[2] += cx + tx
        m[5] += cy + ty
    return m


def perspective_coeffs(startpoints, endpoints):
    """The 8 coefficients mapping ``endpoints`` (output corners) to ``startpoints`` (input corners)."""
    if len(startpoints) != 4 or len(endpoints) != 4:
        raise ValueError(f"Please provide exactly four corners, got {len(startpoints)} startpoints and "
                         f"{len(endpoints)} endpoints.")
    a = np.zeros((8, 8), dtype=np.float64)
    for i, (p1, p2) in enumerate(zip(endpoints, startpoints)):
        a[2 * i] = [p1[0], p1[1], 1, 0, 0, 0, -p2[0] * p1[0], -p2[0] * p1[1]]
        a[2 * i + 1] = [0, 0, 0, p1[0], p1[1], 1, -p2[1] * p1[0], -p2[1] * p1[1]]
    b = np.asarray(startpoints, dtype=np.float64).reshape(8)
    # a QR solve in float64 (LAPACK's gels, as torchvision), then float32 values as torchvision returns them
    q, r = np.linalg.qr(a)
    rhs = q.T @ b
    x = np.zeros(8)
    for k in range(7, -1, -1):
        x[k] = (rhs[k] - r[k, k + 1:] @ x[k + 1:]) / r[k, k]
    return [float(v) for v in x.astype(np.float32)]
