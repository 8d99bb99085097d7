"""ONNX translations: writing along an axis at given indices (index_add, index_copy,
scatter_reduce), all as ScatterElements."""
import numpy as np

from ._core import converts, _onnx_type, _unsupported


def _along(b, c, index, dim, like):
    """A 1-D ``index`` along ``dim`` spread to the shape of ``like`` (index_add's form -> scatter's)."""
    rank = len(c.args[0].shape)
    shaped = b.op('Reshape', [index, b.ints([-1 if d == dim else 1 for d in range(rank)])])
    return b.op('Expand', [shaped, b.op('Shape', [like])])


@converts('IndexAdd')
def _index_add(b, c):
    x, dim, index, src, alpha = c.args
    if not x.shape:
        _unsupported(c, "a 0-dim input")
    dim = dim % len(x.shape)
    values = c.x(3, b, c.dtype)
    if alpha != 1:
        values = b.op('Mul', [values, b.const(np.asarray(alpha, c.dtype))])
    b.op('ScatterElements', [c.x(0), _along(b, c, c.x(2, b, np.int64), dim, values), values], [c.out],
         axis=dim, reduction='add')


@converts('IndexCopy')
def _index_copy(b, c):
    x, dim, index, src = c.args
    if not x.shape:
        _unsupported(c, "a 0-dim input")
    dim = dim % len(x.shape)
    values = c.x(3, b, c.dtype)
    b.op('ScatterElements', [c.x(0), _along(b, c, c.x(2, b, np.int64), dim, values), values], [c.out], axis=dim)


_REDUCTION = {'sum': 'add', 'mean': 'add', 'prod': 'mul', 'amax': 'max', 'amin': 'min'}


def _identity(reduce, dtype):
    dtype = np.dtype(dtype)
    if reduce in ('sum', 'mean'):
        return 0
    if reduce == 'prod':
        return 1
    if dtype.kind == 'f':
        return -np.inf if reduce == 'amax' else np.inf
    return np.iinfo(dtype).min if reduce == 'amax' else np.iinfo(dtype).max


@converts('ScatterReduce')
def _scatter_reduce(b, c):
    x, dim, index, src, reduce, include_self = c.args
    if reduce in ('amax', 'amin') and b.opset < 18:
        _unsupported(c, f"reduce='{reduce}' at opset {b.opset} (ScatterElements' max and min need opset 18)")
    if not x.shape:
        _unsupported(c, "a 0-dim input")
    dim = dim % len(x.shape)
    where = c.x(2, b, np.int64)
    values = c.x(3, b, c.dtype)
    if tuple(src.shape) != tuple(index.shape):  # only the part of src that index covers is scattered
        values = b.op('Slice', [values, b.ints([0] * len(index.shape)), b.ints(list(index.shape))])
    start = c.x(0)
    if not include_self:  # the positions written to start from the reduction's identity
        fill = b.op('Expand', [b.const(np.asarray(_identity(reduce, c.dtype), c.dtype)), b.op('Shape', [where])])
        start = b.op('ScatterElements', [start, where, fill], axis=dim)
    out = b.op('ScatterElements', [start, where, values], axis=dim, reduction=_REDUCTION[reduce])
    if reduce == 'mean':
        ones = b.op('Expand', [b.const(np.asarray(1, np.int64)), b.op('Shape', [where])])
        zeros = b.op('Mul', [b.op('Cast', [c.x(0)], to=_onnx_type(np.int64)), b.const(np.asarray(0, np.int64))])
        count = b.op('ScatterElements', [zeros, where, ones], axis=dim, reduction='add')
        if include_self:
            count = b.op('Add', [count, b.const(np.asarray(1, np.int64))])
        count = b.op('Max', [count, b.const(np.asarray(1, np.int64))])
        if c.dtype.kind == 'f':
            out = b.op('Div', [out, b.op('Cast', [count], to=_onnx_type(c.dtype))])
        else:  # integers: floor division, as ember's
            f64 = _onnx_type(np.float64)
            quotient = b.op('Div', [b.op('Cast', [out], to=f64), b.op('Cast', [count], to=f64)])
            out = b.op('Cast', [b.op('Floor', [quotient])], to=_onnx_type(c.dtype))
    b.op('Identity', [out], [c.out])
