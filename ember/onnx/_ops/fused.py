"""ONNX translations: ops ember records as one node each (as PyTorch's grad_fns name them) that ONNX
spells as a few elementwise nodes: rsub of two tensors, lerp, addcmul/addcdiv, hypot, logit, sinc,
trace, nansum."""
import math

import numpy as np

from ._core import converts


def _scalar(b, c, value):
    return b.const(np.asarray(value, c.dtype))


@converts('RSubTensor')
def _rsub_tensor(b, c):
    # other - alpha * input
    a = c.x(0, b, c.dtype)
    if c.args[2] != 1:
        a = b.op('Mul', [a, _scalar(b, c, c.args[2])])
    b.op('Sub', [c.x(1, b, c.dtype), a], [c.out])


@converts('Lerp', 'LerpTensor')
def _lerp(b, c):
    x = c.x(0, b, c.dtype)
    step = b.op('Mul', [b.op('Sub', [c.x(1, b, c.dtype), x]), c.x(2, b, c.dtype)])
    b.op('Add', [x, step], [c.out])


@converts('Addcmul', 'Addcdiv')
def _addc(b, c):
    t = b.op('Mul' if c.node.name == 'Addcmul' else 'Div', [c.x(1, b, c.dtype), c.x(2, b, c.dtype)])
    if c.args[3] != 1:
        t = b.op('Mul', [t, _scalar(b, c, c.args[3])])
    b.op('Add', [c.x(0, b, c.dtype), t], [c.out])


@converts('Hypot')
def _hypot(b, c):
    a, d = c.x(0, b, c.dtype), c.x(1, b, c.dtype)
    b.op('Sqrt', [b.op('Add', [b.op('Mul', [a, a]), b.op('Mul', [d, d])])], [c.out])


@converts('Logit')
def _logit(b, c):
    x = c.x(0, b, c.dtype)
    eps = c.args[1]
    if eps is not None:
        x = b.op('Clip', [x, _scalar(b, c, eps), _scalar(b, c, 1 - eps)])
    b.op('Log', [b.op('Div', [x, b.op('Sub', [_scalar(b, c, 1), x])])], [c.out])


@converts('Sinc')
def _sinc(b, c):
    # sin(pi x) / (pi x), 1 at 0 (the division's divisor set to 1 there so no NaN appears)
    px = b.op('Mul', [c.x(0, b, c.dtype), _scalar(b, c, math.pi)])
    zero = b.op('Equal', [px, _scalar(b, c, 0)])
    one = _scalar(b, c, 1)
    safe = b.op('Where', [zero, one, px])
    b.op('Where', [zero, one, b.op('Div', [b.op('Sin', [safe]), safe])], [c.out])


@converts('Trace')
def _trace(b, c):
    x = c.x(0, b, c.dtype)
    diagonal = b.op('Mul', [x, b.op('EyeLike', [x])])
    b.op('ReduceSum', [diagonal, b.ints([0, 1])], [c.out], keepdims=0)


@converts('Nansum')
def _nansum(b, c):
    x = c.x(0, b, c.dtype)
    if c.dtype.kind == 'f':
        x = b.op('Where', [b.op('IsNaN', [x]), _scalar(b, c, 0), x])
    dims, keepdim = c.args[1], c.args[2]
    if dims is None or dims == ():
        dims = range(c.rank())
    dims = list(dims) if isinstance(dims, (tuple, list, range)) else [dims]
    b.op('ReduceSum', [x, b.ints(dims)], [c.out], keepdims=int(bool(keepdim)))
