"""The Linear layer for quantization-aware training: its weight passes through fake quantization."""
from ember import nn
from ember.nn import functional as F

__all__ = ['Linear']


class Linear(nn.Linear):
    """A linear layer whose weight is fake-quantized on every forward (``qconfig.weight``), so that training
    sees the rounding the quantized layer will apply.

    Args:
        in_features, out_features, bias: as :class:`ember.nn.Linear`.
        qconfig: the QAT qconfig (required).
    """
    _FLOAT_MODULE = nn.Linear

    def __init__(self, in_features, out_features, bias=True, qconfig=None, device=None, dtype=None):
        super().__init__(in_features, out_features, bias, device=device, dtype=dtype)
        if not qconfig:
            raise AssertionError("qconfig must be provided for QAT module")
        self.qconfig = qconfig
        self.weight_fake_quant = qconfig.weight()

    def forward(self, input):
        return F.linear(input, self.weight_fake_quant(self.weight), self.bias)

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """The QAT layer for a float Linear (or fused Linear + ReLU) with a qconfig; it shares its parameters."""
        from ember.ao.nn.intrinsic.modules.fused import _FusedModule
        if type(mod) is not cls._float_module():
            raise AssertionError(f" qat.{cls.__name__}.from_float only works for {cls._float_module().__name__}")
        if not hasattr(mod, 'qconfig'):
            raise AssertionError("Input float module must have qconfig defined")
        if not mod.qconfig:
            raise AssertionError("Input float module must have a valid qconfig")
        if isinstance(mod, _FusedModule):
            mod = mod[0]
        qat_linear = cls(mod.in_features, mod.out_features, bias=mod.bias is not None, qconfig=mod.qconfig)
        qat_linear.weight = mod.weight
        qat_linear.bias = mod.bias
        return qat_linear

    @classmethod
    def _float_module(cls):
        return cls._FLOAT_MODULE

    def to_float(self):
        """The float Linear with this layer's parameters."""
        linear = nn.Linear(self.in_features, self.out_features, self.bias is not None)
        linear.weight = nn.Parameter(self.weight.detach())
        if self.bias is not None:
            linear.bias = nn.Parameter(self.bias.detach())
        linear.train(self.training)
        return linear
