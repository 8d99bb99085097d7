"""The engine adds a second gradient into a buffered one in place when the run made the buffered array
and nothing else holds it (no other edge, hook, view or capture); everything else keeps a fresh sum.
Either way the values are the fresh sum's, bit for bit."""
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


CASES = [_two_paths, _one_gradient_on_two_edges, _hook_keeps_what_it_sees, _captured_by_grad]


@pytest.mark.parametrize('fn', CASES)
def test_same_bits_as_a_fresh_sum(fn, monkeypatch):
    got = _grads(fn)
    monkeypatch.setattr(engine, '_SOLE_BUFFERED', (0, 0))   # no buffer qualifies: every sum fresh
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
