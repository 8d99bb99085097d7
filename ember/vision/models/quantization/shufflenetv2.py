"""Quantizable ShuffleNet V2 (torchvision.models.quantization.shufflenetv2): the branch concatenation as a
FloatFunctional, a QuantStub/DeQuantStub and ``fuse_model``; the channel shuffle runs on quantized tensors
as views."""
from ember import nn
from ember.ao.quantization import QuantStub, DeQuantStub
from ember.vision.models import shufflenetv2 as _float
from ember.vision.models._api import register_model
from ember.vision.models._meta import weights_enum
from ember.vision.models._utils import _load_weights, _ovewrite_named_param, handle_legacy_interface
from ember.vision.models.quantization.utils import (_replace_relu, _fuse_modules, quantize_model,
                                                     _weights_with_unquantized)

__all__ = ['QuantizableShuffleNetV2', 'ShuffleNet_V2_X0_5_QuantizedWeights', 'ShuffleNet_V2_X1_0_QuantizedWeights',
           'ShuffleNet_V2_X1_5_QuantizedWeights', 'ShuffleNet_V2_X2_0_QuantizedWeights', 'shufflenet_v2_x0_5',
           'shufflenet_v2_x1_0', 'shufflenet_v2_x1_5', 'shufflenet_v2_x2_0']


class QuantizableInvertedResidual(_float.InvertedResidual):
    """ShuffleNet's block with its concatenation as a FloatFunctional."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cat = nn.quantized.FloatFunctional()

    def forward(self, x):
        if self.stride == 1:
            x1, x2 = x.chunk(2, dim=1)
            out = self.cat.cat([x1, self.branch2(x2)], dim=1)
        else:
            out = self.cat.cat([self.branch1(x), self.branch2(x)], dim=1)
        return _float.channel_shuffle(out, 2)


class QuantizableShuffleNetV2(_float.ShuffleNetV2):
    """ShuffleNet V2 between a QuantStub and a DeQuantStub, with ``fuse_model``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, inverted_residual=QuantizableInvertedResidual, **kwargs)
        self.quant = QuantStub()
        self.dequant = DeQuantStub()

    def forward(self, x):
        return self.dequant(self._forward_impl(self.quant(x)))

    def fuse_model(self, is_qat=None):
        """Fuses conv/bn/relu runs in place (``fuse_modules_qat`` when training, or when ``is_qat``)."""
        for name, m in self._modules.items():
            if name in ('conv1', 'conv5') and m is not None:
                _fuse_modules(m, [['0', '1', '2']], is_qat, inplace=True)
        for m in self.modules():
            if type(m) is QuantizableInvertedResidual:
                if len(m.branch1._modules) > 0:
                    _fuse_modules(m.branch1, [['0', '1'], ['2', '3', '4']], is_qat, inplace=True)
                _fuse_modules(m.branch2, [['0', '1', '2'], ['3', '4'], ['5', '6', '7']], is_qat, inplace=True)


def _shufflenetv2(stages_repeats, stages_out_channels, *, weights, progress, quantize, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, 'num_classes', len(weights.meta['categories']))
        if 'backend' in weights.meta:
            _ovewrite_named_param(kwargs, 'backend', weights.meta['backend'])
    backend = kwargs.pop('backend', 'fbgemm')
    model = QuantizableShuffleNetV2(stages_repeats, stages_out_channels, **kwargs)
    _replace_relu(model)
    if quantize:
        quantize_model(model, backend)
    return model if weights is None else _load_weights(model, weights, progress)


def _enum(width):
    return _weights_with_unquantized(weights_enum(f'ShuffleNet_V2_{width}_QuantizedWeights', __name__),
                                     getattr(_float, f'ShuffleNet_V2_{width}_Weights'))


ShuffleNet_V2_X0_5_QuantizedWeights = _enum('X0_5')
ShuffleNet_V2_X1_0_QuantizedWeights = _enum('X1_0')
ShuffleNet_V2_X1_5_QuantizedWeights = _enum('X1_5')
ShuffleNet_V2_X2_0_QuantizedWeights = _enum('X2_0')

_CHANNELS = {'X0_5': [24, 48, 96, 192, 1024], 'X1_0': [24, 116, 232, 464, 1024], 'X1_5': [24, 176, 352, 704, 1024],
             'X2_0': [24, 244, 488, 976, 2048]}


def _builder(width, quantized_enum):
    float_enum = getattr(_float, f'ShuffleNet_V2_{width}_Weights')
    name = f'shufflenet_v2_{width.lower()}'

    def default(kwargs):
        return quantized_enum.IMAGENET1K_FBGEMM_V1 if kwargs.get('quantize', False) else float_enum.IMAGENET1K_V1

    def builder(*, weights=None, progress: bool = True, quantize: bool = False, **kwargs):
        weights = (quantized_enum if quantize else float_enum).verify(weights)
        return _shufflenetv2([4, 8, 4], _CHANNELS[width], weights=weights, progress=progress, quantize=quantize,
                             **kwargs)
    builder.__name__ = builder.__qualname__ = name
    builder.__module__ = __name__
    builder.__doc__ = (f"Quantizable ShuffleNet V2 with {width[1:].replace('_', '.')}x output channels; with "
                       "``quantize=True`` the int8 model.")
    return register_model(name=f'quantized_{name}')(handle_legacy_interface(weights=('pretrained', default))(builder))


shufflenet_v2_x0_5 = _builder('X0_5', ShuffleNet_V2_X0_5_QuantizedWeights)
shufflenet_v2_x1_0 = _builder('X1_0', ShuffleNet_V2_X1_0_QuantizedWeights)
shufflenet_v2_x1_5 = _builder('X1_5', ShuffleNet_V2_X1_5_QuantizedWeights)
shufflenet_v2_x2_0 = _builder('X2_0', ShuffleNet_V2_X2_0_QuantizedWeights)
