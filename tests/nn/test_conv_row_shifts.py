"""Stride-1 2-D convolutions with the kernel's rows in the product and its columns as shifted
additions (ember/ops/_conv_row_shifts.py): forward, input and weight gradients give what im2col
gives, with padding, dilation, rectangular kernels, a batch split into chunks, several threads,
the forward's rows kept or rebuilt, and gradients of gradients."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.ops import _conv_row_shifts


def _run(fn, arrays, monkeypatch, widening, chunk=1 << 20, retain=False):
    """fn's output and every input's gradient; which of the path's kernels ran."""
    monkeypatch.setattr(_conv_row_shifts, 'MAX_WIDENING', widening)
    monkeypatch.setattr(_conv_row_shifts, '_CHUNK_BYTES', chunk)
    taken = []
    for name in ('conv', 'weight_grad', 'conv_transpose'):
        def counted(*args, _real=getattr(_conv_row_shifts, name), _name=name, **kw):
            taken.append(_name)
            return _real(*args, **kw)
        monkeypatch.setattr(_conv_row_shifts, name, counted)
    ts = [ember.tensor(a, requires_grad=True) for a in arrays]
    y = fn(*ts)
    probe = ember.tensor(np.random.default_rng(7).standard_normal(tuple(y.shape)).astype(arrays[0].dtype))
    (y * probe).sum().backward(retain_graph=retain)
    if retain:   # a second backward through the same graph: the kept rows were used up, rebuilt now
        for t in ts:
            t.grad = None
        (y * probe).sum().backward()
    monkeypatch.undo()
    return [y.detach().numpy()] + [t.grad.numpy() for t in ts], set(taken)


CASES = [
    (lambda x, w, b: F.conv2d(x, w, b), [(3, 2, 9, 8), (4, 2, 5, 3), (4,)]),
    (lambda x, w: F.conv2d(x, w, padding=(2, 1), dilation=(2, 1)), [(2, 3, 7, 9), (5, 3, 3, 4)]),
    (lambda x, w: F.conv2d(x, w, padding='same'), [(2, 3, 6, 6), (2, 3, 4, 4)]),
    (lambda x, w, b: F.conv2d(x, w, b, padding=1), [(5, 6, 10, 10), (16, 6, 5, 5), (16,)]),
    (lambda x, w: F.conv_transpose2d(x, w, padding=1), [(2, 5, 6, 7), (5, 3, 3, 3)]),
]


@pytest.mark.parametrize('fn, shapes', CASES)
@pytest.mark.parametrize('dtype', [np.float64, np.float32])
def test_row_shifts_match_im2col(fn, shapes, dtype, monkeypatch):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(dtype) for s in shapes]
    im2col, taken = _run(fn, arrays, monkeypatch, 0.0)      # never this path
    assert not taken
    tol = 1e-12 if dtype == np.float64 else 1e-5
    for chunk, retain in ((1 << 20, False), (1, False), (1 << 20, True)):   # whole batch, one sample per chunk
        rows, taken = _run(fn, arrays, monkeypatch, 1e9, chunk, retain)
        assert taken == {'conv', 'weight_grad', 'conv_transpose'}
        for r, c in zip(rows, im2col):
            assert r.dtype == c.dtype and r.shape == c.shape and r.flags['C_CONTIGUOUS']
            np.testing.assert_allclose(r, c, rtol=tol, atol=tol * np.abs(c).max())


def test_row_shifts_on_two_threads_match_one(monkeypatch, threads):
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal(s).astype(np.float32) for s in [(6, 3, 12, 12), (4, 3, 5, 5), (4,)]]
    fn = CASES[0][0]
    threads(1)
    one, _ = _run(fn, arrays, monkeypatch, 1e9, 1)
    threads(2)
    two, taken = _run(fn, arrays, monkeypatch, 1e9, 1)
    assert taken == {'conv', 'weight_grad', 'conv_transpose'}
    for a, b in zip(one, two):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5 * np.abs(a).max())


def test_gradients_of_gradients_through_row_shifts(monkeypatch):
    monkeypatch.setattr(_conv_row_shifts, 'MAX_WIDENING', 1e9)
    rng = np.random.default_rng(2)
    x = ember.tensor(rng.standard_normal((2, 2, 6, 7)), requires_grad=True)
    w = ember.tensor(rng.standard_normal((3, 2, 3, 4)), requires_grad=True)

    def fn(x, w):
        return F.conv2d(x, w, padding=(1, 2), dilation=(1, 2))
    assert ember.autograd.gradcheck(fn, (x, w))
    assert ember.autograd.gradgradcheck(fn, (x, w))


def test_row_shifts_are_taken_for_lenets_layers_only():
    assert _conv_row_shifts.fits((32, 32), (6, 3, 5, 5), (1, 1), (1, 1), 1)        # LeNet's conv1
    assert _conv_row_shifts.fits((14, 14), (16, 6, 5, 5), (1, 1), (1, 1), 1)      # its conv2
    assert _conv_row_shifts.transpose_fits((10, 10), (16, 6, 5, 5), (1, 1), 1)    # conv2's input gradient
    assert not _conv_row_shifts.fits((32, 32), (6, 3, 5, 5), (2, 2), (1, 1), 1)   # strided
    assert not _conv_row_shifts.fits((14, 14), (16, 6, 5, 5), (1, 1), (1, 1), 2)  # groups
    assert not _conv_row_shifts.fits((8, 8), (16, 6, 5, 5), (1, 1), (1, 1), 1)    # rows 4 -> 8
    assert not _conv_row_shifts.fits((32, 32), (64, 3, 3, 3), (1, 1), (1, 1), 1)  # many more outputs than taps
    assert not _conv_row_shifts.fits((32, 32), (6, 3, 5, 1), (1, 1), (1, 1), 1)   # one kernel column: no shifts
    assert not _conv_row_shifts.fits((32,), (6, 3, 5), (1,), (1,), 1)              # 1-D
