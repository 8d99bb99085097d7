"""Linear + ReLU for quantization-aware training."""
from ember.nn import functional as F
from ember.ao.nn.qat.modules.linear import Linear
from ember.ao.nn.intrinsic.modules.fused import _FusedModule, LinearReLU as _FloatLinearReLU

__all__ = ['LinearReLU']


class LinearReLU(Linear, _FusedModule):
    """A fake-quantized Linear followed by ReLU (made from a fused ``LinearReLU`` by ``prepare_qat``).

    Args:
        in_features, out_features, bias: as :class:`ember.nn.Linear`.
        qconfig: the QAT qconfig (required).
    """
    _FLOAT_MODULE = _FloatLinearReLU

    def forward(self, input):
        return F.relu(F.linear(input, self.weight_fake_quant(self.weight), self.bias))
