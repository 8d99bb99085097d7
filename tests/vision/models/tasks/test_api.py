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
    "optical_flow": ["raft_large", "raft_small"],
    "video": ["mc3_18", "mvit_v1_b", "mvit_v2_s", "r2plus1d_18", "r3d_18", "s3d", "swin3d_b", "swin3d_s", "swin3d_t"],
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
        tv_enum = tv_models.get_model_weights(name)
        assert list(models.get_model_weights(name).__members__) == list(tv_enum.__members__)
        for member in tv_enum:
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


def test_video_preset_resizes_crops_and_moves_channels_before_time():
    preset = models.video.R3D_18_Weights.DEFAULT.transforms()
    clip = ember.full((2, 4, 3, 32, 40), 255, dtype=ember.uint8)  # (B, T, C, H, W)
    out = preset(clip)
    assert out.shape == (2, 3, 4, 112, 112) and out.dtype == ember.float32
    assert abs(out[0, 1, 0, 0, 0].item() - (1 - 0.394666) / 0.22145) < 1e-5
    assert preset(clip[0]).shape == (3, 4, 112, 112)


def test_mvit_v2_trains_end_to_end():
    from ember.vision.models.video.mvit import MSBlockConfig
    setting = [MSBlockConfig(1, 8, 8, [3, 3, 3], [3, 3, 3], [1, 1, 1], [1, 2, 2]),
               MSBlockConfig(2, 8, 16, [3, 3, 3], [3, 3, 3], [1, 2, 2], [1, 1, 1])]
    model = models.video.MViT((16, 16), 4, setting, True, False, True, True, num_classes=3)
    loss = model(ember.randn(2, 3, 4, 16, 16)).logsumexp(1).sum()
    loss.backward()
    assert model.blocks[0].attn.rel_pos_h.grad.abs().sum() > 0
    assert model.conv_proj.weight.grad.abs().sum() > 0


def test_video_builders_fix_num_classes_from_weights():
    with pytest.raises(ValueError, match="^The parameter 'num_classes' expected value 400 but got 5 instead.$"):
        models.video.r3d_18(weights="KINETICS400_V1", num_classes=5)
    with pytest.raises(TypeError, match="expected MViT_V2_S_Weights but received"):
        models.video.mvit_v2_s(weights=models.video.MViT_V1_B_Weights.DEFAULT)


def test_raft_checks_its_inputs_and_trains():
    from ember.vision.models.optical_flow.raft import BottleneckBlock, _raft
    model = _raft(feature_encoder_layers=(8, 8, 8, 12, 16), feature_encoder_block=BottleneckBlock,
                  feature_encoder_norm_layer=ember.nn.InstanceNorm2d, context_encoder_layers=(8, 8, 8, 12, 20),
                  context_encoder_block=BottleneckBlock, context_encoder_norm_layer=None, corr_block_num_levels=2,
                  corr_block_radius=1, motion_encoder_corr_layers=(12,), motion_encoder_flow_layers=(8, 6),
                  motion_encoder_out_channels=10, recurrent_block_hidden_state_size=12,
                  recurrent_block_kernel_size=(3,), recurrent_block_padding=(1,), flow_head_hidden_size=16,
                  use_mask_predictor=False)
    with pytest.raises(ValueError, match="^input image H and W should be divisible by 8, instead got 30"):
        model(ember.zeros(1, 3, 30, 32), ember.zeros(1, 3, 30, 32))
    with pytest.raises(ValueError, match="^Feature maps are too small to be down-sampled by the correlation pyramid"):
        model(ember.zeros(1, 3, 24, 32), ember.zeros(1, 3, 24, 32))
    flows = model(ember.randn(1, 3, 32, 32), ember.randn(1, 3, 32, 32), num_flow_updates=2)
    (flows[0].abs().mean() + flows[1].abs().mean()).backward()
    assert model.update_block.flow_head.conv2.weight.grad.abs().sum() > 0
    assert model.feature_encoder.conv.weight.grad.abs().sum() > 0


def test_optical_flow_preset_maps_to_minus_one_one():
    preset = models.optical_flow.Raft_Large_Weights.DEFAULT.transforms()
    a, b = preset(ember.zeros(2, 3, 8, 8, dtype=ember.uint8), ember.full((2, 3, 8, 8), 255, dtype=ember.uint8))
    assert a.dtype == ember.float32 and (a == -1).all() and (b == 1).all()
