"""v2 photometric and per-pixel functionals: images and videos are changed, masks, boxes and key
points pass through unchanged."""
import ember
from ember.vision.transforms import functional as F1
from ember.vision.transforms.v2.functional._dispatch import dispatch


def _image_only(name, fn):
    def apply(inpt, *args, **kwargs):
        return dispatch(inpt, name, image=lambda img: fn(img, *args, **kwargs))
    apply.__name__ = name
    apply.__doc__ = f"{fn.__doc__.splitlines()[0]} (images and videos only; other inputs pass through)."
    return apply


normalize = _image_only("normalize", F1.normalize)
gaussian_blur = _image_only("gaussian_blur", F1.gaussian_blur)
adjust_brightness = _image_only("adjust_brightness", F1.adjust_brightness)
adjust_hue = _image_only("adjust_hue", F1.adjust_hue)
adjust_gamma = _image_only("adjust_gamma", F1.adjust_gamma)
invert = _image_only("invert", F1.invert)


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
        return img[..., list(permutation), :, :]
    return dispatch(inpt, "permute_channels", image=image)
