"""The per-kind kernels of the v2 functionals (``resize_image``, ``resize_mask``,
``resize_bounding_boxes``, ...): plain tensors in, plain tensors out, with the metadata as arguments,
as torchvision exposes them. Each runs the dispatching functional on the input tagged as its kind;
geometry kernels of boxes and key points also return the new canvas size where torchvision does."""
import warnings

import ember
from ember.vision.transforms.functional import InterpolationMode
from ember.vision.transforms.v2 import functional as F
from ember.vision.transforms.v2.functional._boxes import _format
from ember.vision.tv_tensors import BoundingBoxes, BoundingBoxFormat, KeyPoints, Mask, TVTensor

_IMAGE_FUNCTIONALS = [
    "adjust_brightness", "adjust_contrast", "adjust_gamma", "adjust_hue", "adjust_saturation", "adjust_sharpness",
    "affine", "autocontrast", "center_crop", "crop", "elastic", "equalize", "erase", "five_crop", "gaussian_blur",
    "gaussian_noise", "get_dimensions", "horizontal_flip", "invert", "jpeg", "normalize", "pad", "permute_channels",
    "perspective", "posterize", "resize", "resized_crop", "rotate", "solarize", "ten_crop", "to_dtype",
    "vertical_flip"]


def _plain(t):
    return t.as_subclass(ember.Tensor) if isinstance(t, TVTensor) else t


def _unwrap(out):
    if isinstance(out, tuple):
        return tuple(_plain(o) for o in out)
    return _plain(out)


def _image_kernel(functional, argname):
    def kernel(*args, **kwargs):
        if args:
            args = (_plain(args[0]),) + args[1:]
        elif argname in kwargs:
            args, kwargs = (_plain(kwargs.pop(argname)),), kwargs
        return _unwrap(functional(*args, **kwargs))
    kernel.__name__ = f"{functional.__name__}_{argname}"
    kernel.__doc__ = f"The {argname} kernel of :func:`{functional.__name__}`: a plain ``{argname}`` tensor in and out."
    return kernel


def _image_and_video_kernels():
    kernels = {}
    for name in _IMAGE_FUNCTIONALS:
        functional = getattr(F, name)
        kernels[f"{name}_image"] = _image_kernel(functional, "image")
        kernels[f"{name}_video"] = _image_kernel(functional, "video")
    for name in ("rgb_to_grayscale", "grayscale_to_rgb"):  # images only, as in torchvision
        kernels[f"{name}_image"] = _image_kernel(getattr(F, name), "image")
    return kernels


globals().update(_image_and_video_kernels())


def _as_mask(fn, mask, *args, **kwargs):
    return _plain(fn(Mask(mask) if not isinstance(mask, Mask) else mask, *args, **kwargs))


def horizontal_flip_mask(mask):
    """Mirror a mask left-right."""
    return _as_mask(F.horizontal_flip, mask)


def vertical_flip_mask(mask):
    """Mirror a mask top-bottom."""
    return _as_mask(F.vertical_flip, mask)


def resize_mask(mask, size, interpolation=InterpolationMode.BILINEAR, max_size=None):
    """Resize a mask: with ``interpolation`` where it is a nearest mode, otherwise nearest neighbours
    (masks hold labels, which must not be blended; the default is torchvision's)."""
    return _as_mask(F.resize, mask, size, interpolation=interpolation, max_size=max_size)


def crop_mask(mask, top, left, height, width):
    """The ``height x width`` window of a mask at (top, left)."""
    return _as_mask(F.crop, mask, top, left, height, width)


def center_crop_mask(mask, output_size):
    """The central window of a mask."""
    return _as_mask(F.center_crop, mask, output_size)


def resized_crop_mask(mask, top, left, height, width, size):
    """Crop then resize a mask (nearest neighbours)."""
    return _as_mask(F.resized_crop, mask, top, left, height, width, size, interpolation="nearest")


def pad_mask(mask, padding, fill=None, padding_mode="constant"):
    """Pad the borders of a mask."""
    return _as_mask(F.pad, mask, padding, fill=0 if fill is None else fill, padding_mode=padding_mode)


def affine_mask(mask, angle, translate, scale, shear, fill=None, center=None):
    """Affine warp of a mask (nearest neighbours)."""
    return _as_mask(F.affine, mask, angle, translate, scale, shear, fill=fill, center=center)


def rotate_mask(mask, angle, expand=False, center=None, fill=None):
    """Rotate a mask (nearest neighbours)."""
    return _as_mask(F.rotate, mask, angle, expand=expand, center=center, fill=fill)


def perspective_mask(mask, startpoints, endpoints, fill=None, coefficients=None):
    """Perspective warp of a mask (nearest neighbours)."""
    return _as_mask(F.perspective, mask, startpoints, endpoints, fill=fill, coefficients=coefficients)


def elastic_mask(mask, displacement, fill=None):
    """Elastic warp of a mask (nearest neighbours)."""
    return _as_mask(F.elastic, mask, displacement, fill=fill)


def _as_boxes(boxes, format, canvas_size, clamping_mode="soft"):
    return BoundingBoxes._wrap(_plain(boxes), format=_format(format), canvas_size=tuple(canvas_size),
                               clamping_mode=clamping_mode, check_dims=False)


def _boxes_out(out, with_canvas):
    return (_plain(out), tuple(out.canvas_size)) if with_canvas else _plain(out)


def horizontal_flip_bounding_boxes(bounding_boxes, format, canvas_size):
    """Mirror boxes left-right on their canvas."""
    return _plain(F.horizontal_flip(_as_boxes(bounding_boxes, format, canvas_size)))


def vertical_flip_bounding_boxes(bounding_boxes, format, canvas_size):
    """Mirror boxes top-bottom on their canvas."""
    return _plain(F.vertical_flip(_as_boxes(bounding_boxes, format, canvas_size)))


def resize_bounding_boxes(bounding_boxes, canvas_size, size, max_size=None, format=BoundingBoxFormat.XYXY,
                          clamping_mode="soft"):
    """Boxes scaled to the resized canvas: (boxes, new canvas size)."""
    out = F.resize(_as_boxes(bounding_boxes, format, canvas_size, clamping_mode), size, max_size=max_size)
    return _boxes_out(out, True)


def crop_bounding_boxes(bounding_boxes, format, top, left, height, width, clamping_mode="soft"):
    """Boxes in the ``height x width`` window at (top, left): (boxes, (height, width))."""
    out = F.crop(_as_boxes(bounding_boxes, format, (height, width), clamping_mode), top, left, height, width)
    return _boxes_out(out, True)


def center_crop_bounding_boxes(bounding_boxes, format, canvas_size, output_size, clamping_mode="soft"):
    """Boxes in the central window: (boxes, new canvas size)."""
    return _boxes_out(F.center_crop(_as_boxes(bounding_boxes, format, canvas_size, clamping_mode), output_size), True)


def resized_crop_bounding_boxes(bounding_boxes, format, top, left, height, width, size, clamping_mode="soft"):
    """Boxes cropped then resized to ``size``: (boxes, new canvas size)."""
    boxes = _as_boxes(bounding_boxes, format, (height, width), clamping_mode)
    return _boxes_out(F.resized_crop(boxes, top, left, height, width, size), True)


def pad_bounding_boxes(bounding_boxes, format, canvas_size, padding, padding_mode="constant", clamping_mode="soft"):
    """Boxes moved by the padding: (boxes, new canvas size)."""
    boxes = _as_boxes(bounding_boxes, format, canvas_size, clamping_mode)
    return _boxes_out(F.pad(boxes, padding, padding_mode=padding_mode), True)


def affine_bounding_boxes(bounding_boxes, format, canvas_size, angle, translate, scale, shear, center=None,
                          clamping_mode="soft"):
    """Boxes after an affine warp (the canvas keeps its size)."""
    boxes = _as_boxes(bounding_boxes, format, canvas_size, clamping_mode)
    return _plain(F.affine(boxes, angle, translate, scale, shear, center=center))


def rotate_bounding_boxes(bounding_boxes, format, canvas_size, angle, expand=False, center=None,
                          clamping_mode="soft"):
    """Boxes after a rotation: (boxes, new canvas size)."""
    boxes = _as_boxes(bounding_boxes, format, canvas_size, clamping_mode)
    return _boxes_out(F.rotate(boxes, angle, expand=expand, center=center), True)


def perspective_bounding_boxes(bounding_boxes, format, canvas_size, startpoints, endpoints, coefficients=None,
                               clamping_mode="soft"):
    """Boxes after a perspective warp."""
    boxes = _as_boxes(bounding_boxes, format, canvas_size, clamping_mode)
    return _plain(F.perspective(boxes, startpoints, endpoints, coefficients=coefficients))


def elastic_bounding_boxes(bounding_boxes, format, canvas_size, displacement, clamping_mode="soft"):
    """Boxes after an elastic warp (approximate inverse of the displacement)."""
    return _plain(F.elastic(_as_boxes(bounding_boxes, format, canvas_size, clamping_mode), displacement))


def _as_points(keypoints, canvas_size):
    return KeyPoints._wrap(_plain(keypoints), canvas_size=tuple(canvas_size), check_dims=False)


def horizontal_flip_keypoints(keypoints, canvas_size):
    """Mirror key points left-right."""
    return _plain(F.horizontal_flip(_as_points(keypoints, canvas_size)))


def vertical_flip_keypoints(keypoints, canvas_size):
    """Mirror key points top-bottom."""
    return _plain(F.vertical_flip(_as_points(keypoints, canvas_size)))


def resize_keypoints(keypoints, size, canvas_size, max_size=None):
    """Key points scaled to the resized canvas: (points, new canvas size)."""
    return _boxes_out(F.resize(_as_points(keypoints, canvas_size), size, max_size=max_size), True)


def crop_keypoints(keypoints, top, left, height, width):
    """Key points relative to the window at (top, left): (points, (height, width))."""
    return _boxes_out(F.crop(_as_points(keypoints, (height, width)), top, left, height, width), True)


def center_crop_keypoints(inpt, canvas_size, output_size):
    """Key points relative to the central window: (points, new canvas size)."""
    return _boxes_out(F.center_crop(_as_points(inpt, canvas_size), output_size), True)


def resized_crop_keypoints(keypoints, top, left, height, width, size):
    """Key points cropped then resized: (points, new canvas size)."""
    return _boxes_out(F.resized_crop(_as_points(keypoints, (height, width)), top, left, height, width, size), True)


def pad_keypoints(keypoints, canvas_size, padding, padding_mode="constant"):
    """Key points moved by the padding: (points, new canvas size)."""
    return _boxes_out(F.pad(_as_points(keypoints, canvas_size), padding, padding_mode=padding_mode), True)


def affine_keypoints(keypoints, canvas_size, angle, translate, scale, shear, center=None):
    """Key points after an affine warp: (points, canvas size)."""
    return _boxes_out(F.affine(_as_points(keypoints, canvas_size), angle, translate, scale, shear, center=center),
                      True)


def rotate_keypoints(keypoints, canvas_size, angle, expand=False, center=None):
    """Key points after a rotation: (points, new canvas size)."""
    return _boxes_out(F.rotate(_as_points(keypoints, canvas_size), angle, expand=expand, center=center), True)


def perspective_keypoints(keypoints, canvas_size, startpoints, endpoints, coefficients=None):
    """Key points after a perspective warp."""
    return _plain(F.perspective(_as_points(keypoints, canvas_size), startpoints, endpoints,
                                coefficients=coefficients))


def elastic_keypoints(keypoints, canvas_size, displacement):
    """Key points after an elastic warp."""
    return _plain(F.elastic(_as_points(keypoints, canvas_size), displacement))


def get_size_image(image):
    """[height, width] of an image tensor."""
    hw = list(image.shape[-2:])
    if len(hw) != 2:
        raise TypeError(f"Input tensor should have at least two dimensions, but got {len(hw)}")
    return hw


def get_size_video(video):
    """[height, width] of a video tensor."""
    return get_size_image(video)


def get_size_mask(mask):
    """[height, width] of a mask tensor."""
    return get_size_image(mask)


def get_size_bounding_boxes(bounding_box):
    """The canvas size of boxes as [height, width]."""
    return list(bounding_box.canvas_size)


def get_size_keypoints(keypoints):
    """The canvas size of key points as [height, width]."""
    return list(keypoints.canvas_size)


def get_num_channels(inpt):
    """The number of channels of an image or video (dimension -3), or of a PIL image.

    Example:
        >>> from ember.vision.transforms.v2 import functional as F
        >>> F.get_num_channels(ember.zeros(3, 4, 5))
        3
    """
    return F.get_dimensions(inpt)[0]


get_image_num_channels = get_num_channels


def get_num_channels_image(image):
    """The number of channels of an image tensor ``[..., C, H, W]`` (1 for a ``[H, W]`` tensor)."""
    chw = image.shape[-3:]
    if len(chw) == 3:
        return chw[0]
    if len(chw) == 2:
        return 1
    raise TypeError(f"Input tensor should have at least two dimensions, but got {len(chw)}")


def get_num_channels_video(video):
    """The number of channels of a video tensor ``[..., T, C, H, W]``."""
    return get_num_channels_image(video)


def get_num_frames(inpt):
    """The number of frames of a video ``[..., T, C, H, W]``.

    Example:
        >>> from ember.vision.transforms.v2 import functional as F
        >>> F.get_num_frames(ember.zeros(2, 3, 4, 5))
        2
    """
    if not isinstance(inpt, ember.Tensor):
        raise TypeError(f"get_num_frames() supports inputs of type torch.Tensor and tv_tensors.Video, but got "
                        f"{type(inpt)} instead.")
    return inpt.shape[-4]


def get_num_frames_video(video):
    """The number of frames of a video tensor ``[..., T, C, H, W]``."""
    return video.shape[-4]


def get_image_size(inpt):
    """[DEPRECATED] [width, height] of an image; use :func:`get_size` (which returns [h, w])."""
    warnings.warn("The function `get_image_size(...)` is deprecated and will be removed in a future release. "
                  "Instead, please use `get_size(...)` which returns `[h, w]` instead of `[w, h]`.")
    height, width = F.get_size(inpt)
    return [width, height]


def convert_image_dtype(image, dtype=ember.float32):
    """[DEPRECATED] ``to_dtype(image, dtype, scale=True)``.

    Example:
        >>> from ember.vision.transforms.v2 import functional as F
        >>> F.convert_image_dtype(ember.tensor([[[255]]], dtype=ember.uint8))
        tensor([[[1.]]])
    """
    return F.to_dtype(image, dtype=dtype, scale=True)
