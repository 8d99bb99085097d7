"""The array-level fast paths (GELU's chunked kernel, first-order backwards of GELU, softmax and
LayerNorm, softmax's row max) give what the op-by-op formulas give, on arrays larger than one chunk
and with NaN and infinities in them."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.ops import _erf, _gelu


def _data(n, dtype, seed=0):
    x = np.random.default_rng(seed).standard_normal(n) * 3
    x[:6] = [np.nan, np.inf, -np.inf, 0.0, -0.0, -40.0]
    return x.astype(dtype)


@pytest.mark.parametrize('dtype', [np.float32, np.float64])
def test_gelu_kernel_is_the_formula_to_the_bit(dtype):
    x = _data(3 * _gelu._CHUNK + 17, dtype)
    with np.errstate(all='ignore'):
        want = 0.5 * x * (1 + _erf.erf(x * _gelu.SQRT_HALF))
        got = _gelu.gelu(x.reshape(-1, 1)[::1].reshape(x.shape))
    np.testing.assert_array_equal(got, want)
    assert got.dtype == dtype


@pytest.mark.parametrize('dtype', [ember.float32, ember.float64])
def test_gelu_first_order_backward_matches_the_differentiable_one(dtype):
    x = ember.tensor(_data(_gelu._CHUNK + 5, np.float64)[6:], dtype=dtype, requires_grad=True)
    ember.manual_seed(0)   # (the same cotangent whatever ran before)
    g = ember.randn(x.shape, dtype=dtype)
    fast, = ember.autograd.grad(F.gelu(x), x, g)
    graph, = ember.autograd.grad(F.gelu(x), x, g, create_graph=True)
    # float32: the two orders of the same steps differ by a few roundings of O(1) terms (cdf + x pdf cancels)
    np.testing.assert_allclose(fast.numpy(), graph.detach().numpy(), rtol=1e-6 if dtype == ember.float32 else 1e-13,
                               atol=1e-6 if dtype == ember.float32 else 1e-13)


@pytest.mark.parametrize('dtype', [ember.float32, ember.float64])
def test_gelu_backward_from_the_kept_cdf_is_the_recomputed_one_to_the_bit(dtype):
    # the forward keeps Phi(x) for the first backward; a retained graph's second backward, and a graph
    # recorded under saved-tensor hooks (which keeps nothing beside what the hooks see), recompute it
    x = ember.tensor(_data(2 * _gelu._CHUNK + 9, np.float64), dtype=dtype, requires_grad=True)
    g = ember.randn(x.shape, dtype=dtype)
    y = F.gelu(x)
    kept, = ember.autograd.grad(y, x, g, retain_graph=True)
    again, = ember.autograd.grad(y, x, g)
    with ember.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
        hooked, = ember.autograd.grad(F.gelu(x), x, g)
    np.testing.assert_array_equal(kept.numpy(), again.numpy())
    np.testing.assert_array_equal(kept.numpy(), hooked.numpy())
    with ember.no_grad():
        np.testing.assert_array_equal(F.gelu(x).numpy(), y.detach().numpy())


def test_softmax_row_max_keeps_nan_and_infinities():
    x = np.random.default_rng(1).standard_normal((64, 32)).astype(np.float32)
    x[0, 3] = np.nan
    x[1, :] = -np.inf
    x[2, 5] = np.inf
    y = F.softmax(ember.tensor(x), dim=-1).numpy()
    assert np.isnan(y[0]).all() and np.isnan(y[1]).all()
    assert np.isnan(y[2, 5])
    np.testing.assert_allclose(y[3:], np.exp(x[3:]) / np.exp(x[3:]).sum(-1, keepdims=True), rtol=1e-6)


@pytest.mark.parametrize('fn', [lambda t: F.softmax(t, -1),
                                lambda t: F.layer_norm(t, (7,), ember.linspace(0.5, 2, 7, dtype=t.dtype),
                                                       ember.ones(7, dtype=t.dtype))])
def test_first_order_backward_matches_the_differentiable_one(fn):
    x = ember.randn(3, 5, 7, dtype=ember.float64, requires_grad=True)
    g = ember.randn(3, 5, 7, dtype=ember.float64)
    fast, = ember.autograd.grad(fn(x), x, g)
    graph, = ember.autograd.grad(fn(x), x, g, create_graph=True)
    np.testing.assert_allclose(fast.numpy(), graph.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_layer_norm_parameter_gradients_on_the_fast_path():
    x = ember.randn(4, 6, dtype=ember.float64)
    w = ember.randn(6, dtype=ember.float64, requires_grad=True)
    b = ember.randn(6, dtype=ember.float64, requires_grad=True)
    F.layer_norm(x, (6,), w, b).pow(2).sum().backward()
    xhat = (x - x.mean(-1, keepdim=True)) / (x.var(-1, unbiased=False, keepdim=True) + 1e-5).sqrt()
    y = xhat * w.detach() + b.detach()
    np.testing.assert_allclose(w.grad.numpy(), (2 * y * xhat).sum(0).numpy(), rtol=1e-10)
    np.testing.assert_allclose(b.grad.numpy(), (2 * y).sum(0).numpy(), rtol=1e-10)
