"""Lite R-ASPP (Howard et al. 2019, "Searching for MobileNetV3") on a dilated MobileNetV3-Large."""
from collections import OrderedDict
from typing import Optional

from ember import nn
from ember.nn import functional as F
from ember.vision.models._api import register_model
from ember.vision.models._utils import _ovewrite_value_param, handle_legacy_interface, IntermediateLayerGetter
from ember.vision.models.mobilenetv3 import MobileNet_V3_Large_Weights, mobilenet_v3_large
from ember.vision.models.segmentation._utils import _load, _mobilenet_stage_indices, _reject_unused, weights_enum

__all__ = ["LRASPP", "LRASPP_MobileNet_V3_Large_Weights", "lraspp_mobilenet_v3_large"]


class LRASPP(nn.Module):
    """Lite R-ASPP: ``backbone`` returns a dict with a ``"low"`` (``low_channels``) and a ``"high"``
    (``high_channels``) map; the head's logits are upsampled to the input size (key ``"out"``).

    >>> model = lraspp_mobilenet_v3_large(weights_backbone=None, num_classes=2).eval()
    >>> model(ember.zeros(1, 3, 32, 32))["out"].shape
    ember.Size([1, 2, 32, 32])
    """

    def __init__(self, backbone, low_channels, high_channels, num_classes, inter_channels=128):
        super().__init__()
        self.backbone = backbone
        self.classifier = LRASPPHead(low_channels, high_channels, num_classes, inter_channels)

    def forward(self, input):
        out = self.classifier(self.backbone(input))
        result = OrderedDict()
        result["out"] = F.interpolate(out, size=input.shape[-2:], mode="bilinear", align_corners=False)
        return result


class LRASPPHead(nn.Module):
    """The high map through 1x1 conv-BN-ReLU, gated by a pooled sigmoid branch, upsampled to the low map's
    size; each map classified by a 1x1 convolution and the two summed."""

    def __init__(self, low_channels, high_channels, num_classes, inter_channels):
        super().__init__()
        self.cbr = nn.Sequential(nn.Conv2d(high_channels, inter_channels, 1, bias=False),
                                 nn.BatchNorm2d(inter_channels), nn.ReLU(inplace=True))
        self.scale = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(high_channels, inter_channels, 1, bias=False),
                                   nn.Sigmoid())
        self.low_classifier = nn.Conv2d(low_channels, num_classes, 1)
        self.high_classifier = nn.Conv2d(inter_channels, num_classes, 1)

    def forward(self, input):
        low, high = input["low"], input["high"]
        x = self.cbr(high) * self.scale(high)
        x = F.interpolate(x, size=low.shape[-2:], mode="bilinear", align_corners=False)
        return self.low_classifier(low) + self.high_classifier(x)


def _lraspp_mobilenetv3(backbone, num_classes):
    backbone = backbone.features
    stage_indices = _mobilenet_stage_indices(backbone)
    low_pos, high_pos = stage_indices[-4], stage_indices[-1]  # C2 (output stride 8), C5 (16)
    low_channels, high_channels = backbone[low_pos].out_channels, backbone[high_pos].out_channels
    backbone = IntermediateLayerGetter(backbone, return_layers={str(low_pos): "low", str(high_pos): "high"})
    return LRASPP(backbone, low_channels, high_channels, num_classes)


LRASPP_MobileNet_V3_Large_Weights = weights_enum("LRASPP_MobileNet_V3_Large_Weights", __name__)


@register_model()
@handle_legacy_interface(weights=("pretrained", LRASPP_MobileNet_V3_Large_Weights.COCO_WITH_VOC_LABELS_V1),
                         weights_backbone=("pretrained_backbone", MobileNet_V3_Large_Weights.IMAGENET1K_V1))
def lraspp_mobilenet_v3_large(*, weights: Optional[LRASPP_MobileNet_V3_Large_Weights] = None,
                              progress: bool = True, num_classes: Optional[int] = None,
                              weights_backbone: Optional[MobileNet_V3_Large_Weights] = (
                                  MobileNet_V3_Large_Weights.IMAGENET1K_V1), **kwargs):
    """Lite R-ASPP with a dilated MobileNetV3-Large backbone.

    Args:
        weights (LRASPP_MobileNet_V3_Large_Weights, optional): pretrained weights.
        progress (bool): show a download progress bar. Default: True.
        num_classes (int, optional): output classes including the background (default 21).
        weights_backbone (MobileNet_V3_Large_Weights, optional): pretrained weights of the backbone.

    Returns:
        LRASPP (there is no auxiliary head: ``aux_loss=True`` raises NotImplementedError).

    Example:
        >>> LRASPP_MobileNet_V3_Large_Weights.DEFAULT.meta["min_size"]
        (1, 1)
    """
    if kwargs.pop("aux_loss", False):
        raise NotImplementedError("This model does not use auxiliary loss")
    _reject_unused("lraspp_mobilenet_v3_large", kwargs)
    weights = LRASPP_MobileNet_V3_Large_Weights.verify(weights)
    weights_backbone = None if weights is not None else MobileNet_V3_Large_Weights.verify(weights_backbone)
    if weights is not None:
        num_classes = _ovewrite_value_param("num_classes", num_classes, len(weights.meta["categories"]))
    elif num_classes is None:
        num_classes = 21
    backbone = mobilenet_v3_large(weights=weights_backbone, dilated=True)
    return _load(_lraspp_mobilenetv3(backbone, num_classes), weights, progress)
