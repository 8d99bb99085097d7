"""Multi-head attention as PyTorch's graphs hold it: ``F.multi_head_attention_forward`` is Python code in
PyTorch, so ``torch.export`` and ``torch.jit.trace`` record the operators it calls (``linear``, ``unflatten``,
``bmm``, ``softmax``, ``scaled_dot_product_attention``, ...). While a trace runs, ember's attention (computed
with internal functions the recording does not see) is replaced by this definition, made of ember's public
calls in the order PyTorch's code makes them, so each is recorded as PyTorch records it. The checks (and
their errors) are ember's own, shared with the eager function."""
import math

import ember


def _functional():
    import ember.nn.functional as F      # read at call time: its names dispatch while the trace runs
    return F


def _canonical_mask(mask, name, dtype, other=None, other_name=''):
    # PyTorch's conversion of a bool mask: zeros filled with -inf where masked
    from ember.ops.attention import _check_mask
    if mask is None:
        return None
    _check_mask(mask, name, other, other_name)
    if mask.dtype is ember.bool:
        return ember.zeros_like(mask, dtype=dtype).masked_fill_(mask, float('-inf'))
    return mask


def _in_projection_packed(q, k, v, w, b):
    F = _functional()
    E = q.size(-1)
    if k is v:
        if q is k:
            proj = F.linear(q, w, b).unflatten(-1, (3, E)).unsqueeze(0).transpose(0, -2).squeeze(-2).contiguous()
            return proj[0], proj[1], proj[2]
        w_q, w_kv = w.split([E, E * 2])
        b_q, b_kv = (None, None) if b is None else b.split([E, E * 2])
        q_proj = F.linear(q, w_q, b_q)
        kv = F.linear(k, w_kv, b_kv).unflatten(-1, (2, E)).unsqueeze(0).transpose(0, -2).squeeze(-2).contiguous()
        return q_proj, kv[0], kv[1]
    w_q, w_k, w_v = w.chunk(3)
    b_q, b_k, b_v = (None, None, None) if b is None else b.chunk(3)
    return F.linear(q, w_q, b_q), F.linear(k, w_k, b_k), F.linear(v, w_v, b_v)


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                                 bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
                                 training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
                                 v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                                 is_causal=False):
    """``F.multi_head_attention_forward`` as the calls PyTorch's Python definition makes."""
    from ember.ops.attention import _adds_bias_kv, _batched_attn_mask, _check_shapes, _head_dim, _static
    F = _functional()
    batched = _check_shapes(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    key_padding_mask = _canonical_mask(key_padding_mask, 'key_padding_mask', query.dtype, attn_mask, 'attn_mask')
    if is_causal and attn_mask is None:
        raise RuntimeError('Need attn_mask if specifying the is_causal hint. You may use the Transformer module '
                           'method `generate_square_subsequent_mask` to create this mask.')
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None
    else:
        attn_mask = _canonical_mask(attn_mask, 'attn_mask', query.dtype)
        if key_padding_mask is not None:
            is_causal = False
    head_dim = _head_dim(embed_dim, embed_dim_to_check, num_heads, key, value, use_separate_proj_weight)
    if use_separate_proj_weight:
        for w, x, name in ((q_proj_weight, query, 'query'), (k_proj_weight, key, 'key'),
                           (v_proj_weight, value, 'value')):
            if w is None:
                raise AssertionError(f'use_separate_proj_weight is True but {name[0]}_proj_weight is None')
            if tuple(w.shape) != (embed_dim, x.shape[-1]):
                raise AssertionError(f'expecting {name} weights shape of {(embed_dim, x.shape[-1])}, but got '
                                     f'{w.shape}')
        b_q, b_k, b_v = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)
        q, k, v = (F.linear(query, q_proj_weight, b_q), F.linear(key, k_proj_weight, b_k),
                   F.linear(value, v_proj_weight, b_v))
    else:
        if in_proj_weight is None:
            raise AssertionError('use_separate_proj_weight is False but in_proj_weight is None')
        q, k, v = _in_projection_packed(query, key, value, in_proj_weight, in_proj_bias)
    attn_mask = _batched_attn_mask(attn_mask, tgt_len, src_len, bsz, num_heads)
    if _adds_bias_kv(bias_k, bias_v, static_k, static_v):
        k = ember.cat([k, bias_k.repeat(1, bsz, 1)])
        v = ember.cat([v, bias_v.repeat(1, bsz, 1)])
        if attn_mask is not None:
            attn_mask = F.pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = F.pad(key_padding_mask, (0, 1))
    q = q.view(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = k.view(k.shape[0], bsz * num_heads, head_dim).transpose(0, 1) if static_k is None else \
        _static(static_k, 'k', bsz * num_heads, head_dim)
    v = v.view(v.shape[0], bsz * num_heads, head_dim).transpose(0, 1) if static_v is None else \
        _static(static_v, 'v', bsz * num_heads, head_dim)
    if add_zero_attn:
        shape = (bsz * num_heads, 1, head_dim)
        k = ember.cat([k, ember.zeros(shape, dtype=k.dtype, device=k.device)], dim=1)
        v = ember.cat([v, ember.zeros(shape, dtype=v.dtype, device=v.device)], dim=1)
        if attn_mask is not None:
            attn_mask = F.pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = F.pad(key_padding_mask, (0, 1))
    src_len = k.size(1)
    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (bsz, src_len):
            raise AssertionError(f'Expected key_padded_mask.shape[0] to be {bsz}, but got {key_padding_mask.shape[0]}'
                                 if key_padding_mask.shape[0] != bsz else
                                 f'Expected key_padded_mask.shape[1] to be {src_len}, but got '
                                 f'{key_padding_mask.shape[1]}')
        key_padding_mask = key_padding_mask.view(bsz, 1, 1, src_len).expand(-1, num_heads, -1, -1) \
            .reshape(bsz * num_heads, 1, src_len)
        attn_mask = key_padding_mask if attn_mask is None else attn_mask + key_padding_mask
    if not training:
        dropout_p = 0.0
    if need_weights:
        E = q.shape[2]
        q_scaled = q * math.sqrt(1.0 / float(E))
        if is_causal and attn_mask is None:
            raise AssertionError('FIXME: is_causal not implemented for need_weights')
        weights = ember.baddbmm(attn_mask, q_scaled, k.transpose(-2, -1)) if attn_mask is not None else \
            ember.bmm(q_scaled, k.transpose(-2, -1))
        weights = F.softmax(weights, dim=-1)
        if dropout_p > 0.0:
            weights = F.dropout(weights, p=dropout_p)
        out = ember.bmm(weights, v).transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
        out = F.linear(out, out_proj_weight, out_proj_bias)
        out = out.view(tgt_len, bsz, out.size(1))
        weights = weights.view(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.mean(dim=1)
        if not batched:
            out, weights = out.squeeze(1), weights.squeeze(0)
        return out, weights
    if attn_mask is not None:
        attn_mask = attn_mask.unsqueeze(0) if attn_mask.size(0) == 1 and attn_mask.dim() == 3 else \
            attn_mask.view(bsz, num_heads, -1, src_len)
    q = q.view(bsz, num_heads, tgt_len, head_dim)
    k = k.view(bsz, num_heads, src_len, head_dim)
    v = v.view(bsz, num_heads, src_len, head_dim)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)
    out = out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
    out = F.linear(out, out_proj_weight, out_proj_bias)
    out = out.view(tgt_len, bsz, out.size(1))
    if not batched:
        out = out.squeeze(1)
    return out, None
