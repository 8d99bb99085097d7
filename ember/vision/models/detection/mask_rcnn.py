"""Mask R-CNN (He et al., 2017) with torchvision's module names, builders and checkpoints."""
from collections import OrderedDict
from typing import Optional

from ember import nn
from ember.vision.models._api import register_model
from ember.vision.models._utils import handle_legacy_interface
from ember.vision.models.detection._builders import load_checkpoint, plan_build, resnet50_fpn
from ember.vision.models.detection._meta import detection_weights_enum
from ember.vision.models.detection.faster_rcnn import FasterRCNN, FastRCNNConvFCHead, _default_anchorgen
from ember.vision.models.detection.rpn import RPNHead
from ember.vision.models.resnet import ResNet50_Weights
from ember.vision.ops import misc as misc_nn_ops
from ember.vision.ops.poolers import MultiScaleRoIAlign

__all__ = ["MaskRCNN", "MaskRCNN_ResNet50_FPN_Weights", "MaskRCNN_ResNet50_FPN_V2_Weights",
           "maskrcnn_resnet50_fpn", "maskrcnn_resnet50_fpn_v2"]


class MaskRCNN(FasterRCNN):
    """Mask R-CNN: Faster R-CNN plus a branch predicting a segmentation mask for each detection.

    The mask branch pools each box's features (``mask_roi_pool``, 14 x 14 by default), runs the
    ``mask_head`` convolutions and the ``mask_predictor`` (a 2x up-sampling and one mask per class).

    Args:
        backbone (nn.Module): returns a feature map or an OrderedDict of them; has ``out_channels``.
        num_classes (int, optional): classes including the background; required unless
            ``box_predictor`` and ``mask_predictor`` are given.
        mask_roi_pool (MultiScaleRoIAlign, optional): pools the features for the mask branch.
        mask_head (nn.Module, optional): the convolutions over the pooled features.
        mask_predictor (nn.Module, optional): returns the mask logits ``[N, num_classes, M, M]``.
        **kwargs: the remaining :class:`FasterRCNN` arguments (``min_size``, ``rpn_*``, ``box_*``, ...).

    In training ``model(images, targets)`` needs ``masks`` ``[N, H, W]`` (uint8) in each target besides
    ``boxes`` and ``labels`` and adds ``loss_mask`` to the Faster R-CNN losses; in evaluation each image's
    result also has ``masks`` ``[N, 1, H, W]``, probabilities in the original image size.

    Example:
        >>> from ember.vision.models.detection.anchor_utils import AnchorGenerator
        >>> from ember.vision.models.detection.faster_rcnn import FastRCNNPredictor, TwoMLPHead
        >>> backbone = nn.Sequential(nn.Conv2d(3, 8, 3, stride=4, padding=1), nn.ReLU())
        >>> backbone.out_channels = 8
        >>> model = MaskRCNN(
        ...     backbone, min_size=32, max_size=48, rpn_anchor_generator=AnchorGenerator(((16,),), ((1.0,),)),
        ...     box_roi_pool=MultiScaleRoIAlign(["0"], 7, 2), box_head=TwoMLPHead(8 * 7 * 7, 32),
        ...     box_predictor=FastRCNNPredictor(32, 3), box_score_thresh=0.0, box_detections_per_img=4,
        ...     mask_roi_pool=MultiScaleRoIAlign(["0"], 14, 2), mask_head=MaskRCNNHeads(8, [8], 1),
        ...     mask_predictor=MaskRCNNPredictor(8, 8, 3)).eval()
        >>> out = model([ember.rand(3, 30, 40)])
        >>> sorted(out[0]), out[0]["masks"].shape
        (['boxes', 'labels', 'masks', 'scores'], ember.Size([4, 1, 30, 40]))
    """

    def __init__(self, backbone, num_classes=None, min_size=800, max_size=1333, image_mean=None, image_std=None,
                 rpn_anchor_generator=None, rpn_head=None, rpn_pre_nms_top_n_train=2000, rpn_pre_nms_top_n_test=1000,
                 rpn_post_nms_top_n_train=2000, rpn_post_nms_top_n_test=1000, rpn_nms_thresh=0.7,
                 rpn_fg_iou_thresh=0.7, rpn_bg_iou_thresh=0.3, rpn_batch_size_per_image=256,
                 rpn_positive_fraction=0.5, rpn_score_thresh=0.0, box_roi_pool=None, box_head=None,
                 box_predictor=None, box_score_thresh=0.05, box_nms_thresh=0.5, box_detections_per_img=100,
                 box_fg_iou_thresh=0.5, box_bg_iou_thresh=0.5, box_batch_size_per_image=512,
                 box_positive_fraction=0.25, bbox_reg_weights=None, mask_roi_pool=None, mask_head=None,
                 mask_predictor=None, **kwargs):
        if not isinstance(mask_roi_pool, (MultiScaleRoIAlign, type(None))):
            raise TypeError(
                f"mask_roi_pool should be of type MultiScaleRoIAlign or None instead of {type(mask_roi_pool)}")
        if num_classes is not None and mask_predictor is not None:
            raise ValueError("num_classes should be None when mask_predictor is specified")
        out_channels = backbone.out_channels
        if mask_roi_pool is None:
            mask_roi_pool = MultiScaleRoIAlign(featmap_names=["0", "1", "2", "3"], output_size=14, sampling_ratio=2)
        if mask_head is None:
            mask_head = MaskRCNNHeads(out_channels, (256, 256, 256, 256), 1)
        if mask_predictor is None:
            mask_predictor = MaskRCNNPredictor(256, 256, num_classes)
        super().__init__(backbone, num_classes, min_size, max_size, image_mean, image_std, rpn_anchor_generator,
                         rpn_head, rpn_pre_nms_top_n_train, rpn_pre_nms_top_n_test, rpn_post_nms_top_n_train,
                         rpn_post_nms_top_n_test, rpn_nms_thresh, rpn_fg_iou_thresh, rpn_bg_iou_thresh,
                         rpn_batch_size_per_image, rpn_positive_fraction, rpn_score_thresh, box_roi_pool, box_head,
                         box_predictor, box_score_thresh, box_nms_thresh, box_detections_per_img, box_fg_iou_thresh,
                         box_bg_iou_thresh, box_batch_size_per_image, box_positive_fraction, bbox_reg_weights,
                         **kwargs)
        self.roi_heads.mask_roi_pool = mask_roi_pool
        self.roi_heads.mask_head = mask_head
        self.roi_heads.mask_predictor = mask_predictor


class MaskRCNNHeads(nn.Sequential):
    """The mask branch's 3 x 3 convolutions (with ReLU and optional ``norm_layer``) over pooled features.

    Args:
        in_channels (int): channels of the pooled features.
        layers (Sequence[int]): output channels of each convolution.
        dilation (int): dilation (and padding) of the convolutions.
        norm_layer (callable, optional): normalisation after each convolution; none by default.

    Example:
        >>> head = MaskRCNNHeads(8, [16, 16], 1)
        >>> head(ember.rand(2, 8, 14, 14)).shape
        ember.Size([2, 16, 14, 14])
    """

    _version = 2

    def __init__(self, in_channels, layers, dilation, norm_layer=None):
        blocks = []
        previous = in_channels
        for current in layers:
            blocks.append(misc_nn_ops.Conv2dNormActivation(previous, current, kernel_size=3, stride=1,
                                                           padding=dilation, dilation=dilation,
                                                           norm_layer=norm_layer))
            previous = current
        super().__init__(*blocks)
        for layer in self.modules():
            if isinstance(layer, nn.Conv2d):
                nn.init.kaiming_normal_(layer.weight, mode="fan_out", nonlinearity="relu")
                if layer.bias is not None:
                    nn.init.zeros_(layer.bias)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        # NOTE: checkpoints saved before version 2 name the convolutions mask_fcn1, mask_fcn2, ...
        version = local_metadata.get("version", None)
        if version is None or version < 2:
            for i in range(len(self)):
                for kind in ("weight", "bias"):
                    old_key = f"{prefix}mask_fcn{i + 1}.{kind}"
                    if old_key in state_dict:
                        state_dict[f"{prefix}{i}.0.{kind}"] = state_dict.pop(old_key)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)


class MaskRCNNPredictor(nn.Sequential):
    """Up-samples the mask features 2x (``conv5_mask``, a transposed convolution, then ReLU) and predicts
    one mask logit map per class (``mask_fcn_logits``).

    Args:
        in_channels (int): channels of the mask head's output.
        dim_reduced (int): channels after the up-sampling.
        num_classes (int): classes including the background.

    Example:
        >>> MaskRCNNPredictor(16, 8, 3)(ember.rand(2, 16, 14, 14)).shape
        ember.Size([2, 3, 28, 28])
    """

    def __init__(self, in_channels, dim_reduced, num_classes):
        super().__init__(OrderedDict([
            ("conv5_mask", nn.ConvTranspose2d(in_channels, dim_reduced, 2, 2, 0)),
            ("relu", nn.ReLU(inplace=True)),
            ("mask_fcn_logits", nn.Conv2d(dim_reduced, num_classes, 1, 1, 0)),
        ]))
        for name, param in self.named_parameters():
            if "weight" in name:
                nn.init.kaiming_normal_(param, mode="fan_out", nonlinearity="relu")


MaskRCNN_ResNet50_FPN_Weights = detection_weights_enum("MaskRCNN_ResNet50_FPN_Weights", __name__)
MaskRCNN_ResNet50_FPN_V2_Weights = detection_weights_enum("MaskRCNN_ResNet50_FPN_V2_Weights", __name__)


@register_model()
@handle_legacy_interface(weights=("pretrained", MaskRCNN_ResNet50_FPN_Weights.COCO_V1),
                         weights_backbone=("pretrained_backbone", ResNet50_Weights.IMAGENET1K_V1))
def maskrcnn_resnet50_fpn(*, weights: Optional[MaskRCNN_ResNet50_FPN_Weights] = None, progress: bool = True,
                          num_classes: Optional[int] = None,
                          weights_backbone: Optional[ResNet50_Weights] = ResNet50_Weights.IMAGENET1K_V1,
                          trainable_backbone_layers: Optional[int] = None, **kwargs):
    """Mask R-CNN with a ResNet-50-FPN backbone.

    Args:
        weights (MaskRCNN_ResNet50_FPN_Weights, optional): the checkpoint to load; None for random weights.
        progress (bool): show a download progress bar.
        num_classes (int, optional): classes including the background (91, or the checkpoint's).
        weights_backbone (ResNet50_Weights, optional): the ResNet-50's checkpoint (unused with ``weights``).
        trainable_backbone_layers (int, optional): 0-5 trainable stages from the last (3 by default,
            5 without any pretrained weights).
        **kwargs: passed to :class:`MaskRCNN`.

    Returns:
        MaskRCNN: the model.

    Example:
        >>> model = maskrcnn_resnet50_fpn(weights=MaskRCNN_ResNet50_FPN_Weights.DEFAULT)  # doctest: +SKIP
        >>> model.eval()  # doctest: +SKIP
        >>> predictions = model([ember.rand(3, 300, 400)])  # doctest: +SKIP
    """
    plan = plan_build(MaskRCNN_ResNet50_FPN_Weights, weights, ResNet50_Weights, weights_backbone, num_classes,
                      trainable_backbone_layers, 5, 3)
    model = MaskRCNN(resnet50_fpn(plan, progress), num_classes=plan.num_classes, **kwargs)
    return load_checkpoint(model, plan.weights, progress, zero_eps_for=MaskRCNN_ResNet50_FPN_Weights.COCO_V1)


@register_model()
@handle_legacy_interface(weights=("pretrained", MaskRCNN_ResNet50_FPN_V2_Weights.COCO_V1),
                         weights_backbone=("pretrained_backbone", ResNet50_Weights.IMAGENET1K_V1))
def maskrcnn_resnet50_fpn_v2(*, weights: Optional[MaskRCNN_ResNet50_FPN_V2_Weights] = None, progress: bool = True,
                             num_classes: Optional[int] = None, weights_backbone: Optional[ResNet50_Weights] = None,
                             trainable_backbone_layers: Optional[int] = None, **kwargs):
    """The improved Mask R-CNN ResNet-50-FPN (BatchNorm in the FPN and heads, a 2-conv RPN head, a 4-conv
    1-FC box head).

    Args:
        weights (MaskRCNN_ResNet50_FPN_V2_Weights, optional): the checkpoint to load; None for random weights.
        progress (bool): show a download progress bar.
        num_classes (int, optional): classes including the background (91, or the checkpoint's).
        weights_backbone (ResNet50_Weights, optional): the ResNet-50's checkpoint (unused with ``weights``).
        trainable_backbone_layers (int, optional): 0-5 trainable stages from the last.
        **kwargs: passed to :class:`MaskRCNN`.

    Returns:
        MaskRCNN: the model.

    Example:
        >>> model = maskrcnn_resnet50_fpn_v2(weights=MaskRCNN_ResNet50_FPN_V2_Weights.DEFAULT)  # doctest: +SKIP
        >>> predictions = model.eval()([ember.rand(3, 300, 400)])  # doctest: +SKIP
    """
    plan = plan_build(MaskRCNN_ResNet50_FPN_V2_Weights, weights, ResNet50_Weights, weights_backbone, num_classes,
                      trainable_backbone_layers, 5, 3)
    backbone = resnet50_fpn(plan, progress, frozen_bn=False, norm_layer=nn.BatchNorm2d)
    rpn_anchor_generator = _default_anchorgen()
    rpn_head = RPNHead(backbone.out_channels, rpn_anchor_generator.num_anchors_per_location()[0], conv_depth=2)
    box_head = FastRCNNConvFCHead((backbone.out_channels, 7, 7), [256, 256, 256, 256], [1024],
                                  norm_layer=nn.BatchNorm2d)
    mask_head = MaskRCNNHeads(backbone.out_channels, [256, 256, 256, 256], 1, norm_layer=nn.BatchNorm2d)
    model = MaskRCNN(backbone, num_classes=plan.num_classes, rpn_anchor_generator=rpn_anchor_generator,
                     rpn_head=rpn_head, box_head=box_head, mask_head=mask_head, **kwargs)
    return load_checkpoint(model, plan.weights, progress)
