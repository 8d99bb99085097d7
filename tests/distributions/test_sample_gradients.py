"""Reparameterised sample gradients (Gamma, Beta, Dirichlet rsample) are PyTorch's: the same approximations
evaluated in the same precisions, pinned by tests/fixtures/sample_gradients.npz (recorded by
tests/distributions/record_sample_gradients.py under PyTorch)."""
from pathlib import Path

import numpy as np
import pytest

import ember
from tests.distributions.record_sample_gradients import rsample_grads

REC = np.load(Path(__file__).resolve().parents[1] / 'fixtures' / 'sample_gradients.npz')


def _inputs(dtype):
    return (ember.tensor(REC[k]).to(dtype) for k in ('alpha', 'x', 'total', 'beta_x'))


def test_standard_gamma_grad_float32_is_bit_identical():
    a, x, _, _ = _inputs(ember.float32)
    np.testing.assert_array_equal(ember._standard_gamma_grad(a, x).numpy(), REC['gamma_grad_float32'])


def test_standard_gamma_grad_float64():
    # float64 steps go through NumPy's log/exp/pow, a few ulps from the C library's
    a, x, _, _ = _inputs(ember.float64)
    np.testing.assert_allclose(ember._standard_gamma_grad(a, x).numpy(), REC['gamma_grad_float64'], rtol=1e-12)


@pytest.mark.parametrize('dtype, exact_share', [(ember.float32, 0.95), (ember.float64, 0.9)])
def test_dirichlet_grad(dtype, exact_share):
    # Most values are bit-identical; where digamma(total) - digamma(alpha) cancels (total - alpha much
    # smaller than alpha), a last-bit difference in a float32 digamma is amplified, up to 3e-4 relative
    a, _, total, bx = _inputs(dtype)
    ours = ember._dirichlet_grad(bx, a, total).numpy()
    ref = REC['dirichlet_grad_' + str(dtype).split('.')[-1]]
    assert np.mean(ours == ref) >= exact_share
    np.testing.assert_allclose(ours, ref, rtol=5e-4)


def test_rsample_gradients_are_pytorchs():
    got = rsample_grads(ember)
    for name, value in got.items():
        np.testing.assert_array_equal(value, REC[name], err_msg=name)


def test_sample_gradient_errors_and_nodes():
    with pytest.raises(RuntimeError, match='Found dtype Double but expected Float'):
        ember._dirichlet_grad(ember.tensor([0.1]), ember.tensor([1.0]).double(), ember.tensor([3.0]))
    with pytest.raises(NotImplementedError, match='"_standard_gamma_grad_cpu" not implemented for \'Half\''):
        ember._standard_gamma_grad(ember.tensor([1.0]).half(), ember.tensor([1.0]).half())
    with pytest.raises(RuntimeError, match=r'The size of tensor a \(2\) must match the size of tensor b \(3\)'):
        ember._dirichlet_grad(ember.tensor([0.1, 0.6]), ember.tensor([1., 2.]), ember.tensor([3., 3., 3.]))
    c = ember.tensor([[0.5, 2.0, 7.0]], requires_grad=True)
    s = ember._sample_dirichlet(c)
    assert type(s.grad_fn).__name__ == 'NotImplemented'
    with pytest.raises(RuntimeError, match='derivative for aten::_sample_dirichlet is not implemented'):
        s.sum().backward()
    g = ember._standard_gamma(c)
    assert type(g.grad_fn).__name__ == 'StandardGammaBackward0'
    gg = ember._standard_gamma_grad(c, g)
    with pytest.raises(NotImplementedError, match="the derivative for '_standard_gamma_grad' is not implemented."):
        gg.sum().backward()
