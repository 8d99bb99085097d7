"""RetinaNet and FCOS pieces beyond the recorded model outputs (test_faster_rcnn.py): checkpoints' names,
version-1 head keys, argument checks."""
import pytest

import ember
from ember.vision import models
from ember.vision.models import detection
from ember.vision.models.detection.retinanet import RetinaNetClassificationHead


def test_registry_and_weights():
    assert models.get_model_builder("retinanet_resnet50_fpn_v2") is detection.retinanet_resnet50_fpn_v2
    w = models.get_model_weights("retinanet_resnet50_fpn")
    assert w is detection.RetinaNet_ResNet50_FPN_Weights and w.DEFAULT is w.COCO_V1
    assert w.COCO_V1.url == "https://download.pytorch.org/models/retinanet_resnet50_fpn_coco-eeacb38b.pth"
    assert w.COCO_V1.meta["_metrics"]["COCO-val2017"]["box_map"] == 36.4
    assert detection.RetinaNet_ResNet50_FPN_V2_Weights.COCO_V1.meta["_metrics"]["COCO-val2017"]["box_map"] == 41.5
    with pytest.raises(ValueError, match="num_classes"):
        detection.retinanet_resnet50_fpn(weights="COCO_V1", num_classes=3)


def test_head_loads_version_1_keys():
    head = RetinaNetClassificationHead(4, 1, 2)
    state = {k: v.clone() for k, v in head.state_dict().items()}
    old = {}
    for k, v in state.items():
        if k.startswith("conv."):
            i, rest = k.split(".")[1], k.split(".")[-1]
            old[f"conv.{2 * int(i)}.{rest}"] = ember.full_like(v, float(i))
        else:
            old[k] = v
    head.load_state_dict(old)  # no version metadata: conv.{2i} becomes conv.{i}.0
    assert [head.conv[i][0].weight.mean().item() for i in range(4)] == [0.0, 1.0, 2.0, 3.0]


def test_argument_checks():
    backbone = ember.nn.Identity()
    with pytest.raises(ValueError, match="backbone should contain an attribute out_channels"):
        detection.RetinaNet(backbone, 3)
    backbone.out_channels = 3
    with pytest.raises(TypeError, match="anchor_generator should be of type AnchorGenerator or None"):
        detection.RetinaNet(backbone, 3, anchor_generator=ember.nn.Identity())


def test_fcos_registry_weights_and_checks():
    assert models.get_model_builder("fcos_resnet50_fpn") is detection.fcos_resnet50_fpn
    w = models.get_model_weights("fcos_resnet50_fpn")
    assert w is detection.FCOS_ResNet50_FPN_Weights and w.DEFAULT is w.COCO_V1
    assert w.COCO_V1.url == "https://download.pytorch.org/models/fcos_resnet50_fpn_coco-99b0c9b7.pth"
    assert w.COCO_V1.meta["_metrics"]["COCO-val2017"]["box_map"] == 39.2
    backbone = ember.nn.Identity()
    backbone.out_channels = 32
    two_anchors = detection.anchor_utils.AnchorGenerator(((8, 16),), ((1.0,),))
    with pytest.raises(ValueError, match=r"anchor_generator.num_anchors_per_location\(\)\[0\] should be 1 instead of 2"):
        detection.FCOS(backbone, 3, anchor_generator=two_anchors)


def test_target_errors_worded_as_each_torchvision_detector():
    # torchvision words the bad-target errors differently in RetinaNet (no detail) and FCOS (the shape)
    backbone = ember.nn.Identity()
    backbone.out_channels = 32
    bad_shape = [{"boxes": ember.zeros(4), "labels": ember.zeros(1, dtype=ember.int64)}]
    bad_type = [{"boxes": [[1.0, 2.0, 3.0, 4.0]], "labels": ember.zeros(1, dtype=ember.int64)}]
    retinanet = detection.RetinaNet(backbone, 3).train()
    with pytest.raises(AssertionError, match=r"^Expected target boxes to be a tensor of shape \[N, 4\].$"):
        retinanet([ember.rand(3, 8, 8)], bad_shape)
    with pytest.raises(AssertionError, match="^Expected target boxes to be of type Tensor.$"):
        retinanet([ember.rand(3, 8, 8)], bad_type)
    fcos = detection.FCOS(backbone, 3).train()
    with pytest.raises(AssertionError, match=r"^Expected target boxes to be a tensor of shape \[N, 4\], got "
                                             r"ember.Size\(\[4\]\).$"):
        fcos([ember.rand(3, 8, 8)], bad_shape)
    with pytest.raises(AssertionError, match="^Expected target boxes to be of type Tensor.$"):
        fcos([ember.rand(3, 8, 8)], bad_type)
