"""RetinaNet (Lin et al., 2017, focal loss) with torchvision's module names, builders and checkpoints."""
import math
from functools import partial
from typing import Optional

import ember
from ember import nn
from ember.vision.models._api import register_model
from ember.vision.models._utils import handle_legacy_interface
from ember.vision.models.detection import _utils as det_utils
from ember.vision.models.detection._builders import load_checkpoint, plan_build, resnet50_fpn
from ember.vision.models.detection._meta import detection_weights_enum
from ember.vision.models.detection._single_stage import dense_forward, flatten_levels, match_anchors, postprocess_levels
from ember.vision.models.detection._utils import _box_loss
from ember.vision.models.detection.anchor_utils import AnchorGenerator
from ember.vision.models.detection.transform import _imagenet_transform, _require_out_channels
from ember.vision.models.resnet import ResNet50_Weights
from ember.vision.ops import misc as misc_nn_ops
from ember.vision.ops.feature_pyramid_network import LastLevelP6P7
from ember.vision.ops.focal_loss import sigmoid_focal_loss

__all__ = ["RetinaNet", "RetinaNet_ResNet50_FPN_Weights", "RetinaNet_ResNet50_FPN_V2_Weights",
           "retinanet_resnet50_fpn", "retinanet_resnet50_fpn_v2"]


def _sum(x):
    res = x[0]
    for i in x[1:]:
        res = res + i
    return res


def _v1_to_v2_weights(state_dict, prefix):
    # NOTE: version-1 checkpoints hold the head's convolutions as conv.0, conv.2, ... (ReLUs between)
    for i in range(4):
        for kind in ("weight", "bias"):
            old_key = f"{prefix}conv.{2 * i}.{kind}"
            if old_key in state_dict:
                state_dict[f"{prefix}conv.{i}.0.{kind}"] = state_dict.pop(old_key)


def _default_anchorgen():
    anchor_sizes = tuple((x, int(x * 2 ** (1.0 / 3)), int(x * 2 ** (2.0 / 3))) for x in [32, 64, 128, 256, 512])
    return AnchorGenerator(anchor_sizes, ((0.5, 1.0, 2.0),) * len(anchor_sizes))


class RetinaNetHead(nn.Module):
    """RetinaNet's classification and box-regression heads, shared by all feature levels.

    Args:
        in_channels (int): channels of each feature map.
        num_anchors (int): anchors per location.
        num_classes (int): classes to score (sigmoid per class, no background class).
        norm_layer (callable, optional): normalisation in the heads' convolutions.

    Example:
        >>> head = RetinaNetHead(8, 9, 3)
        >>> out = head([ember.rand(1, 8, 4, 4), ember.rand(1, 8, 2, 2)])
        >>> out["cls_logits"].shape, out["bbox_regression"].shape
        (ember.Size([1, 180, 3]), ember.Size([1, 180, 4]))
    """

    def __init__(self, in_channels, num_anchors, num_classes, norm_layer=None):
        super().__init__()
        self.classification_head = RetinaNetClassificationHead(in_channels, num_anchors, num_classes,
                                                               norm_layer=norm_layer)
        self.regression_head = RetinaNetRegressionHead(in_channels, num_anchors, norm_layer=norm_layer)

    def compute_loss(self, targets, head_outputs, anchors, matched_idxs):
        return {"classification": self.classification_head.compute_loss(targets, head_outputs, matched_idxs),
                "bbox_regression": self.regression_head.compute_loss(targets, head_outputs, anchors, matched_idxs)}

    def forward(self, x):
        return {"cls_logits": self.classification_head(x), "bbox_regression": self.regression_head(x)}


def _conv_tower(in_channels, norm_layer):
    return nn.Sequential(*[misc_nn_ops.Conv2dNormActivation(in_channels, in_channels, norm_layer=norm_layer)
                           for _ in range(4)])


def _init_tower(conv):
    # NOTE: the classification head draws its tower's weights before its output layer's, the regression head
    # after, as in torchvision: a seeded model then starts from the same weights
    for layer in conv.modules():
        if isinstance(layer, nn.Conv2d):
            nn.init.normal_(layer.weight, std=0.01)
            if layer.bias is not None:
                nn.init.constant_(layer.bias, 0)


class RetinaNetClassificationHead(nn.Module):
    """Four 3 x 3 convolutions then one logit per anchor and class (bias set for ``prior_probability``);
    its loss is the sigmoid focal loss over the anchors not between the matching thresholds."""

    _version = 2

    def __init__(self, in_channels, num_anchors, num_classes, prior_probability=0.01, norm_layer=None):
        super().__init__()
        self.conv = _conv_tower(in_channels, norm_layer)
        _init_tower(self.conv)
        self.cls_logits = nn.Conv2d(in_channels, num_anchors * num_classes, kernel_size=3, stride=1, padding=1)
        nn.init.normal_(self.cls_logits.weight, std=0.01)
        nn.init.constant_(self.cls_logits.bias, -math.log((1 - prior_probability) / prior_probability))
        self.num_classes = num_classes
        self.num_anchors = num_anchors
        self.BETWEEN_THRESHOLDS = det_utils.Matcher.BETWEEN_THRESHOLDS

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        version = local_metadata.get("version", None)
        if version is None or version < 2:
            _v1_to_v2_weights(state_dict, prefix)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)

    def compute_loss(self, targets, head_outputs, matched_idxs):
        losses = []
        for target, cls_logits, matched in zip(targets, head_outputs["cls_logits"], matched_idxs):
            foreground = matched >= 0
            num_foreground = int(foreground.sum())
            gt_classes_target = ember.zeros_like(cls_logits)
            gt_classes_target[foreground, target["labels"][matched[foreground]]] = 1.0
            valid = matched != self.BETWEEN_THRESHOLDS
            losses.append(sigmoid_focal_loss(cls_logits[valid], gt_classes_target[valid], reduction="sum")
                          / max(1, num_foreground))
        return _sum(losses) / len(targets)

    def forward(self, x):
        return flatten_levels([self.cls_logits(self.conv(features)) for features in x], self.num_classes)


class RetinaNetRegressionHead(nn.Module):
    """Four 3 x 3 convolutions then 4 box deltas per anchor; its loss (L1 by default, ``_loss_type``)
    is taken over the foreground anchors."""

    _version = 2

    def __init__(self, in_channels, num_anchors, norm_layer=None):
        super().__init__()
        self.conv = _conv_tower(in_channels, norm_layer)
        self.bbox_reg = nn.Conv2d(in_channels, num_anchors * 4, kernel_size=3, stride=1, padding=1)
        nn.init.normal_(self.bbox_reg.weight, std=0.01)
        nn.init.zeros_(self.bbox_reg.bias)
        _init_tower(self.conv)
        self.box_coder = det_utils.BoxCoder(weights=(1.0, 1.0, 1.0, 1.0))
        self._loss_type = "l1"

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        version = local_metadata.get("version", None)
        if version is None or version < 2:
            _v1_to_v2_weights(state_dict, prefix)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)

    def compute_loss(self, targets, head_outputs, anchors, matched_idxs):
        losses = []
        for target, bbox_regression, anchors_per_image, matched in zip(
                targets, head_outputs["bbox_regression"], anchors, matched_idxs):
            foreground = ember.where(matched >= 0)[0]
            matched_gt_boxes = target["boxes"][matched[foreground]]
            losses.append(_box_loss(self._loss_type, self.box_coder, anchors_per_image[foreground, :],
                                    matched_gt_boxes, bbox_regression[foreground, :])
                          / max(1, foreground.numel()))
        return _sum(losses) / max(1, len(targets))

    def forward(self, x):
        return flatten_levels([self.bbox_reg(self.conv(features)) for features in x], 4)


class RetinaNet(nn.Module):
    """RetinaNet: dense anchors on every feature level scored per class by a sigmoid, trained with the
    focal loss (single stage, no proposals).

    Args:
        backbone (nn.Module): returns a feature map or an OrderedDict of them; has ``out_channels``.
        num_classes (int, optional): classes (index 0 is not treated as background); required without ``head``.
        min_size, max_size, image_mean, image_std: the input transform's settings (see FasterRCNN).
        anchor_generator (AnchorGenerator, optional): 9 anchors per location on 5 levels by default.
        head (nn.Module, optional): returns ``cls_logits`` and ``bbox_regression`` and has ``compute_loss``.
        proposal_matcher (Matcher, optional): matches anchors to targets (IoU ``fg_iou_thresh`` /
            ``bg_iou_thresh``, low-quality matches allowed).
        score_thresh (float): minimum class score of a detection.
        nms_thresh (float): IoU threshold of the per-class NMS.
        detections_per_img (int): detections kept per image.
        topk_candidates (int): best-scoring candidates kept per level before NMS.

    In training ``model(images, targets)`` returns ``classification`` and ``bbox_regression`` losses; in
    evaluation per image ``boxes``, ``scores`` and ``labels``.

    Example:
        >>> backbone = nn.Sequential(nn.Conv2d(3, 8, 3, stride=4, padding=1), nn.ReLU())
        >>> backbone.out_channels = 8
        >>> anchors = AnchorGenerator(((16,),), ((1.0,),))
        >>> model = RetinaNet(backbone, num_classes=3, min_size=32, max_size=48, anchor_generator=anchors,
        ...                   score_thresh=0.0, detections_per_img=5).eval()
        >>> out = model([ember.rand(3, 30, 40)])
        >>> sorted(out[0]), out[0]["boxes"].shape
        (['boxes', 'labels', 'scores'], ember.Size([5, 4]))
    """

    def __init__(self, backbone, num_classes, min_size=800, max_size=1333, image_mean=None, image_std=None,
                 anchor_generator=None, head=None, proposal_matcher=None, score_thresh=0.05, nms_thresh=0.5,
                 detections_per_img=300, fg_iou_thresh=0.5, bg_iou_thresh=0.4, topk_candidates=1000, **kwargs):
        super().__init__()
        _require_out_channels(backbone)
        self.backbone = backbone
        if not isinstance(anchor_generator, (AnchorGenerator, type(None))):
            raise TypeError(
                f"anchor_generator should be of type AnchorGenerator or None instead of {type(anchor_generator)}")
        if anchor_generator is None:
            anchor_generator = _default_anchorgen()
        self.anchor_generator = anchor_generator
        if head is None:
            head = RetinaNetHead(backbone.out_channels, anchor_generator.num_anchors_per_location()[0], num_classes)
        self.head = head
        if proposal_matcher is None:
            proposal_matcher = det_utils.Matcher(fg_iou_thresh, bg_iou_thresh, allow_low_quality_matches=True)
        self.proposal_matcher = proposal_matcher
        self.box_coder = det_utils.BoxCoder(weights=(1.0, 1.0, 1.0, 1.0))
        self.transform = _imagenet_transform(min_size, max_size, image_mean, image_std, **kwargs)
        self.score_thresh = score_thresh
        self.nms_thresh = nms_thresh
        self.detections_per_img = detections_per_img
        self.topk_candidates = topk_candidates
        self._has_warned = False

    def eager_outputs(self, losses, detections):
        return losses if self.training else detections

    def compute_loss(self, targets, head_outputs, anchors):
        return self.head.compute_loss(targets, head_outputs, anchors,
                                      match_anchors(self.proposal_matcher, anchors, targets))

    def postprocess_detections(self, head_outputs, anchors, image_shapes):
        return postprocess_levels(self, head_outputs, anchors, image_shapes,
                                  lambda outputs: ember.sigmoid(outputs["cls_logits"]), self.box_coder.decode_single)

    def forward(self, images, targets=None):
        def loss(targets, head_outputs, anchors, features):
            return self.compute_loss(targets, head_outputs, anchors)
        return dense_forward(self, images, targets, loss, shape_detail=False, type_detail=False)


RetinaNet_ResNet50_FPN_Weights = detection_weights_enum("RetinaNet_ResNet50_FPN_Weights", __name__)
RetinaNet_ResNet50_FPN_V2_Weights = detection_weights_enum("RetinaNet_ResNet50_FPN_V2_Weights", __name__)


@register_model()
@handle_legacy_interface(weights=("pretrained", RetinaNet_ResNet50_FPN_Weights.COCO_V1),
                         weights_backbone=("pretrained_backbone", ResNet50_Weights.IMAGENET1K_V1))
def retinanet_resnet50_fpn(*, weights: Optional[RetinaNet_ResNet50_FPN_Weights] = None, progress: bool = True,
                           num_classes: Optional[int] = None,
                           weights_backbone: Optional[ResNet50_Weights] = ResNet50_Weights.IMAGENET1K_V1,
                           trainable_backbone_layers: Optional[int] = None, **kwargs):
    """RetinaNet with a ResNet-50-FPN backbone (levels P3-P7, P6 and P7 from P5).

    Args:
        weights (RetinaNet_ResNet50_FPN_Weights, optional): the checkpoint to load; None for random weights.
        progress (bool): show a download progress bar.
        num_classes (int, optional): classes (91, or the checkpoint's).
        weights_backbone (ResNet50_Weights, optional): the ResNet-50's checkpoint (unused with ``weights``).
        trainable_backbone_layers (int, optional): 0-5 trainable stages from the last (3 by default,
            5 without any pretrained weights).
        **kwargs: passed to :class:`RetinaNet`.

    Returns:
        RetinaNet: the model.

    Example:
        >>> model = retinanet_resnet50_fpn(weights=RetinaNet_ResNet50_FPN_Weights.DEFAULT)  # doctest: +SKIP
        >>> predictions = model.eval()([ember.rand(3, 300, 400)])  # doctest: +SKIP
    """
    plan = plan_build(RetinaNet_ResNet50_FPN_Weights, weights, ResNet50_Weights, weights_backbone, num_classes,
                      trainable_backbone_layers, 5, 3)
    backbone = resnet50_fpn(plan, progress, returned_layers=[2, 3, 4],
                            make_extra_blocks=lambda: LastLevelP6P7(256, 256))
    model = RetinaNet(backbone, plan.num_classes, **kwargs)
    return load_checkpoint(model, plan.weights, progress, zero_eps_for=RetinaNet_ResNet50_FPN_Weights.COCO_V1)


@register_model()
@handle_legacy_interface(weights=("pretrained", RetinaNet_ResNet50_FPN_V2_Weights.COCO_V1),
                         weights_backbone=("pretrained_backbone", ResNet50_Weights.IMAGENET1K_V1))
def retinanet_resnet50_fpn_v2(*, weights: Optional[RetinaNet_ResNet50_FPN_V2_Weights] = None,
                              progress: bool = True, num_classes: Optional[int] = None,
                              weights_backbone: Optional[ResNet50_Weights] = None,
                              trainable_backbone_layers: Optional[int] = None, **kwargs):
    """The improved RetinaNet ResNet-50-FPN (P6 from C5, GroupNorm in the heads, GIoU box loss).

    Args:
        weights (RetinaNet_ResNet50_FPN_V2_Weights, optional): the checkpoint to load; None for random weights.
        progress (bool): show a download progress bar.
        num_classes (int, optional): classes (91, or the checkpoint's).
        weights_backbone (ResNet50_Weights, optional): the ResNet-50's checkpoint (unused with ``weights``).
        trainable_backbone_layers (int, optional): 0-5 trainable stages from the last.
        **kwargs: passed to :class:`RetinaNet`.

    Returns:
        RetinaNet: the model.

    Example:
        >>> model = retinanet_resnet50_fpn_v2(weights=RetinaNet_ResNet50_FPN_V2_Weights.DEFAULT)  # doctest: +SKIP
        >>> predictions = model.eval()([ember.rand(3, 300, 400)])  # doctest: +SKIP
    """
    plan = plan_build(RetinaNet_ResNet50_FPN_V2_Weights, weights, ResNet50_Weights, weights_backbone, num_classes,
                      trainable_backbone_layers, 5, 3)
    backbone = resnet50_fpn(plan, progress, frozen_bn=False, returned_layers=[2, 3, 4],
                            make_extra_blocks=lambda: LastLevelP6P7(2048, 256))
    anchor_generator = _default_anchorgen()
    head = RetinaNetHead(backbone.out_channels, anchor_generator.num_anchors_per_location()[0], plan.num_classes,
                         norm_layer=partial(nn.GroupNorm, 32))
    head.regression_head._loss_type = "giou"
    model = RetinaNet(backbone, plan.num_classes, anchor_generator=anchor_generator, head=head, **kwargs)
    return load_checkpoint(model, plan.weights, progress)
