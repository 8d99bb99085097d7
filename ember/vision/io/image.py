"""Image I/O on uint8 tensors: files as 1-D byte tensors, images as ``[C, H, W]``.

torchvision decodes with libpng/libjpeg/giflib/libwebp; ember decodes and encodes with Pillow,
which links libpng-compatible zlib decoding and libjpeg itself. PNG is lossless, so decoded PNG
pixels (8 and 16 bit, palette, alpha) are the stored values, as libpng returns them; JPEG pixels
agree with torchvision's when both use the same libjpeg build and otherwise differ by the IDCT's
rounding; encoded bytes are valid files of the same pixels, not byte-for-byte torchvision's
(zlib and libjpeg settings differ). Colour-to-gray conversion uses Pillow's ITU-R 601-2 weights,
which can differ from libpng's in the last bit.
"""
import io
import os
from enum import Enum

import numpy as np

import ember
from ember.vision._pil import pil_image


class ImageReadMode(Enum):
    """The channels to decode to: UNCHANGED keeps the file's, the others convert (GRAY = 1 channel, ...)."""
    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4
    RGBA = RGB_ALPHA


_PIL_MODE = {ImageReadMode.GRAY: "L", ImageReadMode.GRAY_ALPHA: "LA", ImageReadMode.RGB: "RGB",
             ImageReadMode.RGB_ALPHA: "RGBA"}


def read_file(path):
    """The bytes of the file at ``path`` as a 1-D uint8 tensor."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise RuntimeError(f"No such file or directory: '{path}'")
    with open(path, "rb") as f:
        data = f.read()
    return ember.from_numpy(np.frombuffer(data, dtype=np.uint8).copy())


def write_file(filename, data):
    """Write a 1-D uint8 tensor of bytes to ``filename``."""
    if data.dtype != ember.uint8 or data.dim() != 1:
        raise RuntimeError("Input tensor must be a 1-dimensional uint8 tensor")
    with open(os.fspath(filename), "wb") as f:
        f.write(data.cpu().numpy().tobytes())


def _as_mode(mode):
    return ImageReadMode[mode.upper()] if isinstance(mode, str) else mode


def _bytes(input):
    if not isinstance(input, ember.Tensor):
        raise TypeError(f"Expected a uint8 tensor of encoded bytes, got {type(input)}")
    if input.dtype != ember.uint8:
        raise RuntimeError(f"Expected a torch.uint8 tensor, got {input.dtype}")
    if input.dim() != 1 or input.numel() == 0:
        raise RuntimeError("Expected a non empty 1-dimensional tensor")
    return input.cpu().numpy().tobytes()


def _open(data, expected=None):
    Image = pil_image()
    try:
        img = Image.open(io.BytesIO(data))
        img.load()
    except Exception as e:  # Pillow raises several types for corrupt data
        raise RuntimeError(f"Unsupported image file or corrupt data: {e}") from e
    if expected is not None and img.format not in expected:
        raise RuntimeError(f"Expected a {'/'.join(expected)} image, got {img.format}")
    return img


def _unchanged_mode(img):
    """The Pillow mode that keeps what the file holds (palette expanded, 16-bit kept)."""
    if img.mode == "P":
        return "RGBA" if "transparency" in img.info else "RGB"
    if img.mode in ("1", "L", "LA", "RGB", "RGBA", "I;16", "I;16B"):
        return {"1": "L"}.get(img.mode, img.mode)
    if img.mode == "I" and img.format == "PNG":
        return "I;16"
    if img.mode in ("CMYK", "YCbCr"):
        return "RGB"
    return "RGBA" if "A" in img.mode else "RGB"


def _to_tensor(img, mode, apply_exif_orientation=False):
    if apply_exif_orientation:
        from PIL import ImageOps
        img = ImageOps.exif_transpose(img)
    mode = _as_mode(mode)
    if mode == ImageReadMode.UNCHANGED:
        target = _unchanged_mode(img)
    else:
        target = _PIL_MODE[mode]
        if img.mode.startswith("I;16") or img.mode == "I":
            # NOTE: 16-bit samples reduce to 8 bits before a channel conversion (Pillow converts I;16 to L by clipping)
            img = pil_image().fromarray((np.asarray(img, dtype=np.uint32) >> 8).astype(np.uint8), "L")
    if img.mode != target:
        img = img.convert(target)
    if target.startswith("I;16"):
        # NOTE: ember has no uint16 dtype; 16-bit samples come as int32 holding 0..65535
        arr = np.asarray(img).astype(np.int32)
    else:
        arr = np.asarray(img, dtype=np.uint8)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    return ember.from_numpy(np.ascontiguousarray(arr.transpose(2, 0, 1)))


def decode_png(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """Decode PNG bytes to a ``[C, H, W]`` tensor: uint8, or for 16-bit files int32 holding 0..65535
    (torchvision gives uint16, a dtype ember does not have).
    """
    return _to_tensor(_open(_bytes(input), ("PNG",)), mode, apply_exif_orientation)


def decode_jpeg(input, mode=ImageReadMode.UNCHANGED, device="cpu", apply_exif_orientation=False):
    """Decode JPEG bytes (or a list of them) to ``[C, H, W]`` uint8 tensors."""
    mode = _as_mode(mode)
    device = ember.device(device) if isinstance(device, str) else device
    if isinstance(input, list):
        if len(input) == 0:
            raise ValueError("Input list must contain at least one element")
        if not all(isinstance(t, ember.Tensor) for t in input):
            raise ValueError("All elements of the input list must be tensors.")
        if not all(t.device.type == "cpu" for t in input):
            raise ValueError("Input list must contain tensors on CPU.")
        return [decode_jpeg(t, mode, device, apply_exif_orientation) for t in input]
    if input.device.type != "cpu":
        raise ValueError("Input tensor must be a CPU tensor")
    return _to_tensor(_open(_bytes(input), ("JPEG", "MPO")), mode, apply_exif_orientation).to(device)


def decode_gif(input):
    """Decode GIF bytes: ``[3, H, W]`` for one frame, ``[N, 3, H, W]`` for an animation."""
    img = _open(_bytes(input), ("GIF",))
    frames = []
    for i in range(getattr(img, "n_frames", 1)):
        img.seek(i)
        frames.append(np.asarray(img.convert("RGB"), dtype=np.uint8).transpose(2, 0, 1))
    out = np.stack(frames) if len(frames) > 1 else frames[0]
    return ember.from_numpy(np.ascontiguousarray(out))


def decode_webp(input, mode=ImageReadMode.UNCHANGED):
    """Decode WebP bytes to a ``[C, H, W]`` uint8 tensor."""
    return _to_tensor(_open(_bytes(input), ("WEBP",)), mode)


def decode_image(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """Decode an image of any format Pillow reads (PNG, JPEG, GIF, WebP, ...) from bytes or a path."""
    if not isinstance(input, ember.Tensor):
        input = read_file(str(input))
    img = _open(_bytes(input))
    if img.format == "GIF":
        return decode_gif(input)
    return _to_tensor(img, mode, apply_exif_orientation)


def read_image(path, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """Read and decode the image file at ``path`` to a ``[C, H, W]`` tensor."""
    return decode_image(read_file(path), mode, apply_exif_orientation=apply_exif_orientation)


def _pil_from_chw(input):
    if input.dtype != ember.uint8:
        raise RuntimeError(f"Input tensor dtype should be uint8, got {input.dtype}")
    if input.dim() != 3:
        raise RuntimeError(f"Input data should be a 3-dimensional tensor, got {input.dim()} dims")
    channels = input.size(0)
    if channels not in (1, 3):
        raise RuntimeError(f"The number of channels should be 1 or 3, got: {channels}")
    arr = input.cpu().numpy().transpose(1, 2, 0)
    return pil_image().fromarray(np.ascontiguousarray(arr[:, :, 0] if channels == 1 else arr),
                                 "L" if channels == 1 else "RGB")


def _encoded(img, **save_kwargs):
    buf = io.BytesIO()
    img.save(buf, **save_kwargs)
    return ember.from_numpy(np.frombuffer(buf.getvalue(), dtype=np.uint8).copy())


def encode_png(input, compression_level=6):
    """Encode a ``[C, H, W]`` uint8 tensor (C = 1 or 3) as PNG bytes (1-D uint8 tensor)."""
    if compression_level < 0 or compression_level > 9:
        raise RuntimeError("Compression level should be between 0 and 9")
    return _encoded(_pil_from_chw(input), format="PNG", compress_level=int(compression_level))


def write_png(input, filename, compression_level=6):
    """Encode as PNG and write to ``filename``."""
    write_file(filename, encode_png(input, compression_level))


def encode_jpeg(input, quality=75):
    """Encode a ``[C, H, W]`` uint8 tensor (C = 1 or 3), or a list of them, as JPEG bytes."""
    if quality < 1 or quality > 100:
        raise ValueError("Image quality should be a positive number between 1 and 100")
    if isinstance(input, list):
        if not input:
            raise ValueError("encode_jpeg requires at least one input tensor when a list is passed")
        return [encode_jpeg(t, quality) for t in input]
    return _encoded(_pil_from_chw(input), format="JPEG", quality=int(quality))


def write_jpeg(input, filename, quality=75):
    """Encode as JPEG and write to ``filename``."""
    write_file(filename, encode_jpeg(input, quality))
