"""normal/bernoulli/poisson from parameters that require grad are recorded as PyTorch records them: the
result requires grad, its node is PyTorch's, and the gradient reaching the parameters is zeros. The draws
themselves are unchanged (the same stream as without grad). Recorded from PyTorch 2.13."""
import pytest

import ember


@pytest.mark.parametrize('call, node', [
    (lambda m, s, p: ember.normal(m, 1.0), 'NormalBackward1'),
    (lambda m, s, p: ember.normal(0.0, s), 'NormalBackward2'),
    (lambda m, s, p: ember.normal(m, s), 'NormalBackward3'),
    (lambda m, s, p: ember.bernoulli(p), 'BernoulliBackward0'),
    (lambda m, s, p: p.bernoulli(), 'BernoulliBackward0'),
    (lambda m, s, p: ember.poisson(s), 'PoissonBackward0'),
])
def test_draws_record_a_zero_gradient(call, node):
    m, s = ember.zeros(2, requires_grad=True), ember.ones(2, requires_grad=True)
    p = ember.full((2,), 0.5, requires_grad=True)
    ember.manual_seed(0)
    plain = call(m.detach(), s.detach(), p.detach())
    ember.manual_seed(0)
    drawn = call(m, s, p)
    assert drawn.tolist() == plain.tolist() and not plain.requires_grad
    assert drawn.requires_grad and type(drawn.grad_fn).__name__ == node
    grads = ember.autograd.grad(drawn.sum(), [m, s, p], allow_unused=True)
    assert all(g is None or g.tolist() == [0.0, 0.0] for g in grads)
    assert any(g is not None for g in grads)
    with ember.no_grad():
        assert not call(m, s, p).requires_grad


def test_the_stream_is_pytorchs():
    ember.manual_seed(0)
    m, s = ember.zeros(2, requires_grad=True), ember.ones(2, requires_grad=True)
    assert ember.normal(m, 1.0).tolist() == [1.5409960746765137, -0.293428897857666]
    assert ember.normal(0.0, s).tolist() == [-2.1787893772125244, 0.5684312582015991]


def test_bernoulli_with_a_number_p_is_recorded_without_a_derivative():
    x = ember.full((2,), 0.5, requires_grad=True)
    y = ember.bernoulli(x, 0.3)
    assert y.requires_grad and type(y.grad_fn).__name__ == 'NotImplemented'
    with pytest.raises(RuntimeError, match=r'^derivative for aten::bernoulli is not implemented$'):
        y.sum().backward()
