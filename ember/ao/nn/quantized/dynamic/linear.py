"""The dynamically quantized Linear layer: int8 weights, float inputs and outputs, activations quantized
per call from their own range (or, with ``dtype=float16``, weights rounded to float16 and float32 products).

The forward computes what PyTorch's FBGEMM kernel computes: the input is quantized to 7-bit unsigned
integers (``reduce_range``) with a scale and zero point chosen from its minimum and maximum, the
integer products are summed exactly in int32, and each sum is scaled back in float32
(``sum * input_scale * weight_scale``) before the float bias is added.
"""
import numpy as np

import ember
from ember import nn
from ember.quantized import _dtypes, _fp16_weights
from ember.quantized._functions import choose_qparams, quantize_values, _PER_TENSOR
from ember.ao.nn.quantized.modules import linear as nnq
from ember.ao.nn.quantized.modules.utils import _quantize_weight

__all__ = ['Linear']


def _linear_dynamic(x, weight, bias, reduce_range=True):
    """FBGEMM's dynamic int8 linear on float32 ``x`` (see the module docstring)."""
    from ember.backend import to_numpy
    a = to_numpy(x.detach()._data).astype(np.float32, copy=False)
    lo, hi = (float(a.min()), float(a.max())) if a.size else (0.0, 0.0)
    scale, zero_point = choose_qparams(lo, hi, 0, 255, reduce_range=reduce_range)
    qmax = 127 if reduce_range else 255
    a_q = quantize_values(a, np.float32(scale), zero_point, 0, qmax, 'fused').astype(np.int64) - zero_point
    w = weight._int.astype(np.int64)
    if weight._qscheme in _PER_TENSOR:
        w_scale = np.float32(weight._scale)
        w = w - weight._zero_point
    else:
        w_scale = weight._scale.astype(np.float32)
        w = w - weight._zero_point.reshape(-1, 1)
    acc = a_q.reshape(-1, a.shape[-1]) @ w.T          # exact: integer products summed in int64
    multiplier = (np.float32(scale) * w_scale).astype(np.float64)
    out = acc.astype(np.float32).astype(np.float64) * multiplier    # exact: two float32 values multiplied
    if bias is not None:   # one rounding for product and sum together, as the kernel's fused multiply-add
        out = out + to_numpy(bias.detach()._data).astype(np.float64)
    return ember.Tensor._make(out.astype(np.float32).reshape(a.shape[:-1] + (w.shape[0],)))


class Linear(nnq.Linear):
    """A linear layer with int8 weights and float inputs and outputs; activations are quantized per call
    (dynamic quantization). Made from a float ``nn.Linear`` by
    :func:`ember.ao.quantization.quantize_dynamic` or :meth:`from_float`.

    Args:
        in_features (int): size of each input sample.
        out_features (int): size of each output sample.
        bias_ (bool): whether the layer has a bias.
        dtype: the weight dtype: ``ember.qint8``, or ``ember.float16`` (weights kept rounded to float16,
            products in float32, no activation quantization).

    Example::

        >>> float_linear = nn.Linear(4, 2)
        >>> float_linear.qconfig = ember.ao.quantization.default_dynamic_qconfig
        >>> qlinear = ember.ao.nn.quantized.dynamic.Linear.from_float(float_linear)
        >>> qlinear
        DynamicQuantizedLinear(in_features=4, out_features=2, dtype=ember.qint8, qscheme=ember.per_tensor_affine)
        >>> qlinear(ember.ones(1, 4)).shape
        ember.Size([1, 2])
    """
    _version = 4

    def __init__(self, in_features, out_features, bias_=True, dtype=_dtypes.qint8):
        super().__init__(in_features, out_features, bias_, dtype=dtype)
        # version 4 quantizes activations to 7 bits (reduce_range); older checkpoints say otherwise
        self.version = 4

    def forward(self, x):
        weight, bias = self._weight_bias()
        if self._packed_params.dtype is ember.float16:
            return _fp16_weights.linear(x, weight, bias).to(x.dtype)
        if self._packed_params.dtype is not _dtypes.qint8:
            raise RuntimeError("Unsupported dtype on dynamic quantized linear!")
        return _linear_dynamic(x, weight, bias, reduce_range=self.version is not None and self.version >= 4) \
            .to(x.dtype)

    def _get_name(self):
        return 'DynamicQuantizedLinear'

    def extra_repr(self):
        text = f"in_features={self.in_features}, out_features={self.out_features}, dtype={self._packed_params.dtype}"
        if self._packed_params.dtype is _dtypes.qint8:
            text += f", qscheme={self.weight().qscheme()}"
        return text

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        self.version = local_metadata.get('version', None) if local_metadata else 4
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """A dynamic quantized Linear from a float ``nn.Linear`` with a ``qconfig`` attribute: its weight is
        observed with ``qconfig.weight`` and quantized to qint8."""
        from ember.ao.quantization.qconfig import default_dynamic_qconfig
        from ember.nn.modules.transformer import NonDynamicallyQuantizableLinear
        from ember.ao.nn.intrinsic.modules.fused import LinearReLU as FusedLinearReLU
        float_modules = [nn.Linear, NonDynamicallyQuantizableLinear, FusedLinearReLU]
        if type(mod) not in float_modules:
            raise AssertionError("nn.quantized.dynamic.Linear.from_float only works for one of"
                                 + str([m.__name__ for m in float_modules]) + f", got {type(mod)}")
        if not hasattr(mod, 'qconfig'):
            raise AssertionError("Input float module must have qconfig defined")
        if type(mod) is FusedLinearReLU:
            mod = mod[0]
        if mod.qconfig is not None and mod.qconfig.weight is not None:
            weight_observer = mod.qconfig.weight()
        else:
            weight_observer = default_dynamic_qconfig.weight()
        dtype = weight_observer.dtype
        if dtype not in (_dtypes.qint8, ember.float16):
            raise AssertionError("The only supported dtypes for dynamic quantized linear are qint8 and float16, "
                                 f"got: {dtype}")
        weight_observer(mod.weight)
        if dtype is ember.float16:
            qweight = mod.weight.float()        # packed (rounded to float16) by set_weight_bias
        else:
            qweight = _quantize_weight(mod.weight.float(), weight_observer)
        qlinear = cls(mod.in_features, mod.out_features, dtype=dtype)
        qlinear.set_weight_bias(qweight, mod.bias)
        return qlinear
