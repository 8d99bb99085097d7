"""NVTX ranges and marks (PyTorch's ``torch.cuda.nvtx``): names that show up on the timeline of
NVIDIA's profilers (Nsight Systems), through CuPy's NVTX bindings.

Example::

    with ember.cuda.nvtx.range('forward'):
        out = model(x)
"""
import contextlib

from ember import backend
from ember.backend import cuda_runtime as _rt

__all__ = ['mark', 'range', 'range_end', 'range_pop', 'range_push', 'range_start']

_depth = [0]    # ranges pushed and not yet popped, so that range_pop can answer as PyTorch does


def _nvtx():
    if not backend.cuda_built():
        raise RuntimeError("NVTX functions not installed. Are you sure you have a CUDA build?")
    return _rt.nvtx()


def range_push(msg):
    """Open a nested range named ``msg``; returns its depth (starting at 0)."""
    _nvtx().RangePush(msg)
    _depth[0] += 1
    return _depth[0] - 1


def range_pop():
    """Close the innermost open range; returns its depth, or -1 when none was open."""
    nvtx = _nvtx()
    if _depth[0] == 0:
        return -1
    nvtx.RangePop()
    _depth[0] -= 1
    return _depth[0]


def range_start(msg):
    """Start a range that may end on another thread; PyTorch returns a handle for :func:`range_end`.

    Not available in ember: CuPy's NVTX bindings, which ember's markers go through, have only the nested
    ranges of one thread (:func:`range_push`/:func:`range_pop`, :func:`range`), so this raises.

    Example::

        >>> with ember.cuda.nvtx.range('step {}', 3):    # doctest: +SKIP
        ...     pass
    """
    _nvtx()
    raise RuntimeError("ember.cuda.nvtx.range_start is not available: CuPy's NVTX bindings have only nested "
                       "ranges on one thread; use ember.cuda.nvtx.range_push/range_pop or ember.cuda.nvtx.range")


def range_end(range_id):
    """End a range :func:`range_start` started (not available in ember: see :func:`range_start`).

    Example::

        >>> depth = ember.cuda.nvtx.range_push('load')    # doctest: +SKIP
        >>> ember.cuda.nvtx.range_pop()                   # doctest: +SKIP
        0
    """
    _nvtx()
    raise RuntimeError("ember.cuda.nvtx.range_end is not available: CuPy's NVTX bindings have only nested "
                       "ranges on one thread; use ember.cuda.nvtx.range_push/range_pop or ember.cuda.nvtx.range")


def mark(msg):
    """Mark an instant named ``msg``."""
    _nvtx().Mark(msg)


@contextlib.contextmanager
def range(msg, *args, **kwargs):
    """A range around the block, named ``msg.format(*args, **kwargs)``."""
    range_push(msg.format(*args, **kwargs))
    try:
        yield
    finally:
        range_pop()
