"""Photometric transforms against torchvision's recorded outputs (tests/fixtures/vision_transforms)."""
import os

import numpy as np
import pytest

import ember
from ember.vision import transforms as T
from ember.vision.transforms import functional as TF

REC = np.load(os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "vision_transforms", "color.npz"))
CASES = [("adjust_brightness", 1.7), ("adjust_brightness", 0.3), ("adjust_contrast", 0.4),
         ("adjust_contrast", 1.8), ("adjust_saturation", 0.2), ("adjust_saturation", 2.5),
         ("adjust_gamma", 0.6), ("adjust_gamma", 1.9), ("solarize", 120), ("posterize", 3), ("invert", None)]


def _check(ours, key):
    want = REC[key]
    assert ours.dtype == want.dtype and ours.shape == want.shape
    if want.dtype == np.uint8:
        np.testing.assert_array_equal(ours, want)
    else:
        np.testing.assert_allclose(ours, want, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name,arg", CASES)
@pytest.mark.parametrize("key", ["rgb", "gray", "rgbf"])
def test_tensor_functional_matches_torchvision(name, arg, key):
    if name == "posterize" and key == "rgbf":
        with pytest.raises(TypeError, match="Only ember.uint8 image tensors are supported"):
            TF.posterize(ember.from_numpy(REC[key]), 3)
        return
    args = () if arg is None else (0.4,) if name == "solarize" and key == "rgbf" else (arg,)
    _check(getattr(TF, name)(ember.from_numpy(REC[key]), *args).numpy(), f"t_{name}_{arg}_{key}")


@pytest.mark.parametrize("name,arg", CASES)
@pytest.mark.parametrize("key", ["rgb", "gray"])
def test_pil_functional_matches_torchvision(name, arg, key):
    Image = pytest.importorskip("PIL.Image")
    arr = REC[key]
    pil = Image.fromarray(arr[0] if key == "gray" else arr.transpose(1, 2, 0))
    out = getattr(TF, name)(pil, *(() if arg is None else (arg,)))
    assert isinstance(out, Image.Image) and out.mode == pil.mode
    np.testing.assert_array_equal(np.asarray(out), REC[f"p_{name}_{arg}_{key}"])


@pytest.mark.parametrize("name,t", [("RandomInvert", T.RandomInvert(0.5)), ("RandomPosterize", T.RandomPosterize(2, 0.5)),
                                    ("RandomSolarize", T.RandomSolarize(100, 0.5)),
                                    ("RandomGrayscale", T.RandomGrayscale(0.5))])
def test_random_transforms_draw_like_torchvision(name, t):
    batch = ember.from_numpy(REC["batch"])
    ember.manual_seed(3)
    ours = np.stack([t(batch[i]).numpy() for i in range(4)])
    np.testing.assert_array_equal(ours, REC[f"r_{name}"])
    assert not all((ours[i] == REC["batch"][i]).all() for i in range(4))  # the seed applies some


def test_reprs():
    assert repr(T.RandomInvert()) == "RandomInvert(p=0.5)"
    assert repr(T.RandomPosterize(3)) == "RandomPosterize(bits=3,p=0.5)"
    assert repr(T.RandomSolarize(100)) == "RandomSolarize(threshold=100,p=0.5)"
    assert repr(T.RandomGrayscale()) == "RandomGrayscale(p=0.1)"


def test_errors():
    img = ember.zeros(3, 2, 2)
    for name in ("brightness", "contrast", "saturation"):
        with pytest.raises(ValueError, match=rf"^{name}_factor \(-1\) is not non-negative\.$"):
            getattr(TF, f"adjust_{name}")(img, -1)
    with pytest.raises(ValueError, match="^Gamma should be a non-negative real number$"):
        TF.adjust_gamma(img, -0.5)
    with pytest.raises(ValueError, match="^The number if bits should be between 0 and 8. Got 9$"):
        TF.posterize(img.to(ember.uint8), 9)
    with pytest.raises(TypeError, match="^Threshold should be less than bound of img.$"):
        TF.solarize(img, 2.0)
    with pytest.raises(TypeError, match=r"permitted channel values are \[1, 3\], but found 2"):
        TF.adjust_brightness(ember.zeros(2, 2, 2), 1.0)
    with pytest.raises(TypeError, match="at least 3 dimensions, but found 2"):
        TF.invert(ember.zeros(2, 2))
