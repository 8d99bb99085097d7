"""v2 photometric and per-pixel functionals: images and videos are changed, masks, boxes and key
points pass through unchanged."""
import ember
from ember.vision.transforms import _geometry
from ember.vision.transforms import functional as F1
from ember.vision.transforms.v2.functional._dispatch import dispatch


def normalize(inpt, mean, std, inplace=False):
    """(x - mean) / std per channel of a float image or video (PIL images are refused: convert first)."""
    def image(img):
        if not isinstance(img, ember.Tensor):
            raise TypeError(f"Functional F.normalize does not support inputs of type {type(img)}.")
        if not img.is_floating_point():
            raise TypeError(f"Input tensor should be a float tensor. Got {img.dtype}.")
        zero_std = (not all(std)) if isinstance(std, (tuple, list)) else \
            (std == 0 if isinstance(std, (int, float)) else False)
        if zero_std:
            raise ValueError("std evaluated to zero, leading to division by zero.")
        return F1.normalize(img, mean, std, inplace)
    return dispatch(inpt, "normalize", image=image)


def gaussian_blur(inpt, kernel_size, sigma=None):
    """Blur with a Gaussian kernel; ``sigma=None`` takes ``0.15 * kernel_size + 0.35`` per axis."""
    def image(img):
        return _geometry._gaussian_blur(img, kernel_size, sigma, _geometry._gaussian_kernel1d_v2)
    return dispatch(inpt, "gaussian_blur", image=image)


def adjust_brightness(inpt, brightness_factor):
    """Scale the brightness by ``brightness_factor`` (0 gives black, 1 the original)."""
    return dispatch(inpt, "adjust_brightness", image=lambda img: F1.adjust_brightness(img, brightness_factor))


def adjust_gamma(inpt, gamma, gain=1):
    """``gain * x ** gamma`` on values scaled to [0, 1]."""
    return dispatch(inpt, "adjust_gamma", image=lambda img: F1.adjust_gamma(img, gamma, gain))


def invert(inpt):
    """The negative of an image: ``max_value - x``."""
    return dispatch(inpt, "invert", image=F1.invert)


def erase(inpt, i, j, h, w, v, inplace=False):
    """Overwrite a box of an image or video with ``v`` (PIL images go through a tensor and back)."""
    def pil(img):
        return F1.to_pil_image(F1.erase(F1.pil_to_tensor(img), i, j, h, w, v, inplace), mode=img.mode)
    return dispatch(inpt, "erase", image=lambda img: F1.erase(img, i, j, h, w, v, inplace), pil=pil)


def grayscale_to_rgb(inpt):
    """Repeat a single channel three times (RGB images pass through)."""
    def image(img):
        if isinstance(img, ember.Tensor):
            return img if img.shape[-3] == 3 else ember.cat([img] * 3, dim=-3)
        return img.convert("RGB")
    return dispatch(inpt, "grayscale_to_rgb", image=image, video=None)


def permute_channels(inpt, permutation):
    """Reorder the channels of an image or video (``permutation`` lists the source channel of each output)."""
    def image(img):
        if not isinstance(img, ember.Tensor):
            from ember.vision.transforms.functional import pil_to_tensor, to_pil_image
            return to_pil_image(image(pil_to_tensor(img)), mode=img.mode)
        channels = img.shape[-3]
        if len(permutation) != channels:
            raise ValueError(f"Length of permutation does not match number of channels: {len(permutation)} != "
                             f"{channels}")
        order = permutation.tolist() if isinstance(permutation, ember.Tensor) else list(permutation)
        return img[..., order, :, :]
    return dispatch(inpt, "permute_channels", image=image)
