"""Random transform classes against torchvision under the same seeds
(tests/fixtures/vision_transforms/record_random.py records; this replays with ember)."""
import importlib.util
import os
import sys

import numpy as np
import pytest

import ember
from ember.vision import transforms as T

_FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "vision_transforms")
sys.path.insert(0, _FIXTURES)
import record_random  # noqa: E402

sys.path.pop(0)
REC = np.load(os.path.join(_FIXTURES, "random.npz"))
HAS_PIL = importlib.util.find_spec("PIL") is not None
CASES = record_random.transforms_under_test(T)


def _as_array(x):
    return x.numpy() if isinstance(x, ember.Tensor) else np.asarray(x)


@pytest.mark.parametrize("key,t,kinds", CASES, ids=[c[0] for c in CASES])
def test_seeded_outputs_match_torchvision(key, t, kinds):
    if "pil" in kinds.split() and not HAS_PIL:
        kinds = " ".join(k for k in kinds.split() if k != "pil")
    image_module = pytest.importorskip("PIL.Image") if "pil" in kinds else None
    ours = record_random.outputs(T, ember, image_module, _as_array, key, t, kinds, REC["u8"], REC["f32"])
    changed = 0
    for name, got in ours.items():
        want = REC[name]
        assert got.shape == want.shape and got.dtype == want.dtype, name
        if name.startswith("perspective/pil/"):
            # the perspective coefficients come from a float64 least-squares solve whose last-bit noise
            # (around 1e-16, LAPACK-dependent) moves Pillow's rounding of a few exact-half pixels by one
            diff = np.abs(got.astype(int) - want.astype(int))
            assert diff.max() <= 1 and (diff > 0).mean() < 0.05, name
        elif want.dtype == np.uint8:
            np.testing.assert_array_equal(got, want, err_msg=name)
        else:
            np.testing.assert_allclose(got, want, rtol=0, atol=2e-5, err_msg=name)
        base = REC["u8"] if want.dtype == np.uint8 else REC["f32"]
        changed += got.shape != base.shape or not np.array_equal(got, base.transpose(1, 2, 0) if name.endswith(
            ("pil/0", "pil/1", "pil/2", "pil/3", "pil/4")) else base)
    assert changed > 0  # the seed applies the transform at least once


def test_reprs_match_torchvision():
    assert repr(T.ColorJitter(brightness=0.5, hue=0.1)) == \
        "ColorJitter(brightness=(0.5, 1.5), contrast=None, saturation=None, hue=(-0.1, 0.1))"
    assert repr(T.RandomRotation(30, center=(1, 2))) == \
        "RandomRotation(degrees=[-30.0, 30.0], interpolation=nearest, expand=False, center=(1, 2), fill=0)"
    assert repr(T.RandomAffine(10, scale=(0.5, 1.0), interpolation=T.InterpolationMode.BILINEAR, fill=3)) == \
        "RandomAffine(degrees=[-10.0, 10.0], scale=(0.5, 1.0), interpolation=bilinear, fill=3)"
    assert repr(T.GaussianBlur(3)) == "GaussianBlur(kernel_size=(3, 3), sigma=(0.1, 2.0))"
    assert repr(T.RandomErasing()) == \
        "RandomErasing(p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0, inplace=False)"
    assert repr(T.ElasticTransform()) == ("ElasticTransform(alpha=[50.0, 50.0], sigma=[5.0, 5.0], "
                                          "interpolation=InterpolationMode.BILINEAR, fill=[0.0])")
    assert repr(T.RandomApply([T.RandomInvert()], p=0.3)) == "RandomApply(\n    p=0.3\n    RandomInvert(p=0.5)\n)"
    assert repr(T.RandomChoice([T.RandomInvert()])) == "RandomChoice(\n    RandomInvert(p=0.5)\n)(p=None)"
    assert repr(T.TenCrop(4)) == "TenCrop(size=(4, 4), vertical_flip=False)"
    assert repr(T.AugMix()) == ("AugMix(severity=3, mixture_width=3, chain_depth=-1, alpha=1.0, all_ops=True, "
                                "interpolation=InterpolationMode.BILINEAR, fill=None)")


@pytest.mark.parametrize("make,err,msg", [
    (lambda: T.ColorJitter(brightness=-1), ValueError, "If brightness is a single number, it must be non negative."),
    (lambda: T.ColorJitter(hue=0.7), ValueError, r"hue values should be between \(-0.5, 0.5\), but got \[-0.7, 0.7\]."),
    (lambda: T.ColorJitter(contrast=[1, 2, 3]), TypeError, "contrast should be a single number or a list/tuple"),
    (lambda: T.RandomRotation(-5), ValueError, "If degrees is a single number, it must be positive."),
    (lambda: T.RandomRotation([1, 2, 3]), ValueError, "degrees should be a sequence of length 2."),
    (lambda: T.RandomRotation(5, fill={1: 2}), TypeError, "Fill should be either a sequence or a number."),
    (lambda: T.RandomAffine(5, translate=(0.5, 2.0)), ValueError, "translation values should be between 0 and 1"),
    (lambda: T.RandomAffine(5, scale=(0.0, 1.0)), ValueError, "scale values should be positive"),
    (lambda: T.RandomAffine(5, shear=(1, 2, 3)), ValueError, "shear should be a sequence of length 2 or 4."),
    (lambda: T.GaussianBlur(4), ValueError, "Kernel size value should be an odd and positive number."),
    (lambda: T.GaussianBlur(3, sigma=(2.0, 1.0)), ValueError, r"sigma values should be positive and of the form"),
    (lambda: T.RandomErasing(value="x"), ValueError, "If value is str, it should be 'random'"),
    (lambda: T.RandomErasing(scale=(0.5, 1.5)), ValueError, "Scale should be between 0 and 1"),
    (lambda: T.RandomErasing(p=2), ValueError, "Random erasing probability should be between 0 and 1"),
    (lambda: T.ElasticTransform(alpha=1), TypeError, "alpha should be float or a sequence of floats."),
    (lambda: T.ElasticTransform(sigma=(1.0, 2)), TypeError, "sigma should be a sequence of floats."),
    (lambda: T.RandomChoice([T.RandomInvert()], p=0.5), TypeError, "Argument p should be a sequence"),
    (lambda: T.RandomOrder(T.RandomInvert()), TypeError, "Argument transforms should be a sequence"),
    (lambda: T.AugMix(severity=11), ValueError, r"The severity must be between \[1, 10\]. Got 11 instead."),
    (lambda: T.AutoAugment("imagenet"), ValueError, "The provided policy imagenet is not recognized."),
    (lambda: T.LinearTransformation(ember.eye(3)[:2], ember.zeros(2)), ValueError,
     r"transformation_matrix should be square. Got \(2, 3\) rectangular matrix."),
])
def test_constructor_errors_match_torchvision(make, err, msg):
    with pytest.raises(err, match=msg):
        make()


def test_random_erasing_value_length_and_linear_transformation():
    with pytest.raises(ValueError, match=r"it should have either a single value or 3 \(number of input channels\)"):
        T.RandomErasing(p=1.0, value=(1, 2))(ember.zeros(3, 4, 4))
    lt = T.LinearTransformation(ember.eye(4) * 2, ember.ones(4))
    np.testing.assert_array_equal(lt(ember.arange(4.0).view(1, 2, 2)).numpy(), [[[-2.0, 0.0], [2.0, 4.0]]])
    with pytest.raises(ValueError, match=r"incompatible shape.\[1 x 1 x 3\] != 4"):
        lt(ember.zeros(1, 1, 3))


def test_five_and_ten_crop_classes():
    img = ember.arange(16).view(1, 4, 4)
    crops = T.FiveCrop(2)(img)
    assert [c[0, 0, 0].item() for c in crops] == [0, 2, 8, 10, 5]
    assert [c[0, 0, 0].item() for c in T.TenCrop(2)(img)[5:]] == [3, 1, 11, 9, 6]
