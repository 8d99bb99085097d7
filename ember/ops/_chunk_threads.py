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


def _worker_pool(k):
    """The pool of k - 1 worker threads (made again in a forked child, which has none of them)."""
    global _pool, _pool_size, _pool_pid
    if _pool_size < k - 1 or _pool_pid != os.getpid():
        from concurrent.futures import ThreadPoolExecutor
        _pool, _pool_size = ThreadPoolExecutor(k - 1, thread_name_prefix='ember-chunks'), k - 1
        _pool_pid = os.getpid()
    return _pool


def map_parts(xp, chunks, work, blas=True):
    """``[work(part) for part in parts]``, the chunks dealt round-robin into one part per thread
    (a single part, all chunks in order, when one thread is allowed): parts run side by side.
    ``blas=False``: the work makes no BLAS calls, so BLAS's threads are left as they are (holding
    them to one costs about 60 µs)."""
    k = threads(xp, len(chunks))
    if k == 1 or not _busy.acquire(blocking=False):
        return [work(chunks)]
    try:
        from concurrent.futures import wait
        pool = _worker_pool(k)
        parts = [chunks[i::k] for i in range(k)]
        with _blas_limiter().limit(limits=1) if blas else contextlib.nullcontext():
            futures = [pool.submit(work, part) for part in parts[1:]]
            try:
                first = work(parts[0])
            finally:
                wait(futures)   # every part done (or failed) before BLAS gets its threads back
        return [first] + [f.result() for f in futures]
    finally:
        _busy.release()


def for_chunks(xp, chunks, work):
    """``work(n0, n1)`` for every chunk, on as many threads as allowed (for kernels whose chunks
    write separate parts of one result), with BLAS held to one thread meanwhile. Chunks go to
    whichever thread asks next (``_SharedChunks``): a worker whose core is busy elsewhere does not
    hold the call up. Which thread computes a chunk does not change its bits."""
    shared = _SharedChunks(chunks, work)
    k = threads(xp, len(chunks))
    if k == 1 or not _busy.acquire(blocking=False):
        shared.run_here()
        return
    try:
        with _blas_limiter().limit(limits=1):
            pool = _worker_pool(k)
            for _ in range(k - 1):
                pool.submit(shared.worker)
            shared.run_here()       # returns once no worker is inside a chunk: BLAS may get its threads back
    finally:
        _busy.release()


class _SharedChunks:
    """Chunks handed out one at a time to whichever thread asks first. A worker that starts only
    after the calling thread has taken the last chunk does nothing, and the calling thread waits
    only for workers that are inside a chunk: when no core is free, the call costs about what the
    serial loop does, instead of waiting for a worker to be scheduled."""

    def __init__(self, chunks, work):
        self.chunks, self.work = chunks, work
        self.next = 0
        self.closed = False
        self.active = 0
        self.error = None
        self.lock = threading.Lock()
        self.idle = threading.Event()

    def _take(self):
        with self.lock:
            if self.next >= len(self.chunks) or self.error is not None:
                return None
            i = self.next
            self.next += 1
            return self.chunks[i]

    def _run(self):
        quiet = quiet_fp_enter()
        try:
            while (chunk := self._take()) is not None:
                self.work(*chunk)
        finally:
            quiet_fp_leave(quiet)

    def worker(self):
        with self.lock:
            if self.closed:
                return
            self.active += 1
        try:
            self._run()
        except BaseException as exc:   # noqa: BLE001 - handed to the calling thread, raised there
            with self.lock:
                self.error = self.error or exc
        finally:
            with self.lock:
                self.active -= 1
                if self.closed and self.active == 0:
                    self.idle.set()

    def run_here(self):
        try:
            self._run()
        except BaseException as exc:
            with self.lock:
                self.error = self.error or exc     # the workers stop taking chunks
            raise
        finally:
            with self.lock:
                self.closed = True
                waiting = self.active > 0
            if waiting:
                self.idle.wait()
        if self.error is not None:
            raise self.error


def for_element_chunks(n, size, work, min_chunks_per_thread=2):
    """``work(start, stop)`` for consecutive chunks of ``size`` of ``n`` elements of NumPy arrays, on as
    many threads as allowed, for elementwise kernels whose chunks each write their own part of the
    result (no BLAS). Each thread runs with NumPy's floating-point warnings quiet, as an op's kernel
    runs on the calling thread (NumPy's error state is per thread: a new thread starts with the
    defaults). Chunks go to whichever thread is free (``_SharedChunks``); each is computed alone, so
    which thread computed it does not change a bit.

    The work is split only when every thread can take at least ``min_chunks_per_thread`` chunks:
    handing chunks to a worker costs tens of microseconds, more when its core is busy, so a
    kernel's chunks should add up to about a millisecond per thread (on a loaded 2-core machine, exp
    of 131072 float32 elements in four chunks took 0.24 ms on one thread and 0.33 ms split; GELU's
    chunks take about 0.45 ms each)."""
    chunks = [(s, min(s + size, n)) for s in range(0, n, size)]
    shared = _SharedChunks(chunks, work)
    k = threads(numpy, len(chunks) // min_chunks_per_thread)
    if k == 1 or not _busy.acquire(blocking=False):
        shared.run_here()
        return
    try:
        for _ in range(k - 1):
            _worker_pool(k).submit(shared.worker)
        shared.run_here()
    finally:
        _busy.release()
