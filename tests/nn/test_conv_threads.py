"""Convolution batch chunks on several threads (ember/ops/_chunk_threads.py): with two threads
allowed, results agree with the one-thread ones to rounding (a batch that was one chunk is split
in two, and BLAS may round a product of another width differently; each thread sums its own
chunks' weight gradients), as PyTorch's do between thread counts."""
import threading

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.ops import _chunk_threads

pytest.importorskip('threadpoolctl')


def _run(fn, arrays):
    ts = [ember.tensor(a, requires_grad=True) for a in arrays]
    y = fn(*ts)
    probe = ember.tensor(np.random.default_rng(7).standard_normal(tuple(y.shape)).astype(arrays[0].dtype))
    (y * probe).sum().backward()
    return [y.detach().numpy()] + [t.grad.numpy() for t in ts]


CASES = [
    # Winograd (3x3, stride 1, C * O >= 512) F(2x2, 3x3) and F(4x4, 3x3) (64 tiles), im2col with
    # kept columns, im2col in chunks, flat planes
    (lambda x, w: F.conv2d(x, w, padding=1), [(4, 32, 6, 7), (32, 32, 3, 3)]),
    (lambda x, w, b: F.conv2d(x, w, b, padding=1), [(4, 16, 16, 16), (32, 16, 3, 3), (32,)]),
    (lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1), [(5, 3, 9, 8), (4, 3, 5, 5), (4,)]),
    (lambda x, w: F.conv2d(x, w), [(6, 8, 40, 40), (4, 8, 5, 5)]),
    (lambda x, w: F.conv_transpose2d(x, w, padding=1), [(3, 4, 6, 5), (4, 2, 3, 3)]),
]


@pytest.mark.parametrize('fn, shapes', CASES)
@pytest.mark.parametrize('dtype', [np.float64, np.float32])
def test_two_threads_give_the_one_thread_results(fn, shapes, dtype, threads):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(dtype) for s in shapes]
    threads(1)
    one = _run(fn, arrays)
    threads(2)
    assert _chunk_threads.threads(np) == 2
    two = _run(fn, arrays)
    tol = 1e-12 if dtype == np.float64 else 1e-5
    for t, o in zip(two, one):          # output, input gradient, weight (and bias) gradients
        assert t.dtype == o.dtype and t.shape == o.shape
        np.testing.assert_allclose(t, o, rtol=tol, atol=tol * np.abs(o).max())


def test_chunks_are_dealt_over_the_threads_once_each(threads):
    threads(2)
    seen = []
    # chunks go to whichever thread asks next: the first thread to take one waits (up to 10 s) for
    # the other to take one too, so a thread that starts first cannot take all three alone
    both_took_one = threading.Barrier(2, timeout=10)

    def work(n0, n1):
        first = all(ident != threading.get_ident() for _, ident in seen)
        seen.append((n0, threading.get_ident()))
        if first:
            both_took_one.wait()
    _chunk_threads.for_chunks(np, [(0, 1), (1, 2), (2, 3)], work)
    assert sorted(n for n, _ in seen) == [0, 1, 2]
    assert len({ident for _, ident in seen}) == 2
    assert _chunk_threads.map_parts(np, [(0, 1), (1, 2), (2, 3)], lambda part: part) == [[(0, 1), (2, 3)], [(1, 2)]]
    threads(1)
    assert _chunk_threads.map_parts(np, [(0, 1), (1, 2), (2, 3)], lambda part: part) == [[(0, 1), (1, 2), (2, 3)]]


def test_an_error_in_a_thread_reaches_the_caller(threads):
    threads(2)

    def fail_on_second(n0, n1):
        if n0 == 1:
            raise ValueError('chunk 1')
    with pytest.raises(ValueError, match='chunk 1'):
        _chunk_threads.for_chunks(np, [(0, 1), (1, 2)], fail_on_second)
    # and the next kernel runs on two threads again
    assert len(_chunk_threads.map_parts(np, [(0, 1), (1, 2)], lambda part: part)) == 2


@pytest.mark.skipif(not hasattr(__import__('os'), 'fork'), reason='needs fork')
def test_a_forked_child_gets_threads_of_its_own(threads):
    import os
    threads(2)
    _chunk_threads.map_parts(np, [(0, 1), (1, 2)], lambda part: part)    # the parent's pool exists
    pid = os.fork()
    if pid == 0:                                                          # the child: its own pool
        ok = _chunk_threads.map_parts(np, [(0, 1), (1, 2)], lambda part: part) == [[(0, 1)], [(1, 2)]]
        os._exit(0 if ok else 1)
    import time
    deadline = time.monotonic() + 60          # a child waiting on its parent's dead threads hangs
    while (done := os.waitpid(pid, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    if done[0] == 0:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        pytest.fail('the forked child never finished its chunks')
    assert os.WIFEXITED(done[1]) and os.WEXITSTATUS(done[1]) == 0
