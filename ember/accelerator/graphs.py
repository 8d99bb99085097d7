"""Graphs of the accelerator's work (PyTorch's ``torch.accelerator.graphs``): capture the work queued on
the current stream once, replay it later. ember's accelerator is CUDA, so a :class:`Graph` is an
:class:`ember.cuda.CUDAGraph` that keeps its pool and capture mode from construction."""
from ember import cuda as _cuda
from ember.cuda.graphs import CUDAGraph

__all__ = ['Graph']

# 'default' is the backend's own choice; CUDA's is the strictest mode, 'global'
_CAPTURE_MODES = {'default': 'global', 'global': 'global', 'thread_local': 'thread_local', 'relaxed': 'relaxed'}


class Graph(CUDAGraph):
    """A graph of accelerator work: ``with stream, graph:`` captures what the block queues on ``stream``
    (a side stream: the default stream cannot be captured), and ``graph.replay()`` runs it again.

    Args:
        keep_graph (bool): keep the captured graph after ``capture_end`` (instantiated on first replay).
        pool (tuple, optional): the memory pool id of another graph (``other.pool()``) to share.
        capture_error_mode (str): ``'default'`` (CUDA's ``'global'``), ``'global'``, ``'thread_local'`` or
            ``'relaxed'``: which unsafe calls during the capture are refused.

    Example::

        >>> x = ember.zeros(4, device='cuda')                  # doctest: +SKIP
        >>> g, s = ember.accelerator.Graph(), ember.Stream()   # doctest: +SKIP
        >>> with s, g:                                         # doctest: +SKIP
        ...     x += 1
        >>> g.replay(); x                                      # doctest: +SKIP
        tensor([2., 2., 2., 2.], device='cuda:0')
    """

    def __init__(self, keep_graph=False, *, pool=None, capture_error_mode='default'):
        from ember.accelerator import _require
        _require('Graph')
        if capture_error_mode not in _CAPTURE_MODES:
            raise RuntimeError(f"Unknown capture error mode. Expected `default`, `global`, `thread_local`, or "
                               f"`relaxed`, got {capture_error_mode}")
        super().__init__(keep_graph)
        self.graph_pool = pool
        self.capture_error_mode = capture_error_mode

    def capture_begin(self):
        """Start capturing the current stream's work, into :attr:`graph_pool` with :attr:`capture_error_mode`."""
        super().capture_begin(pool=self.graph_pool, capture_error_mode=_CAPTURE_MODES[self.capture_error_mode])

    def __enter__(self):
        # start from a quiet device with the cached memory given back, as torch.accelerator.Graph does
        from ember import accelerator
        accelerator.synchronize()
        accelerator.empty_cache()
        accelerator.empty_host_cache()
        self.capture_begin()

    def __exit__(self, *exc):
        self.capture_end()
        return False
