"""Batch norm's array path (ember/ops/_batch_norm_arrays.py) against the op-by-op formulas it
replaces: training and eval forward, every first-order gradient, with and without the affine
parameters, float32 and float64; and where it applies."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.autograd import gradcheck
from ember.ops import _batch_norm_arrays


def _run(arrays, training, affine, array_path, monkeypatch):
    if not array_path:
        monkeypatch.setattr(_batch_norm_arrays, 'fits', lambda *a: False)
    x = ember.tensor(arrays[0], requires_grad=True)
    w = ember.tensor(arrays[1], requires_grad=True) if affine else None
    b = ember.tensor(arrays[2], requires_grad=True) if affine else None
    rm, rv = ember.tensor(arrays[3]), ember.tensor(arrays[4])
    y = F.batch_norm(x, rm, rv, w, b, training=training, momentum=0.3)
    probe = ember.tensor(np.random.default_rng(7).standard_normal(tuple(y.shape)).astype(arrays[0].dtype))
    (y * probe).sum().backward()
    out = [y.detach().numpy(), x.grad.numpy(), rm.numpy(), rv.numpy()]
    return out + ([w.grad.numpy(), b.grad.numpy()] if affine else [])


@pytest.mark.parametrize('shape', [(4, 3, 5, 5), (2, 5, 16), (3, 2, 2, 3, 4)])
@pytest.mark.parametrize('training', [True, False])
@pytest.mark.parametrize('affine', [True, False])
@pytest.mark.parametrize('dtype', [np.float64, np.float32])
def test_matches_the_formulas(shape, training, affine, dtype, monkeypatch):
    rng = np.random.default_rng(0)
    C = shape[1]
    arrays = [rng.standard_normal(shape).astype(dtype) * 3 + 1, rng.standard_normal(C).astype(dtype),
              rng.standard_normal(C).astype(dtype), rng.standard_normal(C).astype(dtype),
              rng.random(C).astype(dtype) + 0.5]
    want = _run(arrays, training, affine, False, monkeypatch)
    monkeypatch.undo()
    got = _run(arrays, training, affine, True, monkeypatch)
    tol = 1e-12 if dtype == np.float64 else 2e-5
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=tol, atol=tol * np.abs(w).max())


def test_gradients_in_float64():
    rng = np.random.default_rng(1)
    x = ember.tensor(rng.standard_normal((3, 2, 3, 3)), requires_grad=True)
    w = ember.tensor(rng.standard_normal(2), requires_grad=True)
    b = ember.tensor(rng.standard_normal(2), requires_grad=True)
    assert _batch_norm_arrays.fits(x._data, w._data, b._data)
    assert gradcheck(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), (x, w, b))


def test_takes_the_path_only_where_it_fits():
    x = np.zeros((2, 3, 4, 4), np.float32)
    assert _batch_norm_arrays.fits(x)
    assert not _batch_norm_arrays.fits(x.transpose(0, 2, 3, 1).copy().transpose(0, 3, 1, 2))  # channels-last
    assert not _batch_norm_arrays.fits(np.zeros((2, 3), np.float32))                          # no spatial dims
    assert not _batch_norm_arrays.fits(np.zeros((2, 3, 2, 2), np.float32))                    # 4 per row
    assert not _batch_norm_arrays.fits(x.astype(np.float16))
    assert not _batch_norm_arrays.fits(x, np.zeros(3, np.float64))                            # mixed dtypes
