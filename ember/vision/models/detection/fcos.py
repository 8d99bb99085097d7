"""FCOS (Tian et al., 2019, anchor-free detection) with torchvision's module names, builders and checkpoints."""
import math
from functools import partial
from typing import Optional

import ember
from ember import nn
from ember.nn import functional as F
from ember.vision.models._api import register_model
from ember.vision.models._utils import handle_legacy_interface
from ember.vision.models.detection import _utils as det_utils
from ember.vision.models.detection._builders import load_checkpoint, plan_build, resnet50_fpn
from ember.vision.models.detection._meta import detection_weights_enum
from ember.vision.models.detection._single_stage import dense_forward, flatten_levels, postprocess_levels, unmatched
from ember.vision.models.detection.anchor_utils import AnchorGenerator
from ember.vision.models.detection.transform import _imagenet_transform, _require_out_channels
from ember.vision.models.resnet import ResNet50_Weights
from ember.vision.ops.box_losses import generalized_box_iou_loss
from ember.vision.ops.feature_pyramid_network import LastLevelP6P7
from ember.vision.ops.focal_loss import sigmoid_focal_loss

__all__ = ["FCOS", "FCOS_ResNet50_FPN_Weights", "fcos_resnet50_fpn"]


class FCOSHead(nn.Module):
    """FCOS's classification head and its box-regression head (distances to the four sides, plus a
    centerness logit), shared by all feature levels.

    Args:
        in_channels (int): channels of each feature map.
        num_anchors (int): anchors (points) per location, 1 for FCOS.
        num_classes (int): classes to score (sigmoid per class).
        num_convs (int): convolutions (each with GroupNorm and ReLU) in each head.

    Example:
        >>> head = FCOSHead(32, 1, 3, num_convs=1)
        >>> out = head([ember.rand(1, 32, 4, 4)])
        >>> [tuple(out[k].shape) for k in ("cls_logits", "bbox_regression", "bbox_ctrness")]
        [(1, 16, 3), (1, 16, 4), (1, 16, 1)]
    """

    def __init__(self, in_channels, num_anchors, num_classes, num_convs=4):
        super().__init__()
        self.box_coder = det_utils.BoxLinearCoder(normalize_by_size=True)
        self.classification_head = FCOSClassificationHead(in_channels, num_anchors, num_classes, num_convs)
        self.regression_head = FCOSRegressionHead(in_channels, num_anchors, num_convs)

    def compute_loss(self, targets, head_outputs, anchors, matched_idxs):
        """Focal loss on the classes, GIoU loss on the boxes and BCE on the centerness, each over the
        foreground points and divided by their number."""
        cls_logits = head_outputs["cls_logits"]
        bbox_regression = head_outputs["bbox_regression"]
        bbox_ctrness = head_outputs["bbox_ctrness"]
        all_gt_classes, all_gt_boxes = [], []
        for target, matched in zip(targets, matched_idxs):
            if len(target["labels"]) == 0:
                gt_classes = target["labels"].new_zeros((len(matched),))
                gt_boxes = target["boxes"].new_zeros((len(matched), 4))
            else:
                gt_classes = target["labels"][matched.clip(min=0)]
                gt_boxes = target["boxes"][matched.clip(min=0)]
            gt_classes[matched < 0] = -1  # background
            all_gt_classes.append(gt_classes)
            all_gt_boxes.append(gt_boxes)
        all_gt_boxes, all_gt_classes, anchors = ember.stack(all_gt_boxes), ember.stack(all_gt_classes), \
            ember.stack(anchors)
        foreground = all_gt_classes >= 0
        num_foreground = foreground.sum().item()
        gt_classes_targets = ember.zeros_like(cls_logits)
        gt_classes_targets[foreground, all_gt_classes[foreground]] = 1.0
        loss_cls = sigmoid_focal_loss(cls_logits, gt_classes_targets, reduction="sum")
        pred_boxes = self.box_coder.decode(bbox_regression, anchors)
        loss_bbox_reg = generalized_box_iou_loss(pred_boxes[foreground], all_gt_boxes[foreground], reduction="sum")
        bbox_reg_targets = self.box_coder.encode(anchors, all_gt_boxes)
        if len(bbox_reg_targets) == 0:
            gt_ctrness = bbox_reg_targets.new_zeros(bbox_reg_targets.size()[:-1])
        else:
            # centerness: how central the point sits in its box, from the distances to its sides
            left_right = bbox_reg_targets[:, :, [0, 2]]
            top_bottom = bbox_reg_targets[:, :, [1, 3]]
            gt_ctrness = ember.sqrt((left_right.min(dim=-1)[0] / left_right.max(dim=-1)[0])
                                    * (top_bottom.min(dim=-1)[0] / top_bottom.max(dim=-1)[0]))
        loss_bbox_ctrness = F.binary_cross_entropy_with_logits(bbox_ctrness.squeeze(dim=2)[foreground],
                                                               gt_ctrness[foreground], reduction="sum")
        n = max(1, num_foreground)
        return {"classification": loss_cls / n, "bbox_regression": loss_bbox_reg / n,
                "bbox_ctrness": loss_bbox_ctrness / n}

    def forward(self, x):
        bbox_regression, bbox_ctrness = self.regression_head(x)
        return {"cls_logits": self.classification_head(x), "bbox_regression": bbox_regression,
                "bbox_ctrness": bbox_ctrness}


def _conv_tower(in_channels, num_convs, norm_layer):
    layers = []
    for _ in range(num_convs):
        layers += [nn.Conv2d(in_channels, in_channels, kernel_size=3, stride=1, padding=1), norm_layer(in_channels),
                   nn.ReLU()]
    return nn.Sequential(*layers)


def _init_tower(conv):
    # NOTE: the classification head draws its tower's weights before its output layer's, the regression head
    # after, as in torchvision: a seeded model then starts from the same weights
    for layer in conv.children():
        if isinstance(layer, nn.Conv2d):
            nn.init.normal_(layer.weight, std=0.01)
            nn.init.constant_(layer.bias, 0)


class FCOSClassificationHead(nn.Module):
    """``num_convs`` convolutions with ``norm_layer`` (GroupNorm of 32 groups by default) and ReLU, then
    one logit per point and class (bias set for ``prior_probability``)."""

    def __init__(self, in_channels, num_anchors, num_classes, num_convs=4, prior_probability=0.01, norm_layer=None):
        super().__init__()
        self.num_classes = num_classes
        self.num_anchors = num_anchors
        self.conv = _conv_tower(in_channels, num_convs, norm_layer or partial(nn.GroupNorm, 32))
        _init_tower(self.conv)
        self.cls_logits = nn.Conv2d(in_channels, num_anchors * num_classes, kernel_size=3, stride=1, padding=1)
        nn.init.normal_(self.cls_logits.weight, std=0.01)
        nn.init.constant_(self.cls_logits.bias, -math.log((1 - prior_probability) / prior_probability))

    def forward(self, x):
        return flatten_levels([self.cls_logits(self.conv(features)) for features in x], self.num_classes)


class FCOSRegressionHead(nn.Module):
    """``num_convs`` convolutions with ``norm_layer`` and ReLU, then the (ReLU'd) distances to the box
    sides and a centerness logit per point."""

    def __init__(self, in_channels, num_anchors, num_convs=4, norm_layer=None):
        super().__init__()
        self.conv = _conv_tower(in_channels, num_convs, norm_layer or partial(nn.GroupNorm, 32))
        self.bbox_reg = nn.Conv2d(in_channels, num_anchors * 4, kernel_size=3, stride=1, padding=1)
        self.bbox_ctrness = nn.Conv2d(in_channels, num_anchors * 1, kernel_size=3, stride=1, padding=1)
        for layer in (self.bbox_reg, self.bbox_ctrness):
            nn.init.normal_(layer.weight, std=0.01)
            nn.init.zeros_(layer.bias)
        _init_tower(self.conv)

    def forward(self, x):
        features = [self.conv(f) for f in x]
        return (flatten_levels([F.relu(self.bbox_reg(f)) for f in features], 4),
                flatten_levels([self.bbox_ctrness(f) for f in features], 1))


class FCOS(nn.Module):
    """FCOS: every feature-map location predicts a class score, its distances to the four sides of a box
    and a centerness; no anchor boxes are matched (a point is positive inside a box near its centre, on
    the level suiting the box's size).

    Args:
        backbone (nn.Module): returns a feature map or an OrderedDict of them; has ``out_channels``.
        num_classes (int): classes to score; required without ``head``.
        min_size, max_size, image_mean, image_std: the input transform's settings (see FasterRCNN).
        anchor_generator (AnchorGenerator, optional): one point per location; sizes 8-128 on 5 levels by default.
        head (nn.Module, optional): returns ``cls_logits``, ``bbox_regression``, ``bbox_ctrness``.
        center_sampling_radius (float): how far from a box's centre (in strides) a point may be positive.
        score_thresh (float): minimum score (geometric mean of class and centerness) of a detection.
        nms_thresh (float): IoU threshold of the per-class NMS.
        detections_per_img (int): detections kept per image.
        topk_candidates (int): best-scoring candidates kept per level before NMS.

    In training ``model(images, targets)`` returns ``classification``, ``bbox_regression`` and
    ``bbox_ctrness`` losses; in evaluation per image ``boxes``, ``scores`` and ``labels``.

    Example:
        >>> backbone = nn.Sequential(nn.Conv2d(3, 32, 3, stride=8, padding=1), nn.ReLU())
        >>> backbone.out_channels = 32
        >>> model = FCOS(backbone, num_classes=3, min_size=32, max_size=48,
        ...              anchor_generator=AnchorGenerator(((8,),), ((1.0,),)), head=FCOSHead(32, 1, 3, num_convs=1),
        ...              score_thresh=0.0, detections_per_img=5).eval()
        >>> out = model([ember.rand(3, 30, 40)])
        >>> sorted(out[0]), out[0]["boxes"].shape
        (['boxes', 'labels', 'scores'], ember.Size([5, 4]))
    """

    def __init__(self, backbone, num_classes, min_size=800, max_size=1333, image_mean=None, image_std=None,
                 anchor_generator=None, head=None, center_sampling_radius=1.5, score_thresh=0.2, nms_thresh=0.6,
                 detections_per_img=100, topk_candidates=1000, **kwargs):
        super().__init__()
        _require_out_channels(backbone)
        self.backbone = backbone
        if not isinstance(anchor_generator, (AnchorGenerator, type(None))):
            raise TypeError(f"anchor_generator should be of type AnchorGenerator or None, instead  got "
                            f"{type(anchor_generator)}")
        if anchor_generator is None:
            anchor_sizes = ((8,), (16,), (32,), (64,), (128,))  # the strides of the five levels
            anchor_generator = AnchorGenerator(anchor_sizes, ((1.0,),) * len(anchor_sizes))
        self.anchor_generator = anchor_generator
        if self.anchor_generator.num_anchors_per_location()[0] != 1:
            raise ValueError(f"anchor_generator.num_anchors_per_location()[0] should be 1 instead of "
                             f"{anchor_generator.num_anchors_per_location()[0]}")
        if head is None:
            head = FCOSHead(backbone.out_channels, anchor_generator.num_anchors_per_location()[0], num_classes)
        self.head = head
        self.box_coder = det_utils.BoxLinearCoder(normalize_by_size=True)
        self.transform = _imagenet_transform(min_size, max_size, image_mean, image_std, **kwargs)
        self.center_sampling_radius = center_sampling_radius
        self.score_thresh = score_thresh
        self.nms_thresh = nms_thresh
        self.detections_per_img = detections_per_img
        self.topk_candidates = topk_candidates
        self._has_warned = False

    def eager_outputs(self, losses, detections):
        return losses if self.training else detections

    def compute_loss(self, targets, head_outputs, anchors, num_anchors_per_level):
        matched_idxs = []
        for anchors_per_image, target in zip(anchors, targets):
            if target["boxes"].numel() == 0:
                matched_idxs.append(unmatched(anchors_per_image))
                continue
            gt_boxes = target["boxes"]
            gt_centers = (gt_boxes[:, :2] + gt_boxes[:, 2:]) / 2
            anchor_centers = (anchors_per_image[:, :2] + anchors_per_image[:, 2:]) / 2
            anchor_sizes = anchors_per_image[:, 2] - anchors_per_image[:, 0]
            # a point matches a box when it is near the box's centre, inside it, and on the level whose
            # range [4, 8] x stride holds the point's largest distance to the box's sides
            match = ((anchor_centers[:, None, :] - gt_centers[None, :, :]).abs_().max(dim=2).values
                     < self.center_sampling_radius * anchor_sizes[:, None])
            x, y = anchor_centers.unsqueeze(dim=2).unbind(dim=1)
            x0, y0, x1, y1 = gt_boxes.unsqueeze(dim=0).unbind(dim=2)
            dist = ember.stack([x - x0, y - y0, x1 - x, y1 - y], dim=2)
            match &= dist.min(dim=2).values > 0
            lower_bound = anchor_sizes * 4
            lower_bound[:num_anchors_per_level[0]] = 0
            upper_bound = anchor_sizes * 8
            upper_bound[-num_anchors_per_level[-1]:] = float("inf")
            dist = dist.max(dim=2).values
            match &= (dist > lower_bound[:, None]) & (dist < upper_bound[:, None])
            # among several matching boxes the smallest wins
            gt_areas = (gt_boxes[:, 2] - gt_boxes[:, 0]) * (gt_boxes[:, 3] - gt_boxes[:, 1])
            match = match.to(ember.float32) * (1e8 - gt_areas[None, :])
            min_values, matched_idx = match.max(dim=1)
            matched_idx[min_values < 1e-5] = -1
            matched_idxs.append(matched_idx)
        return self.head.compute_loss(targets, head_outputs, anchors, matched_idxs)

    def postprocess_detections(self, head_outputs, anchors, image_shapes):
        # a score is the geometric mean of the class probability and the centerness
        return postprocess_levels(
            self, head_outputs, anchors, image_shapes,
            lambda outputs: ember.sqrt(ember.sigmoid(outputs["cls_logits"]) * ember.sigmoid(outputs["bbox_ctrness"])),
            self.box_coder.decode)

    def forward(self, images, targets=None):
        def loss(targets, head_outputs, anchors, features):
            return self.compute_loss(targets, head_outputs, anchors, [x.size(2) * x.size(3) for x in features])
        return dense_forward(self, images, targets, loss, type_detail=False)


FCOS_ResNet50_FPN_Weights = detection_weights_enum("FCOS_ResNet50_FPN_Weights", __name__)


@register_model()
@handle_legacy_interface(weights=("pretrained", FCOS_ResNet50_FPN_Weights.COCO_V1),
                         weights_backbone=("pretrained_backbone", ResNet50_Weights.IMAGENET1K_V1))
def fcos_resnet50_fpn(*, weights: Optional[FCOS_ResNet50_FPN_Weights] = None, progress: bool = True,
                      num_classes: Optional[int] = None,
                      weights_backbone: Optional[ResNet50_Weights] = ResNet50_Weights.IMAGENET1K_V1,
                      trainable_backbone_layers: Optional[int] = None, **kwargs):
    """FCOS with a ResNet-50-FPN backbone (levels P3-P7).

    Args:
        weights (FCOS_ResNet50_FPN_Weights, optional): the checkpoint to load; None for random weights.
        progress (bool): show a download progress bar.
        num_classes (int, optional): classes (91, or the checkpoint's).
        weights_backbone (ResNet50_Weights, optional): the ResNet-50's checkpoint (unused with ``weights``).
        trainable_backbone_layers (int, optional): 0-5 trainable stages from the last (3 by default,
            5 without any pretrained weights).
        **kwargs: passed to :class:`FCOS`.

    Returns:
        FCOS: the model.

    Example:
        >>> model = fcos_resnet50_fpn(weights=FCOS_ResNet50_FPN_Weights.DEFAULT)  # doctest: +SKIP
        >>> predictions = model.eval()([ember.rand(3, 300, 400)])  # doctest: +SKIP
    """
    plan = plan_build(FCOS_ResNet50_FPN_Weights, weights, ResNet50_Weights, weights_backbone, num_classes,
                      trainable_backbone_layers, 5, 3)
    backbone = resnet50_fpn(plan, progress, returned_layers=[2, 3, 4],
                            make_extra_blocks=lambda: LastLevelP6P7(256, 256))
    return load_checkpoint(FCOS(backbone, plan.num_classes, **kwargs), plan.weights, progress)
