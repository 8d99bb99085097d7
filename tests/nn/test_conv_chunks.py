"""im2col over a few samples at a time (ember/ops/conv.py, _COLUMN_CHUNK_BYTES) gives what the
whole-batch column matrix gives: forward, input and weight gradients, any rank, stride, dilation
and groups."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.ops import conv


def _run(fn, arrays, budget, monkeypatch):
    monkeypatch.setattr(conv, '_COLUMN_CHUNK_BYTES', budget)
    monkeypatch.setattr(conv, '_WHOLE_BATCH_BYTES', budget)
    ts = [ember.tensor(a, requires_grad=True) for a in arrays]
    y = fn(*ts)
    probe = ember.tensor(np.random.default_rng(7).standard_normal(tuple(y.shape)).astype(arrays[0].dtype))
    (y * probe).sum().backward()
    return [y.detach().numpy()] + [t.grad.numpy() for t in ts]


CASES = [
    (lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1), [(5, 3, 9, 8), (4, 3, 5, 5), (4,)]),
    (lambda x, w: F.conv2d(x, w, dilation=(2, 1), groups=2), [(3, 4, 7, 6), (6, 2, 2, 3)]),
    (lambda x, w: F.conv1d(x, w, stride=3), [(7, 2, 11), (3, 2, 4)]),
    (lambda x, w: F.conv3d(x, w, padding=1), [(3, 2, 4, 3, 4), (2, 2, 3, 2, 3)]),
]


@pytest.mark.parametrize('fn, shapes', CASES)
@pytest.mark.parametrize('dtype', [np.float64, np.float32])
def test_chunked_columns_match_the_whole_batch(fn, shapes, dtype, monkeypatch):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(dtype) for s in shapes]
    whole = _run(fn, arrays, 1 << 62, monkeypatch)
    chunked = _run(fn, arrays, 1, monkeypatch)        # one sample per chunk
    tol = 1e-12 if dtype == np.float64 else 1e-5
    for c, w in zip(chunked, whole):
        assert c.dtype == w.dtype and c.shape == w.shape
        np.testing.assert_allclose(c, w, rtol=tol, atol=tol * np.abs(w).max())


def test_chunks_cover_the_batch_once():
    assert conv._column_chunks(5, 2, (3, 3), 10, 4) == [(0, 5)]           # small columns: one piece
    assert len(conv._column_chunks(64, 3, (5, 5), 28 * 28, 4)) > 1         # LeNet's conv1: 15 MB
    assert conv._winograd.batch_chunks(5, 400, 800) == [(0, 2), (2, 4), (4, 5)]
    assert conv._winograd.batch_chunks(3, 10 ** 9, 800) == [(0, 1), (1, 2), (2, 3)]


def test_weight_gradient_chunks_are_deep_enough():
    # ResNet-18's 256 -> 512 3x3/2 layer, batch 32: 16 output positions per sample; 512 KB chunks
    # would hold 3 samples, a product of depth 48
    shallow = conv._column_chunks(32, 256, (3, 3), 16, 4)
    deep = conv._column_chunks(32, 256, (3, 3), 16, 4, depth=512)
    assert shallow[0] == (0, 3) and deep == [(0, 32)]
    assert conv._column_chunks(64, 3, (5, 5), 28 * 28, 4, depth=512) == conv._column_chunks(64, 3, (5, 5), 28 * 28, 4)
