"""ember.vision.ops against torchvision.ops results recorded in tests/fixtures/vision_ops/ops.npz."""
import ast
import os
from collections import OrderedDict

import numpy as np
import pytest

import ember
from ember.vision import ops

_DATA = np.load(os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "vision_ops", "ops.npz"))


def _cases(prefix):
    return sorted({k[len(prefix) + 1:].rsplit("/", 1)[0] for k in _DATA.files if k.startswith(prefix + "/")})


def _get(name, key, requires_grad=False):
    return ember.tensor(_DATA[f"{name}/{key}"], requires_grad=requires_grad)


def _close(actual, expected, dtype=np.float64):
    tol = 1e-5 if np.dtype(dtype) == np.float32 else 1e-10
    np.testing.assert_allclose(actual.detach().numpy(), expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("case", _cases("roi_align"))
def test_roi_align_matches_torchvision(case):
    name = f"roi_align/{case}"
    x = _get(name, "input", requires_grad=True)
    kwargs = ast.literal_eval(str(_DATA[f"{name}/kwargs"]))
    y = ops.roi_align(x, _get(name, "rois"), **kwargs)
    _close(y, _DATA[f"{name}/output"], _DATA[f"{name}/output"].dtype)
    y.backward(_get(name, "grad_output"))
    _close(x.grad, _DATA[f"{name}/grad_input"], _DATA[f"{name}/grad_input"].dtype)
    assert y.dtype == x.dtype


def test_roi_align_list_of_boxes_and_module():
    boxes = [_get("roi_align_list", "boxes0"), _get("roi_align_list", "boxes1")]
    x = _get("roi_align_list", "input")
    _close(ops.roi_align(x, boxes, 3, 1.0, 2, True), _DATA["roi_align_list/output"], np.float32)
    layer = ops.RoIAlign(3, 1.0, 2, aligned=True)
    _close(layer(x, boxes), _DATA["roi_align_list/output"], np.float32)
    assert repr(layer) == "RoIAlign(output_size=3, spatial_scale=1.0, sampling_ratio=2, aligned=True)"


@pytest.mark.parametrize("name", ["box_iou", "generalized_box_iou", "distance_box_iou", "complete_box_iou"])
def test_pairwise_iou_and_gradients(name):
    b1, b2 = _get(name, "boxes1", True), _get(name, "boxes2", True)
    y = getattr(ops, name)(b1, b2)
    _close(y, _DATA[f"{name}/output"])
    g1, g2 = ember.autograd.grad(y, (b1, b2), _get(name, "grad_output"))
    _close(g1, _DATA[f"{name}/grad1"])
    _close(g2, _DATA[f"{name}/grad2"])


@pytest.mark.parametrize("case", _cases("generalized_box_iou_loss") and
                         [f"{n}/{r}" for n in ("generalized_box_iou_loss", "distance_box_iou_loss",
                                               "complete_box_iou_loss") for r in ("none", "mean", "sum")])
def test_box_losses_and_gradients(case):
    name, reduction = case.split("/")
    b1, b2 = _get(case, "boxes1", True), _get(case, "boxes2", True)
    y = getattr(ops, name)(b1, b2, reduction=reduction)
    _close(y, _DATA[f"{case}/output"])
    g1, g2 = ember.autograd.grad(y.sum(), (b1, b2))
    _close(g1, _DATA[f"{case}/grad1"])
    _close(g2, _DATA[f"{case}/grad2"])


def test_box_formats_conversion_area_clip_and_small_boxes():
    for key in [k for k in _DATA.files if k.startswith("box_convert/") and k.endswith("/output")]:
        _, a, b, _ = key.split("/")
        _close(ops.box_convert(_get(f"box_convert/{a}/{b}", "boxes"), a, b), _DATA[key])
    for fmt in ("xywh", "cxcywh"):
        name = f"box_iou_{fmt}"
        _close(ops.box_iou(_get(name, "boxes1"), _get(name, "boxes2"), fmt=fmt), _DATA[f"{name}/output"])
        _close(ops.box_area(_get(name, "boxes1"), fmt=fmt), _DATA[f"{name}/area"])
    _close(ops.box_area(_get("box_area", "boxes")), _DATA["box_area/output"])
    _close(ops.clip_boxes_to_image(_get("clip_boxes_to_image", "boxes"), (12, 9)),
           _DATA["clip_boxes_to_image/output"])
    kept = ops.remove_small_boxes(_get("remove_small_boxes", "boxes"), 6.0)
    assert kept.dtype == ember.int64 and kept.tolist() == _DATA["remove_small_boxes/output"].tolist()
    boxes = ops.masks_to_boxes(_get("masks_to_boxes", "masks"))
    assert boxes.dtype == ember.float32 and boxes.tolist() == _DATA["masks_to_boxes/output"].tolist()


def test_box_errors():
    b = ember.zeros(2, 4)
    with pytest.raises(ValueError, match="^Unsupported Bounding Box Conversions for given in_fmt xyxy and out_fmt xy$"):
        ops.box_convert(b, "xyxy", "xy")
    with pytest.raises(ValueError, match="^Unsupported Bounding Box area for given format xy$"):
        ops.box_area(b, fmt="xy")
    with pytest.raises(ValueError, match="Invalid Value for arg 'reduction': 'avg"):
        ops.generalized_box_iou_loss(b, b, reduction="avg")
    with pytest.raises(NotImplementedError, match="rotated"):
        ops.box_iou(ember.zeros(1, 5), ember.zeros(1, 5), fmt="cxcywhr")


@pytest.mark.parametrize("case", _cases("sigmoid_focal_loss") and
                         ["0.25/2/none", "-1/1.5/mean", "0.7/0/sum"])
def test_sigmoid_focal_loss(case):
    name = f"sigmoid_focal_loss/{case}"
    alpha, gamma, reduction = case.split("/")
    x = _get(name, "inputs", True)
    y = ops.sigmoid_focal_loss(x, _get(name, "targets"), float(alpha), float(gamma), reduction)
    _close(y, _DATA[f"{name}/output"])
    (g,) = ember.autograd.grad(y.sum(), x)
    _close(g, _DATA[f"{name}/grad"])
    with pytest.raises(ValueError, match=r"^Invalid alpha value: 2. alpha must be in the range \[0,1\]"):
        ops.sigmoid_focal_loss(x, x, alpha=2)


def _state(prefix):
    return {k[len(prefix):]: ember.tensor(_DATA[k]) for k in _DATA.files if k.startswith(prefix)}


def test_feature_pyramid_network_loads_torchvision_weights_and_matches():
    from ember.vision.ops.feature_pyramid_network import LastLevelMaxPool
    fpn = ops.FeaturePyramidNetwork([3, 5, 6], 4, extra_blocks=LastLevelMaxPool())
    state = _state("fpn/state/")
    assert sorted(fpn.state_dict()) == sorted(state)
    fpn.load_state_dict(state)
    inputs = OrderedDict((k, ember.tensor(_DATA[f"fpn/in/{k}"])) for k in ("feat0", "feat1", "feat2"))
    out = fpn(inputs)
    assert list(out) == ["feat0", "feat1", "feat2", "pool"]
    for k, v in out.items():
        _close(v, _DATA[f"fpn/out/{k}"], np.float32)
    with pytest.raises(ValueError, match="^in_channels=0 is currently not supported$"):
        ops.FeaturePyramidNetwork([0], 4)


def test_multi_scale_roi_align_picks_levels_like_torchvision():
    feats = OrderedDict((k, ember.tensor(_DATA[f"multiscale/in/{k}"])) for k in ("feat0", "feat1", "feat2"))
    pooler = ops.MultiScaleRoIAlign(["feat0", "feat1", "feat2"], 3, 2)
    boxes = [_get("multiscale", "boxes0"), _get("multiscale", "boxes1")]
    _close(pooler(feats, boxes, [(64, 64), (60, 64)]), _DATA["multiscale/output"], np.float32)
    assert pooler.scales == _DATA["multiscale/scales"].tolist()
    assert repr(pooler) == "MultiScaleRoIAlign(featmap_names=['feat0', 'feat1', 'feat2'], output_size=(3, 3), " \
                           "sampling_ratio=2)"
