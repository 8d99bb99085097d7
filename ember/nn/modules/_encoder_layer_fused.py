"""Masks in nn.TransformerEncoderLayer's eval "fast path", as PyTorch's fused kernel
(``torch._transformer_encoder_layer_fwd``) reads them.

Where PyTorch takes that path (eval, batch-first, nothing recorded, ...) with a ``src_mask`` or a
``src_key_padding_mask``, its kernel merges both into one boolean mask: any nonzero entry masks its key
(a finite float mask is not added to the scores there, it masks), and a query whose every key is masked
(in any head) comes out NaN (its softmax divides zero by zero), where the general path gives zeros. ember
computes the layer on the general path with the masks rebuilt as PyTorch's kernel reads them (-inf where
nonzero: for the usual -inf/0 masks the same values, so the same results bit for bit) and sets those
queries' rows to NaN.
"""
from ember import overrides as _overrides
from ember.amp._state import is_autocast_enabled as _autocast_enabled
from ember.autograd import function as _function, grad_mode as _grad_mode
from ember.backends import mha as _mha

_DEVICES = ('cpu', 'cuda')


def takes_fused_path(layer, src):
    """Whether PyTorch runs ``layer(src, ...)`` through its fused eval kernel (its conditions, in its order;
    not while tools watch the ops, as for MultiheadAttention's fused path: they see the general path)."""
    attn = layer.self_attn
    if (_function._op_hooks or not _mha.get_fastpath_enabled() or src.dim() != 3 or layer.training or not attn.batch_first
            or attn.in_proj_bias is None or not attn._qkv_same_embed_dim or not layer.activation_relu_or_gelu
            or layer.norm1.eps != layer.norm2.eps or src.is_nested or attn.num_heads % 2 == 1
            or _autocast_enabled()):
        return False
    if any(len(m._forward_hooks) + len(m._forward_pre_hooks) for m in layer.modules()):
        return False
    args = (src, attn.in_proj_weight, attn.in_proj_bias, attn.out_proj.weight, attn.out_proj.bias,
            layer.norm1.weight, layer.norm1.bias, layer.norm2.weight, layer.norm2.bias, layer.linear1.weight,
            layer.linear1.bias, layer.linear2.weight, layer.linear2.bias)
    if any(t is None for t in args) or _overrides.has_torch_function(args):
        return False
    if not all(t.device.type in _DEVICES for t in args):
        return False
    return not (_grad_mode.is_grad_enabled() and any(t.requires_grad for t in args))


def _as_masking(mask):
    """A float mask as the kernel reads it: -inf where nonzero, 0 elsewhere."""
    masked = mask != 0
    return masked, mask.new_zeros(tuple(mask.shape)).masked_fill(masked, float('-inf'))


def fused_masks(src, src_mask, key_padding_mask, num_heads):
    """``(src_mask, key_padding_mask, dead)``: the (float, canonical) masks as PyTorch's fused kernel
    reads them, and the bool ``(N, L)`` queries whose every key is masked (None when there are none)."""
    N, L = src.shape[0], src.shape[1]
    masked = None
    if src_mask is not None:
        masked, src_mask = _as_masking(src_mask)
        if masked.dim() == 3:                           # (N * heads, L, S): per sample and head
            masked = masked.reshape(N, num_heads, masked.shape[-2], masked.shape[-1])
        else:
            masked = masked.unsqueeze(0).unsqueeze(0)   # (1, 1, L, S)
    if key_padding_mask is not None:
        padded, key_padding_mask = _as_masking(key_padding_mask)
        padded = padded.reshape(N, 1, 1, padded.shape[-1])
        masked = padded if masked is None else masked.logical_or(padded)
    dead = masked.all(-1).any(1)                        # (N or 1, L or 1): every key masked in some head
    if not bool(dead.any()):
        return src_mask, key_padding_mask, None
    return src_mask, key_padding_mask, dead.expand(N, L)
