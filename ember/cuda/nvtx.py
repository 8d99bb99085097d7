"""NVTX ranges and marks (PyTorch's ``torch.cuda.nvtx``): names that show up on the timeline of
NVIDIA's profilers (Nsight Systems), through CuPy's NVTX bindings.

Example::

    with ember.cuda.nvtx.range('forward'):
        out = model(x)
"""
import contextlib

from ember import backend
from ember.backend import cuda_runtime as _rt

__all__ = ['mark', 'range', 'range_pop', 'range_push']

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
