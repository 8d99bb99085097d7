"""Functional transforms (torchvision.transforms.functional): each works on a PIL image or a tensor.

PIL images go through Pillow itself (so ``resize`` of a PIL image is exactly Pillow's antialiased
resize, as in torchvision); tensors ``[..., C, H, W]`` go through ember ops
(:mod:`._functional_tensor`).

>>> import ember.vision.transforms.functional as TF
>>> from PIL import Image                                         # doctest: +SKIP
>>> TF.to_tensor(Image.new('RGB', (4, 2))).shape                   # doctest: +SKIP
ember.Size([3, 2, 4])
"""
import numbers
import sys
import warnings
from enum import Enum

import numpy as np

import ember
from ember.vision._pil import is_pil_image, pil_image
# torchvision's private name for it, which its reference scripts call
from ember.vision._pil import is_pil_image as _is_pil_image  # noqa: F401
from ember.vision.transforms import _functional_tensor as F_t


class InterpolationMode(Enum):
    """Interpolation modes; the values are the names F.interpolate uses for tensors."""
    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    # Pillow only
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


# Pillow's integer filter constants (Image.Resampling.*)
pil_modes_mapping = {
    InterpolationMode.NEAREST: 0,
    InterpolationMode.BILINEAR: 2,
    InterpolationMode.BICUBIC: 3,
    InterpolationMode.NEAREST_EXACT: 0,
    InterpolationMode.BOX: 4,
    InterpolationMode.HAMMING: 5,
    InterpolationMode.LANCZOS: 1,
}


def _interpolation_modes_from_int(i):
    inverse = {0: InterpolationMode.NEAREST, 2: InterpolationMode.BILINEAR, 3: InterpolationMode.BICUBIC,
               4: InterpolationMode.BOX, 5: InterpolationMode.HAMMING, 1: InterpolationMode.LANCZOS}
    return inverse[i]


def _is_numpy(img):
    return isinstance(img, np.ndarray)


def _is_numpy_image(img):
    return img.ndim in {2, 3}


def _check_pil(img):
    if not is_pil_image(img):
        raise TypeError(f"img should be PIL Image. Got {type(img)}")


def get_dimensions(img):
    """[channels, height, width] of a PIL image or an image tensor."""
    if isinstance(img, ember.Tensor):
        return F_t.get_dimensions(img)
    _check_pil(img)
    width, height = img.size
    return [len(img.getbands()), height, width]


def get_image_num_channels(img):
    return get_dimensions(img)[0]


def get_image_size(img):
    """[width, height], torchvision's order for this function."""
    _, h, w = get_dimensions(img)
    return [w, h]


# ----------------------------------------------------------------------------- conversions
def to_tensor(pic):
    """PIL image or HWC ndarray -> CHW tensor; uint8 data becomes default-float in [0, 1] (x / 255)."""
    if not (is_pil_image(pic) or _is_numpy(pic)):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if _is_numpy(pic) and not _is_numpy_image(pic):
        raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
    float_dtype = ember.get_default_dtype()
    if _is_numpy(pic):
        arr = pic[:, :, None] if pic.ndim == 2 else pic
        arr = np.ascontiguousarray(arr.transpose((2, 0, 1)))
    else:
        # NOTE: 32-bit integer, 16-bit and float modes keep their values; every other mode is bytes.
        mode_to_nptype = {"I": np.int32, "I;16" if sys.byteorder == "little" else "I;16B": np.int16,
                          "F": np.float32}
        arr = np.array(pic, mode_to_nptype.get(pic.mode, np.uint8), copy=True)
        if pic.mode == "1":
            arr = 255 * arr
        arr = np.ascontiguousarray(arr.reshape(pic.size[1], pic.size[0], len(pic.getbands())).transpose((2, 0, 1)))
    if arr.dtype == np.uint8:
        # NOTE: a true division (not a multiply by 1/255) gives PyTorch's exact float32 values
        np_float = float_dtype.np_dtype
        return ember.from_numpy(arr.astype(np_float) / np_float.type(255))
    return ember.from_numpy(arr)


def pil_to_tensor(pic):
    """PIL image -> CHW tensor of the image's own dtype (no scaling)."""
    _check_pil(pic)
    arr = np.array(pic, copy=True)
    arr = arr.reshape(pic.size[1], pic.size[0], len(pic.getbands()))
    # a CHW view of the HWC pixels, as torchvision returns it (its strides show: (1, 3 * W, 3) for RGB)
    return ember.from_numpy(arr).permute((2, 0, 1))


def to_pil_image(pic, mode=None):
    """CHW tensor or HWC ndarray -> PIL image; floats (not mode 'F') are scaled by 255 to bytes."""
    Image = pil_image()
    if isinstance(pic, ember.Tensor):
        if pic.ndim not in {2, 3}:
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        if pic.ndim == 3:
            pic = pic.permute((1, 2, 0))
        pic = pic.numpy(force=True)
    elif not isinstance(pic, np.ndarray):
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if pic.ndim == 2:
        pic = np.expand_dims(pic, 2)
    if pic.ndim != 3:
        raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
    if pic.shape[-1] > 4:
        raise ValueError(f"pic should not have > 4 channels. Got {pic.shape[-1]} channels.")
    npimg = pic
    if np.issubdtype(npimg.dtype, np.floating) and mode != "F":
        # NOTE: a plain cast, as torchvision: values outside [0, 1] wrap around rather than clip
        with np.errstate(invalid="ignore"):
            npimg = (npimg * 255).astype(np.uint8)
    channels = npimg.shape[2]
    if channels == 1:
        npimg = npimg[:, :, 0]
        expected_mode = {np.dtype(np.uint8): "L", np.dtype(np.int16): "I;16" if sys.byteorder == "little"
                         else "I;16B", np.dtype(np.int32): "I", np.dtype(np.float32): "F"}.get(npimg.dtype)
        if mode is not None and mode != expected_mode:
            raise ValueError(f"Incorrect mode ({mode}) supplied for input type {npimg.dtype}. "
                             f"Should be {expected_mode}")
        mode = expected_mode
    elif channels == 2:
        permitted = ["LA"]
        if mode is not None and mode not in permitted:
            raise ValueError(f"Only modes {permitted} are supported for 2D inputs")
        if mode is None and npimg.dtype == np.uint8:
            mode = "LA"
    elif channels == 4:
        permitted = ["RGBA", "CMYK", "RGBX"]
        if mode is not None and mode not in permitted:
            raise ValueError(f"Only modes {permitted} are supported for 4D inputs")
        if mode is None and npimg.dtype == np.uint8:
            mode = "RGBA"
    else:
        permitted = ["RGB", "YCbCr", "HSV"]
        if mode is not None and mode not in permitted:
            raise ValueError(f"Only modes {permitted} are supported for 3D inputs")
        if mode is None and npimg.dtype == np.uint8:
            mode = "RGB"
    if mode is None:
        raise TypeError(f"Input type {npimg.dtype} is not supported")
    return _fromarray(Image, npimg, mode)


def _fromarray(Image, arr, mode):
    """Image.fromarray with an explicit mode (Pillow >= 11.3 deprecates fromarray's mode argument)."""
    arr = np.ascontiguousarray(arr)
    if mode in ("L", "RGB", "RGBA", "LA", "F", "I") and Image.fromarray(arr[:1, :1]).mode == mode:
        return Image.fromarray(arr)
    # raw bytes in the requested mode; int16 data is what the 'I;16' raw decoder reads
    return Image.frombuffer(mode, (arr.shape[1], arr.shape[0]), arr.tobytes(), "raw", mode, 0, 1)


def convert_image_dtype(image, dtype=ember.float32):
    """Convert a tensor image's dtype, rescaling values (floats live in [0, 1])."""
    return F_t.convert_image_dtype(image, dtype)


def normalize(tensor, mean, std, inplace=False):
    """(tensor - mean) / std per channel of a float tensor image ``[..., C, H, W]``."""
    if not isinstance(tensor, ember.Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    return F_t.normalize(tensor, mean=mean, std=std, inplace=inplace)


# ------------------------------------------------------------------------------- geometry
def _compute_resized_output_size(image_size, size, max_size=None):
    h, w = image_size
    short, long = (w, h) if w <= h else (h, w)
    if len(size) == 1:  # match the smaller edge, keep the aspect ratio
        requested_new_short = size if isinstance(size, int) else size[0]
        new_short, new_long = requested_new_short, int(requested_new_short * long / short)
        if max_size is not None:
            if max_size <= requested_new_short:
                raise ValueError(f"max_size = {max_size} must be strictly greater than the requested "
                                 f"size for the smaller edge size = {size}")
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    else:
        new_w, new_h = size[1], size[0]
    return [new_h, new_w]


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize to ``size`` ((h, w), or an int for the smaller edge keeping the aspect ratio)."""
    if isinstance(interpolation, int):
        interpolation = _interpolation_modes_from_int(interpolation)
    elif not isinstance(interpolation, InterpolationMode):
        raise TypeError("Argument interpolation should be a InterpolationMode or a corresponding Pillow integer "
                        "constant")
    if isinstance(size, (list, tuple)):
        if len(size) not in [1, 2]:
            raise ValueError(f"Size must be an int or a 1 or 2 element tuple/list, not a {len(size)} element "
                             "tuple/list")
        if max_size is not None and len(size) != 1:
            raise ValueError("max_size should only be passed if size specifies the length of the smaller edge, "
                             "i.e. size should be an int or a sequence of length 1 in torchscript mode.")
    _, image_height, image_width = get_dimensions(img)
    if isinstance(size, int):
        size = [size]
    output_size = _compute_resized_output_size((image_height, image_width), size, max_size)
    if [image_height, image_width] == output_size:
        return img
    if not isinstance(img, ember.Tensor):
        if antialias is False:
            warnings.warn("Anti-alias option is always applied for PIL Image input. Argument antialias is ignored.")
        return img.resize(tuple(output_size[::-1]), pil_modes_mapping[interpolation])
    return F_t.resize(img, size=output_size, interpolation=interpolation.value, antialias=antialias)


def crop(img, top, left, height, width):
    """The ``height x width`` window at (top, left); outside the image is zero."""
    if isinstance(img, ember.Tensor):
        return F_t.crop(img, top, left, height, width)
    _check_pil(img)
    return img.crop((left, top, left + width, top + height))


def center_crop(img, output_size):
    """The central ``output_size`` window, zero-padding first when the image is smaller."""
    if isinstance(output_size, numbers.Number):
        output_size = (int(output_size), int(output_size))
    elif isinstance(output_size, (tuple, list)) and len(output_size) == 1:
        output_size = (output_size[0], output_size[0])
    _, image_height, image_width = get_dimensions(img)
    crop_height, crop_width = output_size
    if crop_width > image_width or crop_height > image_height:
        padding_ltrb = [
            (crop_width - image_width) // 2 if crop_width > image_width else 0,
            (crop_height - image_height) // 2 if crop_height > image_height else 0,
            (crop_width - image_width + 1) // 2 if crop_width > image_width else 0,
            (crop_height - image_height + 1) // 2 if crop_height > image_height else 0,
        ]
        img = pad(img, padding_ltrb, fill=0)
        _, image_height, image_width = get_dimensions(img)
        if crop_width == image_width and crop_height == image_height:
            return img
    crop_top = int(round((image_height - crop_height) / 2.0))
    crop_left = int(round((image_width - crop_width) / 2.0))
    return crop(img, crop_top, crop_left, crop_height, crop_width)


def resized_crop(img, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR, antialias=True):
    """Crop then resize to ``size``."""
    img = crop(img, top, left, height, width)
    return resize(img, size, interpolation, antialias=antialias)


def hflip(img):
    """Mirror left-right."""
    if isinstance(img, ember.Tensor):
        return F_t.hflip(img)
    _check_pil(img)
    Image = pil_image()
    return img.transpose(getattr(Image, "Transpose", Image).FLIP_LEFT_RIGHT)


def vflip(img):
    """Mirror top-bottom."""
    if isinstance(img, ember.Tensor):
        return F_t.vflip(img)
    _check_pil(img)
    Image = pil_image()
    return img.transpose(getattr(Image, "Transpose", Image).FLIP_TOP_BOTTOM)


def _parse_fill(fill, img, name="fillcolor"):
    """A Pillow fill colour for ``img``: one value per band, ints unless the image is float."""
    num_channels = get_image_num_channels(img)
    if fill is None:
        fill = 0
    if isinstance(fill, (int, float)) and num_channels > 1:
        fill = tuple([fill] * num_channels)
    if isinstance(fill, (list, tuple)):
        if len(fill) == 1:
            fill = tuple(fill) * num_channels
        elif len(fill) != num_channels:
            raise ValueError("The number of elements in 'fill' does not match the number of channels of the image "
                             f"({len(fill)} != {num_channels})")
        fill = tuple(fill)
    if img.mode != "F":
        fill = tuple(int(x) for x in fill) if isinstance(fill, tuple) else int(fill)
    return {name: fill}


def pad(img, padding, fill=0, padding_mode="constant"):
    """Pad the borders: ``padding`` is an int, (left/right, top/bottom) or (left, top, right, bottom).

    ``padding_mode``: 'constant' (``fill``), 'edge', 'reflect' (no edge repeat), 'symmetric'.
    """
    if isinstance(img, ember.Tensor):
        if isinstance(padding, tuple):
            padding = list(padding)
        return F_t.pad(img, padding, fill=fill, padding_mode=padding_mode)
    _check_pil(img)
    if not isinstance(padding, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if fill is not None and not isinstance(fill, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate fill arg")
    if not isinstance(padding_mode, str):
        raise TypeError("Got inappropriate padding_mode arg")
    if isinstance(padding, list):
        padding = tuple(padding)
    if isinstance(padding, tuple) and len(padding) not in [1, 2, 4]:
        raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")
    if isinstance(padding, tuple) and len(padding) == 1:
        padding = padding[0]
    if padding_mode not in ["constant", "edge", "reflect", "symmetric"]:
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    if padding_mode == "constant":
        from PIL import ImageOps
        opts = _parse_fill(fill, img, name="fill")
        palette = img.getpalette() if img.mode == "P" else None
        image = ImageOps.expand(img, border=padding, **opts)
        if palette is not None:
            image.putpalette(palette)
        return image
    if isinstance(padding, int):
        p = [padding] * 4
    elif len(padding) == 2:
        p = [padding[0], padding[1], padding[0], padding[1]]
    else:
        p = list(padding)  # left, top, right, bottom
    crop_l, crop_t, crop_r, crop_b = (-min(v, 0) for v in p)
    if crop_l or crop_t or crop_r or crop_b:
        img = img.crop((crop_l, crop_t, img.width - crop_r, img.height - crop_b))
    pad_l, pad_t, pad_r, pad_b = (max(v, 0) for v in p)
    palette = img.getpalette() if img.mode == "P" else None
    arr = np.asarray(img)
    widths = ((pad_t, pad_b), (pad_l, pad_r)) + (((0, 0),) if arr.ndim == 3 else ())
    out = _fromarray(pil_image(), np.pad(arr, widths, padding_mode), img.mode)
    if palette is not None:
        out.putpalette(palette)
    return out


def rgb_to_grayscale(img, num_output_channels=1):
    """Luma (ITU-R 601-2) of an RGB image, with 1 or 3 identical output channels."""
    if isinstance(img, ember.Tensor):
        return F_t.rgb_to_grayscale(img, num_output_channels)
    return to_grayscale(img, num_output_channels)


def to_grayscale(img, num_output_channels=1):
    """PIL image to grayscale: mode 'L', or 'RGB' with three equal channels (tensors: use rgb_to_grayscale)."""
    if not is_pil_image(img):
        raise TypeError("Input should be PIL Image")
    if num_output_channels == 1:
        return img.convert("L")
    if num_output_channels == 3:
        gray = np.array(img.convert("L"), dtype=np.uint8)
        return _fromarray(pil_image(), np.dstack([gray, gray, gray]), "RGB")
    raise ValueError("num_output_channels should be either 1 or 3")


from ember.vision.transforms._color import (adjust_brightness, adjust_contrast, adjust_gamma,  # noqa: E402,F401
                                            adjust_saturation, invert, posterize, solarize)
from ember.vision.transforms._tone import adjust_hue, adjust_sharpness, autocontrast, equalize  # noqa: E402,F401
from ember.vision.transforms._geometry import (affine, elastic_transform, erase, five_crop,  # noqa: E402,F401
                                               gaussian_blur, perspective, rotate, ten_crop)
from ember.vision.transforms._grid import (inverse_affine_matrix as _get_inverse_affine_matrix,  # noqa: E402,F401
                                           perspective_coeffs as _get_perspective_coeffs)
