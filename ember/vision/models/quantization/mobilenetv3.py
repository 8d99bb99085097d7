"""Quantizable MobileNet V3 (torchvision.models.quantization.mobilenetv3): the squeeze-excitation's product
and the residual additions as FloatFunctional, a QuantStub/DeQuantStub and ``fuse_model``. With
``quantize=True`` the model is prepared for quantization-aware training (the published weights are a QAT
checkpoint), the weights loaded, then converted: its hardsigmoid gates keep PyTorch's fixed output
quantization (scale 1/256)."""
from typing import Optional, Union

import ember
from ember import nn
from ember.ao.quantization import QuantStub, DeQuantStub
from ember.vision.models import mobilenetv3 as _float
from ember.vision.models._api import register_model
from ember.vision.models._meta import weights_enum
from ember.vision.models._utils import _ovewrite_named_param, handle_legacy_interface
from ember.vision.models.quantization.utils import _replace_relu, _fuse_modules, _weights_with_unquantized
from ember.vision.ops.misc import Conv2dNormActivation, SqueezeExcitation

__all__ = ['QuantizableMobileNetV3', 'MobileNet_V3_Large_QuantizedWeights', 'mobilenet_v3_large']


class QuantizableSqueezeExcitation(SqueezeExcitation):
    """Squeeze-excitation with a hardsigmoid gate whose product with the input is a FloatFunctional."""
    _version = 2

    def __init__(self, *args, **kwargs):
        kwargs['scale_activation'] = nn.Hardsigmoid
        super().__init__(*args, **kwargs)
        self.skip_mul = nn.quantized.FloatFunctional()

    def forward(self, input):
        return self.skip_mul.mul(self._scale(input), input)

    def fuse_model(self, is_qat=None):
        _fuse_modules(self, ['fc1', 'activation'], is_qat, inplace=True)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        # checkpoints saved before the gate had its fixed-parameter fake quantization lack its buffers
        version = local_metadata.get('version', None)
        if hasattr(self, 'qconfig') and (version is None or version < 2):
            defaults = {
                'scale_activation.activation_post_process.scale': ember.tensor([1.0]),
                'scale_activation.activation_post_process.activation_post_process.scale': ember.tensor([1.0]),
                'scale_activation.activation_post_process.zero_point': ember.tensor([0], dtype=ember.int32),
                'scale_activation.activation_post_process.activation_post_process.zero_point':
                    ember.tensor([0], dtype=ember.int32),
                'scale_activation.activation_post_process.fake_quant_enabled': ember.tensor([1]),
                'scale_activation.activation_post_process.observer_enabled': ember.tensor([1]),
            }
            for key, value in defaults.items():
                state_dict.setdefault(prefix + key, value)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)


class QuantizableInvertedResidual(_float.InvertedResidual):
    """InvertedResidual with the quantizable squeeze-excitation and a FloatFunctional residual addition."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, se_layer=QuantizableSqueezeExcitation, **kwargs)
        self.skip_add = nn.quantized.FloatFunctional()

    def forward(self, x):
        return self.skip_add.add(x, self.block(x)) if self.use_res_connect else self.block(x)


class QuantizableMobileNetV3(_float.MobileNetV3):
    """MobileNet V3 between a QuantStub and a DeQuantStub, with ``fuse_model``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.quant = QuantStub()
        self.dequant = DeQuantStub()

    def forward(self, x):
        return self.dequant(self._forward_impl(self.quant(x)))

    def fuse_model(self, is_qat=None):
        """Fuses each conv + BatchNorm (+ ReLU) and each squeeze-excitation's first conv + ReLU, in place
        (``fuse_modules_qat`` when training, or when ``is_qat``)."""
        for m in self.modules():
            if type(m) is Conv2dNormActivation:
                names = ['0', '1']
                if len(m) == 3 and type(m[2]) is nn.ReLU:
                    names.append('2')
                _fuse_modules(m, names, is_qat, inplace=True)
            elif type(m) is QuantizableSqueezeExcitation:
                m.fuse_model(is_qat)


def _mobilenet_v3_model(inverted_residual_setting, last_channel, weights, progress, quantize, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, 'num_classes', len(weights.meta['categories']))
        if 'backend' in weights.meta:
            _ovewrite_named_param(kwargs, 'backend', weights.meta['backend'])
    backend = kwargs.pop('backend', 'qnnpack')
    model = QuantizableMobileNetV3(inverted_residual_setting, last_channel, block=QuantizableInvertedResidual,
                                   **kwargs)
    _replace_relu(model)
    if quantize:
        # as torchvision: the published checkpoint is the QAT model's, so prepare for QAT, load, convert
        model.fuse_model(is_qat=True)
        model.qconfig = ember.ao.quantization.get_default_qat_qconfig(backend)
        ember.ao.quantization.prepare_qat(model, inplace=True)
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    if quantize:
        ember.ao.quantization.convert(model, inplace=True)
        model.eval()
    return model


MobileNet_V3_Large_QuantizedWeights = _weights_with_unquantized(
    weights_enum('MobileNet_V3_Large_QuantizedWeights', __name__), _float.MobileNet_V3_Large_Weights)


@register_model(name='quantized_mobilenet_v3_large')
@handle_legacy_interface(weights=('pretrained', lambda kwargs: MobileNet_V3_Large_QuantizedWeights.IMAGENET1K_QNNPACK_V1
                                  if kwargs.get('quantize', False) else _float.MobileNet_V3_Large_Weights.IMAGENET1K_V1))
def mobilenet_v3_large(*, weights: Optional[Union[MobileNet_V3_Large_QuantizedWeights,
                                                  '_float.MobileNet_V3_Large_Weights']] = None,
                       progress: bool = True, quantize: bool = False, **kwargs):
    """Quantizable MobileNet V3 large; with ``quantize=True`` the converted int8 model (with
    ``MobileNet_V3_Large_QuantizedWeights``, torchvision's QAT checkpoint loaded before conversion).

    Example::

        >>> from ember.vision.models import quantization
        >>> model = quantization.mobilenet_v3_large(num_classes=10, width_mult=0.25).eval()
        >>> model.fuse_model()
        >>> type(model.features[0][0]).__name__
        'Conv2d'
    """
    weights = (MobileNet_V3_Large_QuantizedWeights if quantize else _float.MobileNet_V3_Large_Weights).verify(weights)
    setting, last_channel = _float._mobilenet_v3_conf('mobilenet_v3_large', **kwargs)
    return _mobilenet_v3_model(setting, last_channel, weights, progress, quantize, **kwargs)
