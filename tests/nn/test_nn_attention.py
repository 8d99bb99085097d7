"""ember.nn.attention: sdpa_kernel restricts the implementations scaled_dot_product_attention may use, with
PyTorch's errors and warnings (texts recorded from PyTorch 2.13); causal biases."""
import warnings

import pytest

import ember
import ember.nn.functional as F
from ember.backends import cuda as cuda_backends
from ember.nn.attention import SDPBackend, sdpa_kernel
from ember.nn.attention.bias import CausalBias, CausalVariant, causal_lower_right, causal_upper_left

NO_VIABLE = ("No viable backend for scaled_dot_product_attention was found. This is likely due to turning off both "
             "the math kernel and the fused kernels.")


def _q(*shape):
    ember.manual_seed(0)
    return ember.randn(*(shape or (2, 3, 4, 8)))


def test_backend_enum():
    assert [b.name for b in SDPBackend] == ['ERROR', 'MATH', 'FLASH_ATTENTION', 'EFFICIENT_ATTENTION',
                                           'CUDNN_ATTENTION', 'OVERRIDEABLE']
    assert [int(b) for b in SDPBackend] == [-1, 0, 1, 2, 3, 4]
    assert repr(SDPBackend.MATH) == '<SDPBackend.MATH: 0>' and str(SDPBackend.MATH) == 'SDPBackend.MATH'


def test_kernel_choice_follows_the_context():
    q = _q().requires_grad_()
    assert type(F.scaled_dot_product_attention(q, q, q).grad_fn).__name__ == \
        'ScaledDotProductFlashAttentionForCpuBackward0'
    with sdpa_kernel(SDPBackend.MATH) as state:
        assert state == {}
        assert cuda_backends.math_sdp_enabled() and not cuda_backends.flash_sdp_enabled()
        math_out = F.scaled_dot_product_attention(q, q, q)
        assert type(math_out.grad_fn).__name__ != 'ScaledDotProductFlashAttentionForCpuBackward0'
    assert cuda_backends.flash_sdp_enabled() and cuda_backends.mem_efficient_sdp_enabled()
    assert ember.allclose(math_out, F.scaled_dot_product_attention(q, q, q), atol=1e-6)
    with sdpa_kernel([SDPBackend.EFFICIENT_ATTENTION, SDPBackend.MATH]):
        F.scaled_dot_product_attention(q, q, q)


@pytest.mark.parametrize('backends', [SDPBackend.EFFICIENT_ATTENTION, SDPBackend.CUDNN_ATTENTION,
                                      SDPBackend.OVERRIDEABLE, []])
def test_no_viable_backend(backends):
    q = _q()
    with sdpa_kernel(backends), pytest.raises(RuntimeError, match=NO_VIABLE.replace('.', r'\.')):
        F.scaled_dot_product_attention(q, q, q)
    # half precision (computed in float32 by a second call) gives the same error (the SDPA tutorial's case)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        with sdpa_kernel(backends), pytest.raises(RuntimeError, match=NO_VIABLE.replace('.', r'\.')):
            F.scaled_dot_product_attention(q.half(), q.half(), q.half())


@pytest.mark.parametrize('case, reason', [
    ('dropout', "Both fused kernels do not support non-zero dropout."),
    ('3d', "All fused kernels requires query, key and value to be 4 dimensional, but got Query dim: 3, Key dim: 3, "
           "Value dim: 3 instead."),
    ('headdim', "Flash attention requires q,k,v to have the same last dimension. Got Query.size(-1): 8, "
                "Key.size(-1): 8, Value.size(-1): 5 instead."),
    ('int', "Expected query, key and value to all be of dtype: {Float, Double, BFloat16, Half}. Got Query dtype: "
            "long int, Key dtype: long int, and Value dtype: long int instead."),
    ('heads', "For dense input, both fused kernels require query, key and value to have the same num_heads. "
              "Query.sizes(): [2, 3, 4, 8], Key sizes(): [2, 2, 4, 8], Value sizes(): [2, 2, 4, 8] instead. To "
              "broadcast dense inputs, try using unsqueeze and expand_to before passing them into the kernel."),
    ('stride', "All fused kernels require the last dimension of the input to have stride 1. Got Query.stride(-1): 8, "
               "Key.stride(-1): 8, Value.stride(-1): 8"),
])
def test_flash_only_refuses_what_it_cannot_run(case, reason):
    q = _q()
    calls = {
        'dropout': lambda: F.scaled_dot_product_attention(q, q, q, dropout_p=0.5),
        '3d': lambda: F.scaled_dot_product_attention(q[0], q[0], q[0]),
        'headdim': lambda: F.scaled_dot_product_attention(q, q, _q(2, 3, 4, 5)),
        'int': lambda: F.scaled_dot_product_attention(q.long(), q.long(), q.long()),
        'heads': lambda: F.scaled_dot_product_attention(q, _q(2, 2, 4, 8), _q(2, 2, 4, 8)),
        'stride': lambda: F.scaled_dot_product_attention(*[q.transpose(-1, -2)] * 3),
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        with sdpa_kernel(SDPBackend.FLASH_ATTENTION), \
                pytest.raises(RuntimeError, match=r"No available kernel\.  Aborting execution\."):
            calls[case]()
    assert [str(w.message) for w in caught] == ["Flash attention kernel not used because:", reason]
    # the math composition takes them when allowed
    if case not in ('int', 'heads'):
        with sdpa_kernel([SDPBackend.FLASH_ATTENTION, SDPBackend.MATH]):
            calls[case]()


def test_flash_only_runs_what_it_supports():
    q = _q()
    with sdpa_kernel(SDPBackend.FLASH_ATTENTION):
        F.scaled_dot_product_attention(q, q, q, attn_mask=ember.zeros(4, 4))
        F.scaled_dot_product_attention(q, q, q, is_causal=True, scale=0.3)
        F.scaled_dot_product_attention(q, _q(2, 1, 4, 8), _q(2, 1, 4, 8), enable_gqa=True)


def test_bad_backend_argument():
    with pytest.raises(AssertionError, match="Backend must be an instance of SDPBackend or a list of SDPBackend "
                                             "instances, got str"):
        with sdpa_kernel('math'):
            pass


def test_state_restored_after_an_error():
    with pytest.raises(ZeroDivisionError):
        with sdpa_kernel(SDPBackend.MATH):
            1 / 0
    assert cuda_backends.flash_sdp_enabled()


def test_causal_bias_masks():
    assert causal_upper_left(3, 4)._materialize().tolist() == [[True, False, False, False], [True, True, False, False],
                                                                [True, True, True, False]]
    assert causal_lower_right(3, 4)._materialize().tolist() == [[True, True, False, False], [True, True, True, False],
                                                                 [True, True, True, True]]
    b = causal_lower_right(2, 5)
    assert isinstance(b, CausalBias) and isinstance(b, ember.Tensor)
    assert (b.variant, b.seq_len_q, b.seq_len_kv) == (CausalVariant.LOWER_RIGHT, 2, 5)
    with pytest.warns(UserWarning, match="Lower right causal bias will produce NaNs in the output when "
                                         "seq_len_q > seq_len_kv!"):
        causal_lower_right(5, 2)
    with pytest.raises(AssertionError, match="causal_upper_left only supports 2D tensors"):
        causal_upper_left(1, 2, 3)
    with pytest.raises(AssertionError, match="variant must be a CausalVariant, got int"):
        CausalBias(1, 2, 2)


def test_causal_bias_in_attention():
    q, k = _q(1, 2, 3, 8), _q(1, 2, 5, 8)
    out = F.scaled_dot_product_attention(q, k, k, attn_mask=causal_lower_right(3, 5))
    ref = F.scaled_dot_product_attention(q, k, k, attn_mask=causal_lower_right(3, 5)._materialize())
    assert ember.allclose(out, ref)
    out = F.scaled_dot_product_attention(q, k, k, attn_mask=causal_upper_left(3, 5))
    assert ember.allclose(out, F.scaled_dot_product_attention(q, k, k, is_causal=True))
    with pytest.raises(ValueError, match="CausalBias should not be used with causal=True"):
        F.scaled_dot_product_attention(q, k, k, attn_mask=causal_upper_left(3, 5), is_causal=True)
