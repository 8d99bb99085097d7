"""decode_avif / decode_heic on small files written here (AVIF by Pillow itself, HEIC by pillow-heif),
and the errors where the input or the installed Pillow cannot decode them."""
import io
import sys

import numpy as np
import pytest

import ember
from ember.vision.io import ImageReadMode, decode_avif, decode_heic, encode_png
from ember.vision.io import _extra_decoders
from tests.vision._helpers import needs_pil

pytestmark = needs_pil


def _avif_or_skip():
    if not _extra_decoders._avif_supported():
        pytest.skip("this Pillow cannot write AVIF (needs 11.3 or newer built with libavif)")


def _smooth(channels, h=12, w=16):
    """A gradient image: lossy AVIF/HEIC coding keeps it within a few levels."""
    y, x = np.mgrid[0:h, 0:w]
    planes = [(40 + 8 * x + 3 * y + 20 * c) % 256 for c in range(channels)]
    return np.stack(planes, axis=-1).astype(np.uint8).squeeze(-1 if channels == 1 else ())


def _encoded(arr, fmt, **kwargs):
    from PIL import Image
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format=fmt, **kwargs)
    return ember.from_numpy(np.frombuffer(buf.getvalue(), dtype=np.uint8).copy())


def _close(decoded, expected_hwc, tolerance=10):
    assert decoded.dtype == ember.uint8
    got = decoded.numpy().transpose(1, 2, 0).astype(int)
    assert got.shape == expected_hwc.shape
    assert np.abs(got - expected_hwc.astype(int)).max() <= tolerance


def test_avif_rgba_modes():
    _avif_or_skip()
    src = _smooth(4)
    src[..., 3] = np.where(np.arange(16) < 8, 255, 90)[None, :]
    data = _encoded(src, "AVIF", quality=100)
    unchanged = decode_avif(data)
    assert tuple(unchanged.shape) == (4, 12, 16)
    _close(unchanged, src)
    _close(decode_avif(data, ImageReadMode.RGB), src[..., :3])
    # gray modes are read as UNCHANGED, as torchvision's AVIF decoder does
    assert ember.equal(decode_avif(data, ImageReadMode.GRAY), unchanged)
    assert ember.equal(decode_avif(data, "RGB_ALPHA"), unchanged)


def test_avif_rgb_and_gray_files():
    _avif_or_skip()
    rgb = _smooth(3)
    data = _encoded(rgb, "AVIF", quality=100)
    out = decode_avif(data)
    assert tuple(out.shape) == (3, 12, 16)
    _close(out, rgb)
    with_alpha = decode_avif(data, ImageReadMode.RGB_ALPHA)
    assert tuple(with_alpha.shape) == (4, 12, 16) and bool((with_alpha[3] == 255).all())
    gray = _smooth(1)
    out = decode_avif(_encoded(gray, "AVIF", quality=100))
    assert tuple(out.shape) == (3, 12, 16)  # RGB, as torchvision gives for a gray file
    _close(out, np.repeat(gray[..., None], 3, axis=-1))


def test_input_errors():
    _avif_or_skip()
    with pytest.raises(RuntimeError, match=r"^Input tensor must have uint8 data type, got ember.float32$"):
        decode_avif(ember.zeros(4))
    with pytest.raises(RuntimeError, match=r"^Input tensor must be 1-dimensional and non-empty, got 2 dims  and 4 "
                                           r"numels.$"):
        decode_avif(ember.zeros(2, 2, dtype=ember.uint8))
    png = encode_png(ember.zeros(3, 2, 2, dtype=ember.uint8))
    with pytest.raises(RuntimeError, match="AVIF"):
        decode_avif(png)


def test_unreadable_formats_say_what_to_install(monkeypatch):
    monkeypatch.setattr(_extra_decoders, "_avif_supported", lambda: False)
    with pytest.raises(RuntimeError, match=r"AVIF decoding capabilities .*Pillow 11\.3 or newer"):
        decode_avif(ember.zeros(4, dtype=ember.uint8))
    monkeypatch.setitem(sys.modules, "pillow_heif", None)  # as if pillow-heif were not installed
    with pytest.raises(RuntimeError, match=r"HEIC decoding capabilities .*pip install pillow-heif"):
        decode_heic(ember.zeros(4, dtype=ember.uint8))


def test_heic_through_pillow_heif():
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    rgb = _smooth(3)
    data = _encoded(rgb, "HEIF", quality=100)
    out = decode_heic(data)
    assert tuple(out.shape) == (3, 12, 16)
    _close(out, rgb)
    assert tuple(decode_heic(data, ImageReadMode.RGB_ALPHA).shape) == (4, 12, 16)
