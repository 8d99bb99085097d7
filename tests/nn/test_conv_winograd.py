"""The Winograd F(2x2, 3x3) path of 3x3 stride-1 convolutions (ember/ops/_winograd.py) against the
im2col path it replaces: forward, input and weight gradients, second order, odd and asymmetric
padding, and the transposed convolutions it serves."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck
from ember.ops import _winograd


@pytest.fixture
def winograd_everywhere(monkeypatch):
    monkeypatch.setattr(_winograd, '_MIN_CHANNEL_PRODUCT', 1)


def _run(fn, arrays, winograd, monkeypatch):
    """fn's output and the gradients of (output * fixed weights).sum() w.r.t. every input."""
    monkeypatch.setattr(_winograd, '_MIN_CHANNEL_PRODUCT', 1 if winograd else 1 << 62)
    calls = []
    for name in ('conv', 'conv_flipped', 'weight_grad'):
        real = getattr(_winograd, name)
        monkeypatch.setattr(_winograd, name, lambda *a, real=real, name=name: calls.append(name) or real(*a))
    ts = [ember.tensor(a, requires_grad=True) for a in arrays]
    y = fn(*ts)
    probe = ember.tensor(np.random.default_rng(7).standard_normal(tuple(y.shape)))
    (y * probe).sum().backward()
    # forward, input gradient (a convolution of the flipped kernel for conv2d, a plain one for
    # conv_transpose2d) and weight gradient all take the path, or none
    assert sorted(calls) == (['conv', 'conv_flipped', 'weight_grad'] if winograd else [])
    return [y.detach().numpy()] + [t.grad.numpy() for t in ts]


CASES = [
    # (fn, shapes): 'same' padding, no padding, odd and even sizes, asymmetric 'same'-free padding
    (lambda x, w, b: F.conv2d(x, w, b, padding=1), [(2, 3, 7, 9), (4, 3, 3, 3), (4,)]),
    (lambda x, w: F.conv2d(x, w), [(3, 2, 6, 5), (5, 2, 3, 3)]),
    (lambda x, w: F.conv2d(x, w, padding=2), [(1, 4, 4, 4), (2, 4, 3, 3)]),
    (lambda x, w: F.conv2d(F.pad(x, (0, 1, 2, 0)), w, padding=(0, 1)), [(2, 3, 5, 4), (3, 3, 3, 3)]),
    (lambda x, w: F.conv_transpose2d(x, w, padding=1), [(2, 3, 5, 6), (3, 4, 3, 3)]),
    (lambda x, w: F.conv_transpose2d(x, w), [(1, 2, 4, 3), (2, 3, 3, 3)]),
]


@pytest.mark.parametrize('fn, shapes', CASES)
@pytest.mark.parametrize('dtype', [np.float64, np.float32])
def test_matches_im2col(fn, shapes, dtype, monkeypatch):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(dtype) for s in shapes]
    want = _run(fn, arrays, False, monkeypatch)
    got = _run(fn, arrays, True, monkeypatch)
    tol = 1e-12 if dtype == np.float64 else 2e-5
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=tol, atol=tol * np.abs(w).max())


def test_takes_the_path_only_where_it_fits():
    x = np.zeros((1, 32, 8, 8), np.float32)
    assert _winograd.fits(x, (32, 32, 3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 1)
    assert not _winograd.fits(x, (32, 32, 3, 3), (2, 2), ((1, 1), (1, 1)), (1, 1), 1)      # strided
    assert not _winograd.fits(x, (32, 32, 3, 3), (1, 1), ((1, 1), (1, 1)), (2, 2), 1)      # dilated
    assert not _winograd.fits(x, (32, 16, 3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 2)      # grouped
    assert not _winograd.fits(x, (32, 32, 5, 5), (1, 1), ((1, 1), (1, 1)), (1, 1), 1)      # 5x5
    assert not _winograd.fits(x.astype(np.float16), (32, 32, 3, 3), (1, 1), ((1, 1),) * 2, (1, 1), 1)
    assert not _winograd.fits(x, (4, 4, 3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 1)        # few channels


def test_large_layer_matches_im2col_in_float32(monkeypatch):
    # the benchmark's kind of layer, with several batch chunks
    monkeypatch.setattr(_winograd, '_CHUNK_BYTES', 1 << 14)
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal(s).astype(np.float32) for s in [(5, 32, 10, 10), (32, 32, 3, 3)]]
    fn = lambda x, w: F.conv2d(x, w, padding=1)   # noqa: E731
    for g, w in zip(_run(fn, arrays, True, monkeypatch), _run(fn, arrays, False, monkeypatch)):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-4 * np.abs(w).max())


def test_gradients_of_first_and_second_order(winograd_everywhere):
    rng = np.random.default_rng(2)
    x = ember.tensor(rng.standard_normal((2, 2, 4, 5)), requires_grad=True)
    w = ember.tensor(rng.standard_normal((3, 2, 3, 3)), requires_grad=True)
    fn = lambda x, w: F.conv2d(x, w, padding=1)   # noqa: E731
    assert gradcheck(fn, (x, w))
    assert gradgradcheck(fn, (x, w))


@pytest.mark.parametrize('dtype', [np.float64, np.float32])
def test_flipped_kernel_transform_is_the_transform_of_the_flipped_kernel(dtype):
    w = np.random.default_rng(3).standard_normal((4, 5, 3, 3)).astype(dtype)
    flipped = w[:, :, ::-1, ::-1].swapaxes(0, 1)   # the kernel of the transposed convolution by w
    want = _winograd._kernel_transform(np, np.ascontiguousarray(flipped))
    got = _winograd._flipped_kernel_transform(np, w)
    assert got.shape == want.shape == (16, 5, 4)
    tol = 1e-14 if dtype == np.float64 else 1e-6
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
