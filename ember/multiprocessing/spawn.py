"""``spawn``/``start_processes``: run ``fn(i, *args)`` in ``nprocs`` new processes and wait for them.

When a process fails the others are stopped and the parent raises: ``ProcessRaisedException``
carrying the child's traceback when it raised, ``ProcessExitedException`` when it exited with a
non-zero code or was killed by a signal.
"""
import multiprocessing
import os
import pickle
import signal
import sys
import time
import warnings

__all__ = ['ProcessContext', 'ProcessException', 'ProcessExitedException', 'ProcessRaisedException',
           'spawn', 'SpawnContext', 'start_processes']

ENV_VAR_PARALLEL_START = 'TORCH_MP_PARALLEL_START'


def _log():
    # logging and multiprocessing.connection load when a process group is watched, not at ``import ember``
    import logging
    return logging.getLogger(__name__)


class ProcessException(Exception):
    """A spawned process failed; ``error_index`` is its index and ``error_pid`` its process id."""
    __slots__ = ['error_index', 'error_pid']

    def __init__(self, msg, error_index, error_pid):
        super().__init__(msg)
        self.msg = msg
        self.error_index = error_index
        self.error_pid = error_pid

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.error_pid)


class ProcessRaisedException(ProcessException):
    """A spawned process raised an exception; the message holds its traceback."""


class ProcessExitedException(ProcessException):
    """A spawned process exited with a non-zero code (``exit_code``) or was killed by a signal
    (``signal_name``, and a negative ``exit_code``)."""
    __slots__ = ['exit_code']

    def __init__(self, msg, error_index, error_pid, exit_code, signal_name=None):
        super().__init__(msg, error_index, error_pid)
        self.exit_code = exit_code
        self.signal_name = signal_name

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.error_pid, self.exit_code, self.signal_name)


def _run(fn, i, args, error_file):
    """The child's entry point: run ``fn`` and leave its traceback in ``error_file`` if it raises."""
    try:
        fn(i, *args)
    except KeyboardInterrupt:
        pass   # the parent interrupted us while stopping the group
    except Exception:
        import traceback
        with open(error_file, 'wb') as fh:
            pickle.dump(traceback.format_exc(), fh)
        sys.exit(1)


class ProcessContext:
    """The processes ``start_processes(..., join=False)`` started; ``join()`` waits for them."""

    def __init__(self, processes, error_files):
        self.error_files = error_files
        self.processes = processes
        self.sentinels = {p.sentinel: i for i, p in enumerate(processes)}

    def pids(self):
        """The process ids, in index order."""
        return [int(p.pid) for p in self.processes]

    def _join_all(self, timeout):
        end = time.monotonic() + timeout
        for p in self.processes:
            p.join(max(0, end - time.monotonic()))

    def join(self, timeout=None, grace_period=None):
        """Wait up to ``timeout`` seconds for a process to finish.

        Returns True when all have finished successfully, False while some are still running. When
        one failed, the others get ``grace_period`` seconds to finish, are then terminated (killed if
        they ignore it), and the failure is raised as ``ProcessRaisedException`` or
        ``ProcessExitedException``.
        """
        if not self.sentinels:
            return True
        import multiprocessing.connection
        ready = multiprocessing.connection.wait(self.sentinels.keys(), timeout=timeout)
        failed = None
        for sentinel in ready:
            index = self.sentinels.pop(sentinel)
            self.processes[index].join()
            if self.processes[index].exitcode != 0:
                failed = index
                break
        if failed is None:
            return not self.sentinels
        self._stop_others(grace_period)
        raise self._failure(failed)

    def _stop_others(self, grace_period):
        if grace_period is not None:
            self._join_all(grace_period)
        for p in self.processes:
            if p.is_alive():
                _log().warning("Terminating process %s via signal SIGTERM", p.pid)
                p.terminate()
        self._join_all(30 if grace_period is None else grace_period)
        for p in self.processes:
            if p.is_alive():
                _log().warning("Unable to shutdown process %s via SIGTERM , forcefully exiting via SIGKILL", p.pid)
                p.kill()
            p.join()

    def _failure(self, index):
        proc = self.processes[index]
        error_file = self.error_files[index]
        if not os.access(error_file, os.R_OK):
            code = proc.exitcode
            if code < 0:
                try:
                    name = signal.Signals(-code).name
                except ValueError:
                    name = f"<Unknown signal {-code}>"
                return ProcessExitedException(f"process {index:d} terminated with signal {name}", error_index=index,
                                              error_pid=proc.pid, exit_code=code, signal_name=name)
            return ProcessExitedException(f"process {index:d} terminated with exit code {code:d}",
                                          error_index=index, error_pid=proc.pid, exit_code=code)
        with open(error_file, 'rb') as fh:
            trace = pickle.load(fh)
        os.unlink(error_file)
        msg = f"\n\n-- Process {index:d} terminated with the following error:\n" + trace
        return ProcessRaisedException(msg, index, proc.pid)


class SpawnContext(ProcessContext):
    """The former name of ``ProcessContext``."""

    def __init__(self, processes, error_files):
        warnings.warn("SpawnContext is renamed to ProcessContext since 1.4 release.", stacklevel=2)
        super().__init__(processes, error_files)


def _error_file_name():
    # a fresh name that does not exist yet: the child creates the file only if it fails
    import tempfile
    fh = tempfile.NamedTemporaryFile(prefix='ember-errorfile-', suffix='.pickle', delete=False)
    fh.close()
    os.unlink(fh.name)
    return fh.name


def start_processes(fn, args=(), nprocs=1, join=True, daemon=False, start_method='spawn'):
    """Start ``nprocs`` processes with ``start_method`` ('spawn', 'fork' or 'forkserver'), each
    running ``fn(i, *args)`` with its index ``i``.

    Args:
        fn (function): the entry point; with 'spawn' it must be defined at the top level of a module.
        args (tuple): the arguments after the index.
        nprocs (int): how many processes.
        join (bool): wait for all of them (else return a ``ProcessContext``).
        daemon (bool): the processes' daemon flag.
        start_method (str): how to start them.

    Returns:
        None when ``join`` is True, else the ``ProcessContext``.
    """
    ctx = multiprocessing.get_context(start_method)
    processes, error_files = [], []
    for i in range(nprocs):
        error_file = _error_file_name()
        proc = ctx.Process(target=_run, args=(fn, i, args, error_file), daemon=daemon)
        proc.start()
        processes.append(proc)
        error_files.append(error_file)
    context = ProcessContext(processes, error_files)
    if not join:
        return context
    while not context.join():
        pass


def spawn(fn, args=(), nprocs=1, join=True, daemon=False, start_method='spawn'):
    """Spawn ``nprocs`` processes running ``fn(i, *args)``; when one fails, stop the others and raise
    the failure in the parent (with the child's traceback when it raised).

    Args:
        fn (function): the entry point, defined at the top level of a module so it can be pickled;
            called as ``fn(i, *args)`` with the process index ``i``.
        args (tuple): the arguments after the index.
        nprocs (int): how many processes.
        join (bool): wait for all of them.
        daemon (bool): the processes' daemon flag.
        start_method (str): deprecated; always 'spawn' (use ``start_processes`` for another).

    Returns:
        None when ``join`` is True, else a ``ProcessContext``.

    Example::

        >>> import ember.multiprocessing as mp
        >>> mp.spawn(train, args=(model,), nprocs=2)  # doctest: +SKIP
    """
    if start_method != 'spawn':
        warnings.warn(f"This method only supports start_method=spawn (got: {start_method}).\n"
                      "To use a different start_method use:\n\t\t ember.multiprocessing.start_processes(...)",
                      FutureWarning, stacklevel=2)
    return start_processes(fn, args, nprocs, join, daemon, start_method='spawn')
