"""The backward engine: runs the recorded graph in reverse, as PyTorch's does.

Nodes run in dependency order (a node runs once every consumer of its outputs has passed
its gradient back); among ready nodes the most recently created runs first, which is the
order PyTorch's engine uses and so the order users see hooks fire in.
"""
import heapq
from heapq import heappop as _heappop, heappush as _heappush
import sys
import threading
import warnings

import numpy as _np

from ember._tensor import Tensor
from ember._device import CPU
from ember.backend import add_into as _add_into, quiet_fp_enter, quiet_fp_leave
from ember.autograd import anomaly_mode as _anomaly
from ember.autograd import grad_mode
from ember.autograd.function import AccumulateGrad
from ember.autograd import function as _function
from ember.autograd import _deferred_nodes
from ember._tensor_misc import cast_to_grad_dtype
from ember._tensor_user_dict import instance_dict
from ember.autograd._engine_modes import is_grad_layout_policy_enforced
from ember import backend
from ember.backend._overlap import dense as _dense_strides


def _as_tuple(x):
    if x is None:
        return ()
    if isinstance(x, (Tensor, GradientEdge)):
        return (x,)
    return tuple(x)


class GradientEdge(tuple):
    """Where the gradient of a tensor is computed: a graph node and which of its outputs (PyTorch's
    ``torch.autograd.graph.GradientEdge``; defined here so the engine can take one in ``inputs``).

    Get one with :func:`ember.autograd.graph.get_gradient_edge`.

    Example::

        >>> from ember.autograd.graph import get_gradient_edge
        >>> x = ember.ones(2, requires_grad=True)
        >>> y = x * 2
        >>> edge = get_gradient_edge(y)
        >>> edge.node.name(), edge.output_nr
        ('MulBackward0', 0)
        >>> ember.autograd.grad((y * 3).sum(), edge)    # the gradient with respect to y
        (tensor([3., 3.]),)
    """
    __slots__ = ()
    _fields = ('node', 'output_nr', 'ownership_token')

    def __new__(cls, node, output_nr, ownership_token=None):
        return tuple.__new__(cls, (node, output_nr, ownership_token))

    node = property(lambda self: self[0])
    output_nr = property(lambda self: self[1])
    ownership_token = property(lambda self: self[2])

    def __repr__(self):
        return f"GradientEdge(node={self[0]!r}, output_nr={self[1]}, ownership_token={self[2]!r})"


class _RunInfo:
    """What the backward run in progress will execute (read by ``register_multi_grad_hook``), how many edges
    still lead to each node, and the callbacks queued to run when it ends."""
    __slots__ = ('id', 'reachable', 'needed', 'deps', 'callbacks')


class _ThreadRuns(threading.local):
    # per thread: backward passes run side by side on several threads (RPC's serving threads), and
    # each one's hooks must see its own pass
    def __init__(self):
        self.stack = []   # the backward runs in progress on this thread, innermost last


_thread_runs = _ThreadRuns()
_run_ids = iter(range(1, 1 << 62))


def current_graph_task_id():
    """The id of the innermost backward run in progress, or -1 outside backward."""
    return _thread_runs.stack[-1].id if _thread_runs.stack else -1


def queue_callback(callback):
    """Run ``callback()`` (no arguments) when the backward pass in progress has run every node
    (PyTorch's ``Variable._execution_engine.queue_callback``)."""
    if not _thread_runs.stack:
        raise RuntimeError("Final callbacks can only be installed during backward pass.")
    _thread_runs.stack[-1].callbacks.append(callback)


def will_engine_execute_node(node):
    """Whether the innermost backward run in progress will run ``node`` (PyTorch's
    ``torch._C._will_engine_execute_node``)."""
    if not _thread_runs.stack:
        raise RuntimeError("_will_engine_execute_node should only be called during the backward pass")
    info = _thread_runs.stack[-1]
    return node in info.reachable and (info.needed is None or node in info.needed)


def adopt_expanded(node, steps):
    """A deferred fused ``node`` was just expanded into ``steps`` (``_deferred_nodes``; ``node`` is now the last
    step's node): the backward passes in progress on this thread that will run ``node`` run those steps too.
    Edges leaving the steps reach the nodes the fused node's reached, one for one, so only the steps'
    own counts are new."""
    for info in _thread_runs.stack:
        if node not in info.reachable:
            continue
        new = set(steps)
        deps = info.deps
        for n in (node, *steps):
            for nxt, _ in n.next_functions:
                if nxt in new:
                    deps[nxt] = deps.get(nxt, 0) + 1
        info.reachable.update(new)
        if info.needed is not None and node in info.needed:
            info.needed.update(dict.fromkeys(new, True))


# PyTorch's engine steps as ATen calls, set while a TorchDispatchMode is entered
# (ember/utils/_dispatch_backward.py): root(out) makes an implicit gradient, leaf(node, g, create_graph) the
# gradient a leaf keeps (None once it added it into .grad itself); None otherwise (one global test per
# backward(), per leaf and per gradient added to another)
dispatch_steps = None


def _make_grads(outputs, grads, is_grads_batched=False):
    result = []
    for out, g in zip(outputs, grads):
        if g is None:
            if out._requires_grad:
                if out._data.size != 1:
                    raise RuntimeError("grad can be implicitly created only for scalar outputs")
                if not out.dtype.is_floating_point:
                    raise RuntimeError("grad can be implicitly created only for real scalar outputs but got "
                                       f"{out.dtype}")
                xp = out._xp
                shape = out._data.shape
                # (a 0-d one is far cheaper to make with array() than with ones())
                g = Tensor._make(xp.array(1, out._data.dtype) if shape == () else xp.ones(shape, out._data.dtype),
                                 out._device) if dispatch_steps is None else dispatch_steps.root(out)
        else:
            if not isinstance(g, Tensor):
                from ember.ops.creation import as_tensor
                g = as_tensor(g, dtype=out.dtype, device=out._device)
            if is_grads_batched:
                first = g[0]  # a 0-d grad_output has no batch dimension: indexing it raises PyTorch's error
                if first._data.shape != out._data.shape:
                    # NOTE: PyTorch reports the shape without the first two dimensions here
                    raise RuntimeError("If `is_grads_batched=True`, we interpret the first dimension of each "
                                       "grad_output as the batch dimension. The sizes of the remaining dimensions "
                                       "are expected to match the shape of corresponding output, but a mismatch "
                                       f"was detected: grad_output[{len(result)}] has a shape of "
                                       f"{_size(first[0] if first.ndim else first)} and output[{len(result)}] has a "
                                       f"shape of {_size(out)}. If you only want some tensors in `grad_output` to "
                                       "be considered batched, consider using vmap.")
            elif g._data.shape != out._data.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[{len(result)}] has a shape of "
                                   f"{_size(g)} and output[{len(result)}] has a shape of {_size(out)}.")
            if g.dtype.is_complex != out.dtype.is_complex:
                raise RuntimeError("For complex Tensors, both grad_output and output are required to have "
                                   "the same dtype.")
        result.append(g)
    return result


def _batched_backward(outputs, grads, retain_graph, create_graph, inputs, allow_unused):
    """One backward pass per row of the batched ``grads``, the results stacked (PyTorch vmaps instead)."""
    sizes = []
    for g in grads:
        if g is None:
            raise ValueError("vmap(vjp, in_dims=0, ...)(<inputs>): Got in_dim=0 for an input but the input is of type "
                             "<class 'NoneType'>. We cannot vmap over non-Tensor arguments, please use None as the "
                             "respective in_dim")
        if g.ndim == 0:
            raise ValueError("vmap(vjp, in_dims=0, ...)(<inputs>): Got in_dim=0 for some input, but that input "
                             "is a Tensor of dimensionality 0 so expected in_dim to satisfy 0 <= in_dim < 0.")
        sizes.append(g.shape[0])
    if len(set(sizes)) > 1:
        raise ValueError("vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                         f"{sizes} for the mapped dimension")
    n = sizes[0]
    rows = [run_backward(outputs, [g[b] for g in grads], retain_graph or b < n - 1,
                         create_graph, inputs=inputs, allow_unused=allow_unused, accumulate=False)
            for b in range(n)]
    from ember.ops.shape import stack
    return [None if rows[0][k] is None else stack([r[k] for r in rows]) for k in range(len(inputs))]


def _size(t):
    return f"torch.Size([{', '.join(str(s) for s in t.shape)}])".replace('torch', 'ember')


def _root_edge(t):
    if t._grad_fn is not None:
        return t._grad_fn, t._output_nr
    return t._grad_accumulator(), 0


def run_backward(outputs, grad_outputs, retain_graph, create_graph, inputs=(), allow_unused=False,
                 accumulate=True):
    """Run backward from ``outputs``; accumulate into leaves' ``.grad`` or return input grads."""
    if _deferred_nodes._pending and (create_graph or _function._node_hooks or _anomaly._enabled or
                                     dispatch_steps is not None):
        # a recorded pass records each step's backward, an observed one shows each step's node
        _deferred_nodes.expand_all()
    roots = []
    for i, out in enumerate(outputs):
        edge = _root_edge(out) if out._requires_grad else (None, 0)
        if edge[0] is None:     # (a view made without recording has no node to start from either)
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        roots.append(edge)

    # every node reachable from the roots, and how many edges point at it
    deps = {}
    order = []
    stack = list(dict.fromkeys(n for n, _ in roots))   # once each: outputs of one node (unbind's) share it
    seen = set(stack)
    while stack:
        node = stack.pop()
        if inputs:   # (the order is needed only to find the nodes that lead to ``inputs``)
            order.append(node)
        for nxt, _ in node.next_functions:
            if nxt is not None:
                deps[nxt] = deps.get(nxt, 0) + 1
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)

    # where to capture gradients for ``inputs``: a leaf's accumulator or a non-leaf's producer
    captures = {}
    for k, t in enumerate(inputs):
        if type(t) is GradientEdge:
            captures.setdefault((t.node, t.output_nr), []).append(k)
        elif t._grad_fn is not None:
            captures.setdefault((t._grad_fn, t._output_nr), []).append(k)
        elif t._requires_grad:
            captures.setdefault((t._grad_accumulator(), 0), []).append(k)
        else:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    captured = [None] * len(inputs)
    needed = None
    if inputs:
        # only nodes from which a captured input is reachable are visited; node -> whether its backward
        # runs (a captured node's own backward runs only when it leads to another captured input)
        targets = {n for n, _ in captures}
        needed = {}
        for node in reversed(_topo_order(order)):
            leads = any(n in needed for n, _ in node.next_functions if n is not None)
            if leads or node in targets:
                needed[node] = leads

    # arrays this run made and nobody else holds: a leaf may take one as its .grad without a copy
    owned = _Owned()
    buffers = {}
    for (node, nr), g in zip(roots, grad_outputs):
        _accumulate_buffer(buffers, node, nr, g)

    ready = []
    queued = set()
    for node, _ in roots:
        if deps.get(node, 0) == 0 and node not in queued:
            queued.add(node)
            _heappush(ready, (-node._seq, id(node), node))

    # NumPy's floating-point warnings stay quiet for the whole pass (PyTorch never warns there)
    info = _RunInfo()
    info.id, info.reachable, info.needed, info.deps, info.callbacks = next(_run_ids), seen, needed, deps, []
    _thread_runs.stack.append(info)
    quiet = quiet_fp_enter()
    try:
        _run(ready, buffers, deps, owned, captures, captured, needed, inputs, accumulate, retain_graph,
             create_graph)
        while info.callbacks:   # a callback may queue another
            info.callbacks.pop(0)()
    finally:
        quiet_fp_leave(quiet)
        _thread_runs.stack.pop()

    if inputs and accumulate:
        for t, g in zip(inputs, captured):
            if g is not None:
                if type(t) is GradientEdge:  # an edge accumulates into the leaf its node belongs to
                    if type(t.node) is not AccumulateGrad:
                        continue
                    t = t.node.variable
                _accumulate_into_leaf(t, g, create_graph, owned)
    elif inputs:
        for k, g in enumerate(captured):
            if g is None and not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {k} appears to not have been used in "
                                   "the graph. Set allow_unused=True if this is the desired behavior.")
    return captured


def _run(ready, buffers, deps, owned, captures, captured, needed, inputs, accumulate, retain_graph, create_graph):
    """The pass itself: run ready nodes, newest first, passing gradients along the edges."""
    # grad mode is create_graph during the pass (set directly: cheaper than a context manager)
    state = grad_mode._state
    prev = state.enabled
    state.enabled = bool(create_graph)
    # a leaf fed by one edge only, without hooks, takes its gradient into .grad as the edge delivers it (see
    # below); not when gradients are captured for ``inputs`` or a dispatch mode sees the leaves' steps
    leaves_inline = accumulate and not inputs and not captures and dispatch_steps is None
    try:
        while ready:
            node = _heappop(ready)[2]
            grads = buffers.pop(node, None)
            if needed is not None and node not in needed:
                continue  # not on a path to ``inputs``: PyTorch runs neither it nor its hooks
            if grads is None:
                grads = [None]
            if node._pre_hooks:
                owned.disown(grads)  # a hook may keep what it sees (retain_grad does)
                grads = _run_pre_hooks(node, grads)
                owned.disown(grads)
            if captures:
                for nr, g in enumerate(grads):
                    ks = captures.get((node, nr))
                    if ks:
                        for k in ks:
                            captured[k] = g
                if needed is not None and not needed[node] and type(node) is not AccumulateGrad:
                    continue
            if type(node) is AccumulateGrad:
                if accumulate and not inputs and grads[0] is not None:
                    g = grads[0] if dispatch_steps is None else dispatch_steps.leaf(node, grads[0], create_graph)
                    if g is not None:      # (None: the dispatch step added it into .grad itself)
                        _accumulate_into_leaf(node.variable, g, create_graph, owned)
                if node._hooks:
                    for h in list(node._hooks.values()):
                        h(grads, grads)
                continue
            for g in grads:
                if g is not None:
                    dev = g._device
                    if dev is not CPU and dev.type == 'cuda' and dev.index != backend.current_cuda_index():
                        in_grads = _apply_on_device(node, grads, dev.index)
                    elif node._fn._takes_donation and not create_graph and len(grads) == 1 and \
                            dispatch_steps is None and not node._hooks and not _anomaly._enabled and \
                            not _function._node_hooks and _donatable(owned, g):
                        # NOTE: the gradient is an array this run made that nothing else holds (counted
                        # references: no other edge, hook or capture): the backward may write one of its
                        # results into it (MulBackward0: ``g * b`` fresh, ``g * a`` into g), as a fresh
                        # million-element result costs about as much as the product itself
                        node._donated = True
                        try:
                            in_grads = node.apply(tuple(grads))
                        finally:
                            node._donated = False
                    else:
                        in_grads = node.apply(tuple(grads)) if not _anomaly._enabled else _apply_checked(node, grads)
                    if node._fn._raw and not create_graph:
                        owned.adopt_new(in_grads, grads)
                    break
            else:
                in_grads = [None] * len(node.next_functions)
            if node._hooks:
                owned.disown(in_grads)
                for h in list(node._hooks.values()):
                    r = h(tuple(in_grads), tuple(grads))
                    if r is not None:
                        in_grads = list(r)
                owned.disown(in_grads)
            if not retain_graph:
                node._release()
            # (the gradients the node took go before its results are passed on: a leaf taking one of them as
            # its .grad without a copy counts who else holds the array, and a weight's gradient made
            # transposed shares its memory with the one TBackward took)
            grads = None
            for (nxt, nr), g in zip(node.next_functions, in_grads):
                if nxt is None:
                    continue
                if leaves_inline and type(nxt) is AccumulateGrad and deps[nxt] == 1 and not nxt._pre_hooks \
                        and not nxt._hooks and nxt not in buffers:
                    # NOTE: the leaf's last edge, with no gradient buffered from its others: its node would be
                    # ready now and run next (an AccumulateGrad comes first among ready nodes) doing just this,
                    # so it is done here, without the node's trip through the buffers and the ready queue (six
                    # of a linear network's sixteen nodes per step)
                    deps[nxt] = 0
                    if g is not None:
                        _accumulate_into_leaf(nxt.variable, g, create_graph, owned)
                    continue
                if g is not None:
                    buf = buffers.get(nxt)
                    if buf is None:
                        buf = buffers[nxt] = [None] * (1 if type(nxt) is AccumulateGrad else
                                                       max(len(nxt._out_meta), nr + 1))
                    old = buf[nr]
                    if old is None:
                        buf[nr] = g
                    elif create_graph or old.is_sparse or g.is_sparse or dispatch_steps is not None:
                        buf[nr] = old + g    # (sparse: ember.sparse adds them; under a dispatch mode: aten.add)
                    else:  # first order: sum the arrays, no op dispatch
                        od, gd = old._data, g._data
                        if type(od) is _np.ndarray and owned.holds(od) and od.base is None and \
                                od.dtype == gd.dtype and od.shape == gd.shape and od.flags.writeable and \
                                sys.getrefcount(old) <= _SOLE_BUFFERED[0] and sys.getrefcount(od) <= _SOLE_BUFFERED[1]:
                            # NOTE: the buffered gradient is an array this run made and nothing else holds
                            # (no other edge, hook, view or capture: counted references), so the sum goes
                            # into it, as PyTorch's input buffer adds in place: the same addition, same
                            # bits, without a fresh array (a 1M-float sum took about half the time)
                            _np.add(od, gd, out=od)
                        else:   # (no local keeps the sum: a later addition may go into it)
                            buf[nr] = Tensor._make(owned.added(od + gd), g._device)
                d = deps[nxt] - 1
                deps[nxt] = d
                if d == 0:
                    _heappush(ready, (-nxt._seq, id(nxt), nxt))
            in_grads = g = buf = None     # (passed on: no stale local may count as a holder of a gradient)
    finally:
        state.enabled = prev


def _apply_on_device(node, grads, index):
    """Run ``node``'s backward with the GPU its gradient lives on current, as PyTorch's engine runs each
    device's nodes on that device (CuPy refuses kernels on arrays of another device): the backward of a
    replica on ``cuda:1`` under ``nn.DataParallel``."""
    from ember.cuda import device
    with device(index):
        return node.apply(tuple(grads)) if not _anomaly._enabled else _apply_checked(node, grads)


def _apply_checked(node, grads):
    """``node.apply`` under anomaly detection: a failure first shows the forward call's stack."""
    try:
        in_grads = node.apply(tuple(grads))
        if _anomaly._check_nan:
            _anomaly.check_nan(node, in_grads)
    except BaseException:
        _anomaly.warn_failed(node)
        raise
    return in_grads


def _topo_order(nodes):
    """Nodes ordered so that every node comes before the nodes it feeds gradients to."""
    indeg = {}
    for n in nodes:
        for nxt, _ in n.next_functions:
            if nxt is not None:
                indeg[nxt] = indeg.get(nxt, 0) + 1
    out = [n for n in nodes if indeg.get(n, 0) == 0]
    i = 0
    while i < len(out):
        for nxt, _ in out[i].next_functions:
            if nxt is not None:
                indeg[nxt] -= 1
                if indeg[nxt] == 0:
                    out.append(nxt)
        i += 1
    return out


def _accumulate_buffer(buffers, node, nr, g):
    buf = buffers.get(node)
    if buf is None:
        n = max(len(node._out_meta), nr + 1) if not isinstance(node, AccumulateGrad) else 1
        buf = buffers[node] = [None] * n
    old = buf[nr]
    buf[nr] = g if old is None else old + g


def _check_hook_result(hook, grad, result):
    """PyTorch's error for a tensor hook whose result is not a gradient of the same size and type."""
    shape, dtype = getattr(result, 'shape', None), getattr(result, 'dtype', None)
    if shape == grad.shape and dtype == grad.dtype:
        return
    name = getattr(hook, '__name__', type(hook).__name__)
    if shape != grad.shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value")
    raise RuntimeError(f"hook '{name}' has changed the type of value (was {grad.type()} got {result.type()})")


def _run_pre_hooks(node, grads):
    grads = list(grads)
    retains = []
    for nr, fn in list(node._pre_hooks.values()):
        if nr is None:  # a node pre-hook sees all output grads
            r = fn(tuple(grads))
            if r is not None:
                grads = list(r)
        elif getattr(fn, '_retains_grad', False):
            retains.append((nr, fn))
        elif grads[nr] is not None:
            r = fn(grads[nr])
            if r is not None:
                _check_hook_result(fn, grads[nr], r)
                grads[nr] = r
    for nr, fn in retains:  # retain_grad sees the gradient after all other hooks
        if grads[nr] is not None:
            fn(grads[nr])
    return grads


class _Owned:
    """The gradient arrays one backward run may hand to a leaf as its ``.grad`` without copying.

    An array is owned when a built-in backward (or the engine's own summing) made it during this run:
    a new array, not one of the gradients the node received, nor anything a hook saw or a user's
    Function returned. Handing it to a leaf disowns it, so a second leaf reached by the same array
    gets a copy. Everything else is copied: ``.grad`` is later updated in place and must alias nothing.
    """
    __slots__ = ('_arrays',)

    def __init__(self):
        self._arrays = {}  # id -> array (holding the array keeps its id unique during the run)

    def add(self, arr):
        # (a view qualifies only if, when a leaf takes it, it is the one holder of all its base's memory)
        self._arrays[id(arr)] = arr

    def adopt_new(self, in_grads, grads):
        """Own the arrays a built-in backward returned, except the ones it passed through unchanged;
        the ones it consumed are dropped (a view of one may live on in what it returned)."""
        arrays = self._arrays
        kept = ()
        for g in in_grads:
            if g is not None and not g.is_sparse:    # (sparse gradients hold no array of their own)
                arr = g._data
                for old in grads:
                    if old is not None and old._data is arr:
                        kept += (id(arr),)     # ids: ``in`` on arrays would compare them element-wise
                        break
                else:
                    arrays[id(arr)] = arr
        for old in grads:
            if old is not None and id(old._data) not in kept:
                arrays.pop(id(old._data), None)

    def added(self, arr):
        """``add(arr)``, returning ``arr``."""
        self._arrays[id(arr)] = arr
        return arr

    def holds(self, arr):
        """Whether this run made ``arr`` (and it has not been handed on)."""
        return self._arrays.get(id(arr)) is arr

    def disown(self, grads):
        for g in grads:
            if g is not None:
                self._arrays.pop(id(g._data), None)

    def take(self, arr):
        """True (and no longer owned) when ``arr`` may become a leaf's gradient as it is."""
        return self._arrays.pop(id(arr), None) is arr and arr.flags.writeable and \
            (arr.base is None or _sole_view(arr))


def _sole_view(arr, count=False):
    """Whether ``arr`` is a view of all of a NumPy array that nothing but ``arr`` holds: a weight's
    gradient made transposed (``(g.T @ x).T``) and transposed back by TBackward, whose first product
    nobody else can see; taking it saves copying the weight-sized array. (``count``: the base's
    reference count as seen here, which is how ``_SOLE_REFS`` is measured.)"""
    base = arr.base
    if count:
        return sys.getrefcount(base)
    return type(base) is _np.ndarray and base.base is None and base.size == arr.size and \
        base.dtype == arr.dtype and sys.getrefcount(base) <= _SOLE_REFS


# what sys.getrefcount reports inside _sole_view for a base held by one view only (measured, as the
# interpreter's own references to locals and arguments vary between versions)
_SOLE_REFS = _sole_view(_np.empty((1, 2)).T, count=True)


def _same_layout(param, grad):
    """PyTorch's gradient layout contract: the param's strides (dims of size 1 aside) when it is
    dense and non-overlapping, else row-major."""
    if param.flags.c_contiguous:
        return grad.flags.c_contiguous
    if not _dense_strides(param):
        return grad.flags.c_contiguous
    return all(n == 1 or a == b for a, b, n in zip(param.strides, grad.strides, param.shape))


def _copy_in_layout(param, grad, xp):
    if param.flags.c_contiguous or not _dense_strides(param):
        return xp.array(grad, order='C', copy=True)
    order = sorted(range(param.ndim), key=lambda d: (-param.strides[d], d))
    out = xp.empty([param.shape[d] for d in order], dtype=grad.dtype).transpose(
        [order.index(d) for d in range(param.ndim)])
    out[...] = grad
    return out


def _first_grad_array(param, grad, owned):
    """The array a leaf's first gradient is stored in: the engine's own array when it may be taken
    and has the leaf's layout (or the layout policy is relaxed), else a copy in the leaf's layout."""
    if owned is not None and (_same_layout(param, grad) or not is_grad_layout_policy_enforced()) \
            and owned.take(grad):
        return grad
    if _same_layout(param, grad):
        return grad.copy(order='K')
    return _copy_in_layout(param, grad, backend.array_module_of(grad))


def _kept_type(g):
    """Whether the gradient ``g`` is a Tensor subclass that a leaf's ``.grad`` holds as it is (a class
    setting ``_grad_keeps_type``: MaskedTensor), rather than as a plain tensor of its values."""
    return type(g) is not Tensor and getattr(g, '_grad_keeps_type', False)


def _accumulate_into_leaf(var, g, create_graph, owned=None):
    if '_grad_dtype' in instance_dict(var):   # the leaf asked for its gradients in another dtype
        g = cast_to_grad_dtype(var, g)
    if var._grad is None:
        # a sparse gradient (nn.Embedding(sparse=True)) stays sparse, a MaskedTensor one masked
        if g.is_sparse or _kept_type(g):
            var._grad = g
        elif create_graph:
            # a copy, as PyTorch's: the gradient may be a view (a transpose) or an input's own tensor, and
            # code that detaches it in place (Adahessian's grad.detach_()) must own it
            var._grad = g.clone()
        else:
            arr = g._data
            var._grad = Tensor._make(_first_grad_array(var._data, arr, owned), g._device)
    elif create_graph or var._grad._requires_grad or var._grad.is_sparse or g.is_sparse or _kept_type(g) \
            or _kept_type(var._grad):
        var._grad = var._grad + g
    else:
        quiet = quiet_fp_enter()
        try:
            if type(var._grad._data) is _np.ndarray:
                var._grad._data += g._data
            else:
                _add_into(var._grad._data, g._data)
        finally:
            quiet_fp_leave(quiet)
        var._grad._version_counter.value += 1


def _donatable(owned, g):
    """Whether the gradient ``g``, about to be handed to a node's backward, is an array of this run's own
    that only the engine's list of the node's gradients and its loop variable hold."""
    gd = g._data
    return type(gd) is _np.ndarray and gd.base is None and gd.flags.writeable and owned.holds(gd) and \
        sys.getrefcount(g) <= _SOLE_DONATED[0] and sys.getrefcount(gd) <= _SOLE_DONATED[1]


def _donated_refs():
    """What sys.getrefcount reports in ``_donatable`` for a gradient nothing else holds, as (the tensor's
    count, its array's count), measured with the same statement shapes as in ``_run``."""
    owned = _Owned()
    grads = [Tensor._make(_np.empty(1), CPU)]
    owned.add(grads[0]._data)
    counts = []
    for g in grads:
        gd = g._data
        counts = (sys.getrefcount(g) + 1, sys.getrefcount(gd))   # (+1: _donatable's own argument)
        del gd
    return counts


def _buffered_refs():
    """What sys.getrefcount reports in ``_run`` for a buffered gradient that nothing else holds, as
    (the tensor's count, its array's count): its buffer slot and the loop's locals, measured with the
    same statement shapes (the interpreter's own references to locals vary between versions)."""
    owned = _Owned()
    buf = [Tensor._make(_np.empty(1), CPU)]
    owned.add(buf[0]._data)
    old = buf[0]
    od = old._data
    return sys.getrefcount(old), sys.getrefcount(od)


def _edge_like(edge):
    """A tensor shaped like what flows along ``edge`` (for materialize_grads)."""
    from ember.autograd.function import _zeros
    node = edge.node
    if type(node) is AccumulateGrad:
        return node.variable
    meta = node._out_meta[edge.output_nr] if edge.output_nr < len(node._out_meta) else None
    if meta is None:
        raise RuntimeError("materialize_grads=True needs the shape of the gradient at this GradientEdge; pass "
                           "the tensor itself instead of its edge")
    return _zeros(meta)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None,
             inputs=None):
    """Compute the sum of gradients of ``tensors`` w.r.t. graph leaves, into their ``.grad``.

    Args:
        tensors (Tensor or sequence of Tensor): the outputs to differentiate.
        grad_tensors (Tensor or sequence of Tensor, optional): the gradient of each output (may be
            omitted for scalar outputs, which take 1).
        retain_graph (bool, optional): keep the graph for another backward (default: ``create_graph``).
        create_graph (bool, optional): record the backward itself, for higher-order gradients.
        inputs (Tensor or sequence of Tensor, optional): accumulate into these tensors only.

    Example::

        >>> x = ember.tensor([1., 2., 3.], requires_grad=True)
        >>> ember.autograd.backward((x * x).sum())
        >>> x.grad
        tensor([2., 4., 6.])
        >>> ember.autograd.backward([x * 2], grad_tensors=[ember.ones(3)])   # accumulates
        >>> x.grad
        tensor([4., 6., 8.])
    """
    tensors = _as_tuple(tensors)
    if grad_tensors is None:
        grad_tensors = grad_variables
    grads = _as_tuple(grad_tensors) if grad_tensors is not None else (None,) * len(tensors)
    if len(grads) != len(tensors):
        raise RuntimeError(f"got {len(grads)} tensors and {len(tensors)} gradients")
    if inputs is not None and not isinstance(inputs, Tensor) and len(inputs) == 0:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    inputs = _as_tuple(inputs)
    if retain_graph is None:
        retain_graph = create_graph
    grads = _make_grads(tensors, grads)
    run_backward(tensors, grads, retain_graph, create_graph, inputs=inputs, accumulate=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Gradients of ``outputs`` w.r.t. ``inputs``, returned (not accumulated into ``.grad``).

    ``is_grads_batched=True`` reads the first dimension of every ``grad_outputs`` tensor as a batch of
    vectors and returns one gradient per vector, stacked along a new first dimension. ``only_inputs`` is
    deprecated (its value no longer matters; ``False`` warns), as in PyTorch.

    Example::

        >>> x = ember.tensor([1., 2., 3.], requires_grad=True)
        >>> y = (x ** 3).sum()
        >>> g, = ember.autograd.grad(y, x, create_graph=True)   # 3 x^2, itself differentiable
        >>> g
        tensor([ 3., 12., 27.], grad_fn=<MulBackward0>)
        >>> ember.autograd.grad(g.sum(), x)                     # 6 x
        (tensor([ 6., 12., 18.]),)
        >>> x.grad is None                                      # nothing was accumulated
        True
    """
    if not only_inputs:
        warnings.warn("only_inputs argument is deprecated and is ignored now (defaults to True). To accumulate "
                      "gradient for other parts of the graph, please use ember.autograd.backward.",
                      FutureWarning, stacklevel=2)
    outputs = _as_tuple(outputs)
    single_input = isinstance(inputs, (Tensor, GradientEdge))
    inputs = _as_tuple(inputs)
    if allow_unused is None:
        allow_unused = materialize_grads
    grads = _as_tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outputs)
    if len(grads) != len(outputs):
        raise RuntimeError(f"grad requires one grad_output per output: got {len(grads)} grad_outputs "
                           f"and {len(outputs)} outputs")
    if retain_graph is None:
        retain_graph = create_graph
    grads = _make_grads(outputs, grads, is_grads_batched)
    if is_grads_batched:
        result = _batched_backward(outputs, grads, retain_graph, create_graph, inputs, allow_unused)
    else:
        result = run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs,
                              allow_unused=allow_unused, accumulate=False)
    if materialize_grads:
        from ember.ops.creation import zeros_like
        result = [g if g is not None else zeros_like(t if type(t) is not GradientEdge else _edge_like(t))
                  for g, t in zip(result, inputs)]
    # the gradient of a MaskedTensor is one, as its .grad is (its values flowed back as a plain tensor)
    return tuple(t._as_own_gradient(g) if g is not None and getattr(t, '_grad_keeps_type', False) and not _kept_type(g)
                 else g for g, t in zip(result, inputs))


_SOLE_BUFFERED = _buffered_refs()
_SOLE_DONATED = _donated_refs()
