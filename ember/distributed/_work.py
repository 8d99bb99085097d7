"""Work: the handle of a collective in flight. Every collective is a non-blocking MPI request polled
against the group's deadline, so a rank that never joins ends in an error instead of a hang."""
import time
from datetime import timedelta

from ember.distributed._errors import DistBackendError
from ember.distributed import _mpi


class Work:
    """Returned by collectives called with ``async_op=True`` (and by ``isend``/``irecv``): ``wait()`` blocks
    until the operation is done (or raises after the group's timeout), ``is_completed()`` asks without
    blocking."""

    def __init__(self, pg, name, requests, finish=None, outputs=()):
        self._pg = pg
        self._name = name
        self._requests = requests
        self._finish = finish
        self._outputs = list(outputs)
        self._done = False
        self._error = None
        self._started = time.monotonic()
        self._statuses = None

    def _complete(self):
        if not self._done:
            self._done = True
            if self._finish is not None:
                self._finish()

    def is_completed(self):
        if self._done:
            return True
        if self._error is not None:
            return False
        MPI = _mpi.load()
        if MPI.Request.Testall(self._requests, self._statuses):
            self._complete()
            return True
        return False

    def is_success(self):
        return self.is_completed() and self._error is None

    def exception(self):
        return self._error

    def wait(self, timeout=None):
        """Block until done; raises ``DistBackendError`` when the group's timeout (or ``timeout``) passes."""
        if self._done:
            return True
        if self._error is not None:
            raise self._error
        limit = self._pg._timeout if timeout is None else timeout
        seconds = limit.total_seconds() if isinstance(limit, timedelta) else float(limit)
        if not _poll(self._requests, self._started + seconds, self._statuses):
            pg = self._pg
            self._error = DistBackendError(
                f"{self._name} timed out after {seconds:g} s on rank {pg.rank()} of {pg.size()} "
                f"(process group {pg.name()!r}): another rank did not join it; it may have died, hung or "
                "taken a different code path")
            pg._broken = self._error
            raise self._error
        self._complete()
        return True

    def result(self):
        self.wait()
        return self._outputs

    def synchronize(self):
        self.wait()

    def get_future(self):
        """A ``Future`` completed when this operation is; its value is the list of output tensors."""
        from ember.futures import Future
        return Future._driven_by(self.is_completed, self.result)


# How _poll waits: test back to back for a moment (a peer that is already there answers within
# microseconds, and a large transfer needs frequent tests to progress), then sleep between tests,
# each pause longer than the last up to a cap. Measured on 2 ranks sharing 2 busy cores: sleeping
# instead of spinning cut a DDP step (waiting for the other rank's backward) from ~45 ms to ~38 ms
# median and ~20 ms to ~3 ms best, and a 40 MB all_reduce got no slower (the peer gets the CPU).
_SPIN_SECONDS = 0.0005
_FIRST_PAUSE = 2e-5
_PAUSE_GROWTH = 1.5
_MAX_PAUSE = 0.0005


def _poll(requests, deadline, statuses=None):
    """Test the requests until they complete (True) or the deadline passes (False).

    NOTE: testing is what drives MPI's progress on non-blocking operations, so the pauses stay short
    (a sleep of at most half a millisecond), but a rank that waits for a peer still computing sleeps
    rather than spins, so that it does not take the CPU from ranks that share it."""
    test = _mpi.load().Request.Testall
    if test(requests, statuses):
        return True
    spin_until = time.monotonic() + _SPIN_SECONDS
    pause = _FIRST_PAUSE
    while not test(requests, statuses):
        now = time.monotonic()
        if now > deadline:
            return False
        if now > spin_until:
            time.sleep(pause)
            pause = min(pause * _PAUSE_GROWTH, _MAX_PAUSE)
    return True


def check_usable(pg, name):
    if pg._broken is not None:
        raise DistBackendError(f"{name}: process group {pg.name()!r} is unusable after an earlier failure: "
                               f"{pg._broken}")


def completed(pg, name, requests, finish, outputs, async_op):
    """The collective's Work when ``async_op``; else wait for it here and return None."""
    work = Work(pg, name, requests, finish, outputs)
    if async_op:
        return work
    work.wait()
    return None
