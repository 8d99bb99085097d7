"""Recording a worker's failure for its launcher (PyTorch's ``torch.distributed.elastic.multiprocessing.errors``).

``@record`` on a script's entry point writes an uncaught exception, with its traceback, as JSON to the file
named by ``TORCHELASTIC_ERROR_FILE`` (set by the launcher), then lets it propagate; without that variable
nothing is written. ``sys.exit(0)`` inside the entry point returns normally.
"""
import faulthandler
import functools
import json
import os
import time
import traceback
import warnings

__all__ = ['ChildFailedError', 'ErrorHandler', 'get_error_handler', 'record']


class ChildFailedError(Exception):
    """A launcher's error naming its failed child processes: ``failures`` maps a rank to its failure."""

    def __init__(self, name, failures):
        self.name = name
        self.failures = failures
        super().__init__(f"{name} FAILED")

    def get_first_failure(self):
        """``(rank, failure)`` of the lowest failed rank."""
        rank = min(self.failures)
        return rank, self.failures[rank]


class ErrorHandler:
    """Where a worker's structured error report goes: the file in ``TORCHELASTIC_ERROR_FILE``."""

    def _get_error_file_path(self):
        return os.environ.get('TORCHELASTIC_ERROR_FILE', None)

    def initialize(self):
        """Prepare to capture failures: Python's fault handler prints every thread's stack on a crash."""
        try:
            faulthandler.enable(all_threads=True)
        except Exception as e:
            warnings.warn(f"Unable to enable fault handler. {type(e).__name__}: {e}", stacklevel=2)

    def record_exception(self, e):
        """Write ``e`` (message, traceback, time) as JSON to the error file, if there is one."""
        path = self._get_error_file_path()
        if path:
            data = {'message': {'message': f'{type(e).__name__}: {e}',
                                'extraInfo': {'py_callstack': traceback.format_exc(),
                                              'timestamp': str(int(time.time()))}}}
            with open(path, 'w') as f:
                json.dump(data, f)

    def dump_error_file(self, rootcause_error_file, error_code=0):
        """Copy a child's error file to this process's error file (or print it when there is none)."""
        with open(rootcause_error_file) as f:
            content = json.load(f)
        if error_code and isinstance(content.get('message'), dict):
            content['message'].setdefault('errorCode', error_code)
        path = self._get_error_file_path()
        if path:
            with open(path, 'w') as f:
                json.dump(content, f)
        else:
            print(json.dumps(content, indent=2))


def get_error_handler():
    """The default :class:`ErrorHandler`."""
    return ErrorHandler()


def record(fn, error_handler=None):
    """Decorate a worker's entry point so an uncaught exception is written to the launcher's error file
    before it propagates (see the module docstring).

    Example::

        @record
        def main():
            train()
    """
    handler = error_handler if error_handler is not None else get_error_handler()

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        handler.initialize()
        try:
            return fn(*args, **kwargs)
        except SystemExit as se:
            if se.code == 0:
                return None
            raise
        except ChildFailedError as e:
            _, failure = e.get_first_failure()
            error_file = getattr(failure, 'error_file', None)
            if error_file and os.path.exists(error_file):
                handler.dump_error_file(error_file, getattr(failure, 'exitcode', 0))
            raise
        except Exception as e:
            handler.record_exception(e)
            raise
    return wrapper
