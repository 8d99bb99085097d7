"""Operations a DTensor computes on its local pieces, without gathering: for each, the layouts it accepts and
the layout of its result (PyTorch's sharding rules for the operations tensor parallelism is made of).

A rule receives the call and returns the result, or ``None`` when the arguments' layouts are not ones it
computes locally (the caller then gathers every DTensor and computes on whole tensors). Replicate inputs of a
result that differs between ranks have their gradients summed over the ranks in the backward (see
``_redistribute``), so every rule is differentiable as its local computation is.
"""
import ember
from ember.distributed.tensor._redistribute import _Partition, sum_gradients_over
from ember.distributed.tensor.placement_types import Partial, Replicate, Shard

__all__ = ['RULES']


def _bind(args, kwargs, names, defaults):
    values = dict(zip(names, args))
    values.update(kwargs)
    return [values.get(n, defaults.get(n)) for n in names]


def _is_dt(x):
    from ember.distributed.tensor._api import DTensor
    return isinstance(x, DTensor)


def local_input(d, out_placements):
    """``d``'s local piece for computing a result laid out by ``out_placements``."""
    from ember.distributed.tensor._api import local_of
    local = local_of(d)
    dims = [m for m, (p, q) in enumerate(zip(d._spec.placements, out_placements))
            if isinstance(p, Replicate) and not isinstance(q, Replicate)]
    return sum_gradients_over(local, d._spec.mesh, dims)


def _result(local, mesh, placements, shape):
    from ember.distributed.tensor._api import _Spec, wrap
    return wrap(local, _Spec(mesh, placements, shape))


def _same_mesh(*dts):
    return all(d._spec.mesh is dts[0]._spec.mesh for d in dts)


def _linear(func, args, kwargs):
    x, w, b = _bind(args, kwargs, ('input', 'weight', 'bias'), {})
    given = [t for t in (x, w, b) if t is not None]
    if not (_is_dt(x) and _is_dt(w) and (b is None or _is_dt(b))) or not _same_mesh(*given):
        return None
    if w.dim() != 2 or x.dim() < 1:
        return None
    mesh = x._spec.mesh
    last = x.dim() - 1
    out_shape = tuple(x.shape[:-1]) + (w.shape[0],)
    placements, divide_bias = [], []
    for m in range(mesh.ndim):
        px, pw = x._spec.placements[m], w._spec.placements[m]
        pb = b._spec.placements[m] if b is not None else Replicate()
        if isinstance(pw, Replicate) and isinstance(pb, Replicate):
            if isinstance(px, Shard) and px.dim != last:
                placements.append(px)               # rows split: each rank computes its rows
            elif isinstance(px, Replicate):
                placements.append(Replicate())
            elif isinstance(px, Partial) and px.reduce_op == 'sum':
                placements.append(px)               # linear in the input: the bias is shared out below
                divide_bias.append(m)
            else:
                return None
        elif pw == Shard(0) and isinstance(px, Replicate) and (b is None or pb == Shard(0)):
            placements.append(Shard(last))          # column parallel: each rank computes its output features
        elif pw == Shard(1) and px == Shard(last) and isinstance(pb, Replicate):
            placements.append(Partial())            # row parallel: each rank sums over its input features
            divide_bias.append(m)
        else:
            return None
    placements = tuple(placements)
    lx, lw = local_input(x, placements), local_input(w, placements)
    lb = None
    if b is not None:
        from ember.distributed.tensor._api import local_of
        # a bias replicated beside a result split by rows gets its gradient summed over the ranks; beside a
        # Partial result it is shared out (each rank adds its 1/n, as PyTorch does), its gradient whole
        spread = [m for m in range(mesh.ndim) if isinstance(b._spec.placements[m], Replicate)
                  and not isinstance(placements[m], Replicate) and m not in divide_bias]
        lb = sum_gradients_over(local_of(b), mesh, spread)
        for m in divide_bias:
            lb = _Partition.apply(lb, mesh, m)
    out = ember.nn.functional.linear(lx, lw, lb)
    return _result(out, mesh, placements, out_shape)


def _matmul(func, args, kwargs):
    a, b = _bind(args, kwargs, ('input', 'other'), {})
    if not (_is_dt(a) and _is_dt(b)) or not _same_mesh(a, b) or b.dim() != 2 or a.dim() < 2:
        return None
    mesh = a._spec.mesh
    last = a.dim() - 1
    placements = []
    for pa, pb in zip(a._spec.placements, b._spec.placements):
        if isinstance(pb, Replicate) and (isinstance(pa, Replicate) or (isinstance(pa, Shard) and pa.dim != last)
                                           or (isinstance(pa, Partial) and pa.reduce_op == 'sum')):
            placements.append(pa)
        elif isinstance(pa, Replicate) and pb == Shard(1):
            placements.append(Shard(last))
        elif pa == Shard(last) and pb == Shard(0):
            placements.append(Partial())
        else:
            return None
    placements = tuple(placements)
    out = ember.matmul(local_input(a, placements), local_input(b, placements))
    return _result(out, mesh, placements, tuple(a.shape[:-1]) + (b.shape[1],))


def _embedding(func, args, kwargs):
    idx, w, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse = _bind(
        args, kwargs, ('input', 'weight', 'padding_idx', 'max_norm', 'norm_type', 'scale_grad_by_freq', 'sparse'),
        {'norm_type': 2.0, 'scale_grad_by_freq': False, 'sparse': False})
    if not _is_dt(w) or w.dim() != 2 or max_norm is not None or sparse:
        return None
    if not _is_dt(idx) or idx._spec.mesh is not w._spec.mesh or \
            any(not isinstance(p, Replicate) for p in idx._spec.placements):
        return None
    idx = idx.to_local()
    mesh = w._spec.mesh
    out_shape = tuple(idx.shape) + (w.shape[1],)
    last = idx.dim()
    placements = []
    for m, p in enumerate(w._spec.placements):
        if isinstance(p, Replicate):
            placements.append(Replicate())
        elif p == Shard(1):
            placements.append(Shard(last))
        elif p == Shard(0) and padding_idx is None and mesh.ndim == 1:
            placements.append(Partial())
        else:
            return None
    placements = tuple(placements)
    lw = local_input(w, placements)
    F = ember.nn.functional
    if Partial() not in placements:
        out = F.embedding(idx, lw, padding_idx, None, norm_type, scale_grad_by_freq, sparse)
        return _result(out, mesh, placements, out_shape)
    # rows split over the ranks: each looks up the indices in its rows and gives zeros for the rest,
    # so that the sum over the ranks is the lookup
    from ember.distributed.tensor._layout import shard_range
    start, length = shard_range(w.shape[0], mesh.size(0), mesh.get_coordinate()[0])
    mine = (idx >= start) & (idx < start + length)
    local_idx = ember.where(mine, idx - start, ember.zeros_like(idx))
    out = F.embedding(local_idx, lw, None, None, norm_type, scale_grad_by_freq, sparse)
    out = out * mine.unsqueeze(-1).to(out.dtype)
    return _result(out, mesh, placements, out_shape)


def _sum(func, args, kwargs):
    x, dim, keepdim, dtype = _bind(args, kwargs, ('input', 'dim', 'keepdim', 'dtype'), {'keepdim': False})
    if not _is_dt(x):
        return None
    nd = x.dim()
    dims = tuple(range(nd)) if dim is None or dim == () or dim == [] else \
        tuple(d % nd for d in (dim if isinstance(dim, (tuple, list)) else (dim,))) if nd else ()
    kept = [d for d in range(nd) if d not in dims]
    placements = []
    for p in x._spec.placements:
        if isinstance(p, Shard):
            placements.append(Partial() if p.dim in dims else Shard(p.dim if keepdim else kept.index(p.dim)))
        elif isinstance(p, Partial) and p.reduce_op != 'sum':
            return None
        else:
            placements.append(p)
    placements = tuple(placements)
    local = local_input(x, placements)
    kw = {} if dtype is None else {'dtype': dtype}
    if dim is None:
        out = ember.sum(local, **kw)
    else:
        out = ember.sum(local, dim, keepdim=keepdim, **kw)
    shape = tuple(1 if d in dims else x.shape[d] for d in range(nd)) if keepdim else tuple(x.shape[d] for d in kept)
    return _result(out, x._spec.mesh, placements, shape)


def _norm_over_last(func, args, kwargs, names):
    bound = dict(zip(names, args))
    bound.update(kwargs)
    x, shape = bound.get('input'), bound.get('normalized_shape')
    if not _is_dt(x) or shape is None:
        return None
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    normed = range(x.dim() - len(shape), x.dim())
    for p in x._spec.placements:
        if isinstance(p, Partial) or (isinstance(p, Shard) and p.dim in normed):
            return None
    params = [n for n in ('weight', 'bias') if bound.get(n) is not None]
    for n in params:
        t = bound[n]
        if not _is_dt(t) or t._spec.mesh is not x._spec.mesh or \
                any(not isinstance(p, Replicate) for p in t._spec.placements):
            return None
    placements = x._spec.placements
    for n in ('input', *params):
        bound[n] = local_input(bound[n], placements)
    out = func(**bound)
    return _result(out, x._spec.mesh, placements, tuple(x.shape))


def _layer_norm(func, args, kwargs):
    return _norm_over_last(func, args, kwargs, ('input', 'normalized_shape', 'weight', 'bias', 'eps'))


def _rms_norm(func, args, kwargs):
    return _norm_over_last(func, args, kwargs, ('input', 'normalized_shape', 'weight', 'eps'))


def _view_dims(in_shape, out_shape):
    """{input dim: (output dim, how)} for the dimensions a reshape keeps whole (``how`` 'kept'), puts first
    in a merged dimension ('merged': the output dimension is this one times the ones after it) or splits
    into several, the output dimension being the first of them ('split')."""
    def prefixes(shape):
        out, n = [], 1
        for size in shape:
            out.append(n)
            n *= size
        return out
    pin, pout = prefixes(in_shape), prefixes(out_shape)
    found = {}
    for d, size in enumerate(in_shape):
        if size == 1:
            continue
        for k, osize in enumerate(out_shape):
            if pout[k] != pin[d] or osize == 1:
                continue
            if osize == size:
                found[d] = (k, 'kept')
            elif osize % size == 0:
                found[d] = (k, 'merged')
            elif size % osize == 0:
                found[d] = (k, 'split')
            break
    return found


def _moved_dims(placements, mapping):
    out = []
    for p in placements:
        if isinstance(p, Shard):
            if p.dim not in mapping:
                return None
            out.append(Shard(mapping[p.dim]))
        else:
            out.append(p)
    return tuple(out)


def _reshape(func, args, kwargs):
    """view / reshape / flatten: a split dimension must come through whole."""
    x = args[0] if args else kwargs.get('input')
    if not _is_dt(x):
        return None
    rest = args[1:]
    if any(isinstance(a, ember.dtype) for a in (*rest, *kwargs.values())):
        return None                 # a view as another dtype: not a reshape
    meta = ember.empty(tuple(x.shape), dtype=x.dtype, device='meta')
    out_shape = tuple(func(meta, *rest, **kwargs).shape)
    dims = _view_dims(tuple(x.shape), out_shape)
    mesh = x._spec.mesh
    for m, p in enumerate(x._spec.placements):
        if not isinstance(p, Shard) or p.dim not in dims:
            continue
        k, how = dims[p.dim]
        n = mesh.size(m)
        # a split dimension merged with later ones, or cut into several, stays split only in even pieces
        if how == 'merged' and x.shape[p.dim] % n:
            raise RuntimeError(f"Cannot flatten unevenly sharded tensor: dimension {p.dim} (size {x.shape[p.dim]}) "
                               f"is not evenly divisible by mesh dimension {m} (size {n}). Please redistribute the "
                               "tensor before this operation.")
        if how == 'split' and out_shape[k] % n:
            raise RuntimeError(f"Cannot unflatten unevenly sharded tensor: output dimension 0 (size {out_shape[k]}) "
                               f"is not evenly divisible by mesh dimension {m} (size {n}). Please redistribute the "
                               "tensor before this operation.")
    placements = _moved_dims(x._spec.placements, {d: k for d, (k, _) in dims.items()})
    if placements is None:
        return None
    local_shape = list(out_shape)
    for m, (p, q) in enumerate(zip(x._spec.placements, placements)):
        if isinstance(p, Shard):
            if dims[p.dim][1] == 'split':
                local_shape[q.dim] = out_shape[q.dim] // mesh.size(m)
            else:
                local_shape[q.dim] = out_shape[q.dim] // x.shape[p.dim] * x._data.shape[p.dim]
    local = local_input(x, placements)
    out = local.view(local_shape) if getattr(func, '__name__', '') == 'view' else local.reshape(local_shape)
    return _result(out, x._spec.mesh, placements, out_shape)


def _transpose(func, args, kwargs):
    name = getattr(func, '__name__', '')
    x = args[0] if args else kwargs.get('input')
    if not _is_dt(x):
        return None
    nd = x.dim()
    if name == 't':
        order = list(range(nd))[::-1]
    elif name == 'permute':
        dims = args[1:] if len(args) > 2 or not isinstance(args[1], (list, tuple)) else args[1]
        dims = kwargs.get('dims', dims)
        order = [d % nd for d in dims]
    else:
        d0, d1 = _bind(args[1:], kwargs, ('dim0', 'dim1'), {})
        order = list(range(nd))
        order[d0 % nd], order[d1 % nd] = order[d1 % nd], order[d0 % nd]
    mapping = {src: dst for dst, src in enumerate(order)}
    placements = _moved_dims(x._spec.placements, mapping)
    out = local_input(x, placements).permute(order)
    return _result(out, x._spec.mesh, placements, tuple(x.shape[d] for d in order))


RULES = {'linear': _linear, 'matmul': _matmul, 'mm': _matmul, '__matmul__': _matmul, 'embedding': _embedding,
         'sum': _sum, 'layer_norm': _layer_norm, 'rms_norm': _rms_norm,
         'view': _reshape, 'reshape': _reshape, 'flatten': _reshape,
         't': _transpose, 'transpose': _transpose, 'swapaxes': _transpose, 'permute': _transpose}


def _add_loss_rules():
    from ember.distributed.tensor.parallel import loss
    RULES.update(loss.RULES)


_add_loss_rules()
