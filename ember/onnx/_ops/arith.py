"""ONNX translations: more elementwise math (inverse trigonometry, logarithms, rounding, remainders)."""
import math

import numpy as np

from ._core import converts

for _name in ('Atan', 'Asin', 'Acos', 'Sinh', 'Cosh', 'Tan', 'Round'):
    converts(_name)(lambda b, c, _onnx=_name: b.op(_onnx, [c.x(0)], [c.out]))


def _scalar(b, c, value):
    return b.const(np.asarray(value, c.dtype))


@converts('Log1P')
def _log1p(b, c):
    b.op('Log', [b.op('Add', [c.x(0, b, c.dtype), _scalar(b, c, 1)])], [c.out])


@converts('Expm1')
def _expm1(b, c):
    b.op('Sub', [b.op('Exp', [c.x(0, b, c.dtype)]), _scalar(b, c, 1)], [c.out])


@converts('Exp2')
def _exp2(b, c):
    b.op('Pow', [_scalar(b, c, 2), c.x(0, b, c.dtype)], [c.out])


@converts('Log2', 'Log10')
def _log_base(b, c):
    base = 2 if c.node.name == 'Log2' else 10
    b.op('Div', [b.op('Log', [c.x(0, b, c.dtype)]), _scalar(b, c, math.log(base))], [c.out])


def _trunc(b, x):
    return b.op('Mul', [b.op('Sign', [x]), b.op('Floor', [b.op('Abs', [x])])])


@converts('Trunc')
def _trunc_op(b, c):
    b.op('Identity', [_trunc(b, c.x(0)) if c.dtype.kind == 'f' else c.x(0)], [c.out])


@converts('Frac')
def _frac(b, c):
    b.op('Sub', [c.x(0), _trunc(b, c.x(0))], [c.out])


@converts('FloorDivide', 'DivideRounded')
def _rounded_divide(b, c):
    mode = c.args[2]
    if c.dtype.kind != 'f':   # integers: divide exactly in float64, round, and come back
        a, d = c.x(0, b, np.float64), c.x(1, b, np.float64)
    else:
        a, d = c.x(0, b, c.dtype), c.x(1, b, c.dtype)
    q = b.op('Div', [a, d])
    q = b.op('Floor', [q]) if mode == 'floor' else _trunc(b, q) if mode == 'trunc' else q
    if c.dtype.kind != 'f':
        q = b.op('Cast', [q], to=_tensor_type(c.dtype))
    b.op('Identity', [q], [c.out])


@converts('Remainder', 'RemainderTensor')
def _remainder(b, c):
    # Python's remainder takes the divisor's sign: a - floor(a / b) * b
    a, d = c.x(0, b, c.dtype), c.x(1, b, c.dtype)
    if c.dtype.kind != 'f':
        b.op('Mod', [a, d], [c.out], fmod=0)
        return
    floor = b.op('Floor', [b.op('Div', [a, d])])
    b.op('Sub', [a, b.op('Mul', [floor, d])], [c.out])


@converts('Fmod', 'FmodTensor')
def _fmod(b, c):
    b.op('Mod', [c.x(0, b, c.dtype), c.x(1, b, c.dtype)], [c.out], fmod=1)


@converts('Maximum', 'Minimum')
def _min_max(b, c):
    b.op('Max' if c.args[2] else 'Min', [c.x(0, b, c.dtype), c.x(1, b, c.dtype)], [c.out])


def _tensor_type(dtype):
    from ._core import _onnx_type
    return _onnx_type(dtype)
