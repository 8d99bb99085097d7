"""SSD and SSDlite against torchvision: outputs and losses recorded with seeded weights (record_ssd.py),
the builders' state_dict layouts and printed form, default boxes, checkpoints' names and argument checks;
with PyTorch installed, the default boxes and the hard-negative-mining loss also against torchvision live."""
import functools
import json
import os
import warnings

import numpy as np
import pytest

import ember
from ember import nn
from ember.vision import models
from ember.vision.models import detection
from ember.vision.models.detection.anchor_utils import DefaultBoxGenerator
from ember.vision.models.detection.image_list import ImageList
from ember.vision.models.detection.ssd import SSD, _vgg_extractor
from ember.vision.models.detection.ssdlite import SSDLiteFeatureExtractorMobileNet
from tests.vision.models.detection._cases import SSD_BUILDERS, SSD_CASES, images, targets
from tests.vision.models.detection._checks import assert_detections_match, load_seeded

_HERE = os.path.join(os.path.dirname(__file__), "fixtures")
_DATA = np.load(os.path.join(_HERE, "ssd.npz"))
with open(os.path.join(_HERE, "ssd.json")) as _f:
    _BUILDERS = json.load(_f)


@functools.lru_cache(maxsize=None)
def _built(name):
    # built once for both tests (construction costs as much as a forward); each test loads the weights anew
    return SSD_CASES[name](detection, nn)


@pytest.mark.parametrize("name", sorted(SSD_CASES))
def test_eval_detections_match_torchvision(name):
    model = load_seeded(_built(name)).eval()
    with ember.no_grad():
        out = model([ember.tensor(i) for i in images()])
    assert len(out) == 2
    for i, det in enumerate(out):
        keys = sorted(k.rsplit("/", 1)[1] for k in _DATA.files if k.startswith(f"{name}/eval/{i}/"))
        assert keys == ["boxes", "labels", "scores"]
        assert_detections_match(det, {k: _DATA[f"{name}/eval/{i}/{k}"] for k in keys})


@pytest.mark.parametrize("name", sorted(SSD_CASES))
def test_train_losses_match_torchvision(name):
    model = load_seeded(_built(name)).train()
    model.backbone.requires_grad_(False)  # keeps the backward pass short; the heads still learn
    tgts = [{k: ember.tensor(v) for k, v in t.items()} for t in targets()]
    losses = model([ember.tensor(i) for i in images()], tgts)
    assert sorted(losses) == ["bbox_regression", "classification"]
    for key, value in losses.items():
        # float32 rounding alone moves torchvision's SSDlite box loss 1.6e-4 (relative) off its float64 value
        np.testing.assert_allclose(value.detach().numpy(), _DATA[f"{name}/train/{key}"], rtol=5e-4, atol=1e-6)
    sum(losses.values()).backward()
    for head in (model.head.classification_head, model.head.regression_head):
        # (a feature map's regression weights see no gradient when none of its boxes matched a target)
        grads = [p.grad for p in head.parameters()]
        assert all(g is not None for g in grads) and sum(float(g.abs().sum()) for g in grads) > 0


@pytest.mark.parametrize("name", SSD_BUILDERS)
def test_builder_layout_and_printing_match_torchvision(name):
    with ember.device("meta"):  # shapes only: the layout and the printed form need no values
        model = getattr(detection, name)(weights=None, weights_backbone=None)
    got = {k: [list(v.shape), str(v.dtype).replace("ember.", "")] for k, v in model.state_dict().items()}
    assert list(got) == list(_BUILDERS[name]["state_dict"])
    assert got == _BUILDERS[name]["state_dict"]
    assert repr(model) == _BUILDERS[name]["repr"]


def test_registry_and_weights():
    assert {"ssd300_vgg16", "ssdlite320_mobilenet_v3_large"} <= set(models.list_models(module=models.detection))
    assert models.get_model_builder("ssd300_vgg16") is detection.ssd300_vgg16
    w = models.get_model_weights("ssd300_vgg16")
    assert w is detection.SSD300_VGG16_Weights and w.DEFAULT is w.COCO_V1
    assert w.COCO_V1.url == "https://download.pytorch.org/models/ssd300_vgg16_coco-b556d3b4.pth"
    assert w.COCO_V1.meta["num_params"] == 35641826 and w.COCO_V1.meta["_metrics"]["COCO-val2017"]["box_map"] == 25.1
    lite = models.get_model_weights("ssdlite320_mobilenet_v3_large")
    assert lite is detection.SSDLite320_MobileNet_V3_Large_Weights and lite.DEFAULT is lite.COCO_V1
    assert lite.COCO_V1.url == "https://download.pytorch.org/models/ssdlite320_mobilenet_v3_large_coco-a79551df.pth"
    assert lite.COCO_V1.meta["num_params"] == 3440060 and lite.COCO_V1.meta["min_size"] == (1, 1)
    assert len(lite.COCO_V1.meta["categories"]) == 91
    img = lite.COCO_V1.transforms()(ember.tensor(np.full((3, 2, 2), 255, dtype=np.uint8)))
    assert img.dtype == ember.float32 and float(img.max()) == 1.0
    assert detection.ssd.__all__ == ["SSD300_VGG16_Weights", "ssd300_vgg16"]
    with pytest.raises(ValueError, match="The parameter 'num_classes' expected value 91 but got 3 instead."):
        detection.ssd300_vgg16(weights="COCO_V1", num_classes=3)


def test_builder_ignores_size_with_a_warning():
    with ember.device("meta"), pytest.warns(UserWarning, match="The size of the model is already fixed"):
        model = detection.ssdlite320_mobilenet_v3_large(weights=None, weights_backbone=None, num_classes=3,
                                                        size=(100, 100))
    assert model.transform.fixed_size == (320, 320) and model.head.classification_head.num_columns == 3


def test_default_boxes_as_torchvision():
    # recorded from torchvision: relative scales beyond 1 and no clipping, a 1 x 2 and a 1 x 1 map of a 10 x 20 image
    gen = DefaultBoxGenerator([[2], [3]], scales=[0.5, 1.5, 2.0], clip=False)
    assert repr(gen) == "DefaultBoxGenerator(aspect_ratios=[[2], [3]], clip=False, scales=[0.5, 1.5, 2.0], steps=None)"
    boxes = gen(ImageList(ember.zeros(2, 3, 10, 20), [(10, 20), (8, 16)]), [ember.zeros(2, 4, 1, 2),
                                                                            ember.zeros(2, 4, 1, 1)])
    assert len(boxes) == 2 and boxes[0] is not boxes[1]
    expected = [[0.0, 2.5, 10.0, 7.5], [-3.660254, 0.669873, 13.660254, 9.330128],
                [-2.071068, 3.232233, 12.071068, 6.767767], [1.464466, 1.464466, 8.535534, 8.535534],
                [10.0, 2.5, 20.0, 7.5], [6.339746, 0.669873, 23.660255, 9.330128],
                [7.928932, 3.232233, 22.071068, 6.767767], [11.464466, 1.464466, 18.535534, 8.535534],
                [-5.0, -2.5, 25.0, 12.5], [-7.320508, -3.660254, 27.320509, 13.660255],
                [-15.980761, 0.669873, 35.980762, 9.330128], [1.339746, -7.990380, 18.660255, 17.990381]]
    np.testing.assert_allclose(boxes[1].numpy(), expected, rtol=1e-6, atol=1e-5)
    assert gen.num_anchors_per_location() == [4, 4]
    assert DefaultBoxGenerator([[2, 3]] * 3, min_ratio=0.2, max_ratio=0.8).scales == pytest.approx([0.2, 0.5, 0.8, 1.0])
    with pytest.raises(ValueError, match="aspect_ratios and steps should have the same length"):
        DefaultBoxGenerator([[2]], steps=[8, 16])


def test_argument_checks_and_freezing():
    backbone = nn.Conv2d(3, 4, 3)
    backbone.out_channels = [4]
    with pytest.raises(ValueError, match=r"The length of the output channels from the backbone \(1\) do not match "
                                         r"the length of the anchor generator aspect ratios \(2\)"):
        SSD(backbone, DefaultBoxGenerator([[2], [2]]), (32, 32), 3)
    model = SSD(backbone, DefaultBoxGenerator([[2]]), (32, 32), 3).train()
    with pytest.raises(AssertionError, match="^targets should not be none when in training mode$"):
        model([ember.rand(3, 20, 20)])
    with pytest.raises(AssertionError, match=r"^Expected target boxes to be a tensor of shape \[N, 4\], got "
                                             r"ember.Size\(\[4\]\).$"):
        model([ember.rand(3, 20, 20)], [{"boxes": ember.zeros(4), "labels": ember.zeros(1, dtype=ember.int64)}])
    with pytest.raises(AssertionError, match="^Expected target boxes to be of type Tensor, got <class 'list'>.$"):
        model([ember.rand(3, 20, 20)], [{"boxes": [[1, 2, 3, 4]], "labels": ember.zeros(1, dtype=ember.int64)}])
    with ember.device("meta"):
        vgg = models.vgg16()
    extractor = _vgg_extractor(vgg, False, 2)  # the last two VGG stages (conv4, conv5) stay trainable
    frozen = [k for k, p in extractor.named_parameters() if not p.requires_grad]
    assert frozen == [f"features.{i}.{kind}" for i in (0, 2, 5, 7, 10, 12, 14) for kind in ("weight", "bias")]
    assert extractor.features[16].ceil_mode  # the third max pool rounds up
    with pytest.raises(AssertionError, match=r"trainable_layers should be in the range \[0, 5\]. Instead got 6"):
        _vgg_extractor(vgg, False, 6)
    with ember.device("meta"):
        mobilenet = models.mobilenet_v3_large()
    with pytest.raises(ValueError, match=r"backbone\[c4_pos\].use_res_connect should be False"):
        SSDLiteFeatureExtractorMobileNet(mobilenet.features, 3, nn.BatchNorm2d)


def _case_for_loss(lib, nn_lib):
    # a one-level SSD with a head returning fixed logits: the loss's hard negative mining is exercised
    # on many candidates with no convolution involved
    class Fixed(nn_lib.Module):
        def __init__(self, logits, deltas):
            super().__init__()
            self.logits, self.deltas = logits, deltas

        def forward(self, x):
            return {"cls_logits": self.logits, "bbox_regression": self.deltas}

    rng = np.random.default_rng(5)
    logits = lib.tensor(rng.standard_normal((2, 384, 4)).astype(np.float32))
    deltas = lib.tensor(rng.standard_normal((2, 384, 4)).astype(np.float32))
    backbone = nn_lib.Conv2d(3, 4, 1, stride=4)
    backbone.out_channels = [4]
    return backbone, Fixed(logits, deltas)


def test_loss_and_boxes_match_torchvision_live():
    torch = pytest.importorskip("torch")
    tv_detection = pytest.importorskip("torchvision.models.detection")
    tgts = targets()
    imgs = images()
    results = []
    for lib, det, nn_lib in ((ember, detection, nn), (torch, tv_detection, torch.nn)):
        backbone, head = _case_for_loss(lib, nn_lib)
        gen = det.anchor_utils.DefaultBoxGenerator([[2, 3]], min_ratio=0.1, max_ratio=0.6)
        model = det.ssd.SSD(backbone, gen, (32, 32), 4, head=head, positive_fraction=0.1).train()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            losses = model([lib.tensor(i) for i in imgs], [{k: lib.tensor(v) for k, v in t.items()} for t in tgts])
        anchors = gen(ImageList(lib.zeros(1, 3, 30, 40), [(30, 40)]) if lib is ember else
                      tv_detection.image_list.ImageList(torch.zeros(1, 3, 30, 40), [(30, 40)]),
                      [lib.zeros(1, 4, 5, 7)])
        results.append(({k: float(v) for k, v in losses.items()}, np.asarray(anchors[0].tolist())))
    (ours, our_boxes), (theirs, their_boxes) = results
    assert ours == pytest.approx(theirs, rel=1e-5)
    np.testing.assert_allclose(our_boxes, their_boxes, rtol=1e-6, atol=1e-5)
