"""``vmap``: map a function over a batch dimension of its inputs.

ember has no batching rules yet: vmap calls the function once per batch element (slicing each
mapped input along its ``in_dim``) and stacks the results along ``out_dims``. Results equal
PyTorch's; the cost is one Python call per element. Every op therefore takes this fallback; as in
PyTorch, the fallback's performance warning is off unless enabled with
``ember.func._set_vmap_fallback_warning_enabled(True)``.
"""
import functools
import warnings

from ember._tensor import Tensor
from ember.func._tree import flatten

_fallback_warning = [False]


def _set_vmap_fallback_warning_enabled(enabled):
    """Warn on every vmap call that it runs as a per-element loop (off by default, as in PyTorch)."""
    _fallback_warning[0] = bool(enabled)


def _name(func):
    return getattr(func, '__name__', repr(func))


def _broadcast_dims(dims, tree, what, label):
    """One dim (int or None) per tensor leaf of ``tree``, ``dims`` being a prefix structure of it."""
    if dims is None or (isinstance(dims, int) and not isinstance(dims, bool)):
        return [dims] * len(flatten(tree)[0])
    if isinstance(dims, (tuple, list)):
        if not isinstance(tree, (tuple, list)) or len(tree) != len(dims):
            raise ValueError(f"{label}: {what} is not compatible with the structure of `{what.split('_')[0]}puts`.")
        out = []
        for d, sub in zip(dims, tree):
            out.extend(_broadcast_dims(d, sub, what, label))
        return out
    if isinstance(dims, dict) and isinstance(tree, dict) and set(dims) == set(tree):
        out = []
        for k in tree:
            out.extend(_broadcast_dims(dims[k], tree[k], what, label))
        return out
    raise ValueError(f"{label}: expected `{what}` to be int or a (potentially nested) tuple matching the structure "
                     f"of {what.split('_')[0]}puts, got: {type(dims)}.")


def vmap(func, in_dims=0, out_dims=0, randomness='error', *, chunk_size=None):
    """Vectorise ``func`` over dimension ``in_dims`` of its inputs, stacking results along ``out_dims``.

    ``in_dims``: an int or None per argument (nested like the arguments), None meaning "not mapped".
    ``randomness``: ``'error'`` raises if ``func`` draws random numbers, ``'different'`` draws fresh
    numbers per element, ``'same'`` repeats the same draws for every element.
    ``chunk_size``: how many elements are processed per chunk (results do not depend on it).
    """
    if randomness not in ('error', 'different', 'same'):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got {randomness}")
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        label = f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>)"
        if isinstance(in_dims, (tuple, list)) and len(in_dims) != len(args):
            raise ValueError(f"{label}: in_dims is not compatible with the structure of `inputs`.")
        dims_tree = in_dims if isinstance(in_dims, (tuple, list)) else (in_dims,) * len(args)
        leaves, rebuild = flatten(list(args))
        dims = _broadcast_dims(list(dims_tree), list(args), 'in_dims', label)
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
        if _fallback_warning[0]:
            warnings.warn(f"There is a performance drop because ember has no batching rules yet: vmap runs "
                          f"{_name(func)} once per batch element ({size} calls).", UserWarning, stacklevel=2)
        results = _run(func, args, kwargs, leaves, dims, rebuild, size, randomness, chunk_size)
        return _stack_outputs(func, results, out_dims)
    return wrapper


def _rng_state():
    from ember.ops.random import get_rng_state
    return get_rng_state()


def _run(func, args, kwargs, leaves, dims, rebuild, size, randomness, chunk_size):
    from ember.ops.random import set_rng_state
    results = []
    start_state = _rng_state() if randomness != 'different' else None
    step = chunk_size or size
    for lo in range(0, size, step):
        for i in range(lo, min(lo + step, size)):
            sample = [x if d is None else x.select(d, i) for x, d in zip(leaves, dims)]
            if randomness == 'same':
                set_rng_state(start_state)
            results.append(func(*rebuild(sample), **kwargs))
            if randomness == 'error' and not _same_state(_rng_state(), start_state):
                set_rng_state(start_state)
                raise RuntimeError("vmap: called random operation while in randomness error mode. Please either "
                                   "use the 'same' or 'different' randomness flags on vmap or perform the "
                                   "randomness operation out of vmap")
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
    if isinstance(out_dims, (tuple, list)) and not isinstance(results[0], (tuple, list)):
        raise ValueError(f"vmap({_name(func)}, ..., out_dims={out_dims})(<inputs>): out_dims is not compatible with "
                         "the structure of `outputs`.")
    dims = _broadcast_dims(out_dims, results[0], 'out_dims', label)
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
