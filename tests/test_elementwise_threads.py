"""Elementwise kernels' chunks on several threads (ember/ops/_chunk_threads.for_element_chunks): exact
GELU (forward, its kept Phi(x) or derivative, backward; with and without PyTorch's bits) and the float32 transcendentals computed through float64
(exp, log, tanh, ...). With two threads allowed the results are the one-thread results bit for bit
(each element is computed alone), NumPy's floating-point warnings stay quiet on the worker threads
as on the calling one, and BLAS's thread setting is left alone."""
import threading
import warnings

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.ops import _chunk_threads, _gelu, _gelu_f32, unary

pytest.importorskip('threadpoolctl')


def _inputs(dtype):
    rng = np.random.default_rng(3)
    # several chunks and a partial one; infinities, NaN, huge values (overflow inside the kernels)
    x = (rng.standard_normal(3 * _gelu._CHUNK + 1234) * 4).astype(dtype)
    x[:6] = [np.inf, -np.inf, np.nan, 3e38, -3e38, 0.0]
    g = rng.standard_normal(x.shape).astype(dtype)
    return x.reshape(-1, 2), g.reshape(-1, 2)


def _gelu_and_grad(x, g):
    t = ember.tensor(x, requires_grad=True)
    y = F.gelu(t)
    y.backward(ember.tensor(g))
    return y.detach().numpy(), t.grad.numpy()


@pytest.mark.parametrize('dtype, bits', [(np.float32, True), (np.float32, False), (np.float64, True)])
def test_two_threads_give_the_one_thread_bits(dtype, bits, threads):
    x, g = _inputs(dtype)
    with ember.numerics.pytorch_bits(bits):     # (off: float32 takes _gelu_fast32, its kept derivative)
        threads(1)
        one = _gelu_and_grad(x, g)
        threads(2)
        assert _chunk_threads.threads(np) == 2
        with warnings.catch_warnings():
            warnings.simplefilter('error')       # a RuntimeWarning from a worker thread would fail here
            two = _gelu_and_grad(x, g)
    for a, b in zip(one, two):
        assert a.dtype == b.dtype == dtype
        np.testing.assert_array_equal(a.view(np.uint8), b.view(np.uint8))


def test_float32_kernel_keeps_the_same_phi_on_two_threads(threads):
    x, _ = _inputs(np.float32)
    threads(1)
    y1, cdf1 = _gelu_f32.onednn_gelu(x, keep_cdf=True)
    threads(2)
    y2, cdf2 = _gelu_f32.onednn_gelu(x, keep_cdf=True)
    np.testing.assert_array_equal(y1.view(np.uint32), y2.view(np.uint32))
    np.testing.assert_array_equal(cdf1.view(np.uint32), cdf2.view(np.uint32))


@pytest.mark.parametrize('name', ['exp', 'log', 'tanh', 'sinh', 'log1p', 'expm1'])
def test_float32_transcendentals_give_the_one_thread_bits(name, threads):
    rng = np.random.default_rng(5)
    x = (rng.standard_normal(16 * unary._WIDE_CHUNK + 77) * 30).astype(np.float32)   # 8+ chunks a thread
    x[:4] = [np.inf, -np.inf, np.nan, -1.0]      # overflow, log of negatives: quiet, as on one thread
    fn = getattr(ember, name)
    threads(1)
    one = fn(ember.tensor(x)).numpy()
    threads(2)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        two = fn(ember.tensor(x)).numpy()
    np.testing.assert_array_equal(one.view(np.uint32), two.view(np.uint32))


def test_element_chunks_cover_the_range_once_on_both_threads(threads):
    threads(2)
    seen = []
    lock = threading.Lock()

    caller = threading.get_ident()
    worker_took_one = threading.Event()

    def work(s, e):
        with lock:
            seen.append((s, e, threading.get_ident()))
        if threading.get_ident() == caller:
            worker_took_one.wait(10)          # chunks go to whichever thread asks: let the worker ask
        else:
            worker_took_one.set()
    _chunk_threads.for_element_chunks(10, 3, work)
    assert sorted((s, e) for s, e, _ in seen) == [(0, 3), (3, 6), (6, 9), (9, 10)]
    assert len({ident for _, _, ident in seen}) == 2
    assert ember.get_num_threads() == 2     # BLAS was not held to one thread and left changed


def test_a_worker_that_never_starts_is_not_waited_for(threads):
    # the only worker is busy elsewhere (as when its core is taken): the caller runs every chunk
    threads(2)
    release = threading.Event()
    blocker = _chunk_threads._worker_pool(2).submit(release.wait, 30)
    try:
        seen = []
        _chunk_threads.for_element_chunks(10, 3, lambda s, e: seen.append((s, e, threading.get_ident())))
        assert [(s, e) for s, e, _ in seen] == [(0, 3), (3, 6), (6, 9), (9, 10)]
        assert {ident for _, _, ident in seen} == {threading.get_ident()}
    finally:
        release.set()
        blocker.result(30)


def test_small_work_stays_on_the_calling_thread(threads):
    threads(2)
    seen = []
    _chunk_threads.for_element_chunks(15, 1, lambda s, e: seen.append(threading.get_ident()),
                                      min_chunks_per_thread=8)   # 15 chunks: fewer than 8 per thread
    assert set(seen) == {threading.get_ident()} and len(seen) == 15


def test_an_error_in_a_worker_reaches_the_caller(threads):
    threads(2)
    caller = threading.get_ident()
    failed = threading.Event()

    def work(s, e):
        if threading.get_ident() != caller:
            failed.set()
            raise ValueError('chunk failed')
        failed.wait(10)
    with pytest.raises(ValueError, match='chunk failed'):
        _chunk_threads.for_element_chunks(10, 1, work)


def test_worker_threads_are_quiet_and_the_callers_settings_are_kept(threads):
    threads(2)
    states = []

    def work(s, e):
        states.append(np.geterr()['over'])
        np.float32(3e38) * np.float32(10)     # would warn under NumPy's defaults
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        _chunk_threads.for_element_chunks(4, 1, work)
    assert states == ['ignore'] * 4
    assert np.geterr()['over'] == 'warn'      # the caller's own NumPy settings are untouched
