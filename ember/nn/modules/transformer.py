"""The Transformer family: encoder and decoder layers and stacks, and the full Transformer, built from
MultiheadAttention (activation.py, as PyTorch keeps it). The math is in ember.ops.attention.

>>> import ember
>>> layer = TransformerEncoderLayer(8, 2, dim_feedforward=16, batch_first=True)
>>> layer(ember.randn(3, 5, 8)).shape
ember.Size([3, 5, 8])
"""
import copy
import warnings

from ember._torch_function import unwrapped
from ember.nn import functional as F
from ember.nn import init
from ember.nn.modules.container import ModuleList
from ember.nn.modules import _encoder_layer_fused as _fused
from ember.nn.modules.activation import MultiheadAttention
from ember.nn.modules.dropout import Dropout
from ember.nn.modules.linear import Linear, NonDynamicallyQuantizableLinear  # noqa: F401 (its old home)
from ember.nn.modules.module import Module
from ember.nn.modules.normalization import LayerNorm
from ember.ops.attention import _float_mask
from ember.ops.creation import arange as _arange, full
from ember import compiler as _compiler, overrides as _overrides
from ember.amp._state import is_autocast_enabled as _autocast_enabled
from ember.autograd import grad_mode as _grad_mode
from ember.backends import mha as _mha

__all__ = ['TransformerEncoderLayer', 'TransformerEncoder', 'TransformerDecoderLayer',
           'TransformerDecoder', 'Transformer']


# ----------------------------------------------------------------------------------------------
# Transformer

def _activation(activation):
    if activation == 'relu':
        return F.relu
    if activation == 'gelu':
        return F.gelu
    raise RuntimeError(f'activation should be relu/gelu, not {activation}')


def _relu_or_gelu(activation):
    """PyTorch's flag for its fused fast path: 1 for ReLU, 2 for GELU, 0 otherwise."""
    from ember.nn.modules import activation as act
    fn = unwrapped(activation)
    if fn is unwrapped(F.relu) or isinstance(activation, act.ReLU):
        return 1
    if fn is unwrapped(F.gelu) or isinstance(activation, act.GELU):
        return 2
    return 0


def _as_named_now(activation):
    """The default ``F.relu`` (taken when this module was imported) as ``F.relu`` names it now: the same
    function, possibly behind the dispatch wrapper, so that ``layer.activation is F.relu`` holds."""
    fn = unwrapped(activation)
    for named in (F.relu, F.gelu):
        if fn is unwrapped(named):
            return named
    return activation


def _generate_square_subsequent_mask(sz, device=None, dtype=None):
    return full((sz, sz), float('-inf'), dtype=dtype, device=device).triu(1)


def _detect_is_causal_mask(mask, is_causal=None, size=None):
    """Whether ``mask`` is exactly the causal mask (so the causal hint can be used)."""
    if is_causal is True:
        return True
    if is_causal is None and mask is not None:
        sz = size if size is not None else mask.size(-2)
        causal = _generate_square_subsequent_mask(sz, device=mask.device, dtype=mask.dtype)
        if tuple(mask.shape) == tuple(causal.shape):
            return bool((mask == causal).all())
    return False


def _get_seq_len(src, batch_first):
    if src.dim() == 2:
        return src.size(0)
    return src.size(1 if batch_first else 0)


class TransformerEncoderLayer(Module):
    """Self-attention and a feed-forward block, each with a residual connection and LayerNorm
    (after each block, or before it with ``norm_first=True``).

    Example::

        >>> layer = nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, batch_first=True)
        >>> layer(ember.ones(3, 5, 8)).shape
        ember.Size([3, 5, 8])
    """
    __constants__ = ['norm_first']

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=F.relu, layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, device=None, dtype=None):
        super().__init__()
        kw = dict(device=device, dtype=dtype)
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first, **kw)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **kw)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **kw)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        if isinstance(activation, str):
            activation = _activation(activation)
        self.activation_relu_or_gelu = _relu_or_gelu(activation)
        self.activation = _as_named_now(activation)

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        src_key_padding_mask = _float_mask(src_key_padding_mask, 'src_key_padding_mask', src.dtype, src_mask,
                                           'src_mask')
        src_mask = _float_mask(src_mask, 'src_mask', src.dtype)
        dead = None
        masked = src_mask is not None or src_key_padding_mask is not None
        if (masked or is_causal) and _fused.takes_fused_path(self, src):
            if src_mask is None:
                is_causal = False   # PyTorch's fused kernel takes no causal hint: without a mask it attends to all
            if masked:
                src_mask, src_key_padding_mask, dead = _fused.fused_masks(src, src_mask, src_key_padding_mask,
                                                                          self.self_attn.num_heads)
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            x = x + self._ff_block(self.norm2(x))
        else:
            x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
            x = self.norm2(x + self._ff_block(x))
        if dead is not None:     # PyTorch's fused kernel: a query with every key masked comes out NaN
            x = x.masked_fill(dead.unsqueeze(-1), float('nan'))
        return x

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal=False):
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask, need_weights=False,
                           is_causal=is_causal)[0]
        return self.dropout1(x)

    def _ff_block(self, x):
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerDecoderLayer(Module):
    """Self-attention, attention over the encoder's memory, and a feed-forward block.

    Example::

        >>> layer = nn.TransformerDecoderLayer(d_model=8, nhead=2, dim_feedforward=16, batch_first=True)
        >>> layer(ember.ones(3, 4, 8), ember.ones(3, 5, 8)).shape
        ember.Size([3, 4, 8])
    """
    __constants__ = ['norm_first']

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=F.relu, layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, device=None, dtype=None):
        super().__init__()
        kw = dict(device=device, dtype=dtype)
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, batch_first=batch_first, bias=bias, **kw)
        self.multihead_attn = MultiheadAttention(d_model, nhead, dropout=dropout, batch_first=batch_first, bias=bias,
                                                 **kw)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **kw)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **kw)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm3 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.dropout3 = Dropout(dropout)
        if isinstance(activation, str):
            activation = _activation(activation)
        self.activation = _as_named_now(activation)

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False):
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._mha_block(self.norm2(x), memory, memory_mask, memory_key_padding_mask, memory_is_causal)
            x = x + self._ff_block(self.norm3(x))
        else:
            x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
            x = self.norm2(x + self._mha_block(x, memory, memory_mask, memory_key_padding_mask, memory_is_causal))
            x = self.norm3(x + self._ff_block(x))
        return x

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal=False):
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask, is_causal=is_causal,
                           need_weights=False)[0]
        return self.dropout1(x)

    def _mha_block(self, x, mem, attn_mask, key_padding_mask, is_causal=False):
        x = self.multihead_attn(x, mem, mem, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                                is_causal=is_causal, need_weights=False)[0]
        return self.dropout2(x)

    def _ff_block(self, x):
        return self.dropout3(self.linear2(self.dropout(self.activation(self.linear1(x)))))


def _get_clones(module, n):
    return ModuleList([copy.deepcopy(module) for _ in range(n)])


class TransformerEncoder(Module):
    """A stack of ``num_layers`` copies of ``encoder_layer``, optionally followed by ``norm``.

    Example::

        >>> layer = nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, batch_first=True)
        >>> encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        >>> encoder(ember.ones(3, 5, 8)).shape
        ember.Size([3, 5, 8])
    """
    __constants__ = ['norm']

    def __init__(self, encoder_layer, num_layers, norm=None, enable_nested_tensor=True, mask_check=True):
        super().__init__()
        self.layers = _get_clones(encoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor = enable_nested_tensor
        self.use_nested_tensor = enable_nested_tensor
        self.mask_check = mask_check
        # NOTE: ember has no nested tensors; PyTorch's explanation of why its fast path is off is
        # still printed, so scripts show the same warnings on both
        why = _why_no_nested_tensor(encoder_layer)
        if enable_nested_tensor and why:
            warnings.warn(f'enable_nested_tensor is True, but self.use_nested_tensor is False because {why}',
                          stacklevel=2)
            self.use_nested_tensor = False

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
        src_key_padding_mask = _float_mask(src_key_padding_mask, 'src_key_padding_mask', src.dtype, mask, 'mask')
        mask = _float_mask(mask, 'mask', src.dtype)
        first = self.layers[0]
        seq_len = _get_seq_len(src, first.self_attn.batch_first)
        is_causal = _detect_is_causal_mask(mask, is_causal, seq_len)
        padding = _nested_padding(self, src, mask, src_key_padding_mask)
        if padding is not None:
            src_key_padding_mask = padding[1]
        output = src
        for mod in self.layers:
            output = mod(output, src_mask=mask, is_causal=is_causal, src_key_padding_mask=src_key_padding_mask)
        if padding is not None:
            output = output.masked_fill(padding[0].unsqueeze(-1), 0.0)
        if self.norm is not None:
            output = self.norm(output)
        return output


def _nested_padding(encoder, src, mask, key_padding_mask):
    """Where PyTorch's encoder takes its "sparsity fast path" (eval, a batch-first (N, S, E) input with
    a padding mask and no attention mask, nothing recorded), it runs each sequence on its first
    ``n`` positions only (``n`` its count of unpadded keys: the nested tensor it builds) and returns
    zeros at the rest. The same values come from the padded batch with every position past ``n``
    masked as a key, those rows then zeroed: returns ``(padded, key_padding_mask)`` (bool ``(N, S)``
    and the float mask the layers take), or None where PyTorch keeps the padded batch."""
    first = encoder.layers[0]
    if (not _mha.get_fastpath_enabled() or not getattr(encoder, 'use_nested_tensor', False) or first.training
            or src.dim() != 3 or key_padding_mask is None or mask is not None or src.is_nested
            or tuple(key_padding_mask.shape) != tuple(src.shape[:2])):
        return None
    check = getattr(encoder, 'mask_check', True)
    if check and _compiler.is_compiling():
        return None
    kept = key_padding_mask == 0        # (a float mask's nonzero entries are padding, as PyTorch reads it)
    counts = kept.sum(1)
    padded = _arange(src.shape[1], device=src.device).unsqueeze(0) >= counts.unsqueeze(1)
    left_aligned = bool((padded == kept.logical_not()).all())
    if check and not left_aligned:
        return None
    if _autocast_enabled():
        return None
    attn, norm1, norm2 = first.self_attn, first.norm1, first.norm2
    args = (src, attn.in_proj_weight, attn.in_proj_bias, attn.out_proj.weight, attn.out_proj.bias, norm1.weight,
            norm1.bias, norm2.weight, norm2.bias, first.linear1.weight, first.linear1.bias, first.linear2.weight,
            first.linear2.bias)
    if (_overrides.has_torch_function(args) or src.device.type not in ('cpu', 'cuda')
            or (_grad_mode.is_grad_enabled() and any(t is not None and t.requires_grad for t in args))):
        return None
    # (imported here: ember.nested imports ember.nn while it loads, so `ember.nested` used first would find
    # itself half-loaded)
    from ember.nested import _warn_prototype as _warn_nested_prototype
    _warn_nested_prototype(stacklevel=3)
    # a left-aligned mask already masks exactly the padded keys (the values stay those of the mask given)
    return padded, key_padding_mask if left_aligned else _float_mask(padded, 'src_key_padding_mask', src.dtype)


def _why_no_nested_tensor(layer):
    name = 'encoder_layer'
    if not isinstance(layer, TransformerEncoderLayer):
        return f'{name} was not TransformerEncoderLayer'
    if layer.norm_first:
        return f'{name}.norm_first was True'
    if not layer.self_attn.batch_first:
        return f'{name}.self_attn.batch_first was not True(use batch_first for better inference performance)'
    if not layer.self_attn._qkv_same_embed_dim:
        return f'{name}.self_attn._qkv_same_embed_dim was not True'
    if layer.self_attn.in_proj_bias is None:
        return f'{name}.self_attn was passed bias=False'
    if not layer.activation_relu_or_gelu:
        return f'{name}.activation_relu_or_gelu was not True'
    if not layer.norm1.eps == layer.norm2.eps:
        return f'{name}.norm1.eps was not equal to {name}.norm2.eps'
    if layer.self_attn.num_heads % 2 == 1:
        return f'{name}.self_attn.num_heads is odd'
    return ''


class TransformerDecoder(Module):
    """A stack of ``num_layers`` copies of ``decoder_layer``, optionally followed by ``norm``.

    Example::

        >>> layer = nn.TransformerDecoderLayer(d_model=8, nhead=2, dim_feedforward=16, batch_first=True)
        >>> decoder = nn.TransformerDecoder(layer, num_layers=2)
        >>> decoder(ember.ones(3, 4, 8), ember.ones(3, 5, 8)).shape
        ember.Size([3, 4, 8])
    """
    __constants__ = ['norm']

    def __init__(self, decoder_layer, num_layers, norm=None):
        super().__init__()
        self.layers = _get_clones(decoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False):
        output = tgt
        seq_len = _get_seq_len(tgt, self.layers[0].self_attn.batch_first)
        tgt_is_causal = _detect_is_causal_mask(tgt_mask, tgt_is_causal, seq_len)
        for mod in self.layers:
            output = mod(output, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                         tgt_key_padding_mask=tgt_key_padding_mask, memory_key_padding_mask=memory_key_padding_mask,
                         tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)
        if self.norm is not None:
            output = self.norm(output)
        return output


class Transformer(Module):
    """The encoder-decoder Transformer of "Attention Is All You Need".

    Example::

        >>> model = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=16)
        >>> model(ember.ones(5, 3, 8), ember.ones(4, 3, 8)).shape
        ember.Size([4, 3, 8])
    """

    def __init__(self, d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6, dim_feedforward=2048,
                 dropout=0.1, activation=F.relu, custom_encoder=None, custom_decoder=None, layer_norm_eps=1e-5,
                 batch_first=False, norm_first=False, bias=True, device=None, dtype=None):
        super().__init__()
        kw = dict(device=device, dtype=dtype)
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            layer = TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps,
                                            batch_first, norm_first, bias, **kw)
            self.encoder = TransformerEncoder(layer, num_encoder_layers, LayerNorm(d_model, eps=layer_norm_eps,
                                                                                   bias=bias, **kw))
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            layer = TransformerDecoderLayer(d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps,
                                            batch_first, norm_first, bias, **kw)
            self.decoder = TransformerDecoder(layer, num_decoder_layers, LayerNorm(d_model, eps=layer_norm_eps,
                                                                                   bias=bias, **kw))
        self._reset_parameters()
        self.d_model = d_model
        self.nhead = nhead
        self.batch_first = batch_first

    def forward(self, src, tgt, src_mask=None, tgt_mask=None, memory_mask=None, src_key_padding_mask=None,
                tgt_key_padding_mask=None, memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None,
                memory_is_causal=False):
        batched = src.dim() == 3
        if batched and src.size(0 if self.batch_first else 1) != tgt.size(0 if self.batch_first else 1):
            raise RuntimeError('the batch number of src and tgt must be equal')
        if src.size(-1) != self.d_model or tgt.size(-1) != self.d_model:
            raise RuntimeError('the feature number of src and tgt must be equal to d_model')
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask, tgt_is_causal=tgt_is_causal,
                            memory_is_causal=memory_is_causal)

    @staticmethod
    def generate_square_subsequent_mask(sz, device=None, dtype=None):
        """A float mask with -inf above the diagonal: position i attends to positions <= i."""
        return _generate_square_subsequent_mask(sz, device=device, dtype=dtype)

    def _reset_parameters(self):
        for p in self.parameters():
            if p.dim() > 1:
                init.xavier_uniform_(p)
