"""A leaf's ``.grad`` never aliases another array.

The engine hands a gradient array it made itself to a leaf without copying it. If that array were
shared (with another leaf's gradient, an input, the output, a hook's copy or the user's
``gradient=``), the next in-place accumulation would corrupt it. These tests run every
differentiable op of the table twice and check the second backward exactly doubles each gradient
and leaves every input untouched; the graph-shape cases below reach a leaf through each way a
gradient can be shared.
"""
import numpy as np
import pytest

import ember
from tests._op_harness import differentiable_inputs, pick, to_ember
from tests.op_db import OPS

GRAD_OPS = [op for op in OPS if op.grad]


def _shares(a, b):
    return np.shares_memory(a.detach().numpy(), b.detach().numpy())


@pytest.mark.parametrize('info', GRAD_OPS, ids=lambda op: op.name)
def test_op_gradients_alias_nothing(info):
    rng = np.random.default_rng(3)
    sample = next(iter(info.samples(rng)))
    args, kwargs = to_ember(sample, 'float64', requires_grad=True)
    leaves = differentiable_inputs(args, kwargs)
    if not leaves:
        pytest.skip('no differentiable input')
    before = [t.detach().numpy().copy() for t in leaves]

    def run():
        ember.manual_seed(0)  # random ops draw the same both times
        out = pick(info.op(*args, **kwargs), info.output_index)
        outs = out if isinstance(out, (tuple, list)) else (out,)
        loss = 0
        for o in outs:
            if isinstance(o, ember.Tensor) and o.requires_grad:
                loss = loss + (o * ember.tensor(rng.standard_normal(tuple(o.shape)))).sum()
        loss.backward()
        return outs

    outs = run()
    first = [None if t.grad is None else t.grad.numpy().copy() for t in leaves]
    for i, t in enumerate(leaves):
        if t.grad is None:
            continue
        for o in outs:
            assert not (isinstance(o, ember.Tensor) and _shares(t.grad, o)), info.name
        for j, other in enumerate(leaves):
            assert not _shares(t.grad, other), (info.name, i, j)
            if j != i and other.grad is not None:
                assert not _shares(t.grad, other.grad), (info.name, i, j)
    rng = np.random.default_rng(3)
    next(iter(info.samples(rng)))  # the same weights again
    run()
    for t, g, x in zip(leaves, first, before):
        np.testing.assert_array_equal(t.detach().numpy(), x)
        if g is not None:
            np.testing.assert_allclose(t.grad.numpy(), 2 * g, rtol=1e-12, atol=1e-12)


def test_one_gradient_reaching_two_leaves_is_copied_for_the_second():
    a = ember.ones(3, requires_grad=True)
    b = ember.ones(3, requires_grad=True)
    (a * 2 + b).sum().backward()  # add passes one array to both sides
    (a + b).sum().backward()
    assert not _shares(a.grad, b.grad)
    np.testing.assert_array_equal(a.grad.numpy(), [3, 3, 3])
    np.testing.assert_array_equal(b.grad.numpy(), [2, 2, 2])


def test_users_gradient_is_never_taken():
    a = ember.ones(3, requires_grad=True)
    g = ember.tensor([1.0, 2.0, 3.0])
    (a + 0).backward(g)
    a.grad.add_(1)
    np.testing.assert_array_equal(g.numpy(), [1, 2, 3])


def test_retained_and_hooked_gradients_are_not_shared_with_the_leaf():
    a = ember.ones(3, requires_grad=True)
    mid = a * 2
    mid.retain_grad()
    kept = []
    out = mid + 0
    out.register_hook(lambda g: kept.append(g) or None)
    (out * 3).sum().backward()
    a.grad.zero_()
    np.testing.assert_array_equal(mid.grad.numpy(), [3, 3, 3])
    np.testing.assert_array_equal(kept[0].numpy(), [3, 3, 3])


def test_users_function_result_is_copied():
    stash = ember.ones(3)

    class Leak(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.clone()

        @staticmethod
        def backward(ctx, g):
            return stash

    a = ember.ones(3, requires_grad=True)
    Leak.apply(a).sum().backward()
    a.grad.mul_(5)
    np.testing.assert_array_equal(stash.numpy(), [1, 1, 1])


def test_no_process_wide_floating_point_state():
    """ember silences NumPy's floating-point warnings in its own ops only, as PyTorch never warns."""
    import warnings
    before = np.geterr()
    x = ember.tensor([0.0, 1.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        y = (1 / x).log()
        (y * 0).sum().backward()
        assert np.isinf(y.detach().numpy()[0])
    assert np.geterr() == before
    with np.errstate(divide='raise'):
        with pytest.raises(FloatingPointError):
            np.ones(1) / np.zeros(1)
        assert np.isinf((ember.ones(1) / ember.zeros(1)).item())  # ember's own op is still quiet


def test_transposed_gradient_views_are_taken_only_when_nothing_else_holds_their_memory():
    # a linear layer's weight gradient reaches the weight as a transposed view of a fresh product
    w = ember.ones(3, 2, requires_grad=True)
    x = ember.ones(4, 2)
    out = ember.nn.functional.linear(x, w)
    (out * 2).sum().backward()
    first = w.grad.numpy().copy()
    assert not _shares(w.grad, out) and not _shares(w.grad, x)
    ember.nn.functional.linear(x, w).mul(2).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), 2 * first)
    # the user's gradient, transposed back to the leaf, is held by the user: copied
    a = ember.ones(2, 3, requires_grad=True)
    g = ember.arange(6.0).reshape(3, 2)
    a.t().backward(g)
    a.grad.add_(1)
    np.testing.assert_array_equal(g.numpy(), np.arange(6.0).reshape(3, 2))
    # a retained gradient whose transpose reaches the leaf stays the retained one's own
    b = ember.ones(2, 3, requires_grad=True)
    mid = b * 1
    mid.retain_grad()
    (mid.t() * 3).sum().backward()
    b.grad.zero_()
    np.testing.assert_array_equal(mid.grad.numpy(), np.full((2, 3), 3.0))


def test_a_linear_layers_weight_takes_the_products_memory_as_its_grad():
    # the weight's gradient, made transposed and transposed back by TBackward, becomes its .grad without a copy
    # (a copy is an array of its own; the product's memory is seen through a view), through one layer or a chain
    # of them, whatever the engine still holds of the nodes it ran
    ember.manual_seed(0)
    net = ember.nn.Sequential(ember.nn.Linear(6, 5), ember.nn.ReLU(), ember.nn.Linear(5, 4))
    x = ember.randn(8, 6)
    for _ in range(2):
        net.zero_grad(set_to_none=True)
        ember.nn.functional.cross_entropy(net(x), ember.tensor([0, 1, 2, 3, 0, 1, 2, 3])).backward()
        for layer in (net[0], net[2]):
            assert layer.weight.grad._data.base is not None, layer
            assert not _shares(layer.weight.grad, layer.weight)
