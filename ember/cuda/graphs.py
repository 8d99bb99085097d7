"""CUDA graphs (``torch.cuda.graphs``): record the kernels a block of code launches once, then launch
them all again with one call (``replay``), reading and writing the same memory each time.

Capture runs on CuPy's stream capture. Memory allocated during capture comes from a pool kept for
the graph (:func:`graph_pool_handle` lets graphs share one), so the buffers the recorded kernels
read and write stay the graph's until it is reset.
"""
import gc
import itertools
import weakref

from ember import backend
from ember.backend import cuda_runtime as _rt

__all__ = ['CUDAGraph', 'graph', 'graph_pool_handle', 'is_current_stream_capturing', 'make_graphed_callables']

_NON_DEFAULT = ("CUDA graphs must be captured on a non-default stream. (However, after capture, it's ok to "
                "replay them on the default stream.)")
_pools = weakref.WeakValueDictionary()   # pool id -> MemPool, while a graph captured into it lives
_graph_ids = itertools.count(1)


def is_current_stream_capturing():
    """Whether the current stream is recording a CUDA graph (inside ``with ember.cuda.graph(g):``)."""
    if not backend.cuda_available():
        raise RuntimeError("Tried to instantiate dummy base class _cuda_isCurrentStreamCapturing")
    return _rt.is_capturing(_rt.current_stream())


def _pool_for(pool_id):
    """The memory pool with id ``pool_id``, made on the first capture into it; a new one for None."""
    from ember.cuda._allocator import MemPool
    if pool_id is None:
        pool_id = graph_pool_handle()
    if pool_id in _pools:
        return _pools[pool_id]
    if not (isinstance(pool_id, tuple) and len(pool_id) == 2 and all(isinstance(i, int) for i in pool_id)):
        raise TypeError(f"pool must be a memory pool id (a tuple of two ints) from ember.cuda.graph_pool_handle() "
                        f"or another graph's pool(), got {pool_id!r}")
    pool = MemPool()
    pool._id = pool_id
    _pools[pool_id] = pool
    return pool


def graph_pool_handle():
    """An id of a new memory pool that several graphs can share (``graph(g, pool=handle)``): graphs
    captured in turn and replayed in the same order can then reuse each other's memory."""
    if not backend.cuda_available():
        raise RuntimeError("Tried to instantiate dummy base class _graph_pool_handle")
    return (next(_graph_ids), 0)   # graphs' pools are numbered apart from MemPools', as in PyTorch


class CUDAGraph:
    """A recorded CUDA graph. Capture it with ``with ember.cuda.graph(g):`` (or ``capture_begin`` /
    ``capture_end`` on a side stream), then ``g.replay()`` runs the recorded work again.

    Example::

        >>> g = ember.cuda.CUDAGraph()                                   # doctest: +SKIP
        >>> x = ember.zeros(3, device='cuda')                            # doctest: +SKIP
        >>> with ember.cuda.graph(g):                                    # doctest: +SKIP
        ...     y = x * 2 + 1
        >>> x.copy_(ember.tensor([1., 2., 3.])); g.replay(); y           # doctest: +SKIP
        tensor([3., 5., 7.], device='cuda:0')
    """

    def __init__(self, keep_graph=False):
        if not backend.cuda_available():
            raise RuntimeError("Tried to instantiate dummy base class CUDAGraph")
        self._keep_graph = keep_graph
        self._graph = None
        self._pool = None
        self._capturing = None   # (stream, the pool's allocation context) while capturing

    def capture_begin(self, pool=None, capture_error_mode='global', check_input_liveness=False):
        """Start recording the work queued on the current stream (not the default stream).

        Args:
            pool (tuple, optional): a pool id (:func:`graph_pool_handle`, ``other_graph.pool()``) to take
                memory from; a new pool by default.
            capture_error_mode (str): ``'global'``, ``'thread_local'`` or ``'relaxed'``: which CUDA calls
                that are unsafe during capture are refused (CUDA's stream capture modes).
            check_input_liveness (bool): PyTorch's check that tensors read during the capture outlive it;
                not available in ember (``True`` raises).
        """
        _refuse_liveness_check(check_input_liveness)
        if capture_error_mode not in _rt._CAPTURE_MODES:
            raise RuntimeError(f"Unknown capture error mode. Expected `global`, `thread_local`, or `relaxed`, "
                               f"got {capture_error_mode}")
        if self._capturing is not None:
            raise RuntimeError("This CUDAGraph is already capturing")
        stream = _rt.current_stream()
        if stream.ptr == 0:
            raise RuntimeError(_NON_DEFAULT)
        self._pool = _pool_for(pool)
        from ember import cuda
        routing = _rt.allocate_from(self._pool._pool, cuda.current_device())
        routing.__enter__()
        try:
            _rt.begin_capture(stream, capture_error_mode)
        except BaseException:
            routing.__exit__(None, None, None)
            raise
        self._capturing = (stream, routing)

    def capture_end(self):
        """Stop recording; the graph is ready to replay."""
        if self._capturing is None:
            raise RuntimeError("Called CUDAGraph::capture_end without a preceding capture_begin")
        stream, routing = self._capturing
        self._capturing = None
        try:
            self._graph = _rt.end_capture(stream)
        finally:
            routing.__exit__(None, None, None)

    def instantiate(self):
        """Make the graph ready to launch (done by ``capture_end`` already: CuPy instantiates on capture)."""
        if self._graph is None:
            raise RuntimeError("Called CUDAGraph::instantiate without a preceding successful capture.")

    def replay(self):
        """Run the recorded work again, on the current stream."""
        if self._graph is None:
            raise RuntimeError("Called CUDAGraph::replay without a preceding successful capture.")
        _rt.launch_graph(self._graph, _rt.current_stream())

    def reset(self):
        """Forget the recorded work and give up this graph's hold on its memory pool."""
        self._graph = None
        self._pool = None

    def pool(self):
        """The id of the memory pool this graph allocated from, to share it with another graph's capture."""
        if self._pool is None:
            raise RuntimeError("Called CUDAGraph::pool without a preceding successful capture.")
        return self._pool.id

    def enable_debug_mode(self):
        raise RuntimeError("CUDAGraph debug mode is not available in ember: CuPy's graphs cannot be written out")

    def debug_dump(self, debug_path):
        raise RuntimeError("CUDAGraph.debug_dump is not available in ember: CuPy's graphs cannot be written out")


def _refuse_liveness_check(check_input_liveness):
    if check_input_liveness:
        raise RuntimeError("check_input_liveness=True is not available in ember: it would have to know every "
                           "tensor a captured CuPy kernel reads; keep the graph's inputs alive yourself (static "
                           "input tensors that you copy new data into)")


class graph:
    """Capture the block's CUDA work into ``cuda_graph`` (a :class:`CUDAGraph`), on a side stream.

    Args:
        cuda_graph (CUDAGraph): the graph to record into.
        pool (tuple, optional): a memory pool id to share (:func:`graph_pool_handle`, ``g.pool()``).
        stream (ember.cuda.Stream, optional): the stream to capture on (one shared side stream by default).
        capture_error_mode (str): ``'global'`` (default), ``'thread_local'`` or ``'relaxed'``.
        enable_annotations (bool): PyTorch's kernel annotations for profilers (``True`` is refused: they
            need NVIDIA's ``cuda.bindings``, which ember does not use).
        check_input_liveness (bool): refused when ``True``, see :meth:`CUDAGraph.capture_begin`.
    """
    default_capture_stream = None

    def __init__(self, cuda_graph, pool=None, stream=None, capture_error_mode='global', enable_annotations=False,
                 check_input_liveness=False):
        from ember import cuda
        if not backend.cuda_available():
            raise RuntimeError("torch.cuda.Stream requires CUDA support")
        if enable_annotations:
            raise RuntimeError("enable_annotations=True is not available in ember: graph kernel annotations come "
                               "from NVIDIA's cuda.bindings, which ember's CUDA support (CuPy) does not use")
        _refuse_liveness_check(check_input_liveness)
        if stream is None:
            if graph.default_capture_stream is None:
                graph.default_capture_stream = cuda.Stream()
            stream = graph.default_capture_stream
        self.capture_stream = stream
        self.stream_ctx = cuda.stream(stream)
        self.cuda_graph = cuda_graph
        self.pool = pool
        self.capture_error_mode = capture_error_mode

    def __enter__(self):
        from ember import cuda
        # finish earlier work and free what is garbage, so the capture starts from a quiet device
        cuda.synchronize()
        gc.collect()
        cuda.empty_cache()
        self.stream_ctx.__enter__()
        try:
            self.cuda_graph.capture_begin(pool=self.pool, capture_error_mode=self.capture_error_mode)
        except BaseException:
            self.stream_ctx.__exit__(None, None, None)
            raise

    def __exit__(self, *exc):
        try:
            self.cuda_graph.capture_end()
        finally:
            self.stream_ctx.__exit__(*exc)
        return False


def __getattr__(name):
    # make_graphed_callables lives beside this module (it builds on it) and is found here too, as in PyTorch
    if name == 'make_graphed_callables':
        from ember.cuda._graphed_callables import make_graphed_callables
        return make_graphed_callables
    raise AttributeError(f"module 'ember.cuda.graphs' has no attribute '{name}'")
