"""``x[key]`` inside vmap when the key holds batched index tensors (each element its own indices).

The key is parsed outside any op, so it cannot go through a batching rule: ``getitem`` sends such
keys here. Integer index tensors (and ints) with slices before and after them are computed at once:
an ``arange`` over the batch joins the key as one more index tensor, so each element reads its own
slice of the physical tensor. Other keys (boolean masks, lists, ``None``, ``...``) run the function
as the per-element loop.
"""
from ember._tensor import Tensor
from ember.func._batched_tensor import BatchedTensor, Unbatchable, active_levels, batch_first, batched


def has_batched(key):
    """Whether ``key`` (one index or a tuple of them) holds a batched tensor."""
    if type(key) is BatchedTensor:
        return True
    return type(key) is tuple and any(type(k) is BatchedTensor for k in key)


def getitem(x, key):
    """``x[key]`` for a key with batched index tensors."""
    key = key if type(key) is tuple else (key,)
    if any(type(k) is BatchedTensor and k.dtype.name in ('bool', 'uint8') for k in key):
        raise RuntimeError("vmap: We do not support batching operators that can support dynamic shape. Attempting "
                           "to batch over indexing with a boolean mask.")
    level = max(a.level for a in (x,) + key if type(a) is BatchedTensor)
    size = active_levels()[level - 1][1]
    kinds = ''.join(_kind(k) for k in key)
    lead = len(kinds) - len(kinds.lstrip('s'))
    if kinds.strip('s').count('s') or 't' not in kinds:
        raise Unbatchable()      # advanced indices split by slices, or another kind of key
    tensors = [k for k in key if isinstance(k, Tensor)]
    rank = max(t.dim() for t in tensors)
    from ember.ops.creation import arange
    batch_index = arange(size, device=x.device).reshape((size,) + (1,) * rank)
    phys_key = [batch_index]
    for k in key:
        p = batch_first(k, level) if isinstance(k, Tensor) else None
        phys_key.append(k if p is None else p.reshape((size,) + (1,) * (rank - k.dim()) + tuple(p.shape[1:])))
    px = batch_first(x, level)
    px = x.unsqueeze(0).expand(size, *x.shape) if px is None else px
    out = px[tuple(phys_key)]
    if lead:
        # the batch index and the key's tensors are apart: their dims came first; the leading sliced
        # dims go back in front of them, as in each element's own result
        order = [0] + list(range(rank + 1, rank + 1 + lead)) + list(range(1, rank + 1))
        out = out.permute(order + list(range(len(order), out.dim())))
    return batched(out, 0, level)


def _kind(k):
    if isinstance(k, slice):
        return 's'
    if isinstance(k, Tensor) and not k.dtype.is_floating_point and k.dtype.name not in ('bool', 'uint8'):
        return 't'
    if isinstance(k, int) and not isinstance(k, bool):
        return 'i'
    return '?'
