"""FCN (Long et al. 2014, "Fully Convolutional Networks for Semantic Segmentation") on dilated ResNets."""
from typing import Optional

from ember import nn
from ember.vision.models._api import register_model
from ember.vision.models._utils import _ovewrite_value_param, handle_legacy_interface, IntermediateLayerGetter
from ember.vision.models.resnet import ResNet50_Weights, ResNet101_Weights, resnet50, resnet101
from ember.vision.models.segmentation._utils import _load, _reject_unused, _SimpleSegmentationModel, weights_enum

__all__ = ["FCN", "FCN_ResNet50_Weights", "FCN_ResNet101_Weights", "fcn_resnet50", "fcn_resnet101"]


class FCN(_SimpleSegmentationModel):
    """Fully convolutional segmentation: ``backbone`` returns a dict with ``"out"`` (and ``"aux"`` when
    ``aux_classifier`` is given); the heads' maps are upsampled to the input size.

    >>> backbone = IntermediateLayerGetter(nn.Sequential(nn.Conv2d(3, 16, 3, stride=2)), {"0": "out"})
    >>> model = FCN(backbone, FCNHead(16, 3)).eval()
    >>> model(ember.zeros(1, 3, 16, 16))["out"].shape
    ember.Size([1, 3, 16, 16])
    """


class FCNHead(nn.Sequential):
    """3x3 convolution to a quarter of ``in_channels``, batch norm, ReLU, dropout, 1x1 to ``channels``."""

    def __init__(self, in_channels, channels):
        inter_channels = in_channels // 4
        super().__init__(nn.Conv2d(in_channels, inter_channels, 3, padding=1, bias=False),
                         nn.BatchNorm2d(inter_channels), nn.ReLU(), nn.Dropout(0.1),
                         nn.Conv2d(inter_channels, channels, 1))


FCN_ResNet50_Weights = weights_enum("FCN_ResNet50_Weights", __name__)
FCN_ResNet101_Weights = weights_enum("FCN_ResNet101_Weights", __name__)


def _resnet_features(backbone, aux):
    return_layers = {"layer4": "out"}
    if aux:
        return_layers["layer3"] = "aux"
    return IntermediateLayerGetter(backbone, return_layers=return_layers)


def _fcn_resnet(backbone, num_classes, aux):
    # the auxiliary head is built first, as in torchvision, so a seeded model draws the same initial weights
    aux_classifier = FCNHead(1024, num_classes) if aux else None
    return FCN(_resnet_features(backbone, aux), FCNHead(2048, num_classes), aux_classifier)


def _segmentation_setup(weights, num_classes, aux_loss):
    """(num_classes, aux_loss) as the weights require them; 21 classes (Pascal VOC) by default."""
    if weights is not None:
        num_classes = _ovewrite_value_param("num_classes", num_classes, len(weights.meta["categories"]))
        aux_loss = _ovewrite_value_param("aux_loss", aux_loss, True)
    elif num_classes is None:
        num_classes = 21
    return num_classes, aux_loss


@register_model()
@handle_legacy_interface(weights=("pretrained", FCN_ResNet50_Weights.COCO_WITH_VOC_LABELS_V1),
                         weights_backbone=("pretrained_backbone", ResNet50_Weights.IMAGENET1K_V1))
def fcn_resnet50(*, weights: Optional[FCN_ResNet50_Weights] = None, progress: bool = True,
                 num_classes: Optional[int] = None, aux_loss: Optional[bool] = None,
                 weights_backbone: Optional[ResNet50_Weights] = ResNet50_Weights.IMAGENET1K_V1, **kwargs):
    """FCN with a ResNet-50 backbone (layers 3 and 4 dilated instead of strided: output stride 8).

    Args:
        weights (FCN_ResNet50_Weights, optional): pretrained weights (then ``weights_backbone`` is unused).
        progress (bool): show a download progress bar. Default: True.
        num_classes (int, optional): output classes including the background (default 21).
        aux_loss (bool, optional): add the auxiliary head on layer3.
        weights_backbone (ResNet50_Weights, optional): pretrained weights of the backbone.

    Returns:
        FCN: its forward returns an OrderedDict with ``"out"`` (and ``"aux"``) maps of shape ``(N, num_classes, H, W)``.

    Example:
        >>> FCN_ResNet50_Weights.DEFAULT.meta["_metrics"]
        {'COCO-val2017-VOC-labels': {'miou': 60.5, 'pixel_acc': 91.4}}
    """
    _reject_unused("fcn_resnet50", kwargs)
    weights = FCN_ResNet50_Weights.verify(weights)
    weights_backbone = None if weights is not None else ResNet50_Weights.verify(weights_backbone)
    num_classes, aux_loss = _segmentation_setup(weights, num_classes, aux_loss)
    backbone = resnet50(weights=weights_backbone, replace_stride_with_dilation=[False, True, True])
    return _load(_fcn_resnet(backbone, num_classes, aux_loss), weights, progress)


@register_model()
@handle_legacy_interface(weights=("pretrained", FCN_ResNet101_Weights.COCO_WITH_VOC_LABELS_V1),
                         weights_backbone=("pretrained_backbone", ResNet101_Weights.IMAGENET1K_V1))
def fcn_resnet101(*, weights: Optional[FCN_ResNet101_Weights] = None, progress: bool = True,
                  num_classes: Optional[int] = None, aux_loss: Optional[bool] = None,
                  weights_backbone: Optional[ResNet101_Weights] = ResNet101_Weights.IMAGENET1K_V1, **kwargs):
    """FCN with a ResNet-101 backbone; arguments as :func:`fcn_resnet50`.

    Example:
        >>> FCN_ResNet101_Weights.DEFAULT.meta["num_params"]
        54314346
    """
    _reject_unused("fcn_resnet101", kwargs)
    weights = FCN_ResNet101_Weights.verify(weights)
    weights_backbone = None if weights is not None else ResNet101_Weights.verify(weights_backbone)
    num_classes, aux_loss = _segmentation_setup(weights, num_classes, aux_loss)
    backbone = resnet101(weights=weights_backbone, replace_stride_with_dilation=[False, True, True])
    return _load(_fcn_resnet(backbone, num_classes, aux_loss), weights, progress)
