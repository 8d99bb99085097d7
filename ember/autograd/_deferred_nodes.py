"""Nodes recorded fused that become PyTorch's steps the moment anything outside autograd could see them.

Where recording PyTorch's decomposition costs more than the fused op's one node in the common case (nobody
looks at the graph, backward runs it once), an op may record the fused node and :func:`defer` the steps: it
hands over a function that rebuilds them over the fused pass's arrays, turning the fused node itself into the
last step's node (so every edge already pointing at it still holds), with the steps' own sequence numbers
(reserved when the fused node was made), so that backward runs them in the order the steps recorded at once
would have run.

When that happens is decided here, in one place: every deferred node still alive is expanded as soon as any
node could reach code outside autograd, so no such code ever holds one of them unexpanded, and hooks,
``next_functions``, ``_saved_*`` and the rest need no case of their own. Nodes reach users only through
a tensor's ``grad_fn`` (or ``get_gradient_edge``), then through ``next_functions`` of the nodes got that way:
all of those are older than the node read, so they were expanded with it. Observed backward passes (profiler,
anomaly detection, dispatch modes) and recorded ones (``create_graph``) run the steps, as they would see or
record each of them. Expanding while a backward pass is running (a hook reads a
``grad_fn``) hands the new nodes to the passes in progress (``engine.adopt_expanded``), so the pass runs them.
"""
import weakref

_pending = {}   # weakref to a deferred node -> the function expanding it


def _forget(ref):
    _pending.pop(ref, None)


def defer(node, expand):
    """Leave ``node`` fused until :func:`expand_all`, which calls ``expand(node)``: that must turn it into the
    last step's node and return the other steps' nodes."""
    _pending[weakref.ref(node, _forget)] = expand


def expand_all():
    """Expand every deferred node still alive (call it only where ``_pending`` is not empty)."""
    from ember.autograd import engine, function, anomaly_mode, _saved_hooks    # NOTE: here: engine imports this module
    from ember._grad_state import state
    # the steps are recorded as at the fused node's forward, whatever the caller has switched on since: grad mode on
    # (a look under no_grad), and none of what that forward did not have (op observers, anomaly mode's forward
    # stacks, saved-tensor hooks: a node is deferred only where none of them was on)
    kept = state.enabled, state.inference, function._op_hooks, anomaly_mode._enabled, _saved_hooks._pack_stack[:]
    state.enabled, state.inference, function._op_hooks, anomaly_mode._enabled = True, False, (), False
    _saved_hooks._pack_stack.clear()
    try:
        while _pending:
            ref, expand = _pending.popitem()
            node = ref()
            if node is not None:
                engine.adopt_expanded(node, expand(node))
    finally:
        state.enabled, state.inference, function._op_hooks, anomaly_mode._enabled = kept[:4]
        _saved_hooks._pack_stack[:] = kept[4]
