"""Graph inspection and saved-tensor hooks (PyTorch's ``torch.autograd.graph``)."""
import contextlib
import functools
import threading
from collections import defaultdict

from ember.autograd.function import Node  # noqa: F401
from ember.autograd._saved_hooks import _pack_stack, _disabled
from ember.autograd import engine as _engine
from ember.autograd import _deferred_nodes
from ember.autograd.engine import GradientEdge

__all__ = ['Node', 'GradientEdge', 'get_gradient_edge', 'increment_version', 'saved_tensors_hooks', 'save_on_cpu',
           'disable_saved_tensors_hooks', 'register_multi_grad_hook', 'allow_mutation_on_saved_tensors',
           'region_activation_memory_budget', 'set_warn_on_accumulate_grad_stream_mismatch',
           'set_override_stale_capture_stream']

GradientEdge.__module__ = __name__


class saved_tensors_hooks:
    """Within this context, every tensor an op saves for backward goes through ``pack_hook(tensor)``
    when it is saved and the stored object through ``unpack_hook(packed)`` when backward reads it.

    ``unpack_hook`` must return a tensor with the saved tensor's values (it may live elsewhere, be a
    recomputation, ...). Inner contexts take precedence over outer ones.

    Example::

        >>> seen = []
        >>> def pack(t):
        ...     seen.append(tuple(t.shape))
        ...     return t
        >>> x = ember.ones(2, 3, requires_grad=True)
        >>> with ember.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        ...     y = (x * x).sum()
        >>> seen
        [(2, 3), (2, 3)]
        >>> y.backward()
        >>> x.grad
        tensor([[2., 2., 2.],
                [2., 2., 2.]])
    """

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        if _disabled:
            raise RuntimeError(_disabled[-1])
        _pack_stack.append((self.pack_hook, self.unpack_hook))

    def __exit__(self, *exc):
        _pack_stack.pop()


class save_on_cpu(saved_tensors_hooks):
    """Saved tensors are kept on the CPU during forward and moved back to their device for backward.

    ``pin_memory=True`` asks for page-locked host copies (only meaningful with a CUDA device).

    Example::

        >>> x = ember.tensor([1., 2., 3.], requires_grad=True)
        >>> with ember.autograd.graph.save_on_cpu():
        ...     y = (x.exp() * x).sum()
        >>> y.backward()
        >>> x.grad
        tensor([ 5.4366, 22.1672, 80.3421])
    """

    def __init__(self, pin_memory=False, device_type='cuda'):
        import ember
        # pinning is only possible while the accelerator named by device_type is available
        device_module = getattr(ember, device_type, ember.cuda)

        def pack(tensor):
            # a copy even for CPU tensors, as PyTorch makes: later in-place changes must not reach it
            host = tensor.detach().to('cpu', copy=True)
            if pin_memory and device_module.is_available():
                host = host.pin_memory()
            return tensor.device, host

        def unpack(packed):
            device, host = packed
            return host.to(device)
        super().__init__(pack, unpack)


class disable_saved_tensors_hooks:
    """Within this context, entering ``saved_tensors_hooks`` raises ``RuntimeError(error_message)``.

    Example::

        >>> with ember.autograd.graph.disable_saved_tensors_hooks("no hooks here"):
        ...     with ember.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
        ...         pass
        Traceback (most recent call last):
          ...
        RuntimeError: no hooks here
    """

    def __init__(self, error_message):
        self.error_message = error_message

    def __enter__(self):
        _disabled.append(self.error_message)

    def __exit__(self, *exc):
        _disabled.pop()


def increment_version(tensor):
    """Mark ``tensor`` as modified in place (for changes ember did not see, e.g. through ``.numpy()``),
    so backward refuses to use a stale saved copy of it.

    Example::

        >>> from ember.autograd.graph import increment_version
        >>> x = ember.tensor([0., 1.], requires_grad=True)
        >>> y = x.exp()
        >>> z = y.sin()                      # saves y for its backward
        >>> y._version
        0
        >>> increment_version(y)             # y's memory changed where ember could not see it
        >>> y._version
        1
        >>> z.sum().backward()
        Traceback (most recent call last):
            ...
        RuntimeError: one of the variables needed for gradient computation has been modified by an inplace operation: ...
    """
    tensor._version_counter.value += 1


def _node_of(t):
    """The node that receives ``t``'s gradient: its ``grad_fn``, or a leaf's gradient accumulator."""
    if isinstance(t, GradientEdge):
        return t.node
    if t._grad_fn is not None:
        return t._grad_fn
    node = t._grad_accumulator() if t._requires_grad else None
    if node is None:    # (as PyTorch's: a tensor without history, or a view made without recording)
        raise AssertionError("Expected gradient function to be set")
    return node


def get_gradient_edge(tensor):
    """The edge of the graph where ``tensor``'s gradient is computed.

    ``autograd.grad(loss, get_gradient_edge(x))`` equals ``autograd.grad(loss, x)``; unlike the tensor, the
    edge stays valid when ``x`` is later modified in place (its ``grad_fn`` changes, the edge does not).

    Args:
        tensor (Tensor): a tensor that requires grad.

    Returns:
        GradientEdge: ``(node, output_nr, ownership_token)``.

    Example::

        >>> x = ember.ones(3, requires_grad=True)
        >>> y = x * 2
        >>> edge = ember.autograd.graph.get_gradient_edge(y)
        >>> edge.node.name(), edge.output_nr
        ('MulBackward0', 0)
        >>> ember.autograd.grad(y.exp().sum(), edge)
        (tensor([7.3891, 7.3891, 7.3891]),)
    """
    if not tensor.requires_grad:
        raise RuntimeError("It is not possible to get the gradient edge for a Tensor that does not require "
                           "gradients")
    if _deferred_nodes._pending:    # (the node is handed to the caller: autograd/_deferred_nodes.py)
        _deferred_nodes.expand_all()
    # ember's nodes are ordinary Python objects: the node itself keeps its graph alive, no token is needed
    return GradientEdge(_node_of(tensor), tensor.output_nr, None)


class _MultiHandle:
    """Removes every per-tensor hook a multi-grad hook registered."""

    def __init__(self, handles):
        self.handles = handles

    def remove(self):
        for handle in self.handles:
            handle.remove()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def register_multi_grad_hook(tensors, fn, *, mode='all'):
    """Register one hook on several tensors.

    With ``mode="all"``, ``fn(grads)`` runs once per backward pass, after the gradients of all the tensors
    that pass computes are ready; ``grads`` has one entry per tensor, ``None`` for those it does not reach
    (not in the graph, or not needed for the ``inputs=`` of the call). With ``mode="any"``, ``fn(grad)``
    runs once per backward pass with the first of the tensors' gradients computed.

    Args:
        tensors (sequence of Tensor): the tensors to watch.
        fn (Callable): the hook; it should not modify its arguments.
        mode (str): ``"all"`` (default) or ``"any"``.

    Returns:
        A handle whose ``remove()`` removes the hook.

    Example::

        >>> a = ember.ones(2, requires_grad=True)
        >>> b = ember.ones(2, requires_grad=True)
        >>> c = a * b
        >>> d = a * b
        >>> h = ember.autograd.graph.register_multi_grad_hook(
        ...     (a, b, c, d), lambda grads: print([g is not None for g in grads]))
        >>> c.sum().backward(retain_graph=True)
        [True, True, True, False]
        >>> c.sum().backward(inputs=(a,), retain_graph=True)
        [True, False, True, False]
        >>> h.remove()
    """
    supported_modes = ('all', 'any')
    if mode not in supported_modes:
        raise ValueError(f"Expects mode to be one of {supported_modes} but got {mode}")
    lock = threading.Lock()
    if mode == 'all':
        nodes = [_node_of(t) for t in tensors]
        pending = {}  # backward run id -> [calls still expected, gradients so far]

        def inner_hook(idx):
            def hook(grad):
                run = _engine.current_graph_task_id()
                with lock:
                    state = pending.get(run)
                    if state is None:
                        expected = sum(map(_engine.will_engine_execute_node, nodes))
                        state = pending[run] = [expected, [None] * len(nodes)]
                    state[1][idx] = grad
                    state[0] -= 1
                    done = state[0] == 0
                    if done:
                        del pending[run]
                if done:
                    fn(state[1])
            return hook
        handles = tuple(t.register_hook(inner_hook(i)) for i, t in enumerate(tensors))
    else:
        ran = defaultdict(bool)

        @functools.wraps(fn)
        def wrapped(grad):
            run = _engine.current_graph_task_id()
            with lock:
                previous, ran[run] = ran[run], True
            if not previous:
                fn(grad)
        handles = tuple(t.register_hook(wrapped) for t in tensors if t.requires_grad)
    return _MultiHandle(handles)


_mutation_context_active = []


class _AllowMutationOnSavedContext:
    """The saved tensors recorded under one ``allow_mutation_on_saved_tensors`` block: each one's original
    values, kept until the block ends."""

    def __init__(self):
        self.saved = []

    def clear(self):
        self.saved.clear()


@contextlib.contextmanager
def allow_mutation_on_saved_tensors():
    """Within this context, a tensor saved for backward may be modified in place afterwards: backward uses
    the values it had when it was saved. Run both forward and backward inside the same context.

    NOTE: ember keeps a copy of each tensor's values when it is saved (PyTorch copies lazily, at the
    first in-place change); the gradients are the same, the memory held during the block is larger.

    Returns:
        The object holding the saved values, cleared when the context ends.

    Example::

        >>> with ember.autograd.graph.allow_mutation_on_saved_tensors():
        ...     a = ember.ones(3, requires_grad=True)
        ...     b = a.clone()
        ...     out = (b ** 2).sum()
        ...     _ = b.sin_()
        ...     out.backward()
        >>> a.grad
        tensor([2., 2., 2.])
    """
    if _mutation_context_active:
        raise RuntimeError("allow_mutation_on_saved_tensors contexts cannot be nested")
    ctx = _AllowMutationOnSavedContext()

    def pack(tensor):
        original = tensor.detach().clone()
        ctx.saved.append(original)
        return len(ctx.saved) - 1

    def unpack(index):
        if not _mutation_context_active or index >= len(ctx.saved):
            raise AssertionError("Trying to backward outside of the 'allow_mutation_on_saved_tensors' context"
                                 "in which the graph was originally recorded.")
        return ctx.saved[index]
    # the saved values are the originals by construction, so a later in-place change is no error
    unpack._restores_saved_value = True
    with saved_tensors_hooks(pack, unpack):
        _mutation_context_active.append(ctx)
        try:
            yield ctx
        finally:
            ctx.clear()
            _mutation_context_active.pop()


def region_activation_memory_budget(budget):
    """Set the activation memory budget of a compiled region (a ratio in ``[0, 1]`` that ``torch.compile``'s
    partitioner reads). ember runs eagerly and has no compiler, so, as PyTorch does outside a compiled
    region, using it raises ``RuntimeError`` after checking the argument.

    Args:
        budget (float): the activation memory budget ratio, in ``[0, 1]``.

    Example::

        >>> ember.autograd.graph.region_activation_memory_budget(0.5)
        Traceback (most recent call last):
            ...
        RuntimeError: ember.autograd.graph.region_activation_memory_budget can only be used inside a torch.compile...
    """
    name = 'ember.autograd.graph.region_activation_memory_budget'
    if isinstance(budget, bool) or not isinstance(budget, (int, float)):
        raise TypeError(f"{name}: expects a float, got {type(budget).__name__}")
    if not 0.0 <= budget <= 1.0:
        raise ValueError(f"{name}: must be in [0, 1], got {budget}")
    raise RuntimeError(f"{name} can only be used inside a torch.compile region; it has no effect in eager mode.")


_stream_flags = {'warn_on_accumulate_grad_stream_mismatch': True, 'override_stale_capture_stream': False}


def set_warn_on_accumulate_grad_stream_mismatch(enabled):
    """Whether to warn when a leaf's gradient accumulator runs on another CUDA stream than the node that
    produced its gradient. ember's backward runs every node on the current stream, so the streams never
    differ and nothing is warned; the setting is recorded for scripts that set it.

    Args:
        enabled (bool): warn (True, the default) or not.

    Example::

        >>> ember.autograd.graph.set_warn_on_accumulate_grad_stream_mismatch(False)
        >>> ember.autograd.graph.set_warn_on_accumulate_grad_stream_mismatch(True)
    """
    _stream_flags['warn_on_accumulate_grad_stream_mismatch'] = bool(enabled)


def set_override_stale_capture_stream(enabled):
    """During CUDA graph capture, whether autograd replaces a stale, non-capturing stream with the capturing
    one. ember does not capture CUDA graphs, so there is never a stale stream to
    replace; the setting is recorded for scripts that set it.

    Args:
        enabled (bool): override (True) or not (False, the default).

    Example::

        >>> ember.autograd.graph.set_override_stale_capture_stream(True)
        >>> ember.autograd.graph.set_override_stale_capture_stream(False)
    """
    _stream_flags['override_stale_capture_stream'] = bool(enabled)
