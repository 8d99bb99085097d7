"""Faster R-CNN, Mask R-CNN, Keypoint R-CNN, RetinaNet and FCOS against torchvision: outputs and losses recorded with seeded weights (record.py), and
the state_dict layouts of the builders (so torchvision's checkpoints load strictly)."""
import json
import os

import numpy as np
import pytest

import ember
from ember.vision import models
from ember.vision.models import detection
from tests.vision.models.detection._cases import FORWARD_CASES, MODEL_CASES, STATE_DICT_BUILDERS, images, targets
from tests.vision.models.detection._checks import assert_detections_match, load_seeded

_HERE = os.path.join(os.path.dirname(__file__), "fixtures")
_DATA = np.load(os.path.join(_HERE, "detection.npz"))
with open(os.path.join(_HERE, "state_dicts.json")) as _f:
    _LAYOUTS = json.load(_f)


_CASES = sorted(FORWARD_CASES) + list(MODEL_CASES)


def _seeded_model(name):
    if name in MODEL_CASES:
        return load_seeded(MODEL_CASES[name][0](detection, ember.nn))
    return load_seeded(getattr(detection, name)(**FORWARD_CASES[name]))


@pytest.mark.parametrize("name", _CASES)
def test_eval_detections_match_torchvision(name):
    model = _seeded_model(name).eval()
    with ember.no_grad():
        out = model([ember.tensor(i) for i in images()])
    assert len(out) == 2
    for i, det in enumerate(out):
        keys = sorted(k.rsplit("/", 1)[1] for k in _DATA.files if k.startswith(f"{name}/eval/{i}/"))
        assert_detections_match(det, {k: _DATA[f"{name}/eval/{i}/{k}"] for k in keys})


@pytest.mark.parametrize("name", _CASES)
def test_train_losses_match_torchvision(name):
    model = _seeded_model(name).train()
    model.backbone.body.requires_grad_(False)  # keeps the backward pass short; the heads still learn
    case_targets = MODEL_CASES[name][1] if name in MODEL_CASES else targets
    tgts = [{k: ember.tensor(v) for k, v in t.items()} for t in case_targets()]
    losses = model([ember.tensor(i) for i in images()], tgts)
    expected = sorted(k.rsplit("/", 1)[1] for k in _DATA.files if k.startswith(f"{name}/train/"))
    assert sorted(losses) == expected
    for key, value in losses.items():
        np.testing.assert_allclose(value.detach().numpy(), _DATA[f"{name}/train/{key}"], rtol=1e-4, atol=1e-6)
    sum(losses.values()).backward()
    if isinstance(model, (detection.RetinaNet, detection.FCOS)):
        heads = [model.head.classification_head.cls_logits, model.head.regression_head.bbox_reg]
    else:
        heads = [model.roi_heads.box_predictor] + ([model.roi_heads.mask_predictor] if "loss_mask" in losses else [])
        heads += [model.roi_heads.keypoint_predictor] if "loss_keypoint" in losses else []
    grads = [p.grad for head in heads for p in head.parameters()]
    assert all(g is not None and float(g.abs().sum()) > 0 for g in grads)


@pytest.mark.parametrize("name", STATE_DICT_BUILDERS)
def test_state_dict_layout_matches_torchvision(name):
    model = getattr(detection, name)(weights=None, weights_backbone=None)
    got = {k: [list(v.shape), str(v.dtype).replace("ember.", "")] for k, v in model.state_dict().items()}
    assert list(got) == list(_LAYOUTS[name]) or sorted(got) == sorted(_LAYOUTS[name])
    assert got == _LAYOUTS[name]


def test_registry_and_weights():
    names = models.list_models(module=models.detection)
    assert set(STATE_DICT_BUILDERS) <= set(names)
    assert models.get_model_builder("fasterrcnn_resnet50_fpn") is detection.fasterrcnn_resnet50_fpn
    w = models.get_model_weights("fasterrcnn_resnet50_fpn")
    assert w is detection.FasterRCNN_ResNet50_FPN_Weights
    assert w.DEFAULT is w.COCO_V1
    assert w.COCO_V1.url == "https://download.pytorch.org/models/fasterrcnn_resnet50_fpn_coco-258fb6c6.pth"
    assert len(w.COCO_V1.meta["categories"]) == 91 and w.COCO_V1.meta["categories"][1] == "person"
    img = w.COCO_V1.transforms()(ember.tensor(np.full((3, 2, 2), 255, dtype=np.uint8)))
    assert img.dtype == ember.float32 and float(img.max()) == 1.0
    with pytest.raises(ValueError, match="num_classes"):
        detection.fasterrcnn_resnet50_fpn(weights="COCO_V1", num_classes=3)


def test_errors_as_torchvision():
    model = detection.fasterrcnn_mobilenet_v3_large_320_fpn(weights=None, weights_backbone=None, num_classes=3)
    model.train()
    with pytest.raises(AssertionError, match="targets should not be none when in training mode"):
        model([ember.rand(3, 32, 32)])
    with pytest.raises(AssertionError, match="^Expected target boxes to be of type Tensor, got <class 'list'>.$"):
        model([ember.rand(3, 32, 32)], [{"boxes": [[1.0, 2.0, 3.0, 4.0]], "labels": ember.tensor([1])}])
    bad = [{"boxes": ember.tensor([[10.0, 10.0, 5.0, 20.0]]), "labels": ember.tensor([1])}]
    with pytest.raises(AssertionError, match="All bounding boxes should have positive height and width"):
        model([ember.rand(3, 32, 32)], bad)
    with pytest.raises(ValueError, match="num_classes should not be None"):
        detection.FasterRCNN(model.backbone)
