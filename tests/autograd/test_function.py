"""Custom autograd.Function: ctx, saved tensors, needs_input_grad, non-differentiable outputs."""
import pytest

import ember
from ember.autograd import Function, gradcheck, gradgradcheck, once_differentiable


class Cube(Function):
    @staticmethod
    def forward(ctx, x, scale):
        ctx.save_for_backward(x)
        ctx.scale = scale
        return x ** 3 * scale

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * 3 * x ** 2 * ctx.scale, None


def test_custom_function_forward_backward_and_name():
    x = ember.tensor([1., 2.], dtype=ember.float64, requires_grad=True)
    y = Cube.apply(x, 2.0)
    assert y.grad_fn.name() == 'CubeBackward'
    assert y.tolist() == [2., 16.]
    y.sum().backward()
    assert x.grad.tolist() == [6., 24.]


def test_custom_function_double_backward_and_gradchecks():
    x = ember.tensor([0.5, -1.5], dtype=ember.float64, requires_grad=True)
    assert gradcheck(lambda t: Cube.apply(t, 1.5), (x,))
    assert gradgradcheck(lambda t: Cube.apply(t, 1.5), (x,))


def test_forward_runs_without_recording():
    seen = {}

    class Probe(Function):
        @staticmethod
        def forward(ctx, x):
            seen['grad_enabled'] = ember.is_grad_enabled()
            seen['needs'] = ctx.needs_input_grad
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2
    x = ember.ones(2, requires_grad=True)
    Probe.apply(x)
    assert seen == {'grad_enabled': False, 'needs': (True,)}


def test_mark_non_differentiable():
    class SortWithIndex(Function):
        @staticmethod
        def forward(ctx, x):
            values, idx = x.sort()
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(idx)
            return values, idx

        @staticmethod
        def backward(ctx, g, g_idx):
            idx, = ctx.saved_tensors
            return ember.zeros_like(g).scatter(0, idx, g)
    x = ember.tensor([3., 1., 2.], requires_grad=True)
    v, i = SortWithIndex.apply(x)
    assert v.requires_grad and not i.requires_grad
    (v * ember.tensor([1., 2., 3.])).sum().backward()
    assert x.grad.tolist() == [3., 1., 2.]


def test_wrong_number_of_gradients():
    class Bad(Function):
        @staticmethod
        def forward(ctx, x, y):
            return x + y

        @staticmethod
        def backward(ctx, g):
            return (g,)
    x = ember.ones(1, requires_grad=True)
    with pytest.raises(RuntimeError, match=r'returned an incorrect number of gradients \(expected 2, got 1\)'):
        Bad.apply(x, x).backward()


def test_saved_tensor_version_check_in_custom_function():
    x = ember.ones(2, requires_grad=True)
    y = x * 1
    z = Cube.apply(y, 1.0)
    y.add_(1)
    with pytest.raises(RuntimeError, match='modified by an inplace operation'):
        z.sum().backward()


def test_once_differentiable_backward_runs_without_graph():
    class Square(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @once_differentiable
        def backward(ctx, g):
            x, = ctx.saved_tensors
            assert not ember.is_grad_enabled()
            return 2 * x * g
    x = ember.tensor([3.], requires_grad=True)
    Square.apply(x).backward(create_graph=True)
    assert x.grad.item() == 6.
