"""utils.checkpoint (ember/utils/checkpoint.py): recomputation in backward, the same gradients as an
uncheckpointed run (both variants, with dropout), autograd.grad and keyword arguments (non-reentrant),
less memory held between forward and backward, PyTorch's errors and warnings."""
import gc
import math
import tracemalloc

import numpy as np

import pytest

import ember
import ember.nn as nn
from ember.utils.checkpoint import CheckpointError, checkpoint, checkpoint_sequential, set_checkpoint_early_stop


def _model():
    ember.manual_seed(0)
    return nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Dropout(0.3), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 3))


def _grads(model, x):
    return [x.grad.tolist()] + [p.grad.tolist() for p in model.parameters()]


def _reference():
    model = _model()
    x = ember.linspace(-1, 1, 24).reshape(4, 6).requires_grad_()
    ember.manual_seed(7)
    model(x).square().sum().backward()
    return _grads(model, x)


@pytest.mark.parametrize('use_reentrant', [True, False])
def test_same_gradients_as_without_checkpoint_dropout_included(use_reentrant):
    model = _model()
    x = ember.linspace(-1, 1, 24).reshape(4, 6).requires_grad_()
    ember.manual_seed(7)
    out = checkpoint(model, x, use_reentrant=use_reentrant)
    ember.rand(5)                     # draws between forward and backward do not change the replay
    out.square().sum().backward()
    for got, expected in zip(_grads(model, x), _reference()):
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize('use_reentrant', [True, False])
def test_function_runs_again_in_backward(use_reentrant):
    calls = []
    lin = nn.Linear(3, 3)

    def f(t):
        calls.append(ember.is_grad_enabled())
        return lin(t).tanh()
    x = ember.ones(2, 3, requires_grad=True)
    y = checkpoint(f, x, use_reentrant=use_reentrant)
    assert len(calls) == 1 and y.requires_grad
    y.sum().backward()
    assert len(calls) == 2 and calls[1] is True
    assert x.grad is not None and lin.weight.grad is not None


def test_non_reentrant_works_with_autograd_grad_and_keyword_arguments():
    lin = nn.Linear(3, 2)
    x = ember.ones(2, 3, requires_grad=True)

    def f(t, scale=1.0):
        return lin(t) * scale
    y = checkpoint(f, x, scale=3.0, use_reentrant=False)
    gx, gw = ember.autograd.grad(y.sum(), [x, lin.weight])
    plain = f(x, scale=3.0)
    ex, ew = ember.autograd.grad(plain.sum(), [x, lin.weight])
    assert gx.tolist() == ex.tolist() and gw.tolist() == ew.tolist()
    assert lin.weight.grad is None        # autograd.grad accumulates nothing


def test_tuple_outputs_and_non_tensor_arguments():
    a = ember.tensor([1.0, 2.0], requires_grad=True)

    def f(t, k):
        return t * k, (t ** 2).sum()
    for reentrant in (True, False):
        a.grad = None
        y, s = checkpoint(f, a, 3.0, use_reentrant=reentrant)
        (y.sum() + s).backward()
        assert a.grad.tolist() == [5.0, 7.0]


@pytest.mark.parametrize('use_reentrant', [True, False])
def test_checkpoint_sequential_matches_the_plain_model(use_reentrant):
    model = _model()
    model.eval()                       # no dropout: compare with a plain run directly
    x = ember.linspace(-1, 1, 24).reshape(4, 6).requires_grad_()
    out = checkpoint_sequential(model, 3, x, use_reentrant=use_reentrant)
    out.sum().backward()
    got = _grads(model, x)
    model.zero_grad()
    x.grad = None
    expected_out = model(x)
    expected_out.sum().backward()
    assert out.tolist() == expected_out.tolist()
    for g, e in zip(got, _grads(model, x)):
        np.testing.assert_allclose(g, e, rtol=1e-6, atol=1e-7)


def _held_bytes(run):
    """Bytes still allocated after ``run()`` returns (its result kept alive), as tracemalloc sees them."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = run()
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    del kept
    return held


@pytest.mark.parametrize('use_reentrant', [True, False])
def test_checkpointing_holds_fewer_activations(use_reentrant):
    ember.manual_seed(0)
    layers = []
    for _ in range(8):
        layers += [nn.Linear(128, 128), nn.Tanh()]
    model = nn.Sequential(*layers)
    x = ember.randn(512, 128, requires_grad=True)     # each activation: 256 KiB
    plain = _held_bytes(lambda: model(x).sum())
    checkpointed = _held_bytes(lambda: checkpoint_sequential(model, 4, x, use_reentrant=use_reentrant).sum())
    activation = 512 * 128 * 4
    # without checkpointing each of the 8 layers keeps one activation for backward (tanh's output, which
    # is the next linear's input); with 4 segments only the 3 segments' inputs and the last segment's
    # 2 activations stay
    assert plain > 7.5 * activation
    assert checkpointed < 5.5 * activation


def test_warnings_and_errors():
    lin = nn.Linear(2, 2)
    x = ember.ones(1, 2, requires_grad=True)
    with pytest.warns(UserWarning, match="the use_reentrant parameter should be passed explicitly"):
        checkpoint(lin, x)
    with pytest.warns(UserWarning, match="checkpoint_sequential: the use_reentrant parameter should be passed"):
        checkpoint_sequential(nn.Sequential(lin, nn.Tanh()), 2, x)
    with pytest.raises(ValueError, match="^Unexpected keyword arguments: foo$"):
        checkpoint(lin, x, use_reentrant=True, foo=1)
    with pytest.raises(ValueError, match="^Unexpected keyword arguments: foo$"):
        checkpoint_sequential(nn.Sequential(lin), 1, x, use_reentrant=False, foo=1)
    with pytest.raises(ValueError, match=r"^Passing `context_fn` or `debug` is only supported when "
                                         r"use_reentrant=False.$"):
        checkpoint(lin, x, use_reentrant=True, context_fn=lambda: (None, None))
    with pytest.warns(UserWarning, match="^None of the inputs have requires_grad=True. Gradients will be None$"):
        checkpoint(lin, ember.ones(1, 2), use_reentrant=True)


def _changing(first, again):
    """A function that runs ``first`` the first time and ``again`` when recomputed."""
    calls = []

    def f(t):
        calls.append(1)
        return first(t) if len(calls) == 1 else again(t)
    return f


def _backward(f, **kwargs):
    x = ember.ones(3, requires_grad=True)
    checkpoint(f, x, use_reentrant=False, **kwargs).sum().backward()
    return x.grad


def test_recomputation_saving_other_tensors_is_caught_as_pytorch_does():
    # PyTorch 2.13 compares what the ops save for backward (number, shape, dtype, device), not the outputs
    with pytest.raises(CheckpointError, match=r"Recomputed values for the following tensors have different metadata "
                                              r"than during the forward pass.\ntensor at position 0:\nsaved metadata: "
                                              r"\{'shape': ember.Size\(\[3\]\), 'dtype': ember.float32, 'device': "
                                              r"device\(type='cpu'\)\}\nrecomputed metadata: \{'shape': ember.Size"
                                              r"\(\[3\]\), 'dtype': ember.float64"):
        _backward(_changing(lambda t: (t.exp() * 2).float(), lambda t: (t.double().exp() * 2).float()))
    with pytest.raises(CheckpointError, match="A different number of tensors was saved during the original forward "
                                              "and recomputation.\nNumber of tensors saved during forward: 2\n"
                                              "Number of tensors saved during recomputation: 1.\n"):
        _backward(_changing(lambda t: t.exp().exp(), lambda t: t.exp() * 3))
    more = _changing(lambda t: t.exp(), lambda t: t.exp().exp())
    with pytest.raises(CheckpointError, match="trying to save more tensors during recomputation than during the "
                                              "original forward pass"):
        _backward(more, early_stop=False)
    with set_checkpoint_early_stop(False), pytest.raises(CheckpointError, match="trying to save more tensors"):
        _backward(_changing(lambda t: t.exp(), lambda t: t.exp().exp()))
    _backward(_changing(lambda t: t.exp(), lambda t: t.exp().exp()))    # early stop: the extra ones are not compared
    changed = _changing(lambda t: (t.exp() * 2).float(), lambda t: (t.double().exp() * 2).float())
    assert ember.allclose(_backward(changed, determinism_check='none'), ember.full((3,), 2 * math.e))


def test_outputs_of_another_dtype_alone_are_not_an_error():
    # the saved tensors agree (exp's float32 result), so PyTorch 2.13 raises nothing: gradient e
    grad = _backward(_changing(lambda t: t.exp(), lambda t: t.exp().double()))
    assert grad.dtype == ember.float32 and ember.allclose(grad, ember.full((3,), math.e))


def test_the_first_runs_graph_is_differentiated_as_pytorchs():
    # PyTorch 2.13 (use_reentrant=False) differentiates its first run's graph with the saved tensors the
    # recomputation gives back: outputs of other shapes the second time are no error (gradient 2, from t * 2)
    assert _backward(_changing(lambda t: t * 2, lambda t: t.sum())).tolist() == [2., 2., 2.]
    # ... and a function that computes something else the second time gets its first run's gradient: e (its
    # recomputed exp) times the first run's 1, not 2 (PyTorch's numbers)
    calls = []

    def scaled(t):
        calls.append(1)
        return t.exp() * len(calls)
    assert ember.allclose(_backward(scaled), ember.full((3,), math.e)) and len(calls) == 2
    calls.clear()     # a function whose ops save nothing is not run again at all
    assert _backward(lambda t: (calls.append(1), t * 1)[1]).tolist() == [1., 1., 1.] and len(calls) == 1
    # the outputs carry the first run's nodes
    x = ember.ones(3, requires_grad=True)
    assert checkpoint(lambda t: t.exp().tanh(), x, use_reentrant=False).grad_fn.name() == 'TanhBackward0'


def test_nested_checkpoints_and_gradients_to_parameters():
    lin1, lin2 = nn.Linear(3, 3), nn.Linear(3, 3)
    x = ember.randn(2, 3, requires_grad=True)

    def inner(t):
        return lin2(t).tanh()

    def outer(t):
        return checkpoint(inner, lin1(t).sigmoid(), use_reentrant=False).exp()
    checkpoint(outer, x, use_reentrant=False).sum().backward()
    got = [x.grad.clone(), lin1.weight.grad.clone(), lin2.weight.grad.clone()]
    for t in (x, lin1.weight, lin2.weight):
        t.grad = None
    lin2(lin1(x).sigmoid()).tanh().exp().sum().backward()
    for g, e in zip(got, [x.grad, lin1.weight.grad, lin2.weight.grad]):
        np.testing.assert_allclose(g.numpy(), e.numpy(), rtol=1e-6, atol=1e-7)


def test_double_backward_through_the_recomputed_activations():
    # PyTorch's unpacked saved tensors keep their place in the graph: a gradient taken with create_graph=True
    # differentiates through them again (gradgradcheck passes on PyTorch 2.13 too)
    def f(t):
        return (t.sin() * t.exp()).sum()
    x = ember.randn(5, dtype=ember.float64, requires_grad=True)
    g, = ember.autograd.grad(checkpoint(f, x, use_reentrant=False), x, create_graph=True)
    gg, = ember.autograd.grad(g.sum(), x)
    plain = x.detach().requires_grad_()
    g2, = ember.autograd.grad(f(plain), plain, create_graph=True)
    gg2, = ember.autograd.grad(g2.sum(), plain)
    np.testing.assert_allclose(g.detach().numpy(), g2.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(gg.numpy(), gg2.numpy(), rtol=1e-12)
    lin = nn.Linear(5, 3, dtype=ember.float64)
    assert ember.autograd.gradgradcheck(lambda t: checkpoint(lambda u: lin(u).tanh(), t, use_reentrant=False), (x,))
