"""Reference quantized convolutions: the float convolution with the weight quantized and dequantized."""
from ember import nn
from ember.ao.nn.quantized.reference.modules.utils import ReferenceQuantizedModule

__all__ = ['Conv1d', 'Conv2d', 'Conv3d']


class _ConvNd(ReferenceQuantizedModule):
    _IS_REFERENCE = True

    def _setup(self, weight_qparams):
        self._init_weight_qparams(weight_qparams)

    def forward(self, x):
        return self._conv_forward(x, self.get_weight(), self.bias)

    def _get_name(self):
        return f'QuantizedConv{self._DIMS}d(Reference)'

    @classmethod
    def from_float(cls, float_conv, weight_qparams):
        ref = cls(float_conv.in_channels, float_conv.out_channels, float_conv.kernel_size, float_conv.stride,
                  float_conv.padding, float_conv.dilation, float_conv.groups, float_conv.bias is not None,
                  float_conv.padding_mode, weight_qparams=weight_qparams)
        ref.weight = nn.Parameter(float_conv.weight.detach())
        if float_conv.bias is not None:
            ref.bias = nn.Parameter(float_conv.bias.detach())
        return ref


def _reference_conv(dims):
    float_class = getattr(nn, f'Conv{dims}d')

    class Conv(_ConvNd, float_class):
        _DIMS = dims

        def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                     bias=True, padding_mode='zeros', device=None, dtype=None, weight_qparams=None):
            float_class.__init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, groups,
                                 bias, padding_mode, device=device, dtype=dtype)
            self._setup(weight_qparams)

    Conv.__name__ = Conv.__qualname__ = f'Conv{dims}d'
    Conv.__module__ = __name__
    Conv.__doc__ = (f"A float Conv{dims}d whose weight runs quantized-then-dequantized with ``weight_qparams`` "
                    "(``{'qscheme', 'dtype', 'scale', 'zero_point'[, 'axis']}``).")
    return Conv


Conv1d = _reference_conv(1)
Conv2d = _reference_conv(2)
Conv3d = _reference_conv(3)
