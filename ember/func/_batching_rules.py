"""Batching rules: how each op runs once over a whole batch instead of once per element.

The table :data:`RULES` maps an op's ``Function`` class to a rule ``rule(cls, args, kwargs, level,
size)`` that receives the arguments as the op was called (batched tensors among them) and returns
the physical result with the batch at dimension 0, or ``NotImplemented`` for a case it does not
cover. Rules compute with ordinary ember ops on the physical tensors, so autograd records through
them and enclosing vmaps (lower levels) batch them in turn.

An op without a rule runs as a loop over the batch (each element's slice through the op itself, the
results stacked): the same numbers as the per-element vmap, one op at a time.
"""
import warnings

from ember.func._batched_tensor import BatchedTensor, batch_first, batched

RULES = {}
_fallback_warning = [False]


def _is_batched(a, level):
    return type(a) is BatchedTensor and a.level == level


def dispatch(cls, args, kwargs, level, size, plain_apply):
    """Run ``cls`` on arguments batched at ``level``: its rule, or the loop over the batch."""
    rule = _rule_for(cls)
    if rule is not None:
        out = rule(cls, args, kwargs, level, size)
        if out is not NotImplemented:
            return _wrap(out, level)
    return _loop(cls, args, kwargs, level, size, plain_apply)


def _rule_for(cls):
    rule = RULES.get(cls)
    if rule is None:
        if not _built:
            _build()
            rule = RULES.get(cls)
        if rule is None:
            rule = _inherited(cls)
    return rule


def _inherited(cls):
    """The rule of a base whose ``forward`` ``cls`` keeps (ops named per caller, such as sort's and
    topk's take-along, are made as such subclasses): the same computation, so the same rule."""
    forward = getattr(cls, 'forward', None)
    for base in cls.__mro__[1:]:
        if base in RULES and getattr(base, 'forward', None) is forward:
            RULES[cls] = RULES[base]
            return RULES[base]
    return None


def _wrap(out, level):
    if type(out) is tuple:
        return tuple(None if o is None else batched(o, 0, level) for o in out)
    return batched(out, 0, level)


def _loop(cls, args, kwargs, level, size, plain_apply):
    from ember.ops.shape import stack
    if _fallback_warning[0]:
        warnings.warn(f"There is a performance drop because we have not yet implemented the batching rule for "
                      f"{getattr(cls, 'node_name', cls.__name__)}. Please file us an issue on GitHub so that we "
                      "can prioritize its implementation.", UserWarning, stacklevel=4)
    results = []
    for i in range(size):
        sliced = [a.value.select(a.bdim, i) if _is_batched(a, level) else a for a in args]
        results.append(cls.apply(*sliced, **kwargs))   # lower levels still batch their own
    if type(results[0]) is tuple:
        return tuple(None if results[0][k] is None else batched(stack([r[k] for r in results]), 0, level)
                     for k in range(len(results[0])))
    return batched(stack(results), 0, level)


# ---------------------------------------------------------------- helpers

def _pad(p, logical_rank, rank):
    """``p`` (batch first, then ``logical_rank`` dims) with size-1 dims inserted after the batch up to ``rank``."""
    if logical_rank >= rank:
        return p
    shape = tuple(p.shape)
    return p.reshape((shape[0],) + (1,) * (rank - logical_rank) + shape[1:])


def _shift(d):
    """A dimension index of the logical tensor as an index of the batch-first physical one."""
    if d is None:
        return None
    if isinstance(d, (tuple, list)):
        return type(d)(_shift(x) for x in d)
    return d + 1 if d >= 0 else d


def _only_first(args, level):
    """The first argument batch-first when it is the only batched one, else None."""
    for a in args[1:]:
        if _is_batched(a, level):
            return None
    return batch_first(args[0], level)


# ---------------------------------------------------------------- elementwise

def elementwise(cls, args, kwargs, level, size):
    """Broadcasting ops: batch first, logical dims right-aligned so broadcasting is unchanged."""
    from ember._tensor import Tensor
    rank = 0
    zero_dim_batched = False
    dtypes = set()
    for a in args:
        if isinstance(a, Tensor):
            rank = max(rank, a.dim())
            dtypes.add(a.dtype)
            if a.dim() == 0 and _is_batched(a, level):
                zero_dim_batched = True
    phys = []
    for a in args:
        p = batch_first(a, level)
        phys.append(a if p is None else _pad(p, a.dim(), rank))
    if zero_dim_batched and len(dtypes) > 1:
        from ember._dtype import result_type
        if result_type(*args) != result_type(*phys):
            # a batched 0-dim tensor counts as dimensioned in type promotion: keep the exact loop
            return NotImplemented
    return cls.apply(*phys, **kwargs)


# ---------------------------------------------------------------- dims

def dims_at(*positions):
    """Rule for ops of one batched input whose arguments at ``positions`` are dimension indices."""
    def rule(cls, args, kwargs, level, size):
        p = _only_first(args, level)
        if p is None:
            return NotImplemented
        n = args[0].dim()
        new = list(args)
        new[0] = p
        for i in positions:
            if new[i] is None:     # numpy's "every dim" for reductions: every logical dim
                new[i] = tuple(range(1, n + 1))
            else:
                new[i] = _shift(new[i])
        return cls.apply(*new, **kwargs)
    return rule


def batch_leading(cls, args, kwargs, level, size):
    """Ops that act on the trailing dims and carry any leading ones (tril, layer_norm, ...)."""
    p = _only_first(args, level)
    if p is None:
        return NotImplemented
    return cls.apply(p, *args[1:], **kwargs)


def _reduce_all(target):
    """``Sum(x, None, ...)``-style full reductions as ``target`` over every logical dim."""
    def rule(cls, args, kwargs, level, size):
        p = _only_first(args, level)
        if p is None or args[0].dim() == 0:
            return NotImplemented
        return target.apply(p, tuple(range(1, args[0].dim() + 1)), *args[2:], **kwargs)
    return rule


def _extreme_all(cls, args, kwargs, level, size):
    from ember.ops.reduce import Amax, Amin
    p = _only_first(args, level)
    if p is None or args[0].dim() == 0:
        return NotImplemented
    return (Amax if args[1] else Amin).apply(p, tuple(range(1, args[0].dim() + 1)), False, args[1])


def _permute(cls, args, kwargs, level, size):
    p = _only_first(args, level)
    if p is None:
        return NotImplemented
    n = args[0].dim()
    return cls.apply(p, (0,) + tuple(d % n + 1 for d in args[1]))


def _transpose_2d(cls, args, kwargs, level, size):
    p = _only_first(args, level)
    if p is None:
        return NotImplemented
    return p.transpose(1, 2) if args[0].dim() == 2 else p.view(tuple(p.shape))


def _squeeze_all(cls, args, kwargs, level, size):
    p = _only_first(args, level)
    if p is None:
        return NotImplemented
    dims = tuple(i + 1 for i, s in enumerate(args[0].shape) if s == 1)
    return cls.apply(p, dims)


def _reshape(cls, args, kwargs, level, size):
    p = _only_first(args, level)
    if p is None:
        return NotImplemented
    return p.reshape((size,) + tuple(args[1]))


def _expand(cls, args, kwargs, level, size):
    p = _only_first(args, level)
    if p is None:
        return NotImplemented
    final = tuple(args[1])
    return cls.apply(_pad(p, args[0].dim(), len(final)), (size,) + final)


def _repeat(cls, args, kwargs, level, size):
    p = _only_first(args, level)
    if p is None:
        return NotImplemented
    reps = tuple(args[1])
    return cls.apply(_pad(p, args[0].dim(), len(reps)), (1,) + reps)


def _sum_to_size(cls, args, kwargs, level, size):
    p = _only_first(args, level)
    if p is None:
        return NotImplemented
    target = tuple(args[1])
    lead = args[0].dim() - len(target)
    if lead > 0:
        p = p.sum(tuple(range(1, lead + 1)))
    return cls.apply(p, (size,) + target)


def _joined(cls, args, kwargs, level, size):
    """cat/stack: ``(dim, *tensors)``; unbatched tensors are expanded over the batch."""
    dim, tensors = args[0], args[1:]
    phys = []
    for t in tensors:
        p = batch_first(t, level)
        if p is None:
            if cls.__name__ == 'Cat' and t.dim() == 1 and t.shape[0] == 0:
                p = t.reshape(0)
            else:
                p = t.unsqueeze(0).expand(size, *t.shape)
        phys.append(p)
    return cls.apply(_shift(dim), *phys, **kwargs)


def _basic_index(cls, args, kwargs, level, size):
    """``x[key]`` with ints, slices, None and Ellipsis: the same key behind a full slice of the batch."""
    p = _only_first(args, level)
    basic, adv = args[1]
    if p is None or adv is not None or not isinstance(basic, tuple) or any(type(b) is bool for b in basic):
        return NotImplemented
    return cls.apply(p, ((slice(None),) + basic, None))


def _masked_fill(cls, args, kwargs, level, size):
    if not _is_batched(args[0], level):
        return NotImplemented      # the result takes the input's shape: the batch must be there
    return elementwise(cls, args, kwargs, level, size)


def _batched_or_expanded(t, level, size):
    p = batch_first(t, level)
    return t.unsqueeze(0).expand(size, *t.shape) if p is None else p


def _gather(cls, args, kwargs, level, size):
    x, dim, index = args
    return cls.apply(_batched_or_expanded(x, level, size), _shift(dim), _batched_or_expanded(index, level, size))


def _einsum(cls, args, kwargs, level, size):
    """``Einsum(terms, rhs, *operands)``: the batch as one more index letter."""
    terms, rhs, operands = args[0], args[1], args[2:]
    used = set(''.join(terms) + rhs)
    if '.' in used:
        return NotImplemented
    letter = next(c for c in 'zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA' if c not in used)
    new_terms, phys = [], []
    for term, o in zip(terms, operands):
        p = batch_first(o, level)
        new_terms.append(term if p is None else letter + term)
        phys.append(o if p is None else p)
    return cls.apply(type(terms)(new_terms), letter + rhs, *phys, **kwargs)


# ---------------------------------------------------------------- products

def _matmul_operands(args, level):
    """Both operands batch-first, the logical batch dims padded to one rank (matmul broadcasting)."""
    a, b = args[0], args[1]
    rank = max(a.dim(), b.dim())
    pa, pb = batch_first(a, level), batch_first(b, level)
    return (a if pa is None else _pad(pa, a.dim(), rank)), (b if pb is None else _pad(pb, b.dim(), rank))


def _matmul(cls, args, kwargs, level, size):
    """mm/bmm/matmul forms: ember.matmul broadcasts the batch as one more batch dim."""
    if args[0].dim() < 2 or args[1].dim() < 2:
        return NotImplemented
    return _batched_product(args[0], args[1], level)


def _batched_product(a, b, level):
    from ember.ops.linalg import matmul
    if b.dim() == 2 and batch_first(b, level) is None:
        # an unbatched matrix on the right: the batch folded into the rows makes one matrix product,
        # as PyTorch's rule does (and so rounds as the batched call outside vmap would)
        pa = batch_first(a, level)
        return matmul(pa.reshape(-1, pa.shape[-1]), b).reshape(*pa.shape[:-1], b.shape[-1])
    return matmul(*_matmul_operands((a, b), level))


def _mv(cls, args, kwargs, level, size):
    from ember.ops.linalg import matmul
    m, v = args[0], args[1]
    pm, pv = batch_first(m, level), batch_first(v, level)
    vcol = (v if pv is None else pv).unsqueeze(-1)
    return matmul(m if pm is None else pm, vcol).squeeze(-1)


def _dot(cls, args, kwargs, level, size):
    from ember.ops.linalg import matmul
    a, b = args[0], args[1]
    pa, pb = batch_first(a, level), batch_first(b, level)
    if pa is not None and pb is not None:
        return matmul(pa.unsqueeze(1), pb.unsqueeze(2)).reshape(size)
    return matmul(pa, b) if pa is not None else matmul(pb, a)


def _addmm(cls, args, kwargs, level, size):
    """``bias + x @ wt`` (F.linear's Addmm)."""
    bias, x, wt = args
    out = _batched_product(x, wt, level)
    pb = batch_first(bias, level)
    if pb is None:
        return out + bias
    return out + _pad(pb, bias.dim(), 2)


# ---------------------------------------------------------------- nn

def _reduce_loss(per_elem, reduction, n):
    if reduction == 'none':
        return per_elem
    dims = tuple(range(1, n + 1))
    if not dims:
        return per_elem
    return per_elem.sum(dims) if reduction == 'sum' else per_elem.mean(dims)


def _pointwise_loss(cls, args, kwargs, level, size):
    """Losses of ``(input, target, reduction, *params)``: per element unreduced, then reduced per sample."""
    inp, tgt, reduction = args[0], args[1], args[2]
    if inp.shape != tgt.shape:
        return NotImplemented
    pi, pt = batch_first(inp, level), batch_first(tgt, level)
    pi = inp.unsqueeze(0).expand(size, *inp.shape) if pi is None else pi
    pt = tgt.unsqueeze(0).expand(size, *tgt.shape) if pt is None else pt
    return _reduce_loss(cls.apply(pi, pt, 'none', *args[3:], **kwargs), reduction, inp.dim())


# ---------------------------------------------------------------- the table

def ops_without_rules():
    """The built-in ops (``module.Class`` of their ``Primitive``) that vmap runs as a loop over the batch;
    shared bases that no op calls directly (their names start with ``_`` and they have subclasses), and the
    copies selective checkpointing makes of ops it runs, left out."""
    from ember.autograd.function import Primitive
    return sorted({f"{c.__module__.rsplit('.', 1)[-1]}.{c.__name__}" for c in _subclasses(Primitive)
                   if not getattr(c, '_sac_copy', False) and _rule_for(c) is None
                   and not (c.__name__.startswith('_') and c.__subclasses__())})


_built = False

_ELEMENTWISE_NAMES = {
    'ember.ops.activation': ('Relu', '_ReluGrad', 'Clamp', 'NanToNum', 'LeakyRelu', '_LeakyReluGrad', 'Elu', 'Celu',
                             'Gelu', 'Silu', 'Mish', 'Hardtanh', '_HardtanhGrad', 'Hardsigmoid', '_HardsigmoidGrad',
                             'Hardswish', 'Softplus', 'LogSigmoid', 'Softshrink', 'Hardshrink', '_ShrinkGrad',
                             'Threshold', '_ThresholdGrad', 'ClampTensor', 'ClampMin', 'ClampMinTensor',
                             'ClampMax', 'ClampMaxTensor'),
    'ember.ops.pointwise': ('Deg2Rad', 'Rad2Deg'),
    'ember.ops.special': ('Xlog1py',),
    'ember.ops.arith': ('Xlogy', 'XlogyScalarOther', 'XlogySelfScalar', 'Add', 'Sub', 'RSub', 'Mul', 'Div', 'RDiv', 'PowScalar', 'Pow', 'RPow', 'FloorDivide',
                        'Remainder', 'Fmod', 'Maximum', 'Minimum', 'Fmax', 'Fmin', 'Atan2'),
    'ember.ops.index': ('Where',),
    'ember.ops.shape': ('Clone',),
    'ember.ops.convert': ('ToCopy',),
}


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _build():
    """Fill :data:`RULES` (once, at the first batched call: every op module is imported by then)."""
    global _built
    import importlib
    from ember.autograd.function import Primitive
    from ember.ops import shape as S, reduce as R, activation as A, linalg as L, linear as LN
    from ember.ops import loss as LS, index as I

    for cls in _subclasses(Primitive):
        fwd = getattr(cls, 'forward', None)
        if cls.__module__ == 'ember.ops.unary' or getattr(fwd, '_broadcast_errors', False):
            RULES.setdefault(cls, elementwise)
    for module, names in _ELEMENTWISE_NAMES.items():
        mod = importlib.import_module(module)
        for name in names:
            if hasattr(mod, name):
                RULES[getattr(mod, name)] = elementwise

    from ember.ops import attention as AT
    reductions = {R.SumDim: 1, R.MeanDim: 1, R.ProdDim: 1, R.MaxDim: 1, R.MinDim: 1, R.Amax: 1, R.Amin: 1,
                  R.LogSumExp: 1, R.Cumsum: 1, R.Cumprod: 1, R.LogCumSumExp: 1, A.Softmax: 1, A.LogSoftmax: 1,
                  AT.SafeSoftmax: 1}
    for cls, pos in reductions.items():
        RULES[cls] = dims_at(pos)
    RULES.update({R.Sum: _reduce_all(R.SumDim), R.Mean: _reduce_all(R.MeanDim), R.MaxAll: _extreme_all,
                  R.MinAll: _extreme_all, R.Var: dims_at(1),
                  R.Std: dims_at(1), R.VectorNorm: dims_at(2), R.Nansum: dims_at(1), R.VarMean: dims_at(1),
                  R.StdMean: dims_at(1)})

    RULES.update({S.Unsqueeze: dims_at(1), S.SqueezeDim: dims_at(1), S.SqueezeDims: dims_at(1),
                  S.Squeeze: _squeeze_all, S.Transpose: dims_at(1, 2), S.T: _transpose_2d, S.Permute: _permute,
                  S.Select: dims_at(1), S.Narrow: dims_at(1), S.Unbind: dims_at(1), S.Flip: dims_at(1),
                  S.Split: dims_at(1), S.SplitWithSizes: dims_at(1), S.Diagonal: dims_at(2, 3),
                  S.Tril: batch_leading, S.Triu: batch_leading, S.View: _reshape, S.ReshapeAlias: _reshape, S.UnsafeView: _reshape,
                  S.Expand: _expand, S.Repeat: _repeat, S.SumToSize: _sum_to_size, S.Cat: _joined,
                  S.Stack: _joined, S.Unfold: dims_at(1), I.IndexSelect: dims_at(1)})
    from ember.ops import linalg_misc as LM
    # square-matrix functions act on the last two dims and carry leading ones
    RULES.update({L.Det: batch_leading, L.Inverse: batch_leading, L.Slogdet: batch_leading,
                  LM.MatrixExp: batch_leading})

    for cls in (I.BasicIndex, I.SelectIndex, I.UnsqueezeIndex, I.AliasIndex):
        RULES[cls] = _basic_index

    RULES.update({I.MaskedFill: _masked_fill, I.Gather: _gather, L.Einsum: _einsum})

    RULES.update({L.Mm: _matmul, L.Bmm: _matmul, L.BatchedMatmul: _matmul, L.BatchedMatmulT: _matmul,
                  L.BatchedMatvec: _matmul, LN.MmT: _matmul, L.Mv: _mv,
                  L.Dot: _dot, LN.Addmm: _addmm})

    RULES.update({LS.MseLoss: _pointwise_loss,
                  LS.SmoothL1Loss: _pointwise_loss, LS.HuberLoss: _pointwise_loss})
    from ember.func import _nn_rules, _tensor_rules
    _nn_rules.install(RULES)
    _tensor_rules.install(RULES)
    _built = True
