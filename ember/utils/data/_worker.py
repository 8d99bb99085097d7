"""What runs inside a DataLoader worker process, and what crosses the process boundary.

A worker reads ``(task_idx, indices)`` from its own index pipe, fetches and collates that batch,
and writes ``(task_idx, payload)`` as one frame on its own result pipe (``_result_pipe``).  Payloads are pickled
here (``_dumps``) with a Tensor reduction local to the loader -- array, dtype and device, nothing
of autograd -- so the transport does not depend on ``ember.serialization``.  Errors travel as an
``ExceptionWrapper`` carrying the worker's traceback text; the main process raises it again.
"""
import io
import os
import pickle
import random
import sys
import traceback
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

from ember import backend
from ember._device import as_device
from ember._tensor import Tensor
from ember.utils.data._result_pipe import send_frame

__all__ = ['WorkerInfo', 'get_worker_info']

# how often a waiting worker looks up whether its parent process is still there
_PARENT_CHECK_INTERVAL = 1.0


@dataclass(frozen=True)
class WorkerInfo:
    """What a worker knows about itself: ``id``, ``num_workers``, ``seed`` and its own copy of
    the ``dataset``."""
    id: int
    num_workers: int
    seed: int
    dataset: Any
    rng: Optional[Any] = None
    worker_method: Optional[str] = 'multiprocessing'


_worker_info = None


def get_worker_info():
    """The current worker's :class:`WorkerInfo`, or ``None`` in the main process.

    Use it in an ``IterableDataset.__iter__`` (or a ``worker_init_fn``) to give each worker its
    own shard of the stream:

    >>> ember.utils.data.get_worker_info() is None   # not inside a worker
    True
    """
    return _worker_info


# ------------------------------------------------------------------------------------ transport
def _rebuild_tensor(cls, array, device, requires_grad):
    dev = as_device(device)
    t = Tensor._make(backend.move(array, dev), dev)
    if cls is not Tensor:
        t = cls._from(t)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _reduce_tensor(t):
    if t.requires_grad and t.grad_fn is not None:
        raise RuntimeError(
            "Cowardly refusing to serialize non-leaf tensor which requires_grad, "
            "since autograd does not support crossing process boundaries.  "
            "If you just want to transfer the data, call detach() on the tensor "
            "before serializing (e.g., putting it on the queue).")
    return _rebuild_tensor, (type(t), backend.to_numpy(t._data), str(t._device), t.requires_grad)


class _Pickler(pickle.Pickler):
    # NOTE: reducer_override sees Tensor subclasses too, which a copyreg/dispatch_table entry
    # (looked up by exact type) would miss.
    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            return _reduce_tensor(obj)
        return NotImplemented


def _dumps(obj):
    buf = io.BytesIO()
    _Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return buf.getvalue()


def _loads(data):
    return pickle.loads(data)


# ------------------------------------------------------------------------------------ messages
class KeyErrorMessage(str):
    """A str whose repr is itself, so a re-raised KeyError shows its traceback text readably."""
    __slots__ = ()

    def __repr__(self):
        return self


class ExceptionWrapper:
    """An exception and its traceback text, made to cross a process boundary."""

    def __init__(self, exc_info=None, where='in background'):
        if exc_info is None:
            exc_info = sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = ''.join(traceback.format_exception(*exc_info))
        self.where = where

    def __reduce__(self):
        # an exception class defined locally cannot be pickled by reference: fall back to RuntimeError
        exc_type = self.exc_type
        try:
            pickle.dumps(exc_type)
        except Exception:
            exc_type = RuntimeError
        return _rebuild_wrapper, (exc_type, self.exc_type.__name__, self.exc_msg, self.where)

    def reraise(self):
        name = getattr(self, '_type_name', self.exc_type.__name__)
        msg = f"Caught {name} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)  # KeyError would repr() the text: keep the newlines
        elif getattr(self.exc_type, 'message', None):
            raise self.exc_type(message=msg)
        try:
            exception = self.exc_type(msg)
        except Exception:  # the type needs other constructor arguments
            raise RuntimeError(msg) from None
        raise exception


def _rebuild_wrapper(exc_type, type_name, exc_msg, where):
    w = ExceptionWrapper.__new__(ExceptionWrapper)
    w.exc_type, w.exc_msg, w.where, w._type_name = exc_type, exc_msg, where, type_name
    return w


class _IterableDatasetStopIteration:
    """A worker's IterableDataset copy is exhausted."""

    def __init__(self, worker_id):
        self.worker_id = worker_id


class _ResumeIteration:
    """Start of a new epoch for persistent workers; the worker echoes it back as an acknowledgement."""


# ------------------------------------------------------------------------------------ seeding
def _numpy_seed(base_seed, worker_id):
    """Distinct, well-mixed NumPy seed words for each worker of one iterator: SeedSequence
    hashing of (worker id, low and high halves of the base seed), PyTorch's worker NumPy seed."""
    words = [worker_id, base_seed & 0xFFFFFFFF, base_seed >> 32]
    return np.random.SeedSequence(words).generate_state(4)


def _seed_worker(base_seed, worker_id):
    import ember
    seed = base_seed + worker_id
    random.seed(seed)
    ember.manual_seed(seed)
    np.random.seed(_numpy_seed(base_seed, worker_id))
    return seed


# ------------------------------------------------------------------------------------ the loop
def _pack(data, worker_id):
    """Pickle a result; if it cannot be pickled, pickle the reason instead."""
    try:
        return _dumps(data)
    except Exception:
        return _dumps(ExceptionWrapper(where=f"in DataLoader worker process {worker_id}"))


def _worker_loop(dataset_kind, dataset, index_conn, result_conn, done_event, auto_collation, collate_fn,
                 drop_last, base_seed, init_fn, worker_id, num_workers, persistent_workers, packed=None):
    """Serve fetch requests until told to stop (``None``) or the parent process is gone."""
    global _worker_info
    orphaned = False
    from ember.utils.data.dataloader import _DatasetKind
    try:
        if packed is not None:  # non-fork start methods: the dataset comes pickled by our transport
            dataset, collate_fn, init_fn = _loads(packed)
        seed = _seed_worker(base_seed, worker_id)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)

        where = f"in DataLoader worker process {worker_id}"
        init_error, fetcher = None, None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = _DatasetKind.create_fetcher(dataset_kind, dataset, auto_collation, collate_fn, drop_last)
        except Exception:
            init_error = _pack(ExceptionWrapper(where=where), worker_id)

        # Once an IterableDataset copy runs dry (or shutdown began) the worker only waits for None.
        exhausted = False
        parent = os.getppid()

        def give_up():   # while our result pipe is full: stop if shutdown began or the main process died
            return done_event.is_set() or os.getppid() != parent
        while True:
            try:
                if not index_conn.poll(_PARENT_CHECK_INTERVAL):
                    if os.getppid() != parent:  # the main process died: nobody will read our results
                        orphaned = True
                        break
                    continue
                r = index_conn.recv()
            except (EOFError, OSError):  # the main process closed our pipe
                break
            if r is None:
                break
            if isinstance(r, _ResumeIteration):
                if not send_frame(result_conn, r, None, give_up):
                    break
                exhausted = False
                if init_error is None:
                    fetcher = _DatasetKind.create_fetcher(dataset_kind, dataset, auto_collation, collate_fn,
                                                          drop_last)
                continue
            if exhausted or done_event.is_set():
                continue
            idx, index = r
            if init_error is not None:
                payload = init_error
            else:
                try:
                    payload = _pack(fetcher.fetch(index), worker_id)
                except StopIteration:
                    if dataset_kind != _DatasetKind.Iterable:
                        payload = _pack(ExceptionWrapper(where=where), worker_id)
                    else:
                        payload = _pack(_IterableDatasetStopIteration(worker_id), worker_id)
                        exhausted = True
                except Exception:
                    payload = _pack(ExceptionWrapper(where=where), worker_id)
            if not send_frame(result_conn, idx, payload, give_up):
                break
            del r, index, payload  # don't hold the last batch while waiting
    except KeyboardInterrupt:
        pass  # the main process gets its own KeyboardInterrupt
    except BrokenPipeError:
        pass  # the main process closed our result pipe: nobody will read more
    finally:
        result_conn.close()
