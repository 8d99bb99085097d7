"""float32 GELU without PyTorch's bits (ember/ops/_gelu_fast32.py): within a few roundings of the exact
GELU and of PyTorch's recorded outputs (tests/fixtures/gelu_bits), PyTorch's results at the special
values, and a backward that agrees with the float64 derivative whether or not the forward kept it."""
import pathlib

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.numerics import pytorch_bits
from ember.ops import _erf, _gelu, _gelu_fast32
from tests.fixtures.gelu_bits.cases import contiguous, strided

RECORDED = np.load(pathlib.Path(__file__).with_name('fixtures') / 'gelu_bits' / 'expected.npz')


def _grid():
    rng = np.random.default_rng(3)
    pieces = [np.linspace(-9, 9, 200_001), rng.standard_normal(100_000), rng.standard_normal(100_000) * 4,
              np.linspace(1.99, 2.01, 4001), np.linspace(-2.01, -1.99, 4001)]   # around the pieces' edge
    return np.concatenate(pieces).astype(np.float32)


def test_within_two_tenths_of_a_micro_of_the_exact_gelu():
    x = _grid()
    exact = _gelu.gelu(x.astype(np.float64))
    got = _gelu_fast32.gelu(x)
    assert got.dtype == np.float32
    # PyTorch's own float32 GELU is within 3.4e-7 * max(1, |x|) of the exact one
    assert (np.abs(got - exact) <= 2e-7 * np.maximum(1, np.abs(x))).all()


@pytest.mark.parametrize('name', sorted({**contiguous(), **strided()}))
def test_close_to_pytorchs_recorded_outputs(name):
    x = {**contiguous(), **strided()}[name]
    with pytorch_bits(False):
        got = F.gelu(ember.from_numpy(x)).numpy()
    expected = RECORDED[f'float32/none/{name}']
    np.testing.assert_allclose(got, expected, rtol=0, atol=5e-7 * max(1, np.abs(x).max()))
    assert (np.signbit(got) == np.signbit(expected)).all()


def test_special_values_as_pytorch_gives_them():
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 40.0, -40.0, 6.0, -12.0], np.float32)
    got = _gelu_fast32.gelu(x)
    assert np.isnan(got[:3]).all()   # PyTorch's CPU kernel: nan at both infinities
    np.testing.assert_array_equal(got[3:], np.array([0.0, -0.0, 40.0, -0.0, 6.0, -0.0], np.float32))
    assert np.signbit(got[[4, 6, 8]]).all() and not np.signbit(got[3])


def test_kept_slope_is_the_recomputed_one_and_chunks_do_not_matter():
    x = _grid()[::5][:70_000].reshape(-1, 7)   # (more than two chunks)
    out, kept = _gelu_fast32.gelu(x, keep_slope=True)
    np.testing.assert_array_equal(kept, _gelu_fast32.slope(x))
    np.testing.assert_array_equal(out, _gelu_fast32.gelu(x))
    np.testing.assert_array_equal(out.reshape(-1), _gelu_fast32.gelu(x.reshape(-1)[::-1])[::-1])


def test_slope_is_the_derivative():
    x = _grid()
    d = _gelu_fast32.slope(x)
    xd = x.astype(np.float64)
    exact = (1 + _erf.erf(xd / np.sqrt(2))) / 2 + xd * np.exp(-xd * xd / 2) / np.sqrt(2 * np.pi)
    finite = np.isfinite(x)
    assert (np.abs(d - exact)[finite] <= 3e-7 * np.maximum(1, np.abs(x[finite]))).all()
    inf = np.array([np.inf, -np.inf, np.nan, -40], np.float32)
    got = _gelu_fast32.slope(inf)
    assert np.isnan(got[:3]).all() and got[3] == 0   # PyTorch's backward: nan at the infinities


def test_backward_with_the_kept_and_the_recomputed_slope():
    x = ember.from_numpy(_grid()[::5].copy()).requires_grad_()
    g = ember.from_numpy(np.random.default_rng(0).standard_normal(x.shape).astype(np.float32))
    with pytorch_bits(False):
        y = F.gelu(x)
        kept, = ember.autograd.grad(y, x, g, retain_graph=True)
        again, = ember.autograd.grad(y, x, g)   # the kept slope went with the first use
        with ember.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
            hooked, = ember.autograd.grad(F.gelu(x), x, g)   # (the graph keeps only what the hooks see)
    np.testing.assert_array_equal(kept.numpy(), again.numpy())
    np.testing.assert_array_equal(kept.numpy(), hooked.numpy())
    xd = x.detach().double()
    want, = ember.autograd.grad(F.gelu(xd.requires_grad_()), xd, g.double())
    np.testing.assert_allclose(kept.numpy(), want.numpy(), rtol=0, atol=1e-6 * max(1, np.abs(g.numpy()).max()))
