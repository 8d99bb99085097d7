"""ONNX translations: reductions, cumulative sums, arg-extremes and sorting."""
import math

import numpy as np

from ._core import converts, reduce, _onnx_type


def _reduce(b, c, op_type):
    dims, keepdim = c.args[1], c.args[2]
    dims = list(range(c.rank())) if dims is None or dims == () else list(dims if isinstance(dims, (tuple, list)) else [dims])
    if not dims:  # a 0-dim input
        b.op('Identity', [c.x(0, b, c.dtype)], [c.out])
    elif op_type == 'ReduceSum' or b.opset >= 18:
        b.op(op_type, [c.x(0, b, c.dtype), b.ints(dims)], [c.out], keepdims=int(bool(keepdim)))
    else:
        b.op(op_type, [c.x(0, b, c.dtype)], [c.out], axes=dims, keepdims=int(bool(keepdim)))


@converts('MaxAll', 'MinAll')
def _extreme_all(b, c):
    op_type = 'ReduceMax' if c.node.name == 'MaxAll' else 'ReduceMin'
    if not c.rank():
        b.op('Identity', [c.x(0)], [c.out])
    elif b.opset >= 18:
        b.op(op_type, [c.x(0)], [c.out], keepdims=0)
    else:
        b.op(op_type, [c.x(0)], [c.out], keepdims=0, axes=list(range(c.rank())))


@converts('MaxDim', 'MinDim')
def _extreme_dim(b, c):
    x, dim, keepdim, take_max = c.args[:4]
    dim = dim if isinstance(dim, int) else dim[0]
    keep = int(bool(keepdim))
    reduce_type, arg_type = ('ReduceMax', 'ArgMax') if take_max else ('ReduceMin', 'ArgMin')
    values = [c.x(0), b.ints([dim])] if b.opset >= 18 else [c.x(0)]
    b.op(reduce_type, values, [c.outs[0]], keepdims=keep, axes=None if b.opset >= 18 else [dim])
    if len(c.outs) > 1 and c.outs[1]:
        b.op(arg_type, [c.x(0)], [c.outs[1]], axis=dim, keepdims=keep, select_last_index=0)


@converts('MeanDim', 'Mean')
def _mean(b, c):
    dims, keepdim, rank = c.args[1], c.args[2], c.rank()
    spatial = sorted(d % rank for d in dims) if isinstance(dims, (tuple, list)) else None
    if keepdim and rank >= 3 and spatial == list(range(2, rank)) and c.dtype.kind == 'f':
        # the mean over every axis after the channels: a global average pool, as PyTorch writes it
        b.op('GlobalAveragePool', [c.x(0)], [c.out])
    else:
        _reduce(b, c, 'ReduceMean')


@converts('SumDim', 'Sum')
def _sum(b, c):
    _reduce(b, c, 'ReduceSum')


# ---------------------------------------------------------------- nn layers


@converts('Cumsum')
def _cumsum(b, c):
    # the sum runs in the result's dtype (integers and bools in int64), as ember's does
    b.op('CumSum', [c.x(0, b, c.dtype), b.ints(int(c.args[1]))], [c.out])


@converts('ArgExtreme')
def _arg_extreme(b, c):
    x, dim, keepdim, take_max = c.args
    op_type = 'ArgMax' if take_max else 'ArgMin'
    if dim is None:  # of the flattened input
        flat = b.op(op_type, [b.op('Reshape', [c.x(0), b.ints([-1])])], axis=0, keepdims=0)
        b.op('Reshape', [flat, b.ints([1] * c.rank() if keepdim else [])], [c.out])
    elif not x.shape:
        b.op('Identity', [b.const(np.zeros((), np.int64))], [c.out])
    else:
        b.op(op_type, [c.x(0)], [c.out], axis=int(dim), keepdims=int(bool(keepdim)), select_last_index=0)


@converts('ArgSort')
def _argsort(b, c):
    # TopK over the whole axis, sorted; of equal elements the lower index comes first, as ember's
    # stable sort keeps them
    x, dim, descending = c.args
    dim = dim % max(c.rank(), 1)
    k = b.op('Shape', [c.x(0)], start=dim, end=dim + 1)
    outs = b.op('TopK', [c.x(0), k], 2, axis=dim, largest=int(bool(descending)), sorted=1)
    b.op('Identity', [outs[1]], [c.out])


@converts('TopkIndex')
def _topk_index(b, c):
    # ONNX TopK: of equal elements it returns the lower index first, where ember follows PyTorch's CPU
    # kernel (its selection algorithm decides); values agree, tied indices may not
    x, k, dim, largest, sorted_ = c.args
    dim = dim % max(c.rank(), 1)
    outs = b.op('TopK', [c.x(0), b.ints([int(k)])], 2, axis=dim, largest=int(bool(largest)), sorted=1)
    b.op('Identity', [outs[1]], [c.out])


@converts('KthIndex')
def _kth_index(b, c):
    # the k smallest by ONNX TopK, the last of them kept (size 1 along the axis); among equal values ONNX
    # picks the lower index, ember PyTorch's CPU kernel's choice: tied indices may differ
    x, k, dim = c.args
    dim = dim % max(c.rank(), 1)
    outs = b.op('TopK', [c.x(0), b.ints([int(k)])], 2, axis=dim, largest=0, sorted=1)
    b.op('Slice', [outs[1], b.ints([int(k) - 1]), b.ints([int(k)]), b.ints([dim])], [c.out])


@converts('LogicalReduce')
def _logical_reduce(b, c):
    fn, x, dim, keepdim = c.args
    dims = list(range(c.rank(1))) if dim is None else [d % c.rank(1) for d in
                                                         (dim if isinstance(dim, (tuple, list)) else [dim])]
    # as 0/1 integers: all is their minimum, any their maximum
    flags = b.op('Cast', [b.op('Cast', [c.x(1)], to=_onnx_type(np.bool_))], to=_onnx_type(np.int32))
    op_type = 'ReduceMin' if fn == 'all' else 'ReduceMax'    # (the reduction's name)
    reduced = reduce(b, op_type, flags, dims, int(bool(keepdim))) if dims else flags
    b.op('Cast', [reduced], [c.out], to=_onnx_type(c.dtype))


def _dims(dims, rank):
    if dims is None or dims == ():
        return list(range(rank))
    return [d % max(rank, 1) for d in (dims if isinstance(dims, (tuple, list)) else [dims])]


@converts('Amax', 'Amin')
def _amax(b, c):
    x, dims, keepdim, take_max = c.args
    b.op('Identity', [reduce(b, 'ReduceMax' if take_max else 'ReduceMin', c.x(0), _dims(dims, c.rank()),
                             int(bool(keepdim)))], [c.out])


@converts('ProdDim', 'Prod')
def _prod(b, c):
    x, dim, keepdim = c.args[:3]
    b.op('Identity', [reduce(b, 'ReduceProd', c.x(0, b, c.dtype), _dims(dim, c.rank()), int(bool(keepdim)))],
         [c.out])


@converts('LogSumExp')
def _logsumexp(b, c):
    # shifted by the maximum so that large inputs do not overflow
    x, dims, keepdim = c.args
    dims = _dims(dims, c.rank())
    top = reduce(b, 'ReduceMax', c.x(0), dims)
    total = reduce(b, 'ReduceSum', b.op('Exp', [b.op('Sub', [c.x(0), top])]), dims)
    out = b.op('Add', [b.op('Log', [total]), top])
    b.op('Identity', [out if keepdim else b.op('Squeeze', [out, b.ints(dims)])], [c.out])


def _variance(b, c, x, dims, correction, keepdim):
    """The variance of ``x`` over ``dims`` (and the mean it was taken around, kept dims)."""
    mean = reduce(b, 'ReduceMean', x, dims)
    centred = b.op('Sub', [x, mean])
    total = reduce(b, 'ReduceSum', b.op('Mul', [centred, centred]), dims, int(bool(keepdim)))
    # the count of reduced elements at run time (the axes may be dynamic): the input's size over the mean's
    count = b.op('Cast', [b.op('Div', [b.op('Size', [x]), b.op('Size', [mean])])], to=_onnx_type(c.dtype))
    divisor = b.op('Max', [b.op('Sub', [count, b.const(np.asarray(correction, c.dtype))]),
                           b.const(np.asarray(0, c.dtype))])
    return b.op('Div', [total, divisor]), mean


@converts('Var', 'Std')
def _var(b, c):
    x, dims, correction, keepdim = c.args
    var, _ = _variance(b, c, c.x(0), _dims(dims, c.rank()), correction, keepdim)
    b.op('Sqrt' if c.node.name == 'Std' else 'Identity', [var], [c.out])


@converts('VarMean', 'StdMean')
def _var_mean(b, c):
    x, dims, correction, keepdim = c.args
    dims = _dims(dims, c.rank())
    var, mean = _variance(b, c, c.x(0), dims, correction, keepdim)
    b.op('Sqrt' if c.node.name == 'StdMean' else 'Identity', [var], [c.outs[0]])
    if c.outs[1]:
        b.op('Identity' if keepdim else 'Squeeze', [mean] + ([] if keepdim else [b.ints(dims)]), [c.outs[1]])


@converts('VectorNorm', 'NormScalarOptDim', 'Norm')
def _vector_norm(b, c):
    x, p, dims, keepdim = c.args
    dims, keep = _dims(dims, c.rank()), int(bool(keepdim))
    if p == 2:
        out = reduce(b, 'ReduceL2', c.x(0), dims, keep)
    elif p == 1:
        out = reduce(b, 'ReduceL1', c.x(0), dims, keep)
    elif p in (math.inf, -math.inf):
        out = reduce(b, 'ReduceMax' if p > 0 else 'ReduceMin', b.op('Abs', [c.x(0)]), dims, keep)
    elif p == 0:
        nonzero = b.op('Cast', [b.op('Not', [b.op('Equal', [c.x(0), b.const(np.asarray(0, c.dtype))])])],
                       to=_onnx_type(c.dtype))
        out = reduce(b, 'ReduceSum', nonzero, dims, keep)
    else:
        power = b.op('Pow', [b.op('Abs', [c.x(0)]), b.const(np.asarray(p, c.dtype))])
        out = b.op('Pow', [reduce(b, 'ReduceSum', power, dims, keep), b.const(np.asarray(1 / p, c.dtype))])
    b.op('Identity', [out], [c.out])
