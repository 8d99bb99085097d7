"""Keypoint R-CNN (Mask R-CNN's keypoint variant) with torchvision's module names, builders and checkpoints."""
from typing import Optional

from ember import nn
from ember.nn import functional as F
from ember.vision.models._api import register_model
from ember.vision.models._utils import _ovewrite_value_param, handle_legacy_interface
from ember.vision.models.detection._builders import load_checkpoint, plan_build, resnet50_fpn
from ember.vision.models.detection._meta import detection_weights_enum
from ember.vision.models.detection.faster_rcnn import FasterRCNN
from ember.vision.models.resnet import ResNet50_Weights
from ember.vision.ops.poolers import MultiScaleRoIAlign

__all__ = ["KeypointRCNN", "KeypointRCNN_ResNet50_FPN_Weights", "keypointrcnn_resnet50_fpn"]


class KeypointRCNN(FasterRCNN):
    """Keypoint R-CNN: Faster R-CNN plus a branch locating ``num_keypoints`` keypoints in each detection.

    The keypoint branch pools each box's features (``keypoint_roi_pool``, 14 x 14 by default), runs the
    ``keypoint_head`` convolutions and the ``keypoint_predictor`` (one heatmap per keypoint, 4x larger);
    each keypoint is the maximum of its heatmap resized onto the box.

    Args:
        backbone (nn.Module): returns a feature map or an OrderedDict of them; has ``out_channels``.
        num_classes (int, optional): classes including the background; required unless ``box_predictor``
            is given.
        min_size (int or Tuple[int, ...], optional): the short side images are resized to (one drawn at
            random per image in training); (640, 672, 704, 736, 768, 800) by default.
        keypoint_roi_pool (MultiScaleRoIAlign, optional): pools the features for the keypoint branch.
        keypoint_head (nn.Module, optional): the convolutions over the pooled features.
        keypoint_predictor (nn.Module, optional): returns the heatmap logits ``[N, K, H, H]``.
        num_keypoints (int, optional): keypoints per object (17 by default); None with ``keypoint_predictor``.
        **kwargs: the remaining :class:`FasterRCNN` arguments (``max_size``, ``rpn_*``, ``box_*``, ...).

    In training each target needs ``keypoints`` ``[N, K, 3]`` (float32 x, y, visibility) besides ``boxes``
    and ``labels``, and ``loss_keypoint`` joins the Faster R-CNN losses; in evaluation each image's result
    also has ``keypoints`` ``[N, K, 3]`` and ``keypoints_scores`` ``[N, K]``.

    Example:
        >>> from ember.vision.models.detection.anchor_utils import AnchorGenerator
        >>> from ember.vision.models.detection.faster_rcnn import FastRCNNPredictor, TwoMLPHead
        >>> backbone = nn.Sequential(nn.Conv2d(3, 8, 3, stride=4, padding=1), nn.ReLU())
        >>> backbone.out_channels = 8
        >>> model = KeypointRCNN(
        ...     backbone, min_size=32, max_size=48, rpn_anchor_generator=AnchorGenerator(((16,),), ((1.0,),)),
        ...     box_roi_pool=MultiScaleRoIAlign(["0"], 7, 2), box_head=TwoMLPHead(8 * 7 * 7, 32),
        ...     box_predictor=FastRCNNPredictor(32, 2), box_score_thresh=0.0, box_detections_per_img=3,
        ...     keypoint_roi_pool=MultiScaleRoIAlign(["0"], 14, 2), keypoint_head=KeypointRCNNHeads(8, [8]),
        ...     keypoint_predictor=KeypointRCNNPredictor(8, 5)).eval()
        >>> out = model([ember.rand(3, 30, 40)])
        >>> out[0]["keypoints"].shape, out[0]["keypoints_scores"].shape
        (ember.Size([3, 5, 3]), ember.Size([3, 5]))
    """

    def __init__(self, backbone, num_classes=None, min_size=None, max_size=1333, image_mean=None, image_std=None,
                 rpn_anchor_generator=None, rpn_head=None, rpn_pre_nms_top_n_train=2000, rpn_pre_nms_top_n_test=1000,
                 rpn_post_nms_top_n_train=2000, rpn_post_nms_top_n_test=1000, rpn_nms_thresh=0.7,
                 rpn_fg_iou_thresh=0.7, rpn_bg_iou_thresh=0.3, rpn_batch_size_per_image=256,
                 rpn_positive_fraction=0.5, rpn_score_thresh=0.0, box_roi_pool=None, box_head=None,
                 box_predictor=None, box_score_thresh=0.05, box_nms_thresh=0.5, box_detections_per_img=100,
                 box_fg_iou_thresh=0.5, box_bg_iou_thresh=0.5, box_batch_size_per_image=512,
                 box_positive_fraction=0.25, bbox_reg_weights=None, keypoint_roi_pool=None, keypoint_head=None,
                 keypoint_predictor=None, num_keypoints=None, **kwargs):
        if not isinstance(keypoint_roi_pool, (MultiScaleRoIAlign, type(None))):
            # NOTE: torchvision's message shows the placeholder literally; kept so that messages agree
            raise TypeError("keypoint_roi_pool should be of type MultiScaleRoIAlign or None instead of "
                            "{type(keypoint_roi_pool)}")
        if min_size is None:
            min_size = (640, 672, 704, 736, 768, 800)
        if num_keypoints is not None:
            if keypoint_predictor is not None:
                raise ValueError("num_keypoints should be None when keypoint_predictor is specified")
        else:
            num_keypoints = 17
        out_channels = backbone.out_channels
        if keypoint_roi_pool is None:
            keypoint_roi_pool = MultiScaleRoIAlign(featmap_names=["0", "1", "2", "3"], output_size=14,
                                                   sampling_ratio=2)
        if keypoint_head is None:
            keypoint_head = KeypointRCNNHeads(out_channels, (512,) * 8)
        if keypoint_predictor is None:
            keypoint_predictor = KeypointRCNNPredictor(512, num_keypoints)
        super().__init__(backbone, num_classes, min_size, max_size, image_mean, image_std, rpn_anchor_generator,
                         rpn_head, rpn_pre_nms_top_n_train, rpn_pre_nms_top_n_test, rpn_post_nms_top_n_train,
                         rpn_post_nms_top_n_test, rpn_nms_thresh, rpn_fg_iou_thresh, rpn_bg_iou_thresh,
                         rpn_batch_size_per_image, rpn_positive_fraction, rpn_score_thresh, box_roi_pool, box_head,
                         box_predictor, box_score_thresh, box_nms_thresh, box_detections_per_img, box_fg_iou_thresh,
                         box_bg_iou_thresh, box_batch_size_per_image, box_positive_fraction, bbox_reg_weights,
                         **kwargs)
        self.roi_heads.keypoint_roi_pool = keypoint_roi_pool
        self.roi_heads.keypoint_head = keypoint_head
        self.roi_heads.keypoint_predictor = keypoint_predictor


class KeypointRCNNHeads(nn.Sequential):
    """The keypoint branch's 3 x 3 convolutions, each followed by ReLU.

    Args:
        in_channels (int): channels of the pooled features.
        layers (Sequence[int]): output channels of each convolution.

    Example:
        >>> KeypointRCNNHeads(8, [16, 4])(ember.rand(2, 8, 14, 14)).shape
        ember.Size([2, 4, 14, 14])
    """

    def __init__(self, in_channels, layers):
        blocks = []
        previous = in_channels
        for current in layers:
            blocks.append(nn.Conv2d(previous, current, 3, stride=1, padding=1))
            blocks.append(nn.ReLU(inplace=True))
            previous = current
        super().__init__(*blocks)
        for m in self.children():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                nn.init.constant_(m.bias, 0)


class KeypointRCNNPredictor(nn.Module):
    """One heatmap logit map per keypoint at 4x the pooled resolution: a stride-2 transposed convolution
    (``kps_score_lowres``) then a 2x bilinear up-sampling.

    Args:
        in_channels (int): channels of the keypoint head's output.
        num_keypoints (int): keypoints per object.

    Example:
        >>> KeypointRCNNPredictor(8, 17)(ember.rand(2, 8, 14, 14)).shape
        ember.Size([2, 17, 56, 56])
    """

    def __init__(self, in_channels, num_keypoints):
        super().__init__()
        deconv_kernel = 4
        self.kps_score_lowres = nn.ConvTranspose2d(in_channels, num_keypoints, deconv_kernel, stride=2,
                                                   padding=deconv_kernel // 2 - 1)
        nn.init.kaiming_normal_(self.kps_score_lowres.weight, mode="fan_out", nonlinearity="relu")
        nn.init.constant_(self.kps_score_lowres.bias, 0)
        self.up_scale = 2
        self.out_channels = num_keypoints

    def forward(self, x):
        x = self.kps_score_lowres(x)
        return F.interpolate(x, scale_factor=float(self.up_scale), mode="bilinear", align_corners=False,
                             recompute_scale_factor=False)


KeypointRCNN_ResNet50_FPN_Weights = detection_weights_enum("KeypointRCNN_ResNet50_FPN_Weights", __name__)


@register_model()
@handle_legacy_interface(
    weights=("pretrained", lambda kwargs: (KeypointRCNN_ResNet50_FPN_Weights.COCO_LEGACY
                                           if kwargs["pretrained"] == "legacy"
                                           else KeypointRCNN_ResNet50_FPN_Weights.COCO_V1)),
    weights_backbone=("pretrained_backbone", ResNet50_Weights.IMAGENET1K_V1))
def keypointrcnn_resnet50_fpn(*, weights: Optional[KeypointRCNN_ResNet50_FPN_Weights] = None, progress: bool = True,
                              num_classes: Optional[int] = None, num_keypoints: Optional[int] = None,
                              weights_backbone: Optional[ResNet50_Weights] = ResNet50_Weights.IMAGENET1K_V1,
                              trainable_backbone_layers: Optional[int] = None, **kwargs):
    """Keypoint R-CNN with a ResNet-50-FPN backbone (COCO people and their 17 keypoints).

    Args:
        weights (KeypointRCNN_ResNet50_FPN_Weights, optional): the checkpoint to load; None for random weights.
        progress (bool): show a download progress bar.
        num_classes (int, optional): classes including the background (2, or the checkpoint's).
        num_keypoints (int, optional): keypoints per object (17, or the checkpoint's).
        weights_backbone (ResNet50_Weights, optional): the ResNet-50's checkpoint (unused with ``weights``).
        trainable_backbone_layers (int, optional): 0-5 trainable stages from the last (3 by default,
            5 without any pretrained weights).
        **kwargs: passed to :class:`KeypointRCNN`.

    Returns:
        KeypointRCNN: the model.

    Example:
        >>> model = keypointrcnn_resnet50_fpn(weights=KeypointRCNN_ResNet50_FPN_Weights.DEFAULT)  # doctest: +SKIP
        >>> predictions = model.eval()([ember.rand(3, 300, 400)])  # doctest: +SKIP
    """
    plan = plan_build(KeypointRCNN_ResNet50_FPN_Weights, weights, ResNet50_Weights, weights_backbone, num_classes,
                      trainable_backbone_layers, 5, 3, default_classes=2)
    if plan.weights is not None:
        num_keypoints = _ovewrite_value_param("num_keypoints", num_keypoints, len(plan.weights.meta["keypoint_names"]))
    elif num_keypoints is None:
        num_keypoints = 17
    model = KeypointRCNN(resnet50_fpn(plan, progress), plan.num_classes, num_keypoints=num_keypoints, **kwargs)
    return load_checkpoint(model, plan.weights, progress, zero_eps_for=KeypointRCNN_ResNet50_FPN_Weights.COCO_V1)
