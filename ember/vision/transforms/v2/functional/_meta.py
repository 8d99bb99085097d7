"""v2 functionals on metadata and dtypes: box format conversion and clamping, sizes, ToImage/ToDtype."""
import ember
from ember.vision._pil import is_pil_image
from ember.vision.transforms import functional as F1
from ember.vision.transforms._functional_tensor import _max_value
from ember.vision.transforms.v2.functional import _boxes
from ember.vision.transforms.v2.functional._dispatch import is_pure_tensor
from ember.vision.tv_tensors import BoundingBoxes, BoundingBoxFormat, Image, KeyPoints, Mask, TVTensor, Video


def convert_bounding_box_format(inpt, old_format=None, new_format=None, inplace=False):
    """Boxes in ``new_format`` (plain tensors also need ``old_format``)."""
    if new_format is None:
        raise TypeError("convert_bounding_box_format() missing 1 required argument: 'new_format'")
    if isinstance(old_format, str):
        old_format = BoundingBoxFormat[old_format.upper()]
    if isinstance(new_format, str):
        new_format = BoundingBoxFormat[new_format.upper()]
    if is_pure_tensor(inpt):
        if old_format is None:
            raise ValueError("For pure tensor inputs, `old_format` has to be passed.")
        out = _boxes.convert_format(inpt, old_format, new_format)
        if inplace and out is not inpt:
            inpt.copy_(out)
            return inpt
        return out
    if isinstance(inpt, BoundingBoxes):
        if old_format is not None:
            raise ValueError("For bounding box tv_tensor inputs, `old_format` must not be passed.")
        out = _boxes.convert_format(inpt.as_subclass(ember.Tensor), inpt.format, new_format)
        return BoundingBoxes.wrap(out, like=inpt, format=new_format)
    raise TypeError(f"Input can either be a plain tensor or a bounding box tv_tensor, but got {type(inpt)} instead.")


def clamp_bounding_boxes(inpt, format=None, canvas_size=None, clamping_mode="auto"):
    """Boxes clipped to their canvas ('auto' uses the boxes' own clamping mode)."""
    if clamping_mode is not None and clamping_mode not in ("soft", "hard", "auto"):
        raise ValueError(f"clamping_mode must be soft, hard, auto or None, got {clamping_mode}")
    if is_pure_tensor(inpt):
        if format is None or canvas_size is None or clamping_mode == "auto":
            raise ValueError("For pure tensor inputs, `format`, `canvas_size` and `clamping_mode` have to be passed.")
        return _boxes.clamp(inpt, _boxes._format(format), canvas_size, clamping_mode)
    if isinstance(inpt, BoundingBoxes):
        if format is not None or canvas_size is not None:
            raise ValueError("For bounding box tv_tensor inputs, `format` and `canvas_size` must not be passed.")
        mode = inpt.clamping_mode if clamping_mode == "auto" else clamping_mode
        return BoundingBoxes.wrap(_boxes.clamp(inpt.as_subclass(ember.Tensor), inpt.format, inpt.canvas_size, mode),
                                  like=inpt)
    raise TypeError(f"Input can either be a plain tensor or a bounding box tv_tensor, but got {type(inpt)} instead.")


def get_size(inpt):
    """[height, width] of an image, video, mask, PIL image, or the canvas of boxes / key points."""
    if isinstance(inpt, (BoundingBoxes, KeyPoints)):
        return list(inpt.canvas_size)
    if isinstance(inpt, ember.Tensor) or is_pil_image(inpt):
        _, h, w = F1.get_dimensions(inpt) if not isinstance(inpt, Mask) else (None, *inpt.shape[-2:])
        return [h, w]
    raise TypeError(f"get_size() supports inputs of type torch.Tensor, PIL images and tv_tensors, but got "
                    f"{type(inpt)} instead.")


def get_dimensions(inpt):
    """[channels, height, width] of an image or video."""
    return F1.get_dimensions(inpt)


def to_image(inpt):
    """A tv Image from a PIL image, an HWC ndarray or a CHW tensor (values unchanged)."""
    import numpy as np
    if isinstance(inpt, np.ndarray):  # HWC (or HW) -> CHW
        out = ember.from_numpy(np.atleast_3d(inpt)).permute((-1, -3, -2)).contiguous()
    elif is_pil_image(inpt):
        out = F1.pil_to_tensor(inpt)
    elif isinstance(inpt, ember.Tensor):
        out = inpt
    else:
        raise TypeError(f"Input can either be a pure Tensor, a numpy array, or a PIL image, but got {type(inpt)} "
                        "instead.")
    return Image(out)


def to_pure_tensor(inpt):
    """The plain tensor under a tv_tensor."""
    return inpt.as_subclass(ember.Tensor) if isinstance(inpt, TVTensor) else inpt


def _to_dtype_scaled(image, dtype):
    # v2's rescaling differs from v1's convert_image_dtype in two places users can see: integers become floats
    # by multiplying with 1 / max (v1 divides by max, which rounds differently) and the refused float-to-int
    # casts are called conversions
    if image.dtype == dtype:
        return image
    if image.is_floating_point() and not dtype.is_floating_point and (
            (image.dtype == ember.float32 and dtype in (ember.int32, ember.int64))
            or (image.dtype == ember.float64 and dtype == ember.int64)):
        raise RuntimeError(f"The conversion from {image.dtype} to {dtype} cannot be performed safely.")
    if not image.is_floating_point() and dtype.is_floating_point:
        return image.to(dtype).mul_(1.0 / _max_value(image.dtype))
    return F1.convert_image_dtype(image, dtype)


def to_dtype(inpt, dtype=ember.float32, scale=False):
    """Images and videos to ``dtype`` (rescaling values when ``scale``); other kinds are just cast."""
    if isinstance(inpt, (Image, Video)) or is_pure_tensor(inpt):
        plain = inpt.as_subclass(ember.Tensor)
        out = _to_dtype_scaled(plain, dtype) if scale else plain.to(dtype)
        return type(inpt).wrap(out, like=inpt) if isinstance(inpt, TVTensor) else out
    if isinstance(inpt, TVTensor):
        return type(inpt).wrap(inpt.as_subclass(ember.Tensor).to(dtype), like=inpt)
    raise TypeError(f"to_dtype() supports inputs of type torch.Tensor and tv_tensors, but got {type(inpt)} instead.")
