"""Function transforms for derivatives: grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian.

All are built on ember's reverse mode. Inputs are wrapped in fresh graph nodes per transform, so
transforms nest (``grad(grad(f))``, ``jacfwd(jacrev(f))``): a transform keeps the graph of its
results whenever an enclosing transform (or the caller's own autograd) still differentiates them.
Forward-mode products (``jvp``, ``jacfwd``) use the double-vjp identity ``J t = d/du <u, J^T ...>``:
differentiating the reverse-mode product with respect to its (linear) cotangent ``u`` gives the
exact Jacobian-vector product for every op whose backward is itself differentiable.
"""
import functools

from ember._tensor import Tensor
from ember.autograd.engine import grad as _autograd_grad
from ember.autograd.grad_mode import enable_grad
from ember.func._batched_tensor import BatchedTensor, Unbatchable, active_levels, from_plain, leaf, to_plain
from ember.func._tree import flatten
from ember.ops.creation import ones_like, zeros_like

_active = [0]  # how many transforms are currently running around the user's function


def _check_tensor(x):
    if not isinstance(x, Tensor):
        raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
    return x


def _normalize_argnums(argnums, nargs):
    if isinstance(argnums, int) and not isinstance(argnums, bool):
        nums = (argnums,)
    elif isinstance(argnums, tuple) and all(isinstance(a, int) for a in argnums):
        if not argnums:
            raise RuntimeError("argnums must be non-empty")
        nums = argnums
    else:
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    for a in nums:
        if not -nargs <= a < nargs:
            raise RuntimeError(f"Got argnum={a}, but only {nargs} positional inputs")
    return tuple(a % nargs for a in nums)


def _track(x):
    """A fresh node standing for ``x`` in this transform's graph (keeps the caller's graph if any)."""
    _check_tensor(x)
    if active_levels():
        return _track_batched(x)
    if x.requires_grad:
        return x.view_as(x)
    return x.detach().requires_grad_(True)


def _keep_graph(leaves):
    return _active[0] > 1 or any(isinstance(t, Tensor) and t.requires_grad for t in leaves)


def _track_batched(x):
    """Inside vmap: ``x`` made a leaf of its own per batch element (every running vmap's batch a
    plain dimension), so one backward pass gives every element's gradient at once."""
    plain = to_plain(x)
    node = plain.view_as(plain) if plain.requires_grad else plain.detach().requires_grad_(True)
    return from_plain(node)


def _grads(outputs, inputs, cotangents, create_graph):
    if active_levels():
        if any(_levels_of(x) < len(active_levels()) for x in inputs):
            # the graph was recorded outside a running vmap (vmap(vjp_fn) of a vjp taken outside it):
            # one backward pass would sum the batch's products, so vmap runs the product per element
            raise Unbatchable()
        # the elements are independent, so the gradient of their sum is each element's own gradient
        outputs = [to_plain(o) for o in outputs]
        cotangents = None if cotangents is None else [to_plain(c) for c in cotangents]
        got = _autograd_grad(outputs, [leaf(x) for x in inputs], cotangents if cotangents is not None else
                             [ones_like(o) for o in outputs], retain_graph=True, create_graph=create_graph,
                             allow_unused=True)
        return [from_plain(g) if g is not None else zeros_like(x) for g, x in zip(got, inputs)]
    got = _autograd_grad(outputs, inputs, cotangents, retain_graph=True, create_graph=create_graph,
                         allow_unused=True)
    from ember.ops.creation import zeros_like
    return [g if g is not None else zeros_like(x) for g, x in zip(got, inputs)]


def _levels_of(x):
    """How many vmap levels ``x`` is batched at (tensors tracked inside vmap are at every running level)."""
    n = 0
    while type(x) is BatchedTensor:
        x, n = x.value, n + 1
    return n


def _finish(x, keep):
    return x if keep or not isinstance(x, Tensor) else x.detach()


class _Running:
    def __enter__(self):
        _active[0] += 1

    def __exit__(self, *exc):
        _active[0] -= 1


# how PyTorch names the call whose output lacked its aux (jacrev and jacfwd report their vjp and jvp)
_AUX_LABELS = {'grad_and_value': 'grad_and_value(f)(*args)', 'vjp': 'vjp(f, *primals)', 'jacrev': 'vjp(f, *primals)',
               'jvp': 'jvp(f, primals, tangents)', 'jacfwd': 'jvp(f, primals, tangents)'}


def _split_aux(result, has_aux, api):
    if not has_aux:
        return result, None
    if not (isinstance(result, tuple) and len(result) == 2):
        raise RuntimeError(f"{_AUX_LABELS[api]}: output of function f should be a tuple: (output, aux) "
                           "if has_aux is True")
    return result


def _forward_mode_call(func, args, argnums):
    """:func:`_tracked_call` for the forward-mode transforms (jvp, jacfwd, linearize): a custom
    autograd.Function applied meanwhile must have a ``jvp`` staticmethod, as in PyTorch's forward AD (ember
    computes the product by double vjp, but a Function's own backward need not be that derivative)."""
    from ember.autograd import function
    function.FORWARD_MODE[0] += 1
    try:
        return _tracked_call(func, args, argnums)
    finally:
        function.FORWARD_MODE[0] -= 1


def _tracked_call(func, args, argnums):
    """Call ``func`` with the arguments at ``argnums`` tracked; returns (result, tracked pytrees, leaves)."""
    args = list(args)
    nums = _normalize_argnums(argnums, len(args))
    tracked_leaves, rebuilds = [], []
    for a in nums:
        leaves, rebuild = flatten(args[a])
        new = [_track(x) for x in leaves]
        args[a] = rebuild(new)
        tracked_leaves.append(new)
        rebuilds.append(rebuild)
    return func(*args), tracked_leaves, rebuilds


def grad_and_value(func, argnums=0, has_aux=False):
    """``func``'s gradient with respect to the arguments at ``argnums``, and its value.

    ``func`` must return a scalar tensor (or ``(scalar, aux)`` with ``has_aux=True``).

    Example::

        >>> x = ember.tensor([1., 2., 3.])
        >>> g, value = ember.func.grad_and_value(lambda t: (t ** 2).sum())(x)
        >>> g
        tensor([2., 4., 6.])
        >>> value
        tensor(14.)
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with _Running(), enable_grad():
            keep = _keep_graph(flatten(args)[0])
            result, leaves, rebuilds = _tracked_call(lambda *a: func(*a, **kwargs), args, argnums)
            out, aux = _split_aux(result, has_aux, 'grad_and_value')
            if not isinstance(out, Tensor):
                raise RuntimeError("grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got "
                                   f"{type(out)}")
            if out.dim() != 0:
                raise RuntimeError("grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, "
                                   f"got tensor with {out.dim()} dims. Maybe you wanted to use the vjp or "
                                   "jacrev APIs instead?")
            flat = [x for group in leaves for x in group]
            if out.requires_grad:
                gs = _grads([out], flat, None, keep)
            else:
                from ember.ops.creation import zeros_like
                gs = [zeros_like(x) for x in flat]
            gs = [_finish(g, keep) for g in gs]
            per_arg, at = [], 0
            for group, rebuild in zip(leaves, rebuilds):
                per_arg.append(rebuild(gs[at:at + len(group)]))
                at += len(group)
            g = per_arg[0] if isinstance(argnums, int) else tuple(per_arg)
            value = _finish(out, keep)
            if has_aux:
                aux = _map_tensors(aux, lambda t: _finish(t, keep))
                return g, (value, aux)
            return g, value
    return wrapper


def grad(func, argnums=0, has_aux=False):
    """``func``'s gradient with respect to the arguments at ``argnums`` (``(grad, aux)`` with ``has_aux``).

    Example::

        >>> x = ember.tensor([0., 1., 2.])
        >>> ember.func.grad(lambda t: t.sin().sum())(x)
        tensor([ 1.0000,  0.5403, -0.4161])
        >>> ember.func.grad(ember.func.grad(ember.sin))(ember.tensor(0.5))
        tensor(-0.4794)
    """
    gv = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g, value = gv(*args, **kwargs)
        return (g, value[1]) if has_aux else g
    return wrapper


def _map_tensors(tree, fn):
    leaves, rebuild = flatten(tree)
    return rebuild([fn(x) if isinstance(x, Tensor) else x for x in leaves])


def vjp(func, *primals, has_aux=False):
    """``(func(*primals), vjp_fn)``; ``vjp_fn(cotangents)`` gives one vector-Jacobian product per primal.

    Example::

        >>> x = ember.tensor([1., 2., 3.])
        >>> out, vjp_fn = ember.func.vjp(lambda t: t ** 2, x)
        >>> out
        tensor([1., 4., 9.])
        >>> vjp_fn(ember.ones(3))
        (tensor([2., 4., 6.]),)
    """
    with _Running(), enable_grad():
        keep = _keep_graph(flatten(primals)[0])
        result, leaves, rebuilds = _tracked_call(func, primals, tuple(range(len(primals))) or 0)
        out, aux = _split_aux(result, has_aux, 'vjp')
        out_leaves, _ = flatten(out)
        for o in out_leaves:
            _check_tensor(o)
    flat_in = [x for group in leaves for x in group]

    def vjp_fn(cotangents, retain_graph=True, create_graph=None):
        cot_leaves, _ = flatten(cotangents)
        if len(cot_leaves) != len(out_leaves):
            raise RuntimeError("Expected pytree structure of cotangents to be the same as pytree structure "
                               "of outputs to the function")
        from ember.ops.creation import zeros_like
        pairs = [(o, c) for o, c in zip(out_leaves, cot_leaves) if o.requires_grad]
        with _Running(), enable_grad():
            deeper = keep or _active[0] > 1 or any(c.requires_grad for c in cot_leaves)
            if pairs:
                gs = _grads([p[0] for p in pairs], flat_in, [p[1] for p in pairs], deeper)
            else:
                gs = [zeros_like(x) for x in flat_in]
        gs = [_finish(g, deeper) for g in gs]
        per_arg, at = [], 0
        for group, rebuild in zip(leaves, rebuilds):
            per_arg.append(rebuild(gs[at:at + len(group)]))
            at += len(group)
        return tuple(per_arg)

    value = _map_tensors(out, lambda t: _finish(t, keep))
    if has_aux:
        return value, vjp_fn, _map_tensors(aux, lambda t: _finish(t, keep))
    return value, vjp_fn


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """``(func(*primals), J @ tangents)``: the Jacobian-vector product, computed exactly.

    Example::

        >>> x = ember.tensor([1., 2., 3.])
        >>> out, tangent = ember.func.jvp(lambda t: t ** 2, (x,), (ember.ones(3),))
        >>> tangent
        tensor([2., 4., 6.])
    """
    if not isinstance(primals, tuple):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it should be valid "
                           "to call f(*primals).")
    if strict:
        raise RuntimeError("jvp(f, primals, tangents, strict=True): strict is not implemented yet.")
    p_leaves, _ = flatten(primals)
    t_leaves, _ = flatten(tangents)
    if not isinstance(tangents, tuple) or len(p_leaves) != len(t_leaves):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to have the same python "
                           "structure. For example, if primals is a tuple of 3 tensors, tangents also must be.")
    for p, t in zip(p_leaves, t_leaves):
        _check_tensor(p)
        _check_tensor(t)
        if tuple(p.shape) != tuple(t.shape):
            raise RuntimeError("Trying to set a forward gradient that has a different size than that of the "
                               f"original Tensor, this is not supported. Tensor is of size {list(p.shape)} while "
                               f"the given forward gradient is of size {list(t.shape)}.")
    with _Running(), enable_grad():
        keep = _keep_graph(p_leaves + t_leaves)
        result, leaves, _ = _forward_mode_call(func, primals, tuple(range(len(primals))) or 0)
        out, aux = _split_aux(result, has_aux, 'jvp')
        out_leaves, rebuild_out = flatten(out)
        flat_in = [x for group in leaves for x in group]
        tangent_out = _jvp_of_graph(out_leaves, flat_in, t_leaves, keep)
    value = rebuild_out([_finish(o, keep) for o in out_leaves])
    tangent = rebuild_out([_finish(t, keep) for t in tangent_out])
    if has_aux:
        return value, tangent, _map_tensors(aux, lambda t: _finish(t, keep))
    return value, tangent


def _grads_or_none(outputs, inputs, cotangents, create_graph):
    if active_levels():
        return _grads(outputs, inputs, cotangents, create_graph)
    return _autograd_grad(outputs, inputs, cotangents, retain_graph=True, create_graph=create_graph,
                          allow_unused=True)


def _jvp_of_graph(outputs, inputs, tangents, keep):
    """J t for an already-recorded graph from ``inputs`` to ``outputs`` (double-vjp)."""
    from ember.ops.creation import zeros_like
    live = [o for o in outputs if _check_tensor(o).requires_grad]
    results = {}
    if live:
        batched = bool(active_levels())
        us = [_track_batched(zeros_like(o)) if batched else zeros_like(o).requires_grad_(True) for o in live]
        g = _grads_or_none(live, inputs, us, True)
        pairs = [(gi, t) for gi, t in zip(g, tangents) if gi is not None and gi.requires_grad]
        if pairs:
            jv = _grads_or_none([p[0] for p in pairs], us, [p[1] for p in pairs], keep)
            for o, j in zip(live, jv):
                if j is not None:
                    results[id(o)] = j
    return [results[id(o)] if id(o) in results else zeros_like(o) for o in outputs]




def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """The Jacobian of ``func`` with respect to the arguments at ``argnums``, one reverse pass per output element.

    The result for an output of shape ``O`` and an input of shape ``I`` has shape ``O + I``.

    Example::

        >>> x = ember.tensor([1., 2.])
        >>> ember.func.jacrev(lambda t: t ** 2)(x)
        tensor([[2., 0.],
                [0., 4.]])
        >>> ember.func.jacrev(lambda a, b: a * b, argnums=(0, 1))(x, ember.tensor([3., 4.]))
        (tensor([[3., 0.],
                [0., 4.]]), tensor([[1., 0.],
                [0., 2.]]))
    """
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")

    @functools.wraps(func)
    def wrapper(*args):
        with _Running(), enable_grad():
            keep = _keep_graph(flatten(args)[0])
            result, leaves, rebuilds = _tracked_call(func, args, argnums)
            out, aux = _split_aux(result, has_aux, 'jacrev')
            out_leaves, rebuild_out = flatten(out)
            flat_in = [x for group in leaves for x in group]
            per_out = [_reverse_jacobian(_check_tensor(o), flat_in, keep) for o in out_leaves]
        jac = rebuild_out([_group(blocks, leaves, rebuilds, argnums) for blocks in per_out])
        if has_aux:
            return jac, _map_tensors(aux, lambda t: _finish(t, keep))
        return jac
    return wrapper


def _group(blocks, leaves, rebuilds, argnums):
    per_arg, at = [], 0
    for group, rebuild in zip(leaves, rebuilds):
        per_arg.append(rebuild(blocks[at:at + len(group)]))
        at += len(group)
    return per_arg[0] if isinstance(argnums, int) else tuple(per_arg)


def _reverse_jacobian(out, inputs, keep):
    from ember.ops.creation import zeros, zeros_like
    from ember.ops.shape import stack
    n = out.numel()
    if not out.requires_grad:
        return [_finish(zeros(tuple(out.shape) + tuple(x.shape), dtype=x.dtype), keep) for x in inputs]
    rows = [[] for _ in inputs]
    flat_out = out.reshape(-1)
    for k in range(n):
        basis = zeros_like(flat_out)
        basis[k] = 1
        gs = _grads([flat_out], inputs, [basis], keep)
        for i, g in enumerate(gs):
            rows[i].append(g)
    blocks = []
    for x, r in zip(inputs, rows):
        full = stack(r) if r else zeros((0,) + tuple(x.shape), dtype=x.dtype)
        blocks.append(_finish(full.reshape(tuple(out.shape) + tuple(x.shape)), keep))
    return blocks


def jacfwd(func, argnums=0, has_aux=False, *, randomness='error'):
    """The Jacobian of ``func`` with respect to the arguments at ``argnums``, one forward product per input element.

    Example::

        >>> x = ember.tensor([1., 2.])
        >>> ember.func.jacfwd(lambda t: t.exp() * 2)(x)
        tensor([[ 5.4366,  0.0000],
                [ 0.0000, 14.7781]])
    """
    if randomness not in ('error', 'different', 'same'):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. "
                           f"Got {randomness}")

    @functools.wraps(func)
    def wrapper(*args):
        from ember.ops.creation import zeros_like, zeros
        from ember.ops.shape import stack
        with _Running(), enable_grad():
            keep = _keep_graph(flatten(args)[0])
            result, leaves, rebuilds = _forward_mode_call(func, args, argnums)
            out, aux = _split_aux(result, has_aux, 'jacfwd')
            out_leaves, rebuild_out = flatten(out)
            flat_in = [x for group in leaves for x in group]
            per_out = [[] for _ in out_leaves]
            for i, x in enumerate(flat_in):
                columns = [[] for _ in out_leaves]
                for k in range(x.numel()):
                    basis = zeros_like(x).reshape(-1)
                    basis[k] = 1
                    tangents = [basis.reshape(x.shape) if j == i else zeros_like(y) for j, y in enumerate(flat_in)]
                    for col, jv in zip(columns, _jvp_of_graph(out_leaves, flat_in, tangents, keep)):
                        col.append(jv)
                for o, blocks, col in zip(out_leaves, per_out, columns):
                    # columns are indexed by the input element: stack last, then move to O + I order
                    if col:
                        full = stack([c.reshape(-1) for c in col], dim=1)
                    else:
                        full = zeros((o.numel(), 0), dtype=o.dtype)
                    blocks.append(_finish(full.reshape(tuple(o.shape) + tuple(x.shape)), keep))
        jac = rebuild_out([_group(blocks, leaves, rebuilds, argnums) for blocks in per_out])
        if has_aux:
            return jac, _map_tensors(aux, lambda t: _finish(t, keep))
        return jac
    return wrapper


def hessian(func, argnums=0):
    """Second derivatives of a scalar-valued ``func``: ``jacfwd(jacrev(func, argnums), argnums)``.

    Example::

        >>> x = ember.tensor([1., 2.])
        >>> ember.func.hessian(lambda t: (t ** 3).sum())(x)
        tensor([[ 6.,  0.],
                [ 0., 12.]])
    """
    return jacfwd(jacrev(func, argnums), argnums)


def linearize(func, *primals):
    """``(func(*primals), jvp_fn)``: ``jvp_fn(*tangents)`` is the Jacobian-vector product at ``primals``.

    ``func`` runs once; each ``jvp_fn`` call is one forward product over the graph recorded then.

    Example::

        >>> x = ember.tensor([1., 2., 3.])
        >>> out, jvp_fn = ember.func.linearize(lambda t: t.sin(), x)
        >>> jvp_fn(ember.ones(3))
        tensor([ 0.5403, -0.4161, -0.9900])
    """
    with _Running(), enable_grad():
        keep = _keep_graph(flatten(primals)[0])
        out, leaves, _ = _forward_mode_call(func, primals, tuple(range(len(primals))) or 0)
        out_leaves, rebuild_out = flatten(out)
    flat_in = [x for group in leaves for x in group]

    def jvp_fn(*tangents):
        t_leaves, _ = flatten(tangents)
        if len(t_leaves) != len(flat_in):
            raise RuntimeError("linearize: Expected the tangents to have the same structure as the primals.")
        for p, t in zip(flat_in, t_leaves):
            if tuple(p.shape) != tuple(_check_tensor(t).shape):
                raise RuntimeError(f"linearize: Expected tangent of shape {tuple(p.shape)}, got {tuple(t.shape)}.")
        with _Running(), enable_grad():
            deeper = keep or _active[0] > 1 or any(t.requires_grad for t in t_leaves)
            result = _jvp_of_graph(out_leaves, flat_in, t_leaves, deeper)
        return rebuild_out([_finish(r, deeper) for r in result])

    return rebuild_out([_finish(o, keep) for o in out_leaves]), jvp_fn
