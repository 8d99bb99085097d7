"""Distributed autograd contexts: the sends and receives of one forward pass and the gradients of one
backward pass across workers (PyTorch's FAST mode).

Inside ``context()``, an RPC whose arguments (or result) include tensors that require grad records the
sending tensors under a send id on the sender, and the receiver wraps the received tensors in a
``_Recv`` autograd node. When backward reaches a ``_Recv`` node it sends the gradients back to the
sender, which runs backward from the tensors it sent (further ``_Recv`` nodes carry it on). Every
``_Recv`` node also has the context's anchor, a leaf of its own, as an input: backward captures the
anchor, so the engine runs every path that leads to another worker. Gradients land in the context
(``get_gradients``), never in ``.grad``.
"""
import contextlib
import itertools
import threading

from ember.autograd.function import AccumulateGrad, Function

_local = threading.local()      # ctx_id: the context this thread runs in; retain_graph of the backward running
_lock = threading.Lock()
_contexts = {}
_worker_id = None
_counter = None


def init(rank):
    global _worker_id, _counter
    _worker_id, _counter = rank, itertools.count()


def reset():
    global _worker_id
    with _lock:
        _contexts.clear()
    _worker_id = None


class DistAutogradContext:
    """One context's record on this worker."""

    def __init__(self, context_id):
        import ember
        self.id = context_id
        self.sends = {}                   # send id -> the tensors (requiring grad) that message carried
        self.send_ids = itertools.count()
        self.grads = {}                   # id(leaf) -> (leaf, gradient)
        self.workers = set()              # the other workers this context reached
        self.lock = threading.Lock()
        self.anchor = ember.zeros((), requires_grad=True)

    def _context_id(self):
        return self.id

    def _known_worker_ids(self):
        return set(self.workers)


def _require_init():
    if _worker_id is None:
        raise RuntimeError("Need to initialize distributed autograd using torch.distributed.autograd.init()")


def new_context():
    _require_init()
    with _lock:
        cid = (_worker_id << 48) + next(_counter)
        ctx = _contexts[cid] = DistAutogradContext(cid)
    return ctx


def retrieve(context_id):
    with _lock:
        ctx = _contexts.get(context_id)
    if ctx is None:
        raise RuntimeError(f"Could not find autograd context with id: {context_id}")
    return ctx


def _get_or_create(context_id):
    with _lock:
        ctx = _contexts.get(context_id)
        if ctx is None:
            ctx = _contexts[context_id] = DistAutogradContext(context_id)
        return ctx


def current_context_id():
    return getattr(_local, 'ctx_id', None)


def set_current(context_id):
    prev = getattr(_local, 'ctx_id', None)
    _local.ctx_id = context_id
    return prev


@contextlib.contextmanager
def running_in(context_id):
    """Run a served call in the caller's context (its nested calls and result carry the context on)."""
    if context_id is None:
        yield
        return
    _get_or_create(context_id)
    prev = set_current(context_id)
    try:
        yield
    finally:
        _local.ctx_id = prev


# ---------------------------------------------------------------------- the messages
def on_send(context_id, dest, tensors):
    """Record the tensors that require grad in a message to ``dest``; their send id (None if none)."""
    ctx = _get_or_create(context_id)
    ctx.workers.add(dest)
    needing = [t for t in tensors if t._requires_grad]
    if not needing:
        return None
    with ctx.lock:
        send_id = next(ctx.send_ids)
        ctx.sends[send_id] = needing
    return send_id


def on_recv(context_id, sender, send_id, tensors):
    """The received tensors, those that require grad linked to the sender's by a ``_Recv`` node."""
    ctx = _get_or_create(context_id)
    ctx.workers.add(sender)
    if send_id is None:
        return tensors
    slots = [i for i, t in enumerate(tensors) if t._requires_grad]
    raw = [tensors[i].detach() for i in slots]
    outs = _Recv.apply((context_id, sender, send_id), ctx.anchor, *raw)
    if len(raw) == 1:
        outs = (outs,)
    tensors = list(tensors)
    for i, out in zip(slots, outs):
        tensors[i] = out
    return tensors


class _Recv(Function):
    """Where a tensor arrived from another worker: backward sends its gradient back there."""

    @staticmethod
    def forward(ctx, where, anchor, *tensors):
        ctx.where = where
        ctx.shapes = [(t.shape, t.dtype, t.device) for t in tensors]
        return tuple(t.clone() for t in tensors) if len(tensors) != 1 else tensors[0].clone()

    @staticmethod
    def backward(ctx, *grads):
        import ember
        from ember.distributed.rpc import _state
        context_id, sender, send_id = ctx.where
        grads = [g if g is not None else ember.zeros(s, dtype=d, device=dev)
                 for g, (s, d, dev) in zip(grads, ctx.shapes)]
        retain = getattr(_local, 'retain_graph', False)
        _state.agent.send(sender, 'ag_backward', (context_id, send_id, grads, retain), 0).wait()
        return (None, None) + (None,) * len(grads)


def _leaves(roots):
    """The leaves that require grad behind ``roots`` (anchors excluded)."""
    found, seen, stack = {}, set(), []
    for t in roots:
        if t._grad_fn is None:
            found[id(t)] = t
        else:
            stack.append(t._grad_fn)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if type(node) is AccumulateGrad:
            v = node.variable
            if not getattr(v, '_rpc_anchor', False):
                found[id(v)] = v
            continue
        for nxt, _ in node.next_functions:
            if nxt is not None and nxt not in seen:
                stack.append(nxt)
    return list(found.values())


def run_local(ctx, roots, grads, retain_graph):
    """Backward on this worker from ``roots`` with ``grads``; leaf gradients accumulate in ``ctx``."""
    from ember.autograd.engine import run_backward
    leaves = _leaves(roots)
    ctx.anchor._rpc_anchor = True
    prev = getattr(_local, 'retain_graph', False)
    _local.retain_graph = retain_graph
    try:
        captured = run_backward(list(roots), list(grads), retain_graph, False, inputs=tuple(leaves) + (ctx.anchor,),
                                allow_unused=True, accumulate=False)
    finally:
        _local.retain_graph = prev
    with ctx.lock:
        for leaf, g in zip(leaves, captured):
            if g is None:
                continue
            key = id(leaf)
            if key in ctx.grads:
                ctx.grads[key] = (leaf, ctx.grads[key][1] + g)
            else:
                ctx.grads[key] = (leaf, g.detach())


def serve_backward(agent, sender, context_id, send_id, grads, retain_graph):
    """A worker we sent tensors to passes back their gradients: continue backward from them here."""
    ctx = retrieve(context_id)
    with ctx.lock:
        tensors = ctx.sends[send_id]
    run_local(ctx, tensors, grads, retain_graph)


def serve_release(agent, sender, context_id):
    """The context ended on ``sender``: forget it here and tell the workers it reached from here."""
    release(agent, context_id, skip=sender)


def release(agent, context_id, skip=None):
    with _lock:
        ctx = _contexts.pop(context_id, None)
    if ctx is None or agent is None or agent.closed:
        return
    for w in ctx.workers:
        if w != skip and w != agent.info.id:
            agent.send(w, 'ag_release', (context_id,), 0)
