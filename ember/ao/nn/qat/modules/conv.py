"""Convolutions for quantization-aware training: the weight passes through fake quantization."""
from ember import nn

__all__ = ['Conv1d', 'Conv2d', 'Conv3d']


class _QATConv:
    """Mixin over a float convolution class: the qconfig, the weight's fake quantization, from_float."""

    def _init_qat(self, qconfig):
        if not qconfig:
            raise AssertionError("qconfig must be provided for QAT module")
        self.qconfig = qconfig
        self.weight_fake_quant = qconfig.weight()

    def forward(self, input):
        return self._conv_forward(input, self.weight_fake_quant(self.weight), self.bias)

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """The QAT convolution for a float one (or a fused conv + ReLU) with a qconfig; it shares its
        parameters."""
        from ember.ao.nn.intrinsic.modules.fused import _FusedModule
        float_module = cls._float_module()
        if type(mod) is not float_module:
            raise AssertionError(f"qat.{cls.__name__}.from_float only works for {float_module.__name__}")
        if not hasattr(mod, 'qconfig'):
            raise AssertionError("Input float module must have qconfig defined")
        if not mod.qconfig:
            raise AssertionError("Input float module must have a valid qconfig")
        if isinstance(mod, _FusedModule):
            mod = mod[0]
        qat_conv = cls(mod.in_channels, mod.out_channels, mod.kernel_size, stride=mod.stride, padding=mod.padding,
                       dilation=mod.dilation, groups=mod.groups, bias=mod.bias is not None,
                       padding_mode=mod.padding_mode, qconfig=mod.qconfig)
        qat_conv.weight = mod.weight
        qat_conv.bias = mod.bias
        return qat_conv

    @classmethod
    def _float_module(cls):
        return getattr(nn, f'Conv{cls._n}d')

    def to_float(self):
        """The float convolution with this layer's parameters."""
        conv = getattr(nn, f'Conv{self._n}d')(self.in_channels, self.out_channels, self.kernel_size, self.stride,
                                              self.padding, self.dilation, self.groups, self.bias is not None,
                                              self.padding_mode)
        conv.weight = nn.Parameter(self.weight.detach())
        if self.bias is not None:
            conv.bias = nn.Parameter(self.bias.detach())
        conv.train(self.training)
        return conv


def _qat_conv(base):
    class QATConv(_QATConv, base):
        __doc__ = (f"A {base.__name__} whose weight is fake-quantized on every forward (quantization-aware "
                   f"training); arguments as :class:`ember.nn.{base.__name__}` plus ``qconfig`` (required).")

        def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                     bias=True, padding_mode='zeros', qconfig=None, device=None, dtype=None):
            base.__init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                          padding_mode, device=device, dtype=dtype)
            self._init_qat(qconfig)
    QATConv.__name__ = QATConv.__qualname__ = base.__name__
    QATConv.__module__ = __name__
    return QATConv


Conv1d = _qat_conv(nn.Conv1d)
Conv2d = _qat_conv(nn.Conv2d)
Conv3d = _qat_conv(nn.Conv3d)
