"""ember.distributed.autograd: PyTorch's ``torch.distributed.autograd`` — backward across RPC calls.

>>> import ember.distributed.autograd as dist_autograd
>>> with dist_autograd.context() as context_id:                                  # doctest: +SKIP
...     loss = rpc.rpc_sync('worker1', ember.add, args=(t1, t2)).sum()
...     dist_autograd.backward(context_id, [loss])
...     grads = dist_autograd.get_gradients(context_id)      # {t1: ..., t2: ...}
"""
from ember.distributed.autograd import _context


def is_available():
    """Whether distributed autograd is available (always)."""
    return True


class context:
    """A distributed autograd context: ``with context() as context_id:`` runs a forward and backward pass
    whose RPCs are recorded under ``context_id``; leaving it frees the record on every worker."""

    def __enter__(self):
        self._ctx = _context.new_context()
        self._prev = _context.set_current(self._ctx.id)
        return self._ctx.id

    def __exit__(self, exc_type, exc_value, tb):
        from ember.distributed.rpc import _state
        _context.set_current(self._prev)
        _context.release(_state.agent, self._ctx.id)
        return False


def backward(context_id, roots, retain_graph=False):
    """Run backward from the scalar tensors ``roots`` through every worker the context reached; the
    gradients of the leaves accumulate in the context (``get_gradients``), not in ``.grad``.

    Args:
        context_id (int): the context of the forward pass.
        roots (list[Tensor]): scalar tensors to differentiate.
        retain_graph (bool): keep the graph for another backward pass.
    """
    ctx = _context.retrieve(context_id)
    for r in roots:
        if not r.requires_grad:
            raise RuntimeError("requires_grad not set on root")
        if r.numel() != 1:
            raise RuntimeError(" is not a scalar, all roots need to be scalar")
    import ember
    try:
        _context.run_local(ctx, list(roots), [ember.ones_like(r) for r in roots], retain_graph)
    except Exception as e:
        raise RuntimeError(f"Error on Node {_context._worker_id}: {e}") from None


def get_gradients(context_id):
    """The gradients accumulated in context ``context_id``: a dict from leaf tensor to gradient."""
    ctx = _context.retrieve(context_id)
    with ctx.lock:
        return {leaf: g for leaf, g in ctx.grads.values()}


def _current_context():
    """The context this thread runs in (its ``_context_id()``)."""
    cid = _context.current_context_id()
    if cid is None:
        raise RuntimeError("Current thread doesn't have a valid autograd context. Please wrap your code using: "
                           "`with torch.distributed.autograd.context() as context_id` to generate a valid "
                           "context")
    return _context.retrieve(cid)


def _is_valid_context(context_id):
    return context_id in _context._contexts


__all__ = ['context', 'backward', 'get_gradients', 'is_available']
