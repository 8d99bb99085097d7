"""Attention with a CausalBias mask returns a plain tensor that can be indexed and used further."""
import ember
import ember.nn.functional as F
from ember.nn.attention.bias import causal_lower_right, causal_upper_left


def test_sdpa_with_causal_bias_returns_a_plain_tensor():
    ember.manual_seed(0)
    q, k, v = ember.randn(2, 4, 3, 8), ember.randn(2, 4, 5, 8), ember.randn(2, 4, 5, 8)
    for bias in (causal_lower_right(3, 5), causal_upper_left(3, 5)):
        out = F.scaled_dot_product_attention(q, k, v, bias)
        assert type(out) is ember.Tensor
        expected = F.scaled_dot_product_attention(q, k, v, attn_mask=bias._materialize())
        assert ember.allclose(out[0, 0, 0], expected[0, 0, 0])
        assert ember.allclose((out * 2).sum(-1), (expected * 2).sum(-1))
