"""ONNX translations: the ops with no gradient recorded whole (tests of values, logical and bitwise
NOT, one_hot, count_nonzero)."""
import numpy as np

from ._core import converts, reduce, _onnx_type


def _float(b, c, i=0):
    """Argument ``i`` as a float tensor (integers are cast: IsNaN/IsInf take floats only)."""
    dt = c.args[i].example._data.dtype
    return c.x(i) if dt.kind == 'f' else b.op('Cast', [c.x(i)], to=_onnx_type(np.float32))


def _is_float(c, i=0):
    return c.args[i].example._data.dtype.kind == 'f'


def _false_like(b, c):
    return b.op('Cast', [b.op('Mul', [c.x(0), b.const(np.asarray(0, c.args[0].example._data.dtype))])],
                to=_onnx_type(np.bool_))


@converts('IsNan')
def _isnan(b, c):
    if _is_float(c):
        b.op('IsNaN', [c.x(0)], [c.out])
    else:  # integers and bools are never NaN
        b.op('Identity', [_false_like(b, c)], [c.out])


@converts('IsInf', 'IsPosInf', 'IsNegInf')
def _isinf(b, c):
    if not _is_float(c):
        b.op('Identity', [_false_like(b, c)], [c.out])
        return
    pos, neg = {'IsInf': (1, 1), 'IsPosInf': (1, 0), 'IsNegInf': (0, 1)}[c.node.name]
    b.op('IsInf', [c.x(0)], [c.out], detect_positive=pos, detect_negative=neg)


@converts('IsFinite')
def _isfinite(b, c):
    if not _is_float(c):
        b.op('Not', [_false_like(b, c)], [c.out])
        return
    bad = b.op('Or', [b.op('IsNaN', [c.x(0)]), b.op('IsInf', [c.x(0)])])
    b.op('Not', [bad], [c.out])


def signbit(b, name, dtype):
    """True where the value's sign bit is set: below zero, or -0.0 (whose reciprocal is -inf)."""
    zero = b.const(np.asarray(0, dtype))
    if np.dtype(dtype).kind != 'f':
        return b.op('Less', [name, zero])
    return b.op('Or', [b.op('Less', [name, zero]), b.op('Less', [b.op('Reciprocal', [name]), zero])])


@converts('SignBit')
def _signbit(b, c):
    dt = c.args[0].example._data.dtype
    b.op('Identity', [signbit(b, c.x(0), dt) if dt != np.bool_ else _false_like(b, c)], [c.out])


def _as_bool(b, c, i=0):
    dt = c.args[i].example._data.dtype
    if dt == np.bool_:
        return c.x(i)
    return b.op('Not', [b.op('Equal', [c.x(i), b.const(np.asarray(0, dt))])])


@converts('LogicalNot')
def _logical_not(b, c):
    b.op('Not', [_as_bool(b, c)], [c.out])


@converts('BitwiseNot')
def _bitwise_not(b, c):
    if c.dtype == np.bool_:
        b.op('Not', [c.x(0)], [c.out])
    elif b.opset >= 18:
        b.op('BitwiseNot', [c.x(0)], [c.out])
    elif c.dtype.kind == 'i':  # two's complement: ~x == -x - 1
        b.op('Sub', [b.op('Neg', [c.x(0)]), b.const(np.asarray(1, c.dtype))], [c.out])
    else:  # unsigned: the largest value minus x
        b.op('Sub', [b.const(np.asarray(np.iinfo(c.dtype).max, c.dtype)), c.x(0)], [c.out])


@converts('OneHot')
def _one_hot(b, c):
    classes = c.node.outputs[0].shape[-1]  # the traced count (num_classes=-1 takes the largest index + 1)
    values = b.const(np.asarray([0, 1], np.int64))
    b.op('OneHot', [c.x(0), b.ints(classes), values], [c.out], axis=-1)


@converts('CountNonzero')
def _count_nonzero(b, c):
    x = c.args[0]
    dim = c.args[1] if len(c.args) > 1 else c.node.kwargs.get('dim')
    rank = len(x.shape)
    dims = list(range(rank)) if dim is None else [d % rank for d in ((dim,) if isinstance(dim, int) else dim)]
    ones = b.op('Cast', [_as_bool(b, c)], to=_onnx_type(np.int64))
    b.op('Identity', [reduce(b, 'ReduceSum', ones, dims, 0)], [c.out])
