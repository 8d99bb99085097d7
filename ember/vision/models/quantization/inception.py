"""Quantizable Inception v3 (torchvision.models.quantization.inception): ReLU modules that fuse with their
conv and BatchNorm, every concatenation a FloatFunctional, a QuantStub/DeQuantStub and ``fuse_model``."""
import importlib
from typing import Optional, Union

from ember import nn
from ember.nn import functional as F
from ember.ao.quantization import QuantStub, DeQuantStub
from ember.vision.models._api import register_model
from ember.vision.models._meta import weights_enum
from ember.vision.models._utils import _ovewrite_named_param, handle_legacy_interface
from ember.vision.models.quantization.utils import (_replace_relu, _fuse_modules, quantize_model,
                                                     _weights_with_unquantized)

_float = importlib.import_module('ember.vision.models.inception')   # (the package's `inception_v3` is the builder)

__all__ = ['QuantizableInception3', 'Inception_V3_QuantizedWeights', 'inception_v3']


class QuantizableBasicConv2d(_float.BasicConv2d):
    """Conv, BatchNorm and a ReLU module (so the three fuse)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.bn(self.conv(x)))

    def fuse_model(self, is_qat=None):
        _fuse_modules(self, ['conv', 'bn', 'relu'], is_qat, inplace=True)


def _concatenating(base):
    class Block(base):
        __doc__ = f"{base.__name__} whose concatenation is a FloatFunctional."

        def __init__(self, *args, **kwargs):
            super().__init__(*args, conv_block=QuantizableBasicConv2d, **kwargs)
            self.myop = nn.quantized.FloatFunctional()

        def forward(self, x):
            return self.myop.cat(self._forward(x), 1)
    Block.__name__ = Block.__qualname__ = f'Quantizable{base.__name__}'
    Block.__module__ = __name__
    return Block


QuantizableInceptionA = _concatenating(_float.InceptionA)
QuantizableInceptionB = _concatenating(_float.InceptionB)
QuantizableInceptionC = _concatenating(_float.InceptionC)
QuantizableInceptionD = _concatenating(_float.InceptionD)


class QuantizableInceptionE(_float.InceptionE):
    """InceptionE whose three concatenations are FloatFunctionals."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, conv_block=QuantizableBasicConv2d, **kwargs)
        self.myop1 = nn.quantized.FloatFunctional()
        self.myop2 = nn.quantized.FloatFunctional()
        self.myop3 = nn.quantized.FloatFunctional()

    def _forward(self, x):
        b3 = self.branch3x3_1(x)
        b3 = self.myop1.cat([self.branch3x3_2a(b3), self.branch3x3_2b(b3)], 1)
        d = self.branch3x3dbl_2(self.branch3x3dbl_1(x))
        d = self.myop2.cat([self.branch3x3dbl_3a(d), self.branch3x3dbl_3b(d)], 1)
        return [self.branch1x1(x), b3, d, self.branch_pool(F.avg_pool2d(x, kernel_size=3, stride=1, padding=1))]

    def forward(self, x):
        return self.myop3.cat(self._forward(x), 1)


class QuantizableInceptionAux(_float.InceptionAux):
    """The auxiliary classifier built from QuantizableBasicConv2d."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, conv_block=QuantizableBasicConv2d, **kwargs)


class QuantizableInception3(_float.Inception3):
    """Inception v3 between a QuantStub and a DeQuantStub (the input transform stays in float), with
    ``fuse_model``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, inception_blocks=[QuantizableBasicConv2d, QuantizableInceptionA, QuantizableInceptionB,
                                                  QuantizableInceptionC, QuantizableInceptionD, QuantizableInceptionE,
                                                  QuantizableInceptionAux], **kwargs)
        self.quant = QuantStub()
        self.dequant = DeQuantStub()

    def forward(self, x):
        x, aux = self._forward(self.quant(self._transform_input(x)))
        return self.eager_outputs(self.dequant(x), aux)

    def fuse_model(self, is_qat=None):
        """Fuses every conv/bn/relu in place (``fuse_modules_qat`` when training, or when ``is_qat``)."""
        for m in self.modules():
            if type(m) is QuantizableBasicConv2d:
                m.fuse_model(is_qat)


Inception_V3_QuantizedWeights = _weights_with_unquantized(weights_enum('Inception_V3_QuantizedWeights', __name__),
                                                          _float.Inception_V3_Weights)


@register_model(name='quantized_inception_v3')
@handle_legacy_interface(weights=('pretrained', lambda kwargs: Inception_V3_QuantizedWeights.IMAGENET1K_FBGEMM_V1
                                  if kwargs.get('quantize', False) else _float.Inception_V3_Weights.IMAGENET1K_V1))
def inception_v3(*, weights: Optional[Union[Inception_V3_QuantizedWeights, '_float.Inception_V3_Weights']] = None,
                 progress: bool = True, quantize: bool = False, **kwargs):
    """Quantizable Inception v3; with ``quantize=True`` the int8 model. With weights the auxiliary head is kept
    only when ``aux_logits=True`` is asked for."""
    weights = (Inception_V3_QuantizedWeights if quantize else _float.Inception_V3_Weights).verify(weights)
    original_aux_logits = kwargs.get('aux_logits', False)
    if weights is not None:
        if 'transform_input' not in kwargs:
            _ovewrite_named_param(kwargs, 'transform_input', True)
        _ovewrite_named_param(kwargs, 'aux_logits', True)
        _ovewrite_named_param(kwargs, 'num_classes', len(weights.meta['categories']))
        if 'backend' in weights.meta:
            _ovewrite_named_param(kwargs, 'backend', weights.meta['backend'])
    backend = kwargs.pop('backend', 'fbgemm')
    model = QuantizableInception3(**kwargs)
    _replace_relu(model)
    if quantize:
        quantize_model(model, backend)
    if weights is not None:
        if quantize and not original_aux_logits:
            model.aux_logits = False
            model.AuxLogits = None
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
        if not quantize and not original_aux_logits:
            model.aux_logits = False
            model.AuxLogits = None
    return model
