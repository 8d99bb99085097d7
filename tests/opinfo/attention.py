"""Rows for ember/ops/attention.py (float64, tiny shapes)."""
import numpy as np

import ember.ops.attention as A
from tests.opinfo import Const, OpInfo, Sample


def _softmax(a):
    e = np.exp(a - a.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _ref_sdpa(q, k, v, attn_mask=None, is_causal=False, scale=None):
    s = q @ np.swapaxes(k, -1, -2) * (scale if scale is not None else 1 / np.sqrt(q.shape[-1]))
    if is_causal:
        s = np.where(np.tril(np.ones(s.shape[-2:], bool)), s, -np.inf)
    if attn_mask is not None:
        s = np.where(attn_mask, s, -np.inf) if attn_mask.dtype == bool else s + attn_mask
    return _softmax(s) @ v


def _sdpa(rng):
    q, k, v = rng.standard_normal((2, 3, 2)), rng.standard_normal((2, 4, 2)), rng.standard_normal((2, 4, 3))
    mask = np.tril(np.ones((3, 4), bool), 1)
    return [Sample(q, k, v), Sample(q, k, v, attn_mask=rng.standard_normal((3, 4))),
            Sample(q, k, v, attn_mask=mask), Sample(q, k, v, is_causal=True, scale=0.7),
            Sample(rng.standard_normal((3, 2)), rng.standard_normal((3, 2)), rng.standard_normal((3, 2)))]


def _sdpa_4d(rng):
    """(batch, heads, L, E): the shapes the fused primitive takes."""
    q, k, v = rng.standard_normal((2, 2, 3, 2)), rng.standard_normal((2, 2, 4, 2)), rng.standard_normal((2, 2, 4, 3))
    mask = np.tril(np.ones((3, 4), bool), 1)
    mask[2] = False  # one query that may attend to nothing: a row of zeros, as in PyTorch
    return [Sample(q, k, v), Sample(q, k, v, attn_mask=Const(rng.standard_normal((2, 1, 3, 4)))),
            Sample(q, k, v, attn_mask=mask), Sample(q, k, v, is_causal=True, scale=0.7),
            Sample(q, rng.standard_normal((1, 2, 4, 2)), rng.standard_normal((2, 1, 4, 3))),
            Sample(rng.standard_normal((1, 4, 3, 2)), k[:1], v[:1], enable_gqa=True, is_causal=True)]


def _ref_sdpa_4d(q, k, v, attn_mask=None, is_causal=False, scale=None, enable_gqa=False):
    if enable_gqa:
        k, v = np.repeat(k, q.shape[-3] // k.shape[-3], -3), np.repeat(v, q.shape[-3] // v.shape[-3], -3)
    s = q @ np.swapaxes(k, -1, -2) * (scale if scale is not None else 1 / np.sqrt(q.shape[-1]))
    if is_causal:
        s = np.where(np.tril(np.ones(s.shape[-2:], bool)), s, -np.inf)
    if attn_mask is not None:
        s = np.where(attn_mask, s, -np.inf) if attn_mask.dtype == bool else s + attn_mask
    dead = np.isneginf(s).all(-1, keepdims=True)
    return np.where(dead, 0, _softmax(np.where(dead, 0, s))) @ v


def _mha(q, k, v, in_w, in_b, out_w, out_b, **kw):
    return A.multi_head_attention_forward(q, k, v, 4, 2, in_w, in_b, None, None, False, 0.0, out_w, out_b, **kw)[0]


def _mha_samples(rng):
    w = [rng.standard_normal((12, 4)) * 0.5, rng.standard_normal(12) * 0.1, rng.standard_normal((4, 4)) * 0.5,
         rng.standard_normal(4) * 0.1]
    x = rng.standard_normal((2, 1, 4))
    kv = rng.standard_normal((3, 1, 4))
    return [Sample(x, kv, kv, *w, attn_mask=np.triu(np.ones((2, 3), bool), 2)),
            Sample(x, kv, kv, *w, need_weights=False, key_padding_mask=np.array([[False, True, False]]))]


OPS = [
    OpInfo('scaled_dot_product_attention', A.scaled_dot_product_attention, _sdpa, ref=_ref_sdpa),
    OpInfo('scaled_dot_product_attention_4d', A.scaled_dot_product_attention, _sdpa_4d, ref=_ref_sdpa_4d),
    OpInfo('multi_head_attention_forward', _mha, _mha_samples),
]
