"""Photometric adjustments (brightness, contrast, saturation, gamma, invert, posterize, solarize).

Tensor images go through ember ops on the whole array at once; PIL images use Pillow's own
ImageEnhance/ImageOps, as torchvision does, so results match torchvision on either input kind.
"""
import ember
from ember.vision._pil import is_pil_image
from ember.vision.transforms._functional_tensor import _max_value, convert_image_dtype, get_dimensions, \
    rgb_to_grayscale


def _assert_channels(img, permitted):
    c = get_dimensions(img)[0]
    if c not in permitted:
        raise TypeError(f"Input image tensor permitted channel values are {permitted}, but found {c}")


def _assert_min_3d(img):
    if img.ndim < 3:
        raise TypeError(f"Input image tensor should have at least 3 dimensions, but found {img.ndim}")


def _blend(img1, img2, ratio):
    # ratio * img1 + (1 - ratio) * img2, clamped to the dtype's range and cast back (truncating ints)
    ratio = float(ratio)
    bound = 1.0 if img1.is_floating_point() else float(_max_value(img1.dtype))
    return (ratio * img1 + (1.0 - ratio) * img2).clamp(0, bound).to(img1.dtype)


def _check_pil(img):
    if not is_pil_image(img):
        raise TypeError(f"img should be PIL Image. Got {type(img)}")


def _enhance(img, kind, factor):
    from PIL import ImageEnhance
    _check_pil(img)
    return getattr(ImageEnhance, kind)(img).enhance(factor)


def adjust_brightness(img, brightness_factor):
    """Scale intensities by ``brightness_factor`` (0 gives black, 1 the original).

    Args:
        img (PIL Image or Tensor): image with 1 or 3 channels in dim -3.
        brightness_factor (float): non-negative factor.

    Returns:
        PIL Image or Tensor: the adjusted image, same type and dtype.

    Example:
        >>> import ember.vision.transforms.functional as TF
        >>> TF.adjust_brightness(ember.full((1, 1, 2), 0.4), 2.0)
        tensor([[[0.8000, 0.8000]]])
    """
    if not isinstance(img, ember.Tensor):
        return _enhance(img, "Brightness", brightness_factor)
    if brightness_factor < 0:
        raise ValueError(f"brightness_factor ({brightness_factor}) is not non-negative.")
    _assert_channels(img, [1, 3])
    return _blend(img, ember.zeros_like(img), brightness_factor)


def adjust_contrast(img, contrast_factor):
    """Blend with the image's mean gray level (0 gives uniform gray, 1 the original).

    Args:
        img (PIL Image or Tensor): image with 1 or 3 channels in dim -3.
        contrast_factor (float): non-negative factor.

    Returns:
        PIL Image or Tensor: the adjusted image.

    Example:
        >>> import ember.vision.transforms.functional as TF
        >>> TF.adjust_contrast(ember.tensor([[[0.0, 1.0]]]), 0.5)
        tensor([[[0.2500, 0.7500]]])
    """
    if not isinstance(img, ember.Tensor):
        return _enhance(img, "Contrast", contrast_factor)
    if contrast_factor < 0:
        raise ValueError(f"contrast_factor ({contrast_factor}) is not non-negative.")
    _assert_channels(img, [3, 1])
    dtype = img.dtype if img.is_floating_point() else ember.float32
    gray = rgb_to_grayscale(img) if get_dimensions(img)[0] == 3 else img
    mean = ember.mean(gray.to(dtype), dim=(-3, -2, -1), keepdim=True)
    return _blend(img, mean, contrast_factor)


def adjust_saturation(img, saturation_factor):
    """Blend with the grayscale image (0 gives gray, 1 the original, 2 doubles saturation).

    Args:
        img (PIL Image or Tensor): image with 1 or 3 channels in dim -3.
        saturation_factor (float): non-negative factor.

    Returns:
        PIL Image or Tensor: the adjusted image (single-channel images come back unchanged).

    Example:
        >>> import ember.vision.transforms.functional as TF
        >>> TF.adjust_saturation(ember.tensor([[[1.0]], [[0.0]], [[0.0]]]), 0.0).flatten()
        tensor([0.2989, 0.2989, 0.2989])
    """
    if not isinstance(img, ember.Tensor):
        return _enhance(img, "Color", saturation_factor)
    if saturation_factor < 0:
        raise ValueError(f"saturation_factor ({saturation_factor}) is not non-negative.")
    _assert_channels(img, [1, 3])
    if get_dimensions(img)[0] == 1:  # PIL leaves single-channel images alone too
        return img
    return _blend(img, rgb_to_grayscale(img), saturation_factor)


def adjust_gamma(img, gamma, gain=1):
    """Gamma correction ``gain * img ** gamma`` on intensities scaled to [0, 1].

    Args:
        img (PIL Image or Tensor): image with 1 or 3 channels in dim -3.
        gamma (float): non-negative exponent; below 1 brightens dark regions.
        gain (float): multiplier. Default: 1.

    Returns:
        PIL Image or Tensor: the corrected image, same dtype.

    Example:
        >>> import ember.vision.transforms.functional as TF
        >>> TF.adjust_gamma(ember.tensor([[[0.25, 1.0]]]), 0.5)
        tensor([[[0.5000, 1.0000]]])
    """
    if not isinstance(img, ember.Tensor):
        _check_pil(img)
        if gamma < 0:
            raise ValueError("Gamma should be a non-negative real number")
        mode = img.mode
        # a 256-entry lookup table per channel, applied by Pillow
        table = [int((255 + 1 - 1e-3) * gain * pow(v / 255.0, gamma)) for v in range(256)] * 3
        return img.convert("RGB").point(table).convert(mode)
    _assert_channels(img, [1, 3])
    if gamma < 0:
        raise ValueError("Gamma should be a non-negative real number")
    dtype = img.dtype
    result = img if img.is_floating_point() else convert_image_dtype(img, ember.float32)
    result = (gain * result.pow(gamma)).clamp(0, 1)
    return convert_image_dtype(result, dtype)


def invert(img):
    """Negative of the image: ``max - img`` (max is 1 for float images, 255 for uint8).

    Args:
        img (PIL Image or Tensor): image with 1 or 3 channels in dim -3.

    Returns:
        PIL Image or Tensor: the inverted image.

    Example:
        >>> import ember.vision.transforms.functional as TF
        >>> TF.invert(ember.tensor([[[0, 100, 255]]], dtype=ember.uint8))
        tensor([[[255, 155,   0]]], dtype=ember.uint8)
    """
    if not isinstance(img, ember.Tensor):
        from PIL import ImageOps
        _check_pil(img)
        return ImageOps.invert(img)
    _assert_min_3d(img)
    _assert_channels(img, [1, 3])
    bound = 1.0 if img.is_floating_point() else _max_value(img.dtype)
    return bound - img


def posterize(img, bits):
    """Keep only the ``bits`` most significant bits of each uint8 channel value.

    Args:
        img (PIL Image or Tensor): uint8 image with 1 or 3 channels in dim -3.
        bits (int): number of bits to keep, 0 to 8.

    Returns:
        PIL Image or Tensor: the posterized image.

    Example:
        >>> import ember.vision.transforms.functional as TF
        >>> TF.posterize(ember.tensor([[[7, 200]]], dtype=ember.uint8), 2)
        tensor([[[  0, 192]]], dtype=ember.uint8)
    """
    if not (0 <= bits <= 8):
        raise ValueError(f"The number if bits should be between 0 and 8. Got {bits}")
    if not isinstance(img, ember.Tensor):
        from PIL import ImageOps
        _check_pil(img)
        return ImageOps.posterize(img, bits)
    _assert_min_3d(img)
    if img.dtype != ember.uint8:
        raise TypeError(f"Only ember.uint8 image tensors are supported, but found {img.dtype}")
    _assert_channels(img, [1, 3])
    keep = (0xFF << (8 - bits)) & 0xFF  # high ``bits`` bits set
    return img & keep


def solarize(img, threshold):
    """Invert every value at or above ``threshold``.

    Args:
        img (PIL Image or Tensor): image with 1 or 3 channels in dim -3.
        threshold (float): values ``>= threshold`` are inverted.

    Returns:
        PIL Image or Tensor: the solarized image.

    Example:
        >>> import ember.vision.transforms.functional as TF
        >>> TF.solarize(ember.tensor([[[0.2, 0.8]]]), 0.5)
        tensor([[[0.2000, 0.2000]]])
    """
    if not isinstance(img, ember.Tensor):
        from PIL import ImageOps
        _check_pil(img)
        return ImageOps.solarize(img, threshold)
    _assert_min_3d(img)
    _assert_channels(img, [1, 3])
    bound = 1.0 if img.is_floating_point() else _max_value(img.dtype)
    if threshold > bound:
        raise TypeError("Threshold should be less than bound of img.")
    return ember.where(img >= threshold, invert(img), img)
