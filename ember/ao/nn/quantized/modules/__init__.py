"""The statically quantized modules (``torch.ao.nn.quantized.modules``): quantized tensors in and out."""
import ember
from ember import nn
from ember.quantized import _dtypes
from ember.ao.nn.quantized.modules.activation import (ReLU6, Hardswish, ELU, LeakyReLU, Sigmoid, Softmax,  # noqa
                                                     PReLU)
from ember.ao.nn.quantized.modules.batchnorm import BatchNorm2d, BatchNorm3d  # noqa: F401
from ember.ao.nn.quantized.modules.conv import (Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d,  # noqa: F401
                                               ConvTranspose3d)
from ember.ao.nn.quantized.modules.dropout import Dropout  # noqa: F401
from ember.ao.nn.quantized.modules.embedding_ops import Embedding, EmbeddingBag  # noqa: F401
from ember.ao.nn.quantized.modules.functional_modules import FloatFunctional, FXFloatFunctional, QFunctional  # noqa
from ember.ao.nn.quantized.modules.linear import Linear  # noqa: F401
from ember.nn.modules.pooling import MaxPool2d  # noqa: F401  (max pooling runs on quantized tensors as it is)
from ember.ao.nn.quantized.modules.normalization import (LayerNorm, GroupNorm, InstanceNorm1d,  # noqa: F401
                                                         InstanceNorm2d, InstanceNorm3d)

__all__ = ['BatchNorm2d', 'BatchNorm3d', 'Conv1d', 'Conv2d', 'Conv3d', 'ConvTranspose1d', 'ConvTranspose2d',
           'ConvTranspose3d', 'DeQuantize', 'ELU', 'Dropout', 'Embedding',
           'EmbeddingBag', 'GroupNorm', 'Hardswish', 'InstanceNorm1d', 'InstanceNorm2d', 'InstanceNorm3d', 'LayerNorm',
           'LeakyReLU', 'Linear', 'PReLU', 'Quantize', 'ReLU6', 'Sigmoid', 'Softmax', 'FloatFunctional', 'FXFloatFunctional',
           'QFunctional']


class Quantize(nn.Module):
    """Quantizes its float input per tensor with a fixed scale and zero point (what a ``QuantStub``
    becomes when a model is converted).

    Args:
        scale (float): the scale.
        zero_point (int): the zero point.
        dtype: the quantized dtype (``ember.quint8``, ``ember.qint8``, ...).

    Example::

        >>> q = ember.ao.nn.quantized.Quantize(0.5, 2, ember.quint8)
        >>> q
        Quantize(scale=tensor([0.5000]), zero_point=tensor([2]), dtype=ember.quint8)
        >>> q(ember.tensor([1.0, -1.0])).int_repr()
        tensor([4, 0], dtype=ember.uint8)
    """

    def __init__(self, scale, zero_point, dtype, device=None, factory_kwargs=None):
        super().__init__()
        self.register_buffer('scale', ember.tensor([scale], dtype=ember.float32))
        self.register_buffer('zero_point', ember.tensor([zero_point], dtype=ember.int64))
        self.dtype = dtype

    def forward(self, X):
        return ember.quantize_per_tensor(X, float(self.scale), int(self.zero_point), self.dtype)

    @staticmethod
    def from_float(mod, use_precomputed_fake_quant=False):
        if not hasattr(mod, 'activation_post_process'):
            raise AssertionError("Quantize.from_float expects a QuantStub that was prepared (it has no "
                                 "activation_post_process)")
        scale, zero_point = mod.activation_post_process.calculate_qparams()
        return Quantize(scale.float().item(), zero_point.long().item(), mod.activation_post_process.dtype)

    def extra_repr(self):
        return f"scale={self.scale}, zero_point={self.zero_point}, dtype={self.dtype}"


class DeQuantize(nn.Module):
    """Turns its quantized input back into a float tensor (what a ``DeQuantStub`` becomes).

    Example::

        >>> q = ember.quantize_per_tensor(ember.tensor([1.0, 2.0]), 0.5, 0, ember.quint8)
        >>> ember.ao.nn.quantized.DeQuantize()(q)
        tensor([1., 2.])
    """

    def forward(self, Xq):
        return Xq.dequantize()

    @staticmethod
    def from_float(mod, use_precomputed_fake_quant=False):
        return DeQuantize()
