"""v2 geometric functionals: each transforms images, videos, masks, bounding boxes and key points."""
import numbers

import ember
from ember.vision.transforms import _grid
from ember.vision.transforms import functional as F1
from ember.vision.transforms._functional_tensor import _parse_pad_padding
from ember.vision.transforms.functional import InterpolationMode, _compute_resized_output_size
from ember.vision.transforms.v2.functional import _boxes
from ember.vision.transforms.v2.functional._dispatch import dispatch, with_channel
from ember.vision.transforms.v2.functional._uint8_resize import resize_uint8


def _mode(interpolation):
    if isinstance(interpolation, str):
        return InterpolationMode(interpolation)
    if isinstance(interpolation, int):
        return F1._interpolation_modes_from_int(interpolation)
    return interpolation


def horizontal_flip(inpt):
    """Mirror left-right (boxes and key points are mirrored on their canvas)."""
    return dispatch(inpt, "horizontal_flip", image=F1.hflip, mask=F1.hflip,
                    boxes=lambda b, f, c, mode: (_boxes.hflip(b, f, c), c),
                    keypoints=lambda k, c: (_flip_points(k, 0, c[1]), c))


def vertical_flip(inpt):
    """Mirror top-bottom."""
    return dispatch(inpt, "vertical_flip", image=F1.vflip, mask=F1.vflip,
                    boxes=lambda b, f, c, mode: (_boxes.vflip(b, f, c), c),
                    keypoints=lambda k, c: (_flip_points(k, 1, c[0]), c))


hflip, vflip = horizontal_flip, vertical_flip


def _flip_points(points, axis, extent):
    out = points.clone().reshape(-1, 2)
    out[..., axis] = (extent - 1) - out[..., axis]
    return out.reshape(points.shape)


def _new_size(canvas_size, size, max_size):
    if size is None:  # only max_size: the longer edge becomes max_size, keeping the aspect ratio
        if not isinstance(max_size, int):
            raise ValueError(f"max_size must be an integer when size is None, but got {max_size} instead.")
        h, w = canvas_size
        short, long = (w, h) if w <= h else (h, w)
        new_short = int(max_size * short / long)
        return [max_size, new_short] if w <= h else [new_short, max_size]
    if isinstance(size, int):
        size = [size]
    return _compute_resized_output_size(canvas_size, size, max_size)


def resize(inpt, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize images (any interpolation), masks (nearest) and the coordinates of boxes and key points."""
    interpolation = _mode(interpolation)

    def image(img):
        if isinstance(img, ember.Tensor):
            new = _new_size(tuple(img.shape[-2:]), size, max_size)
            if (img.dtype == ember.uint8 and img.device.type == "cpu" and list(img.shape[-2:]) != new and
                    interpolation in (InterpolationMode.BILINEAR, InterpolationMode.BICUBIC)):
                # uint8 images are resized in fixed point, as PyTorch's CPU kernel does for v2
                out = resize_uint8(img.numpy(), new[0], new[1], interpolation.value, bool(antialias))
                return ember.from_numpy(out)
            return F1.resize(img, new, interpolation, antialias=antialias)
        new = _new_size((img.size[1], img.size[0]), size, max_size)
        return F1.resize(img, new, interpolation)

    def mask(m):
        new = _new_size(tuple(m.shape[-2:]), size, max_size)
        mode = interpolation if interpolation in (InterpolationMode.NEAREST, InterpolationMode.NEAREST_EXACT) \
            else InterpolationMode.NEAREST
        return with_channel(lambda x: F1.resize(x, new, mode))(m)

    def boxes(b, f, c, mode):
        new = tuple(_new_size(c, size, max_size))
        return _boxes.resize(b, f, c, new, mode), new

    def keypoints(k, c):
        new = tuple(_new_size(c, size, max_size))
        if new == tuple(c):
            return k, c
        ratios = ember.tensor([new[1] / c[1], new[0] / c[0]], device=k.device)
        return k.mul(ratios).to(k.dtype), new
    return dispatch(inpt, "resize", image=image, mask=mask, boxes=boxes, keypoints=keypoints)


def crop(inpt, top, left, height, width):
    """The ``height x width`` window at (top, left); boxes are shifted and clamped to it."""
    def image(img):
        return F1.crop(img, top, left, height, width)
    return dispatch(inpt, "crop", image=image, mask=image,
                    boxes=lambda b, f, c, mode: _boxes.crop(b, f, top, left, height, width, mode),
                    keypoints=lambda k, c: (k - ember.tensor([left, top], dtype=k.dtype, device=k.device),
                                            (height, width)))


def _crop_anchor(output_size, canvas_size):
    if isinstance(output_size, numbers.Number):
        output_size = (int(output_size), int(output_size))
    elif isinstance(output_size, (tuple, list)) and len(output_size) == 1:
        output_size = (output_size[0], output_size[0])
    crop_h, crop_w = output_size
    return int(round((canvas_size[0] - crop_h) / 2.0)), int(round((canvas_size[1] - crop_w) / 2.0)), crop_h, crop_w


def center_crop(inpt, output_size):
    """The central ``output_size`` window (zero-padded where the image is smaller)."""
    def boxes(b, f, c, mode):
        top, left, h, w = _crop_anchor(output_size, c)
        return _boxes.crop(b, f, top, left, h, w, mode)

    def keypoints(k, c):
        top, left, h, w = _crop_anchor(output_size, c)
        return k - ember.tensor([left, top], dtype=k.dtype, device=k.device), (h, w)
    return dispatch(inpt, "center_crop", image=lambda img: F1.center_crop(img, output_size),
                    mask=with_channel(lambda m: F1.center_crop(m, output_size)), boxes=boxes, keypoints=keypoints)


def resized_crop(inpt, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR, antialias=True):
    """:func:`crop` then :func:`resize` to ``size``."""
    return resize(crop(inpt, top, left, height, width), size, interpolation=interpolation, antialias=antialias)


def pad(inpt, padding, fill=None, padding_mode="constant"):
    """Pad the borders; boxes and key points move by the left/top padding."""
    def boxes(b, f, c, mode):
        if padding_mode != "constant":
            raise ValueError(f"Padding mode '{padding_mode}' is not supported with bounding boxes")
        return _boxes.pad(b, f, c, padding, mode)

    def keypoints(k, c):
        if padding_mode != "constant":
            raise ValueError(f"Padding mode '{padding_mode}' is not supported with KeyPoints (supported modes are "
                             "constant)")
        left, right, top, bottom = _parse_pad_padding(padding)
        return (k + ember.tensor([left, top], dtype=k.dtype, device=k.device),
                (c[0] + top + bottom, c[1] + left + right))
    def image(img):
        if not isinstance(img, ember.Tensor):
            return F1.pad(img, padding, 0 if fill is None else fill, padding_mode)
        return _pad_tensor(img, padding, fill, padding_mode)
    return dispatch(inpt, "pad", image=image, mask=with_channel(lambda m: _pad_tensor(m, padding, fill, padding_mode)),
                    boxes=boxes, keypoints=keypoints)


def _check_padding(padding):
    if isinstance(padding, (tuple, list)):
        if len(padding) not in (1, 2, 4):
            raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple or list. Found {len(padding)}")
    elif not isinstance(padding, int):
        raise TypeError(f"`padding` should be an integer or tuple or list of integers, but got {padding}")


def _pad_tensor(img, padding, fill, padding_mode):
    """Pad a tensor image or mask; ``fill`` may hold one value per channel (constant mode only)."""
    _check_padding(padding)
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError(f"`padding_mode` should be either `'constant'`, `'edge'`, `'reflect'` or `'symmetric'`, "
                         f"but got `'{padding_mode}'`.")
    if fill is None:
        fill = 0
    if isinstance(fill, (list, tuple)) and len(fill) == 1:
        fill = fill[0]
    if isinstance(fill, (int, float)):
        return F1.pad(img, padding, fill, padding_mode)
    if padding_mode != "constant":
        raise ValueError(f"Padding mode '{padding_mode}' is not supported if fill is not scalar")
    # pad with zeros, then paint each channel's border with its own value
    out = F1.pad(img, padding, 0, padding_mode)
    left, right, top, bottom = _parse_pad_padding(padding)
    value = ember.tensor(list(fill), dtype=img.dtype, device=img.device).reshape(-1, 1, 1)
    if top > 0:
        out[..., :top, :] = value
    if bottom > 0:
        out[..., -bottom:, :] = value
    if left > 0:
        out[..., :, :left] = value
    if right > 0:
        out[..., :, -right:] = value
    return out


def _tensor_fill(fill, channels):
    if fill is None:
        return None
    if isinstance(fill, (int, float)):
        return [float(fill)] * channels
    return [float(f) for f in fill]


def _warp_image(img, matrix, interpolation, fill, expand=None):
    if not isinstance(img, ember.Tensor):
        return None
    tfill = _tensor_fill(fill, img.shape[-3])
    if expand is None:
        return _grid.affine(img, matrix, interpolation.value, tfill, fill_first=True)
    return _grid.rotate(img, matrix, interpolation.value, expand, tfill, fill_first=True)


def _centre(center, img_shape):
    if center is None:
        return [0.0, 0.0]
    return [c - s * 0.5 for c, s in zip(center, [img_shape[-1], img_shape[-2]])]


def affine(inpt, angle, translate, scale, shear, interpolation=InterpolationMode.NEAREST, fill=None, center=None):
    """Rotate, scale, shear about ``center`` and translate; boxes become the bounding boxes of their
    warped corners, clamped to the canvas."""
    interpolation = _mode(interpolation)
    shear = [shear, 0.0] if isinstance(shear, numbers.Number) else list(shear)
    if len(shear) == 1:
        shear = [shear[0], shear[0]]

    def image(img):
        if not isinstance(img, ember.Tensor):
            return F1.affine(img, angle, list(translate), scale, shear, interpolation, fill, center)
        matrix = _grid.inverse_affine_matrix(_centre(center, img.shape), float(angle), [float(t) for t in translate],
                                             scale, shear)
        return _warp_image(img, matrix, interpolation, fill)

    def mask(m):
        matrix = _grid.inverse_affine_matrix(_centre(center, m.shape), float(angle), [float(t) for t in translate],
                                             scale, shear)
        return with_channel(lambda x: _warp_image(x, matrix, InterpolationMode.NEAREST, fill))(m)
    return dispatch(inpt, "affine", image=image, mask=mask,
                    boxes=lambda b, f, c, mode: _boxes.affine(b, f, c, angle, translate, scale, shear, center,
                                                              clamping_mode=mode),
                    keypoints=lambda k, c: _boxes.affine_keypoints(k, c, angle, translate, scale, shear, center))


def rotate(inpt, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=None):
    """Rotate counter-clockwise by ``angle`` degrees (boxes: bounding boxes of the rotated corners)."""
    interpolation = _mode(interpolation)

    def matrix_for(shape):
        return _grid.inverse_affine_matrix(_centre(center, shape), -float(angle), [0.0, 0.0], 1.0, [0.0, 0.0])

    def image(img):
        if not isinstance(img, ember.Tensor):
            return F1.rotate(img, angle, interpolation, expand, center, fill)
        return _warp_image(img, matrix_for(img.shape), interpolation, fill, expand=expand)

    def mask(m):
        return with_channel(lambda x: _warp_image(x, matrix_for(x.shape), InterpolationMode.NEAREST, fill,
                                                  expand=expand))(m)
    return dispatch(inpt, "rotate", image=image, mask=mask,
                    boxes=lambda b, f, c, mode: _boxes.affine(b, f, c, -angle, [0.0, 0.0], 1.0, [0.0, 0.0], center,
                                                              expand=expand, clamping_mode=mode),
                    keypoints=lambda k, c: _boxes.affine_keypoints(k, c, -angle, [0.0, 0.0], 1.0, [0.0, 0.0], center,
                                                                   expand=expand))
