"""Batch chunks of a convolution's array kernels run on several Python threads.

ember's own passes over memory (Winograd's tile transforms, im2col's copies, col2im's additions)
run on the calling thread, so with more than one thread allowed only the BLAS products used the
other cores. NumPy releases the GIL in its ufunc loops and copies over large arrays, and BLAS in
its products, so the independent batch chunks of one kernel can run on threads side by side: each
thread takes every k-th chunk, and BLAS is held to one thread meanwhile (k threads doing their own
products rather than each product asking for k).

Elementwise kernels with chunks of their own (exact GELU's forward and backward, float32
transcendentals computed through float64) share the
threads through ``for_element_chunks``: their chunks make no BLAS calls, so BLAS keeps its setting.

Only NumPy arrays on the CPU, only when ember's thread setting (``set_num_threads``, read through
threadpoolctl, which also holds BLAS back) allows more than one, and one kernel at a time: a call
made while another thread is inside this runs its chunks serially.
"""
import contextlib
import os
import threading

import numpy

from ember import _threads
from ember.backend import quiet_fp_enter, quiet_fp_leave

_pool = None
_pool_size = 0
_pool_pid = None        # a forked child inherits the pool object but none of its threads
_busy = threading.Lock()
_blas = None


def threads(xp, chunks=None):
    """How many threads a kernel over ``chunks`` batch chunks (any number when None) may use."""
    if xp is not numpy:
        return 1
    try:
        n = _threads.intra_op_threads()
    except Exception:   # noqa: BLE001 - no threadpoolctl, or no BLAS it knows: the serial path
        return 1
    if n > 1 and _blas_limiter() is None:
        return 1
    return max(1, min(n, chunks)) if chunks is not None else max(1, n)


def _blas_limiter():
    global _blas
    if _blas is None:
        try:
            import threadpoolctl
            _blas = threadpoolctl.ThreadpoolController().select(user_api='blas')
        except Exception:   # noqa: BLE001 - threadpoolctl is optional
            _blas = False
    return _blas or None


def map_parts(xp, chunks, work, blas=True):
    """``[work(part) for part in parts]``, the chunks dealt round-robin into one part per thread
    (a single part, all chunks in order, when one thread is allowed): parts run side by side.
    ``blas=False``: the work makes no BLAS calls, so BLAS's threads are left as they are (holding
    them to one costs about 60 µs)."""
    k = threads(xp, len(chunks))
    if k == 1 or not _busy.acquire(blocking=False):
        return [work(chunks)]
    try:
        global _pool, _pool_size, _pool_pid
        from concurrent.futures import ThreadPoolExecutor, wait
        if _pool_size < k - 1 or _pool_pid != os.getpid():
            _pool, _pool_size = ThreadPoolExecutor(k - 1, thread_name_prefix='ember-chunks'), k - 1
            _pool_pid = os.getpid()
        parts = [chunks[i::k] for i in range(k)]
        with _blas_limiter().limit(limits=1) if blas else contextlib.nullcontext():
            futures = [_pool.submit(work, part) for part in parts[1:]]
            try:
                first = work(parts[0])
            finally:
                wait(futures)   # every part done (or failed) before BLAS gets its threads back
        return [first] + [f.result() for f in futures]
    finally:
        _busy.release()


def for_chunks(xp, chunks, work):
    """``work(n0, n1)`` for every chunk, on as many threads as allowed (for kernels whose chunks
    write separate parts of one result)."""
    def run(part):
        for n0, n1 in part:
            work(n0, n1)
    map_parts(xp, chunks, run)


def for_element_chunks(n, size, work):
    """``work(start, stop)`` for consecutive chunks of ``size`` of ``n`` elements of NumPy arrays, on as
    many threads as allowed, for elementwise kernels whose chunks each write their own part of the
    result (no BLAS). Each thread runs with NumPy's floating-point warnings quiet, as an op's kernel
    runs on the calling thread (NumPy's error state is per thread: a new thread starts with the
    defaults)."""
    def run(part):
        quiet = quiet_fp_enter()
        try:
            for start, stop in part:
                work(start, stop)
        finally:
            quiet_fp_leave(quiet)
    map_parts(numpy, [(s, min(s + size, n)) for s in range(0, n, size)], run, blas=False)
