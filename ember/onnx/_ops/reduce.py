"""ONNX translations: reductions."""
from ._core import converts


def _reduce(b, c, op_type):
    dims, keepdim = c.args[1], c.args[2]
    dims = list(range(c.rank())) if dims is None or dims == () else list(dims if isinstance(dims, (tuple, list)) else [dims])
    if op_type == 'ReduceSum' or b.opset >= 18:
        b.op(op_type, [c.x(0, b, c.dtype), b.ints(dims)], [c.out], keepdims=int(bool(keepdim)))
    else:
        b.op(op_type, [c.x(0, b, c.dtype)], [c.out], axes=dims, keepdims=int(bool(keepdim)))


@converts('MaxAll', 'MinAll')
def _extreme_all(b, c):
    op_type = 'ReduceMax' if c.node.name == 'MaxAll' else 'ReduceMin'
    if b.opset >= 18:
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
    _reduce(b, c, 'ReduceMean')


@converts('SumDim', 'Sum')
def _sum(b, c):
    _reduce(b, c, 'ReduceSum')


# ---------------------------------------------------------------- nn layers


@converts('Cumsum')
def _cumsum(b, c):
    # the sum runs in the result's dtype (integers and bools in int64), as ember's does
    b.op('CumSum', [c.x(0, b, c.dtype), b.ints(int(c.args[1]))], [c.out])
