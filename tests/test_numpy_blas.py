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


needs_row_copy = pytest.mark.skipif(_numpy_blas._row_copy() is None,
                                    reason="this NumPy's BLAS has no reachable domatcopy")


@needs_row_copy
def test_copy_rows_moves_every_bit_pattern():
    # random words cover NaN, subnormal and infinity patterns of the doubles they are copied as
    words = np.random.default_rng(1).integers(0, 1 << 32, 16 * 100, dtype=np.uint64).astype(np.uint32)
    words[:16] = [0x7f800001, 0x7fc00000, 0x00000001, 0x80000000, 0x7ff00000, 0x00000001, 0xffffffff, 0x7ff40000] * 2
    half = np.empty(8 * 100, np.uint32)
    assert _numpy_blas.copy_rows(words[8:], half, 100, 4, 8, 4)
    assert np.array_equal(half, words.reshape(-1, 16)[:, 8:].ravel())
    back = np.zeros_like(words)
    assert _numpy_blas.copy_rows(half, back[8:], 100, 4, 4, 8)
    assert np.array_equal(back.reshape(-1, 16)[:, 8:], words.reshape(-1, 16)[:, 8:])
    assert not back.reshape(-1, 16)[:, :8].any()


def test_copy_rows_declines_what_it_cannot_address():
    words = np.zeros(64, np.uint32)
    dst = np.empty(32, np.uint32)
    assert not _numpy_blas.copy_rows(words[1:], dst, 4, 4, 8, 4)          # 4 bytes off an 8-byte boundary
    assert not _numpy_blas.copy_rows(words[::2], dst, 2, 4, 8, 4)         # not contiguous
    words.flags.writeable = False
    assert not _numpy_blas.copy_rows(words, dst, 4, 4, 8, 4)              # read-only


@pytest.mark.parametrize('blas', [True, False])
def test_normal_halves_split_and_join_by_either_copy(blas, monkeypatch):
    from ember._random import draw
    if not blas:
        monkeypatch.setattr(_numpy_blas, 'copy_rows', lambda *args: False)
    words = np.arange(16 * 37, dtype=np.uint32)
    first, second = draw._Halves(40, np.uint32).split(words)
    assert np.array_equal(first, words.reshape(-1, 16)[:, :8].ravel())
    assert np.array_equal(second, words.reshape(-1, 16)[:, 8:].ravel())
    out = np.zeros_like(words)
    draw._Halves.join(first, second, out)
    assert np.array_equal(out, words)
