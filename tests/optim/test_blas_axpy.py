"""The one-pass ``y += a * x`` through NumPy's own BLAS (ember/optim/_blas_axpy.py) and the SGD step that
takes it without PyTorch's bits."""
import numpy as np
import pytest

import ember
from ember.optim import _blas_axpy

needs_saxpy = pytest.mark.skipif(_blas_axpy.saxpy() is None, reason="this NumPy's BLAS has no reachable saxpy")


@needs_saxpy
@pytest.mark.parametrize('shape', [(1,), (37,), (512, 784), (3, 5, 7), ()])
def test_axpy_matches_the_two_ufuncs_to_one_rounding(shape):
    rng = np.random.default_rng(0)
    y = rng.standard_normal(shape).astype(np.float32)
    x = rng.standard_normal(shape).astype(np.float32)
    want = (y.astype(np.float64) + np.float64(np.float32(-1e-3)) * x.astype(np.float64))
    got = y.copy()
    assert _blas_axpy.axpy_(got, -1e-3, x)
    np.testing.assert_allclose(got, want, rtol=1.2e-7, atol=1e-30)
    assert x.flags.c_contiguous    # (the operand is untouched)


@needs_saxpy
def test_axpy_takes_a_numpy_scalar_and_an_array_with_itself():
    y = np.arange(10, dtype=np.float32)
    assert _blas_axpy.axpy_(y, np.float32(0.5), y)
    np.testing.assert_array_equal(y, np.arange(10, dtype=np.float32) * 1.5)


@needs_saxpy
def test_axpy_reads_a_read_only_operand():
    x = np.full(6, 2.0, np.float32)
    x.flags.writeable = False
    y = np.ones(6, np.float32)
    assert _blas_axpy.axpy_(y, 0.25, x)
    np.testing.assert_array_equal(y, np.full(6, 1.5, np.float32))


@pytest.mark.parametrize('case', ['float64', 'strided', 'read_only', 'overlapping', 'shapes', 'empty'])
def test_axpy_declines_what_it_cannot_do_in_one_pass(case):
    y = np.zeros(8, np.float32)
    x = np.ones(8, np.float32)
    if case == 'float64':
        y = y.astype(np.float64)
    elif case == 'strided':
        x = np.ones(16, np.float32)[::2]
    elif case == 'read_only':
        y.flags.writeable = False
    elif case == 'overlapping':
        base = np.zeros(9, np.float32)
        y, x = base[1:], base[:-1]
    elif case == 'shapes':
        x = np.ones((2, 4), np.float32)
    elif case == 'empty':
        y, x = y[:0], x[:0]
    before = y.copy()
    assert not _blas_axpy.axpy_(y, 2.0, x)
    np.testing.assert_array_equal(y, before)


@needs_saxpy
def test_sgd_without_pytorch_bits_updates_through_blas(monkeypatch):
    calls = []
    real = _blas_axpy.axpy_

    def spy(y, a, x, exact=False):
        calls.append(y.shape)
        return real(y, a, x, exact)
    import ember.optim._functional as functional
    monkeypatch.setattr(functional, '_blas_axpy_', spy)
    p = ember.nn.Parameter(ember.ones(512, 784))
    p.grad = ember.full((512, 784), 2.0)
    with ember.numerics.pytorch_bits(False):
        ember.optim.SGD([p], lr=0.25).step()
    assert calls == [(512, 784)]          # one call for the whole parameter, not per block
    assert (p.detach().numpy() == 0.5).all()
    assert p._version == 1


def test_the_rounding_check_tells_one_rounding_from_two():
    """The check that lets PyTorch's bits take saxpy refuses a kernel that rounds the product first."""
    def two_roundings(n, a, x_ref, incx, y_ref, incy):
        import ctypes
        x = np.ctypeslib.as_array(ctypes.cast(x_ref, ctypes.POINTER(ctypes.c_float)), (n,))
        y = np.ctypeslib.as_array(ctypes.cast(y_ref, ctypes.POINTER(ctypes.c_float)), (n,))
        y += np.float32(a) * x
    assert not _blas_axpy._check_rounds_once(two_roundings)


@needs_saxpy
@pytest.mark.parametrize('kwargs', [dict(), dict(momentum=0.9), dict(momentum=0.9, nesterov=True, weight_decay=0.01)])
def test_sgd_with_pytorch_bits_gives_the_same_bits_through_blas_or_not(kwargs, monkeypatch):
    """With PyTorch's bits saxpy serves only where it rounds once: the trajectory is fma32_to's, bit for bit."""
    rng = np.random.default_rng(3)
    start = rng.standard_normal((300, 257)).astype(np.float32)
    grads = [rng.standard_normal((300, 257)).astype(np.float32) for _ in range(5)]

    def trajectory():
        p = ember.nn.Parameter(ember.tensor(start))
        opt = ember.optim.SGD([p], lr=0.01, **kwargs)
        for g in grads:
            p.grad = ember.tensor(g)
            opt.step()
        return p.detach().numpy().view(np.uint32)
    import ember.optim._functional as functional
    done = []

    def spy(y, a, x, exact=False):
        done.append(_blas_axpy.axpy_(y, a, x, exact))
        return done[-1]
    monkeypatch.setattr(functional, '_blas_axpy_', spy)
    assert ember.numerics.pytorch_bits_enabled()
    through_blas = trajectory()
    assert done and all(done) == _blas_axpy.rounds_once()
    monkeypatch.setattr(_blas_axpy, '_ONCE', [False])       # as on a machine whose saxpy rounds twice
    assert np.array_equal(trajectory(), through_blas)


@needs_saxpy
def test_exact_calls_decline_while_denormals_are_flushed(monkeypatch):
    from ember.backend import _denormals
    monkeypatch.setattr(_denormals, 'FLUSHING', [True])
    y, x = np.zeros(4, np.float32), np.ones(4, np.float32)
    assert not _blas_axpy.axpy_(y, 1.0, x, exact=True)
    assert _blas_axpy.axpy_(y, 1.0, x)
