"""gradcheck itself: passes correct gradients, catches wrong ones."""
import pytest

import ember
from ember.autograd import Function, gradcheck, gradgradcheck
from ember.autograd.gradcheck import GradcheckError


class WrongGrad(Function):
    @staticmethod
    def forward(ctx, x):
        return x * x

    @staticmethod
    def backward(ctx, g):
        return g  # wrong: should be 2 x g


def test_gradcheck_catches_wrong_backward():
    x = ember.tensor([1., 2.], dtype=ember.float64, requires_grad=True)
    assert gradcheck(WrongGrad.apply, (x,), raise_exception=False) is False
    with pytest.raises(GradcheckError, match='Jacobian mismatch for output 0 with respect to input 0'):
        gradcheck(WrongGrad.apply, (x,))


def test_gradgradcheck_on_composite():
    x = ember.tensor([0.3, -0.7, 1.1], dtype=ember.float64, requires_grad=True)
    y = ember.tensor([0.5, 0.2, -0.4], dtype=ember.float64, requires_grad=True)
    fn = lambda a, b: (a.sin() * b.exp() / (1 + a * a)).sum() + (a @ b)
    assert gradcheck(fn, (x, y))
    assert gradgradcheck(fn, (x, y))


def test_gradcheck_needs_an_input_requiring_grad():
    with pytest.raises(ValueError, match='at least one input tensor to require gradient'):
        gradcheck(lambda t: t * 2, (ember.ones(2, dtype=ember.float64),))


def test_seed002_finite_difference_check_float64_vs_float32():
    # the seed's point: one-sided differences agree in float64, not in float32
    def check(dtype):
        w = ember.tensor([0.3, -0.2, 0.5], dtype=dtype, requires_grad=True)
        x = ember.tensor([1.0, 2.0, -1.0], dtype=dtype)
        loss = ((w * x).sigmoid() ** 2).sum()
        loss.backward()
        eps = 1e-6
        worst = 0.0
        for i in range(3):
            with ember.no_grad():
                base = ((w * x).sigmoid() ** 2).sum().item()
                w[i] += eps
                bumped = ((w * x).sigmoid() ** 2).sum().item()
                w[i] -= eps
            worst = max(worst, abs((bumped - base) / eps - w.grad[i].item()))
        return worst
    assert check(ember.float64) < 1e-5
    assert check(ember.float32) > 1e-3
