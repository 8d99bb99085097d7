"""The segmentation, video and optical-flow builders: registry, weights enums and meta, signatures, errors."""
import inspect
import json
import os

import pytest

import ember
from ember.vision import models

# recorded with torchvision 0.28 (torchvision.models.list_models(module=...))
TORCHVISION = {
    "segmentation": ["deeplabv3_mobilenet_v3_large", "deeplabv3_resnet101", "deeplabv3_resnet50", "fcn_resnet101",
                     "fcn_resnet50", "lraspp_mobilenet_v3_large"],
}
PACKAGES = [name for name in TORCHVISION if hasattr(models, name)]


@pytest.mark.parametrize("package", PACKAGES)
def test_list_models_of_a_task_package_is_torchvisions(package):
    assert models.list_models(module=getattr(models, package)) == TORCHVISION[package]
    assert set(TORCHVISION[package]).isdisjoint(models.list_models(module=models))
    assert set(TORCHVISION[package]) <= set(models.list_models())


@pytest.mark.parametrize("package", PACKAGES)
def test_weights_enums_carry_torchvisions_meta(package):
    with open(os.path.join(os.path.dirname(models.__file__), package, "weights.json")) as f:
        recorded = json.load(f)
    lists = recorded.pop("_lists")
    for name in TORCHVISION[package]:
        enum = models.get_model_weights(name)
        assert enum is getattr(getattr(models, package), enum.__name__)
        assert set(enum.__members__) == set(recorded[enum.__name__])
        for member_name, entry in recorded[enum.__name__].items():
            member = enum[member_name]
            if isinstance(entry, str):
                assert member is enum[entry]
                continue
            assert models.get_weight(f"{enum.__name__}.{member_name}") is member
            assert member.url == entry["url"] and member.url.startswith("https://download.pytorch.org/models/")
            categories = member.meta.get("categories")
            if categories is not None:
                assert categories == lists[entry["meta"]["categories"]]
            assert member.meta["num_params"] == entry["meta"]["num_params"]
            assert member.transforms().__class__.__name__ == entry["transforms"]["name"]


@pytest.mark.parametrize("package", PACKAGES)
def test_builders_have_torchvisions_signatures(package):
    tv_models = pytest.importorskip("torchvision.models")
    for name in TORCHVISION[package]:
        mine = inspect.signature(models.get_model_builder(name)).parameters
        theirs = inspect.signature(tv_models.get_model_builder(name)).parameters
        assert list(mine) == list(theirs), name
        for key in mine:
            assert mine[key].kind == theirs[key].kind, (name, key)
            assert repr(mine[key].default) == repr(theirs[key].default), (name, key)
        for member in tv_models.get_model_weights(name):
            mine = models.get_weight(f"{type(member).__name__}.{member.name}")
            assert mine.meta == {k: v for k, v in member.meta.items() if k != "_docs"}, (name, member)
            assert mine.url == member.url


def test_segmentation_builder_errors():
    seg = models.segmentation
    with pytest.raises(ValueError, match="^The parameter 'num_classes' expected value 21 but got 3 instead.$"):
        seg.lraspp_mobilenet_v3_large(weights="DEFAULT", num_classes=3)
    with pytest.raises(ValueError, match="^The parameter 'aux_loss' expected value True but got False instead.$"):
        seg.fcn_resnet50(weights=seg.FCN_ResNet50_Weights.DEFAULT, aux_loss=False)
    with pytest.raises(NotImplementedError, match="^This model does not use auxiliary loss$"):
        seg.lraspp_mobilenet_v3_large(weights_backbone=None, aux_loss=True)
    with pytest.raises(TypeError, match="unexpected keyword argument 'dropout'"):
        seg.deeplabv3_mobilenet_v3_large(weights_backbone=None, dropout=0.3)
    with pytest.raises(TypeError, match="expected FCN_ResNet50_Weights but received"):
        seg.fcn_resnet50(weights=seg.DeepLabV3_ResNet50_Weights.DEFAULT)


def test_segmentation_preset_resizes_and_normalises():
    preset = models.segmentation.DeepLabV3_ResNet50_Weights.DEFAULT.transforms()
    out = preset(ember.full((2, 3, 8, 12), 255, dtype=ember.uint8))
    assert out.shape == (2, 3, 520, 780) and out.dtype == ember.float32
    assert abs(out[0, 0, 0, 0].item() - (1 - 0.485) / 0.229) < 1e-5
    assert "resize_size=[520]" in repr(preset)


def test_lraspp_trains_end_to_end():
    model = models.segmentation.lraspp_mobilenet_v3_large(weights_backbone=None, num_classes=3)
    x = ember.randn(2, 3, 32, 32)
    target = ember.randint(0, 3, (2, 32, 32))
    loss = ember.nn.functional.cross_entropy(model(x)["out"], target)
    loss.backward()
    assert model.classifier.low_classifier.weight.grad is not None
    assert model.backbone["0"][0].weight.grad.abs().sum() > 0
