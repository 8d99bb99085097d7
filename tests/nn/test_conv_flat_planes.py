"""Stride-1 transposed convolutions (and so every stride-1 convolution's input gradient) on
flattened planes (ember/ops/conv.py, _conv_transpose_flat) give what the strided col2im gives:
any rank, dilation, groups, padding, and a batch split into chunks."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.ops import _conv_row_shifts, conv


def _run(fn, arrays, monkeypatch, widening, chunk=1 << 21):
    monkeypatch.setattr(conv, '_FLAT_MAX_WIDENING', widening)
    monkeypatch.setattr(conv, '_FLAT_CHUNK_BYTES', chunk)
    monkeypatch.setattr(_conv_row_shifts, 'MAX_WIDENING', 0.0)  # (which would take the 2-D ones first)
    ts = [ember.tensor(a, requires_grad=True) for a in arrays]
    y = fn(*ts)
    probe = ember.tensor(np.random.default_rng(7).standard_normal(tuple(y.shape)).astype(arrays[0].dtype))
    (y * probe).sum().backward()
    return [y.detach().numpy()] + [t.grad.numpy() for t in ts]


CASES = [
    (lambda x, w, b: F.conv2d(x, w, b), [(3, 2, 9, 8), (4, 2, 5, 3), (4,)]),
    (lambda x, w: F.conv2d(x, w, padding=(2, 1), dilation=(1, 2), groups=2), [(2, 4, 7, 9), (6, 2, 3, 3)]),
    (lambda x, w: F.conv_transpose2d(x, w, padding=1), [(2, 3, 4, 5), (3, 2, 3, 2)]),
    (lambda x, w: F.conv1d(x, w, padding=2, dilation=3), [(4, 2, 11), (3, 2, 3)]),
    (lambda x, w: F.conv3d(x, w, padding=(0, 1, 1)), [(2, 2, 4, 5, 4), (3, 2, 2, 3, 2)]),
]


@pytest.mark.parametrize('fn, shapes', CASES)
@pytest.mark.parametrize('dtype', [np.float64, np.float32])
def test_flat_planes_match_strided_col2im(fn, shapes, dtype, monkeypatch):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(dtype) for s in shapes]
    strided = _run(fn, arrays, monkeypatch, 0.0)           # never flat
    tol = 1e-12 if dtype == np.float64 else 1e-5
    for chunk in (1 << 21, 1):                              # whole batch, then one sample per chunk
        flat = _run(fn, arrays, monkeypatch, 1e9, chunk)
        for f, s in zip(flat, strided):
            assert f.dtype == s.dtype and f.shape == s.shape and f.flags['C_CONTIGUOUS']
            np.testing.assert_allclose(f, s, rtol=tol, atol=tol * np.abs(s).max())


def test_flat_path_is_taken_only_for_modest_widening():
    assert conv._flat_fits((10, 10), (5, 5), (1, 1))          # LeNet's conv2 gradient: rows 10 -> 14
    assert not conv._flat_fits((2, 2), (5, 5), (1, 1))        # rows 2 -> 6
    assert conv._flat_fits((7,), (9,), (3,))                  # one dimension: nothing widens
