"""multi_head_attention_forward reaches its products, softmax and output projection where a user reaches them
(``ember.bmm``, ``F.softmax``, ``F.linear``, ``F.scaled_dot_product_attention``) at each call, as PyTorch's does:
a library that patches them to count work (ptflops' FLOP counter) sees the attention's calls."""
import pytest

import ember
import ember.nn.functional as F


def _counting(monkeypatch, owner, name, calls):
    original = getattr(owner, name)

    def counted(*args, **kwargs):
        calls.append(name)
        return original(*args, **kwargs)
    monkeypatch.setattr(owner, name, counted)


def test_attention_with_weights_calls_the_patched_bmm_softmax_and_linear(monkeypatch):
    ember.manual_seed(0)
    mha = ember.nn.MultiheadAttention(8, 2, batch_first=True)
    x = ember.randn(2, 4, 8)
    expected, expected_weights = mha(x, x, x)
    calls = []
    for owner, name in ((ember, 'bmm'), (F, 'softmax'), (F, 'linear')):
        _counting(monkeypatch, owner, name, calls)
    out, weights = mha(x, x, x)
    # (the scores and the weighted values are two bmm's; one softmax; the packed input projection and the
    # output projection a linear each)
    assert sorted(calls) == ['bmm', 'bmm', 'linear', 'linear', 'softmax']
    assert ember.equal(out, expected) and ember.equal(weights, expected_weights)


def test_attention_with_a_mask_calls_the_patched_baddbmm(monkeypatch):
    mha = ember.nn.MultiheadAttention(8, 2)
    x = ember.randn(3, 1, 8)
    calls = []
    _counting(monkeypatch, ember, 'baddbmm', calls)
    mha(x, x, x, attn_mask=ember.zeros(3, 3))
    assert calls == ['baddbmm']


@pytest.mark.parametrize('training', [True, False])
def test_attention_without_weights_calls_the_patched_scaled_dot_product_attention(monkeypatch, training):
    mha = ember.nn.MultiheadAttention(8, 2).train(training)
    x = ember.randn(3, 2, 8, requires_grad=True)     # (a tensor that needs grad keeps the eval fast path off)
    calls = []
    _counting(monkeypatch, F, 'scaled_dot_product_attention', calls)
    mha(x, x, x, need_weights=False)
    assert calls == ['scaled_dot_product_attention']
