"""float32 (and float16/bfloat16) F.gelu gives PyTorch's CPU bits: recorded outputs
(tests/fixtures/gelu_bits) compared bit for bit, and PyTorch itself when it is installed."""
import pathlib

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from tests.fixtures.gelu_bits.cases import contiguous, strided

RECORDED = np.load(pathlib.Path(__file__).with_name('fixtures') / 'gelu_bits' / 'expected.npz')


def _bits(a):
    return np.asarray(a, np.float32).view(np.uint32)


@pytest.mark.parametrize('name', sorted({**contiguous(), **strided()}))
def test_float32_bits_match_recorded(name):
    x = {**contiguous(), **strided()}[name]
    got = F.gelu(ember.from_numpy(x)).numpy()
    assert np.array_equal(_bits(got), _bits(RECORDED[f'float32/none/{name}']))


@pytest.mark.parametrize('dtype', ['float16', 'bfloat16'])
def test_half_bits_match_recorded(dtype):
    for name, x in contiguous().items():
        got = F.gelu(ember.from_numpy(x).to(getattr(ember, dtype))).float().numpy()
        assert np.array_equal(_bits(got), _bits(RECORDED[f'{dtype}/none/{name}'])), name


def test_backward_is_close_to_the_exact_derivative():
    x = ember.from_numpy(contiguous()['n1000']).requires_grad_()
    F.gelu(x).sum().backward()
    xd = x.detach().double()
    expected = (0.5 * (1 + (xd / 2 ** 0.5).erf()) + xd * (-xd * xd / 2).exp() / (2 * np.pi) ** 0.5).float()
    assert np.allclose(x.grad.numpy(), expected.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('size', [1000, 70001])
def test_kept_derivative_gives_the_backward_from_x_bit_for_bit(size):
    # the forward makes oneDNN's derivative chunk by chunk (more than one chunk at 70001): the gradient
    # is the one the backward computes from x alone
    from ember.ops import _gelu_bwd_onednn
    rng = np.random.default_rng(size)
    xs = (rng.standard_normal(size) * 3).astype(np.float32)
    xs[:5] = [0.0, -0.0, 6.5, -7.0, 1e-30]
    g = rng.standard_normal(size).astype(np.float32)
    x = ember.from_numpy(xs.copy()).requires_grad_()
    F.gelu(x).backward(ember.from_numpy(g))
    assert x.grad.numpy().tobytes() == _gelu_bwd_onednn.gelu_backward(g, xs).tobytes()


@pytest.mark.parametrize('threads', [1, 2])
def test_matches_pytorch(threads):
    torch = pytest.importorskip('torch')
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        rng = np.random.RandomState(3)
        grid = (rng.standard_normal((300, 257)) * 3).astype(np.float32)
        for x in (grid, grid[:, :100], grid.T, grid[:, ::3], grid[:1, :1], grid.reshape(-1)[:40001]):
            want = torch.nn.functional.gelu(torch.from_numpy(x)).numpy()
            got = ember.ops._gelu_f32.gelu(x, lambda: threads)
            assert np.array_equal(_bits(got), _bits(want)), x.shape
    finally:
        torch.set_num_threads(before)
