"""ONNX translations: medians and modes (ONNX has neither; they are read off a stable sort, or
counted)."""
import numpy as np

from ember._trace import Value

from ._core import converts, reduce, _onnx_type, _unsupported
from .cumulative import arg, positions


def sorted_indices(b, x, axis, dtype):
    """The indices that sort ``x`` ascending along ``axis`` as ember's stable sort does: equal
    elements keep their order and NaNs come last (two stable TopKs: NaNs moved behind, then the
    rest ordered, with the NaNs standing in as +inf behind any real +inf)."""
    k = b.op('Shape', [x], start=axis, end=axis + 1)
    if np.dtype(dtype).kind != 'f':
        return b.op('TopK', [x, k], 2, axis=axis, largest=0, sorted=1)[1]
    nan = b.op('IsNaN', [x])
    first = b.op('TopK', [b.op('Cast', [nan], to=_onnx_type(np.float32)), k], 2, axis=axis, largest=0, sorted=1)[1]
    moved = b.op('GatherElements', [x, first], axis=axis)
    key = b.op('Where', [b.op('IsNaN', [moved]), b.const(np.asarray(np.inf, dtype)), moved])
    second = b.op('TopK', [key, k], 2, axis=axis, largest=0, sorted=1)[1]
    return b.op('GatherElements', [first, second], axis=axis)


def _median(b, c, skip_nan):
    x = c.args[0]
    dim, keepdim = arg(c, 1, 'dim', None), bool(arg(c, 2, 'keepdim', False))
    dtype = x.example._data.dtype
    if dtype.kind == 'b':
        _unsupported(c, "a bool input")
    data = c.x(0)
    if dim is None or not x.shape:
        data, axis = b.op('Reshape', [data, b.ints([-1])]), 0
    else:
        axis = dim % len(x.shape)
    order = sorted_indices(b, data, axis, dtype)
    count = b.op('Shape', [data], start=axis, end=axis + 1)
    one, two = b.ints([1]), b.ints([2])
    if dtype.kind == 'f':
        nan = b.op('Cast', [b.op('IsNaN', [data])], to=_onnx_type(np.int64))
    if skip_nan and dtype.kind == 'f':
        # the lower median of the non-NaN elements (the first NaN when there are none)
        valid = b.op('Sub', [b.op('Expand', [count, b.op('Shape', [reduce(b, 'ReduceSum', nan, [axis])])]),
                             reduce(b, 'ReduceSum', nan, [axis])])
        k = b.op('Div', [b.op('Max', [b.op('Sub', [valid, one]), b.ints(0)]), two])
        where = b.op('GatherElements', [order, k], axis=axis)
    else:
        k = b.op('Div', [b.op('Sub', [count, one]), two])
        where = b.op('Gather', [order, k], axis=axis)
        if dtype.kind == 'f':
            # a NaN anywhere makes the median NaN, at the first NaN's index
            first_nan = b.op('ArgMax', [nan], axis=axis, keepdims=1, select_last_index=0)
            has_nan = b.op('Cast', [reduce(b, 'ReduceMax', nan, [axis])], to=_onnx_type(np.bool_))
            where = b.op('Where', [has_nan, first_nan, where])
    values = b.op('GatherElements', [data, where], axis=axis)
    if dim is None:
        b.op('Reshape', [values, b.ints([])], [c.outs[0]])
        return
    if not x.shape:
        b.op('Identity', [c.x(0)], [c.outs[0]])
        b.op('Identity', [b.const(np.zeros((), np.int64))], [c.outs[1]])
        return
    squeeze = [] if keepdim else [b.ints([axis])]
    b.op('Identity' if keepdim else 'Squeeze', [values] + squeeze, [c.outs[0]])
    if c.outs[1]:
        b.op('Identity' if keepdim else 'Squeeze', [where] + squeeze, [c.outs[1]])


@converts('MedianOp')
def _median_op(b, c):
    _median(b, c, skip_nan=False)


@converts('NanmedianOp')
def _nanmedian_op(b, c):
    _median(b, c, skip_nan=True)


@converts('ModeOp')
def _mode(b, c):
    """Each element's count of equal elements along the axis; the smallest of the most frequent
    values; the index of its last occurrence."""
    x = c.args[0]
    dim, keepdim = arg(c, 1, 'dim', -1), bool(arg(c, 2, 'keepdim', False))
    dtype = x.example._data.dtype
    if dtype.kind == 'b':
        _unsupported(c, "a bool input")
    if not x.shape:
        b.op('Identity', [c.x(0)], [c.outs[0]])
        b.op('Identity', [b.const(np.zeros((), np.int64))], [c.outs[1]])
        return
    rank = len(x.shape)
    axis = dim % rank
    equal = b.op('Equal', [b.op('Unsqueeze', [c.x(0), b.ints([axis + 1])]), b.op('Unsqueeze', [c.x(0), b.ints([axis])])])
    counts = reduce(b, 'ReduceSum', b.op('Cast', [equal], to=_onnx_type(np.int64)), [axis + 1], 0)
    top = reduce(b, 'ReduceMax', counts, [axis])
    big = np.asarray(np.inf if dtype.kind == 'f' else np.iinfo(dtype).max, dtype)
    value = reduce(b, 'ReduceMin', b.op('Where', [b.op('Equal', [counts, top]), c.x(0), b.const(big)]), [axis])
    at = positions(b, c.x(0), axis, rank)
    last = reduce(b, 'ReduceMax', b.op('Where', [b.op('Equal', [c.x(0), value]), at, b.const(np.asarray(-1, np.int64))]),
                  [axis], int(keepdim))
    b.op('Identity' if keepdim else 'Squeeze', [value] + ([] if keepdim else [b.ints([axis])]), [c.outs[0]])
    if c.outs[1]:
        b.op('Identity', [last], [c.outs[1]])


@converts('UniqueOp')
def _unique(b, c):
    """ONNX Unique, as PyTorch's exporter writes ``torch.unique``; always sorted (ember's result is,
    whatever ``sorted`` says), and the inverse indices reshaped to the input's shape (ONNX gives
    them flat when no dim is given)."""
    x = c.args[0]
    return_inverse = bool(arg(c, 2, 'return_inverse', False))
    return_counts = bool(arg(c, 3, 'return_counts', False))
    dim = arg(c, 4, 'dim', None)
    attrs = {'sorted': 1} if dim is None else {'axis': dim % len(x.shape), 'sorted': 1}
    outs = iter(c.outs)
    values = next(outs)
    inverse = next(outs) if return_inverse else ''
    counts = next(outs) if return_counts else ''
    flat_inverse = '' if not inverse else (inverse if dim is not None or len(x.shape) == 1 else b.fresh('Unique'))
    b.op('Unique', [c.x(0)], [values, '', flat_inverse, counts], **attrs)
    if inverse and flat_inverse != inverse:
        b.op('Reshape', [flat_inverse, b.op('Shape', [c.x(0)])], [inverse])


@converts('NonzeroOp')
def _nonzero(b, c):
    """ONNX NonZero (one row per dimension), transposed to PyTorch's one row per element; with
    ``as_tuple``, one 1-D tensor per dimension."""
    x = c.args[0]
    if not len(x.shape):
        _unsupported(c, 'a 0-dim input')
    rows = b.op('NonZero', [c.x(0)])
    if not arg(c, 1, 'as_tuple', False):
        b.op('Transpose', [rows], [c.out], perm=[1, 0])
        return
    for d, out in enumerate(c.outs):
        b.op('Squeeze', [b.op('Slice', [rows, b.ints([d]), b.ints([d + 1]), b.ints([0])]), b.ints([0])],
             [out or b.fresh('unused')])


@converts('BucketizeOp')
def _bucketize(b, c):
    """The bucket of each value: how many boundaries lie below it (``right``: at or below it), as
    PyTorch's exporter writes ``torch.bucketize``; NaN goes past the last boundary, as NumPy's search."""
    if not isinstance(c.args[0], Value) or not isinstance(c.args[1], Value) or len(c.args[1].shape) != 1:
        _unsupported(c, 'a number for input, or boundaries that are not a 1-D tensor')
    right, out_int32 = arg(c, 4, 'right', False), arg(c, 3, 'out_int32', False)
    x, bounds = c.x(0), c.x(1)
    column = b.op('Unsqueeze', [x, b.ints([-1])])
    below = b.op('LessOrEqual' if right else 'Less', [bounds, column])
    count = reduce(b, 'ReduceSum', b.op('Cast', [below], to=_onnx_type(np.int64)), [-1], 0)
    if c.args[0].dtype.is_floating_point:
        count = b.op('Where', [b.op('IsNaN', [x]), b.op('Shape', [bounds]), count])
    b.op('Cast', [count], [c.out], to=_onnx_type(np.int32 if out_int32 else np.int64))

