"""Video ResNets (Tran et al. 2017, "A Closer Look at Spatiotemporal Convolutions for Action Recognition"):
R3D (3D convolutions), MC3 (3D in the first stage, 2D after) and R(2+1)D (spatial then temporal).

Inputs are ``(N, 3, T, H, W)`` clips; module names follow torchvision so its checkpoints load unchanged.
"""
from typing import Optional

import ember
from ember import nn
from ember.vision.models._api import register_model
from ember.vision.models._utils import handle_legacy_interface
from ember.vision.models.video._utils import _build, weights_enum

__all__ = ["VideoResNet", "R3D_18_Weights", "MC3_18_Weights", "R2Plus1D_18_Weights", "r3d_18", "mc3_18",
           "r2plus1d_18"]


class Conv3DSimple(nn.Conv3d):
    """A 3x3x3 convolution, strided alike in time and space."""

    def __init__(self, in_planes, out_planes, midplanes=None, stride=1, padding=1):
        super().__init__(in_channels=in_planes, out_channels=out_planes, kernel_size=(3, 3, 3), stride=stride,
                         padding=padding, bias=False)

    @staticmethod
    def get_downsample_stride(stride):
        return stride, stride, stride


class Conv2Plus1D(nn.Sequential):
    """A 1x3x3 spatial convolution to ``midplanes``, batch norm, ReLU, then a 3x1x1 temporal convolution."""

    def __init__(self, in_planes, out_planes, midplanes, stride=1, padding=1):
        super().__init__(
            nn.Conv3d(in_planes, midplanes, kernel_size=(1, 3, 3), stride=(1, stride, stride),
                      padding=(0, padding, padding), bias=False),
            nn.BatchNorm3d(midplanes), nn.ReLU(inplace=True),
            nn.Conv3d(midplanes, out_planes, kernel_size=(3, 1, 1), stride=(stride, 1, 1), padding=(padding, 0, 0),
                      bias=False))

    @staticmethod
    def get_downsample_stride(stride):
        return stride, stride, stride


class Conv3DNoTemporal(nn.Conv3d):
    """A 1x3x3 convolution: spatial only, time untouched."""

    def __init__(self, in_planes, out_planes, midplanes=None, stride=1, padding=1):
        super().__init__(in_channels=in_planes, out_channels=out_planes, kernel_size=(1, 3, 3),
                         stride=(1, stride, stride), padding=(0, padding, padding), bias=False)

    @staticmethod
    def get_downsample_stride(stride):
        return 1, stride, stride


def _midplanes(inplanes, planes):
    # R(2+1)D's inner width: as many parameters as the 3x3x3 convolution it replaces
    return (inplanes * planes * 3 * 3 * 3) // (inplanes * 3 * 3 + 3 * planes)


class BasicBlock(nn.Module):
    """Two convolutions from ``conv_builder`` with batch norm and a residual connection."""
    expansion = 1

    def __init__(self, inplanes, planes, conv_builder, stride=1, downsample=None):
        super().__init__()
        midplanes = _midplanes(inplanes, planes)
        self.conv1 = nn.Sequential(conv_builder(inplanes, planes, midplanes, stride), nn.BatchNorm3d(planes),
                                   nn.ReLU(inplace=True))
        self.conv2 = nn.Sequential(conv_builder(planes, planes, midplanes), nn.BatchNorm3d(planes))
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        residual = x if self.downsample is None else self.downsample(x)
        return self.relu(self.conv2(self.conv1(x)) + residual)


class Bottleneck(nn.Module):
    """1x1x1 reduce, a ``conv_builder`` convolution, 1x1x1 expand by 4, with a residual connection."""
    expansion = 4

    def __init__(self, inplanes, planes, conv_builder, stride=1, downsample=None):
        super().__init__()
        midplanes = _midplanes(inplanes, planes)
        self.conv1 = nn.Sequential(nn.Conv3d(inplanes, planes, kernel_size=1, bias=False), nn.BatchNorm3d(planes),
                                   nn.ReLU(inplace=True))
        self.conv2 = nn.Sequential(conv_builder(planes, planes, midplanes, stride), nn.BatchNorm3d(planes),
                                   nn.ReLU(inplace=True))
        self.conv3 = nn.Sequential(nn.Conv3d(planes, planes * self.expansion, kernel_size=1, bias=False),
                                   nn.BatchNorm3d(planes * self.expansion))
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        residual = x if self.downsample is None else self.downsample(x)
        return self.relu(self.conv3(self.conv2(self.conv1(x))) + residual)


class BasicStem(nn.Sequential):
    """A 3x7x7 convolution (spatial stride 2) to 64 channels, batch norm, ReLU."""

    def __init__(self):
        super().__init__(nn.Conv3d(3, 64, kernel_size=(3, 7, 7), stride=(1, 2, 2), padding=(1, 3, 3), bias=False),
                         nn.BatchNorm3d(64), nn.ReLU(inplace=True))


class R2Plus1dStem(nn.Sequential):
    """The stem of R(2+1)D: a 1x7x7 spatial convolution to 45 channels, then a 3x1x1 temporal one to 64."""

    def __init__(self):
        super().__init__(nn.Conv3d(3, 45, kernel_size=(1, 7, 7), stride=(1, 2, 2), padding=(0, 3, 3), bias=False),
                         nn.BatchNorm3d(45), nn.ReLU(inplace=True),
                         nn.Conv3d(45, 64, kernel_size=(3, 1, 1), stride=(1, 1, 1), padding=(1, 0, 0), bias=False),
                         nn.BatchNorm3d(64), nn.ReLU(inplace=True))


class VideoResNet(nn.Module):
    """A video ResNet: ``stem``, four stages of ``block`` (``layers[i]`` blocks, convolutions from
    ``conv_makers[i]``), global average pooling and a linear classifier.

    Args:
        block: BasicBlock or Bottleneck.
        conv_makers: four of Conv3DSimple, Conv3DNoTemporal, Conv2Plus1D.
        layers (list of int): blocks per stage.
        stem: a callable returning the stem module.
        num_classes (int): output classes. Default: 400.
        zero_init_residual (bool): start each Bottleneck's last batch norm at zero. Default: False.

    Example:
        >>> model = VideoResNet(BasicBlock, [Conv3DSimple] * 4, [1, 1, 1, 1], BasicStem, num_classes=5).eval()
        >>> model(ember.zeros(1, 3, 2, 16, 16)).shape
        ember.Size([1, 5])
    """

    def __init__(self, block, conv_makers, layers, stem, num_classes=400, zero_init_residual=False):
        super().__init__()
        self.inplanes = 64
        self.stem = stem()
        self.layer1 = self._make_layer(block, conv_makers[0], 64, layers[0], stride=1)
        self.layer2 = self._make_layer(block, conv_makers[1], 128, layers[1], stride=2)
        self.layer3 = self._make_layer(block, conv_makers[2], 256, layers[2], stride=2)
        self.layer4 = self._make_layer(block, conv_makers[3], 512, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool3d((1, 1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv3d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.BatchNorm3d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.constant_(m.bias, 0)
        if zero_init_residual:
            for m in self.modules():
                if isinstance(m, Bottleneck):
                    nn.init.constant_(m.conv3[1].weight, 0)

    def forward(self, x):
        x = self.layer4(self.layer3(self.layer2(self.layer1(self.stem(x)))))
        return self.fc(ember.flatten(self.avgpool(x), 1))

    def _make_layer(self, block, conv_builder, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                nn.Conv3d(self.inplanes, planes * block.expansion, kernel_size=1,
                          stride=conv_builder.get_downsample_stride(stride), bias=False),
                nn.BatchNorm3d(planes * block.expansion))
        layers = [block(self.inplanes, planes, conv_builder, stride, downsample)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes, conv_builder) for _ in range(1, blocks)]
        return nn.Sequential(*layers)


R3D_18_Weights = weights_enum("R3D_18_Weights", __name__)
MC3_18_Weights = weights_enum("MC3_18_Weights", __name__)
R2Plus1D_18_Weights = weights_enum("R2Plus1D_18_Weights", __name__)


@register_model()
@handle_legacy_interface(weights=("pretrained", R3D_18_Weights.KINETICS400_V1))
def r3d_18(*, weights: Optional[R3D_18_Weights] = None, progress: bool = True, **kwargs):
    """18-layer ResNet3D: 3x3x3 convolutions throughout; ``kwargs`` go to :class:`VideoResNet`.

    Example:
        >>> R3D_18_Weights.DEFAULT.meta["_metrics"]
        {'Kinetics-400': {'acc@1': 63.2, 'acc@5': 83.479}}
    """
    return _build(VideoResNet, R3D_18_Weights.verify(weights), progress, BasicBlock, [Conv3DSimple] * 4,
                  [2, 2, 2, 2], BasicStem, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", MC3_18_Weights.KINETICS400_V1))
def mc3_18(*, weights: Optional[MC3_18_Weights] = None, progress: bool = True, **kwargs):
    """18-layer mixed convolution network: 3D convolutions in the first stage, spatial-only after.

    Example:
        >>> MC3_18_Weights.DEFAULT.transforms().crop_size
        [112, 112]
    """
    return _build(VideoResNet, MC3_18_Weights.verify(weights), progress, BasicBlock,
                  [Conv3DSimple] + [Conv3DNoTemporal] * 3, [2, 2, 2, 2], BasicStem, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", R2Plus1D_18_Weights.KINETICS400_V1))
def r2plus1d_18(*, weights: Optional[R2Plus1D_18_Weights] = None, progress: bool = True, **kwargs):
    """18-layer R(2+1)D: every 3D convolution factored into a spatial and a temporal one.

    Example:
        >>> R2Plus1D_18_Weights.DEFAULT.meta["num_params"]
        31505325
    """
    return _build(VideoResNet, R2Plus1D_18_Weights.verify(weights), progress, BasicBlock, [Conv2Plus1D] * 4,
                  [2, 2, 2, 2], R2Plus1dStem, **kwargs)
