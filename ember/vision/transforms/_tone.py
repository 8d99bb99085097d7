"""Hue, sharpness, autocontrast and histogram equalization (torchvision.transforms.functional).

Tensor images use ember ops; PIL images use Pillow (HSV conversion, ImageEnhance, ImageOps) exactly
as torchvision does, so each kind of input gives torchvision's result for that kind.
"""
import numpy as np

import ember
from ember.nn import functional as F
from ember.vision._pil import pil_image
from ember.vision.transforms._color import _assert_channels, _assert_min_3d, _blend, _check_pil, _enhance
from ember.vision.transforms._functional_tensor import _assert_image_tensor, _max_value, convert_image_dtype, \
    get_dimensions


def _rgb_to_hsv(img):
    r, g, b = img.unbind(dim=-3)
    maxc = img.amax(dim=-3)
    minc = img.amin(dim=-3)
    # where max == min (gray), hue and saturation are 0: replace the zero divisors by 1 instead of
    # producing NaN and masking it out afterwards
    gray = maxc == minc
    chroma = maxc - minc
    ones = ember.ones_like(maxc)
    s = chroma / ember.where(gray, ones, maxc)
    divisor = ember.where(gray, ones, chroma)
    rc, gc, bc = (maxc - r) / divisor, (maxc - g) / divisor, (maxc - b) / divisor
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = ember.fmod((hr + hg + hb) / 6.0 + 1.0, 1.0)
    return ember.stack((h, s, maxc), dim=-3)


def _hsv_to_rgb(img):
    h, s, v = img.unbind(dim=-3)
    i = ember.floor(h * 6.0)
    f = h * 6.0 - i
    i = i.to(ember.int32) % 6
    p = (v * (1.0 - s)).clamp(0.0, 1.0)
    q = (v * (1.0 - s * f)).clamp(0.0, 1.0)
    t = (v * (1.0 - s * (1.0 - f))).clamp(0.0, 1.0)
    # the sector i (0..5) of the hue picks which of v, p, q, t goes to each of r, g, b
    sector = (i.unsqueeze(-3) == ember.arange(6, device=i.device).view(-1, 1, 1)).to(img.dtype)
    table = ember.stack((ember.stack((v, q, p, p, t, v), dim=-3), ember.stack((t, v, v, q, p, p), dim=-3),
                         ember.stack((p, p, t, v, v, q), dim=-3)), dim=-4)
    return ember.einsum("...ijk, ...xijk -> ...xjk", sector, table)


def adjust_hue(img, hue_factor):
    """Rotate the hue by ``hue_factor`` turns (in [-0.5, 0.5]; +-0.5 gives the complementary colours).

    Args:
        img (PIL Image or Tensor): RGB image (single-channel images come back unchanged).
        hue_factor (float): shift of the hue channel, in [-0.5, 0.5].

    Returns:
        PIL Image or Tensor: the hue-shifted image, same dtype.

    Example:
        >>> import ember.vision.transforms.functional as TF
        >>> TF.adjust_hue(ember.tensor([[[1.0]], [[0.0]], [[0.0]]]), 1 / 3).flatten()
        tensor([0., 1., 0.])
    """
    if not (-0.5 <= hue_factor <= 0.5):
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    if not isinstance(img, ember.Tensor):
        _check_pil(img)
        if img.mode in {"L", "1", "I", "F"}:
            return img
        mode = img.mode
        Image = pil_image()
        h, s, v = img.convert("HSV").split()
        # uint8 arithmetic wraps around, which is the cyclic shift of the hue wanted here
        np_h = np.array(h, dtype=np.uint8) + np.int32(hue_factor * 255).astype(np.uint8)
        return Image.merge("HSV", (Image.fromarray(np_h), s, v)).convert(mode)
    _assert_image_tensor(img)
    _assert_channels(img, [1, 3])
    if get_dimensions(img)[0] == 1:  # as Pillow: nothing to rotate in a gray image
        return img
    orig_dtype = img.dtype
    hsv = _rgb_to_hsv(convert_image_dtype(img, ember.float32))
    h, s, v = hsv.unbind(dim=-3)
    rgb = _hsv_to_rgb(ember.stack(((h + hue_factor) % 1.0, s, v), dim=-3))
    return convert_image_dtype(rgb, orig_dtype)


def _smoothed(img):
    # Pillow's SMOOTH filter (3x3, centre weight 5, sum 13) on the interior; the one-pixel border is kept
    dtype = img.dtype if img.is_floating_point() else ember.float32
    kernel = ember.ones((3, 3), dtype=dtype, device=img.device)
    kernel[1, 1] = 5.0
    kernel = (kernel / kernel.sum()).expand(img.shape[-3], 1, 3, 3)
    x = img if img.ndim >= 4 else img.unsqueeze(0)
    lead = tuple(x.shape[:-3])
    x = x.reshape((-1,) + tuple(x.shape[-3:])).to(dtype)
    inner = F.conv2d(x, kernel, groups=x.shape[-3])
    inner = inner.reshape(lead + tuple(inner.shape[1:]))
    if img.ndim < 4:
        inner = inner.squeeze(0)
    if dtype != img.dtype:
        inner = ember.round(inner).to(img.dtype)
    out = img.clone()
    out[..., 1:-1, 1:-1] = inner
    return out


def adjust_sharpness(img, sharpness_factor):
    """Blend with a smoothed copy: 0 blurs, 1 is the original, 2 doubles the sharpness.

    Args:
        img (PIL Image or Tensor): image with 1 or 3 channels in dim -3.
        sharpness_factor (float): non-negative factor.

    Returns:
        PIL Image or Tensor: the adjusted image.

    Example:
        >>> import ember.vision.transforms.functional as TF
        >>> x = ember.zeros(1, 3, 3); x[0, 1, 1] = 13.0
        >>> TF.adjust_sharpness(x / 13, 0.0)[0, 1, 1]
        tensor(0.3846)
    """
    if not isinstance(img, ember.Tensor):
        return _enhance(img, "Sharpness", sharpness_factor)
    if sharpness_factor < 0:
        raise ValueError(f"sharpness_factor ({sharpness_factor}) is not non-negative.")
    _assert_image_tensor(img)
    _assert_channels(img, [1, 3])
    if img.shape[-1] <= 2 or img.shape[-2] <= 2:
        return img
    return _blend(img, _smoothed(img), sharpness_factor)


def autocontrast(img):
    """Stretch each channel so that its darkest pixel becomes 0 and its lightest the maximum.

    Args:
        img (PIL Image or Tensor): image with 1 or 3 channels in dim -3.

    Returns:
        PIL Image or Tensor: the stretched image (constant channels are left as they are).

    Example:
        >>> import ember.vision.transforms.functional as TF
        >>> TF.autocontrast(ember.tensor([[[0.25, 0.5, 0.75]]]))
        tensor([[[0.0000, 0.5000, 1.0000]]])
    """
    if not isinstance(img, ember.Tensor):
        from PIL import ImageOps
        _check_pil(img)
        return ImageOps.autocontrast(img)
    _assert_image_tensor(img)
    _assert_min_3d(img)
    _assert_channels(img, [1, 3])
    bound = _max_value(img.dtype)
    dtype = img.dtype if img.is_floating_point() else ember.float32
    minimum = img.amin(dim=(-2, -1), keepdim=True).to(dtype)
    maximum = img.amax(dim=(-2, -1), keepdim=True).to(dtype)
    # PyTorch evaluates ``number / tensor`` as ``tensor.reciprocal() * number``; the same float32 steps here
    scale = (maximum - minimum).reciprocal() * bound
    flat = ember.isfinite(scale).logical_not()  # constant channel: leave it unchanged
    minimum = ember.where(flat, ember.zeros_like(minimum), minimum)
    scale = ember.where(flat, ember.ones_like(scale), scale)
    return ((img - minimum) * scale).clamp(0, bound).to(img.dtype)


def _equalize_channel(chan):
    # Pillow's equalization: a lookup table from the cumulative histogram, in steps of
    # (pixels not in the last occupied bin) // 255
    values = chan.numpy(force=True)
    hist = np.bincount(values.reshape(-1), minlength=256)
    nonzero = hist[hist != 0]
    step = int(nonzero[:-1].sum()) // 255
    if step == 0:
        return values
    lut = (np.cumsum(hist) + step // 2) // step
    lut = np.clip(np.concatenate(([0], lut[:-1])), 0, 255)
    return lut[values].astype(np.uint8)


def equalize(img):
    """Equalize the histogram of each channel of a uint8 image.

    Args:
        img (PIL Image or Tensor): uint8 image ``[C, H, W]`` or ``[N, C, H, W]`` with 1 or 3 channels.

    Returns:
        PIL Image or Tensor: the equalized image.

    Example:
        >>> import ember.vision.transforms.functional as TF
        >>> x = ember.tensor([10] * 300 + [20] * 300 + [30] * 400, dtype=ember.uint8).view(1, 10, 100)
        >>> TF.equalize(x).unique()
        tensor([  0, 150, 255], dtype=ember.uint8)
    """
    if not isinstance(img, ember.Tensor):
        from PIL import ImageOps
        _check_pil(img)
        return ImageOps.equalize(img)
    _assert_image_tensor(img)
    if not (3 <= img.ndim <= 4):
        raise TypeError(f"Input image tensor should have 3 or 4 dimensions, but found {img.ndim}")
    if img.dtype != ember.uint8:
        raise TypeError(f"Only ember.uint8 image tensors are supported, but found {img.dtype}")
    _assert_channels(img, [1, 3])
    flat = img.reshape((-1,) + tuple(img.shape[-2:]))
    out = np.stack([_equalize_channel(flat[k]) for k in range(flat.shape[0])])
    return ember.from_numpy(out.reshape(tuple(img.shape))).to(img.device)
