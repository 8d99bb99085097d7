"""v2 colour kernels that differ from the classic functionals: the v2 kernels accumulate with fused
multiply-adds (``add_(x, alpha=...)`` on the CPU), which rounds differently from the classic
``a * x + b * y`` and so changes integer results; posterize and equalize also take float images."""
import numpy as np

import ember
from ember.nn import functional as nnF
from ember.vision.transforms import functional as F1
from ember.vision.transforms._functional_tensor import _max_value, convert_image_dtype
from ember.vision.transforms.v2.functional._dispatch import dispatch


def _fma(x, factor, y):
    """``x * factor + y`` rounded once to the arrays' float dtype (float32 products are exact in float64)."""
    dtype = np.result_type(x.dtype, y.dtype)
    if dtype != np.float32:
        return x * factor + y
    return (x.astype(np.float64) * np.float64(np.float32(factor)) + y.astype(np.float64)).astype(np.float32)


def _work(image):
    """The image as a float numpy array (float32 for integer images)."""
    arr = image.numpy(force=True)
    return arr if image.is_floating_point() else arr.astype(np.float32)


def _gray(arr):
    # ITU-R 601-2 luma, accumulated as r * 0.2989, then + g * 0.587 and + b * 0.114 fused
    r, g, b = arr[..., 0, :, :], arr[..., 1, :, :], arr[..., 2, :, :]
    luma = r * arr.dtype.type(0.2989)
    return _fma(b, 0.114, _fma(g, 0.587, luma))[..., None, :, :]


def _blend(image, arr, other, ratio):
    ratio = float(ratio)
    out = _fma(other, 1.0 - ratio, arr * arr.dtype.type(ratio))
    out = np.clip(out, 0, _max_value(image.dtype))
    return ember.from_numpy(out.astype(image.numpy(force=True).dtype) if not image.is_floating_point() else out)


def _channels(image, allowed=(1, 3)):
    channels = image.shape[-3]
    if channels not in allowed:
        raise TypeError(f"Input image tensor permitted channel values are 1 or 3, but found {channels}")
    return channels


def _saturation_tensor(image, factor):
    if factor < 0:
        raise ValueError(f"saturation_factor ({factor}) is not non-negative.")
    if _channels(image) == 1:  # as Pillow does
        return image
    arr = _work(image)
    gray = _gray(arr)
    if not image.is_floating_point():
        gray = np.floor(gray)
    return _blend(image, arr, gray, factor)


def adjust_saturation(inpt, saturation_factor):
    """Blend images with their grayscale: 0 gives gray, 1 the original, 2 doubles the saturation.

    Example:
        >>> from ember.vision.transforms.v2 import functional as F
        >>> F.adjust_saturation(ember.tensor([[[1.0]], [[0.0]], [[0.0]]]), 0.0).flatten()
        tensor([0.2989, 0.2989, 0.2989])
    """
    return dispatch(inpt, "adjust_saturation", image=lambda img: _saturation_tensor(img, saturation_factor),
                    pil=lambda img: F1.adjust_saturation(img, saturation_factor))


def _contrast_tensor(image, factor):
    if factor < 0:
        raise ValueError(f"contrast_factor ({factor}) is not non-negative.")
    arr = _work(image)
    if _channels(image) == 3:
        gray = _gray(arr)
        if not image.is_floating_point():
            gray = np.floor(gray)
    else:
        gray = arr
    mean = ember.from_numpy(np.ascontiguousarray(gray)).mean(dim=(-3, -2, -1), keepdim=True).numpy()
    return _blend(image, arr, mean, factor)


def adjust_contrast(inpt, contrast_factor):
    """Blend images with their mean gray level: 0 gives uniform gray, 1 the original.

    Example:
        >>> from ember.vision.transforms.v2 import functional as F
        >>> F.adjust_contrast(ember.tensor([[[0.0, 1.0]]]), 0.5)
        tensor([[[0.2500, 0.7500]]])
    """
    return dispatch(inpt, "adjust_contrast", image=lambda img: _contrast_tensor(img, contrast_factor),
                    pil=lambda img: F1.adjust_contrast(img, contrast_factor))


def _autocontrast_tensor(image):
    _channels(image)
    if image.numel() == 0:
        return image
    bound = _max_value(image.dtype)
    work = image if image.is_floating_point() else image.to(ember.float32)
    minimum = work.amin(dim=(-2, -1), keepdim=True)
    maximum = work.amax(dim=(-2, -1), keepdim=True)
    flat = maximum == minimum  # constant channels are left as they are
    inv_scale = ember.where(flat, ember.ones_like(maximum), (maximum - minimum) * (1.0 / bound))
    minimum = ember.where(flat, ember.zeros_like(minimum), minimum)
    return ((work - minimum) / inv_scale).clamp(0, bound).to(image.dtype)


def autocontrast(inpt):
    """Stretch each channel so that its darkest value becomes 0 and its lightest the maximum.

    Example:
        >>> from ember.vision.transforms.v2 import functional as F
        >>> F.autocontrast(ember.tensor([[[0.25, 0.5, 0.75]]]))
        tensor([[[0.0000, 0.5000, 1.0000]]])
    """
    return dispatch(inpt, "autocontrast", image=_autocontrast_tensor, pil=F1.autocontrast)


def _grayscale_tensor(image, num_output_channels):
    if num_output_channels not in (1, 3):
        raise ValueError(f"num_output_channels must be 1 or 3, got {num_output_channels}.")
    if image.shape[-3] == 1:
        return image.clone() if num_output_channels == 1 else ember.cat([image] * 3, dim=-3)
    gray = ember.from_numpy(_gray(_work(image))).to(image.dtype)  # integer images are truncated
    return gray.expand(image.shape) if num_output_channels == 3 else gray


def rgb_to_grayscale(inpt, num_output_channels=1):
    """ITU-R 601-2 luma of RGB images, with 1 or 3 equal output channels.

    Example:
        >>> from ember.vision.transforms.v2 import functional as F
        >>> F.rgb_to_grayscale(ember.tensor([[[1.0]], [[0.0]], [[0.0]]]))
        tensor([[[0.2989]]])
    """
    return dispatch(inpt, "rgb_to_grayscale", image=lambda img: _grayscale_tensor(img, num_output_channels),
                    pil=lambda img: F1.to_grayscale(img, num_output_channels), video=None)


to_grayscale = rgb_to_grayscale


def _solarize_tensor(image, threshold):
    if threshold > _max_value(image.dtype):
        raise TypeError(f"Threshold should be less or equal the maximum value of the dtype, but got {threshold}")
    return ember.where(image >= threshold, F1.invert(image), image)


def solarize(inpt, threshold):
    """Invert the values at or above ``threshold``.

    Example:
        >>> from ember.vision.transforms.v2 import functional as F
        >>> F.solarize(ember.tensor([[[0.2, 0.8]]]), 0.5)
        tensor([[[0.2000, 0.2000]]])
    """
    return dispatch(inpt, "solarize", image=lambda img: _solarize_tensor(img, threshold),
                    pil=lambda img: F1.solarize(img, threshold))


def _sharpness_tensor(image, factor):
    channels, height, width = image.shape[-3:]
    if channels not in (1, 3):
        raise TypeError(f"Input image tensor can have 1 or 3 channels, but found {channels}")
    if factor < 0:
        raise ValueError(f"sharpness_factor ({factor}) is not non-negative.")
    if image.numel() == 0 or height <= 2 or width <= 2:
        return image
    fp = image.is_floating_point()
    dtype = image.dtype if fp else ember.float32
    weights = ember.full((3, 3), 1.0 / 13.0, dtype=dtype)
    weights[1, 1] = 5.0 / 13.0
    work = image.to(dtype).reshape(-1, channels, height, width)
    blurred = nnF.conv2d(work, weights.expand(channels, 1, 3, 3), groups=channels)
    if not fp:
        blurred = ember.round(blurred)
    inner = work[..., 1:-1, 1:-1]
    fused = _fma((blurred - inner).numpy(), 1.0 - factor, inner.numpy())  # inner + (1 - factor) * (blurred - inner)
    out = work.clone()
    out[..., 1:-1, 1:-1] = ember.from_numpy(fused)
    out = out.clamp(0, _max_value(image.dtype)).reshape(image.shape)
    return out if fp else out.to(image.dtype)  # integer images are truncated, not rounded


def adjust_sharpness(inpt, sharpness_factor):
    """Blend images with their Pillow-style smoothed copy: 0 blurs, 1 keeps, 2 sharpens.

    Example:
        >>> from ember.vision.transforms.v2 import functional as F
        >>> x = ember.zeros(1, 3, 3); x[0, 1, 1] = 1.0
        >>> F.adjust_sharpness(x, 0.0)[0, 1, 1]
        tensor(0.3846)
    """
    return dispatch(inpt, "adjust_sharpness", image=lambda img: _sharpness_tensor(img, sharpness_factor),
                    pil=lambda img: F1.adjust_sharpness(img, sharpness_factor))


def _posterize_tensor(image, bits):
    if not isinstance(bits, int) or not 0 <= bits <= 8:
        raise TypeError(f"bits must be a positive integer in the range [0, 8], got {bits} instead.")
    if image.is_floating_point():
        levels = 1 << bits
        return (image * levels).floor().clamp(0, levels - 1) * (1.0 / levels)
    value_bits = {ember.uint8: 8, ember.int8: 7, ember.int16: 15, ember.int32: 31, ember.int64: 63}[image.dtype]
    if bits >= value_bits:
        return image
    return image & (((1 << bits) - 1) << (value_bits - bits))


def posterize(inpt, bits):
    """Keep the ``bits`` most significant bits of integer images; float images are quantized to
    ``2 ** bits`` levels.

    Example:
        >>> from ember.vision.transforms.v2 import functional as F
        >>> F.posterize(ember.tensor([[[0.3, 0.9]]]), 1)
        tensor([[[0.0000, 0.5000]]])
    """
    return dispatch(inpt, "posterize", image=lambda img: _posterize_tensor(img, bits),
                    pil=lambda img: F1.posterize(img, bits))


def _equalize_tensor(image):
    if image.numel() == 0:
        return image
    as_uint8 = convert_image_dtype(image, ember.uint8) if image.dtype != ember.uint8 else image
    flat = as_uint8.reshape(-1, as_uint8.shape[-2] * as_uint8.shape[-1])
    out = ember.stack([F1.equalize(row.view(1, 1, -1)).view(-1) for row in flat]).reshape(image.shape)
    return out if image.dtype == ember.uint8 else convert_image_dtype(out, image.dtype)


def equalize(inpt):
    """Equalize the histogram of each channel (float images through their uint8 values).

    Example:
        >>> from ember.vision.transforms.v2 import functional as F
        >>> x = ember.tensor([10] * 300 + [20] * 300 + [30] * 400, dtype=ember.uint8).view(1, 10, 100)
        >>> F.equalize(x).unique()
        tensor([  0, 150, 255], dtype=ember.uint8)
    """
    return dispatch(inpt, "equalize", image=_equalize_tensor, pil=F1.equalize)


# which of (v, p, q, t) each of r, g, b takes in the six sectors of the hue circle
_HSV_SECTORS = np.array([[0, 2, 1, 1, 3, 0], [3, 0, 0, 2, 1, 1], [1, 1, 3, 0, 0, 2]])


def _rgb_to_hsv(x):
    # v2's arithmetic, step for step (v1 divides h by 6 where v2 multiplies by 1/6, which rounds differently)
    r, g = x[..., 0, :, :], x[..., 1, :, :]
    maxc, minc = x.max(axis=-3), x.min(axis=-3)
    eqc = maxc == minc
    spread = maxc - minc
    one = x.dtype.type(1)
    s = spread / np.where(eqc, one, maxc)
    rc, gc, bc = np.moveaxis((maxc[..., None, :, :] - x) / np.where(eqc, one, spread)[..., None, :, :], -3, 0)
    not_r, is_g = maxc != r, maxc == g
    h = (bc - gc) * ~not_r + (rc + x.dtype.type(2) - bc) * (is_g & not_r) + (gc + x.dtype.type(4) - rc) * (not_r & ~is_g)
    h = np.fmod(h * x.dtype.type(1.0 / 6.0) + one, one)
    return h, s, maxc


def _hsv_to_rgb(h, s, v):
    one = h.dtype.type(1)
    h6 = h * h.dtype.type(6)
    sector = np.floor(h6)
    f = h6 - sector
    sxf, one_minus_s = s * f, one - s
    q = np.clip((one - sxf) * v, 0, 1)
    t = np.clip((sxf + one_minus_s) * v, 0, 1)
    p = np.clip(one_minus_s * v, 0, 1)
    vpqt = np.stack([v, p, q, t], axis=-3)
    sector = np.remainder(sector.astype(np.int32), 6)
    return np.stack([np.take_along_axis(vpqt, _HSV_SECTORS[c][sector][..., None, :, :], axis=-3)[..., 0, :, :]
                     for c in range(3)], axis=-3)


def _hue_tensor(image, factor):
    if not (-0.5 <= factor <= 0.5):
        raise ValueError(f"hue_factor ({factor}) is not in [-0.5, 0.5].")
    if _channels(image) == 1 or image.numel() == 0:  # as Pillow does
        return image
    arr = image.numpy(force=True)
    if not image.is_floating_point():   # v2 scales by multiplying with 1 / max
        arr = arr.astype(np.float32) * np.float32(1.0 / _max_value(image.dtype))
    h, s, v = _rgb_to_hsv(arr)
    h = np.remainder(h + h.dtype.type(factor), h.dtype.type(1))
    out = _hsv_to_rgb(h, s, v)
    if not image.is_floating_point():
        out = (out * np.float32(_max_value(image.dtype) + 1.0 - 1e-3)).astype(image.numpy(force=True).dtype)
    return ember.from_numpy(out).to(image.device)


def adjust_hue(inpt, hue_factor):
    """Shift the hue by ``hue_factor`` (in [-0.5, 0.5], a fraction of the colour wheel).

    Example:
        >>> from ember.vision.transforms.v2 import functional as F
        >>> F.adjust_hue(ember.tensor([[[1.0]], [[0.0]], [[0.0]]]), 1 / 3).flatten()
        tensor([0., 1., 0.])
    """
    return dispatch(inpt, "adjust_hue", image=lambda img: _hue_tensor(img, hue_factor),
                    pil=lambda img: F1.adjust_hue(img, hue_factor))
