"""Embedding and EmbeddingBag for quantization-aware training: the table passes through per-row float-qparams
fake quantization (``qconfig.weight``) on every lookup."""
from ember import nn
from ember.nn import functional as F
from ember.quantized import _dtypes

__all__ = ['Embedding', 'EmbeddingBag']


def _check_qconfig(qconfig):
    if not qconfig:
        raise AssertionError("qconfig must be provided for QAT module")
    scheme = qconfig.weight().qscheme
    if scheme is not _dtypes.per_channel_affine_float_qparams:
        raise AssertionError("Embedding weights requires a qscheme of torch.per_channel_affine_float_qparams Got "
                             + str(scheme).replace('ember.', 'torch.'))


def _check_float(cls, mod):
    if type(mod) is not cls._FLOAT_MODULE:
        raise AssertionError(f" qat.{cls.__name__}.from_float only works for {cls._FLOAT_MODULE.__name__}")
    if not hasattr(mod, 'qconfig'):
        raise AssertionError("Input float module must have qconfig defined")
    if not mod.qconfig:
        raise AssertionError("Input float module must have a valid qconfig")
    _check_qconfig(mod.qconfig)


class Embedding(nn.Embedding):
    """An embedding table fake-quantized row by row on every lookup (``qconfig``: e.g.
    ``default_embedding_qat_qconfig``); arguments as :class:`ember.nn.Embedding`.

    Example::

        >>> emb = ember.ao.nn.qat.Embedding(10, 4, qconfig=ember.ao.quantization.default_embedding_qat_qconfig)
        >>> emb(ember.tensor([1, 2])).shape
        ember.Size([2, 4])
    """
    _FLOAT_MODULE = nn.Embedding

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0,
                 scale_grad_by_freq=False, sparse=False, _weight=None, device=None, dtype=None, qconfig=None):
        super().__init__(num_embeddings, embedding_dim, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse,
                         _weight, device=device, dtype=dtype)
        _check_qconfig(qconfig)
        self.qconfig = qconfig
        self.weight_fake_quant = qconfig.weight()

    def forward(self, input):
        return F.embedding(input, self.weight_fake_quant(self.weight), self.padding_idx, self.max_norm,
                           self.norm_type, self.scale_grad_by_freq, self.sparse)

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """The QAT table for a float ``nn.Embedding`` with a float-qparams QAT qconfig (it shares the weight)."""
        _check_float(cls, mod)
        return cls(mod.num_embeddings, mod.embedding_dim, mod.padding_idx, mod.max_norm, mod.norm_type,
                   mod.scale_grad_by_freq, mod.sparse, mod.weight, qconfig=mod.qconfig)

    def to_float(self):
        """The float Embedding with this table."""
        embedding = nn.Embedding(self.num_embeddings, self.embedding_dim, self.padding_idx, self.max_norm,
                                 self.norm_type, self.scale_grad_by_freq, self.sparse, None)
        embedding.weight = nn.Parameter(self.weight.detach())
        embedding.train(self.training)
        return embedding


class EmbeddingBag(nn.EmbeddingBag):
    """An embedding bag whose table is fake-quantized row by row on every call; arguments as
    :class:`ember.nn.EmbeddingBag` plus ``qconfig``."""
    _FLOAT_MODULE = nn.EmbeddingBag

    def __init__(self, num_embeddings, embedding_dim, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
                 mode='mean', sparse=False, _weight=None, include_last_offset=False, padding_idx=None, qconfig=None,
                 device=None, dtype=None):
        super().__init__(num_embeddings, embedding_dim, max_norm, norm_type, scale_grad_by_freq, mode, sparse,
                         _weight, include_last_offset, padding_idx, device=device, dtype=dtype)
        _check_qconfig(qconfig)
        self.qconfig = qconfig
        self.weight_fake_quant = qconfig.weight()

    def forward(self, input, offsets=None, per_sample_weights=None):
        return F.embedding_bag(input, self.weight_fake_quant(self.weight), offsets, self.max_norm, self.norm_type,
                               self.scale_grad_by_freq, self.mode, self.sparse, per_sample_weights,
                               self.include_last_offset, self.padding_idx)

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        """The QAT bag for a float ``nn.EmbeddingBag`` with a float-qparams QAT qconfig (it shares the weight)."""
        _check_float(cls, mod)
        return cls(mod.num_embeddings, mod.embedding_dim, mod.max_norm, mod.norm_type, mod.scale_grad_by_freq,
                   mod.mode, mod.sparse, mod.weight, mod.include_last_offset, mod.padding_idx, qconfig=mod.qconfig)

    def to_float(self):
        """The float EmbeddingBag with this table."""
        bag = nn.EmbeddingBag(self.num_embeddings, self.embedding_dim, self.max_norm, self.norm_type,
                              self.scale_grad_by_freq, self.mode, self.sparse, None, self.include_last_offset,
                              self.padding_idx)
        bag.weight = nn.Parameter(self.weight.detach())
        bag.train(self.training)
        return bag
