"""A process pool (``torch.multiprocessing.pool.Pool``) whose workers collect their garbage after each
batch of tasks, so that tensors a task created (and their shared memory) are released before the worker
waits for more work. Tensors travel in shared memory, as through every ember multiprocessing queue.

NOTE: a worker hands a result tensor's memory over while it lives; one that exits right after its last
task (``maxtasksperchild``) can free that memory before the parent has taken it. Return tensors from
pools whose workers stay (the default), or return NumPy arrays or lists from the others.
(PyTorch's own ``torch.multiprocessing.pool.Pool`` fails to start on Python 3.10 and newer.)"""
import gc
import multiprocessing.pool

import ember.multiprocessing  # noqa: F401 - registers the tensor rules (shared memory) with multiprocessing

__all__ = ['Pool', 'clean_worker']


def clean_worker(*args, **kwargs):
    """The standard pool worker loop, then a garbage collection: the loop's frames can keep the last
    task's objects alive until the process ends."""
    multiprocessing.pool.worker(*args, **kwargs)
    gc.collect()


class Pool(multiprocessing.pool.Pool):
    """:class:`multiprocessing.pool.Pool` whose workers run :func:`clean_worker`."""

    @staticmethod
    def _repopulate_pool_static(ctx, Process, processes, pool, inqueue, outqueue, initializer, initargs,
                                maxtasksperchild, wrap_exception):
        # the standard method, with clean_worker as the workers' target
        for _ in range(processes - len(pool)):
            w = Process(ctx, target=clean_worker,
                        args=(inqueue, outqueue, initializer, initargs, maxtasksperchild, wrap_exception))
            w.name = w.name.replace('Process', 'PoolWorker')
            w.daemon = True
            w.start()
            pool.append(w)
            multiprocessing.util.debug('added worker')

    @staticmethod
    def _maintain_pool(ctx, Process, processes, pool, *rest):
        # replaces workers that exited (maxtasksperchild) with clean ones too
        if multiprocessing.pool.Pool._join_exited_workers(pool):
            Pool._repopulate_pool_static(ctx, Process, processes, pool, *rest)
