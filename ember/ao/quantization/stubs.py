"""QuantStub and DeQuantStub: where a model's quantized region begins and ends. Before conversion they
pass their input through (QuantStub observes it once prepared)."""
from ember import nn

__all__ = ['QuantStub', 'DeQuantStub', 'QuantWrapper']


class QuantStub(nn.Module):
    """Marks where values enter the quantized part of a model; an identity until converted.

    Args:
        qconfig: the quantization configuration for this point (optional).

    Example::

        >>> stub = ember.ao.quantization.QuantStub()
        >>> stub(ember.tensor([1.5]))
        tensor([1.5000])
    """

    def __init__(self, qconfig=None):
        super().__init__()
        if qconfig:
            self.qconfig = qconfig

    def forward(self, x):
        return x


class DeQuantStub(QuantStub):
    """Marks where values leave the quantized part of a model; an identity until converted.

    Example::

        >>> ember.ao.quantization.DeQuantStub()(ember.tensor([1.5]))
        tensor([1.5000])
    """


class QuantWrapper(nn.Module):
    """Wraps ``module`` between a QuantStub and a DeQuantStub (with ``module``'s qconfig), so that converting
    the wrapper quantizes its input and dequantizes its output.

    Args:
        module: the module to wrap.

    Example::

        >>> ember.ao.quantization.QuantWrapper(nn.ReLU())
        QuantWrapper(
          (quant): QuantStub()
          (dequant): DeQuantStub()
          (module): ReLU()
        )
    """

    def __init__(self, module):
        super().__init__()
        qconfig = getattr(module, 'qconfig', None)
        self.add_module('quant', QuantStub(qconfig))
        self.add_module('dequant', DeQuantStub(qconfig))
        self.add_module('module', module)
        self.train(module.training)

    def forward(self, X):
        return self.dequant(self.module(self.quant(X)))
