"""ember/backend/_numpy_blas.py: the routines of NumPy's own OpenBLAS that ember calls with ctypes, and
Linear's forward through its transposing copy (the same bits as NumPy's strided add)."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.backend import _numpy_blas
from ember.ops import linear as linear_module

needs_omatcopy = pytest.mark.skipif(_numpy_blas._omatcopy(np.dtype(np.float32)) is None,
                                    reason="this NumPy's BLAS has no reachable somatcopy")


@needs_omatcopy
@pytest.mark.parametrize('dtype', [np.float32, np.float64])
@pytest.mark.parametrize('shape', [(1, 1), (512, 64), (7, 300)])
def test_transpose_into_copies_every_bit(dtype, shape):
    rng = np.random.default_rng(0)
    a = rng.standard_normal(shape).astype(dtype)
    specials = np.array([np.nan, -0.0, np.inf, -np.inf, np.finfo(dtype).smallest_subnormal], dtype)
    a.reshape(-1)[:min(a.size, 5)] = specials[:min(a.size, 5)]
    out = np.empty(shape[::-1], dtype)
    assert _numpy_blas.transpose_into(a, out)
    bits = np.uint32 if dtype == np.float32 else np.uint64
    assert np.array_equal(out.view(bits), np.ascontiguousarray(a.T).view(bits))


def test_transpose_into_declines_other_dtypes():
    a = np.ones((3, 4), np.float16)
    assert not _numpy_blas.transpose_into(a, np.empty((4, 3), np.float16))


@needs_omatcopy
@pytest.mark.parametrize('bias', [True, False])
def test_linear_through_blas_copy_gives_numpys_bits(bias, monkeypatch):
    g = ember.Generator().manual_seed(0)
    x, w, b = ember.randn(64, 784, generator=g), ember.randn(512, 784, generator=g), ember.randn(512, generator=g)
    calls = []
    real = linear_module.transpose_into
    monkeypatch.setattr(linear_module, 'transpose_into', lambda a, out: calls.append(1) or real(a, out))
    fast = F.linear(x, w, b if bias else None)
    assert calls and fast.is_contiguous()
    monkeypatch.setattr(linear_module, 'transpose_into', lambda a, out: False)
    plain = F.linear(x, w, b if bias else None)
    assert np.array_equal(fast.numpy().view(np.uint32), plain.numpy().view(np.uint32))
