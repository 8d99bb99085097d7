"""flex_attention cases written once for both libraries (``T`` is ember or torch; ``FA`` its
``nn.attention.flex_attention`` module). Inputs are fixed float64 values. Each case returns a tuple of
tensors, or of strings (printed block masks); recorded from PyTorch by
``python -m tests.nn.record_flex_attention``."""


def _qkv(T, B=2, H=2, L=6, S=5, E=4, Hkv=None):
    Hkv = Hkv or H
    q = (T.arange(B * H * L * E, dtype=T.float64).reshape(B, H, L, E) * 0.37).sin()
    k = (T.arange(B * Hkv * S * E, dtype=T.float64).reshape(B, Hkv, S, E) * 0.21).cos()
    v = (T.arange(B * Hkv * S * E, dtype=T.float64).reshape(B, Hkv, S, E) * 0.13).sin() * 2
    return q, k, v


def causal(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx


def _document_mask(T):
    doc = T.tensor([0, 0, 1, 1, 1, 2, 2, 2])

    def same_document(b, h, q_idx, kv_idx):
        return doc[q_idx] == doc[kv_idx]
    return same_document


def _rel_bias(T):
    bias = T.arange(8, dtype=T.float64) * -0.1

    def relative_bias(score, b, h, q_idx, kv_idx):
        return score + bias[(q_idx - kv_idx).abs()] * (h + 1)
    return relative_bias


def plain(T, FA):
    q, k, v = _qkv(T)
    return (FA.flex_attention(q, k, v),)


def score_mods(T, FA):
    q, k, v = _qkv(T)
    alibi = FA.flex_attention(q, k, v, score_mod=lambda s, b, h, qi, ki: s - (qi - ki).abs() * 0.25 * (h + 1))
    soft_cap = FA.flex_attention(q, k, v, score_mod=lambda s, b, h, qi, ki: (s / 0.5).tanh() * 0.5, scale=0.7)
    batch_dependent = FA.flex_attention(q, k, v, score_mod=lambda s, b, h, qi, ki: s * (b + 1) + ki * 0.1)
    return alibi, soft_cap, batch_dependent


def block_masks(T, FA):
    q, k, v = _qkv(T, L=8, S=8)
    bm = FA.create_block_mask(causal, None, None, 8, 8, device='cpu', BLOCK_SIZE=4)
    docs = FA.create_block_mask(FA.and_masks(_document_mask(T), causal), 2, 1, 8, 8, device='cpu', BLOCK_SIZE=2)
    either = FA.create_block_mask(FA.or_masks(causal, lambda b, h, qi, ki: ki == 7), 1, 2, 8, 8, device='cpu',
                                  BLOCK_SIZE=(2, 4))
    outs = (FA.flex_attention(q, k, v, block_mask=bm), FA.flex_attention(q, k, v, block_mask=docs),
            FA.flex_attention(q, k, v, score_mod=_rel_bias(T), block_mask=docs),
            FA.flex_attention(q, k, v, block_mask=either))
    layouts = tuple(t for m in (bm, docs, either) for t in (m.kv_num_blocks, m.kv_indices, m.full_kv_num_blocks,
                                                            m.full_kv_indices, m.q_num_blocks, m.q_indices,
                                                            m.to_dense()))
    return outs + layouts


def fully_masked_rows_and_lse(T, FA):
    q, k, v = _qkv(T, L=4, S=4)
    bm = FA.create_block_mask(lambda b, h, qi, ki: (qi != 1) & (ki <= qi), 2, 2, 4, 4, device='cpu', BLOCK_SIZE=2)
    out, lse = FA.flex_attention(q, k, v, block_mask=bm, return_lse=True)
    out2, aux = FA.flex_attention(q, k, v, score_mod=_rel_bias(T), return_aux=FA.AuxRequest(lse=True))
    return out, lse, out2, aux.lse


def gqa_and_value_dim(T, FA):
    q, k, v = _qkv(T, H=4, Hkv=2, L=5, S=7)
    v = T.cat([v, v.flip(-1)], dim=-1)
    return (FA.flex_attention(q, k, v, enable_gqa=True, score_mod=lambda s, b, h, qi, ki: s + h * 0.5),)


def masks_and_printing(T, FA):
    bm = FA.create_block_mask(causal, 2, 1, 300, 260, device='cpu')
    docs = FA.create_block_mask(FA.and_masks(_document_mask(T), causal), None, None, 8, 8, device='cpu', BLOCK_SIZE=2)
    sliced = bm[1]
    dense = FA.create_mask(FA.or_masks(causal, lambda b, h, qi, ki: ki == 3), 1, 2, 4, 5, device='cpu')
    score_dense = FA.create_mask(lambda s, b, h, qi, ki: T.where(qi > ki, s, -float('inf')), 1, 1, 3, 3, device='cpu')
    strings = (str(bm), str(docs), bm.to_string(grid_size=2), docs.to_string(limit=1), str(bm.shape),
               f"{bm.sparsity():.10f}", f"{docs.sparsity():.10f}", str(sliced.shape), str(bm.numel()),
               str(bm._adjust(200, 130).shape), f"{bm._adjust(200, 130).sparsity():.10f}")
    return strings + (dense, score_dense, sliced.kv_num_blocks, bm._adjust(200, 130).to_dense(),
                      FA.noop_mask(T.tensor(0), T.tensor(0), T.tensor(0), T.tensor(0)))


CASES = {'plain': plain, 'score_mods': score_mods, 'block_masks': block_masks,
         'fully_masked_rows_and_lse': fully_masked_rows_and_lse, 'gqa_and_value_dim': gqa_and_value_dim,
         'masks_and_printing': masks_and_printing}
