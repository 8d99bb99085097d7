"""Warps, blurs, crops and tone functions against torchvision's recorded outputs
(tests/fixtures/vision_transforms/record_functional.py), on uint8 and float tensors and PIL images."""
import importlib.util
import os
import sys

import numpy as np
import pytest

import ember
from ember.vision.transforms import functional as TF

_FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "vision_transforms")
sys.path.insert(0, _FIXTURES)
import record_functional  # noqa: E402

sys.path.pop(0)
REC = np.load(os.path.join(_FIXTURES, "functional.npz"))
HAS_PIL = importlib.util.find_spec("PIL") is not None
SP, EP, CASES = record_functional.SP, record_functional.EP, record_functional.CASES


def _np(x):
    if isinstance(x, tuple):
        return np.stack([_np(v) for v in x])
    return x.numpy() if isinstance(x, ember.Tensor) else np.asarray(x)


def _check(ours, want):
    assert ours.shape == want.shape and ours.dtype == want.dtype
    if want.dtype == np.uint8:
        np.testing.assert_array_equal(ours, want)
    else:
        np.testing.assert_allclose(ours, want, rtol=0, atol=5e-6)


@pytest.mark.parametrize("key,name,args,kwargs", CASES, ids=[c[0] for c in CASES])
def test_tensor_outputs_match_torchvision(key, name, args, kwargs):
    fn = getattr(TF, name)
    _check(_np(fn(ember.from_numpy(REC["u8"]), *args, **kwargs)), REC[f"{key}/t_u8"])
    if f"{key}/t_f32" in REC:
        _check(_np(fn(ember.from_numpy(REC["f32"]), *args, **kwargs)), REC[f"{key}/t_f32"])


@pytest.mark.skipif(not HAS_PIL, reason="needs Pillow")
@pytest.mark.parametrize("key,name,args,kwargs", CASES, ids=[c[0] for c in CASES])
def test_pil_outputs_match_torchvision(key, name, args, kwargs):
    from PIL import Image
    pil = Image.fromarray(REC["u8"].transpose(1, 2, 0))
    out = getattr(TF, name)(pil, *args, **kwargs)
    first = out[0] if isinstance(out, tuple) else out
    assert isinstance(first, Image.Image) and first.mode == "RGB"
    _check(_np(out), REC[f"{key}/pil"])


def test_elastic_transform_matches_torchvision():
    d = ember.from_numpy(REC["displacement"])
    _check(TF.elastic_transform(ember.from_numpy(REC["u8"]), d).numpy(), REC["elastic/t_u8"])
    out = TF.elastic_transform(ember.from_numpy(REC["f32"]), d, interpolation=TF.InterpolationMode.NEAREST,
                               fill=[0.5])
    _check(out.numpy(), REC["elastic/t_f32"])
    if HAS_PIL:
        from PIL import Image
        _check(np.asarray(TF.elastic_transform(Image.fromarray(REC["u8"].transpose(1, 2, 0)), d)), REC["elastic/pil"])


def test_batched_rotation_and_perspective_coefficients():
    u8 = REC["u8"]
    batch = ember.from_numpy(np.stack([u8, u8[::-1].copy()]))
    _check(TF.rotate(batch, 45.0, interpolation=TF.InterpolationMode.BILINEAR).numpy(), REC["batch_rot"])
    np.testing.assert_allclose(TF._get_perspective_coeffs(SP, EP), REC["coeffs"], rtol=1e-6, atol=1e-6)


def test_warps_are_differentiable_in_float():
    x = ember.rand(1, 5, 6, dtype=ember.float64, requires_grad=True)
    TF.rotate(x, 17.0, interpolation=TF.InterpolationMode.BILINEAR).sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0


def test_erase():
    img = ember.arange(24.0).view(2, 3, 4)
    out = TF.erase(img, 1, 1, 2, 2, ember.tensor([[[-1.0]], [[-2.0]]]))
    want = img.numpy().copy()
    want[0, 1:3, 1:3], want[1, 1:3, 1:3] = -1.0, -2.0
    np.testing.assert_array_equal(out.numpy(), want)
    assert img[0, 1, 1].item() == 5.0  # not in place by default
    TF.erase(img, 0, 0, 1, 1, 9.0, inplace=True)
    assert img[0, 0, 0].item() == 9.0 and img[1, 0, 0].item() == 9.0


@pytest.mark.parametrize("call,err,msg", [
    (lambda x: TF.adjust_hue(x, 0.6), ValueError, r"hue_factor \(0.6\) is not in \[-0.5, 0.5\]."),
    (lambda x: TF.adjust_sharpness(x, -1), ValueError, r"sharpness_factor \(-1\) is not non-negative."),
    (lambda x: TF.equalize(x.float()), TypeError, "Only ember.uint8 image tensors are supported, but found ember.float32"),
    (lambda x: TF.equalize(x[0]), TypeError, "Input image tensor should have 3 or 4 dimensions, but found 2"),
    (lambda x: TF.autocontrast(x[0]), TypeError, "Input image tensor should have at least 3 dimensions, but found 2"),
    (lambda x: TF.rotate(x, "a"), TypeError, "Argument angle should be int or float"),
    (lambda x: TF.rotate(x, 1.0, interpolation="bilinear"), TypeError, "Argument interpolation should be a"),
    (lambda x: TF.rotate(x, 1.0, interpolation=TF.InterpolationMode.BICUBIC), ValueError,
     "Interpolation mode 'bicubic' is unsupported with Tensor input"),
    (lambda x: TF.rotate(x, 1.0, fill=[1, 2]), ValueError, r"cannot broadcast to match the number of channels of the "
     r"image \(2 != 3\)"),
    (lambda x: TF.affine(x, 0.0, [1], 1.0, 0.0), ValueError, "Argument translate should be a sequence of length 2"),
    (lambda x: TF.affine(x, 0.0, [0, 0], 0.0, 0.0), ValueError, "Argument scale should be positive"),
    (lambda x: TF.affine(x, 0.0, [0, 0], 1.0, [1, 2, 3]), ValueError, "Shear should be a sequence containing two"),
    (lambda x: TF.perspective(x, SP[:3], EP), ValueError, "Please provide exactly four corners, got 3 startpoints"),
    (lambda x: TF.gaussian_blur(x, 4), ValueError, r"kernel_size should have odd and positive integers. Got \[4, 4\]"),
    (lambda x: TF.gaussian_blur(x, 3, 0.0), ValueError, r"sigma should have positive values. Got \[0.0, 0.0\]"),
    (lambda x: TF.gaussian_blur(x, 3, "s"), TypeError, "sigma should be either float or sequence of floats"),
    (lambda x: TF.five_crop(x, 20), ValueError, r"Requested crop size \(20, 20\) is bigger than input size \(9, 13\)"),
    (lambda x: TF.ten_crop(x, [1, 2, 3]), ValueError, r"Please provide only two dimensions \(h, w\) for size."),
    (lambda x: TF.erase(x.numpy(), 0, 0, 1, 1, 0), TypeError, "img should be Tensor Image"),
    (lambda x: TF.elastic_transform(x, ember.zeros(1, 2, 2, 2)), ValueError,
     r"Argument displacement shape should be ember.Size\(\[1, 9, 13, 2\]\), but given ember.Size\(\[1, 2, 2, 2\]\)"),
    (lambda x: TF.to_grayscale(x), TypeError, "Input should be PIL Image"),
])
def test_errors_match_torchvision(call, err, msg):
    x = ember.from_numpy(REC["u8"].copy())
    with pytest.raises(err, match=msg):
        call(x)
    np.testing.assert_array_equal(x.numpy(), REC["u8"])


def test_single_channel_and_tiny_images_pass_through():
    gray = ember.from_numpy(REC["u8"][:1].copy())
    assert TF.adjust_hue(gray, 0.3) is gray
    tiny = ember.rand(3, 2, 5)
    assert TF.adjust_sharpness(tiny, 3.0) is tiny


@pytest.mark.parametrize("call,err,msg", [
    (lambda: TF.normalize(ember.zeros(2, 2), [0.0], [1.0]), ValueError,
     r"Expected tensor to be a tensor image of size \(..., C, H, W\). Got tensor.size\(\) = ember.Size\(\[2, 2\]\)"),
    (lambda: TF.normalize(ember.zeros(1, 2, 2, dtype=ember.uint8), [0.0], [1.0]), TypeError,
     "Input tensor should be a float tensor. Got ember.uint8."),
    (lambda: TF.normalize(ember.zeros(1, 2, 2), [0.0], [0.0]), ValueError,
     "std evaluated to zero after conversion to ember.float32, leading to division by zero."),
    (lambda: TF.normalize(ember.zeros(1, 2, 2, dtype=ember.float16), [0.0], [1e-8]), ValueError,
     "std evaluated to zero after conversion to ember.float16, leading to division by zero."),
    (lambda: TF.normalize([1], [0.0], [1.0]), TypeError, "img should be Tensor Image. Got <class 'list'>"),
    (lambda: TF.normalize(ember.zeros(2, 2, 2), [0.0, 1.0, 2.0], [1.0, 1.0, 1.0]), RuntimeError,
     r"The size of tensor a \(2\) must match the size of tensor b \(3\) at non-singleton dimension 0"),
])
def test_normalize_edge_cases_match_torchvision(call, err, msg):
    with pytest.raises(err, match=msg):
        call()


def test_normalize_inplace_and_tensor_statistics():
    x = ember.ones(2, 1, 1)
    y = TF.normalize(x, [0.5, 0.25], [0.5, 0.25], inplace=True)
    assert y is x and x.flatten().tolist() == [1.0, 3.0]
    out = TF.normalize(ember.ones(2, 2, 1, 1), ember.tensor([0.5, 0.0]), [2.0, 4.0])  # batched, tensor mean
    assert out.flatten().tolist() == [0.25, 0.25, 0.25, 0.25]
