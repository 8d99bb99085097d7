"""Mask R-CNN pieces beyond the recorded model outputs (test_faster_rcnn.py): checkpoints' names,
old checkpoint keys, argument checks."""
import pytest

import ember
from ember.vision import models
from ember.vision.models import detection
from ember.vision.models.detection.mask_rcnn import MaskRCNNHeads, MaskRCNNPredictor
from ember.vision.ops.poolers import MultiScaleRoIAlign


def test_registry_and_weights():
    assert models.get_model_builder("maskrcnn_resnet50_fpn_v2") is detection.maskrcnn_resnet50_fpn_v2
    w = models.get_model_weights("maskrcnn_resnet50_fpn")
    assert w is detection.MaskRCNN_ResNet50_FPN_Weights and w.DEFAULT is w.COCO_V1
    assert w.COCO_V1.url == "https://download.pytorch.org/models/maskrcnn_resnet50_fpn_coco-bf2d0c1e.pth"
    assert w.COCO_V1.meta["_metrics"]["COCO-val2017"] == {"box_map": 37.9, "mask_map": 34.6}
    assert len(detection.MaskRCNN_ResNet50_FPN_V2_Weights.COCO_V1.meta["categories"]) == 91
    with pytest.raises(ValueError, match="num_classes"):
        detection.maskrcnn_resnet50_fpn_v2(weights="COCO_V1", num_classes=3)


def test_heads_load_pre_version_2_checkpoint_keys():
    head = MaskRCNNHeads(4, [3, 3], 1)
    old = {f"mask_fcn{i + 1}.{kind}": ember.full_like(p, float(i + 1))
           for i in range(2) for kind, p in (("weight", head[i][0].weight), ("bias", head[i][0].bias))}
    head.load_state_dict(old)  # no version metadata: the keys are renamed
    assert head[1][0].weight.mean().item() == 2.0 and head[0][0].bias.mean().item() == 1.0


def test_argument_checks():
    backbone = ember.nn.Conv2d(3, 4, 3)
    backbone.out_channels = 4
    with pytest.raises(TypeError, match="mask_roi_pool should be of type MultiScaleRoIAlign or None"):
        detection.MaskRCNN(backbone, num_classes=3, mask_roi_pool=ember.nn.Identity())
    with pytest.raises(ValueError, match="num_classes should be None when mask_predictor is specified"):
        detection.MaskRCNN(backbone, num_classes=3, mask_predictor=MaskRCNNPredictor(4, 4, 3),
                           mask_roi_pool=MultiScaleRoIAlign(["0"], 14, 2))
