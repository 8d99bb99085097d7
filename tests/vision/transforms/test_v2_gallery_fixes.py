"""What torchvision's gallery examples showed ember.vision doing differently from torchvision 0.28 (each found by
running the example on both; the values here were read from torchvision 0.28)."""
import zlib

import numpy as np
import pytest

import ember
from ember.vision import tv_tensors
from ember.vision.transforms import functional as F1
from ember.vision.transforms.v2 import functional as F


def test_to_dtype_scales_integers_by_the_reciprocal_of_their_maximum():
    # v2 multiplies by 1/255 where v1's convert_image_dtype divides by 255: 126 of the 256 uint8 values round
    # differently, which a normalized image's sum shows
    x = ember.arange(256, dtype=ember.uint8).view(1, 1, 256)
    out = F.to_dtype(x, ember.float32, scale=True)
    assert zlib.crc32(out.numpy().tobytes()) == 179998914    # torchvision 0.28's bits
    assert np.array_equal(out.numpy().ravel(), np.arange(256, dtype=np.float32) * np.float32(1 / 255))
    differ = (out != F1.convert_image_dtype(x, ember.float32)).nonzero()[:, 2].tolist()
    assert len(differ) == 126 and differ[:7] == [3, 6, 7, 12, 13, 14, 15]
    assert F.convert_image_dtype(x, ember.float32).equal(out)
    img = tv_tensors.Image(x)
    assert type(F.to_dtype(img, ember.float32, scale=True)) is tv_tensors.Image


def test_to_dtype_refuses_unsafe_float_to_int_as_a_conversion():
    with pytest.raises(RuntimeError, match=r"^The conversion from ember.float32 to ember.int32 cannot be performed "
                                           r"safely.$"):
        F.to_dtype(ember.rand(1, 2, 2), ember.int32, scale=True)


def test_wrap_makes_a_single_box_or_point_a_row():
    boxes = tv_tensors.BoundingBoxes([[1, 2, 3, 4]], format="XYXY", canvas_size=(8, 8))
    one = tv_tensors.wrap(ember.tensor([0, 1, 2, 3]), like=boxes)
    assert repr(one) == ("BoundingBoxes([[0, 1, 2, 3]], format=BoundingBoxFormat.XYXY, canvas_size=(8, 8), "
                         "clamping_mode=soft)")
    with pytest.raises(ValueError, match="^Expected a 1D or 2D tensor, got 3D$"):
        tv_tensors.wrap(ember.zeros(2, 2, 4), like=boxes)
    points = tv_tensors.KeyPoints([[1, 2]], canvas_size=(8, 8))
    assert repr(tv_tensors.wrap(ember.tensor([3, 4]), like=points)) == "KeyPoints([[3, 4]], canvas_size=(8, 8))"
    with pytest.raises(ValueError, match=r"^Expected a tensor of shape \(\.\.\., 2\), not ember.Size\(\[2, 3\]\)$"):
        tv_tensors.wrap(ember.zeros(2, 3), like=points)


def test_v2_gaussian_blur_weighs_with_torchvisions_v2_kernel():
    # v2 builds its kernel as a softmax over -(x / sigma)^2 (v1 normalises exp(-x^2 / 2 sigma^2) by its sum): the
    # weights differ in the last bits, which now and then moves a rounded uint8 pixel
    from ember.vision.transforms import _geometry
    kernel = _geometry._gaussian_kernel1d_v2(9, 3.7, ember.float32)
    assert [v.hex() for v in kernel[:5].tolist()] == [
        '0x1.3ca5460000000p-4', '0x1.98e3a40000000p-4', '0x1.eacfa20000000p-4', '0x1.11d2a20000000p-3',
        '0x1.1c022c0000000p-3']
    ember.manual_seed(0)
    img = ember.randint(0, 256, (3, 64, 64), dtype=ember.uint8)
    # with these sigmas one pixel of v2's blur differs from v1's
    crcs = [zlib.crc32(F.gaussian_blur(img, [5, 9], [s, s]).numpy().tobytes()) for s in (0.4097, 0.4912, 0.8987)]
    assert crcs == [1214047917, 2102386857, 2137773028]


def test_rotated_boxes_are_drawn_on_torchvisions_pixels():
    # the dashed first edge takes its direction afresh from each dash's start, as torchvision's drawing does
    from ember.vision.utils import draw_bounding_boxes
    canvas = ember.zeros(3, 60, 80, dtype=ember.uint8)
    drawn = draw_bounding_boxes(canvas, ember.tensor([[10.0, 12, 61, 3, 70, 40, 19, 49]]), colors='yellow', width=2)
    assert zlib.crc32(drawn.numpy().tobytes()) == 3112571210
    assert drawn.sum().item() == 128010


def test_v2_adjust_hue_computes_as_torchvision_v2():
    # v2 scales uint8 by 1/255, takes h * (1/6) and rebuilds rgb from (s * f + 1 - s) * v: v1's arithmetic rounds
    # differently in hundreds of float pixels and a few uint8 ones (values read from torchvision 0.28)
    ember.manual_seed(0)
    img = ember.randint(0, 256, (2, 3, 60, 70), dtype=ember.uint8)
    assert zlib.crc32(F.adjust_hue(img, -0.3).numpy().tobytes()) == 1994219450
    x = ember.rand(3, 50, 40)
    assert zlib.crc32(F.adjust_hue(x, 0.1234).numpy().tobytes()) == 1867112933
    assert (F.adjust_hue(x, 0.1234) != F1.adjust_hue(x, 0.1234)).sum().item() == 540
    assert F.adjust_hue(ember.zeros(1, 2, 2), 0.2).equal(ember.zeros(1, 2, 2))     # one channel: unchanged
    with pytest.raises(ValueError, match=r"^hue_factor \(0.7\) is not in \[-0.5, 0.5\].$"):
        F.adjust_hue(x, 0.7)
    with pytest.raises(TypeError, match="^Input image tensor permitted channel values are 1 or 3, but found 2$"):
        F.adjust_hue(ember.zeros(2, 2, 2), 0.1)


def test_photometric_distort_draws_its_channel_permutation_as_a_tensor():
    from ember.vision.transforms import v2
    ember.manual_seed(3)
    params = v2.RandomPhotometricDistort(p=1).make_params([ember.zeros(3, 4, 4)])
    assert params['channel_permutation'].equal(ember.tensor([1, 2, 0]))
    img = ember.arange(3.0).view(3, 1, 1)
    assert F.permute_channels(img, params['channel_permutation']).flatten().tolist() == [1.0, 2.0, 0.0]


def test_to_image_leaves_the_other_tv_tensors_of_a_sample_alone():
    from ember.vision.transforms import v2
    boxes = tv_tensors.BoundingBoxes([[1, 2, 3, 4]], format="XYXY", canvas_size=(8, 8))
    mask = tv_tensors.Mask(ember.zeros(1, 8, 8, dtype=ember.uint8))
    labels = ember.tensor([1])
    img, target = v2.ToImage()(ember.zeros(3, 8, 8), {"boxes": boxes, "masks": mask, "labels": labels})
    assert type(img) is tv_tensors.Image
    assert type(target["boxes"]) is tv_tensors.BoundingBoxes and type(target["masks"]) is tv_tensors.Mask
    assert type(target["labels"]) is ember.Tensor


def test_tv_tensor_classes_live_in_torchvisions_modules():
    assert tv_tensors.Mask.__module__ == "ember.vision.tv_tensors._mask"
    assert tv_tensors.Video.__module__ == "ember.vision.tv_tensors._video"
    assert tv_tensors.Image.__module__ == "ember.vision.tv_tensors._image"


def test_functional_answers_the_private_pil_check_reference_scripts_call():
    # torchvision's detection references call F._is_pil_image
    from PIL import Image
    assert F1._is_pil_image(Image.new("RGB", (2, 2))) and not F1._is_pil_image(ember.zeros(3, 2, 2))
