"""transforms.v2 and tv_tensors against torchvision's recorded outputs
(tests/fixtures/vision_transforms/record_v2.py records; this replays the same samples and seeds)."""
import os
import sys

import numpy as np
import pytest

import ember
from ember.vision import tv_tensors
from ember.vision.transforms import v2

_FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "vision_transforms")
sys.path.insert(0, _FIXTURES)
import record_v2  # noqa: E402

sys.path.pop(0)
REC = np.load(os.path.join(_FIXTURES, "v2.npz"))
CASES = record_v2.transforms_under_test(v2, ember, tv_tensors)


def _same(got, want, name):
    assert got.shape == want.shape and got.dtype == want.dtype, (name, got.shape, want.shape, got.dtype, want.dtype)
    if want.dtype.kind in "ui":
        np.testing.assert_array_equal(got, want, err_msg=name)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5, err_msg=name)


@pytest.mark.parametrize("key,t", CASES, ids=[c[0] for c in CASES])
@pytest.mark.filterwarnings("ignore:RandomErasing\\(\\) is currently passing through")
def test_seeded_samples_match_torchvision(key, t):
    ours = record_v2.run(v2, tv_tensors, ember, key, t)
    for name, got in ours.items():
        _same(got, REC[name], name)


@pytest.mark.parametrize("name", ["mixup", "cutmix"])
def test_mixup_cutmix_match_torchvision(name):
    ours = record_v2.run_mix(v2, ember)
    for k in (f"{name}/0/image", f"{name}/0/labels", f"{name}/1/image", f"{name}/1/labels"):
        _same(ours[k], REC[k], k)


def test_types_and_metadata_survive_transforms():
    s = record_v2.sample(tv_tensors, ember, record_v2.arrays())
    out = v2.Compose([v2.RandomHorizontalFlip(p=1.0), v2.Resize((5, 6))])(s)
    assert type(out["image"]) is tv_tensors.Image and type(out["masks"]) is tv_tensors.Mask
    assert type(out["boxes"]) is tv_tensors.BoundingBoxes and out["boxes"].canvas_size == (5, 6)
    assert out["boxes_c"].format is tv_tensors.BoundingBoxFormat.CXCYWH
    assert type(out["labels"]) is ember.Tensor and out["labels"].tolist() == [1, 2, 3, 4]
    # ops on tv_tensors give plain tensors; clone/to/detach keep the type and metadata
    assert type(out["boxes"] + 1) is ember.Tensor
    assert out["boxes"].clone().canvas_size == (5, 6) and type(out["image"].to(ember.float64)) is tv_tensors.Image


def test_plain_tensor_sample_rule():
    # without an Image in the sample only the first plain tensor is treated as the image
    a, b = ember.tensor([[[1, 2]]]), ember.tensor([[[1, 2]]])
    fa, fb = v2.RandomHorizontalFlip(p=1.0)(a, b)
    assert fa.tolist() == [[[2, 1]]] and fb.tolist() == [[[1, 2]]]


def test_tv_tensor_reprs_match_torchvision():
    assert repr(tv_tensors.Image(ember.zeros(1, 1, 2))) == "Image([[[0., 0.]]], )"
    assert repr(tv_tensors.BoundingBoxes([1, 2, 3, 4], format="XYXY", canvas_size=(8, 8))) == \
        "BoundingBoxes([[1, 2, 3, 4]], format=BoundingBoxFormat.XYXY, canvas_size=(8, 8), clamping_mode=soft)"
    assert repr(tv_tensors.KeyPoints([[1.0, 2.0]], canvas_size=(3, 3))) == \
        "KeyPoints([[1., 2.]], canvas_size=(3, 3))"


def test_keypoints_follow_geometry():
    kp = tv_tensors.KeyPoints([[0.0, 0.0], [3.0, 1.0]], canvas_size=(4, 8))
    assert v2.RandomHorizontalFlip(p=1.0)(kp).tolist() == [[7.0, 0.0], [4.0, 1.0]]
    out = v2.Resize((8, 16))(kp)
    assert out.tolist() == [[0.0, 0.0], [6.0, 2.0]] and out.canvas_size == (8, 16)
    assert v2.Pad([1, 2])(kp).tolist() == [[1.0, 2.0], [4.0, 3.0]]


def test_box_format_conversion_and_errors():
    b = tv_tensors.BoundingBoxes([[1, 2, 5, 8]], format="XYXY", canvas_size=(10, 10))
    assert v2.functional.convert_bounding_box_format(b, new_format="CXCYWH").tolist() == [[3, 5, 4, 6]]
    assert v2.functional.convert_bounding_box_format(b, new_format="XYWH").tolist() == [[1, 2, 4, 6]]
    with pytest.raises(ValueError, match="For bounding box tv_tensor inputs, `old_format` must not be passed."):
        v2.functional.convert_bounding_box_format(b, old_format="XYXY", new_format="XYWH")
    with pytest.raises(ValueError, match="For pure tensor inputs, `old_format` has to be passed."):
        v2.functional.convert_bounding_box_format(ember.zeros(1, 4), new_format="XYWH")
    with pytest.raises(ValueError, match="Expected a 1D or 2D tensor, got 3D"):
        tv_tensors.BoundingBoxes(ember.zeros(1, 1, 4), format="XYXY", canvas_size=(2, 2))
    with pytest.raises(ValueError, match="Rotated bounding boxes should be floating point tensors"):
        tv_tensors.BoundingBoxes([[1, 1, 2, 2, 0]], format="XYWHR", canvas_size=(2, 2))
    with pytest.raises(ValueError, match="num_classes must be passed if the labels are index-based"):
        v2.MixUp()(ember.zeros(2, 3, 2, 2), ember.tensor([0, 1]))
    with pytest.raises(ValueError, match="min_size must be >= 1, got 0.5."):
        v2.SanitizeBoundingBoxes(min_size=0.5)
    with pytest.raises(ValueError, match="Found multiple HxW dimensions in the sample"):
        v2.RandomCrop(2)(tv_tensors.Image(ember.zeros(1, 4, 4)), tv_tensors.Mask(ember.zeros(3, 3)))


def test_to_image_and_pure_tensor():
    img = v2.ToImage()(np.zeros((2, 3, 4), dtype=np.uint8))
    assert type(img) is tv_tensors.Image and tuple(img.shape) == (4, 2, 3)
    assert type(v2.ToPureTensor()({"a": img})["a"]) is ember.Tensor


def test_random_erasing_warns_when_passing_boxes_through():
    s = record_v2.sample(tv_tensors, ember, record_v2.arrays())
    with pytest.warns(UserWarning, match=r"RandomErasing\(\) is currently passing through inputs of type "
                                         r"tv_tensors.BoundingBoxes"):
        out = v2.RandomErasing(p=1.0)(s)
    assert out["boxes"] is s["boxes"]
    with pytest.raises(ValueError, match=r"Invalid side range provided \(0.5, 2.0\)."):
        v2.RandomZoomOut(side_range=(0.5, 2.0))
