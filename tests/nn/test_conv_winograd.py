"""The Winograd paths of 3x3 stride-1 convolutions, F(2x2, 3x3) (ember/ops/_winograd.py) and
F(4x4, 3x3) (ember/ops/_winograd_f43.py), against the im2col path they replace: forward, input and
weight gradients, second order, odd and asymmetric padding, and the transposed convolutions they
serve."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck
from ember.ops import _winograd, _winograd_f43

# each test runs with either tile size: F(4x4, 3x3) taken however few tiles a call has, or never
TILES = {'f23': 1 << 62, 'f43': 1}


@pytest.fixture(params=sorted(TILES))
def tile_size(request, monkeypatch):
    monkeypatch.setattr(_winograd, '_F43_MIN_TILES', TILES[request.param])
    return request.param


@pytest.fixture
def winograd_everywhere(monkeypatch, tile_size):
    monkeypatch.setattr(_winograd, '_MIN_CHANNEL_PRODUCT', 1)
    monkeypatch.setattr(_winograd, '_MIN_LAYER_INPUT_CHANNELS', 1)


def _run(fn, arrays, winograd, monkeypatch):
    """fn's output and the gradients of (output * fixed weights).sum() w.r.t. every input."""
    monkeypatch.setattr(_winograd, '_MIN_CHANNEL_PRODUCT', 1 if winograd else 1 << 62)
    monkeypatch.setattr(_winograd, '_MIN_LAYER_INPUT_CHANNELS', 1)
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
def test_matches_im2col(fn, shapes, dtype, monkeypatch, tile_size):
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
    # a layer with few input channels keeps im2col for its three kernels, whatever its outputs:
    # 8 -> 64 does not take the path (forward, weight gradient; its input gradient computes 64 -> 8
    # as a transposed convolution), 64 -> 8 does
    pads = ((1, 1), (1, 1))
    assert not _winograd.fits(x, (64, 8, 3, 3), (1, 1), pads, (1, 1), 1)
    assert not _winograd.fits(x, (8, 64, 3, 3), (1, 1), pads, (1, 1), 1, transposed=True)
    assert _winograd.fits(x, (8, 64, 3, 3), (1, 1), pads, (1, 1), 1)
    assert _winograd.fits(x, (64, 8, 3, 3), (1, 1), pads, (1, 1), 1, transposed=True)


def test_large_layer_matches_im2col_in_float32(monkeypatch, tile_size):
    # the benchmark's kind of layer, with several batch chunks
    monkeypatch.setattr(_winograd, '_CHUNK_BYTES', 1 << 14)
    monkeypatch.setattr(_winograd_f43, '_CHUNK_BYTES', 1 << 14)
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


@pytest.mark.parametrize('dtype', [np.float64, np.float32])
def test_f43_flipped_kernel_transform_is_the_transform_of_the_flipped_kernel(dtype):
    w = np.random.default_rng(3).standard_normal((4, 5, 3, 3)).astype(dtype)
    flipped = w[:, :, ::-1, ::-1].swapaxes(0, 1)
    want = _winograd_f43.kernel_transform(np, np.ascontiguousarray(flipped))
    got = _winograd_f43.flipped_kernel_transform(np, w)
    assert got.shape == want.shape == (36, 4, 5)
    tol = 1e-14 if dtype == np.float64 else 1e-6
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def test_tile_size_follows_the_tiles_per_call():
    # F(4x4, 3x3) where a call has at least _F43_MIN_TILES tiles of 4x4 outputs, F(2x2, 3x3) below
    pads = ((1, 1), (1, 1))
    assert _winograd._f43(np, np.zeros((1, 8, 32, 32), np.float32), pads)      # 64 tiles
    assert not _winograd._f43(np, np.zeros((32, 8, 4, 4), np.float32), pads)   # 32 tiles
    assert _winograd._f43(np, np.zeros((16, 8, 7, 7), np.float32), pads)       # 16 * 2 * 2


@pytest.mark.parametrize('shape, pads', [((3, 6, 9, 7), ((1, 1), (1, 1))), ((2, 5, 6, 6), ((0, 0), (0, 0))),
                                         ((2, 4, 5, 8), ((2, 0), (1, 2)))])
def test_f43_kernels_against_a_float64_reference(shape, pads):
    # the F(4x4, 3x3) kernels on their own: float32 results within 2e-5 of the largest value, float64
    # to rounding, tile counts that do and do not divide the output
    rng = np.random.default_rng(4)
    x64 = rng.standard_normal(shape)
    w64 = rng.standard_normal((7, shape[1], 3, 3))
    xpad = np.pad(x64, ((0, 0), (0, 0)) + pads)
    Ho, Wo = xpad.shape[2] - 2, xpad.shape[3] - 2
    win = np.lib.stride_tricks.sliding_window_view(xpad, (3, 3), axis=(2, 3))       # (N, C, Ho, Wo, 3, 3)
    want = np.einsum('nchwij,ocij->nohw', win, w64)
    g64 = rng.standard_normal((shape[0], 7, Ho, Wo))
    want_dw = np.einsum('nchwij,nohw->ocij', win, g64)
    for dtype, tol in ((np.float64, 1e-12), (np.float32, 2e-5)):
        x, w, g = x64.astype(dtype), w64.astype(dtype), g64.astype(dtype)
        y = _winograd_f43.conv_transformed(np, x, _winograd_f43.kernel_transform(np, w), pads)
        dw = _winograd_f43.weight_grad(np, x, g, pads)
        for got, ref in ((y, want), (dw, want_dw)):
            assert got.dtype == dtype and got.shape == ref.shape
            np.testing.assert_allclose(got, ref, rtol=0, atol=tol * np.abs(ref).max())
