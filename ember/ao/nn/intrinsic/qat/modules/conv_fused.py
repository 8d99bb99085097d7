"""Fused convolutions for quantization-aware training. ``ConvBn`` keeps the BatchNorm and folds its running
statistics into the weight before fake quantization (PyTorch's one-pass approximation: the convolution runs
with the scaled, fake-quantized weight and is divided back before the BatchNorm sees it), so that training
sees the weights the converted convolution will have. Setting ``_enable_slow_path_for_better_numerical_stability``
runs PyTorch's two-convolution form instead, exact even where a BatchNorm scale is zero."""
from ember import nn
from ember.nn import functional as F
from ember.ao.nn.intrinsic.modules import fused
from ember.ao.nn.intrinsic.modules.fused import _FusedModule
from ember.ao.nn.qat.modules.conv import _QATConv

__all__ = ['ConvBn1d', 'ConvBn2d', 'ConvBn3d', 'ConvBnReLU1d', 'ConvBnReLU2d', 'ConvBnReLU3d', 'ConvReLU1d',
           'ConvReLU2d', 'ConvReLU3d', 'update_bn_stats', 'freeze_bn_stats']


class _ConvBn:
    """Mixin over a float convolution class: the BatchNorm child, the folded forward, BN freezing."""
    _relu = False

    def _init_conv_bn(self, out_channels, bias, eps, momentum, freeze_bn, qconfig):
        if not qconfig:
            raise AssertionError("qconfig must be provided for QAT module")
        self.qconfig = qconfig
        self.freeze_bn = freeze_bn if self.training else True
        self.bn = getattr(nn, f'BatchNorm{self._n}d')(out_channels, eps, momentum, True, True)
        self.weight_fake_quant = qconfig.weight()
        if bias:
            self.bias = nn.Parameter(self.weight.new_empty(out_channels))
        else:
            self.register_parameter('bias', None)
        self.reset_bn_parameters()
        if self.training and not freeze_bn:
            self.update_bn_stats()
        else:
            self.freeze_bn_stats()
        self._enable_slow_path_for_better_numerical_stability = False

    def reset_running_stats(self):
        self.bn.reset_running_stats()

    def reset_bn_parameters(self):
        import math
        from ember.nn import init
        self.bn.reset_running_stats()
        init.uniform_(self.bn.weight)
        init.zeros_(self.bn.bias)
        if self.bias is not None:     # (the conv's bias, drawn as a float conv draws it)
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in)
            init.uniform_(self.bias, -bound, bound)

    def update_bn_stats(self):
        self.freeze_bn = False
        self.bn.training = True
        return self

    def freeze_bn_stats(self):
        self.freeze_bn = True
        self.bn.training = False
        return self

    def _forward(self, input):
        if self._enable_slow_path_for_better_numerical_stability:
            return self._forward_slow(input)
        return self._forward_approximate(input)

    def _shapes(self):
        weight_shape = [1] * self.weight.ndim
        weight_shape[0] = -1
        bias_shape = [1] * self.weight.ndim
        bias_shape[1] = -1
        return weight_shape, bias_shape

    def _forward_slow(self, input):
        """Two convolutions, exact where the one-pass form divides by the BatchNorm's scale (it handles a zero
        ``bn.weight``): while the BatchNorm trains, the plain convolution gives the batch statistics (and
        updates the running ones); the convolution with the fake-quantized, running-statistics-scaled weight
        is rescaled to the batch's standard deviation and shifted by the fused bias."""
        import ember
        weight_shape, bias_shape = self._shapes()
        zero_bias = ember.zeros(self.out_channels, dtype=input.dtype, device=self.weight.device)
        if self.bn.training:
            conv_out = self._conv_forward(input, self.weight, zero_bias)
            with ember.no_grad():     # the BatchNorm sees the real conv output only to update its statistics
                self.bn(conv_out if self.bias is None else conv_out + self.bias.reshape(bias_shape))
        running_std = (self.bn.running_var + self.bn.eps).sqrt()
        scale_factor = self.bn.weight / running_std
        scaled_weight = self.weight_fake_quant(self.weight * scale_factor.reshape(weight_shape))
        conv_bn = self._conv_forward(input, scaled_weight, zero_bias)
        if self.bn.training:
            dims = [0] + list(range(2, self.weight.ndim))
            batch_mean = conv_out.mean(dims)
            batch_std = ((conv_out - batch_mean.reshape(bias_shape)).square().mean(dims) + self.bn.eps).sqrt()
            conv_bn = conv_bn * (running_std / batch_std).reshape(bias_shape)
            fused_mean, fused_std = batch_mean, batch_std
        else:
            fused_mean = self.bn.running_mean - (self.bias if self.bias is not None else 0)
            fused_std = running_std
        conv_bn = conv_bn + (self.bn.bias - self.bn.weight * fused_mean / fused_std).reshape(bias_shape)
        if self.bias is not None:     # keeps the conv's bias in the graph (its gradient is zero), as PyTorch
            conv_bn = conv_bn + (self.bias - self.bias).reshape(bias_shape)
        return conv_bn

    def _forward_approximate(self, input):
        running_std = (self.bn.running_var + self.bn.eps).sqrt()
        scale_factor = self.bn.weight / running_std
        weight_shape, bias_shape = self._shapes()
        scaled_weight = self.weight_fake_quant(self.weight * scale_factor.reshape(weight_shape))
        zero_bias = scaled_weight.new_zeros(self.out_channels, dtype=input.dtype)
        conv = self._conv_forward(input, scaled_weight, zero_bias)
        conv_orig = conv / scale_factor.reshape(bias_shape)
        if self.bias is not None:
            conv_orig = conv_orig + self.bias.reshape(bias_shape)
        return self.bn(conv_orig)

    def forward(self, input):
        out = self._forward(input)
        return F.relu(out) if self._relu else out

    def train(self, mode=True):
        # a frozen BatchNorm stays in eval mode when the model trains
        self.training = mode
        if not self.freeze_bn:
            for module in self.children():
                module.train(mode)
        return self

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """The QAT module for a fused float ``ConvBn``/``ConvBnReLU`` with a qconfig; it shares the
        parameters and running statistics."""
        float_module = cls._float_module()
        if type(mod) is not float_module:
            raise AssertionError(f"qat.{cls.__name__}.from_float only works for {float_module.__name__}")
        if not hasattr(mod, 'qconfig'):
            raise AssertionError("Input float module must have qconfig defined")
        if not mod.qconfig:
            raise AssertionError("Input float module must have a valid qconfig")
        conv, bn = mod[0], mod[1]
        qat = cls(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride, conv.padding, conv.dilation,
                  conv.groups, conv.bias is not None, conv.padding_mode, bn.eps, bn.momentum, False, mod.qconfig)
        qat.weight = conv.weight
        qat.bias = conv.bias
        qat.bn.weight = bn.weight
        qat.bn.bias = bn.bias
        qat.bn.running_mean = bn.running_mean
        qat.bn.running_var = bn.running_var
        qat.bn.num_batches_tracked = bn.num_batches_tracked
        return qat

    @classmethod
    def _float_module(cls):
        return getattr(fused, cls.__name__)


def _conv_bn(name, relu, n):
    base = getattr(nn, f'Conv{n}d')

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=None,
                 padding_mode='zeros', eps=1e-05, momentum=0.1, freeze_bn=False, qconfig=None):
        base.__init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, groups, False,
                      padding_mode)
        self._init_conv_bn(out_channels, bias, eps, momentum, freeze_bn, qconfig)
    doc = (f"Conv{n}d{', BatchNorm' + str(n) + 'd'} {'and ReLU ' if relu else ''}for quantization-aware "
           "training: the BatchNorm's statistics fold into the fake-quantized weight.")
    return type(name, (_ConvBn, base, _FusedModule), {'__init__': __init__, '_relu': relu, '__doc__': doc,
                                                       '__module__': __name__})


ConvBn1d = _conv_bn('ConvBn1d', False, 1)
ConvBn2d = _conv_bn('ConvBn2d', False, 2)
ConvBn3d = _conv_bn('ConvBn3d', False, 3)
ConvBnReLU1d = _conv_bn('ConvBnReLU1d', True, 1)
ConvBnReLU2d = _conv_bn('ConvBnReLU2d', True, 2)
ConvBnReLU3d = _conv_bn('ConvBnReLU3d', True, 3)


def _conv_relu(n):
    qat_base = getattr(__import__('ember.ao.nn.qat.modules.conv', fromlist=['x']), f'Conv{n}d')

    def forward(self, input):
        return F.relu(self._conv_forward(input, self.weight_fake_quant(self.weight), self.bias))

    @classmethod
    def _float_module(cls):
        return getattr(fused, f'ConvReLU{n}d')
    return type(f'ConvReLU{n}d', (qat_base, _FusedModule),
                {'forward': forward, '_float_module': _float_module, '__module__': __name__,
                 '__doc__': f"A fake-quantized Conv{n}d followed by ReLU (quantization-aware training)."})


ConvReLU1d = _conv_relu(1)
ConvReLU2d = _conv_relu(2)
ConvReLU3d = _conv_relu(3)


def update_bn_stats(mod):
    """Lets the ConvBn QAT modules' BatchNorms update their running statistics (use with ``model.apply``)."""
    if isinstance(mod, _ConvBn):
        mod.update_bn_stats()


def freeze_bn_stats(mod):
    """Freezes the ConvBn QAT modules' BatchNorm statistics (use with ``model.apply``)."""
    if isinstance(mod, _ConvBn):
        mod.freeze_bn_stats()
