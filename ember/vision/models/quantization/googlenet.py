"""Quantizable GoogLeNet (torchvision.models.quantization.googlenet): ReLU modules that fuse with their conv
and BatchNorm, the branch concatenation as a FloatFunctional, a QuantStub/DeQuantStub and ``fuse_model``."""
import importlib
import warnings
from typing import Optional, Union

import ember
from ember import nn
from ember.nn import functional as F
from ember.ao.quantization import QuantStub, DeQuantStub
from ember.vision.models._api import register_model
from ember.vision.models._meta import weights_enum
from ember.vision.models._utils import _ovewrite_named_param, handle_legacy_interface
from ember.vision.models.quantization.utils import (_replace_relu, _fuse_modules, quantize_model,
                                                     _weights_with_unquantized)

_float = importlib.import_module('ember.vision.models.googlenet')   # (the package's `googlenet` is the builder)

__all__ = ['QuantizableGoogLeNet', 'GoogLeNet_QuantizedWeights', 'googlenet']


class QuantizableBasicConv2d(_float.BasicConv2d):
    """Conv, BatchNorm and a ReLU module (so the three fuse)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.bn(self.conv(x)))

    def fuse_model(self, is_qat=None):
        _fuse_modules(self, ['conv', 'bn', 'relu'], is_qat, inplace=True)


class QuantizableInception(_float.Inception):
    """Inception block whose concatenation is a FloatFunctional."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, conv_block=QuantizableBasicConv2d, **kwargs)
        self.cat = nn.quantized.FloatFunctional()

    def forward(self, x):
        return self.cat.cat(self._forward(x), 1)


class QuantizableInceptionAux(_float.InceptionAux):
    """The auxiliary classifier with a ReLU module."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, conv_block=QuantizableBasicConv2d, **kwargs)
        self.relu = nn.ReLU()

    def forward(self, x):
        x = ember.flatten(self.conv(F.adaptive_avg_pool2d(x, (4, 4))), 1)
        return self.fc2(self.dropout(self.relu(self.fc1(x))))


class QuantizableGoogLeNet(_float.GoogLeNet):
    """GoogLeNet between a QuantStub and a DeQuantStub (the input transform stays in float), with
    ``fuse_model``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, blocks=[QuantizableBasicConv2d, QuantizableInception, QuantizableInceptionAux],
                         **kwargs)
        self.quant = QuantStub()
        self.dequant = DeQuantStub()

    def forward(self, x):
        x = self.quant(self._transform_input(x))
        x, aux1, aux2 = self._forward(x)
        return self.eager_outputs(self.dequant(x), aux2, aux1)

    def fuse_model(self, is_qat=None):
        """Fuses every conv/bn/relu in place (``fuse_modules_qat`` when training, or when ``is_qat``)."""
        for m in self.modules():
            if type(m) is QuantizableBasicConv2d:
                m.fuse_model(is_qat)


GoogLeNet_QuantizedWeights = _weights_with_unquantized(weights_enum('GoogLeNet_QuantizedWeights', __name__),
                                                       _float.GoogLeNet_Weights)


@register_model(name='quantized_googlenet')
@handle_legacy_interface(weights=('pretrained', lambda kwargs: GoogLeNet_QuantizedWeights.IMAGENET1K_FBGEMM_V1
                                  if kwargs.get('quantize', False) else _float.GoogLeNet_Weights.IMAGENET1K_V1))
def googlenet(*, weights: Optional[Union[GoogLeNet_QuantizedWeights, '_float.GoogLeNet_Weights']] = None,
              progress: bool = True, quantize: bool = False, **kwargs):
    """Quantizable GoogLeNet; with ``quantize=True`` the int8 model. With weights the auxiliary heads are
    dropped unless ``aux_logits=True`` is asked for."""
    weights = (GoogLeNet_QuantizedWeights if quantize else _float.GoogLeNet_Weights).verify(weights)
    original_aux_logits = kwargs.get('aux_logits', False)
    if weights is not None:
        if 'transform_input' not in kwargs:
            _ovewrite_named_param(kwargs, 'transform_input', True)
        _ovewrite_named_param(kwargs, 'aux_logits', True)
        _ovewrite_named_param(kwargs, 'init_weights', False)
        _ovewrite_named_param(kwargs, 'num_classes', len(weights.meta['categories']))
        if 'backend' in weights.meta:
            _ovewrite_named_param(kwargs, 'backend', weights.meta['backend'])
    backend = kwargs.pop('backend', 'fbgemm')
    model = QuantizableGoogLeNet(**kwargs)
    _replace_relu(model)
    if quantize:
        quantize_model(model, backend)
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
        if not original_aux_logits:
            model.aux_logits = False
            model.aux1 = None
            model.aux2 = None
        else:
            warnings.warn("auxiliary heads in the pretrained googlenet model are NOT pretrained, so make sure to "
                          "train them")
    return model
