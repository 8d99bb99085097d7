"""ember.nn.attention.flex_attention: values, block masks and their printing as PyTorch's (recorded in
tests/fixtures/nn/flex_attention.json), gradients (gradcheck in float64), PyTorch's errors."""
import json
import os
import warnings

import numpy as np
import pytest

import ember
import ember.nn.attention.flex_attention as FA
from ember.autograd import gradcheck, gradgradcheck
from tests.nn.flex_attention_cases import CASES, _qkv, _rel_bias, causal

with open(os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'nn', 'flex_attention.json')) as _f:
    _RECORDED = json.load(_f)


@pytest.mark.parametrize('name', sorted(CASES))
def test_matches_recorded_pytorch(name):
    got = CASES[name](ember, FA)
    want = _RECORDED[name]
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        if w is None:
            assert g is None, (name, i)
        elif 'str' in w:
            assert g.replace('ember.', 'torch.') == w['str'], (name, i)
        else:
            assert list(g.shape) == w['shape'] and str(g.dtype).replace('ember.', '') == w['dtype'], (name, i)
            np.testing.assert_allclose(g.double().numpy().ravel(), np.array(w['values'], dtype=np.float64),
                                       rtol=1e-12, atol=1e-12, err_msg=f'{name}[{i}]')


def test_gradients_through_query_key_value_and_captured_tensors():
    q, k, v = (t[:1, :1, :4, :3].clone().requires_grad_() for t in _qkv(ember))
    bias = ember.tensor([0.3, -0.2, 0.1, 0.05], dtype=ember.float64, requires_grad=True)
    bm = FA.create_block_mask(causal, None, None, 4, 4, device='cpu', BLOCK_SIZE=2)

    def attend(q, k, v, bias):
        return FA.flex_attention(q, k, v, score_mod=lambda s, b, h, qi, ki: s * 1.5 + bias[qi - ki],
                                 block_mask=bm)
    assert gradcheck(attend, (q, k, v, bias))
    assert gradgradcheck(attend, (q, k, v, bias))
    out, lse = FA.flex_attention(q, k, v, return_lse=True, block_mask=bm)
    assert gradcheck(lambda q, k: FA.flex_attention(q, k, v, return_aux=FA.AuxRequest(lse=True))[1].lse.sum(), (q, k))
    assert out.requires_grad and lse.requires_grad


def test_matches_scaled_dot_product_attention():
    q, k, v = _qkv(ember, L=5, S=5)
    np.testing.assert_allclose(FA.flex_attention(q, k, v, block_mask=FA.create_block_mask(
        causal, None, None, 5, 5, device='cpu')).numpy(),
        ember.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True).numpy(), rtol=1e-12)


def test_mods_are_called_with_index_tensors_and_run_once():
    seen = []

    def mask_mod(b, h, q_idx, kv_idx):
        seen.append((b.shape, h.dtype, q_idx.dim(), kv_idx.shape))
        return q_idx >= kv_idx
    FA.create_block_mask(mask_mod, 2, 3, 4, 5, device='cpu')
    assert seen == [((), ember.int64, 0, ())]


def test_errors_match_pytorch():
    q, k, v = _qkv(ember)
    with pytest.raises(ValueError, match=r"^Expect query and key/value to have the same number of heads but got "
                                         r"Hq=2 and Hkv=1\. Try setting enable_gqa=True for GQA\.$"):
        FA.flex_attention(q, k[:, :1], v[:, :1])
    with pytest.raises(ValueError, match=r"^Expect query and key/value to have the same embedding dimension but got "
                                         r"E=4 and E=3\.$"):
        FA.flex_attention(q, k[..., :3], v)
    with pytest.raises(NotImplementedError, match=r"^NYI: query, key, and value must be 4D tensors$"):
        FA.flex_attention(q[0], k[0], v[0])
    with pytest.raises(ValueError, match=r"^block_mask was created for block_mask\.shape=\(1, 1, 4, 4\) but got "
                                         r"q_len=6 and kv_len=5\. As the block mask was created for a smaller length"):
        FA.flex_attention(q, k, v, block_mask=FA.create_block_mask(causal, 1, 1, 4, 4, device='cpu'))
    with pytest.raises(ValueError, match=r"larger length than you're using it for, you can either 1\. create"):
        FA.flex_attention(q, k, v, block_mask=FA.create_block_mask(causal, 1, 1, 8, 8, device='cpu'))
    with pytest.raises(NotImplementedError, match=r"^Returning max scores is not supported on CPU/MPS\.$"):
        FA.flex_attention(q, k, v, return_aux=FA.AuxRequest(lse=True, max_scores=True))
    with pytest.raises(ValueError, match=r"^Cannot specify both return_lse and return_aux\."):
        FA.flex_attention(q, k, v, return_lse=True, return_aux=FA.AuxRequest(lse=True))
    with pytest.raises(ValueError, match=r"^Invalid BACKEND value 'CUDNN'\. Must be one of \('AUTO', 'TRITON', "
                                         r"'FLASH', 'TRITON_DECODE'\)$"):
        FA.flex_attention(q, k, v, kernel_options={'BACKEND': 'CUDNN'})
    with pytest.raises(RuntimeError, match=r"^Cannot use mask_mod from a sliced BlockMask$"):
        FA.flex_attention(q, k, v, block_mask=FA.create_block_mask(causal, 2, 2, 6, 5, device='cpu')[0])
    with pytest.raises(RuntimeError, match=r"^Cannot use mask_mod from a sliced BlockMask\. When you slice"):
        FA.create_block_mask(causal, 2, 2, 6, 5, device='cpu')[0].mask_mod(*[ember.tensor(0)] * 4)
    with pytest.raises(RuntimeError, match=r"^All inputs should be callable mask_mods: \(1,\)$"):
        FA.and_masks(1)
    with pytest.raises(AssertionError, match=r"^Expected 4 or 5 positional args, got 3$"):
        FA.create_mask(lambda a, b, c: a, 1, 1, 2, 2, device='cpu')
    with pytest.raises(AssertionError, match=r"^create-block_mask requires a mask_mod function! Got "):
        FA.create_block_mask(_rel_bias(ember), 1, 1, 2, 2, device='cpu')


def test_return_lse_is_deprecated_with_pytorchs_warning():
    q, k, v = _qkv(ember)
    FA._warned.discard('deprecated_return_lse')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        FA.flex_attention(q, k, v, return_lse=True)
        FA.flex_attention(q, k, v, return_lse=True)    # once per process, as PyTorch warns
    assert [str(w.message) for w in caught if w.category is FutureWarning] == [
        "return_lse is deprecated and will be removed in v2.10. Please use return_aux=AuxRequest(lse=True) instead."]



def test_mods_run_batched_without_looping():
    """Every op of the mods runs once over all positions (a looped op would run per position)."""
    q, k, v = _qkv(ember)
    docs = ember.tensor([0, 0, 1, 1, 1, 2])

    def mask_mod(b, h, qi, ki):
        return (docs[qi] == docs[ki.clamp(max=5)]) | (qi >= ki)
    bm = FA.create_block_mask(mask_mod, 2, 2, 6, 5, device='cpu', BLOCK_SIZE=2)
    ember.func._set_vmap_fallback_warning_enabled(True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('error')
            FA.flex_attention(q.float(), k.float(), v.float(), block_mask=bm,
                              score_mod=lambda s, b, h, qi, ki: s - (qi - ki).abs() * 0.01 * (h + 1))
    finally:
        ember.func._set_vmap_fallback_warning_enabled(False)


def test_blocks_the_mask_does_not_list_are_left_out():
    """A BlockMask made from its block lists: positions in unlisted blocks take no part, as in
    PyTorch's compiled kernels (its unfused CPU path looks at mask_mod only)."""
    q, k, v = _qkv(ember, B=1, H=1, L=4, S=4)
    bm = FA.BlockMask.from_kv_blocks(ember.tensor([[[1, 1]]], dtype=ember.int32),
                                     ember.tensor([[[[0, 1], [1, 0]]]], dtype=ember.int32), BLOCK_SIZE=2)
    allowed = ember.tensor([[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 1]], dtype=ember.bool)
    want = ember.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=allowed)
    np.testing.assert_allclose(FA.flex_attention(q, k, v, block_mask=bm).numpy(), want.numpy(), rtol=1e-12)
    heads = FA.create_block_mask(lambda b, h, qi, ki: (h == 0) | (qi >= ki), 1, 2, 6, 5, device='cpu', BLOCK_SIZE=2)
    q, k, v = _qkv(ember, B=1)
    causal = ember.ones(6, 5, dtype=ember.bool).tril()
    want = ember.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=ember.stack([ember.ones(6, 5).bool(),
                                                                                           causal]))
    np.testing.assert_allclose(FA.flex_attention(q, k, v, block_mask=heads).numpy(), want.numpy(), rtol=1e-12)
