"""Statically quantized convolutions and transposed convolutions (1-, 2- and 3-d): quint8 input, qint8 weight, float bias, quint8 output
with its own scale and zero point, computed with FBGEMM's arithmetic."""
import ember
from ember import nn
from ember.nn import functional as F
from ember.quantized import _dtypes, _fbgemm
from ember.ao.nn.quantized.modules.utils import WeightedQuantizedModule, _quantize_weight, _empty_qweight

__all__ = ['Conv1d', 'Conv2d', 'Conv3d', 'ConvTranspose1d', 'ConvTranspose2d', 'ConvTranspose3d']

_PADDING_MODES = ('zeros', 'reflect', 'replicate', 'circular')


def _tuple(value, n):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


class _ConvNd(WeightedQuantizedModule):
    _DIMS = 2
    _relu = False
    _INPUT_SHAPES = {1: '(N, C, L)', 2: '(N, C, H, W)', 3: '(N, C, D, H, W)'}

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode='zeros', device=None, dtype=None):
        super().__init__()
        n = self._DIMS
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"'padding_mode' {padding_mode} is not supported by quantized convolution")
        if isinstance(padding, str):
            raise ValueError("quantized convolutions take integer paddings, not strings")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _tuple(kernel_size, n)
        self.stride = _tuple(stride, n)
        self.padding = _tuple(padding, n)
        self.dilation = _tuple(dilation, n)
        self.transposed = False
        self.output_padding = (0,) * n
        self.groups = groups
        self.padding_mode = padding_mode
        weight = _empty_qweight((out_channels, in_channels // groups) + self.kernel_size)
        self.set_weight_bias(weight, ember.zeros(out_channels, dtype=ember.float32) if bias else None)
        self.scale = 1.0
        self.zero_point = 0

    def _get_name(self):
        return f'QuantizedConv{self._DIMS}d'

    def extra_repr(self):
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}, "
             f"scale={self.scale}, zero_point={self.zero_point}")
        n = self._DIMS
        if self.padding != (0,) * n:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * n:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * n:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias() is None:
            s += ", bias=False"
        return s

    def set_weight_bias(self, w, b):
        """Replaces the quantized weight (qint8) and the float bias."""
        _fbgemm.check_weight(w, f'conv{self._DIMS}d')
        self._packed_params = (w, b)

    def _weight_bias(self):
        return self._packed_params

    def weight(self):
        """The quantized weight."""
        return self._packed_params[0]

    def bias(self):
        """The float bias (or None)."""
        return self._packed_params[1]

    def forward(self, input):
        n = self._DIMS
        if input.ndim != n + 2:
            raise ValueError(f"Input shape must be `{self._INPUT_SHAPES[n]}`!")
        padding = self.padding
        if self.padding_mode != 'zeros':
            pads = [p for p in reversed(self.padding) for _ in range(2)]
            input = F.pad(input, pads, mode=self.padding_mode)
            padding = (0,) * n
        w, b = self._packed_params
        return _fbgemm.conv(input, w, b, self.stride, padding, self.dilation, self.groups, self.scale,
                            self.zero_point, relu=self._relu)

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        super()._save_to_state_dict(destination, prefix, keep_vars)
        w, b = self._weight_bias()
        destination[prefix + 'weight'] = w
        destination[prefix + 'bias'] = b
        destination[prefix + 'scale'] = ember.tensor(self.scale)
        destination[prefix + 'zero_point'] = ember.tensor(self.zero_point)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        self.set_weight_bias(state_dict.pop(prefix + 'weight'), state_dict.pop(prefix + 'bias'))
        self.scale = float(state_dict.pop(prefix + 'scale'))
        self.zero_point = int(state_dict.pop(prefix + 'zero_point'))
        super()._load_from_state_dict(state_dict, prefix, local_metadata, False, missing_keys, unexpected_keys,
                                      error_msgs)

    @classmethod
    def get_qconv(cls, mod, activation_post_process, weight_post_process=None):
        """The quantized convolution for the float ``mod`` with the given observers."""
        if weight_post_process is None:
            weight_post_process = mod.qconfig.weight()
        weight_post_process(mod.weight)
        if weight_post_process.dtype is not _dtypes.qint8:
            raise AssertionError("Weight observer must have a dtype of qint8")
        qweight = _quantize_weight(mod.weight.float(), weight_post_process)
        qconv = cls(mod.in_channels, mod.out_channels, mod.kernel_size, mod.stride, mod.padding, mod.dilation,
                    mod.groups, mod.bias is not None, mod.padding_mode)
        qconv.set_weight_bias(qweight, mod.bias)
        if activation_post_process is None or activation_post_process.dtype is ember.float32:
            return qconv
        act_scale, act_zp = activation_post_process.calculate_qparams()
        qconv.scale = float(act_scale)
        qconv.zero_point = int(act_zp)
        return qconv

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """A quantized convolution from a prepared float (fused or QAT) convolution."""
        if hasattr(mod, 'weight_fake_quant'):
            if hasattr(mod, 'bn'):     # a QAT conv + BatchNorm: the normalisation folds into the weights
                mod.weight, mod.bias = nn.utils.fuse_conv_bn_weights(
                    mod.weight, mod.bias, mod.bn.running_mean, mod.bn.running_var, mod.bn.eps, mod.bn.weight,
                    mod.bn.bias)
            if not hasattr(mod, 'activation_post_process'):
                raise AssertionError("Input QAT module must have observer attached")
            return cls.get_qconv(mod, mod.activation_post_process, mod.weight_fake_quant)
        float_module = cls._float_module()
        if type(mod) is not float_module:
            raise AssertionError(f" nnq.{cls.__name__}.from_float only works for {float_module.__name__} but "
                                 f"got:{type(mod)}")
        if not hasattr(mod, 'qconfig'):
            raise AssertionError("Input float module must have qconfig defined.")
        activation_post_process = getattr(mod, 'activation_post_process', None)
        from ember.ao.nn.intrinsic.modules.fused import _FusedModule
        if isinstance(mod, _FusedModule):
            mod = mod[0]
        return cls.get_qconv(mod, activation_post_process, mod.qconfig.weight())

    @classmethod
    def _float_module(cls):
        return getattr(nn, f'Conv{cls._DIMS}d')


class Conv1d(_ConvNd):
    """A 1-d convolution on quantized tensors (input ``(N, C, L)``). Arguments as :class:`ember.nn.Conv1d`.

    Example::

        >>> conv = ember.ao.nn.quantized.Conv1d(2, 3, 3, padding=1)
        >>> conv
        QuantizedConv1d(2, 3, kernel_size=(3,), stride=(1,), scale=1.0, zero_point=0, padding=(1,))
    """
    _DIMS = 1



class Conv2d(_ConvNd):
    """A 2-d convolution on quantized tensors (input ``(N, C, H, W)``). Arguments as :class:`ember.nn.Conv2d`.

    Example::

        >>> conv = ember.ao.nn.quantized.Conv2d(3, 8, 3, stride=2)
        >>> conv
        QuantizedConv2d(3, 8, kernel_size=(3, 3), stride=(2, 2), scale=1.0, zero_point=0)
        >>> x = ember.quantize_per_tensor(ember.rand(1, 3, 5, 5), 0.01, 0, ember.quint8)
        >>> conv(x).shape
        ember.Size([1, 8, 2, 2])
    """
    _DIMS = 2



class Conv3d(_ConvNd):
    """A 3-d convolution on quantized tensors (input ``(N, C, D, H, W)``). Arguments as :class:`ember.nn.Conv3d`.

    Example::

        >>> ember.ao.nn.quantized.Conv3d(1, 2, 2, bias=False)
        QuantizedConv3d(1, 2, kernel_size=(2, 2, 2), stride=(1, 1, 1), scale=1.0, zero_point=0, bias=False)
    """
    _DIMS = 3



class _ConvTransposeNd(_ConvNd):
    """Transposed convolutions on quantized tensors: the weight is (in, out / groups, *kernel) and quantized
    per tensor; zero padding only."""
    _INPUT_SHAPES = {1: '(N, C, L)', 2: '(N, C, H, W)', 3: '(N, C, T, H, W)'}

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode='zeros', device=None, dtype=None):
        WeightedQuantizedModule.__init__(self)
        if padding_mode != 'zeros':
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        n = self._DIMS
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = _tuple(kernel_size, n)
        self.stride = _tuple(stride, n)
        self.padding = _tuple(padding, n)
        self.dilation = _tuple(dilation, n)
        self.transposed = True
        self.output_padding = _tuple(output_padding, n)
        self.groups = groups
        self.padding_mode = padding_mode
        weight = _empty_qweight((in_channels, out_channels // groups) + self.kernel_size)
        self.set_weight_bias(weight, ember.zeros(out_channels, dtype=ember.float32) if bias else None)
        self.scale = 1.0
        self.zero_point = 0

    def _get_name(self):
        return f'QuantizedConvTranspose{self._DIMS}d'

    def set_weight_bias(self, w, b):
        """Replaces the quantized weight (qint8, per tensor) and the float bias."""
        _fbgemm.check_weight(w, f'conv_transpose{self._DIMS}d')
        self._packed_params = (w, b)

    def _input_padding(self, kernel_size, dilation, padding):
        return [d * (k - 1) - p for k, d, p in zip(kernel_size, dilation, padding)]

    def forward(self, input):
        from ember.quantized import _fbgemm_transpose
        n = self._DIMS
        if input.ndim != n + 2:
            raise ValueError(f"Input shape must be `{self._INPUT_SHAPES[n]}`!")
        w, b = self._packed_params
        return _fbgemm_transpose.conv_transpose(input, w, b, self.stride, self.padding, self.output_padding,
                                                self.dilation, self.groups, self.scale, self.zero_point)

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """A quantized transposed convolution from a prepared float one."""
        float_module = cls._float_module()
        if type(mod) is not float_module:
            raise AssertionError(f" nnq.{cls.__name__}.from_float only works for {float_module.__name__}")
        if not hasattr(mod, 'qconfig'):
            raise AssertionError("Input float module must have qconfig defined.")
        weight_post_process = mod.qconfig.weight()
        weight_post_process(mod.weight)
        if weight_post_process.dtype is not _dtypes.qint8:
            raise AssertionError(f"Weight observer must have a dtype of qint8, got {weight_post_process.dtype}")
        qweight = _quantize_weight(mod.weight.float(), weight_post_process)
        qconv = cls(mod.in_channels, mod.out_channels, mod.kernel_size, mod.stride, mod.padding, mod.output_padding,
                    mod.groups, mod.bias is not None, mod.dilation, mod.padding_mode)
        qconv.set_weight_bias(qweight, mod.bias)
        post = getattr(mod, 'activation_post_process', None)
        if post is None or post.dtype is ember.float32:
            return qconv
        act_scale, act_zp = post.calculate_qparams()
        qconv.scale = float(act_scale)
        qconv.zero_point = int(act_zp)
        return qconv

    @classmethod
    def _float_module(cls):
        return getattr(nn, f'ConvTranspose{cls._DIMS}d')


class ConvTranspose1d(_ConvTransposeNd):
    """A 1-d transposed convolution on quantized tensors (input ``(N, C, L)``); arguments as
    :class:`ember.nn.ConvTranspose1d`.

    Example::

        >>> ember.ao.nn.quantized.ConvTranspose1d(2, 3, 3)
        QuantizedConvTranspose1d(2, 3, kernel_size=(3,), stride=(1,), scale=1.0, zero_point=0)
    """
    _DIMS = 1


class ConvTranspose2d(_ConvTransposeNd):
    """A 2-d transposed convolution on quantized tensors (input ``(N, C, H, W)``); arguments as
    :class:`ember.nn.ConvTranspose2d`.

    Example::

        >>> up = ember.ao.nn.quantized.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2)
        >>> up(ember.quantize_per_tensor(ember.rand(1, 4, 5, 5), 0.02, 3, ember.quint8)).shape
        ember.Size([1, 6, 10, 10])
    """
    _DIMS = 2


class ConvTranspose3d(_ConvTransposeNd):
    """A 3-d transposed convolution on quantized tensors (input ``(N, C, D, H, W)``); arguments as
    :class:`ember.nn.ConvTranspose3d`."""
    _DIMS = 3
