"""``tv_tensors.set_return_type``: what ops on TVTensors return (recorded from torchvision 0.28)."""
import pytest

import ember
from ember.vision import tv_tensors


def test_plain_tensors_by_default_and_tv_tensors_when_asked():
    img = tv_tensors.Image(ember.zeros(3, 4, 4))
    boxes = tv_tensors.BoundingBoxes([[0, 0, 2, 2], [1, 1, 3, 3]], format="XYXY", canvas_size=(4, 4))
    assert type(img + 1) is ember.Tensor and type(boxes * 2) is ember.Tensor
    assert type(img.clone()) is tv_tensors.Image
    with tv_tensors.set_return_type("TVTensor"):
        assert type(img + 1) is tv_tensors.Image
        assert type(ember.flip(img, (0,))) is tv_tensors.Image and type(img.sum()) is tv_tensors.Image
        moved = boxes + 1
        assert type(moved) is tv_tensors.BoundingBoxes
        assert moved.canvas_size == (4, 4) and moved.format is tv_tensors.BoundingBoxFormat.XYXY
        assert [type(b) for b in boxes.unbind(0)] == [tv_tensors.BoundingBoxes] * 2
        assert type(tv_tensors.Mask(ember.zeros(2, 2)).bool()) is tv_tensors.Mask
        assert repr(boxes.to(ember.float32)) == (
            "BoundingBoxes([[0., 0., 2., 2.],\n               [1., 1., 3., 3.]], format=BoundingBoxFormat.XYXY, "
            "canvas_size=(4, 4), clamping_mode=soft)")
    assert type(img + 1) is ember.Tensor
    assert type(img.add_(1)) is ember.Tensor     # an in-place op's TVTensor result comes back plain


def test_global_switch_and_bad_value():
    img = tv_tensors.Image(ember.zeros(1, 2, 2))
    tv_tensors.set_return_type("tvtensor")
    try:
        assert type(img * 2) is tv_tensors.Image
    finally:
        tv_tensors.set_return_type("Tensor")
    assert type(img * 2) is ember.Tensor
    with pytest.raises(ValueError, match="return_type must be 'TVTensor' or 'Tensor', got numpy"):
        tv_tensors.set_return_type("numpy")
