"""XPU graphs (PyTorch's ``torch.xpu.graphs``): making or capturing one raises, as in PyTorch built
without XPU."""
__all__ = ['XPUGraph', 'graph', 'graph_pool_handle', 'is_current_stream_capturing', 'make_graphed_callables']


class XPUGraph:
    """A captured graph of XPU work: making one raises (ember has no XPU back end)."""

    def __init__(self, keep_graph=False):
        raise RuntimeError("Tried to instantiate dummy base class XPUGraph")


class graph:
    """Context manager that would capture XPU work into ``xpu_graph``: making one raises (it needs an XPU
    stream to capture on)."""

    def __init__(self, xpu_graph, pool=None, stream=None):
        raise RuntimeError("Tried to instantiate dummy base class Stream")


def graph_pool_handle():
    """Raises: there is no XPU memory pool."""
    raise RuntimeError("Tried to instantiate dummy base class _xpu_graph_pool_handle")


def is_current_stream_capturing():
    """Raises: there is no XPU stream to ask."""
    raise RuntimeError("Tried to instantiate dummy base class _xpu_isCurrentStreamCapturing")


def make_graphed_callables(callables, sample_args, num_warmup_iters=3, allow_unused_input=False, pool=None):
    """Graph-capture ``callables``' forward and backward passes on XPU: raises (it needs an XPU graph)."""
    raise RuntimeError("Tried to instantiate dummy base class XPUGraph")
