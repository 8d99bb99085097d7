"""Recording the steps of PyTorch's decomposition for a result computed in one fused pass.

Where PyTorch's op is a chain of smaller ops (cross_entropy is log_softmax then nll_loss; matmul views and
expands around bmm), its graph shows a node per step, and users see them: ``grad_fn.next_functions``, hooks
on each node, ``retain_grad`` on an intermediate, double backward. Composing ember's ops the same way costs
each step's full ``apply`` and allocations on every call. Instead an op computes its result fused, as
before, then calls :func:`record_step` once per step, bottom up, handing each the arrays it already has: the
step's node is the one ``cls.apply(*args)`` would have recorded (edges, saved tensors, kept state), made
without running ``cls.forward``, and its output is a tensor carrying that node. Each node's backward is its
op's own, so the graph behaves exactly as the composed one.
"""

from ember._device import CPU
from ember.backend import quiet_fp_enter as _fp_enter, quiet_fp_leave as _fp_leave
from ember._tensor import Tensor, _Version, _new
from ember._grad_state import state as _grad_state
from ember.autograd import anomaly_mode as _anomaly
from ember.autograd import function as _function


def record_step(cls, args, out=None, /, *, saved=(), **kept):
    """The output of ``cls.apply(*args)`` (a built-in op): a tensor of the array ``out`` (on the first tensor
    argument's device) whose ``grad_fn`` is a new node of ``cls`` with the edges that call would record, ``saved``
    (arrays or tensors, as its forward would pass to ``save_for_backward``) and ``kept`` (what its forward would
    set on ctx for backward). With ``out`` None, ``cls.forward`` runs on the arguments' arrays with the node as
    its ctx and gives all three (apply's checks, promotion and observers skipped: the arguments must be what
    the op computes on as they are). Call it only when the graph is recorded."""
    node = _new(cls._node_cls or _function._node_class_of(cls))
    node._fn = cls
    node._n_args = len(args)
    tensors, slots, edges, meta, needs = [], [], [], [], []
    for k, a in enumerate(args):
        if not isinstance(a, Tensor):
            needs.append(False)
            continue
        tensors.append(a)
        slots.append(k)
        edge, m = _function.input_of(a)     # (as apply records a built-in op's input)
        edges.append(edge)
        meta.append(m)
        needs.append(m is not None)
    if cls._scalar_edges and len(tensors) < len(args):
        slots, edges, meta = _function._with_scalar_edges(args, edges, meta, cls._scalar_edges)
    if cls._none_edges:
        slots, edges, meta = _function._with_none_edges(cls._none_edges, args, slots, edges, meta)
    if cls._nondiff_args:
        slots, edges, meta = _function._without_nondiff_edges(cls._nondiff_args, slots, edges, meta)
    node.needs_input_grad = tuple(needs)
    node._arg_slots = slots
    node.next_functions = tuple(edges)
    node._input_meta = meta
    node._seq = next(_function._sequence)
    if _anomaly._enabled:
        node._anomaly_stack = _anomaly.forward_stack()
    if kept:
        node.__dict__.update(kept)
    device = tensors[0]._device
    if device is not CPU:
        from ember import backend
        node.xp = backend.get_array_module(device)
    if out is None:
        quiet = _fp_enter()
        try:
            out = cls.forward(node, *[a._data if isinstance(a, Tensor) else a for a in args])
        finally:
            _fp_leave(quiet)
        saved = node._to_save
    r = _new(Tensor)   # Tensor._make, inlined
    r._data = out
    r._device = device
    r._requires_grad = True
    r._grad_fn = node
    if cls._view:      # (it shares its base's version counter, as the view op's output does)
        _function._mark_view(cls, tensors[0], args[1:], r)
    else:
        r._version_counter = _Version()
        if _grad_state.inference:
            r._inference = True
    if saved:
        node._to_save = saved
        _function._resolve_saved(node, args, tensors, (out,), (r,))
    return r
