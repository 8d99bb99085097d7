"""What the reference quantized modules share: their weight's quantization parameters as buffers, and the
weight quantized then dequantized with them."""
import ember
from ember import nn

__all__ = ['ReferenceQuantizedModule', 'weight_qparams_from_observer']

_SUPPORTED = ('per_tensor_affine', 'per_channel_affine', 'per_channel_affine_float_qparams')


def weight_qparams_from_observer(observer):
    """``{'qscheme', 'dtype', 'scale', 'zero_point'[, 'axis']}`` from a weight observer that has seen the
    weight; symmetric schemes become their affine forms (the parameters already say they are symmetric)."""
    scale, zero_point = observer.calculate_qparams()
    qscheme = observer.qscheme
    per_channel = qscheme in (ember.per_channel_affine, ember.per_channel_symmetric,
                              ember.per_channel_affine_float_qparams)
    if qscheme is ember.per_tensor_symmetric:
        qscheme = ember.per_tensor_affine
    elif qscheme is ember.per_channel_symmetric:
        qscheme = ember.per_channel_affine
    qparams = {'qscheme': qscheme, 'dtype': observer.dtype, 'scale': scale, 'zero_point': zero_point}
    if per_channel:
        qparams['axis'] = observer.ch_axis
    return qparams


class ReferenceQuantizedModule(nn.Module):
    def _init_weight_qparams(self, weight_qparams):
        if weight_qparams is None:
            weight_qparams = {'qscheme': ember.per_tensor_affine, 'dtype': ember.quint8, 'scale': 1.0,
                              'zero_point': 0}
        self.weight_qscheme = weight_qparams['qscheme']
        self.weight_dtype = weight_qparams['dtype']
        if self.weight_qscheme is not None and str(self.weight_qscheme).rpartition('.')[2] not in _SUPPORTED:
            raise AssertionError(f"qscheme: {self.weight_qscheme} is not supported in reference quantized "
                                 f"{self._get_name()}")
        scale, zero_point = weight_qparams['scale'], weight_qparams['zero_point']
        self.register_buffer('weight_scale', scale.detach().clone().float() if isinstance(scale, ember.Tensor)
                             else ember.tensor(scale, dtype=ember.float32))
        self.register_buffer('weight_zero_point', zero_point.detach().clone() if isinstance(zero_point, ember.Tensor)
                             else ember.tensor(zero_point, dtype=ember.int32))
        axis = weight_qparams.get('axis', 0)
        self.register_buffer('weight_axis', ember.tensor(axis, dtype=ember.int32))
        self.weight_axis_int = int(axis)

    def get_weight(self):
        """The weight quantized with its parameters and dequantized again (float)."""
        if self.weight_qscheme is ember.per_tensor_affine:
            q = ember.quantize_per_tensor(self.weight, float(self.weight_scale), int(self.weight_zero_point),
                                          self.weight_dtype)
        elif self.weight_qscheme in (ember.per_channel_affine, ember.per_channel_affine_float_qparams):
            q = ember.quantize_per_channel(self.weight, self.weight_scale, self.weight_zero_point,
                                           self.weight_axis_int, self.weight_dtype)
        else:
            return self.weight
        return q.dequantize()

    def get_quantized_weight(self):
        """The weight as a quantized tensor."""
        if self.weight_qscheme is ember.per_tensor_affine:
            return ember.quantize_per_tensor(self.weight, float(self.weight_scale), int(self.weight_zero_point),
                                             self.weight_dtype)
        return ember.quantize_per_channel(self.weight, self.weight_scale, self.weight_zero_point,
                                          self.weight_axis_int, self.weight_dtype)
