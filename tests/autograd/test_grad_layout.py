"""The gradient layout contract: a leaf's first .grad has the leaf's strides when the leaf is dense
and non-overlapping (row-major otherwise), and enforce_grad_layout_policy(False) lets the engine
keep a gradient it owns in its own layout. Strides recorded from PyTorch (inline), and checked live."""
import pytest

import ember

CASES = {
    # name: (recorded grad strides, enforce)
    'permuted leaf, contiguous incoming grad': ((1, 12, 4), True),
    'permuted leaf, relaxed policy': ((6, 3, 1), False),
    'transposed leaf, transposed incoming grad': ((1, 4), True),
    'channels_last conv weight': ((18, 1, 6, 2), True),
    'row-major leaf, user grad transposed': ((4, 1), True),
    'row-major leaf, user grad transposed, relaxed': ((4, 1), False),
    'expanded leaf': ((3, 1), True),
}


def _grad_strides(lib, name):
    if name.startswith('permuted leaf'):
        p = lib.zeros(2, 3, 4).permute(2, 0, 1).requires_grad_()
        run = lambda: (p.contiguous() * 2).sum().backward()   # noqa: E731
    elif name.startswith('transposed leaf'):
        p = lib.zeros(3, 4).t().requires_grad_()
        run = lambda: (p.t().contiguous() * 2).t().sum().backward()   # noqa: E731
    elif name.startswith('channels_last'):
        p = lib.ones(3, 2, 3, 3).to(memory_format=lib.channels_last).requires_grad_()
        run = lambda: lib.nn.functional.conv2d(lib.ones(1, 2, 5, 5), p).sum().backward()   # noqa: E731
    elif name.startswith('row-major leaf'):
        p = lib.zeros(3, 4).requires_grad_()
        run = lambda: lib.autograd.backward(p, lib.ones(4, 3).t())   # noqa: E731
    else:
        p = lib.zeros(3, 1).expand(3, 3).requires_grad_()
        run = lambda: (p * 2).sum().backward()   # noqa: E731
    with lib.autograd.enforce_grad_layout_policy(CASES[name][1]):
        run()
    return tuple(p.grad.stride())


@pytest.mark.parametrize('name', sorted(CASES))
def test_grad_strides_match_pytorch(name):
    assert _grad_strides(ember, name) == CASES[name][0]


@pytest.mark.parametrize('name', sorted(CASES))
def test_against_pytorch_live(name):
    torch = pytest.importorskip('torch')
    assert _grad_strides(torch, name) == CASES[name][0]


def test_policy_is_restored_and_values_are_the_same():
    from ember.autograd._engine_modes import is_grad_layout_policy_enforced
    with ember.autograd.enforce_grad_layout_policy(False):
        assert not is_grad_layout_policy_enforced()
    assert is_grad_layout_policy_enforced()
    p = ember.arange(24.).reshape(2, 3, 4).permute(2, 0, 1).requires_grad_()
    (p.contiguous() * p.contiguous()).sum().backward()
    assert ember.equal(p.grad, 2 * p.detach())
