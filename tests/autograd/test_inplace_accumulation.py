"""The engine adds a second gradient into a buffered one in place when the run made the buffered array
and nothing else holds it (no other edge, hook, view or capture), and hands such a gradient to
MulBackward0, which writes its last product into it; everything else keeps fresh arrays. Either way
the values are the fresh arrays' bit for bit."""
import numpy as np
import pytest

import ember
import ember.autograd.engine as engine


def _grads(fn, seed=0):
    """The gradients ``fn`` leaves in a fresh leaf, and what its hooks saw."""
    ember.manual_seed(seed)
    x = ember.randn(4097, requires_grad=True)
    seen = fn(x)
    return [x.grad.numpy().copy()] + [s.numpy().copy() for s in seen]


def _two_paths(x):
    (((x * 2 + 1).sin() * x).exp().sum()).backward()
    return []


def _one_gradient_on_two_edges(x):
    a = x * 3
    b = a + a                   # AddBackward0 hands the same gradient to both of its edges into a's node
    ((b * a).sum() + (a.cos() * b).sum()).backward()
    return []


def _hook_keeps_what_it_sees(x):
    seen = []
    h = x * 1.5
    h.register_hook(seen.append)
    ((h * h).sum() + h.exp().sum() + h.sum()).backward()
    return seen


def _captured_by_grad(x):
    k = x.tanh()
    m = (k * k).sum() + (k * 3).sum() + k.sin().sum()
    gk, gx = ember.autograd.grad(m, (k, x), retain_graph=True)
    m.backward()
    return [gk, gx]


def _products(x):
    w = ember.randn(1, dtype=ember.float64, requires_grad=True)
    v = ember.randn(4097, requires_grad=True)
    y = ((x * 2) * v * 0.5 * (x * w).float()).exp() * 3
    z = (y * x).sum() + ((x.double() * w) * 1.5).sum()
    z.backward()
    return [w.grad, v.grad]


def _complex_products(x):
    c = ember.randn(4097, dtype=ember.complex64)
    y = (x * c * (1 + 2j)) * x
    y.abs().sum().backward()
    return []


CASES = [_two_paths, _one_gradient_on_two_edges, _hook_keeps_what_it_sees, _captured_by_grad, _products,
         _complex_products]


@pytest.mark.parametrize('fn', CASES)
def test_same_bits_as_a_fresh_sum(fn, monkeypatch):
    got = _grads(fn)
    monkeypatch.setattr(engine, '_SOLE_BUFFERED', (0, 0))   # no buffer qualifies: every sum fresh
    monkeypatch.setattr(engine, '_SOLE_DONATED', (0, 0))    # nothing handed over: every product fresh
    want = _grads(fn)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w, strict=True)


def test_values_match_the_closed_form():
    ember.manual_seed(1)
    x = ember.randn(1000, requires_grad=True)
    xd = x.detach().numpy().astype(np.float64)
    a = x * 3
    b = a + a
    ((b * a).sum() + (a.cos() * b).sum()).backward()
    # d/dx of 6 * (3x)^2 / ... written out: b = 2a, so the loss is 2a^2 + 2a cos(a), a = 3x
    av = 3 * xd
    want = 3 * (4 * av + 2 * np.cos(av) - 2 * av * np.sin(av))
    np.testing.assert_allclose(x.grad.numpy(), want, rtol=2e-5, atol=2e-5)


def test_the_buffered_array_takes_the_sum(monkeypatch):
    # a node reached along two paths: its buffer's first array receives the second in place
    taken = []

    class Watched:
        """NumPy as the engine sees it, with its in-place additions noted."""
        def __getattr__(self, name):
            return getattr(np, name)

        @staticmethod
        def add(a, b, out=None):
            if out is a:
                taken.append(a.shape)
            return np.add(a, b, out=out)

    monkeypatch.setattr(engine, '_np', Watched())
    ember.manual_seed(2)
    x = ember.randn(300, requires_grad=True)
    y = x.exp()
    ((y * 2).sum() + (y * y).sum()).backward()
    assert taken == [(300,)]
    np.testing.assert_allclose(x.grad.numpy(), (2 + 2 * y.detach().numpy()) * y.detach().numpy(), rtol=1e-6)


def test_the_chain_hands_its_gradients_to_both_products(monkeypatch):
    from ember.ops import arith
    into = []

    class Watched:
        """NumPy as MulBackward0 sees it, with its products into a given array noted."""
        def __getattr__(self, name):
            return getattr(np, name)

        @staticmethod
        def multiply(a, b, out=None):
            if out is not None:
                into.append(out is a)
            return np.multiply(a, b, out=out)

    monkeypatch.setattr(arith, '_np', Watched())
    x = ember.rand(1000, requires_grad=True)
    ((x * 2 + 1).sin() * x).exp().sum().backward()
    assert into == [True, True]      # (sin(...) * x)'s and (x * 2)'s backward
    into.clear()
    h = x * 2                        # a gradient a hook has seen is not handed over
    h.register_hook(lambda g: None)
    (h.sin() * x).exp().sum().backward()
    assert into == [True]            # (h.sin() * x)'s only: h's own node's gradient went through the hook
