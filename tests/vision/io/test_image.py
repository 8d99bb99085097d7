"""ember.vision.io: reading, decoding and encoding images in the real file formats (written here with Pillow)."""
import io

import numpy as np
import pytest

import ember
from ember.vision.io import (ImageReadMode, decode_gif, decode_image, decode_jpeg, decode_png, encode_jpeg,
                             encode_png, read_file, read_image, write_file, write_jpeg, write_png)
from tests.vision._helpers import needs_pil

pytestmark = needs_pil
rng = np.random.default_rng(0)


def _encoded(img, fmt, **kwargs):
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kwargs)
    return ember.from_numpy(np.frombuffer(buf.getvalue(), dtype=np.uint8).copy())


def _pil(arr, mode):
    from PIL import Image
    return Image.fromarray(arr, mode)


def _gray(rgb):
    # ITU-R 601-2 luma in Pillow's fixed point
    r, g, b = (rgb[..., i].astype(np.uint32) for i in range(3))
    return ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16).astype(np.uint8)


def test_png_modes_decode_to_the_pixels_written():
    rgba = rng.integers(0, 256, (5, 7, 4), dtype=np.uint8)
    data = _encoded(_pil(rgba, "RGBA"), "PNG")
    assert np.array_equal(decode_png(data).numpy(), rgba.transpose(2, 0, 1))
    assert np.array_equal(decode_png(data, ImageReadMode.RGB).numpy(), rgba[..., :3].transpose(2, 0, 1))
    gray = decode_png(data, ImageReadMode.GRAY).numpy()
    assert gray.shape == (1, 5, 7) and np.array_equal(gray[0], _gray(rgba))
    assert decode_png(data, "gray_alpha").shape == (2, 5, 7)
    assert np.array_equal(decode_png(data, ImageReadMode.GRAY_ALPHA).numpy()[1], rgba[..., 3])
    gray_img = rng.integers(0, 256, (4, 3), dtype=np.uint8)
    decoded = decode_png(_encoded(_pil(gray_img, "L"), "PNG"))
    assert decoded.shape == (1, 4, 3) and decoded.dtype == ember.uint8 and np.array_equal(decoded[0].numpy(), gray_img)
    assert np.array_equal(decode_png(_encoded(_pil(gray_img, "L"), "PNG"), ImageReadMode.RGB).numpy(),
                          np.repeat(gray_img[None], 3, 0))


def test_png_palette_and_16_bit():
    from PIL import Image
    palette = rng.integers(0, 256, (4, 3), dtype=np.uint8)
    index = rng.integers(0, 4, (6, 5), dtype=np.uint8)
    img = Image.fromarray(index, "P")
    img.putpalette(palette.ravel().tolist())
    assert np.array_equal(decode_png(_encoded(img, "PNG")).numpy(), palette[index].transpose(2, 0, 1))
    deep = rng.integers(0, 65536, (3, 4), dtype=np.uint16)
    data = _encoded(Image.fromarray(deep), "PNG")
    decoded = decode_png(data)
    assert decoded.dtype == ember.int32 and np.array_equal(decoded[0].numpy(), deep)
    assert np.array_equal(decode_png(data, ImageReadMode.GRAY)[0].numpy(), (deep >> 8).astype(np.uint8))


def test_encode_png_roundtrips_and_writes_files(tmp_path):
    x = ember.from_numpy(rng.integers(0, 256, (3, 8, 9), dtype=np.uint8))
    for level in (0, 6, 9):
        data = encode_png(x, compression_level=level)
        assert data.dtype == ember.uint8 and data.dim() == 1 and bytes(data[:8].tolist()) == b"\x89PNG\r\n\x1a\n"
        assert ember.equal(decode_png(data), x)
    assert len(encode_png(x, 0)) > len(encode_png(ember.zeros(3, 8, 9, dtype=ember.uint8), 9))
    path = tmp_path / "x.png"
    write_png(x[:1], str(path))
    assert ember.equal(read_image(str(path)), x[:1])
    assert ember.equal(read_image(path, ImageReadMode.RGB), x[:1].expand(3, -1, -1))
    with pytest.raises(RuntimeError, match="^Compression level should be between 0 and 9$"):
        encode_png(x, 10)
    with pytest.raises(RuntimeError, match="^The number of channels should be 1 or 3, got: 2$"):
        encode_png(x[:2])
    with pytest.raises(RuntimeError, match="^Input tensor dtype should be uint8"):
        encode_png(x.float())


def test_jpeg_encode_decode(tmp_path):
    yy, xx = np.mgrid[0:32, 0:40]
    smooth = np.stack([xx * 6, yy * 7, (xx + yy) * 3]).astype(np.uint8)
    x = ember.from_numpy(smooth)
    high, low = encode_jpeg(x, quality=95), encode_jpeg(x, quality=10)
    assert bytes(high[:3].tolist()) == b"\xff\xd8\xff" and len(low) < len(high)
    decoded = decode_jpeg(high)
    assert decoded.shape == (3, 32, 40) and np.abs(decoded.numpy().astype(int) - smooth).mean() < 3
    assert decode_jpeg(high, ImageReadMode.GRAY).shape == (1, 32, 40)
    gray = decode_jpeg(encode_jpeg(x[:1]))
    assert gray.shape == (1, 32, 40)
    assert [t.shape for t in decode_jpeg([high, low])] == [(3, 32, 40)] * 2
    assert [len(t) for t in encode_jpeg([x, x], 95)] == [len(high)] * 2
    path = tmp_path / "x.jpg"
    write_jpeg(x, path, quality=95)
    assert ember.equal(read_image(path), decoded) and ember.equal(read_file(path), high)
    with pytest.raises(ValueError, match="^Image quality should be a positive number between 1 and 100$"):
        encode_jpeg(x, 0)
    with pytest.raises(ValueError, match="^Input list must contain at least one element$"):
        decode_jpeg([])
    with pytest.raises(RuntimeError, match="Expected a JPEG/MPO image, got PNG"):
        decode_jpeg(encode_png(x))


def test_cmyk_jpeg_and_exif_orientation():
    from PIL import Image
    cmyk = Image.fromarray(rng.integers(0, 256, (8, 8, 4), dtype=np.uint8), "CMYK")
    assert decode_jpeg(_encoded(cmyk, "JPEG")).shape == (3, 8, 8)
    tall = np.zeros((6, 4, 3), dtype=np.uint8)
    tall[0, 0] = [255, 0, 0]
    img = Image.fromarray(tall, "RGB")
    exif = img.getexif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    data = _encoded(img, "PNG", exif=exif)
    assert decode_image(data).shape == (3, 6, 4)
    rotated = decode_image(data, apply_exif_orientation=True)
    assert rotated.shape == (3, 4, 6) and rotated[:, 0, -1].tolist() == [255, 0, 0]


def test_gif_frames_and_decode_image_dispatch(tmp_path):
    from PIL import Image
    frames = [Image.fromarray(np.full((4, 5, 3), v, dtype=np.uint8), "RGB") for v in (0, 128, 255)]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:])
    data = ember.from_numpy(np.frombuffer(buf.getvalue(), dtype=np.uint8).copy())
    anim = decode_gif(data)
    assert anim.shape == (3, 3, 4, 5) and anim[:, 0, 0, 0].tolist() == [0, 128, 255]
    assert ember.equal(decode_image(data), anim)
    path = tmp_path / "a.gif"
    write_file(path, data)
    assert ember.equal(read_file(path), data) and ember.equal(decode_image(str(path)), anim)


def test_read_file_and_corrupt_data_errors(tmp_path):
    with pytest.raises(RuntimeError, match="No such file or directory"):
        read_file(tmp_path / "missing.png")
    with pytest.raises(RuntimeError, match="^Unsupported image file or corrupt data"):
        decode_image(ember.tensor([1, 2, 3], dtype=ember.uint8))
    with pytest.raises(RuntimeError, match="^Expected a non empty 1-dimensional tensor$"):
        decode_png(ember.zeros(0, dtype=ember.uint8))
    with pytest.raises(RuntimeError, match="^Input tensor must be a 1-dimensional uint8 tensor$"):
        write_file(tmp_path / "f", ember.zeros(2, 2, dtype=ember.uint8))
