"""The error a distributed checkpoint operation raises on every rank when any rank failed."""
import traceback

__all__ = ['CheckpointException']


class CheckpointException(BaseException):
    """Saving or loading failed on some ranks. ``failures`` maps each failed rank to its exception; the
    message lists their tracebacks. (A ``BaseException``, as PyTorch's.)"""

    def __init__(self, msg, failures):
        super().__init__(msg, failures)
        self._failures = failures

    @property
    def failures(self):
        """{rank: exception} for every rank that failed."""
        return self._failures

    def __str__(self):
        text = f"CheckpointException ranks:{self._failures.keys()}\n"
        for rank, exc in self._failures.items():
            text += f"Traceback (most recent call last): (RANK {rank})\n"
            tb = getattr(exc, '_formatted_traceback', None)
            if tb is None:
                tb = ''.join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            text += tb.split('\n', 1)[1] if tb.startswith('Traceback (most recent call last):') else tb
        return text
