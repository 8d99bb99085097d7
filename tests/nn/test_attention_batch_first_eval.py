"""nn.MultiheadAttention's batch-first self-attention in eval mode with nothing recorded (the case
PyTorch runs through its fused fast path) is computed batch-first
(ember/ops/attention._batch_first_self_attention): the values are the general path's bit for bit, and
the output's layout is PyTorch's (a contiguous (N, L, E) tensor; PyTorch 2.13 gives strides (96, 16, 1)
for a (4, 6, 16) input there, and (16, 64, 1), a transposed view, when it records a graph)."""
import numpy as np
import pytest

import ember
from ember.backends import mha

SHAPES = [(1, 1, 8, 2), (3, 5, 8, 2), (4, 6, 16, 4), (16, 64, 128, 4), (2, 77, 64, 2)]


def _general_path(call):
    mha.set_fastpath_enabled(False)
    try:
        return call()
    finally:
        mha.set_fastpath_enabled(True)


def _module(E, H, dtype, seed):
    ember.manual_seed(seed)
    m = ember.nn.MultiheadAttention(E, H, batch_first=True, dtype=dtype).eval()
    with ember.no_grad():
        for p in m.parameters():
            p.normal_()
    return m


@pytest.mark.parametrize('dtype', [ember.float32, ember.float64])
@pytest.mark.parametrize('N, L, E, H', SHAPES)
def test_values_are_the_general_paths_to_the_bit(N, L, E, H, dtype):
    m = _module(E, H, dtype, N * 100 + L)
    x = ember.randn(N, L, E, dtype=dtype)
    with ember.no_grad():
        fast, none = m(x, x, x, need_weights=False)
        general, _ = _general_path(lambda: m(x, x, x, need_weights=False))
    assert none is None
    np.testing.assert_array_equal(fast.numpy().view(np.uint8), general.numpy().view(np.uint8))


@pytest.mark.parametrize('dtype', [ember.float32, ember.float64])
def test_encoder_layer_eval_is_unchanged_to_the_bit(dtype):
    ember.manual_seed(0)
    layer = ember.nn.TransformerEncoderLayer(32, 4, 64, batch_first=True, dtype=dtype).eval()
    x = ember.randn(3, 10, 32, dtype=dtype)
    with ember.no_grad():
        fast = layer(x).numpy()
        general = _general_path(lambda: layer(x)).numpy()
    np.testing.assert_array_equal(fast.view(np.uint8), general.view(np.uint8))


def test_layout_is_pytorchs():
    m = _module(16, 4, ember.float32, 0)
    x = ember.randn(4, 6, 16)
    with ember.no_grad():
        assert m(x, x, x, need_weights=False)[0].stride() == (96, 16, 1)
    out = m(x, x, x, need_weights=False)[0]          # parameters require grad: the general path, recorded
    assert out.stride() == (16, 64, 1) and out.grad_fn is not None


def test_cross_attention_and_training_keep_the_transposed_layout():
    # as PyTorch's (16, 64, 1) there; a mask or asking for the weights also stays on the general path
    # in ember, where PyTorch's fused path gives (96, 16, 1): only the layout differs, not the values
    m = _module(16, 4, ember.float32, 1)
    x = ember.randn(4, 6, 16)
    with ember.no_grad():
        assert m(x, x.clone(), x.clone(), need_weights=False)[0].stride() == (16, 64, 1)
        m.train()
        assert m(x, x, x, need_weights=False)[0].stride() == (16, 64, 1)


def test_a_wrong_embedding_size_gets_pytorchs_fast_path_error():
    # PyTorch 2.13, eval under no_grad: "passed-in embed_dim 8 didn't match last dim of query 6"
    m = _module(8, 2, ember.float32, 2)
    x = ember.zeros(2, 3, 6)
    with ember.no_grad(), pytest.raises(RuntimeError, match="^passed-in embed_dim 8 didn't match last dim of query 6$"):
        m(x, x, x, need_weights=False)


def test_the_meta_device_keeps_the_general_path():
    # PyTorch 2.13 takes its general path on 'meta' too: strides (8, 16, 1) for a (2, 3, 8) input
    m = ember.nn.MultiheadAttention(8, 2, batch_first=True, device='meta').eval()
    x = ember.zeros(2, 3, 8, device='meta')
    with ember.no_grad():
        assert m(x, x, x, need_weights=False)[0].stride() == (8, 16, 1)
