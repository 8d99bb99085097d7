"""AVIF and HEIC decoding (torchvision.io.decode_avif / decode_heic) through Pillow.

torchvision decodes these with its optional torchvision-extra-decoders package; ember uses Pillow,
which reads AVIF itself from version 11.3 (when built with libavif) and HEIC through the
pillow-heif plugin. As torchvision's decoders do, both give RGB or RGBA: the gray modes are read
as UNCHANGED, and UNCHANGED keeps the alpha channel only where the file has one. Pillow decodes
to 8 bits per sample, so files of 10 or 12 bits come as uint8 where torchvision gives uint16
(a dtype ember does not have).
"""
import numpy as np

import ember
from ember.vision.io.image import ImageReadMode, _as_mode, _open
from ember.vision._pil import pil_image

_NEEDS = {
    "AVIF": "Pillow 11.3 or newer built with AVIF support (`pip install -U pillow`)",
    "HEIC": "the pillow-heif plugin (`pip install pillow-heif`)",
}


def _unavailable(kind):
    return RuntimeError(f"In order to enable the {kind} decoding capabilities of ember.vision, you need "
                        f"{_NEEDS[kind]}. Just install the package, you don't need to update your code.")


def _avif_supported():
    pil_image()
    try:
        from PIL import AvifImagePlugin
    except ImportError:
        return False
    return bool(getattr(AvifImagePlugin, "SUPPORTED", False))


def _heif_supported():
    pil_image()
    try:
        import pillow_heif
    except ImportError:
        return False
    pillow_heif.register_heif_opener()
    return True


def _validated_bytes(input):
    if input.dtype != ember.uint8:
        raise RuntimeError(f"Input tensor must have uint8 data type, got {input.dtype}")
    if input.dim() != 1 or input.numel() == 0:
        raise RuntimeError(f"Input tensor must be 1-dimensional and non-empty, got {input.dim()} dims  and "
                           f"{input.numel()} numels.")
    return input.cpu().numpy().tobytes()


def _rgb_or_rgba(img, mode):
    mode = _as_mode(mode)
    if mode == ImageReadMode.RGB:
        target = "RGB"
    elif mode == ImageReadMode.RGB_ALPHA:
        target = "RGBA"
    else:  # UNCHANGED and the gray modes: alpha only where the file has it
        has_alpha = img.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in img.info
        target = "RGBA" if has_alpha else "RGB"
    if img.mode != target:
        img = img.convert(target)
    return ember.from_numpy(np.ascontiguousarray(np.asarray(img, dtype=np.uint8).transpose(2, 0, 1)))


def _decode(input, mode, kind, formats):
    img = _open(_validated_bytes(input), formats)
    if getattr(img, "n_frames", 1) != 1:
        raise RuntimeError(f"{kind.capitalize()} file contains more than one image")
    return _rgb_or_rgba(img, mode)


def decode_avif(input, mode=ImageReadMode.UNCHANGED):
    """Decode AVIF bytes (a 1-D uint8 tensor) to a ``[3 or 4, H, W]`` uint8 RGB[A] tensor.

    Args:
        input (Tensor[1]): the raw bytes of the AVIF file.
        mode (ImageReadMode or str): RGB, RGB_ALPHA, or UNCHANGED (RGBA where the file has alpha,
            otherwise RGB); the gray modes act as UNCHANGED.

    Raises:
        RuntimeError: where Pillow cannot read AVIF (it needs version 11.3 or newer built with libavif).
    """
    if not _avif_supported():
        raise _unavailable("AVIF")
    return _decode(input, mode, "avif", ("AVIF",))


def decode_heic(input, mode=ImageReadMode.UNCHANGED):
    """Decode HEIC bytes (a 1-D uint8 tensor) to a ``[3 or 4, H, W]`` uint8 RGB[A] tensor.

    Args:
        input (Tensor[1]): the raw bytes of the HEIC file.
        mode (ImageReadMode or str): RGB, RGB_ALPHA, or UNCHANGED (RGBA where the file has alpha,
            otherwise RGB); the gray modes act as UNCHANGED.

    Raises:
        RuntimeError: where the pillow-heif plugin is not installed.
    """
    if not _heif_supported():
        raise _unavailable("HEIC")
    return _decode(input, mode, "heic", ("HEIF", "HEIC"))
