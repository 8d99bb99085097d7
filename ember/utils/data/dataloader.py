"""DataLoader: batches from a dataset, in the main process or in worker processes.

The loader itself only holds the configuration; each ``iter(loader)`` makes an iterator.
``num_workers=0`` fetches in the calling process.  With ``num_workers > 0`` worker processes
fetch whole batches: the main process hands batch index lists to workers round-robin (at most
``prefetch_factor * num_workers`` outstanding), collects results from each worker's own result
pipe (``_result_pipe``: a worker that dies mid-batch is reported, not waited on), and hands them
out in the sampler's order, keeping early arrivals in a reorder buffer.

NOTE: indices go to each worker through a plain pipe, written synchronously, rather than a
``multiprocessing.Queue``: a Queue sends through a feeder thread that is stopped as soon as the
Queue becomes garbage, so the stop message of an iterator collected in a reference cycle (one held
by a traceback, say) would never leave, and its workers would linger until terminated.
"""
import atexit
import collections
import itertools
import math
import multiprocessing
import multiprocessing.connection as mp_connection
import os
import time
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from ember.utils.data import _worker
from ember.utils.data._collate import default_collate, default_convert
from ember.utils.data._result_pipe import FrameReader
from ember.utils.data._utils.fetch import _IterableDatasetFetcher, _MapDatasetFetcher
from ember.utils.data._utils.pin_memory import pin_memory
from ember.utils.data._worker import (ExceptionWrapper, _IterableDatasetStopIteration, _ResumeIteration,
                                      get_worker_info)
from ember.utils.data.dataset import IterableDataset
from ember.utils.data.sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ['DataLoader', 'get_worker_info', 'default_collate', 'default_convert']

# the type names PyTorch's module defines and libraries annotate with (opacus imports _collate_fn_t)
_T = TypeVar('_T')
_T_co = TypeVar('_T_co', covariant=True)
_worker_init_fn_t = Callable[[int], None]
_collate_fn_t = Callable[[list[_T]], Any]

# How long the main process waits on the result queue before checking that workers are alive:
# short, so a dead worker is reported promptly; waiting costs nothing when results keep coming.
_STATUS_CHECK_INTERVAL = 0.1
# How long shutdown waits for a worker to exit on its own before terminating it.
_JOIN_TIMEOUT = 2.0

_python_exiting = False


def _set_python_exiting():
    # At interpreter exit multiprocessing terminates daemonic workers itself; iterators being
    # torn down after that must not try to talk to them.
    global _python_exiting
    _python_exiting = True


atexit.register(_set_python_exiting)


class _DatasetKind:
    Map = 0
    Iterable = 1

    @staticmethod
    def create_fetcher(kind, dataset, auto_collation, collate_fn, drop_last):
        if kind == _DatasetKind.Map:
            return _MapDatasetFetcher(dataset, auto_collation, collate_fn, drop_last)
        return _IterableDatasetFetcher(dataset, auto_collation, collate_fn, drop_last)


class _InfiniteConstantSampler(Sampler):
    """Endless ``None``s: an IterableDataset chooses its own items, the sampler only counts them."""

    def __iter__(self):
        while True:
            yield None


def _cpu_count():
    if hasattr(os, 'sched_getaffinity'):
        return len(os.sched_getaffinity(0))
    return os.cpu_count()


class DataLoader:
    """Iterates over ``dataset`` in batches.

    Args mirror PyTorch's: ``batch_size`` (``None`` turns batching off), ``shuffle``, ``sampler``
    / ``batch_sampler`` (custom index orders), ``num_workers`` (worker processes; 0 loads in
    this process), ``collate_fn``, ``drop_last``, ``timeout`` (seconds to wait for a worker's
    batch), ``worker_init_fn(worker_id)``, ``generator`` (for shuffling and worker seeds),
    ``prefetch_factor`` (batches in flight per worker, default 2) and ``persistent_workers``.

    >>> import ember
    >>> from ember.utils.data import TensorDataset
    >>> loader = DataLoader(TensorDataset(ember.arange(5)), batch_size=2)
    >>> len(loader), [b[0].tolist() for b in loader]
    (3, [[0, 1], [2, 3], [4]])
    """
    __initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None,
                 persistent_workers=False, pin_memory_device='', in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; "
                             "use num_workers=0 to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing."
                             "let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None.")
        elif num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")

        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order

        # Dataset-kind errors come before sampler errors, as in PyTorch.
        if isinstance(dataset, IterableDataset):
            self._dataset_kind = _DatasetKind.Iterable
            if shuffle not in {False, None}:
                raise ValueError("DataLoader with IterableDataset: expected unspecified shuffle option, "
                                 f"but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified sampler option, "
                                 f"but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified batch_sampler option, "
                                 f"but got batch_sampler={batch_sampler}")
        else:
            shuffle = bool(shuffle)
            self._dataset_kind = _DatasetKind.Map

        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, "
                                 "sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive "
                             "with drop_last")

        if sampler is None:
            if self._dataset_kind == _DatasetKind.Iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self.__initialized = True
        self._IterableDataset_len_called = None
        self._iterator = None
        self.check_worker_number_rationality()

    # ------------------------------------------------------------------ configuration
    @property
    def multiprocessing_context(self):
        return self.__multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, ctx):
        if ctx is not None:
            if self.num_workers <= 0:
                raise ValueError("multiprocessing_context can only be used with multi-process loading "
                                 f"(num_workers > 0), but got num_workers={self.num_workers}")
            if isinstance(ctx, str):
                valid = multiprocessing.get_all_start_methods()
                if ctx not in valid:
                    raise ValueError("multiprocessing_context option should specify a valid start method in "
                                     f"{valid!r}, but got multiprocessing_context={ctx!r}")
                ctx = multiprocessing.get_context(ctx)
            if not isinstance(ctx, multiprocessing.context.BaseContext):
                raise TypeError("multiprocessing_context option should be a valid context object or a string "
                                f"specifying the start method, but got multiprocessing_context={ctx}")
        self.__multiprocessing_context = ctx

    def __setattr__(self, attr, val):
        if self.__initialized and attr in ('batch_size', 'batch_sampler', 'sampler', 'drop_last', 'dataset',
                                           'persistent_workers'):
            raise ValueError(f"{attr} attribute should not be set after {type(self).__name__} is initialized")
        super().__setattr__(attr, val)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        # what the iterator draws from: index lists when batching, single indices otherwise
        return self.batch_sampler if self._auto_collation else self.sampler

    def check_worker_number_rationality(self):
        if not self.num_workers:
            return
        suggested = _cpu_count()
        if suggested is None or self.num_workers > suggested:
            cpuset = '' if hasattr(os, 'sched_getaffinity') else ' (`cpuset` is not taken into account)'
            detail = (f"Our suggested max number of worker in current system is {suggested}{cpuset}, which is "
                      "smaller than what this DataLoader is going to create.") if suggested is not None else \
                "DataLoader is not able to compute a suggested max number of worker in current system."
            warnings.warn(f"This DataLoader will create {self.num_workers} worker processes in total. {detail} "
                          "Please be aware that excessive worker creation might get DataLoader running slow or "
                          "even freeze, lower the worker number to avoid potential slowness/freeze if necessary.",
                          stacklevel=2)

    # ------------------------------------------------------------------ iteration
    def _get_iterator(self):
        if self.num_workers == 0:
            return _SingleProcessDataLoaderIter(self)
        self.check_worker_number_rationality()
        return _MultiProcessingDataLoaderIter(self)

    def __iter__(self):
        # Persistent workers live in one iterator for the loader's whole life, reset each epoch.
        if self.persistent_workers and self.num_workers > 0:
            if self._iterator is None:
                self._iterator = self._get_iterator()
            else:
                self._iterator._reset(self)
            return self._iterator
        return self._get_iterator()

    def __len__(self):
        if self._dataset_kind == _DatasetKind.Iterable:
            # trust the dataset's own __len__ (and warn later if iteration yields more)
            length = self._IterableDataset_len_called = len(self.dataset)
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else math.ceil(length / self.batch_size)
            return length
        return len(self._index_sampler)


class _BaseDataLoaderIter:
    def __init__(self, loader):
        from ember import cuda
        self._dataset = loader.dataset
        self._dataset_kind = loader._dataset_kind
        self._IterableDataset_len_called = loader._IterableDataset_len_called
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._index_sampler = loader._index_sampler
        self._num_workers = loader.num_workers
        if loader.pin_memory and loader.pin_memory_device:
            warnings.warn("pin_memory_device is deprecated, the current accelerator will be used as the device,"
                          f"ignore pin_memory_device='{loader.pin_memory_device}'.", stacklevel=2)
        if loader.pin_memory and not cuda.is_available():
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, "
                          "then device pinned memory won't be used.", stacklevel=2)
        # batches are copied into page-locked memory, so .to('cuda', non_blocking=True) overlaps with compute
        self._pin_memory = bool(loader.pin_memory) and cuda.is_available()
        self._timeout = loader.timeout
        self._collate_fn = loader.collate_fn
        self._sampler_iter = iter(self._index_sampler)
        # drawn from the loader's generator (or the global one) so manual_seed fixes worker seeds
        self._base_seed = int(_draw_seed(loader.generator))
        self._persistent_workers = loader.persistent_workers
        self._num_yielded = 0

    def __iter__(self):
        return self

    def _reset(self, loader, first_iter=False):
        self._sampler_iter = iter(self._index_sampler)
        self._num_yielded = 0
        self._IterableDataset_len_called = loader._IterableDataset_len_called

    def _next_index(self):
        return next(self._sampler_iter)

    def _next_data(self):
        raise NotImplementedError

    def __next__(self):
        data = self._next_data()
        if self._pin_memory:
            data = pin_memory(data)
        self._num_yielded += 1
        if (self._dataset_kind == _DatasetKind.Iterable and self._IterableDataset_len_called is not None
                and self._num_yielded > self._IterableDataset_len_called):
            msg = (f"Length of IterableDataset {self._dataset} was reported to be "
                   f"{self._IterableDataset_len_called}(when accessing len(dataloader)), but {self._num_yielded} "
                   "samples have been fetched. ")
            if self._num_workers > 0:
                msg += ("For multiprocessing data-loading, this could be caused by not properly configuring the "
                        "IterableDataset replica at each worker. Please see "
                        "https://pytorch.org/docs/stable/data.html#torch.utils.data.IterableDataset for examples.")
            warnings.warn(msg, stacklevel=2)
        return data

    def __len__(self):
        return len(self._index_sampler)

    def __getstate__(self):
        raise NotImplementedError("{} cannot be pickled", type(self).__name__)


def _draw_seed(generator):
    from ember._random.draw import random_int64
    from ember._random.generator import Generator, default_generator
    if generator is not None and not isinstance(generator, Generator):
        # PyTorch draws the seed with empty((), dtype=int64).random_(generator=...): its refusal
        from ember.ops._argparse import explain
        raise explain('Tensor', 'random_', (), {'generator': generator})
    return random_int64(generator if generator is not None else default_generator)


class _SingleProcessDataLoaderIter(_BaseDataLoaderIter):
    def __init__(self, loader):
        super().__init__(loader)
        self._dataset_fetcher = _DatasetKind.create_fetcher(self._dataset_kind, self._dataset, self._auto_collation,
                                                            self._collate_fn, self._drop_last)

    def _next_data(self):
        index = self._next_index()  # StopIteration ends the epoch
        return self._dataset_fetcher.fetch(index)  # so does an exhausted IterableDataset


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    """Worker processes fetch batches; results are handed out in sampler order.

    Task bookkeeping: ``_send_idx`` numbers the tasks sent, ``_rcvd_idx`` the next one to hand
    out; ``_task_worker`` maps each unanswered-or-unreturned task to its worker and ``_arrived``
    holds results that came back before their turn.
    """

    def __init__(self, loader):
        super().__init__(loader)
        self._prefetch_factor = loader.prefetch_factor
        self._in_order = loader.in_order
        if self._prefetch_factor <= 0:
            raise AssertionError("prefetch_factor must be greater than 0 for MultiProcessingDataLoaderIter")
        ctx = loader.multiprocessing_context or multiprocessing.get_context()
        self._shutdown = False
        self._workers_done_event = ctx.Event()
        self._index_conns, self._workers = [], []  # (reader, writer) pipe ends, one pair per worker
        self._result_readers = []   # one FrameReader per worker (None once its pipe is closed)
        self._ready = collections.deque()   # frames read but not yet handed out

        packed = None
        if ctx.get_start_method() != 'fork':
            # NOTE: only fork shares the dataset for free; other start methods must pickle it, and we
            # do that with the loader's own Tensor transport.
            packed = _worker._dumps((self._dataset, self._collate_fn, loader.worker_init_fn))
        dataset, collate_fn, init_fn = (self._dataset, self._collate_fn, loader.worker_init_fn) \
            if packed is None else (None, None, None)
        self._workers_status = [False] * self._num_workers  # each becomes True in _reset
        for worker_id in range(self._num_workers):
            reader, writer = ctx.Pipe(duplex=False)
            result_reader, result_writer = ctx.Pipe(duplex=False)
            w = ctx.Process(target=_worker._worker_loop,
                            args=(self._dataset_kind, dataset, reader, result_writer,
                                  self._workers_done_event, self._auto_collation, collate_fn, self._drop_last,
                                  self._base_seed, init_fn, worker_id, self._num_workers,
                                  self._persistent_workers, packed))
            w.daemon = True
            w.start()
            # NOTE: only the worker may hold the writing end, so that its death closes the pipe
            result_writer.close()
            self._result_readers.append(FrameReader(result_reader))
            self._index_conns.append((reader, writer))
            self._workers.append(w)
        self._reset(loader, first_iter=True)

    def _reset(self, loader, first_iter=False):
        super()._reset(loader, first_iter)
        self._send_idx = 0
        self._rcvd_idx = 0
        self._task_worker = {}
        self._arrived = {}
        self._tasks_outstanding = 0
        self._workers_status = [True] * self._num_workers
        self._workers_num_tasks = [0] * self._num_workers
        self._worker_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:
            # Persistent workers may still be busy with the last epoch: each echoes the resume marker
            # after its older tasks, so everything before the last echo is stale and dropped.
            for _, writer in self._index_conns:
                writer.send(_ResumeIteration())
            waiting = self._num_workers
            while waiting > 0:
                idx, _ = self._get_data()
                if isinstance(idx, _ResumeIteration):
                    waiting -= 1
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    # ---------------------------------------------------------------- receiving
    def _try_get_data(self, timeout):
        """``(True, (idx, data))`` or ``(False, None)`` on timeout; a dead worker raises.

        Waits on every worker's result pipe and, for the workers still serving, on their process
        sentinels: a worker that dies, even halfway through sending a batch, is noticed here."""
        if not self._ready:
            waitables = {}
            for wid, reader in enumerate(self._result_readers):
                if reader is not None:
                    waitables[reader.conn] = (False, wid)
            for wid, w in enumerate(self._workers):
                if self._workers_status[wid]:
                    waitables[w.sentinel] = (True, wid)
            ready = [waitables[obj] for obj in mp_connection.wait(list(waitables), timeout)]
            dead = []
            for is_sentinel, wid in sorted(ready):          # pipes first: results sent before an exit count
                if is_sentinel:
                    self._drain(wid, dead)
                    if self._workers_status[wid] and wid not in dead:
                        dead.append(wid)
                else:
                    self._drain(wid, dead)
            if dead:
                for wid in dead:
                    self._workers_status[wid] = False
                pids = ', '.join(str(self._workers[wid].pid) for wid in dead)
                raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited unexpectedly")
            if not self._ready:
                return False, None
        idx, payload = self._ready.popleft()
        return True, (idx, None if payload is None else _worker._loads(payload))

    def _drain(self, wid, dead):
        reader = self._result_readers[wid]
        if reader is None:
            return
        try:
            self._ready.extend(reader.read())
        except EOFError:   # the worker's end is closed: it exited (asked to) or died
            reader.close()
            self._result_readers[wid] = None
            if self._workers_status[wid] and wid not in dead:
                dead.append(wid)

    def _get_data(self):
        deadline = time.monotonic() + self._timeout if self._timeout > 0 else None
        while True:
            wait = _STATUS_CHECK_INTERVAL
            if deadline is not None:
                wait = min(wait, max(deadline - time.monotonic(), 0))
            ok, item = self._try_get_data(wait)
            if ok:
                return item
            if deadline is not None and time.monotonic() >= deadline:
                raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds")

    def _next_data(self):
        while True:
            # Skip tasks that will never be answered: their worker's IterableDataset ran dry.
            while self._rcvd_idx < self._send_idx:
                wid = self._task_worker.get(self._rcvd_idx)
                if wid is not None and (self._rcvd_idx in self._arrived or self._workers_status[wid]):
                    break
                self._task_worker.pop(self._rcvd_idx, None)
                self._rcvd_idx += 1
            else:
                if not self._persistent_workers:
                    self._shutdown_workers()
                raise StopIteration

            if self._rcvd_idx in self._arrived:  # it came early and waited its turn
                idx = self._rcvd_idx
                self._rcvd_idx += 1
                return self._process_data(self._arrived.pop(idx), self._task_worker.pop(idx))

            idx, data = self._get_data()
            if isinstance(idx, _ResumeIteration):  # a late echo from an abandoned reset
                continue
            self._tasks_outstanding -= 1
            if isinstance(data, _IterableDatasetStopIteration):
                if self._persistent_workers:
                    self._workers_status[data.worker_id] = False
                else:
                    self._mark_worker_as_unavailable(data.worker_id)
                self._try_put_index()
                continue
            if idx == self._rcvd_idx:
                self._rcvd_idx += 1
                return self._process_data(data, self._task_worker.pop(idx))
            if not self._in_order:
                return self._process_data(data, self._task_worker.pop(idx))
            self._arrived[idx] = data

    def _process_data(self, data, worker_id):
        self._workers_num_tasks[worker_id] -= 1
        self._try_put_index()
        if isinstance(data, ExceptionWrapper):
            data.reraise()
        return data

    # ---------------------------------------------------------------- sending
    def _try_put_index(self):
        try:
            index = self._next_index()
        except StopIteration:
            return
        for _ in range(self._num_workers):  # the next worker still serving, round-robin
            wid = next(self._worker_cycle)
            if self._workers_status[wid]:
                break
        else:
            return
        self._index_conns[wid][1].send((self._send_idx, index))
        self._task_worker[self._send_idx] = wid
        self._workers_num_tasks[wid] += 1
        self._tasks_outstanding += 1
        self._send_idx += 1

    # ---------------------------------------------------------------- shutting down
    def _mark_worker_as_unavailable(self, worker_id, shutdown=False):
        # tell the worker to exit; it is joined later, in _shutdown_workers
        try:
            self._index_conns[worker_id][1].send(None)
        except OSError:  # pipe already closed
            pass
        self._workers_status[worker_id] = False

    def _shutdown_workers(self):
        if _python_exiting or self._shutdown:
            return
        self._shutdown = True
        try:
            self._workers_done_event.set()
            for wid in range(len(self._workers)):
                if self._workers_status[wid] or self._persistent_workers:
                    self._mark_worker_as_unavailable(wid, shutdown=True)
            deadline = time.monotonic() + _JOIN_TIMEOUT
            for w in self._workers:
                w.join(timeout=max(deadline - time.monotonic(), 0))
            for w in self._workers:
                if w.is_alive():
                    w.terminate()
                    w.join()
            for reader, writer in self._index_conns:
                reader.close()
                writer.close()
        finally:
            for wid, reader in enumerate(self._result_readers):
                if reader is not None:
                    reader.close()
                    self._result_readers[wid] = None

    def __del__(self):
        if getattr(self, '_workers', None) is not None and hasattr(self, '_shutdown'):
            self._shutdown_workers()
