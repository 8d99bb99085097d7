"""The steps the detection builders share: settle the checkpoints, the class count and the trainable backbone
layers; build the usual ResNet-50 FPN backbone; load the checkpoint into the finished model."""
from collections import namedtuple

from ember import nn
from ember.vision.models._utils import _ovewrite_value_param
from ember.vision.models.detection._utils import overwrite_eps
from ember.vision.models.detection.backbone_utils import _resnet_fpn_extractor, _validate_trainable_layers
from ember.vision.models.resnet import resnet50
from ember.vision.ops import misc as misc_nn_ops

BuildPlan = namedtuple("BuildPlan", ["weights", "weights_backbone", "num_classes", "is_trained", "trainable_layers"])


def plan_build(weights_enum, weights, backbone_enum, weights_backbone, num_classes, trainable_layers, max_trainable,
               default_trainable, default_classes=91, before_checks=None):
    """Checks the arguments as torchvision's builders do: both checkpoints verified against their enums (the
    backbone's dropped when the whole model's is given), ``num_classes`` fixed by the checkpoint's categories
    (``default_classes`` without one), the trainable layers validated. ``before_checks`` runs between the
    verification and the checks, where the builder has a step of its own."""
    weights = weights_enum.verify(weights)
    weights_backbone = backbone_enum.verify(weights_backbone)
    if before_checks is not None:
        before_checks()
    if weights is not None:
        weights_backbone = None
        num_classes = _ovewrite_value_param("num_classes", num_classes, len(weights.meta["categories"]))
    elif num_classes is None:
        num_classes = default_classes
    is_trained = weights is not None or weights_backbone is not None
    trainable_layers = _validate_trainable_layers(is_trained, trainable_layers, max_trainable, default_trainable)
    return BuildPlan(weights, weights_backbone, num_classes, is_trained, trainable_layers)


def resnet50_fpn(plan, progress, frozen_bn=True, make_extra_blocks=None, **extractor_kwargs):
    """A ResNet-50 (frozen BatchNorm when ``frozen_bn`` and pretrained weights come in) under an FPN.

    ``make_extra_blocks`` builds the FPN's extra blocks after the ResNet, in torchvision's order, so that a seeded
    model draws the same initial weights."""
    norm_layer = misc_nn_ops.FrozenBatchNorm2d if frozen_bn and plan.is_trained else nn.BatchNorm2d
    backbone = resnet50(weights=plan.weights_backbone, progress=progress, norm_layer=norm_layer)
    if make_extra_blocks is not None:
        extractor_kwargs["extra_blocks"] = make_extra_blocks()
    return _resnet_fpn_extractor(backbone, plan.trainable_layers, **extractor_kwargs)


def load_checkpoint(model, weights, progress, zero_eps_for=None):
    """Loads ``weights`` (if any) into ``model``; the checkpoint ``zero_eps_for`` was trained with FrozenBatchNorm's
    eps at 0."""
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
        if zero_eps_for is not None and weights == zero_eps_for:
            overwrite_eps(model, 0.0)
    return model
