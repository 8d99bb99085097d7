"""The statically quantized Linear layer (and the module holding its packed weight and bias)."""
import ember
from ember import nn
from ember.quantized import _dtypes, _fbgemm
from ember.quantized._qtensor import QTensor
from ember.ao.nn.quantized.modules.utils import (WeightedQuantizedModule, _quantize_weight, _hide_packed_params_repr,
                                                 _empty_qweight)

__all__ = ['LinearPackedParams', 'Linear']


class LinearPackedParams(nn.Module):
    """Holds a quantized linear layer's weight (a qint8 tensor) and float bias."""
    _version = 3

    def __init__(self, dtype=_dtypes.qint8):
        super().__init__()
        self.dtype = dtype
        self.set_weight_bias(ember.zeros(1, 1) if dtype is ember.float16 else _empty_qweight((1, 1)), None)

    def set_weight_bias(self, weight, bias):
        """Stores ``weight`` (a qint8 quantized tensor; for ``dtype=float16`` a float tensor, kept rounded to
        float16) and ``bias`` (a float tensor or None)."""
        if self.dtype is ember.float16:
            from ember.quantized import _fp16_weights
            self._packed_params = (_fp16_weights.pack(weight), bias)
            return
        if self.dtype is not _dtypes.qint8:
            raise RuntimeError("Unsupported dtype on dynamic quantized linear!")
        if not isinstance(weight, QTensor) or weight.dtype is not _dtypes.qint8:
            raise RuntimeError("quantized::linear_prepack (fbgemm): Weight should be a quantized qint8 tensor")
        self._packed_params = (weight, bias)

    def _weight_bias(self):
        return self._packed_params

    def forward(self, x):
        return x

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        super()._save_to_state_dict(destination, prefix, keep_vars)
        destination[prefix + 'dtype'] = self.dtype
        destination[prefix + '_packed_params'] = self._weight_bias()

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        self.dtype = state_dict.pop(prefix + 'dtype', self.dtype)
        if prefix + '_packed_params' in state_dict:
            weight, bias = state_dict.pop(prefix + '_packed_params')
            self.set_weight_bias(weight, bias)
        elif strict:
            missing_keys.append(prefix + '_packed_params')
        super()._load_from_state_dict(state_dict, prefix, local_metadata, False, missing_keys, unexpected_keys,
                                      error_msgs)

    def __repr__(self):
        return repr(self._weight_bias())


class Linear(WeightedQuantizedModule):
    """A linear layer on quantized tensors: quint8 input, qint8 weight, float bias, quint8 output with its
    own scale and zero point (FBGEMM's arithmetic). Made from a prepared float ``nn.Linear`` by
    :func:`ember.ao.quantization.convert` or :meth:`from_float`.

    Args:
        in_features (int): size of each input sample.
        out_features (int): size of each output sample.
        bias_ (bool): whether the layer has a bias.
        dtype: the weight dtype (``ember.qint8``).

    Example::

        >>> qlinear = ember.ao.nn.quantized.Linear(4, 2)
        >>> qlinear
        QuantizedLinear(in_features=4, out_features=2, scale=1.0, zero_point=0, qscheme=ember.per_tensor_affine)
        >>> x = ember.quantize_per_tensor(ember.ones(1, 4), 0.1, 0, ember.quint8)
        >>> qlinear(x).int_repr()
        tensor([[0, 0]], dtype=ember.uint8)
    """
    _version = 3

    def __init__(self, in_features, out_features, bias_=True, dtype=_dtypes.qint8):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        if dtype is _dtypes.qint8:
            weight = _empty_qweight((out_features, in_features))
        elif dtype is ember.float16:
            weight = ember.zeros(out_features, in_features)
        else:
            raise RuntimeError("Unsupported dtype specified for quantized Linear!")
        bias = ember.zeros(out_features, dtype=ember.float32) if bias_ else None
        self._packed_params = LinearPackedParams(dtype)
        self._packed_params.set_weight_bias(weight, bias)
        self.scale = 1.0
        self.zero_point = 0

    _relu = False

    def _get_name(self):
        return 'QuantizedLinear'

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, scale={self.scale}, "
                f"zero_point={self.zero_point}, qscheme={self.weight().qscheme()}")

    def __repr__(self):
        return _hide_packed_params_repr(self, LinearPackedParams)

    def forward(self, x):
        weight, bias = self._weight_bias()
        return _fbgemm.linear(x, weight, bias, self.scale, self.zero_point, relu=self._relu)

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        super()._save_to_state_dict(destination, prefix, keep_vars)
        destination[prefix + 'scale'] = ember.tensor(self.scale)
        destination[prefix + 'zero_point'] = ember.tensor(self.zero_point)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        self.scale = float(state_dict.pop(prefix + 'scale'))
        self.zero_point = int(state_dict.pop(prefix + 'zero_point'))
        super()._load_from_state_dict(state_dict, prefix, local_metadata, False, missing_keys, unexpected_keys,
                                      error_msgs)

    def _weight_bias(self):
        return self._packed_params._weight_bias()

    def weight(self):
        """The quantized weight."""
        return self._weight_bias()[0]

    def bias(self):
        """The float bias (or None)."""
        return self._weight_bias()[1]

    def set_weight_bias(self, w, b):
        """Replaces the quantized weight and the float bias."""
        self._packed_params.set_weight_bias(w, b)

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """A quantized Linear from a prepared float (or QAT) linear layer: its weight quantized with the
        qconfig's weight observer, its output scale and zero point from its ``activation_post_process``."""
        from ember.ao.nn.intrinsic.modules.fused import LinearReLU as FusedLinearReLU
        if hasattr(mod, 'weight_fake_quant'):
            weight_post_process = mod.weight_fake_quant
            activation_post_process = mod.activation_post_process
        else:
            floats = cls._float_modules()
            if type(mod) not in floats:
                raise AssertionError(f"nnq.{cls.__name__}.from_float only works for "
                                     f"{', '.join(m.__name__ for m in floats)}, but got: {type(mod)}")
            if not hasattr(mod, 'qconfig'):
                raise AssertionError("Input float module must have qconfig defined")
            activation_post_process = mod.activation_post_process
            if type(mod) is FusedLinearReLU:
                mod = mod[0]
            weight_post_process = mod.qconfig.weight()
        if not use_precomputed_fake_quant:
            weight_post_process(mod.weight)
        dtype = weight_post_process.dtype
        act_scale, act_zp = activation_post_process.calculate_qparams()
        if dtype is not _dtypes.qint8:
            raise AssertionError("Weight observer must have dtype torch.qint8")
        qweight = _quantize_weight(mod.weight.float(), weight_post_process)
        qlinear = cls(mod.in_features, mod.out_features, dtype=dtype)
        qlinear.set_weight_bias(qweight, mod.bias)
        qlinear.scale = float(act_scale)
        qlinear.zero_point = int(act_zp)
        return qlinear

    @classmethod
    def _float_modules(cls):
        from ember.nn.modules.transformer import NonDynamicallyQuantizableLinear
        return (nn.Linear, NonDynamicallyQuantizableLinear)
