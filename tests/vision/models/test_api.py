"""The weights= API, the model registry, pretrained loading through the hub cache, and the torch alias."""
import copy
import os
import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest

import ember
import ember.hub as hub
from ember.vision import models
from ember.vision.models._presets import ImageClassification
from tests.vision._helpers import needs_pil

# recorded with torchvision 0.28 (torchvision.models.list_models(torchvision.models)): the classification models
TORCHVISION_CLASSIFICATION = [
    "alexnet", "convnext_base", "convnext_large", "convnext_small", "convnext_tiny", "densenet121", "densenet161",
    "densenet169", "densenet201", "efficientnet_b0", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3",
    "efficientnet_b4", "efficientnet_b5", "efficientnet_b6", "efficientnet_b7", "efficientnet_v2_l",
    "efficientnet_v2_m", "efficientnet_v2_s", "googlenet", "inception_v3", "maxvit_t", "mnasnet0_5", "mnasnet0_75",
    "mnasnet1_0", "mnasnet1_3", "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small", "regnet_x_16gf",
    "regnet_x_1_6gf", "regnet_x_32gf", "regnet_x_3_2gf", "regnet_x_400mf", "regnet_x_800mf", "regnet_x_8gf",
    "regnet_y_128gf", "regnet_y_16gf", "regnet_y_1_6gf", "regnet_y_32gf", "regnet_y_3_2gf", "regnet_y_400mf",
    "regnet_y_800mf", "regnet_y_8gf", "resnet101", "resnet152", "resnet18", "resnet34", "resnet50",
    "resnext101_32x8d", "resnext101_64x4d", "resnext50_32x4d", "shufflenet_v2_x0_5", "shufflenet_v2_x1_0",
    "shufflenet_v2_x1_5", "shufflenet_v2_x2_0", "squeezenet1_0", "squeezenet1_1", "swin_b", "swin_s", "swin_t",
    "swin_v2_b", "swin_v2_s", "swin_v2_t", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19",
    "vgg19_bn", "vit_b_16", "vit_b_32", "vit_h_14", "vit_l_16", "vit_l_32", "wide_resnet101_2", "wide_resnet50_2",
]


def test_registered_models_are_torchvisions():
    names = models.list_models(module=models)
    assert set(names) <= set(TORCHVISION_CLASSIFICATION)
    assert names == sorted(names) and models.list_models(models) == names
    assert models.list_models(include="resnet*", exclude="*50*") == ["resnet101", "resnet152", "resnet18", "resnet34"]
    assert models.list_models(include=["vgg11*", "alexnet"]) == ["alexnet", "vgg11", "vgg11_bn"]


def test_every_registered_model_has_its_weights_enum():
    for name in models.list_models(module=models):
        enum = models.get_model_weights(name)
        assert enum is getattr(models, enum.__name__)
        default = enum.DEFAULT
        assert default.url.startswith("https://download.pytorch.org/models/")
        assert models.get_weight(f"{enum.__name__}.{default.name}") is default


def test_get_model_and_errors():
    model = models.get_model("SqueezeNet1_1", num_classes=7)
    assert isinstance(model, models.SqueezeNet) and model.classifier[1].out_channels == 7
    with pytest.raises(ValueError, match="^Unknown model nope$"):
        models.get_model("nope")
    with pytest.raises(ValueError, match="^Invalid weight name provided: 'ResNet18_Weights'.$"):
        models.get_weight("ResNet18_Weights")
    with pytest.raises(ValueError, match="The weight enum 'Nope_Weights' for the specific method couldn't be"):
        models.get_weight("Nope_Weights.X")
    with pytest.raises(TypeError, match="^Invalid Weight class provided; expected ResNet18_Weights but received "
                                        "ResNet50_Weights.$"):
        models.resnet18(weights=models.ResNet50_Weights.DEFAULT)
    with pytest.raises(ValueError, match="^The parameter 'num_classes' expected value 1000 but got 10 instead.$"):
        models.resnet18(weights="DEFAULT", num_classes=10)


def test_weights_enum_members_and_meta():
    w = models.ResNet50_Weights.DEFAULT
    assert w is models.ResNet50_Weights.IMAGENET1K_V2 and repr(w) == "ResNet50_Weights.IMAGENET1K_V2"
    assert models.ResNet50_Weights.verify("ResNet50_Weights.IMAGENET1K_V1") is models.ResNet50_Weights.IMAGENET1K_V1
    assert models.ResNet50_Weights.verify("IMAGENET1K_V2") is w and models.ResNet50_Weights.verify(None) is None
    assert w.url == "https://download.pytorch.org/models/resnet50-11ad3fa6.pth"
    assert w.meta["num_params"] == 25557032 and w.meta["min_size"] == (1, 1)
    assert w.meta["_metrics"]["ImageNet-1K"] == {"acc@1": 80.858, "acc@5": 95.434}
    categories = w.meta["categories"]
    assert len(categories) == 1000 and categories[0] == "tench" and categories[-1] == "toilet tissue"
    assert models.VGG16_Weights.IMAGENET1K_FEATURES.meta["categories"] is None
    assert copy.deepcopy(w) is w and pickle.loads(pickle.dumps(w)) is w
    assert list(models.ResNet18_Weights) == [models.ResNet18_Weights.IMAGENET1K_V1]


def test_weights_transforms_are_the_eval_preset():
    t = models.ResNet50_Weights.DEFAULT.transforms()
    assert isinstance(t, ImageClassification)
    assert repr(t) == ("ImageClassification(\n    crop_size=[224]\n    resize_size=[232]\n"
                       "    mean=[0.485, 0.456, 0.406]\n    std=[0.229, 0.224, 0.225]\n"
                       "    interpolation=InterpolationMode.BILINEAR\n)")
    vit = models.get_model_weights("vit_b_16").IMAGENET1K_SWAG_E2E_V1.transforms() \
        if "vit_b_16" in models.list_models() else None
    if vit is not None:
        assert vit.crop_size == [384] and vit.interpolation.name == "BICUBIC"
    img = ember.arange(3 * 40 * 50, dtype=ember.float32).reshape(3, 40, 50) % 256 / 255
    out = ImageClassification(crop_size=16, resize_size=20)(img)
    assert out.shape == (3, 16, 16) and out.dtype == ember.float32
    batch = ImageClassification(crop_size=16, resize_size=20)(ember.stack([img, img]))
    assert batch.shape == (2, 3, 16, 16) and ember.allclose(batch[1], out)


@needs_pil
def test_weights_transforms_accept_pil_images():
    from PIL import Image
    img = Image.fromarray(np.random.default_rng(0).integers(0, 256, (30, 40, 3), dtype=np.uint8))
    out = models.ResNet18_Weights.DEFAULT.transforms()(img)
    assert out.shape == (3, 224, 224) and out.dtype == ember.float32


@pytest.fixture
def hub_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(hub, "_hub_dir", None)
    hub.set_dir(tmp_path / "hub")
    return tmp_path / "hub"


def test_pretrained_weights_load_from_the_hub_cache(hub_dir):
    # a checkpoint already in <hub dir>/checkpoints under the published file name is used without downloading
    source = models.squeezenet1_1()
    os.makedirs(hub_dir / "checkpoints")
    weights = models.SqueezeNet1_1_Weights.IMAGENET1K_V1
    ember.save(source.state_dict(), hub_dir / "checkpoints" / os.path.basename(weights.url))
    model = models.squeezenet1_1(weights=weights, progress=False)
    for (name, a), (_, b) in zip(model.state_dict().items(), source.state_dict().items()):
        assert ember.equal(a, b), name
    # the legacy interface maps pretrained=True to the default weights, with torchvision's warnings
    with pytest.warns(UserWarning) as record:
        legacy = models.squeezenet1_1(pretrained=True, progress=False)
    messages = [str(w.message) for w in record]
    assert "The parameter 'pretrained' is deprecated since 0.13 and may be removed in the future, please use " \
           "'weights' instead." in messages
    assert any("equivalent to passing `weights=SqueezeNet1_1_Weights.IMAGENET1K_V1`" in m for m in messages)
    assert ember.equal(legacy.features[0].weight, source.features[0].weight)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        assert models.squeezenet1_1(pretrained=False).classifier[1].out_channels == 1000


def test_torchvision_models_alias_is_ember_vision_models():
    code = ("import ember.compat; ember.compat.install(); import torchvision.models as m; "
            "from torchvision.models import resnet18, ResNet18_Weights; import torch.hub; "
            "print(m.__name__, resnet18.__module__, torch.hub.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["ember.vision.models", "ember.vision.models.resnet", "ember.hub"]
