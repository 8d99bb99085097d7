"""Small files in the datasets' real formats, and item-by-item comparison with torchvision on the same folder."""
import hashlib
import importlib.util
import os

import numpy as np
import pytest

needs_scipy = pytest.mark.skipif(importlib.util.find_spec("scipy") is None, reason="needs SciPy")


def write_image(path, seed, fmt="JPEG", size=(5, 6), mode="RGB"):
    """A random image saved at ``path`` (folders made); returns its pixels as read back (lossy formats differ)."""
    from PIL import Image
    os.makedirs(os.path.dirname(str(path)), exist_ok=True)
    shape = size + ((3,) if mode == "RGB" else ())
    Image.fromarray(np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)).save(str(path), fmt)
    return np.asarray(Image.open(str(path)).convert(mode))


def md5(path):
    return hashlib.md5(open(path, "rb").read()).hexdigest()


def write_text(path, text):
    os.makedirs(os.path.dirname(str(path)), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def savemat(path, data):
    from scipy.io import savemat as scipy_savemat
    os.makedirs(os.path.dirname(str(path)), exist_ok=True)
    scipy_savemat(str(path), data)


def plain(value):
    """A comparable form: PIL images as (mode, pixels), tensors and arrays as NumPy arrays, containers recursively."""
    if type(value).__module__.startswith("PIL"):
        return ("PIL", value.mode, np.asarray(value).tolist())
    if hasattr(value, "numpy") and callable(value.numpy):
        # NOTE: tv_tensors keep their kind, and boxes their format and canvas, in the comparison.
        kind = type(value).__name__ if type(value).__name__ not in ("Tensor", "ndarray") else "tensor"
        extra = (str(getattr(value, "format", "")).split(".")[-1], tuple(getattr(value, "canvas_size", ()) or ()))
        return (kind, extra) + plain(value.numpy())[1:]
    if isinstance(value, np.ndarray):
        return ("array", str(value.dtype), value.shape, value.tolist())
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, [plain(v) for v in value])
    if isinstance(value, dict):
        return ("dict", {k: plain(v) for k, v in value.items()})
    if isinstance(value, (np.integer, np.floating)):
        return (type(value).__name__, value.item())
    return (type(value).__name__, value)


def assert_same_as_torchvision(ours, name, root, *args, **kwargs):
    """torchvision's ``name`` built on the same files gives the same length, items, classes and printed form."""
    tv_datasets = pytest.importorskip("torchvision.datasets")
    theirs = getattr(tv_datasets, name)(*args, **kwargs)
    assert len(ours) == len(theirs)
    for i in range(len(ours)):
        assert plain(ours[i]) == plain(theirs[i]), (name, i)
    for attr in ("classes", "class_to_idx", "categories"):
        assert getattr(ours, attr, None) == getattr(theirs, attr, None), attr
    assert repr(ours).replace(str(root), "R") == repr(theirs).replace(str(root), "R")
    return theirs


def write_flo(path, flow):
    """A Middlebury .flo file for a float32 ``[2, H, W]`` flow."""
    os.makedirs(os.path.dirname(str(path)), exist_ok=True)
    _, h, w = flow.shape
    with open(path, "wb") as f:
        f.write(b"PIEH" + np.array([w, h], "<i4").tobytes() + flow.transpose(1, 2, 0).astype("<f4").tobytes())


def write_pfm(path, data, little_endian=True):
    """A .pfm file for a float32 ``[C, H, W]`` array (C 1 or 3), rows stored bottom-up."""
    os.makedirs(os.path.dirname(str(path)), exist_ok=True)
    c, h, w = data.shape
    dtype = "<f4" if little_endian else ">f4"
    with open(path, "wb") as f:
        scale = b"-1.0\n" if little_endian else b"1.0\n"
        f.write((b"PF" if c == 3 else b"Pf") + b"\n" + f"{w} {h}\n".encode() + scale)
        f.write(np.flip(data.transpose(1, 2, 0), axis=0).astype(dtype).tobytes())


def write_png_16bit_rgb(path, arr, filters=(0, 1, 2, 3, 4)):
    """A 16-bit RGB PNG of a uint16 ``[H, W, 3]`` array, cycling through every PNG row filter."""
    import struct
    import zlib
    os.makedirs(os.path.dirname(str(path)), exist_ok=True)
    h, w, _ = arr.shape
    data, stride, raw = arr.astype(">u2").tobytes(), w * 6, b""
    prev = bytes(stride)
    for y in range(h):
        row, kind = data[y * stride:(y + 1) * stride], filters[y % len(filters)]
        out = bytearray(stride)
        for x in range(stride):
            a, b, c = (row[x - 6] if x >= 6 else 0), prev[x], (prev[x - 6] if x >= 6 else 0)
            p = a + b - c
            predictor = [0, a, b, (a + b) >> 1,
                         a if abs(p - a) <= abs(p - b) and abs(p - a) <= abs(p - c) else b if abs(p - b) <= abs(p - c)
                         else c][kind]
            out[x] = (row[x] - predictor) & 0xFF
        raw += bytes([kind]) + bytes(out)
        prev = row

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
