"""The future an RPC hands out: an ``ember.futures.Future`` that another thread completes.

The agent's threads complete it when the reply arrives (callbacks added with ``then`` run there, as
PyTorch's do); ``wait()`` blocks on an event until then. A lock makes completing and adding a
callback safe between threads.
"""
import threading

from ember.futures import Future


class RpcFuture(Future):
    """A ``Future`` completed from another thread (by a reply, a timeout or a local computation)."""

    def __init__(self):
        super().__init__()
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._driver = (self._event.is_set, self._result)

    def _result(self):
        self._event.wait()
        if self._error is not None:
            raise self._error
        return self._value

    def add_done_callback(self, callback):
        with self._lock:
            if not self._done:
                self._callbacks.append(callback)
                return
        callback(self)

    def _finish(self, value, error):
        with self._lock:
            if self._done:
                return
            self._value, self._error, self._done = value, error, True
            callbacks, self._callbacks = self._callbacks, []
        self._event.set()
        for callback in callbacks:
            try:
                callback(self)
            except Exception:   # a failing callback must not kill the thread that completed the future
                import traceback
                traceback.print_exc()

    def then(self, callback):
        child = super().then(callback)
        # the child completes when this one does (from the completing thread): wait on it as on an RPC
        future = RpcFuture()
        child.add_done_callback(lambda c: future._finish(c._value, c._error))
        return future


def completed(value=None, error=None):
    """A future already holding ``value`` (or ``error``)."""
    fut = RpcFuture()
    fut._finish(value, error)
    return fut
