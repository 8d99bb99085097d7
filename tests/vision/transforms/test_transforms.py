"""Transform classes: values (torchvision's rules), reprs, randomness under ember.manual_seed."""
import numpy as np
import pytest

import ember
from ember.vision import transforms as T

Image = pytest.importorskip("PIL.Image")

RNG = np.random.default_rng(0)
RGB = RNG.integers(0, 256, (6, 9, 3), dtype=np.uint8)
GRAY = RNG.integers(0, 256, (6, 9), dtype=np.uint8)


def test_import_forms():
    from ember.vision.transforms import ToTensor
    import ember.vision.transforms as TT
    assert ToTensor is TT.ToTensor is T.ToTensor
    from ember.vision.transforms.functional import to_tensor  # noqa: F401


def test_to_tensor_pil_and_ndarray():
    for arr in (RGB, GRAY):
        for pic in (Image.fromarray(arr), arr):
            x = T.ToTensor()(pic)
            chw = arr[None] if arr.ndim == 2 else arr.transpose(2, 0, 1)
            assert x.dtype == ember.float32 and tuple(x.shape) == chw.shape
            # exactly uint8 / 255 in float32, PyTorch's true division
            np.testing.assert_array_equal(x.numpy(), chw.astype(np.float32) / np.float32(255))
    assert T.ToTensor()(np.ones((2, 2, 1), np.float64)).dtype == ember.float64  # non-bytes are not scaled
    assert T.ToTensor()(Image.fromarray(GRAY > 128)).numpy().max() == 1.0  # mode '1' -> 0/1
    ember.set_default_dtype(ember.float64)
    try:
        assert T.ToTensor()(GRAY).dtype == ember.float64
    finally:
        ember.set_default_dtype(ember.float32)
    with pytest.raises(TypeError, match="pic should be PIL Image or ndarray. Got <class 'list'>"):
        T.ToTensor()([1, 2])
    with pytest.raises(ValueError, match="pic should be 2/3 dimensional. Got 4 dimensions."):
        T.ToTensor()(np.zeros((1, 2, 2, 1), np.uint8))


def test_pil_to_tensor_and_back():
    x = T.PILToTensor()(Image.fromarray(RGB))
    assert x.dtype == ember.uint8 and x.numpy().transpose(1, 2, 0).tolist() == RGB.tolist()
    back = T.ToPILImage()(x)
    assert back.mode == "RGB" and np.array_equal(np.asarray(back), RGB)
    gray = T.ToPILImage()(T.ToTensor()(GRAY))  # float in [0, 1] -> bytes
    assert gray.mode == "L" and np.array_equal(np.asarray(gray), GRAY)
    assert T.ToPILImage()(np.zeros((2, 2), np.float32)).mode == "L"
    assert T.ToPILImage(mode="F")(np.full((2, 2), 0.5, np.float32)).getpixel((0, 0)) == 0.5
    assert T.ToPILImage()(np.zeros((2, 2, 4), np.uint8)).mode == "RGBA"
    assert T.ToPILImage()(np.zeros((2, 2, 2), np.uint8)).mode == "LA"
    assert T.ToPILImage(mode="YCbCr")(np.zeros((2, 2, 3), np.uint8)).mode == "YCbCr"
    with pytest.raises(ValueError, match=r"Only modes \['RGB', 'YCbCr', 'HSV'\] are supported for 3D inputs"):
        T.ToPILImage(mode="RGBA")(np.zeros((2, 2, 3), np.uint8))
    with pytest.raises(ValueError, match="pic should not have > 4 channels. Got 5 channels."):
        T.ToPILImage()(np.zeros((2, 2, 5), np.uint8))
    with pytest.raises(TypeError, match="pic should be Tensor or ndarray. Got <class 'int'>."):
        T.ToPILImage()(3)
    assert repr(T.ToPILImage()) == "ToPILImage()" and repr(T.ToPILImage(mode="L")) == "ToPILImage(mode=L)"


def test_normalize():
    x = T.ToTensor()(RGB)
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    y = T.Normalize(mean, std)(x)
    expected = (x.numpy() - np.array(mean, np.float32)[:, None, None]) / np.array(std, np.float32)[:, None, None]
    np.testing.assert_array_equal(y.numpy(), expected)
    assert not ember.equal(x, y)  # not in place by default
    z = x.clone()
    assert T.Normalize(mean, std, inplace=True)(z) is z and ember.equal(z, y)
    batch = ember.stack([x, x])
    assert ember.equal(T.Normalize(mean, std)(batch)[1], y)  # [..., C, H, W]
    with pytest.raises(ValueError, match="std evaluated to zero after conversion to ember.float32, leading to "
                                         "division by zero."):
        T.Normalize(0.5, 0.0)(x)
    with pytest.raises(TypeError, match="Input tensor should be a float tensor. Got ember.uint8."):
        T.Normalize(0.5, 0.5)(T.PILToTensor()(Image.fromarray(RGB)))
    with pytest.raises(TypeError, match="img should be Tensor Image. Got <class 'numpy.ndarray'>"):
        T.Normalize(0.5, 0.5)(RGB)
    assert repr(T.Normalize(mean, std)) == "Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])"


def test_compose_and_lambda_reprs():
    t = T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.5,))])
    assert repr(t) == "Compose(\n    ToTensor()\n    Normalize(mean=(0.5,), std=(0.5,))\n)"
    x = t(GRAY)
    np.testing.assert_allclose(x.numpy()[0], (GRAY / 255.0 - 0.5) / 0.5, atol=1e-6)
    assert repr(T.Lambda(lambda v: v)) == "Lambda()" and T.Lambda(lambda v: v * 2)(3) == 6
    with pytest.raises(TypeError, match="Argument lambd should be callable, got 'int'"):
        T.Lambda(3)


def test_resize_pil_is_pillows_bilinear():
    img = Image.fromarray(RGB)
    out = T.Resize((4, 5))(img)
    assert out.size == (5, 4)
    assert np.array_equal(np.asarray(out), np.asarray(img.resize((5, 4), Image.BILINEAR)))
    small_edge = T.Resize(3)(img)  # 6x9 -> smaller edge 3, aspect kept: 3x4 (int(3 * 9 / 6) = 4)
    assert small_edge.size == (4, 3)
    assert T.Resize(3, max_size=3 + 1)(Image.fromarray(np.zeros((10, 30), np.uint8))).size == (4, 1)
    assert np.array_equal(np.asarray(T.Resize(4, interpolation=T.InterpolationMode.NEAREST)(img)),
                          np.asarray(img.resize((6, 4), Image.NEAREST)))
    assert T.Resize(6)(img) is img  # already the size: returned as is
    assert repr(T.Resize(32)) == "Resize(size=32, interpolation=bilinear, max_size=None, antialias=True)"
    with pytest.raises(TypeError, match="Size should be int or sequence. Got <class 'float'>"):
        T.Resize(3.5)
    with pytest.raises(ValueError, match="If size is a sequence, it should have 1 or 2 values"):
        T.Resize((1, 2, 3))


def test_resize_tensor_matches_interpolate():
    x = ember.arange(16.0).reshape(1, 4, 4)
    # F.interpolate(..., mode='bilinear', align_corners=False, antialias=True), recorded from PyTorch
    np.testing.assert_allclose(T.Resize((2, 3))(x).numpy().ravel(),
                               [3.1571431, 4.3571429, 5.5571432, 9.4428577, 10.6428576, 11.8428574], rtol=1e-6)
    np.testing.assert_allclose(T.Resize((2, 3), antialias=False)(x).numpy().ravel(),
                               [2.1666667, 3.5, 4.8333335, 10.166666, 11.5, 12.833333], rtol=1e-6)
    y = ember.tensor([[[0.0, 1.0], [2.0, 3.0]]])
    np.testing.assert_allclose(T.Resize((3, 3))(y).numpy().ravel(), [0, 0.5, 1, 1, 1.5, 2, 2, 2.5, 3], atol=1e-6)
    np.testing.assert_allclose(
        T.Resize((3, 4), interpolation=T.InterpolationMode.BICUBIC, antialias=False)(y).numpy().ravel(),
        [-0.27907994, 0.05295137, 0.59982651, 0.93185782, 0.89453125, 1.2265625, 1.7734375, 2.10546875,
         2.06814218, 2.40017319, 2.94704866, 3.27907968], atol=1e-6)
    assert T.Resize((3, 2), interpolation=T.InterpolationMode.NEAREST)(x).numpy().ravel().tolist() == \
        [0, 2, 4, 6, 8, 10]
    u = T.Resize((2, 3))(ember.arange(16).reshape(1, 4, 4).to(ember.uint8))
    assert u.dtype == ember.uint8 and u.tolist() == [[[3, 4, 6], [9, 11, 12]]]
    with pytest.raises(ValueError, match="This interpolation mode is unsupported with Tensor input"):
        T.Resize((2, 2), interpolation=T.InterpolationMode.LANCZOS)(x)


def test_center_crop():
    img = Image.fromarray(RGB)
    out = T.CenterCrop((4, 5))(img)
    assert np.array_equal(np.asarray(out), RGB[1:5, 2:7])
    x = T.PILToTensor()(img)
    assert T.CenterCrop((4, 5))(x).tolist() == x[:, 1:5, 2:7].tolist()
    big = T.CenterCrop(10)(x)  # larger than the image: zero padding around it
    assert tuple(big.shape) == (3, 10, 10) and big[:, 2:8, 0:9].tolist() == x.tolist()
    assert int(big[:, :2].sum()) == 0 and int(big[:, :, 9].sum()) == 0
    assert np.array_equal(np.asarray(T.CenterCrop(10)(img)), big.numpy().transpose(1, 2, 0))
    assert repr(T.CenterCrop(10)) == "CenterCrop(size=(10, 10))"


def test_random_crop_seeded_and_padding():
    x = T.PILToTensor()(Image.fromarray(RGB))
    crop = T.RandomCrop(4)
    ember.manual_seed(3)
    a = crop(x)
    ember.manual_seed(3)
    assert ember.equal(crop(x), a) and tuple(a.shape) == (3, 4, 4)
    # the crop is a window of the image
    windows = [x[:, i:i + 4, j:j + 4] for i in range(3) for j in range(6)]
    assert any(ember.equal(a, w) for w in windows)
    padded = T.RandomCrop(10, padding=2)(x)
    assert tuple(padded.shape) == (3, 10, 10)
    grown = T.RandomCrop((8, 12), pad_if_needed=True)(x)
    assert tuple(grown.shape) == (3, 8, 12)
    img = T.RandomCrop(5, padding=(1, 2), padding_mode="edge")(Image.fromarray(RGB))
    assert img.size == (5, 5)
    with pytest.raises(ValueError, match=r"Required crop size \(7, 7\) is larger than input image size \(6, 9\)"):
        T.RandomCrop(7)(x)
    assert repr(T.RandomCrop(32, padding=4)) == "RandomCrop(size=(32, 32), padding=4)"


def test_random_flips():
    img = Image.fromarray(RGB)
    assert np.array_equal(np.asarray(T.RandomHorizontalFlip(p=1.0)(img)), RGB[:, ::-1])
    assert np.array_equal(np.asarray(T.RandomVerticalFlip(p=1.0)(img)), RGB[::-1])
    assert T.RandomHorizontalFlip(p=0.0)(img) is img
    x = T.PILToTensor()(img)
    assert T.RandomHorizontalFlip(p=1.0)(x).tolist() == x.flip(-1).tolist()
    flip = T.RandomHorizontalFlip()
    ember.manual_seed(0)
    first = [ember.equal(flip(x), x) for _ in range(20)]
    ember.manual_seed(0)
    assert [ember.equal(flip(x), x) for _ in range(20)] == first and 0 < sum(first) < 20
    assert repr(T.RandomHorizontalFlip()) == "RandomHorizontalFlip(p=0.5)"
    assert repr(T.RandomVerticalFlip(0.3)) == "RandomVerticalFlip(p=0.3)"


def test_pad_pil_and_tensor_agree():
    img = Image.fromarray(RGB)
    x = T.PILToTensor()(img)
    for padding in (2, (1, 3), (1, 2, 3, 0)):
        for mode in ("constant", "edge", "reflect", "symmetric"):
            p_img = np.asarray(T.Pad(padding, fill=7, padding_mode=mode)(img))
            p_x = T.Pad(padding, fill=7, padding_mode=mode)(x).numpy().transpose(1, 2, 0)
            assert np.array_equal(p_img, p_x), (padding, mode)
    l, t, r, b = 1, 2, 3, 0
    np.testing.assert_array_equal(np.asarray(T.Pad((l, t, r, b), padding_mode="symmetric")(img)),
                                  np.pad(RGB, ((t, b), (l, r), (0, 0)), mode="symmetric"))
    assert np.asarray(T.Pad(1, fill=(1, 2, 3))(img))[0, 0].tolist() == [1, 2, 3]
    assert repr(T.Pad(2)) == "Pad(padding=2, fill=0, padding_mode=constant)"
    with pytest.raises(ValueError, match="Padding mode should be either constant, edge, reflect or symmetric"):
        T.Pad(1, padding_mode="wrap")
    with pytest.raises(ValueError, match="Padding must be an int or a 1, 2, or 4 element tuple, not a 3 element tuple"):
        T.Pad((1, 2, 3))


def test_grayscale():
    img = Image.fromarray(RGB)
    g = T.Grayscale()(img)
    assert g.mode == "L" and np.array_equal(np.asarray(g), np.asarray(img.convert("L")))
    g3 = T.Grayscale(num_output_channels=3)(img)
    assert g3.mode == "RGB" and np.array_equal(np.asarray(g3)[..., 2], np.asarray(g))
    x = T.ToTensor()(img)
    gx = T.Grayscale()(x)
    r, gch, b = x.numpy()
    np.testing.assert_array_equal(gx.numpy()[0], (np.float32(0.2989) * r + np.float32(0.587) * gch
                                                  + np.float32(0.114) * b))
    assert tuple(T.Grayscale(3)(x).shape) == (3, 6, 9)
    assert repr(T.Grayscale()) == "Grayscale(num_output_channels=1)"


def test_convert_image_dtype():
    u = ember.tensor([[[0, 128, 255]]], dtype=ember.uint8)
    f = T.ConvertImageDtype(ember.float32)(u)
    np.testing.assert_array_equal(f.numpy(), np.array([[[0, 128, 255]]], np.float32) / np.float32(255))
    back = T.ConvertImageDtype(ember.uint8)(ember.tensor([[[0.0, 0.5, 1.0]]]))
    assert back.dtype == ember.uint8 and back.tolist() == [[[0, 127, 255]]]
    assert T.ConvertImageDtype(ember.int16)(u).tolist() == [[[0, 128 * 128, 255 * 128]]]
    with pytest.raises(RuntimeError, match="The cast from ember.float32 to ember.int64 cannot be performed safely."):
        T.ConvertImageDtype(ember.int64)(f)
    assert repr(T.ConvertImageDtype(ember.float32)) == "ConvertImageDtype()"


def test_random_resized_crop():
    x = T.PILToTensor()(Image.fromarray(RGB))
    t = T.RandomResizedCrop(5)
    ember.manual_seed(1)
    a = t(x)
    ember.manual_seed(1)
    assert ember.equal(t(x), a) and tuple(a.shape) == (3, 5, 5)
    assert T.RandomResizedCrop((4, 6))(Image.fromarray(RGB)).size == (6, 4)
    assert repr(T.RandomResizedCrop(5)) == ("RandomResizedCrop(size=(5, 5), scale=(0.08, 1.0), ratio=(0.75, 1.3333), "
                                            "interpolation=bilinear, antialias=True)")


def test_transforms_work_on_batches():
    batch = ember.rand(2, 3, 8, 8)
    assert tuple(T.Resize((4, 4))(batch).shape) == (2, 3, 4, 4)
    assert tuple(T.CenterCrop(6)(batch).shape) == (2, 3, 6, 6)
    assert tuple(T.Pad(1, padding_mode="reflect")(batch).shape) == (2, 3, 10, 10)


def test_tensor_resize_is_differentiable():
    x = ember.rand(1, 4, 4, requires_grad=True)
    T.Resize((2, 2))(x).sum().backward()
    # every output pixel's weights sum to one, so the input gradient sums to the output count
    assert abs(float(x.grad.sum()) - 4.0) < 1e-5


def test_pil_to_tensor_is_a_chw_view_of_the_pixels():
    # torchvision permutes the HWC pixels without copying: the strides show it (the custom-ops tutorial's
    # fake kernel is compared against them)
    pytest.importorskip('PIL')
    from PIL import Image
    from ember.vision.transforms.functional import pil_to_tensor
    rgb = Image.fromarray(np.arange(4 * 5 * 3, dtype=np.uint8).reshape(4, 5, 3))
    t = pil_to_tensor(rgb)
    assert t.shape == (3, 4, 5) and t.stride() == (1, 15, 3) and not t.is_contiguous()
    assert t[1, 2, 3].item() == (2 * 5 + 3) * 3 + 1
    gray = pil_to_tensor(Image.fromarray(np.zeros((4, 5), np.uint8)))
    assert gray.shape == (1, 4, 5) and gray.stride() == (1, 5, 1)
