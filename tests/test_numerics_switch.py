"""ember.numerics: the float32 kernels that reproduce PyTorch's bits can be switched to NumPy's own
formulas; results stay within float32 rounding, and the switch really changes which kernel runs."""
import os
import subprocess
import sys

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.numerics import pytorch_bits, pytorch_bits_enabled, set_pytorch_bits


def _cases():
    g = ember.Generator().manual_seed(0)
    x = ember.randn(64, 300, generator=g)
    img = ember.randn(8, 16, 12, 12, generator=g)
    target = ember.randint(0, 300, (64,), generator=g)
    w, b = ember.randn(300, generator=g), ember.randn(300, generator=g)
    return {
        'softmax': lambda: F.softmax(x, dim=1),
        'log_softmax': lambda: F.log_softmax(x, dim=0),
        'cross_entropy': lambda: F.cross_entropy(x, target, reduction='none'),
        'gelu': lambda: F.gelu(x * 3),
        'layer_norm': lambda: F.layer_norm(x, (300,), w, b),
        'batch_norm_train': lambda: F.batch_norm(img, None, None, training=True),
        'batch_norm_eval': lambda: F.batch_norm(img, ember.full((16,), 0.1), ember.full((16,), 1.7), training=False),
        'native_layer_norm_stats': lambda: ember.native_layer_norm(x, [300], None, None, 1e-5)[2],
        'exp': lambda: (x * 3).exp(),
        'tanh': lambda: (x * 2).tanh(),
        'sigmoid': lambda: (x * 4).sigmoid(),
        'log': lambda: (x.abs() + 0.01).log(),
        'log1p': lambda: x.abs().log1p(),
    }


@pytest.mark.parametrize('name', list(_cases()))
def test_the_fast_kernels_agree_to_rounding_and_really_run(name):
    compute = _cases()[name]
    exact = compute().detach().numpy()
    with pytorch_bits(False):
        assert not pytorch_bits_enabled()
        fast = compute().detach().numpy()
    assert pytorch_bits_enabled()
    np.testing.assert_allclose(fast, exact, rtol=2e-6, atol=2e-6)
    assert (fast != exact).any(), "the switch did not change the kernel"


@pytest.mark.parametrize('name, reduce', [
    ('whole_sums', lambda t: ember.stack([t[i].sum() for i in range(t.shape[0])])),
    ('bias_gradient', lambda t: t.reshape(-1, 48).sum(0)),
    ('per_channel_mean', lambda t: t.mean((0, 2))),
    ('row_mean', lambda t: t.reshape(-1, 48).mean(1)),
])
def test_sums_take_numpys_order_and_stay_within_rounding(name, reduce):
    # another order of additions: each result within float32 rounding of the sum of magnitudes
    x = ember.randn(32, 64, 48, generator=ember.Generator().manual_seed(1)) * 100
    exact = reduce(x).numpy()
    with pytorch_bits(False):
        fast = reduce(x).numpy()
    scale = reduce(x.abs()).numpy()
    assert np.all(np.abs(fast - exact) <= 1e-6 * scale)
    assert (fast != exact).any(), "the switch did not change the kernel"


def test_gradients_with_the_switch_off():
    x = ember.randn(16, 40, dtype=ember.float64, requires_grad=True)
    with pytorch_bits(False):
        assert ember.autograd.gradcheck(lambda t: F.gelu(F.layer_norm(t, (40,))).softmax(1), (x,))
        y = F.gelu(ember.randn(5, 7, requires_grad=True))
        y.sum().backward()


def test_set_pytorch_bits_takes_a_bool_only():
    with pytest.raises(TypeError, match=r'^set_pytorch_bits\(\) expects a bool, got int$'):
        set_pytorch_bits(0)
    assert pytorch_bits_enabled()


@pytest.mark.parametrize('value, expected', [('0', 'False'), ('off', 'False'), ('1', 'True'), ('TRUE', 'True')])
def test_the_environment_variable_sets_the_default(value, expected):
    env = dict(os.environ, EMBER_PYTORCH_BITS=value)
    out = subprocess.run([sys.executable, '-c', 'import ember; print(ember.numerics.pytorch_bits_enabled())'],
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == expected, out.stderr


def test_a_bad_environment_value_is_refused():
    env = dict(os.environ, EMBER_PYTORCH_BITS='maybe')
    out = subprocess.run([sys.executable, '-c', 'import ember'], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode != 0
    assert "ValueError: EMBER_PYTORCH_BITS must be 1 or 0 (or true/false), got 'maybe'" in out.stderr


@pytest.mark.parametrize('ignored', [False, True])
def test_cross_entropy_reduces_with_numpys_sum_without_the_bits(ignored, monkeypatch):
    """Without the bits the mean adds in NumPy's order, except when targets are ignored (nll_loss's
    own sum leaves them out)."""
    import ember.ops.loss as loss_module
    calls = []
    real = loss_module.nll_sum
    monkeypatch.setattr(loss_module, 'nll_sum', lambda *args: calls.append(1) or real(*args))
    g = ember.Generator().manual_seed(0)
    x = ember.randn(64, 10, generator=g) * 4
    target = ember.randint(0, 10, (64,), generator=g)
    if ignored:
        target[::3] = -100
    exact = F.cross_entropy(x, target).item()
    assert calls
    calls.clear()
    with pytorch_bits(False):
        fast = F.cross_entropy(x, target).item()
    assert bool(calls) == ignored
    assert abs(fast - exact) <= 1e-6 * abs(exact)
