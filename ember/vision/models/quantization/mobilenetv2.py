"""Quantizable MobileNet V2 (torchvision.models.quantization.mobilenetv2): the residual additions as
FloatFunctional, ReLU6 replaced by ReLU (as torchvision does, so conv + BatchNorm + ReLU fuse), a
QuantStub/DeQuantStub and ``fuse_model``. torchvision's default backend for it is ``'qnnpack'``, whose
arithmetic ember does not reproduce: pass ``backend='fbgemm'`` to quantize it."""
from typing import Optional, Union

from ember import nn
from ember.ao.quantization import QuantStub, DeQuantStub
from ember.vision.models import mobilenetv2 as _float
from ember.vision.models._api import register_model
from ember.vision.models._meta import weights_enum
from ember.vision.models._utils import _load_weights, _ovewrite_named_param, handle_legacy_interface
from ember.vision.models.quantization.utils import (_replace_relu, _fuse_modules, quantize_model,
                                                     _weights_with_unquantized)
from ember.vision.ops.misc import Conv2dNormActivation

__all__ = ['QuantizableMobileNetV2', 'MobileNet_V2_QuantizedWeights', 'mobilenet_v2']


class QuantizableInvertedResidual(_float.InvertedResidual):
    """InvertedResidual whose residual addition is a FloatFunctional."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.skip_add = nn.quantized.FloatFunctional()

    def forward(self, x):
        return self.skip_add.add(x, self.conv(x)) if self.use_res_connect else self.conv(x)

    def fuse_model(self, is_qat=None):
        for idx in range(len(self.conv)):
            if type(self.conv[idx]) is nn.Conv2d:
                _fuse_modules(self.conv, [str(idx), str(idx + 1)], is_qat, inplace=True)


class QuantizableMobileNetV2(_float.MobileNetV2):
    """MobileNet V2 between a QuantStub and a DeQuantStub, with ``fuse_model``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.quant = QuantStub()
        self.dequant = DeQuantStub()

    def forward(self, x):
        return self.dequant(self._forward_impl(self.quant(x)))

    def fuse_model(self, is_qat=None):
        """Fuses conv/bn/relu runs in place (``fuse_modules_qat`` when training, or when ``is_qat``)."""
        for m in self.modules():
            if type(m) is Conv2dNormActivation:
                _fuse_modules(m, ['0', '1', '2'], is_qat, inplace=True)
            if type(m) is QuantizableInvertedResidual:
                m.fuse_model(is_qat)


MobileNet_V2_QuantizedWeights = _weights_with_unquantized(weights_enum('MobileNet_V2_QuantizedWeights', __name__),
                                                          _float.MobileNet_V2_Weights)


@register_model(name='quantized_mobilenet_v2')
@handle_legacy_interface(weights=('pretrained', lambda kwargs: MobileNet_V2_QuantizedWeights.IMAGENET1K_QNNPACK_V1
                                  if kwargs.get('quantize', False) else _float.MobileNet_V2_Weights.IMAGENET1K_V1))
def mobilenet_v2(*, weights: Optional[Union[MobileNet_V2_QuantizedWeights, '_float.MobileNet_V2_Weights']] = None,
                 progress: bool = True, quantize: bool = False, **kwargs):
    """Quantizable MobileNet V2; with ``quantize=True`` the int8 model (``backend='fbgemm'`` needed in ember).

    Example::

        >>> from ember.vision.models import quantization
        >>> model = quantization.mobilenet_v2(num_classes=10).eval()
        >>> model.fuse_model()
        >>> type(model.features[0][0]).__name__
        'ConvReLU2d'
    """
    weights = (MobileNet_V2_QuantizedWeights if quantize else _float.MobileNet_V2_Weights).verify(weights)
    if weights is not None:
        _ovewrite_named_param(kwargs, 'num_classes', len(weights.meta['categories']))
        if 'backend' in weights.meta:
            _ovewrite_named_param(kwargs, 'backend', weights.meta['backend'])
    backend = kwargs.pop('backend', 'qnnpack')
    model = QuantizableMobileNetV2(block=QuantizableInvertedResidual, **kwargs)
    _replace_relu(model)
    if quantize:
        quantize_model(model, backend)
    return model if weights is None else _load_weights(model, weights, progress)
