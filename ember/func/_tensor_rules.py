"""Batching rules for indexing/scattering, shape and reduction ops, FFTs, complex views and matrix
functions that :mod:`ember.func._batching_rules` does not cover.

Each rule gets the op's arguments as called (batched tensors among them) and returns the physical
result with the batch at dimension 0, or ``NotImplemented`` to let the op run as a loop.
"""
from ember.func._batched_tensor import batch_first
from ember.func._batching_rules import (_batched_or_expanded as _full, _is_batched, _only_first, _pad, _shift,
                                       batch_leading, dims_at, elementwise)


def scatter(cls, args, kwargs, level, size):
    """``Scatter*(x, dim, index, src, reduce)`` / ``ScatterReduce(..., include_self)`` / ``IndexCopy(x, dim,
    index, src)``: every tensor batch-first (the result takes the input's shape, so it is always batched)."""
    from ember._tensor import Tensor
    x, dim, index, src = args[:4]
    if cls.__name__ == 'IndexCopy' and _is_batched(index, level):
        return NotImplemented          # a 1-D index per element: not one index for the batch
    psrc = _full(src, level, size) if isinstance(src, Tensor) else src
    pindex = index if cls.__name__ == 'IndexCopy' else _full(index, level, size)
    return cls.apply(_full(x, level, size).contiguous(), _shift(dim), pindex, psrc, *args[4:], **kwargs)


def index_add(cls, args, kwargs, level, size):
    """``IndexAdd(x, dim, index, src, alpha)`` with one 1-D index for every element."""
    x, dim, index, src, alpha = args
    if _is_batched(index, level):
        return NotImplemented
    return cls.apply(_full(x, level, size).contiguous(), _shift(dim), index, _full(src, level, size), alpha, **kwargs)


def masked_fill_tensor(cls, args, kwargs, level, size):
    """``MaskedFillTensor(x, mask, value)``: a batched 0-dim value becomes a ``where``."""
    from ember.ops.index import where
    x, mask, value = args
    if not _is_batched(x, level):
        return NotImplemented
    if not _is_batched(value, level):
        return elementwise(cls, args, kwargs, level, size)
    rank = max(x.dim(), mask.dim())
    pm = batch_first(mask, level)
    pm = mask if pm is None else _pad(pm, mask.dim(), rank)
    pv = batch_first(value, level).to(x.dtype).reshape((size,) + (1,) * rank)
    return where(pm, pv, _pad(batch_first(x, level), x.dim(), rank))


def roll(cls, args, kwargs, level, size):
    """``Roll(x, shifts, dims)``; a roll of the flattened tensor (no dims) rolls each element flattened."""
    p = _only_first(args, level)
    if p is None:
        return NotImplemented
    x, shifts, dims = args
    if dims is None or dims == () or dims == []:
        return cls.apply(p.reshape(size, -1), shifts, (1,)).reshape(tuple(p.shape))
    return cls.apply(p, shifts, _shift(dims))


def prod_all(cls, args, kwargs, level, size):
    """``Prod(x, dim, keepdim)``; ``dim=None`` multiplies each element's values."""
    p = _only_first(args, level)
    if p is None:
        return NotImplemented
    x, dim, keepdim = args
    if dim is not None:
        return cls.apply(p, _shift(dim), keepdim)
    out = cls.apply(p.reshape(size, -1), 1, False)
    return out.reshape((size,) + (1,) * x.dim()) if keepdim else out


def trace(cls, args, kwargs, level, size):
    p = _only_first(args, level)
    if p is None:
        return NotImplemented
    return p.diagonal(0, 1, 2).sum(-1)


def diagonal_scatter(cls, args, kwargs, level, size):
    """``DiagonalScatter(g, shape, offset, d1, d2)`` (diag_embed and diagonal's backward)."""
    g, shape, offset, d1, d2 = args
    p = _only_first(args, level)
    if p is None:
        return NotImplemented
    return cls.apply(p, (size,) + tuple(shape), offset, _shift(d1), _shift(d2), **kwargs)


def linalg_pair(cls, args, kwargs, level, size):
    """``Solve(a, b)`` / ``SolveTriangular(a, b, ...)``: leading dims broadcast as in matmul."""
    a, b = args[:2]
    rank = max(a.dim(), b.dim())
    if a.dim() < 2 or b.dim() < 2:
        return NotImplemented
    pa, pb = (_pad(_full(t, level, size), t.dim(), rank) for t in (a, b))
    return cls.apply(pa, pb, *args[2:], **kwargs)


def _batch_key(key):
    """A parsed ``(basic, adv)`` key of the logical tensor as the key of the batch-first physical one,
    and whether the advanced indices are split by slices (NumPy then puts their dims first)."""
    basic, adv = key
    if basic is not None:
        basic = (slice(None),) + tuple(basic)
    split = False
    if adv is not None:
        arrays = [i for i, a in enumerate(adv) if not isinstance(a, slice)]
        split = arrays[-1] - arrays[0] + 1 != len(arrays)
        adv = (slice(None),) + tuple(adv)
    return (basic, adv), split


def _adv_rank(key):
    return max(a.ndim for a in key[1] if not isinstance(a, slice))


def index_get(cls, args, kwargs, level, size):
    """``*Index(x, key)``: ``x[key]`` with a key of plain values, the batch a leading full slice."""
    x, key = args
    p = batch_first(x, level)
    if p is None:
        return NotImplemented
    pkey, split = _batch_key(key)
    out = cls.apply(p, pkey)
    # split advanced indices put their dims before the batch's: move it back to the front
    return out.movedim(_adv_rank(key), 0) if split else out


def index_put(cls, args, kwargs, level, size):
    """``IndexPut(x, value, key, accumulate)`` (``x[key] = value`` out of place)."""
    import numpy as np
    from ember._tensor import Tensor
    from ember.ops.index import _np_get
    x, value, key = args[:3]
    pkey, split = _batch_key(key)
    if split:
        return NotImplemented
    if isinstance(value, Tensor) and _is_batched(value, level):
        region = _np_get(np.broadcast_to(np.zeros((), bool), tuple(x.shape)), key, np).ndim
        value = _pad(batch_first(value, level), value.dim(), region)
    return cls.apply(_full(x, level, size), value, pkey, *args[3:], **kwargs)


def index_add_into(cls, args, kwargs, level, size):
    """``IndexAddInto(g, shape, key)``: zeros(shape) with ``g`` added at ``key`` (indexing's backward)."""
    g, shape, key = args
    p = batch_first(g, level)
    pkey, split = _batch_key(key)
    if p is None or split:
        return NotImplemented
    return cls.apply(p, (size,) + tuple(shape), pkey)


def fill(cls, args, kwargs, level, size):
    """``Fill(x, value)`` with a plain value."""
    from ember._tensor import Tensor
    x, value = args
    if isinstance(value, Tensor) and _is_batched(value, level):
        return NotImplemented
    return cls.apply(_full(x, level, size), value, **kwargs)


def copy_from(cls, args, kwargs, level, size):
    """``CopyFrom(x, src)``: ``src`` broadcast to ``x``'s shape (in its dtype)."""
    x, src = args
    ps = batch_first(src, level)
    if ps is not None:
        src = _pad(ps, src.dim(), x.dim())
    return cls.apply(_full(x, level, size), src, **kwargs)


def take_along(cls, args, kwargs, level, size):
    """``_TakeAlong(x, dim, index, shape, flat)`` (values picked by a full-size index along ``dim``)."""
    x, dim, index, shape, flat = args
    if flat:
        return NotImplemented
    return cls.apply(_full(x, level, size), _shift(dim), _full(index, level, size), (size,) + tuple(shape), flat)


def vdot(cls, args, kwargs, level, size):
    """``Vdot(a, b)`` of 1-D vectors: ``sum(conj(a) * b)`` per element."""
    from ember.ops.linalg import matmul
    a, b = (_full(t, level, size) for t in args)
    return matmul(a.conj().unsqueeze(1), b.unsqueeze(2)).reshape(size)


def ldl_solve(cls, args, kwargs, level, size):
    """``LdlSolve(ld, piv, b)``: the leading dims of the factors and of ``b`` broadcast."""
    ld, piv, b = args
    lead = max(ld.dim(), b.dim()) - 2
    pld, ppiv, pb = (_full(t, level, size) for t in args)
    return cls.apply(_pad(pld, ld.dim(), lead + 2), _pad(ppiv, piv.dim(), lead + 1), _pad(pb, b.dim(), lead + 2),
                     **kwargs)


def install(rules):
    """Add this module's rules to ``rules`` (the table of :mod:`ember.func._batching_rules`)."""
    from ember.ops import index as I, scatter_reduce as SR, shape as S, reduce as R, linalg as L, fft as FT
    from ember.ops import arrange as AR, activation as A, complex as CX, pointwise as PW, special as SP
    from ember.ops import linalg_decomp as LD, linalg_solve as LS, inplace as IP, linalg_misc as LM
    from ember.ops import linalg_ldl as LDL, linalg_lu as LU, creation as CR
    rules.update({I.Scatter: scatter, I.ScatterAdd: scatter, I.ScatterValue: scatter, SR.ScatterReduce: scatter,
                  SR.IndexCopy: scatter, I.IndexAdd: index_add, I.MaskedFillTensor: masked_fill_tensor,
                  S.Roll: roll, R.Prod: prod_all, L.Trace: trace, S.DiagonalScatter: diagonal_scatter,
                  S.DiagEmbed: diagonal_scatter, S.DiagonalCopy: dims_at(2, 3), AR.Rot90: dims_at(2),
                  A.Glu: dims_at(1), FT.FftR2C: dims_at(1), FT.FftC2C: dims_at(1), FT.FftC2R: dims_at(1),
                  LS.Solve: linalg_pair, LS.SolveTriangular: linalg_pair, I.AdvancedIndex: index_get,
                  I.IndexPut: index_put, I.IndexAddInto: index_add_into, IP.Fill: fill, IP.CopyFrom: copy_from})
    rules.update({I._TakeAlong: take_along, LM.Vdot: vdot, LDL.LdlSolve: ldl_solve, LDL.LdlFactor: batch_leading,
                  LU.LuFactor: batch_leading, CR._Complex: elementwise})
    for cls in (CX.Angle, CX.Conj, CX.ConjPhysical, CX.Polar, PW.FrexpMantissa, SP.Polygamma, SP.Zeta,
                SP.Igamma, SP.Igammac):
        rules[cls] = elementwise
    for cls in (CX.ViewAsReal, CX.ViewAsComplex, LD.Eigh, LD.Qr, LD.Svd, LS.Cholesky):
        rules[cls] = batch_leading
