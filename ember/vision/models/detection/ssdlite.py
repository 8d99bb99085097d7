"""SSDlite (MobileNetV2 paper, section 6.2; MobileNetV3 paper, section 6.3) with torchvision's module names,
builder and checkpoint: SSDlite320 on a MobileNetV3-Large."""
from collections import OrderedDict
from functools import partial
from typing import Callable, Optional

from ember import nn
from ember.vision.models._api import register_model
from ember.vision.models._utils import handle_legacy_interface
from ember.vision.models.detection import _utils as det_utils
from ember.vision.models.detection._builders import load_checkpoint, plan_build
from ember.vision.models.detection._meta import detection_weights_enum
from ember.vision.models.detection.anchor_utils import DefaultBoxGenerator
from ember.vision.models.detection.ssd import SSD, SSDScoringHead, _drop_size, _init_convs, freeze_before_trainable
from ember.vision.models.mobilenetv3 import MobileNet_V3_Large_Weights, mobilenet_v3_large
from ember.vision.ops.misc import Conv2dNormActivation

__all__ = ["SSDLite320_MobileNet_V3_Large_Weights", "ssdlite320_mobilenet_v3_large"]

SSDLite320_MobileNet_V3_Large_Weights = detection_weights_enum("SSDLite320_MobileNet_V3_Large_Weights", __name__)


def _prediction_block(in_channels, out_channels, kernel_size, norm_layer):
    # a depthwise convolution (with norm and ReLU6), then a 1 x 1 projection
    return nn.Sequential(
        Conv2dNormActivation(in_channels, in_channels, kernel_size=kernel_size, groups=in_channels,
                             norm_layer=norm_layer, activation_layer=nn.ReLU6),
        nn.Conv2d(in_channels, out_channels, 1))


def _extra_block(in_channels, out_channels, norm_layer):
    # 1 x 1 down to half the output channels, a strided 3 x 3 depthwise, 1 x 1 up to the output channels
    mid = out_channels // 2
    return nn.Sequential(
        Conv2dNormActivation(in_channels, mid, kernel_size=1, norm_layer=norm_layer, activation_layer=nn.ReLU6),
        Conv2dNormActivation(mid, mid, kernel_size=3, stride=2, groups=mid, norm_layer=norm_layer,
                             activation_layer=nn.ReLU6),
        Conv2dNormActivation(mid, out_channels, kernel_size=1, norm_layer=norm_layer, activation_layer=nn.ReLU6))


_normal_init = partial(_init_convs, weight_init=partial(nn.init.normal_, mean=0.0, std=0.03))


class SSDLiteHead(nn.Module):
    """SSDlite's classification and box-regression heads: a depthwise-separable block per feature map each.

    Args:
        in_channels (list of int): channels of each feature map.
        num_anchors (list of int): default boxes per location of each feature map.
        num_classes (int): classes, the background included.
        norm_layer (callable): normalisation after the depthwise convolutions.

    Example:
        >>> head = SSDLiteHead([8, 4], [4, 6], 3, nn.BatchNorm2d)
        >>> out = head([ember.rand(1, 8, 4, 4), ember.rand(1, 4, 2, 2)])
        >>> out["cls_logits"].shape, out["bbox_regression"].shape
        (ember.Size([1, 88, 3]), ember.Size([1, 88, 4]))
    """

    def __init__(self, in_channels, num_anchors, num_classes, norm_layer):
        super().__init__()
        self.classification_head = SSDLiteClassificationHead(in_channels, num_anchors, num_classes, norm_layer)
        self.regression_head = SSDLiteRegressionHead(in_channels, num_anchors, norm_layer)

    def forward(self, x):
        return {"bbox_regression": self.regression_head(x), "cls_logits": self.classification_head(x)}


class SSDLiteClassificationHead(SSDScoringHead):
    """Per feature map a 3 x 3 depthwise block and a 1 x 1 convolution to ``num_classes`` logits per default box.

    Args:
        in_channels (list of int): channels of each feature map.
        num_anchors (list of int): default boxes per location of each feature map.
        num_classes (int): classes, the background included.
        norm_layer (callable): normalisation after the depthwise convolutions.
    """

    def __init__(self, in_channels, num_anchors, num_classes, norm_layer):
        cls_logits = nn.ModuleList()
        for channels, anchors in zip(in_channels, num_anchors):
            cls_logits.append(_prediction_block(channels, num_classes * anchors, 3, norm_layer))
        _normal_init(cls_logits)
        super().__init__(cls_logits, num_classes)


class SSDLiteRegressionHead(SSDScoringHead):
    """Per feature map a 3 x 3 depthwise block and a 1 x 1 convolution to the 4 deltas of each default box.

    Args:
        in_channels (list of int): channels of each feature map.
        num_anchors (list of int): default boxes per location of each feature map.
        norm_layer (callable): normalisation after the depthwise convolutions.
    """

    def __init__(self, in_channels, num_anchors, norm_layer):
        bbox_reg = nn.ModuleList()
        for channels, anchors in zip(in_channels, num_anchors):
            bbox_reg.append(_prediction_block(channels, 4 * anchors, 3, norm_layer))
        _normal_init(bbox_reg)
        super().__init__(bbox_reg, 4)


class SSDLiteFeatureExtractorMobileNet(nn.Module):
    """SSDlite's six feature maps from a MobileNet's ``features``: the C4 block's expansion output, the
    network's last output, and four extra blocks each halving the size.

    Args:
        backbone (nn.Sequential): a MobileNet's ``features``.
        c4_pos (int): the index of the C4 block (the last strided one, without a residual connection).
        norm_layer (callable): normalisation of the extra blocks.
        width_mult (float): scales the extra blocks' channels (512, 256, 256, 128).
        min_depth (int): the fewest channels of an extra block.
    """

    def __init__(self, backbone, c4_pos, norm_layer, width_mult=1.0, min_depth=16):
        super().__init__()
        if backbone[c4_pos].use_res_connect:
            raise ValueError("backbone[c4_pos].use_res_connect should be False")
        self.features = nn.Sequential(
            nn.Sequential(*backbone[:c4_pos], backbone[c4_pos].block[0]),  # up to C4's expansion
            nn.Sequential(backbone[c4_pos].block[1:], *backbone[c4_pos + 1:]))  # C4's depthwise to the end

        def get_depth(d):
            return max(min_depth, int(d * width_mult))

        extra = nn.ModuleList([_extra_block(backbone[-1].out_channels, get_depth(512), norm_layer),
                               _extra_block(get_depth(512), get_depth(256), norm_layer),
                               _extra_block(get_depth(256), get_depth(256), norm_layer),
                               _extra_block(get_depth(256), get_depth(128), norm_layer)])
        _normal_init(extra)
        self.extra = extra

    def forward(self, x):
        output = []
        for block in (*self.features, *self.extra):
            x = block(x)
            output.append(x)
        return OrderedDict([(str(i), v) for i, v in enumerate(output)])


def _mobilenet_extractor(backbone, trainable_layers, norm_layer):
    backbone = backbone.features
    # stages: the first layer, each strided block (C1 ... Cn-1) and the last layer
    stage_indices = [0] + [i for i, b in enumerate(backbone) if getattr(b, "_is_cn", False)] + [len(backbone) - 1]
    num_stages = len(stage_indices)
    if not 0 <= trainable_layers <= num_stages:
        raise ValueError(f"trainable_layers should be in the range [0, {num_stages}], instead got {trainable_layers}")
    freeze_before_trainable(backbone, stage_indices, trainable_layers)
    return SSDLiteFeatureExtractorMobileNet(backbone, stage_indices[-2], norm_layer)


@register_model()
@handle_legacy_interface(weights=("pretrained", SSDLite320_MobileNet_V3_Large_Weights.COCO_V1),
                         weights_backbone=("pretrained_backbone", MobileNet_V3_Large_Weights.IMAGENET1K_V1))
def ssdlite320_mobilenet_v3_large(*, weights: Optional[SSDLite320_MobileNet_V3_Large_Weights] = None,
                                  progress: bool = True, num_classes: Optional[int] = None,
                                  weights_backbone: Optional[MobileNet_V3_Large_Weights] =
                                  MobileNet_V3_Large_Weights.IMAGENET1K_V1,
                                  trainable_backbone_layers: Optional[int] = None,
                                  norm_layer: Optional[Callable[..., nn.Module]] = None, **kwargs):
    """SSDlite320 on a MobileNetV3-Large ("Searching for MobileNetV3"; "MobileNetV2: Inverted Residuals and
    Linear Bottlenecks"): images resized to 320 x 320, default boxes on six feature maps.

    Args:
        weights (SSDLite320_MobileNet_V3_Large_Weights, optional): the checkpoint to load; None for random weights.
        progress (bool): show a download progress bar.
        num_classes (int, optional): classes, the background included (91, or the checkpoint's).
        weights_backbone (MobileNet_V3_Large_Weights, optional): the MobileNet's checkpoint (unused with
            ``weights``); without it the MobileNet's last stage has half the channels.
        trainable_backbone_layers (int, optional): 0-6 trainable stages from the last (6 by default).
        norm_layer (callable, optional): the normalisation (BatchNorm2d with eps 0.001, momentum 0.03 by default).
        **kwargs: passed to :func:`~ember.vision.models.mobilenet_v3_large` and to :class:`SSD`
            (``size`` is fixed and ignored, with a warning).

    Returns:
        SSD: the model.

    Example:
        >>> weights = SSDLite320_MobileNet_V3_Large_Weights.DEFAULT
        >>> model = ssdlite320_mobilenet_v3_large(weights=weights)  # doctest: +SKIP
        >>> predictions = model.eval()([ember.rand(3, 320, 320)])  # doctest: +SKIP
    """
    plan = plan_build(SSDLite320_MobileNet_V3_Large_Weights, weights, MobileNet_V3_Large_Weights, weights_backbone,
                      num_classes, trainable_backbone_layers, 6, 6, before_checks=lambda: _drop_size(kwargs))
    num_classes = plan.num_classes
    if norm_layer is None:
        norm_layer = partial(nn.BatchNorm2d, eps=0.001, momentum=0.03)
    # without an ImageNet backbone the last stage is halved (MobileNetV3 paper, table 6)
    backbone = mobilenet_v3_large(weights=plan.weights_backbone, progress=progress, norm_layer=norm_layer,
                                  reduced_tail=plan.weights_backbone is None, **kwargs)
    if plan.weights_backbone is None:
        _normal_init(backbone)
    backbone = _mobilenet_extractor(backbone, plan.trainable_layers, norm_layer)
    size = (320, 320)
    anchor_generator = DefaultBoxGenerator([[2, 3] for _ in range(6)], min_ratio=0.2, max_ratio=0.95)
    out_channels = det_utils.retrieve_out_channels(backbone, size)
    num_anchors = anchor_generator.num_anchors_per_location()
    if len(out_channels) != len(anchor_generator.aspect_ratios):
        raise ValueError(f"The length of the output channels from the backbone {len(out_channels)} do not match the "
                         f"length of the anchor generator aspect ratios {len(anchor_generator.aspect_ratios)}")
    defaults = {"score_thresh": 0.001, "nms_thresh": 0.55, "detections_per_img": 300, "topk_candidates": 300,
                # inputs rescaled from [0, 1] to [-1, 1]
                "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}
    model = SSD(backbone, anchor_generator, size, num_classes,
                head=SSDLiteHead(out_channels, num_anchors, num_classes, norm_layer), **{**defaults, **kwargs})
    return load_checkpoint(model, plan.weights, progress)
