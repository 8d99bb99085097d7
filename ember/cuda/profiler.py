"""Start and stop the collection of a CUDA profiler (Nsight Systems with ``--capture-range=cudaProfilerApi``,
nvprof) around part of a program (``torch.cuda.profiler``)."""
import contextlib

from ember.cuda._errors import check_error
from ember.cuda._runtime_api import cudart  # noqa: F401 (torch.cuda.profiler offers it too)

__all__ = ['cudart', 'start', 'stop', 'profile']


def start():
    """Start the profiler's data collection; raises ``CudaError`` when the runtime refuses."""
    check_error(cudart().cudaProfilerStart())


def stop():
    """Stop the profiler's data collection; raises ``CudaError`` when the runtime refuses."""
    check_error(cudart().cudaProfilerStop())


@contextlib.contextmanager
def profile():
    """Collect profiler data for the block only::

        with ember.cuda.profiler.profile():
            model(inputs)
    """
    try:
        start()
        yield
    finally:
        stop()
