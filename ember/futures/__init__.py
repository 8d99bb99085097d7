"""ember.futures: PyTorch's ``torch.futures`` — a value that becomes available later.

A ``Future`` is completed by ``set_result``/``set_exception``, or, for the futures of collectives
(``Work.get_future()``), by the operation finishing: ``wait()`` drives it. Callbacks added with
``then``/``add_done_callback`` run once the value is there.

>>> import ember
>>> fut = ember.futures.Future()
>>> doubled = fut.then(lambda f: f.value() * 2)
>>> fut.set_result(ember.tensor([1., 2.]))
>>> doubled.wait()
tensor([2., 4.])
"""

import types

__all__ = ['Future', 'collect_all', 'wait_all']

_COMPLETED_TWICE = ("Attempting to mark a completed Future as complete again. Note that a Future can only be "
                    "marked completed once.")


class Future:
    """A placeholder for a result that becomes available later (from another thread, an RPC or an asynchronous
    collective). :meth:`wait` blocks until it is set and returns it; :meth:`then` chains a callback that gets
    the completed future and makes a new future of its result.

    Keyword args:
        devices (list of ember.device, optional): the CUDA devices the value's tensors may live on.

    Example::

        >>> fut = ember.futures.Future()
        >>> chained = fut.then(lambda f: f.value() * 2)
        >>> fut.set_result(ember.tensor([1., 2.]))
        >>> fut.done(), chained.wait()
        (True, tensor([2., 4.]))
    """

    # Future[Tensor] in annotations, as with PyTorch's generic Future
    __class_getitem__ = classmethod(types.GenericAlias)

    def __init__(self, *, devices=None):
        if devices:
            from ember._device import as_device
            devices = [as_device(d) for d in devices]
            if any(d.type != 'cuda' for d in devices):
                raise ValueError("Expected devices to have indices, got cpu")
        self._devices = list(devices or ())
        self._done = False
        self._value = None
        self._error = None
        self._callbacks = []
        self._driver = None          # for a collective's future: waits for it and returns its value

    def done(self):
        """Whether the value (or an error) is set; a collective's future checks without blocking."""
        if not self._done and self._driver is not None:
            poll, _ = self._driver
            if poll():
                self._drive()
        return self._done

    def wait(self):
        """Block until the value is set and return it (raise the error it was set with)."""
        if not self._done:
            if self._driver is None:
                raise RuntimeError("Future.wait() on a Future nobody will complete: call set_result or "
                                   "set_exception first (ember runs callbacks in the calling thread)")
            self._drive()
        if self._error is not None:
            raise self._error
        return self._value

    def value(self):
        """The value of a completed future (raises its error, if it holds one)."""
        if not self.done():
            raise RuntimeError("Future.value() called before the Future completed: call wait() first")
        if self._error is not None:
            raise self._error
        return self._value

    def then(self, callback):
        """A new future holding ``callback(self)``, run once this one completes."""
        child = Future(devices=self._devices)
        if self._driver is not None and not self._done:
            # waiting on the child drives the parent; its callbacks (run() below) complete the child
            child._driver = (self.done, self.wait)

        def run(parent):
            try:
                result = callback(parent)
            except Exception as exc:          # the child carries the callback's error, as PyTorch's
                child._finish(None, RuntimeError(f"Got the following error when running the callback: "
                                                 f"{type(exc).__name__}: {exc}"))
            else:
                child._finish(result, None)

        self.add_done_callback(run)
        return child

    def add_done_callback(self, callback):
        """Run ``callback(self)`` when this future completes (now, if it already has)."""
        if self._done:
            callback(self)
        else:
            self._callbacks.append(callback)

    def set_result(self, result):
        """Complete the future with ``result``; callbacks run now."""
        if self._done:
            raise RuntimeError(_COMPLETED_TWICE)
        self._finish(result, None)

    def set_exception(self, result):
        """Complete the future with the error ``result``: ``wait()`` and ``value()`` raise it."""
        if not isinstance(result, BaseException):
            raise AssertionError(f"{result} is of type {type(result)}, not an Exception.")
        if self._done:
            raise RuntimeError(_COMPLETED_TWICE)
        self._finish(None, result)

    def _finish(self, value, error):
        if self._done:
            return
        self._value, self._error, self._done = value, error, True
        callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback(self)

    def _drive(self):
        _, finish = self._driver
        try:
            value = finish()
        except Exception as exc:
            self._finish(None, exc)
        else:
            self._finish(value, None)

    @classmethod
    def _driven_by(cls, poll, finish):
        """A future completed by ``finish()`` (which blocks and returns the value) once ``poll()``
        says it can be, or when someone waits: how a collective's ``Work`` hands out its future."""
        fut = cls()
        fut._driver = (poll, finish)
        return fut

    def __repr__(self):
        return f'<ember.futures.Future object at {hex(id(self))}>'


def collect_all(futures):
    """A future whose value is the list of ``futures``, complete once every one of them is."""
    futures = list(futures)
    for f in futures:
        if not isinstance(f, Future):
            raise TypeError(f"collect_all expects a list of Futures, got {type(f).__name__}")
    return Future._driven_by(lambda: all(f.done() for f in futures), lambda: _settle(futures))


def _settle(futures):
    for f in futures:
        try:
            f.wait()
        except Exception:       # noqa: S110 - the error stays in its own future, as PyTorch's collect_all leaves it
            pass
    return futures


def wait_all(futures):
    """Wait for every future and return their values, in order (the first error is raised)."""
    return [f.wait() for f in futures]
