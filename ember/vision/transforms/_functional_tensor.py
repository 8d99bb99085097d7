"""Transforms on image tensors ``[..., C, H, W]`` (any leading batch dims), written with ember ops.

Being ember ops they run on the tensor's device and are differentiable. Resizing is separable:
each axis is a (out, in) weight matrix applied with one matmul, the weights being those of
PyTorch's ``F.interpolate`` (``align_corners=False``), including its antialias variant, which
follows Pillow's filters.
"""
import numpy as np

import ember
from ember.ops._antialias import filter_weights


def _assert_image_tensor(img):
    if not isinstance(img, ember.Tensor) or img.ndim < 2:
        raise TypeError("Tensor is not a torch image.")


def get_dimensions(img):
    _assert_image_tensor(img)
    channels = 1 if img.ndim == 2 else img.shape[-3]
    return [channels, img.shape[-2], img.shape[-1]]


def _max_value(dtype):
    if dtype == ember.uint8:
        return 255
    if dtype == ember.int8:
        return 127
    if dtype == ember.int16:
        return 32767
    if dtype == ember.int32:
        return 2 ** 31 - 1
    if dtype == ember.int64:
        return 2 ** 63 - 1
    return 1  # floating point and bool images live in [0, 1]


def convert_image_dtype(image, dtype=ember.float32):
    if not isinstance(image, ember.Tensor):
        raise TypeError("Input img should be Tensor Image")
    if image.dtype == dtype:
        return image
    if image.is_floating_point():
        if dtype.is_floating_point:
            return image.to(dtype)
        if (image.dtype == ember.float32 and dtype in (ember.int32, ember.int64)) or \
                (image.dtype == ember.float64 and dtype == ember.int64):
            raise RuntimeError(f"The cast from {image.dtype} to {dtype} cannot be performed safely.")
        # NOTE: scaling by (max + 1 - eps) rather than max spreads [0, 1] evenly over the integer
        # range: only 1.0 itself maps to max with the plain product.
        eps = 1e-3
        return image.mul(float(_max_value(dtype)) + 1.0 - eps).to(dtype)
    input_max = float(_max_value(image.dtype))
    if dtype.is_floating_point:
        return image.to(dtype) / input_max
    output_max = float(_max_value(dtype))
    if input_max > output_max:
        factor = int((input_max + 1) // (output_max + 1))
        return ember.div(image, factor, rounding_mode="floor").to(dtype)
    factor = int((output_max + 1) // (input_max + 1))
    return image.to(dtype) * factor


def normalize(tensor, mean, std, inplace=False):
    _assert_image_tensor(tensor)
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError("Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = "
                         f"{tensor.size()}")
    if not inplace:
        tensor = tensor.clone()
    dtype, device = tensor.dtype, tensor.device
    mean = ember.as_tensor(mean, dtype=dtype, device=device)
    std = ember.as_tensor(std, dtype=dtype, device=device)
    if (std == 0).any():
        raise ValueError(f"std evaluated to zero after conversion to {dtype}, leading to division by zero.")
    if mean.ndim == 1:
        mean = mean.view(-1, 1, 1)
    if std.ndim == 1:
        std = std.view(-1, 1, 1)
    return tensor.sub_(mean).div_(std)


def hflip(img):
    _assert_image_tensor(img)
    return img.flip(-1)


def vflip(img):
    _assert_image_tensor(img)
    return img.flip(-2)


def crop(img, top, left, height, width):
    """The window; parts outside the image are zero-filled (as torchvision)."""
    _assert_image_tensor(img)
    _, h, w = get_dimensions(img)
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        padding_ltrb = [max(-left + min(0, right), 0), max(-top + min(0, bottom), 0),
                        max(right - max(w, left), 0), max(bottom - max(h, top), 0)]
        return pad(img[..., max(top, 0):bottom, max(left, 0):right], padding_ltrb, fill=0)
    return img[..., top:bottom, left:right]


def _parse_pad_padding(padding):
    """torchvision's padding forms -> [left, right, top, bottom]."""
    if isinstance(padding, int):
        return [padding] * 4
    if len(padding) == 1:
        return [padding[0]] * 4
    if len(padding) == 2:
        return [padding[0], padding[0], padding[1], padding[1]]
    return [padding[0], padding[2], padding[1], padding[3]]


def _pad_index(n, before, after, mode):
    """Source indices for each position of a padded axis of length ``n`` (non-constant modes)."""
    idx = np.arange(-before, n + after)
    if mode == "edge":
        return np.clip(idx, 0, n - 1)
    if mode == "reflect":  # mirror without repeating the edge pixel: 2 1 | 0 1 2 | 1 0
        period = 2 * (n - 1)
        idx = np.abs(idx) % period if period else np.zeros_like(idx)
        return np.where(idx >= n, period - idx, idx)
    period = 2 * n  # symmetric: mirror repeating the edge pixel: 1 0 | 0 1 2 | 2 1
    idx = idx % period
    return np.where(idx >= n, period - 1 - idx, idx)


def pad(img, padding, fill=0, padding_mode="constant"):
    _assert_image_tensor(img)
    if fill is None:
        fill = 0
    if not isinstance(padding, (int, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if not isinstance(fill, (int, float)):
        raise TypeError("Got inappropriate fill arg")
    if not isinstance(padding_mode, str):
        raise TypeError("Got inappropriate padding_mode arg")
    if isinstance(padding, (tuple, list)) and len(padding) not in [1, 2, 4]:
        raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")
    if padding_mode not in ["constant", "edge", "reflect", "symmetric"]:
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    left, right, top, bottom = _parse_pad_padding(padding)
    # negative padding crops
    h, w = img.shape[-2], img.shape[-1]
    img = img[..., max(-top, 0):h - max(-bottom, 0), max(-left, 0):w - max(-right, 0)]
    left, right, top, bottom = (max(p, 0) for p in (left, right, top, bottom))
    h, w = img.shape[-2], img.shape[-1]
    if padding_mode == "constant":
        lead = tuple(img.shape[:-1])
        img = ember.cat([ember.full(lead + (left,), fill, dtype=img.dtype, device=img.device), img,
                         ember.full(lead + (right,), fill, dtype=img.dtype, device=img.device)], dim=-1)
        lead = tuple(img.shape[:-2])
        width = img.shape[-1]
        return ember.cat([ember.full(lead + (top, width), fill, dtype=img.dtype, device=img.device), img,
                          ember.full(lead + (bottom, width), fill, dtype=img.dtype, device=img.device)], dim=-2)
    if padding_mode == "reflect":
        for dim, (before, after), size in ((img.ndim - 1, (left, right), w), (img.ndim - 2, (top, bottom), h)):
            if max(before, after) >= size:
                raise RuntimeError("Argument #4: Padding size should be less than the corresponding input "
                                   f"dimension, but got: padding ({before}, {after}) at dimension {dim} of input "
                                   f"{list(img.shape)}")
    rows = ember.as_tensor(_pad_index(h, top, bottom, padding_mode), device=img.device)
    cols = ember.as_tensor(_pad_index(w, left, right, padding_mode), device=img.device)
    return ember.index_select(ember.index_select(img, -2, rows), -1, cols)


# ------------------------------------------------------------------------------------- resize
def _filter_weights(n_in, n_out, mode, stretch):
    """(n_out, n_in) weights of Pillow's filter for ``mode`` widened by ``stretch``, each row summing to 1
    (the weights of F.interpolate's antialiased path, sized by the input/output ratio)."""
    return filter_weights(n_in, n_out, mode, n_in / n_out, stretch)


def _resize_weights(n_in, n_out, mode, antialias):
    """The (n_out, n_in) matrix mapping one image axis to its resized version."""
    scale = n_in / n_out
    out = np.arange(n_out, dtype=np.float64)
    if mode in ("nearest", "nearest-exact"):
        # NOTE: PyTorch computes these indices in float32; doing the same keeps ties identical.
        s32 = np.float32(n_in) / np.float32(n_out)
        pos = out.astype(np.float32) + (np.float32(0.5) if mode == "nearest-exact" else np.float32(0))
        idx = np.minimum(np.floor(pos * s32).astype(np.int64), n_in - 1)
        return idx  # an index vector, not weights: nearest is a gather
    if antialias:
        # Pillow's scheme: the filter is stretched by the downscale factor (never shrunk)
        return _filter_weights(n_in, n_out, mode, max(scale, 1.0))
    src = scale * (out + 0.5) - 0.5
    weights = np.zeros((n_out, n_in))
    rows = np.arange(n_out)
    if mode == "bilinear":
        src = np.maximum(src, 0.0)
        i0 = np.floor(src).astype(np.int64)
        frac = src - i0
        i1 = np.minimum(i0 + 1, n_in - 1)
        np.add.at(weights, (rows, i0), 1.0 - frac)
        np.add.at(weights, (rows, i1), frac)
        return weights
    # bicubic, PyTorch's a = -0.75, taps i0-1 .. i0+2 clamped to the border
    a = -0.75
    i0 = np.floor(src).astype(np.int64)
    t = src - i0

    def near(x):
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    for offset, coeff in ((-1, far(t + 1)), (0, near(t)), (1, near(1 - t)), (2, far(2 - t))):
        np.add.at(weights, (rows, np.clip(i0 + offset, 0, n_in - 1)), coeff)
    return weights


def resize(img, size, interpolation="bilinear", antialias=True):
    """Resize the last two dims to ``size`` = [h, w] (torchvision's tensor resize)."""
    _assert_image_tensor(img)
    if interpolation not in ("nearest", "nearest-exact", "bilinear", "bicubic"):
        raise ValueError("This interpolation mode is unsupported with Tensor input")
    if antialias is None:
        antialias = False
    out_h, out_w = size
    in_h, in_w = img.shape[-2], img.shape[-1]
    if interpolation.startswith("nearest"):
        rows = ember.as_tensor(_resize_weights(in_h, out_h, interpolation, False), device=img.device)
        cols = ember.as_tensor(_resize_weights(in_w, out_w, interpolation, False), device=img.device)
        return ember.index_select(ember.index_select(img, -2, rows), -1, cols)
    out_dtype = img.dtype
    # NOTE: integer images are resized in float64 so that rounding back sees the exact value
    work = img if img.is_floating_point() else img.to(ember.float64)
    wy = ember.as_tensor(_resize_weights(in_h, out_h, interpolation, antialias), dtype=work.dtype, device=img.device)
    wx = ember.as_tensor(_resize_weights(in_w, out_w, interpolation, antialias).T, dtype=work.dtype,
                         device=img.device)
    out = ember.matmul(ember.matmul(wy, work), wx)
    if out_dtype != work.dtype:
        # integer images: round to nearest and saturate (bicubic overshoots) before casting back
        info_max = _max_value(out_dtype)
        lowest = 0 if out_dtype == ember.uint8 else -info_max - 1
        out = out.round().clamp(lowest, info_max).to(out_dtype)
    return out


def rgb_to_grayscale(img, num_output_channels=1):
    if img.ndim < 3:
        raise TypeError(f"Input image tensor should have at least 3 dimensions, but found {img.ndim}")
    channels = img.shape[-3]
    if channels not in (1, 3):
        raise TypeError(f"Input image tensor permitted channel values are [1, 3], but found {channels}")
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    if channels == 3:
        r, g, b = img.unbind(dim=-3)
        # ITU-R 601-2 luma; the result is cast back (truncated for integer images) as torchvision does
        l_img = (0.2989 * r + 0.587 * g + 0.114 * b).to(img.dtype).unsqueeze(dim=-3)
    else:
        l_img = img.clone()
    if num_output_channels == 3:
        return l_img.expand(img.shape)
    return l_img
