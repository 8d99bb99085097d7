"""Keypoint R-CNN pieces beyond the recorded model outputs (test_faster_rcnn.py): checkpoints' names,
the legacy ``pretrained="legacy"`` choice, heatmap targets, argument checks."""
import pytest

import ember
from ember.vision import models
from ember.vision.models import detection
from ember.vision.models._utils import handle_legacy_interface
from ember.vision.models.detection.keypoint_rcnn import KeypointRCNNPredictor
from ember.vision.models.detection.roi_heads import keypoints_to_heatmap

W = detection.KeypointRCNN_ResNet50_FPN_Weights


def test_registry_and_weights():
    assert models.get_model_builder("keypointrcnn_resnet50_fpn") is detection.keypointrcnn_resnet50_fpn
    assert models.get_model_weights("keypointrcnn_resnet50_fpn") is W
    assert W.DEFAULT is W.COCO_V1 and list(W.__members__)[:2] == ["COCO_LEGACY", "COCO_V1"]
    assert W.COCO_LEGACY.url == "https://download.pytorch.org/models/keypointrcnn_resnet50_fpn_coco-9f466800.pth"
    assert W.COCO_V1.meta["categories"] == ["no person", "person"]
    assert len(W.COCO_V1.meta["keypoint_names"]) == 17 and W.COCO_V1.meta["keypoint_names"][0] == "nose"
    assert W.COCO_V1.meta["_metrics"]["COCO-val2017"]["kp_map"] == 65.0
    with pytest.raises(ValueError, match="num_keypoints"):
        detection.keypointrcnn_resnet50_fpn(weights="COCO_V1", num_keypoints=5)


def test_legacy_pretrained_value_chooses_the_weights():
    # the builder's rule, on a stand-in that returns what it was given instead of downloading
    rule = handle_legacy_interface(weights=("pretrained", lambda kwargs: W.COCO_LEGACY if kwargs["pretrained"] == "legacy"
                                            else W.COCO_V1))
    builder = rule(lambda **kwargs: kwargs["weights"])
    with pytest.warns(UserWarning):
        assert builder(pretrained="legacy") is W.COCO_LEGACY
    with pytest.warns(UserWarning):
        assert builder(pretrained=True) is W.COCO_V1


def test_keypoints_to_heatmap_cells_and_validity():
    rois = ember.tensor([[0.0, 0.0, 8.0, 4.0]])
    # inside; on the right edge (last column); invisible; outside
    kps = ember.tensor([[[3.0, 1.0, 1.0], [8.0, 2.0, 1.0], [1.0, 1.0, 0.0], [9.0, 1.0, 1.0]]])
    cells, valid = keypoints_to_heatmap(kps, rois, 4)
    assert cells.tolist() == [[1 * 4 + 1, 2 * 4 + 3, 0, 0]]
    assert valid.tolist() == [[1, 1, 0, 0]]


def test_argument_checks():
    backbone = ember.nn.Conv2d(3, 4, 3)
    backbone.out_channels = 4
    with pytest.raises(TypeError, match="keypoint_roi_pool should be of type MultiScaleRoIAlign or None"):
        detection.KeypointRCNN(backbone, num_classes=2, keypoint_roi_pool=ember.nn.Identity())
    with pytest.raises(ValueError, match="num_keypoints should be None when keypoint_predictor is specified"):
        detection.KeypointRCNN(backbone, num_classes=2, num_keypoints=3, keypoint_predictor=KeypointRCNNPredictor(4, 3))
