"""Quantized Embedding and EmbeddingBag: weight-only quantization of the table, each row with its own float
scale and zero point (``per_channel_affine_float_qparams``; 8-bit ``quint8`` or 4-bit ``quint4x2``), looked
up with FBGEMM's arithmetic (ember/quantized/_embedding_bag.py); the outputs are float tensors."""
import numpy as np

import ember
from ember import nn
from ember.quantized import _dtypes, _embedding_bag
from ember.quantized._qtensor import QTensor, make
from ember.ao.nn.quantized.modules.utils import _hide_packed_params_repr, _quantize_weight

__all__ = ['EmbeddingPackedParams', 'Embedding', 'EmbeddingBag']

_TABLE_DTYPES = (_dtypes.quint8, _dtypes.quint4x2)


def _empty_table(rows, cols, dtype):
    """A zero table (scales 1, zero points 0), what a module holds before its weight is set or loaded."""
    return make(np.zeros((rows, cols), np.uint8), dtype, _dtypes.per_channel_affine_float_qparams,
                np.ones(rows, np.float32), np.zeros(rows, np.float32), 0)


class EmbeddingPackedParams(nn.Module):
    """Holds a quantized embedding table (``quint8`` or ``quint4x2`` rows with float qparams)."""
    _version = 1

    def __init__(self, num_embeddings, embedding_dim, dtype=_dtypes.quint8):
        super().__init__()
        self.dtype = dtype
        if dtype not in _TABLE_DTYPES:
            raise NotImplementedError("Unsupported dtype on quantized embedding! Supports quint8 and quint4x2. "
                                      f"Got dtype: {dtype}")
        self.set_weight(_empty_table(num_embeddings, embedding_dim, dtype))

    def set_weight(self, weight):
        """Stores ``weight``, a 2-D row-wise quantized table."""
        if self.dtype not in _TABLE_DTYPES:
            raise NotImplementedError("Unsupported dtype for quantized embedding prepack! Supports quint8 and "
                                      "quint4x2.")
        if not isinstance(weight, QTensor) or weight.dim() != 2:
            raise RuntimeError("quantized::embedding_bag_prepack weight tensor rank should be 2")
        if weight.dtype not in _TABLE_DTYPES:
            raise RuntimeError("qembedding_bag_prepack currently only supports quint8 and quint4x2 weights")
        self._packed_weight = weight

    def _weight(self):
        return self._packed_weight

    def forward(self, x):
        return x

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        super()._save_to_state_dict(destination, prefix, keep_vars)
        destination[prefix + 'dtype'] = self.dtype
        destination[prefix + '_packed_weight'] = self._weight()

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        self.dtype = state_dict.pop(prefix + 'dtype')
        self.set_weight(state_dict.pop(prefix + '_packed_weight'))
        super()._load_from_state_dict(state_dict, prefix, local_metadata, False, missing_keys, unexpected_keys,
                                      error_msgs)

    def __repr__(self):
        return repr(self._weight())


class Embedding(nn.Module):
    """An embedding table quantized row by row (weight-only): lookups return float rows. Made from a float
    ``nn.Embedding`` with ``float_qparams_weight_only_qconfig`` by ``quantize_dynamic``/``convert`` or
    :meth:`from_float`.

    Args:
        num_embeddings (int): the number of rows.
        embedding_dim (int): the size of each row.
        dtype: ``ember.quint8`` (default) or ``ember.quint4x2``.

    Example::

        >>> emb = nn.Embedding(10, 4)
        >>> emb.qconfig = ember.ao.quantization.float_qparams_weight_only_qconfig
        >>> qemb = ember.ao.nn.quantized.Embedding.from_float(emb)
        >>> qemb
        QuantizedEmbedding(num_embeddings=10, embedding_dim=4, dtype=ember.quint8, qscheme=ember.per_channel_affine_float_qparams)
        >>> qemb(ember.tensor([[1, 2], [3, 9]])).shape
        ember.Size([2, 2, 4])
    """
    _version = 1

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0,
                 scale_grad_by_freq=False, sparse=False, _weight=None, dtype=_dtypes.quint8):
        super().__init__()
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.dtype = dtype
        if _weight is None:
            qweight = _empty_table(num_embeddings, embedding_dim,
                                   dtype if dtype in _TABLE_DTYPES else _dtypes.quint8)
        else:
            expected = [num_embeddings, embedding_dim]
            if list(_weight.shape) != expected:
                raise AssertionError("Shape of weight does not match num_embeddings and embedding_dim: expected "
                                     f"{expected}, got {list(_weight.shape)}")
            qweight = _weight
        self._packed_params = EmbeddingPackedParams(num_embeddings, embedding_dim, dtype)
        self._packed_params.set_weight(qweight)

    def forward(self, indices):
        weight = self._packed_params._packed_weight
        if (self.dtype is _dtypes.quint4x2) != (weight.dtype is _dtypes.quint4x2):
            raise RuntimeError(f"{self._get_name()}: its weight is {weight.dtype} but the module computes with "
                               f"{self.dtype} tables")
        return _embedding_bag.embedding(weight, indices)

    def _get_name(self):
        return 'QuantizedEmbedding'

    def __repr__(self):
        return _hide_packed_params_repr(self, EmbeddingPackedParams)

    def extra_repr(self):
        return (f"num_embeddings={self.num_embeddings}, embedding_dim={self.embedding_dim}, "
                f"dtype={self._packed_params.dtype}, qscheme={self.weight().qscheme()}")

    def set_weight(self, w):
        """Replaces the quantized table."""
        self._packed_params.set_weight(w)

    def weight(self):
        """The quantized table."""
        return self._packed_params._weight()

    @classmethod
    def _observed_weight(cls, mod, float_class):
        from ember.ao.quantization.qconfig import float_qparams_weight_only_qconfig
        if hasattr(mod, 'weight_fake_quant'):
            return mod.weight_fake_quant
        if type(mod) is not float_class:
            raise AssertionError(f"nnq.{cls.__name__}.from_float only works for {float_class.__name__}")
        if not hasattr(mod, 'qconfig'):
            raise AssertionError(f"{float_class.__name__} input float module must have qconfig defined")
        if mod.qconfig is not None and mod.qconfig.weight is not None:
            return mod.qconfig.weight()
        return float_qparams_weight_only_qconfig.weight()

    @classmethod
    def _quantized_table(cls, mod, observer, float_class):
        if observer.qscheme is not _dtypes.per_channel_affine_float_qparams:
            raise AssertionError(f"{float_class.__name__} quantization is only supported with "
                                 "float_qparams_weight_only_qconfig.")
        if observer.dtype not in _TABLE_DTYPES:
            raise AssertionError(f"The only supported dtype for nnq.{float_class.__name__} is torch.quint8 and "
                                 f"torch.quint4x2, got {observer.dtype}")
        observer(mod.weight)
        return _quantize_weight(mod.weight.float(), observer)

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """A quantized Embedding from a float ``nn.Embedding`` with a weight-only float-qparams qconfig."""
        observer = cls._observed_weight(mod, nn.Embedding)
        qweight = cls._quantized_table(mod, observer, nn.Embedding)
        qembedding = Embedding(mod.num_embeddings, mod.embedding_dim)
        qembedding.set_weight(qweight)
        return qembedding


class EmbeddingBag(Embedding):
    """An embedding bag over a table quantized row by row: each bag is the sum of its rows (a quantized
    EmbeddingBag sums whatever its ``mode``, as PyTorch's does), optionally weighted per sample.

    Args:
        num_embeddings (int), embedding_dim (int): the table's shape.
        mode (str): kept as given (the bag is a sum).
        include_last_offset (bool): ``offsets`` ends with the end of the last bag.
        dtype: ``ember.quint8`` (default) or ``ember.quint4x2``.

    Example::

        >>> bag = nn.EmbeddingBag(10, 4)
        >>> bag.qconfig = ember.ao.quantization.float_qparams_weight_only_qconfig_4bit
        >>> qbag = ember.ao.nn.quantized.EmbeddingBag.from_float(bag)
        >>> qbag(ember.tensor([1, 2, 3, 4]), ember.tensor([0, 3])).shape
        ember.Size([2, 4])
    """
    _version = 1

    def __init__(self, num_embeddings, embedding_dim, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
                 mode='sum', sparse=False, _weight=None, include_last_offset=False, dtype=_dtypes.quint8):
        super().__init__(num_embeddings, embedding_dim, _weight=_weight, dtype=dtype)
        self.mode = mode
        self.pruned_weights = False
        self.include_last_offset = include_last_offset
        self.dtype = dtype

    def forward(self, indices, offsets=None, per_sample_weights=None, compressed_indices_mapping=None):
        if compressed_indices_mapping is not None:
            raise NotImplementedError("ember's quantized EmbeddingBag takes no compressed_indices_mapping "
                                      "(pruned tables)")
        op = 'embedding_bag_4bit' if self.dtype is _dtypes.quint4x2 else 'embedding_bag_byte'
        return _embedding_bag.embedding_bag(self._packed_params._packed_weight, indices, offsets,
                                            per_sample_weights, self.include_last_offset, op)

    def _get_name(self):
        return 'QuantizedEmbeddingBag'

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """A quantized EmbeddingBag from a float ``nn.EmbeddingBag`` with a weight-only float-qparams
        qconfig (8- or 4-bit)."""
        observer = cls._observed_weight(mod, nn.EmbeddingBag)
        qweight = cls._quantized_table(mod, observer, nn.EmbeddingBag)
        qbag = EmbeddingBag(mod.num_embeddings, mod.embedding_dim, max_norm=mod.max_norm, norm_type=mod.norm_type,
                            scale_grad_by_freq=mod.scale_grad_by_freq, mode=mod.mode, sparse=mod.sparse,
                            include_last_offset=mod.include_last_offset, dtype=observer.dtype)
        qbag.set_weight(qweight)
        return qbag
