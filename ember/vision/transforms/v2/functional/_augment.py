"""v2 jpeg and gaussian_noise: JPEG round trips (through Pillow) and additive noise of images and videos."""
import io

import ember
from ember.vision._pil import pil_image
from ember.vision.transforms.v2.functional._dispatch import dispatch


def _jpeg_tensor(image, quality):
    from ember.vision.io import decode_jpeg, encode_jpeg
    if image.ndim < 3:
        raise ValueError(f"Expected an image with at least 3 dimensions [..., C, H, W], got shape {tuple(image.shape)}")
    flat = image.reshape((-1,) + tuple(image.shape[-3:]))
    if flat.shape[0] == 0:
        return image.clone()
    frames = [decode_jpeg(encode_jpeg(frame, quality=quality)) for frame in flat]
    return ember.stack(frames, dim=0).reshape(image.shape)


def _jpeg_pil(image, quality):
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return pil_image().open(buffer).copy()


def jpeg(image, quality):
    """Compress ``image`` (uint8 ``[..., 1 or 3, H, W]`` tensors, or PIL images) to JPEG at ``quality``
    (1 to 100) and decode it again. Needs Pillow, ember.vision's JPEG codec.

    Example:
        >>> from ember.vision.transforms.v2 import functional as F
        >>> F.jpeg(ember.full((3, 8, 8), 128, dtype=ember.uint8), quality=90).unique().tolist()
        [128]
    """
    return dispatch(image, "jpeg", image=lambda img: _jpeg_tensor(img, quality),
                    pil=lambda img: _jpeg_pil(img, quality))


def _noise_tensor(image, mean, sigma, clip):
    if sigma < 0:
        raise ValueError(f"sigma shouldn't be negative. Got {sigma}")
    if image.is_floating_point():
        out = image + (mean + ember.randn_like(image) * sigma)
        return ember.clamp(out, 0, 1) if clip else out
    if image.dtype == ember.uint8:
        # the noise is drawn in float32 and truncated to int16 before it is added
        noise = ((mean * 255) + ember.randn_like(image, dtype=ember.float32) * (sigma * 255)).to(ember.int16)
        out = image + noise
        return (ember.clamp(out, 0, 255) if clip else out).to(ember.uint8)
    raise ValueError(f"Input tensor is expected to be in uint8 or float dtype, got dtype={image.dtype}")


def _no_pil(img):
    raise ValueError("Gaussian Noise is not implemented for PIL images.")


def gaussian_noise(inpt, mean=0.0, sigma=0.1, clip=True):
    """Add noise drawn from N(``mean``, ``sigma``) to float images in [0, 1] (uint8 images: the same
    on the 0..255 scale), clipping to the valid range when ``clip``.

    Example:
        >>> from ember.vision.transforms.v2 import functional as F
        >>> F.gaussian_noise(ember.zeros(1, 2, 2), sigma=0.0)
        tensor([[[0., 0.],
                 [0., 0.]]])
    """
    return dispatch(inpt, "gaussian_noise", image=lambda img: _noise_tensor(img, mean, sigma, clip), pil=_no_pil)
