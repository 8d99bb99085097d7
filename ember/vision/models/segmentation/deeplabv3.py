"""DeepLabV3 (Chen et al. 2017, "Rethinking Atrous Convolution for Semantic Image Segmentation")."""
from typing import Optional

import ember
from ember import nn
from ember.nn import functional as F
from ember.vision.models._api import register_model
from ember.vision.models._utils import handle_legacy_interface, IntermediateLayerGetter
from ember.vision.models.mobilenetv3 import MobileNet_V3_Large_Weights, mobilenet_v3_large
from ember.vision.models.resnet import ResNet50_Weights, ResNet101_Weights, resnet50, resnet101
from ember.vision.models.segmentation._utils import (
    _load, _mobilenet_stage_indices, _reject_unused, _SimpleSegmentationModel, weights_enum,
)
from ember.vision.models.segmentation.fcn import FCNHead, _resnet_features, _segmentation_setup

__all__ = ["DeepLabV3", "DeepLabV3_ResNet50_Weights", "DeepLabV3_ResNet101_Weights",
           "DeepLabV3_MobileNet_V3_Large_Weights", "deeplabv3_mobilenet_v3_large", "deeplabv3_resnet50",
           "deeplabv3_resnet101"]


class DeepLabV3(_SimpleSegmentationModel):
    """DeepLabV3: a :class:`DeepLabHead` (atrous spatial pyramid pooling) on the backbone's ``"out"`` map,
    an optional auxiliary head on ``"aux"``; both upsampled to the input size.

    >>> backbone = IntermediateLayerGetter(nn.Sequential(nn.Conv2d(3, 16, 3, stride=2)), {"0": "out"})
    >>> model = DeepLabV3(backbone, DeepLabHead(16, 4, atrous_rates=[2, 4])).eval()
    >>> model(ember.zeros(1, 3, 32, 32))["out"].shape
    ember.Size([1, 4, 32, 32])
    """


class DeepLabHead(nn.Sequential):
    """ASPP with ``atrous_rates``, a 3x3 convolution (256 channels), batch norm, ReLU, 1x1 to ``num_classes``."""

    def __init__(self, in_channels, num_classes, atrous_rates=(12, 24, 36)):
        super().__init__(ASPP(in_channels, atrous_rates), nn.Conv2d(256, 256, 3, padding=1, bias=False),
                         nn.BatchNorm2d(256), nn.ReLU(), nn.Conv2d(256, num_classes, 1))


class ASPPConv(nn.Sequential):
    """A 3x3 convolution dilated by ``dilation`` (padded to keep the size), batch norm, ReLU."""

    def __init__(self, in_channels, out_channels, dilation):
        super().__init__(nn.Conv2d(in_channels, out_channels, 3, padding=dilation, dilation=dilation, bias=False),
                         nn.BatchNorm2d(out_channels), nn.ReLU())


class ASPPPooling(nn.Sequential):
    """Global average pooling, 1x1 convolution, batch norm, ReLU, then upsampled back to the input size."""

    def __init__(self, in_channels, out_channels):
        super().__init__(nn.AdaptiveAvgPool2d(1), nn.Conv2d(in_channels, out_channels, 1, bias=False),
                         nn.BatchNorm2d(out_channels), nn.ReLU())

    def forward(self, x):
        size = x.shape[-2:]
        for mod in self:
            x = mod(x)
        return F.interpolate(x, size=size, mode="bilinear", align_corners=False)


class ASPP(nn.Module):
    """Atrous spatial pyramid pooling: a 1x1 branch, one dilated 3x3 branch per rate in ``atrous_rates`` and
    an image-pooling branch, concatenated and projected to ``out_channels`` (with dropout 0.5).

    >>> aspp = ASPP(8, [1, 2], out_channels=4).eval()
    >>> aspp(ember.ones(1, 8, 5, 5)).shape
    ember.Size([1, 4, 5, 5])
    """

    def __init__(self, in_channels, atrous_rates, out_channels=256):
        super().__init__()
        modules = [nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, bias=False), nn.BatchNorm2d(out_channels),
                                 nn.ReLU())]
        modules += [ASPPConv(in_channels, out_channels, rate) for rate in tuple(atrous_rates)]
        modules.append(ASPPPooling(in_channels, out_channels))
        self.convs = nn.ModuleList(modules)
        self.project = nn.Sequential(nn.Conv2d(len(self.convs) * out_channels, out_channels, 1, bias=False),
                                     nn.BatchNorm2d(out_channels), nn.ReLU(), nn.Dropout(0.5))

    def forward(self, x):
        return self.project(ember.cat([conv(x) for conv in self.convs], dim=1))


def _deeplabv3_resnet(backbone, num_classes, aux):
    # the auxiliary head is built first, as in torchvision, so a seeded model draws the same initial weights
    aux_classifier = FCNHead(1024, num_classes) if aux else None
    return DeepLabV3(_resnet_features(backbone, aux), DeepLabHead(2048, num_classes), aux_classifier)


def _deeplabv3_mobilenetv3(backbone, num_classes, aux):
    backbone = backbone.features
    stage_indices = _mobilenet_stage_indices(backbone)
    out_pos = stage_indices[-1]  # C5, output stride 16
    aux_pos = stage_indices[-4]  # C2, output stride 8
    return_layers = {str(out_pos): "out"}
    if aux:
        return_layers[str(aux_pos)] = "aux"
    aux_classifier = FCNHead(backbone[aux_pos].out_channels, num_classes) if aux else None
    classifier = DeepLabHead(backbone[out_pos].out_channels, num_classes)
    return DeepLabV3(IntermediateLayerGetter(backbone, return_layers=return_layers), classifier, aux_classifier)


DeepLabV3_ResNet50_Weights = weights_enum("DeepLabV3_ResNet50_Weights", __name__)
DeepLabV3_ResNet101_Weights = weights_enum("DeepLabV3_ResNet101_Weights", __name__)
DeepLabV3_MobileNet_V3_Large_Weights = weights_enum("DeepLabV3_MobileNet_V3_Large_Weights", __name__)


@register_model()
@handle_legacy_interface(weights=("pretrained", DeepLabV3_ResNet50_Weights.COCO_WITH_VOC_LABELS_V1),
                         weights_backbone=("pretrained_backbone", ResNet50_Weights.IMAGENET1K_V1))
def deeplabv3_resnet50(*, weights: Optional[DeepLabV3_ResNet50_Weights] = None, progress: bool = True,
                       num_classes: Optional[int] = None, aux_loss: Optional[bool] = None,
                       weights_backbone: Optional[ResNet50_Weights] = ResNet50_Weights.IMAGENET1K_V1, **kwargs):
    """DeepLabV3 with a dilated ResNet-50 backbone (output stride 8).

    Args:
        weights (DeepLabV3_ResNet50_Weights, optional): pretrained weights (then ``weights_backbone`` is unused).
        progress (bool): show a download progress bar. Default: True.
        num_classes (int, optional): output classes including the background (default 21).
        aux_loss (bool, optional): add the auxiliary FCN head on layer3.
        weights_backbone (ResNet50_Weights, optional): pretrained weights of the backbone.

    Returns:
        DeepLabV3

    Example:
        >>> DeepLabV3_ResNet50_Weights.DEFAULT.transforms().resize_size
        [520]
    """
    _reject_unused("deeplabv3_resnet50", kwargs)
    weights = DeepLabV3_ResNet50_Weights.verify(weights)
    weights_backbone = None if weights is not None else ResNet50_Weights.verify(weights_backbone)
    num_classes, aux_loss = _segmentation_setup(weights, num_classes, aux_loss)
    backbone = resnet50(weights=weights_backbone, replace_stride_with_dilation=[False, True, True])
    return _load(_deeplabv3_resnet(backbone, num_classes, aux_loss), weights, progress)


@register_model()
@handle_legacy_interface(weights=("pretrained", DeepLabV3_ResNet101_Weights.COCO_WITH_VOC_LABELS_V1),
                         weights_backbone=("pretrained_backbone", ResNet101_Weights.IMAGENET1K_V1))
def deeplabv3_resnet101(*, weights: Optional[DeepLabV3_ResNet101_Weights] = None, progress: bool = True,
                        num_classes: Optional[int] = None, aux_loss: Optional[bool] = None,
                        weights_backbone: Optional[ResNet101_Weights] = ResNet101_Weights.IMAGENET1K_V1, **kwargs):
    """DeepLabV3 with a dilated ResNet-101 backbone; arguments as :func:`deeplabv3_resnet50`.

    Example:
        >>> DeepLabV3_ResNet101_Weights.DEFAULT.meta["categories"][:3]
        ['__background__', 'aeroplane', 'bicycle']
    """
    _reject_unused("deeplabv3_resnet101", kwargs)
    weights = DeepLabV3_ResNet101_Weights.verify(weights)
    weights_backbone = None if weights is not None else ResNet101_Weights.verify(weights_backbone)
    num_classes, aux_loss = _segmentation_setup(weights, num_classes, aux_loss)
    backbone = resnet101(weights=weights_backbone, replace_stride_with_dilation=[False, True, True])
    return _load(_deeplabv3_resnet(backbone, num_classes, aux_loss), weights, progress)


@register_model()
@handle_legacy_interface(weights=("pretrained", DeepLabV3_MobileNet_V3_Large_Weights.COCO_WITH_VOC_LABELS_V1),
                         weights_backbone=("pretrained_backbone", MobileNet_V3_Large_Weights.IMAGENET1K_V1))
def deeplabv3_mobilenet_v3_large(*, weights: Optional[DeepLabV3_MobileNet_V3_Large_Weights] = None,
                                 progress: bool = True, num_classes: Optional[int] = None,
                                 aux_loss: Optional[bool] = None,
                                 weights_backbone: Optional[MobileNet_V3_Large_Weights] = (
                                     MobileNet_V3_Large_Weights.IMAGENET1K_V1), **kwargs):
    """DeepLabV3 with a dilated MobileNetV3-Large backbone (output stride 16; the auxiliary head on C2).

    Arguments as :func:`deeplabv3_resnet50` (``weights_backbone`` a MobileNet_V3_Large_Weights).

    Example:
        >>> m = deeplabv3_mobilenet_v3_large(weights_backbone=None, aux_loss=True)
        >>> list(m.backbone.return_layers.items())
        [('16', 'out'), ('4', 'aux')]
    """
    _reject_unused("deeplabv3_mobilenet_v3_large", kwargs)
    weights = DeepLabV3_MobileNet_V3_Large_Weights.verify(weights)
    weights_backbone = None if weights is not None else MobileNet_V3_Large_Weights.verify(weights_backbone)
    num_classes, aux_loss = _segmentation_setup(weights, num_classes, aux_loss)
    backbone = mobilenet_v3_large(weights=weights_backbone, dilated=True)
    return _load(_deeplabv3_mobilenetv3(backbone, num_classes, aux_loss), weights, progress)
