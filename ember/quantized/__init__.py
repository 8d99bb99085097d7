"""Quantized tensors: integers with a scale and zero point (``ember.quantize_per_tensor``,
``ember.quantize_per_channel``, ``Tensor.int_repr``, ``Tensor.dequantize``, ...).

The quantized dtypes and functions are re-exported by ``ember``; the ``Tensor`` methods that read a
quantized tensor's parameters are bound here, so that calling them on an ordinary tensor raises
PyTorch's error for it. Modules and observers live in ``ember.ao``.
"""
from ember._tensor import Tensor
from ember.quantized._dtypes import (qint8, quint8, qint32, quint4x2, quint2x4, qscheme, per_tensor_affine,  # noqa
                                     per_channel_affine, per_tensor_symmetric, per_channel_symmetric,
                                     per_channel_affine_float_qparams)
from ember.quantized._qtensor import QTensor  # noqa: F401
from ember.quantized._functions import (quantize_per_tensor, quantize_per_channel, quantize_per_tensor_dynamic,  # noqa
                                        dequantize, int_repr, q_scale, q_zero_point, q_per_channel_scales,
                                        q_per_channel_zero_points, q_per_channel_axis, qscheme_of)

__all__ = ['qint8', 'quint8', 'qint32', 'quint4x2', 'quint2x4', 'qscheme', 'per_tensor_affine', 'per_channel_affine',
           'per_tensor_symmetric', 'per_channel_symmetric', 'per_channel_affine_float_qparams', 'quantize_per_tensor',
           'quantize_per_channel', 'quantize_per_tensor_dynamic', 'dequantize', 'int_repr', 'q_scale', 'q_zero_point',
           'q_per_channel_scales', 'q_per_channel_zero_points', 'q_per_channel_axis']

# methods of every tensor; a quantized tensor's own (QTensor) answer, an ordinary one gets PyTorch's error
# (dequantize of an ordinary tensor is the tensor itself)
for _name, _fn in (('int_repr', int_repr), ('dequantize', dequantize), ('q_scale', q_scale),
                   ('q_zero_point', q_zero_point), ('q_per_channel_scales', q_per_channel_scales),
                   ('q_per_channel_zero_points', q_per_channel_zero_points),
                   ('q_per_channel_axis', q_per_channel_axis), ('qscheme', qscheme_of)):
    setattr(Tensor, _name, _fn)
