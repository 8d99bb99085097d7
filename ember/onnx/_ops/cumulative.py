"""ONNX translations: running products, log-sum-exps, maxima and minima along an axis.

ONNX has a running sum only (CumSum). The others are reduced over a triangular mask built at run
time: the element ``i`` of the result reduces the input's elements ``j <= i``, so the graph holds
an ``n x n`` mask per slice (quadratic in the axis's length, which may be dynamic)."""
import numpy as np

from ._core import converts, reduce, _onnx_type, _unsupported


def arg(c, i, name, default):
    """Argument ``i`` of the captured call, given by position or as the keyword ``name``."""
    return c.args[i] if len(c.args) > i else c.node.kwargs.get(name, default)


def positions(b, x, axis, rank, at=None):
    """``0..n-1`` for the ``n`` elements along ``axis`` of ``x``, shaped to broadcast along axis
    ``at`` (default ``axis``) of a ``rank``-dim tensor."""
    n = b.op('Squeeze', [b.op('Shape', [x], start=axis, end=axis + 1), b.ints([0])])
    ar = b.op('Range', [b.const(np.asarray(0, np.int64)), n, b.const(np.asarray(1, np.int64))])
    at = axis if at is None else at
    return b.op('Reshape', [ar, b.ints([-1 if d == at else 1 for d in range(rank)])])


def prefix_mask(b, x, axis, rank):
    """``j <= i`` with ``i`` along ``axis`` and ``j`` along ``axis + 1`` (of ``x`` unsqueezed at ``axis``)."""
    return b.op('LessOrEqual', [positions(b, x, axis, rank + 1, axis + 1), positions(b, x, axis, rank + 1)])


def running(b, x, axis, rank, op_type, fill):
    """Element ``i`` along ``axis``: ``op_type`` (a Reduce*) of the elements ``j <= i``; the others
    are masked with ``fill`` (the reduction's identity)."""
    spread = b.op('Unsqueeze', [x, b.ints([axis])])             # (..., 1 [i], n [j], ...)
    masked = b.op('Where', [prefix_mask(b, x, axis, rank), spread, fill])
    return reduce(b, op_type, masked, [axis + 1], 0)


def _lowest(dtype, largest):
    dtype = np.dtype(dtype)
    if dtype.kind == 'f':
        return np.asarray(-np.inf if largest else np.inf, dtype)
    info = np.iinfo(dtype)
    return np.asarray(info.min if largest else info.max, dtype)


@converts('Cumprod')
def _cumprod(b, c):
    x, dim = c.args
    rank = c.rank()
    b.op('Identity', [running(b, c.x(0, b, c.dtype), dim % rank, rank, 'ReduceProd',
                              b.const(np.asarray(1, c.dtype)))], [c.out])


@converts('LogCumSumExp')
def _logcumsumexp(b, c):
    # shifted by each prefix's maximum, so that large inputs neither overflow nor lose precision;
    # a prefix of -inf alone stays -inf
    x, dim = c.args
    rank, axis = c.rank(), c.args[1] % max(c.rank(), 1)
    masked = b.op('Where', [prefix_mask(b, c.x(0), axis, rank), b.op('Unsqueeze', [c.x(0), b.ints([axis])]), b.const(np.asarray(-np.inf, c.dtype))])
    top = reduce(b, 'ReduceMax', masked, [axis + 1])
    finite = b.op('Where', [b.op('IsInf', [top]), b.const(np.asarray(0, c.dtype)), top])
    total = reduce(b, 'ReduceSum', b.op('Exp', [b.op('Sub', [masked, finite])]), [axis + 1])
    out = b.op('Add', [b.op('Log', [total]), finite])
    b.op('Squeeze', [out, b.ints([axis + 1])], [c.out])


@converts('CummaxOp', 'CumminOp')
def _cum_extreme(b, c):
    largest = c.node.name == 'CummaxOp'
    x, dim = c.args[0], arg(c, 1, 'dim', None)
    dtype = x.example._data.dtype
    if dtype.kind == 'b':
        _unsupported(c, "a bool input")
    if not x.shape:
        b.op('Identity', [c.x(0)], [c.outs[0]])
        if c.outs[1]:
            b.op('Identity', [b.const(np.zeros((), np.int64))], [c.outs[1]])
        return
    rank = len(x.shape)
    axis = dim % rank
    op_type = 'ReduceMax' if largest else 'ReduceMin'
    values = running(b, c.x(0), axis, rank, op_type, b.const(_lowest(dtype, largest)))
    if dtype.kind == 'f':
        # a NaN stays the extreme from where it appears on, as ember's running maximum keeps it
        seen = running(b, b.op('Cast', [b.op('IsNaN', [c.x(0)])], to=_onnx_type(np.int64)), axis, rank,
                       'ReduceMax', b.const(np.asarray(0, np.int64)))
        values = b.op('Where', [b.op('Cast', [seen], to=_onnx_type(np.bool_)), b.const(np.asarray(np.nan, dtype)),
                                values])
    b.op('Identity', [values], [c.outs[0]])
    if c.outs[1]:
        # the latest j <= i whose element equals the running extreme at j (PyTorch's tie rule)
        at = positions(b, c.x(0), axis, rank)
        hits = b.op('Where', [b.op('Equal', [c.x(0), values]), at, b.const(np.asarray(0, np.int64))])
        hits = b.op('Expand', [hits, b.op('Shape', [c.x(0)])])
        b.op('Identity', [running(b, hits, axis, rank, 'ReduceMax', b.const(np.asarray(0, np.int64)))], [c.outs[1]])
