"""``vmap``: map a function over a batch dimension of its inputs.

vmap runs the function once, on :class:`~ember.func._batched_tensor.BatchedTensor` inputs that
carry the batch as a hidden dimension; each op called with one goes through its batching rule
(:mod:`ember.func._batching_rules`), which computes the whole batch with ordinary ember ops. An op
without a rule runs as a loop over the batch, and a function that reads a batched tensor's values
outside any op is rerun as the per-element loop (one call per element, results stacked), so results
never depend on which path ran. As in PyTorch, the fallbacks' performance warning is off unless
enabled with ``ember.func._set_vmap_fallback_warning_enabled(True)``.
"""
import functools
import warnings

from ember._tensor import Tensor
from ember.autograd import _op_observers as _observe
from ember.func import _batching_rules, _value_ops
from ember.func._batched_tensor import BatchedTensor, Unbatchable, batched, active_levels
from ember.func._tree import flatten, treespec

_fallback_warning = _batching_rules._fallback_warning


def _set_vmap_fallback_warning_enabled(enabled):
    """Warn whenever vmap runs an op, or a whole function, as a loop over the batch (off by default,
    as in PyTorch)."""
    _fallback_warning[0] = bool(enabled)


def _name(func):
    return getattr(func, '__name__', repr(func))


class _Mismatch(Exception):
    """``in_dims``/``out_dims`` do not match the structure of the inputs/outputs."""


def _incompatible(label, what, dims, tree):
    side = what.split('_')[0] + 'puts'
    return ValueError(f"{label}: {what} is not compatible with the structure of `{side}`. {what} has structure "
                      f"{treespec(dims)} but {side} has structure {treespec(tree)}.")


def _dims_per_leaf(dims, tree, what, label):
    """:func:`_broadcast_dims` with PyTorch's message (both structures) when they do not match."""
    try:
        return _broadcast_dims(dims, tree, what, label)
    except _Mismatch:
        raise _incompatible(label, what, dims, tree) from None


def _broadcast_dims(dims, tree, what, label):
    """One dim (int or None) per tensor leaf of ``tree``, ``dims`` being a prefix structure of it."""
    if dims is None or (isinstance(dims, int) and not isinstance(dims, bool)):
        return [dims] * len(flatten(tree)[0])
    if isinstance(dims, (tuple, list)):
        if not isinstance(tree, (tuple, list)) or len(tree) != len(dims):
            raise _Mismatch()
        out = []
        for d, sub in zip(dims, tree):
            out.extend(_broadcast_dims(d, sub, what, label))
        return out
    if isinstance(dims, dict) and isinstance(tree, dict):
        if set(dims) != set(tree):
            raise _Mismatch()
        out = []
        for k in tree:
            out.extend(_broadcast_dims(dims[k], tree[k], what, label))
        return out
    raise ValueError(f"{label}: expected `{what}` to be int or a (potentially nested) tuple matching the structure "
                     f"of {what.split('_')[0]}puts, got: {type(dims)}.")


def vmap(func, in_dims=0, out_dims=0, randomness='error', *, chunk_size=None):
    """Vectorise ``func`` over dimension ``in_dims`` of its inputs, stacking results along ``out_dims``.

    ``func`` runs once, on tensors that carry the batch as a hidden dimension (inside, shapes are
    those of one element), so the batch is computed by each op at once; composes with ``grad``
    (``vmap(grad(f))`` gives per-sample gradients) and with itself.

    ``in_dims``: an int or None per argument (nested like the arguments), None meaning "not mapped".
    ``randomness``: ``'error'`` raises if ``func`` draws random numbers, ``'different'`` draws fresh
    numbers per element, ``'same'`` repeats the same draws for every element.
    ``chunk_size``: how many elements are processed per chunk (results do not depend on it).

    Example::

        >>> x = ember.tensor([[1., 2.], [3., 4.]])
        >>> ember.func.vmap(lambda row: row @ row)(x)
        tensor([ 5., 25.])
        >>> ember.func.vmap(ember.func.grad(lambda row: (row ** 2).sum()))(x)
        tensor([[2., 4.],
                [6., 8.]])
    """
    if randomness not in ('error', 'different', 'same'):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got {randomness}")
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        label = f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>)"
        if isinstance(in_dims, (tuple, list)) and len(in_dims) != len(args):
            raise _incompatible(label, 'in_dims', in_dims, args)
        dims_tree = in_dims if isinstance(in_dims, (tuple, list)) else (in_dims,) * len(args)
        leaves, rebuild = flatten(list(args))
        try:
            dims = _broadcast_dims(list(dims_tree), list(args), 'in_dims', label)
        except _Mismatch:
            raise _incompatible(label, 'in_dims', in_dims, args) from None
        size = None
        sizes = []
        for x, d in zip(leaves, dims):
            if d is None:
                continue
            if not isinstance(x, Tensor):
                raise ValueError(f"{label}: Got in_dim={d} for an input but the input is of type {type(x)}. We cannot "
                                 "vmap over non-Tensor arguments, please use None as the respective in_dim")
            n = x.dim()
            if not -n <= d < n:
                raise ValueError(f"{label}: Got in_dim={d} for some input, but that input is a Tensor of dimensionality "
                                 f"{n} so expected in_dim to satisfy -{n} <= in_dim < {n}.")
            sizes.append(x.shape[d])
        if not sizes:
            raise ValueError(f"{label}: at least one input must be a Tensor mapped over a dimension (in_dim not None)")
        if len(set(sizes)) > 1:
            raise ValueError("vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                             f"{sizes} for the mapped dimension")
        size = sizes[0]
        dims = [d if d is None else d % x.dim() for x, d in zip(leaves, dims)]
        step = chunk_size or size
        if step >= size:
            return _vectorized(func, kwargs, leaves, dims, rebuild, size, randomness, out_dims)
        chunks = []
        for lo in range(0, size, step):
            n = min(step, size - lo)
            part = [x if d is None else x.narrow(d, lo, n) for x, d in zip(leaves, dims)]
            chunks.append(_vectorized(func, kwargs, part, dims, rebuild, n, randomness, out_dims))
        return _concat_chunks(func, chunks, out_dims)
    return wrapper


def _vectorized(func, kwargs, leaves, dims, rebuild, size, randomness, out_dims):
    """One call of ``func`` on batched inputs; the per-element loop when that cannot be done."""
    from ember.ops.random import set_rng_state
    start_state = _rng_state()
    level = len(active_levels()) + 1
    try:
        with _Level(level, size):
            inputs = [x if d is None else batched(x, d, level) for x, d in zip(leaves, dims)]
            out = func(*rebuild(inputs), **kwargs)
            drew = not _same_state(_rng_state(), start_state)
            if not drew or randomness == 'same':
                return _unwrap_outputs(func, out, out_dims, level, size)
    except Unbatchable:
        drew = False
    if drew and randomness == 'error':
        set_rng_state(start_state)
        raise RuntimeError(_RANDOM_ERROR)
    set_rng_state(start_state)
    if _fallback_warning[0]:
        warnings.warn(f"There is a performance drop because vmap could not batch {_name(func)}: it runs once per "
                      f"batch element ({size} calls).", UserWarning, stacklevel=3)
    results = _run(func, kwargs, leaves, dims, rebuild, size, randomness)
    return _stack_outputs(func, results, out_dims)


_RANDOM_ERROR = ("vmap: called random operation while in randomness error mode. Please either use the 'same' or "
                 "'different' randomness flags on vmap or perform the randomness operation out of vmap")


class _Level:
    """One running vmap: its level pushed, and the batched dispatch installed while any vmap runs."""

    def __init__(self, level, size):
        self.entry = (level, size)

    def __enter__(self):
        levels = active_levels()
        if not levels:
            _install()
        levels.append(self.entry)

    def __exit__(self, *exc):
        levels = active_levels()
        levels.pop()
        if not levels:
            _uninstall()


class _Batching(_observe.OpObserver):
    """Runs op calls and in-place writes that have batched tensors by their batching rules."""

    @staticmethod
    def op(proceed, cls, args, kwargs):
        level = 0
        for a in args:
            if type(a) is BatchedTensor and a.level > level:
                level = a.level
        if not level:
            return proceed(cls, *args, **kwargs)
        if cls._setup_style:
            # a Function with setup_context applies its own vmap rule, or generate_vmap_rule's: its forward
            # on the batched tensors. Where gradients are wanted through a generated rule, it runs once per
            # example instead (the batched run would record no node), as vmap's meaning is that map
            if cls.generate_vmap_rule and _grad_wanted(args, level):
                return _batching_rules._loop(cls, args, kwargs, level, active_levels()[level - 1][1], proceed)
            return proceed(cls, *args, **kwargs)
        return _batching_rules.dispatch(cls, args, kwargs, level, active_levels()[level - 1][1], proceed)

    @staticmethod
    def inplace(proceed, t, args, kwargs):
        compute, args = args[0], args[1:]
        level = max([a.level for a in (t,) + args if type(a) is BatchedTensor] or [0])
        if not level:
            return proceed(t, compute, *args, **kwargs)
        return _inplace(t, compute, args, level)


_BATCHING = _Batching()


def _grad_wanted(args, level):
    from ember._grad_state import state
    return state.enabled and any(type(a) is BatchedTensor and a.level == level and a.value.requires_grad
                                 for a in args)


def _install():
    _observe.add(_BATCHING)
    _value_ops.install()


def _uninstall():
    _observe.remove(_BATCHING)
    _value_ops.uninstall()


_INPLACE_ERROR = ("vmap: inplace arithmetic(self, *extra_args) is not possible because there exists a Tensor `other` "
                  "in extra_args that has more elements than `self`. This happened due to `other` being vmapped over "
                  "but `self` not being vmapped over in a vmap. Please try to use out-of-place operators instead of "
                  "inplace arithmetic. If said operator is being called inside the PyTorch framework, please file a "
                  "bug report instead.")


def _inplace(t, compute, args, level):
    """An in-place op with batched tensors: computed out of place, written into ``t``'s physical value."""
    if not (type(t) is BatchedTensor and t.level == level):
        raise RuntimeError(_INPLACE_ERROR)
    res = compute(t, *args)
    if tuple(res.shape) != tuple(t.shape):
        raise RuntimeError(f"output with shape {list(t.shape)} doesn't match the broadcast shape {list(res.shape)}")
    if type(res) is BatchedTensor and res.level == level:
        phys = res.value.movedim(res.bdim, t.bdim)
    else:
        phys = res.unsqueeze(t.bdim).expand(*t.value.shape)
    t.value.copy_(phys)
    return t


def _unwrap_outputs(func, out, out_dims, level, size):
    """The function's outputs with their batch moved to ``out_dims`` (unbatched ones expanded)."""
    leaves, rebuild = flatten(out)
    label = f"vmap({_name(func)}, ...)"
    dims = _out_dims_per_leaf(func, out_dims, out)
    result = []
    for x, d in zip(leaves, dims):
        is_batched = type(x) is BatchedTensor and x.level == level
        if d is None:
            if is_batched:
                raise ValueError(f"{label}: `{_name(func)}` can not return a BatchedTensor when out_dim is None")
            result.append(x)
            continue
        if not isinstance(x, Tensor):
            raise ValueError(f"{label}: `{_name(func)}` must only return Tensors, got type {type(x)}. Did you mean to "
                             "set out_dims= to None for output?")
        if is_batched:
            # (already where it is asked for: the tensor itself, no permute node, as PyTorch's)
            at = d + x.value.ndim if d < 0 else d
            result.append(x.value if x.bdim == at else x.value.movedim(x.bdim, d))
        else:
            result.append(x.unsqueeze(d).expand(*_expanded_shape(x, d, size)))
    return rebuild(result)


def _out_dims_per_leaf(func, out_dims, out):
    label = f"vmap({_name(func)}, ..., out_dims={out_dims})(<inputs>)"
    if isinstance(out_dims, (tuple, list)) and not isinstance(out, (tuple, list)):
        raise _incompatible(label, 'out_dims', out_dims, out)
    return _dims_per_leaf(out_dims, out, 'out_dims', label)


def _expanded_shape(x, d, size):
    shape = list(x.shape)
    shape.insert(d % (len(shape) + 1), size)
    return shape


def _concat_chunks(func, chunks, out_dims):
    from ember.ops.shape import cat
    first, rebuild = flatten(chunks[0])
    dims = _out_dims_per_leaf(func, out_dims, chunks[0])
    per_chunk = [flatten(c)[0] for c in chunks]
    return rebuild([first[i] if d is None else cat([c[i] for c in per_chunk], dim=d) for i, d in enumerate(dims)])


def _rng_state():
    from ember.ops.random import get_rng_state
    return get_rng_state()


def _run(func, kwargs, leaves, dims, rebuild, size, randomness):
    """The per-element loop: ``func`` on each element's slice of the mapped inputs."""
    from ember.ops.random import set_rng_state
    results = []
    start_state = _rng_state()
    for i in range(size):
        sample = [x if d is None else x.select(d, i) for x, d in zip(leaves, dims)]
        if randomness == 'same':
            set_rng_state(start_state)
        results.append(func(*rebuild(sample), **kwargs))
        if randomness == 'error' and not _same_state(_rng_state(), start_state):
            set_rng_state(start_state)
            raise RuntimeError(_RANDOM_ERROR)
    return results


def _same_state(a, b):
    return a.shape == b.shape and bool((a == b).all())


def _stack_outputs(func, results, out_dims):
    from ember.ops.shape import stack
    first_leaves, rebuild = flatten(results[0])
    per_leaf = [[] for _ in first_leaves]
    for r in results:
        leaves, _ = flatten(r)
        for slot, x in zip(per_leaf, leaves):
            slot.append(x)
    label = f"vmap({_name(func)}, ...)"
    dims = _out_dims_per_leaf(func, out_dims, results[0])
    out = []
    for values, d in zip(per_leaf, dims):
        if d is None:
            if any(not _equal(values[0], v) for v in values[1:]):
                raise ValueError(f"{label}: `{_name(func)}` can not return a BatchedTensor when out_dim is None")
            out.append(values[0])
            continue
        if not all(isinstance(v, Tensor) for v in values):
            bad = next(type(v) for v in values if not isinstance(v, Tensor))
            raise ValueError(f"{label}: `{_name(func)}` must only return Tensors, got type {bad}. Did you mean to set "
                             "out_dims= to None for output?")
        out.append(stack(values, dim=d))
    return rebuild(out)


def _equal(a, b):
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        return a.shape == b.shape and bool((a == b).all())
    return a is b or a == b
