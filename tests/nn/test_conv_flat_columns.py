"""Stride-1 convolutions whose rows widen little make their im2col columns on flattened planes
(ember/ops/_conv_flat_columns.py): forward and weight gradient give what the window-shaped columns
give, for any rank, dilation, groups, padding and batch chunking."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.ops import _conv_flat_columns, _conv_row_shifts, conv


def _run(fn, arrays, monkeypatch, widening, chunk=1 << 19):
    monkeypatch.setattr(_conv_flat_columns, 'MAX_WIDENING', widening)
    monkeypatch.setattr(_conv_flat_columns, '_CHUNK_BYTES', chunk)
    monkeypatch.setattr(conv, '_WHOLE_BATCH_BYTES', 0)       # columns made a few samples at a time
    monkeypatch.setattr(conv, '_WEIGHT_PRODUCT_DEPTH', 1)    # per-sample weight-gradient products
    monkeypatch.setattr(_conv_row_shifts, 'MAX_WIDENING', 0.0)  # (which would take the 2-D ones first)
    taken = []
    for name in ('conv', 'weight_grad'):
        def counted(*args, _real=getattr(_conv_flat_columns, name), _name=name):
            taken.append(_name)
            return _real(*args)
        monkeypatch.setattr(_conv_flat_columns, name, counted)
    ts = [ember.tensor(a, requires_grad=True) for a in arrays]
    y = fn(*ts)
    probe = ember.tensor(np.random.default_rng(7).standard_normal(tuple(y.shape)).astype(arrays[0].dtype))
    (y * probe).sum().backward()
    monkeypatch.undo()
    return [y.detach().numpy()] + [t.grad.numpy() for t in ts], set(taken)


CASES = [
    (lambda x, w, b: F.conv2d(x, w, b), [(3, 2, 9, 8), (4, 2, 5, 3), (4,)]),
    (lambda x, w: F.conv2d(x, w, padding=(2, 1), dilation=(1, 2), groups=2), [(2, 4, 7, 9), (6, 2, 3, 3)]),
    (lambda x, w: F.conv2d(x, w, padding='same'), [(2, 3, 6, 6), (2, 3, 4, 4)]),
    (lambda x, w: F.conv3d(x, w, padding=(0, 1, 1)), [(2, 2, 4, 5, 4), (3, 2, 2, 3, 2)]),
    (lambda x, w: F.conv1d(x, w, padding=2, dilation=3), [(4, 2, 11), (3, 2, 3)]),
]


@pytest.mark.parametrize('fn, shapes', CASES)
@pytest.mark.parametrize('dtype', [np.float64, np.float32])
def test_flat_columns_match_window_columns(fn, shapes, dtype, monkeypatch):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(dtype) for s in shapes]
    windows, taken = _run(fn, arrays, monkeypatch, 0.0)     # never flat
    assert not taken
    tol = 1e-12 if dtype == np.float64 else 1e-5
    for chunk in (1 << 19, 1):                              # whole batch, then one sample per chunk
        flat, taken = _run(fn, arrays, monkeypatch, 1e9, chunk)
        assert taken == ({'conv', 'weight_grad'} if len(shapes[0]) > 3 else set())
        for f, w in zip(flat, windows):
            assert f.dtype == w.dtype and f.shape == w.shape and f.flags['C_CONTIGUOUS']
            np.testing.assert_allclose(f, w, rtol=tol, atol=tol * np.abs(w).max())


def test_flat_columns_on_two_threads_match_one(monkeypatch, threads):
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal(s).astype(np.float32) for s in [(6, 3, 12, 12), (4, 3, 5, 5), (4,)]]
    fn = CASES[0][0]
    threads(1)
    one, _ = _run(fn, arrays, monkeypatch, 1e9, 1)
    threads(2)
    two, taken = _run(fn, arrays, monkeypatch, 1e9, 1)
    assert taken == {'conv', 'weight_grad'}
    for a, b in zip(one, two):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5 * np.abs(a).max())


def test_flat_columns_are_taken_only_where_rows_widen_little():
    assert _conv_flat_columns.fits((32, 32), (5, 5), (1, 1), (1, 1))       # LeNet's conv1: rows 28 -> 32
    assert not _conv_flat_columns.fits((14, 14), (5, 5), (1, 1), (1, 1))   # its conv2: rows 10 -> 14
    assert not _conv_flat_columns.fits((32, 32), (3, 3), (2, 2), (1, 1))   # strided
    assert not _conv_flat_columns.fits((32,), (3,), (1,), (1,))            # one dimension: windows are runs
