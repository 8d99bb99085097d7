"""F.linear's wide products: a few rows times a wide, deep weight are asked of BLAS with the operands'
roles swapped (faster in OpenBLAS), which must give the very bits of ``x @ W.T + b`` and a row-major
result, forward and backward, recorded or not."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.ops import linear as _linear

# (rows, in_features, out_features): swapped (n >= 4m, k >= 256) and, for contrast, not
WIDE = [(64, 784, 512), (64, 512, 512), (16, 784, 512), (1, 300, 7), (5, 257, 20), (32, 1024, 1024)]
OTHER = [(64, 64, 512), (512, 784, 64), (64, 512, 10)]


@pytest.mark.parametrize('dtype', [np.float32, np.float64])
@pytest.mark.parametrize('m,k,n', WIDE + OTHER)
def test_bits_and_layout(m, k, n, dtype):
    rng = np.random.default_rng(m * 7 + k + n)
    x = rng.standard_normal((m, k)).astype(dtype)
    w = rng.standard_normal((n, k)).astype(dtype)
    b = rng.standard_normal(n).astype(dtype)
    assert _linear._wide_product(x, w.T, np) == ((m, k, n) in WIDE)
    expected = x @ w.T
    for bias in (None, b):
        y = F.linear(ember.from_numpy(x), ember.from_numpy(w), None if bias is None else ember.from_numpy(bias))
        want = expected if bias is None else expected + bias
        assert np.array_equal(y.numpy(), want)
        assert y.is_contiguous() and y.numpy().flags.c_contiguous


def test_recorded_layer_matches_plain_products():
    # nn.Linear inside a recorded graph: the same forward bits, and the backward's gradients unchanged
    rng = np.random.default_rng(3)
    x = rng.standard_normal((64, 784)).astype(np.float32)
    layer = ember.nn.Linear(784, 512)
    w, b = layer.weight.detach().numpy(), layer.bias.detach().numpy()
    xt = ember.from_numpy(x).requires_grad_()
    y = layer(xt)
    assert y.grad_fn.name() == 'AddmmBackward0'
    assert np.array_equal(y.detach().numpy(), x @ w.T + b)
    g = rng.standard_normal((64, 512)).astype(np.float32)
    y.backward(ember.from_numpy(g))
    assert np.array_equal(xt.grad.numpy(), g @ w)
    assert np.array_equal(layer.weight.grad.numpy(), (g.T @ x))
    nobias = ember.nn.Linear(784, 512, bias=False)
    out = nobias(ember.from_numpy(x))
    assert np.array_equal(out.detach().numpy(), x @ nobias.weight.detach().numpy().T)
    assert out.is_contiguous()
