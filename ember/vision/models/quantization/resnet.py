"""Quantizable ResNet and ResNeXt (torchvision.models.quantization.resnet): the float networks with a
QuantStub/DeQuantStub, the residual additions as FloatFunctional, ``fuse_model``; ``quantize=True`` returns
the converted model, whose state_dict is torchvision's."""
from typing import Optional, Union

from ember import nn
from ember.ao.quantization import QuantStub, DeQuantStub
from ember.vision.models import resnet as _float
from ember.vision.models._api import register_model
from ember.vision.models._meta import weights_enum
from ember.vision.models._utils import _load_weights, _ovewrite_named_param, handle_legacy_interface
from ember.vision.models.quantization.utils import (_replace_relu, _fuse_modules, quantize_model,
                                                     _weights_with_unquantized)

__all__ = ['QuantizableResNet', 'ResNet18_QuantizedWeights', 'ResNet50_QuantizedWeights',
           'ResNeXt101_32X8D_QuantizedWeights', 'ResNeXt101_64X4D_QuantizedWeights', 'resnet18', 'resnet50',
           'resnext101_32x8d', 'resnext101_64x4d']


class QuantizableBasicBlock(_float.BasicBlock):
    """BasicBlock whose residual addition (and its ReLU) is a FloatFunctional, so it can be quantized."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_relu = nn.quantized.FloatFunctional()

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.add_relu.add_relu(out, identity)

    def fuse_model(self, is_qat=None):
        _fuse_modules(self, [['conv1', 'bn1', 'relu'], ['conv2', 'bn2']], is_qat, inplace=True)
        if self.downsample:
            _fuse_modules(self.downsample, ['0', '1'], is_qat, inplace=True)


class QuantizableBottleneck(_float.Bottleneck):
    """Bottleneck with separate ReLUs and a FloatFunctional residual addition, so it can be quantized."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.skip_add_relu = nn.quantized.FloatFunctional()
        self.relu1 = nn.ReLU(inplace=False)
        self.relu2 = nn.ReLU(inplace=False)

    def forward(self, x):
        identity = x
        out = self.relu1(self.bn1(self.conv1(x)))
        out = self.relu2(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.skip_add_relu.add_relu(out, identity)

    def fuse_model(self, is_qat=None):
        _fuse_modules(self, [['conv1', 'bn1', 'relu1'], ['conv2', 'bn2', 'relu2'], ['conv3', 'bn3']], is_qat,
                      inplace=True)
        if self.downsample:
            _fuse_modules(self.downsample, ['0', '1'], is_qat, inplace=True)


class QuantizableResNet(_float.ResNet):
    """ResNet between a QuantStub and a DeQuantStub, with ``fuse_model`` for quantization."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.quant = QuantStub()
        self.dequant = DeQuantStub()

    def forward(self, x):
        return self.dequant(self._forward_impl(self.quant(x)))

    def fuse_model(self, is_qat=None):
        """Fuses conv/bn/relu runs in place (``fuse_modules_qat`` when training, or when ``is_qat``)."""
        _fuse_modules(self, ['conv1', 'bn1', 'relu'], is_qat, inplace=True)
        for m in self.modules():
            if type(m) is QuantizableBottleneck or type(m) is QuantizableBasicBlock:
                m.fuse_model(is_qat)


def _resnet(block, layers, weights, progress, quantize, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, 'num_classes', len(weights.meta['categories']))
        if 'backend' in weights.meta:
            _ovewrite_named_param(kwargs, 'backend', weights.meta['backend'])
    backend = kwargs.pop('backend', 'fbgemm')
    model = QuantizableResNet(block, layers, **kwargs)
    _replace_relu(model)
    if quantize:
        quantize_model(model, backend)
    return model if weights is None else _load_weights(model, weights, progress)


ResNet18_QuantizedWeights = _weights_with_unquantized(weights_enum('ResNet18_QuantizedWeights', __name__),
                                                      _float.ResNet18_Weights)
ResNet50_QuantizedWeights = _weights_with_unquantized(weights_enum('ResNet50_QuantizedWeights', __name__),
                                                      _float.ResNet50_Weights)
ResNeXt101_32X8D_QuantizedWeights = _weights_with_unquantized(
    weights_enum('ResNeXt101_32X8D_QuantizedWeights', __name__), _float.ResNeXt101_32X8D_Weights)
ResNeXt101_64X4D_QuantizedWeights = _weights_with_unquantized(
    weights_enum('ResNeXt101_64X4D_QuantizedWeights', __name__), _float.ResNeXt101_64X4D_Weights)


def _default(quantized, float_weights):
    return lambda kwargs: quantized if kwargs.get('quantize', False) else float_weights


@register_model(name='quantized_resnet18')
@handle_legacy_interface(weights=('pretrained', _default(ResNet18_QuantizedWeights.IMAGENET1K_FBGEMM_V1,
                                                         _float.ResNet18_Weights.IMAGENET1K_V1)))
def resnet18(*, weights: Optional[Union[ResNet18_QuantizedWeights, '_float.ResNet18_Weights']] = None,
             progress: bool = True, quantize: bool = False, **kwargs):
    """Quantizable ResNet-18; with ``quantize=True`` the int8 model (``weights`` then a
    ResNet18_QuantizedWeights, else a ResNet18_Weights, or None).

    Example::

        >>> from ember.vision.models import quantization
        >>> model = quantization.resnet18(num_classes=10).eval()
        >>> model.fuse_model()
        >>> type(model.conv1).__name__, type(model.layer1[0].bn2).__name__
        ('ConvReLU2d', 'Identity')
    """
    weights = (ResNet18_QuantizedWeights if quantize else _float.ResNet18_Weights).verify(weights)
    return _resnet(QuantizableBasicBlock, [2, 2, 2, 2], weights, progress, quantize, **kwargs)


@register_model(name='quantized_resnet50')
@handle_legacy_interface(weights=('pretrained', _default(ResNet50_QuantizedWeights.IMAGENET1K_FBGEMM_V1,
                                                         _float.ResNet50_Weights.IMAGENET1K_V1)))
def resnet50(*, weights=None, progress: bool = True, quantize: bool = False, **kwargs):
    """Quantizable ResNet-50 (``quantize=True``: the int8 model; ``weights`` a ResNet50_QuantizedWeights,
    else a ResNet50_Weights, or None)."""
    weights = (ResNet50_QuantizedWeights if quantize else _float.ResNet50_Weights).verify(weights)
    return _resnet(QuantizableBottleneck, [3, 4, 6, 3], weights, progress, quantize, **kwargs)


@register_model(name='quantized_resnext101_32x8d')
@handle_legacy_interface(weights=('pretrained', _default(ResNeXt101_32X8D_QuantizedWeights.IMAGENET1K_FBGEMM_V1,
                                                         _float.ResNeXt101_32X8D_Weights.IMAGENET1K_V1)))
def resnext101_32x8d(*, weights=None, progress: bool = True, quantize: bool = False, **kwargs):
    """Quantizable ResNeXt-101 32x8d (``quantize=True``: the int8 model)."""
    weights = (ResNeXt101_32X8D_QuantizedWeights if quantize else _float.ResNeXt101_32X8D_Weights).verify(weights)
    _ovewrite_named_param(kwargs, 'groups', 32)
    _ovewrite_named_param(kwargs, 'width_per_group', 8)
    return _resnet(QuantizableBottleneck, [3, 4, 23, 3], weights, progress, quantize, **kwargs)


@register_model(name='quantized_resnext101_64x4d')
def resnext101_64x4d(*, weights=None, progress: bool = True, quantize: bool = False, **kwargs):
    """Quantizable ResNeXt-101 64x4d (``quantize=True``: the int8 model)."""
    weights = (ResNeXt101_64X4D_QuantizedWeights if quantize else _float.ResNeXt101_64X4D_Weights).verify(weights)
    _ovewrite_named_param(kwargs, 'groups', 64)
    _ovewrite_named_param(kwargs, 'width_per_group', 4)
    return _resnet(QuantizableBottleneck, [3, 4, 23, 3], weights, progress, quantize, **kwargs)
