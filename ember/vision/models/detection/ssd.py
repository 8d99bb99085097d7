"""SSD (Liu et al., 2016, "SSD: Single Shot MultiBox Detector") with torchvision's module names, builder
and checkpoint: SSD300 on a VGG-16."""
import warnings
from collections import OrderedDict
from functools import partial
from typing import Optional

import ember
from ember import nn
from ember.nn import functional as F
from ember.vision.models._api import register_model
from ember.vision.models._utils import handle_legacy_interface
from ember.vision.models.detection import _utils as det_utils
from ember.vision.models.detection._builders import load_checkpoint, plan_build
from ember.vision.models.detection._meta import detection_weights_enum
from ember.vision.models.detection._single_stage import (features_heads_anchors, flatten_levels, match_anchors,
                                                         transform_inputs)
from ember.vision.models.detection.anchor_utils import DefaultBoxGenerator
from ember.vision.models.detection.transform import _imagenet_transform
from ember.vision.models.vgg import VGG16_Weights, vgg16
from ember.vision.ops import boxes as box_ops

__all__ = ["SSD300_VGG16_Weights", "ssd300_vgg16"]

SSD300_VGG16_Weights = detection_weights_enum("SSD300_VGG16_Weights", __name__)


def _init_convs(module, weight_init):
    """``weight_init`` on the weights of every convolution in ``module``, zero biases."""
    for layer in module.modules():
        if isinstance(layer, nn.Conv2d):
            weight_init(layer.weight)
            if layer.bias is not None:
                nn.init.constant_(layer.bias, 0.0)


_xavier_init = partial(_init_convs, weight_init=nn.init.xavier_uniform_)


class SSDHead(nn.Module):
    """SSD's classification and box-regression heads: one 3 x 3 convolution per feature map each.

    Args:
        in_channels (list of int): channels of each feature map.
        num_anchors (list of int): default boxes per location of each feature map.
        num_classes (int): classes, the background (0) included.

    Example:
        >>> head = SSDHead([8, 4], [4, 6], 3)
        >>> out = head([ember.rand(1, 8, 4, 4), ember.rand(1, 4, 2, 2)])
        >>> out["cls_logits"].shape, out["bbox_regression"].shape
        (ember.Size([1, 88, 3]), ember.Size([1, 88, 4]))
    """

    def __init__(self, in_channels, num_anchors, num_classes):
        super().__init__()
        self.classification_head = SSDClassificationHead(in_channels, num_anchors, num_classes)
        self.regression_head = SSDRegressionHead(in_channels, num_anchors)

    def forward(self, x):
        return {"bbox_regression": self.regression_head(x), "cls_logits": self.classification_head(x)}


class SSDScoringHead(nn.Module):
    """Runs ``module_list[i]`` on feature map i and lays the results out as ``[N, sum(H * W * A), num_columns]``.

    Args:
        module_list (nn.ModuleList): one module per feature map, giving ``A * num_columns`` channels.
        num_columns (int): values per default box.

    Example:
        >>> head = SSDScoringHead(nn.ModuleList([nn.Conv2d(4, 6, 1)]), 3)
        >>> head([ember.rand(2, 4, 5, 5)]).shape
        ember.Size([2, 50, 3])
    """

    def __init__(self, module_list, num_columns):
        super().__init__()
        self.module_list = module_list
        self.num_columns = num_columns

    def _get_result_from_module_list(self, x, idx):
        # a feature map without its module passes through unchanged, as in torchvision
        num_blocks = len(self.module_list)
        if idx < 0:
            idx += num_blocks
        return self.module_list[idx](x) if 0 <= idx < num_blocks else x

    def forward(self, x):
        return flatten_levels([self._get_result_from_module_list(f, i) for i, f in enumerate(x)], self.num_columns)


class SSDClassificationHead(SSDScoringHead):
    """One 3 x 3 convolution per feature map giving ``num_classes`` logits per default box (Xavier-initialised).

    Args:
        in_channels (list of int): channels of each feature map.
        num_anchors (list of int): default boxes per location of each feature map.
        num_classes (int): classes, the background included.
    """

    def __init__(self, in_channels, num_anchors, num_classes):
        cls_logits = nn.ModuleList()
        for channels, anchors in zip(in_channels, num_anchors):
            cls_logits.append(nn.Conv2d(channels, num_classes * anchors, kernel_size=3, padding=1))
        _xavier_init(cls_logits)
        super().__init__(cls_logits, num_classes)


class SSDRegressionHead(SSDScoringHead):
    """One 3 x 3 convolution per feature map giving the 4 box deltas of each default box (Xavier-initialised).

    Args:
        in_channels (list of int): channels of each feature map.
        num_anchors (list of int): default boxes per location of each feature map.
    """

    def __init__(self, in_channels, num_anchors):
        bbox_reg = nn.ModuleList()
        for channels, anchors in zip(in_channels, num_anchors):
            bbox_reg.append(nn.Conv2d(channels, 4 * anchors, kernel_size=3, padding=1))
        _xavier_init(bbox_reg)
        super().__init__(bbox_reg, 4)


class SSD(nn.Module):
    """SSD: default boxes of several scales and aspect ratios on several feature maps, each scored over the
    classes by a softmax (class 0 is the background) and refined by box deltas; images are resized to one
    fixed ``size``.

    Args:
        backbone (nn.Module): returns a feature map or an OrderedDict of them; without ``head`` its
            ``out_channels`` (a list), or a trial run at ``size``, gives the channels of each map.
        anchor_generator (DefaultBoxGenerator): the default boxes of the feature maps.
        size (tuple of int): the (width, height) every image is resized to.
        num_classes (int): classes, the background included.
        image_mean, image_std (list of float, optional): the normalisation (ImageNet's by default).
        head (nn.Module, optional): returns ``cls_logits`` and ``bbox_regression`` (an :class:`SSDHead` by default).
        score_thresh (float): minimum class score of a detection.
        nms_thresh (float): IoU threshold of the per-class NMS.
        detections_per_img (int): detections kept per image.
        iou_thresh (float): IoU from which a default box matches a target in training.
        topk_candidates (int): best-scoring candidates kept per class before NMS.
        positive_fraction (float): the share of positives among the boxes the classification loss counts
            (hard negative mining keeps ``(1 - f) / f`` negatives per positive).
        **kwargs: passed to :class:`GeneralizedRCNNTransform`.

    In training ``model(images, targets)`` returns ``bbox_regression`` (smooth L1) and ``classification``
    (cross entropy) losses; in evaluation per image ``boxes``, ``scores`` and ``labels``.

    Example:
        >>> backbone = nn.Sequential(nn.Conv2d(3, 8, 3, stride=4, padding=1), nn.ReLU())
        >>> backbone.out_channels = [8]
        >>> model = SSD(backbone, DefaultBoxGenerator([[2]]), (32, 32), num_classes=3,
        ...             detections_per_img=5).eval()
        >>> out = model([ember.rand(3, 30, 40)])
        >>> sorted(out[0]), out[0]["boxes"].shape
        (['boxes', 'labels', 'scores'], ember.Size([5, 4]))
    """

    def __init__(self, backbone, anchor_generator, size, num_classes, image_mean=None, image_std=None, head=None,
                 score_thresh=0.01, nms_thresh=0.45, detections_per_img=200, iou_thresh=0.5, topk_candidates=400,
                 positive_fraction=0.25, **kwargs):
        super().__init__()
        self.backbone = backbone
        self.anchor_generator = anchor_generator
        self.box_coder = det_utils.BoxCoder(weights=(10.0, 10.0, 5.0, 5.0))
        if head is None:
            if hasattr(backbone, "out_channels"):
                out_channels = backbone.out_channels
            else:
                out_channels = det_utils.retrieve_out_channels(backbone, size)
            if len(out_channels) != len(anchor_generator.aspect_ratios):
                raise ValueError(f"The length of the output channels from the backbone ({len(out_channels)}) do not "
                                 "match the length of the anchor generator aspect ratios "
                                 f"({len(anchor_generator.aspect_ratios)})")
            head = SSDHead(out_channels, self.anchor_generator.num_anchors_per_location(), num_classes)
        self.head = head
        self.proposal_matcher = det_utils.SSDMatcher(iou_thresh)
        self.transform = _imagenet_transform(min(size), max(size), image_mean, image_std, size_divisible=1,
                                             fixed_size=size, **kwargs)
        self.score_thresh = score_thresh
        self.nms_thresh = nms_thresh
        self.detections_per_img = detections_per_img
        self.topk_candidates = topk_candidates
        self.neg_to_pos_ratio = (1.0 - positive_fraction) / positive_fraction
        self._has_warned = False

    def eager_outputs(self, losses, detections):
        return losses if self.training else detections

    def compute_loss(self, targets, head_outputs, anchors, matched_idxs):
        """Smooth L1 on the matched boxes' deltas; cross entropy on the positives and on the hardest
        negatives (``neg_to_pos_ratio`` per positive, per image); both divided by the positives' count."""
        bbox_regression = head_outputs["bbox_regression"]
        cls_logits = head_outputs["cls_logits"]
        num_foreground = 0
        bbox_loss, cls_targets = [], []
        for target, regression, logits, anchors_per_image, matched in zip(
                targets, bbox_regression, cls_logits, anchors, matched_idxs):
            foreground = ember.where(matched >= 0)[0]
            foreground_matched = matched[foreground]
            num_foreground += foreground_matched.numel()
            target_regression = self.box_coder.encode_single(target["boxes"][foreground_matched],
                                                             anchors_per_image[foreground, :])
            bbox_loss.append(F.smooth_l1_loss(regression[foreground, :], target_regression, reduction="sum"))
            gt_classes = ember.zeros((logits.size(0),), dtype=target["labels"].dtype, device=target["labels"].device)
            gt_classes[foreground] = target["labels"][foreground_matched]
            cls_targets.append(gt_classes)
        bbox_loss = ember.stack(bbox_loss)
        cls_targets = ember.stack(cls_targets)
        num_classes = cls_logits.size(-1)
        cls_loss = F.cross_entropy(cls_logits.view(-1, num_classes), cls_targets.view(-1),
                                   reduction="none").view(cls_targets.size())
        # hard negative mining: the background boxes of highest loss, ranked per image
        foreground_idxs = cls_targets > 0
        num_negative = self.neg_to_pos_ratio * foreground_idxs.sum(1, keepdim=True)
        negative_loss = cls_loss.clone()
        negative_loss[foreground_idxs] = -float("inf")
        _, idx = negative_loss.sort(1, descending=True)
        background_idxs = idx.sort(1)[1] < num_negative
        N = max(1, num_foreground)
        return {"bbox_regression": bbox_loss.sum() / N,
                "classification": (cls_loss[foreground_idxs].sum() + cls_loss[background_idxs].sum()) / N}

    def forward(self, images, targets=None):
        images, targets, original_image_sizes = transform_inputs(self, images, targets)
        _, head_outputs, anchors = features_heads_anchors(self, images)
        losses, detections = {}, []
        if self.training:
            matched_idxs = match_anchors(self.proposal_matcher, anchors, targets)
            losses = self.compute_loss(targets, head_outputs, anchors, matched_idxs)
        else:
            detections = self.postprocess_detections(head_outputs, anchors, images.image_sizes)
            detections = self.transform.postprocess(detections, images.image_sizes, original_image_sizes)
        return self.eager_outputs(losses, detections)

    def postprocess_detections(self, head_outputs, image_anchors, image_shapes):
        """Per image: decoded, clipped boxes; per class (background excluded) those scoring above
        ``score_thresh``, at most ``topk_candidates``; then per-class NMS and the best ``detections_per_img``."""
        bbox_regression = head_outputs["bbox_regression"]
        pred_scores = F.softmax(head_outputs["cls_logits"], dim=-1)
        num_classes = pred_scores.size(-1)
        device = pred_scores.device
        detections = []
        for boxes, scores, anchors, image_shape in zip(bbox_regression, pred_scores, image_anchors, image_shapes):
            boxes = box_ops.clip_boxes_to_image(self.box_coder.decode_single(boxes, anchors), image_shape)
            image_boxes, image_scores, image_labels = [], [], []
            for label in range(1, num_classes):
                score = scores[:, label]
                keep = score > self.score_thresh
                score, box = score[keep], boxes[keep]
                score, idxs = score.topk(det_utils._topk_min(score, self.topk_candidates, 0))
                image_boxes.append(box[idxs])
                image_scores.append(score)
                image_labels.append(ember.full_like(score, fill_value=label, dtype=ember.int64, device=device))
            image_boxes = ember.cat(image_boxes, dim=0)
            image_scores = ember.cat(image_scores, dim=0)
            image_labels = ember.cat(image_labels, dim=0)
            keep = box_ops.batched_nms(image_boxes, image_scores, image_labels, self.nms_thresh)
            keep = keep[:self.detections_per_img]
            detections.append({"boxes": image_boxes[keep], "scores": image_scores[keep],
                               "labels": image_labels[keep]})
        return detections


class SSDFeatureExtractorVGG(nn.Module):
    """SSD's six feature maps from a VGG's ``features``: conv4_3 (L2-normalised, rescaled by the learnt
    ``scale_weight``), conv5_3 followed by the dilated fc6 and fc7 as convolutions, then four extra blocks
    (five with ``highres``, for SSD512).

    Args:
        backbone (nn.Sequential): a VGG's ``features`` with five max pools and 512 channels from conv4 on;
            its third max pool is switched to ``ceil_mode``.
        highres (bool): add the fifth extra block.
    """

    def __init__(self, backbone, highres):
        super().__init__()
        _, _, maxpool3_pos, maxpool4_pos, _ = (i for i, layer in enumerate(backbone)
                                               if isinstance(layer, nn.MaxPool2d))
        # rounding up here gives the paper's 38 x 38 conv4_3 for 300 x 300 inputs
        backbone[maxpool3_pos].ceil_mode = True
        self.scale_weight = nn.Parameter(ember.ones(512) * 20)
        self.features = nn.Sequential(*backbone[:maxpool4_pos])  # up to conv4_3
        extra = nn.ModuleList([_extra_vgg_block(1024, 256, 512, kernel_size=3, padding=1, stride=2),
                               _extra_vgg_block(512, 128, 256, kernel_size=3, padding=1, stride=2),
                               _extra_vgg_block(256, 128, 256, kernel_size=3),
                               _extra_vgg_block(256, 128, 256, kernel_size=3)])
        if highres:
            extra.append(_extra_vgg_block(256, 128, 256, kernel_size=4))
        _xavier_init(extra)
        fc = nn.Sequential(
            nn.MaxPool2d(kernel_size=3, stride=1, padding=1, ceil_mode=False),  # pool5, keeping the size
            nn.Conv2d(in_channels=512, out_channels=1024, kernel_size=3, padding=6, dilation=6),  # fc6, atrous
            nn.ReLU(inplace=True),
            nn.Conv2d(in_channels=1024, out_channels=1024, kernel_size=1),  # fc7
            nn.ReLU(inplace=True))
        _xavier_init(fc)
        extra.insert(0, nn.Sequential(*backbone[maxpool4_pos:-1], fc))  # conv5 (VGG's last pool dropped), fc6-7
        self.extra = extra

    def forward(self, x):
        x = self.features(x)
        output = [self.scale_weight.view(1, -1, 1, 1) * F.normalize(x)]
        for block in self.extra:
            x = block(x)
            output.append(x)
        return OrderedDict([(str(i), v) for i, v in enumerate(output)])


def _extra_vgg_block(in_channels, mid_channels, out_channels, **conv):
    return nn.Sequential(nn.Conv2d(in_channels, mid_channels, kernel_size=1), nn.ReLU(inplace=True),
                         nn.Conv2d(mid_channels, out_channels, **conv), nn.ReLU(inplace=True))


def freeze_before_trainable(layers, stage_indices, trainable_layers):
    """Turns off the gradients of ``layers`` before the last ``trainable_layers`` stages (which start at
    ``stage_indices``)."""
    num_stages = len(stage_indices)
    freeze_before = len(layers) if trainable_layers == 0 else stage_indices[num_stages - trainable_layers]
    for b in layers[:freeze_before]:
        for parameter in b.parameters():
            parameter.requires_grad_(False)


def _vgg_extractor(backbone, highres, trainable_layers):
    backbone = backbone.features
    # a stage starts at the first layer and after each max pool but the last
    stage_indices = [0] + [i for i, b in enumerate(backbone) if isinstance(b, nn.MaxPool2d)][:-1]
    num_stages = len(stage_indices)
    if not 0 <= trainable_layers <= num_stages:
        raise AssertionError(f"trainable_layers should be in the range [0, {num_stages}]. Instead got "
                             f"{trainable_layers}")
    freeze_before_trainable(backbone, stage_indices, trainable_layers)
    return SSDFeatureExtractorVGG(backbone, highres)


def _drop_size(kwargs):
    # the builders fix the input size: a ``size`` argument is dropped, with a warning
    if "size" in kwargs:
        warnings.warn("The size of the model is already fixed; ignoring the parameter.")
        del kwargs["size"]


@register_model()
@handle_legacy_interface(weights=("pretrained", SSD300_VGG16_Weights.COCO_V1),
                         weights_backbone=("pretrained_backbone", VGG16_Weights.IMAGENET1K_FEATURES))
def ssd300_vgg16(*, weights: Optional[SSD300_VGG16_Weights] = None, progress: bool = True,
                 num_classes: Optional[int] = None,
                 weights_backbone: Optional[VGG16_Weights] = VGG16_Weights.IMAGENET1K_FEATURES,
                 trainable_backbone_layers: Optional[int] = None, **kwargs):
    """SSD300 on a VGG-16 ("SSD: Single Shot MultiBox Detector"): images resized to 300 x 300, 8732 default
    boxes on six feature maps.

    Args:
        weights (SSD300_VGG16_Weights, optional): the checkpoint to load; None for random weights.
        progress (bool): show a download progress bar.
        num_classes (int, optional): classes, the background included (91, or the checkpoint's).
        weights_backbone (VGG16_Weights, optional): the VGG-16's checkpoint (unused with ``weights``).
        trainable_backbone_layers (int, optional): 0-5 trainable VGG stages from the last (4 by default,
            5 without any pretrained weights).
        **kwargs: passed to :class:`SSD` (``size`` is fixed and ignored, with a warning).

    Returns:
        SSD: the model.

    Example:
        >>> model = ssd300_vgg16(weights=SSD300_VGG16_Weights.DEFAULT)  # doctest: +SKIP
        >>> predictions = model.eval()([ember.rand(3, 300, 300)])  # doctest: +SKIP
    """
    plan = plan_build(SSD300_VGG16_Weights, weights, VGG16_Weights, weights_backbone, num_classes,
                      trainable_backbone_layers, 5, 4, before_checks=lambda: _drop_size(kwargs))
    backbone = _vgg_extractor(vgg16(weights=plan.weights_backbone, progress=progress), False, plan.trainable_layers)
    anchor_generator = DefaultBoxGenerator([[2], [2, 3], [2, 3], [2, 3], [2], [2]],
                                           scales=[0.07, 0.15, 0.33, 0.51, 0.69, 0.87, 1.05],
                                           steps=[8, 16, 32, 64, 100, 300])
    # the VGG-16 checkpoint expects 0-255 pixels less the mean colour
    defaults = {"image_mean": [0.48235, 0.45882, 0.40784], "image_std": [1.0 / 255.0, 1.0 / 255.0, 1.0 / 255.0]}
    model = SSD(backbone, anchor_generator, (300, 300), plan.num_classes, **{**defaults, **kwargs})
    return load_checkpoint(model, plan.weights, progress)
