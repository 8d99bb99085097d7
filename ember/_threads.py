"""CPU thread settings: ``set_num_threads``/``get_num_threads`` and the inter-op pair.

ember's parallelism on the CPU is the BLAS library NumPy calls (OpenBLAS, MKL, ...). Its thread
count is changed at run time through threadpoolctl, the standard tool for exactly that (an optional
extra: ``pip install ember[threads]``). ember runs ops one after another on the calling thread, so it
has no inter-op pool: ``get_num_interop_threads()`` is 1.
"""
import os
import warnings

# ember's thread setting as last read or set (None: not read yet), for the array kernels that split
# their work over threads (ember.ops._chunk_threads): reading it from threadpoolctl costs a
# millisecond, more than many of those kernels take
_intra_op = None


def _threadpoolctl(what):
    try:
        import threadpoolctl
    except ImportError:
        raise RuntimeError(f"{what} needs the threadpoolctl package to control the BLAS threads NumPy uses: "
                           "pip install threadpoolctl") from None
    return threadpoolctl


def _check_positive(name, value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuntimeError(f"{name} expects an int, but got {type(value).__name__}")
    if value <= 0:
        raise RuntimeError(f"{name} expects a positive integer")


def get_num_threads():
    """The number of threads NumPy's BLAS uses for matrix products (intra-op parallelism).

    Example::

        >>> n = ember.get_num_threads()
        >>> isinstance(n, int) and n >= 1
        True
    """
    try:
        import threadpoolctl
    except ImportError:
        return len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count() or 1
    import numpy  # noqa: F401  (loads the BLAS library threadpoolctl looks for)
    counts = [pool['num_threads'] for pool in threadpoolctl.threadpool_info() if pool['user_api'] == 'blas']
    return max(counts) if counts else 1


def set_num_threads(int):  # noqa: A002  (PyTorch's parameter name)
    """Set the number of threads NumPy's BLAS uses (through threadpoolctl).

    >>> before = ember.get_num_threads()
    >>> ember.set_num_threads(1); ember.get_num_threads()
    1
    >>> ember.set_num_threads(before)
    """
    _check_positive('set_num_threads', int)
    threadpoolctl = _threadpoolctl('set_num_threads')
    import numpy  # noqa: F401
    threadpoolctl.threadpool_limits(limits=int, user_api='blas')
    global _intra_op
    _intra_op = int


def intra_op_threads():
    """``get_num_threads()``, read once and then kept current by ``set_num_threads`` (a change made
    behind ember's back, with threadpoolctl directly, is not seen)."""
    global _intra_op
    if _intra_op is None:
        _intra_op = get_num_threads()
    return _intra_op


_interop_warned = False


def get_num_interop_threads():
    """1: ember runs ops one after another on the calling thread.

    Example::

        >>> n = ember.get_num_interop_threads()
        >>> isinstance(n, int) and n >= 1
        True
    """
    return 1


def set_num_interop_threads(int):  # noqa: A002
    """Sets the number of threads PyTorch uses to run independent operations side by side.

    ember runs every operation on the calling thread and has no such pool: ``1`` is accepted and any larger
    value warns once that it has no effect.

    Args:
        int (int): the number of threads, at least 1.

    Example::

        >>> ember.set_num_interop_threads(1)
        >>> ember.get_num_interop_threads()
        1
    """
    global _interop_warned
    _check_positive('set_num_interop_threads', int)
    if int != 1 and not _interop_warned:
        _interop_warned = True
        warnings.warn("ember runs ops on the calling thread and has no inter-op thread pool; "
                      f"set_num_interop_threads({int}) has no effect", UserWarning, stacklevel=2)
