"""``make_graphed_callables``: functions and modules whose forward and backward each run as one replayed
CUDA graph, captured once on static input tensors."""
import ember
from ember.cuda.graphs import CUDAGraph, graph, graph_pool_handle

__all__ = ['make_graphed_callables']


def _grad_targets(inputs, params):
    return tuple(t for t in inputs + params if t.requires_grad)


def _capture(func, args, params, warmup, allow_unused, pool):
    """Warm ``func`` up, then capture its forward and its backward into two graphs sharing ``pool``."""
    from ember import cuda
    from ember.utils import _pytree   # (here: dataclasses, which it needs, cost milliseconds at import)
    targets = _grad_targets(args, params)
    side = cuda.Stream()
    side.wait_stream(cuda.current_stream())
    with cuda.stream(side):
        for _ in range(warmup):   # first calls allocate workspaces and pick kernels, outside the graphs
            outs = _pytree.tree_flatten(func(*args))[0]
            needing = tuple(o for o in outs if o.requires_grad)
            if needing and targets:
                ember.autograd.grad(needing, targets, grad_outputs=tuple(ember.empty_like(o) for o in needing),
                                    only_inputs=True, allow_unused=allow_unused)
        del outs
    cuda.current_stream().wait_stream(side)

    fwd, bwd = CUDAGraph(), CUDAGraph()
    with graph(fwd, pool=pool):
        out_tree = func(*args)
    outs, spec = _pytree.tree_flatten(out_tree)
    outs = tuple(outs)
    needing = tuple(o for o in outs if o.requires_grad)
    grad_outs = tuple(ember.empty_like(o) if o.requires_grad else None for o in outs)
    grads = ()
    if needing and targets:
        with graph(bwd, pool=fwd.pool()):
            grads = ember.autograd.grad(needing, targets, grad_outputs=tuple(g for g in grad_outs if g is not None),
                                        only_inputs=True, allow_unused=allow_unused)
    # one gradient slot per input and parameter, None where it needs none
    it = iter(grads)
    static_grads = tuple(next(it) if t.requires_grad else None for t in args + params)
    return fwd, bwd if grads else None, outs, spec, grad_outs, static_grads


def _graphed(func, args, params, warmup, allow_unused, pool):
    from ember.utils import _pytree
    fwd, bwd, static_outs, spec, static_grad_outs, static_grads = _capture(func, args, params, warmup,
                                                                          allow_unused, pool)
    n_args = len(args)

    class Graphed(ember.autograd.Function):
        @staticmethod
        def forward(ctx, *inputs):
            for static, given in zip(args, inputs[:n_args]):   # parameters are the captured tensors themselves
                if static.data_ptr() != given.data_ptr():
                    static.copy_(given)
            fwd.replay()
            return tuple(o.detach() for o in static_outs)

        @staticmethod
        def backward(ctx, *grad_outputs):
            if bwd is None:
                return (None,) * len(static_grads)
            for static, given in zip(static_grad_outs, grad_outputs):
                if static is not None and given is not None and static.data_ptr() != given.data_ptr():
                    static.copy_(given)
            bwd.replay()
            return tuple(g.detach() if g is not None else None for g in static_grads)

    def graphed(*user_args):
        flat = tuple(_pytree.tree_flatten(user_args)[0])
        out = Graphed.apply(*(flat + params))
        return _pytree.tree_unflatten(list(out), spec)
    return graphed


def make_graphed_callables(callables, sample_args, num_warmup_iters=3, allow_unused_input=False, pool=None):
    """Graphed versions of ``callables`` (a function or module, or a tuple of them): each call copies its
    inputs into the tensors captured from ``sample_args`` and replays one CUDA graph for the forward,
    and one for the backward when gradients are asked for. Modules get their ``forward`` replaced
    (in the training mode they were captured in) and are returned.

    Args:
        callables: a function or ``nn.Module``, or a tuple of them (captured in order, sharing memory).
        sample_args (tuple of tensors, or a tuple of such tuples): inputs of the shapes and dtypes later
            calls will use.
        num_warmup_iters (int): calls run before the capture. Default: 3.
        allow_unused_input (bool): allow inputs the output does not depend on. Default: False.
        pool (tuple, optional): a memory pool id to capture into (:func:`graph_pool_handle`).
    """
    from ember.utils import _pytree
    if ember.is_autocast_enabled() and ember.is_autocast_cache_enabled():
        raise RuntimeError("make_graphed_callables does not support the autocast caching. Please set "
                           "`cache_enabled=False`.")
    one = not isinstance(callables, tuple)
    if one:
        callables, sample_args = (callables,), (sample_args,)
    for c, args in zip(callables, sample_args):
        if isinstance(c, ember.nn.Module):
            if c._backward_hooks or c._forward_hooks or c._forward_pre_hooks:
                raise AssertionError("Modules must not have hooks registered at the time they are passed. However, "
                                     "registering hooks on modules after passing them through make_graphed_callables "
                                     "is allowed.")
            if any(b.requires_grad for b in c.buffers()):
                raise AssertionError("In any :class:`~torch.nn.Module` passed to :func:`~make_graphed_callables`, "
                                     "only parameters may be trainable. All buffers must have "
                                     "``requires_grad=False``.")
        if not all(isinstance(a, ember.Tensor) for a in _pytree.tree_flatten(args)[0]):
            raise AssertionError("In the beta API, sample_args for each callable must contain only Tensors. Other "
                                 "types are not allowed.")
    pool = graph_pool_handle() if pool is None else pool
    results = []
    for c, args in zip(callables, sample_args):
        flat = tuple(_pytree.tree_flatten(args)[0])
        params = tuple(c.parameters()) if isinstance(c, ember.nn.Module) else ()
        func = c if not isinstance(c, ember.nn.Module) else c.forward
        fn = _graphed(func, flat, params, num_warmup_iters, allow_unused_input, pool)
        if isinstance(c, ember.nn.Module):
            def new_forward(*user_args, _fn=fn, _orig=c.forward, _mod=c, _training=c.training, **kwargs):
                # the graphs hold the mode they were captured in; the other mode runs the module as written
                if _mod.training == _training and not kwargs:
                    return _fn(*user_args)
                return _orig(*user_args, **kwargs)
            c.forward = new_forward
            results.append(c)
        else:
            results.append(fn)
    return results[0] if one else tuple(results)
