"""Whether a graph capture (``ember._trace``) is recording on this thread: the ops that record
differently under capture read it here, so that ``import ember`` does not load the capture machinery."""
import threading

_active = threading.local()     # .recorder: the capture's recorder while one runs on this thread


def is_capturing():
    """Whether a graph is being captured on this thread."""
    return getattr(_active, 'recorder', None) is not None
