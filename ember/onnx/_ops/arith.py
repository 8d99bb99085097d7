"""ONNX translations: more elementwise math (inverse trigonometry, logarithms, rounding, remainders)."""
import math

import numpy as np

from ._core import converts, _onnx_type

for _name in ('Atan', 'Asin', 'Acos', 'Sinh', 'Cosh', 'Tan', 'Round', 'Acosh', 'Asinh', 'Atanh'):
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


@converts('Xlogy', 'XlogyScalarOther', 'XlogySelfScalar')
def _xlogy(b, c):
    """x * log(y), 0 where x is 0 unless y is NaN (a number ``y`` arrives as its log)."""
    from ember._trace import Value
    x, y, other = c.args
    dt = c.dtype
    log_y = b.op('Log', [c.x(1, b, dt)]) if isinstance(y, Value) else c.x(1, b, dt)
    xs = c.x(0, b, dt)
    zero = b.const(np.asarray(0, dt))
    out = b.op('Where', [b.op('Equal', [xs, zero]), zero, b.op('Mul', [xs, log_y])])
    if isinstance(other, Value):
        out = b.op('Where', [b.op('IsNaN', [c.x(2, b, dt)]), b.const(np.asarray(np.nan, dt)), out])
    b.op('Identity', [out], [c.out])


@converts('Erfc')
def _erfc(b, c):
    b.op('Sub', [b.const(np.asarray(1, c.dtype)), b.op('Erf', [c.x(0)])], [c.out])


@converts('Logaddexp')
def _logaddexp(b, c):
    # max(a, b) + log1p(exp(-|a - b|)): no overflow for large inputs
    a, o = c.x(0, b, c.dtype), c.x(1, b, c.dtype)
    gap = b.op('Exp', [b.op('Neg', [b.op('Abs', [b.op('Sub', [a, o])])])])
    soft = b.op('Log', [b.op('Add', [b.const(np.asarray(1, c.dtype)), gap])])
    b.op('Add', [b.op('Max', [a, o]), soft], [c.out])


@converts('Deg2Rad', 'Rad2Deg')
def _angle_units(b, c):
    factor = math.pi / 180 if c.node.name == 'Deg2Rad' else 180 / math.pi
    b.op('Mul', [c.x(0, b, c.dtype), b.const(np.asarray(factor, c.dtype))], [c.out])


@converts('Fmax', 'Fmin')
def _fmax(b, c):
    # the other operand where one is NaN
    a, o = c.x(0, b, c.dtype), c.x(1, b, c.dtype)
    both = b.op('Max' if c.node.name == 'Fmax' else 'Min', [a, o])
    if np.dtype(c.dtype).kind == 'f':
        both = b.op('Where', [b.op('IsNaN', [a]), o, b.op('Where', [b.op('IsNaN', [o]), a, both])])
    b.op('Identity', [both], [c.out])


@converts('Heaviside')
def _heaviside(b, c):
    x, values = c.x(0, b, c.dtype), c.x(1, b, c.dtype)
    zero = b.const(np.asarray(0, c.dtype))
    step = b.op('Cast', [b.op('Greater', [x, zero])], to=_onnx_type(c.dtype))
    out = b.op('Where', [b.op('Equal', [x, zero]), values, step])
    if np.dtype(c.dtype).kind == 'f':  # NaN stays NaN
        out = b.op('Where', [b.op('IsNaN', [x]), x, out])
    b.op('Identity', [out], [c.out])


@converts('Copysign')
def _copysign(b, c):
    from .predicates import signbit
    magnitude = b.op('Abs', [c.x(0, b, c.dtype)])
    negative = signbit(b, c.x(1, b, c.dtype), c.dtype)
    b.op('Where', [negative, b.op('Neg', [magnitude]), magnitude], [c.out])


@converts('Atan2')
def _atan2(b, c):
    """atan(y / x), moved by pi into the left half-plane; x == 0 gives +-pi/2 (0 where y is 0 too)."""
    y, x = c.x(0, b, c.dtype), c.x(1, b, c.dtype)
    dt = c.dtype
    zero, pi = b.const(np.asarray(0, dt)), b.const(np.asarray(math.pi, dt))
    base = b.op('Atan', [b.op('Div', [y, x])])
    from .predicates import signbit
    y_neg = signbit(b, y, dt)   # -0.0 counts as below: atan2(-0.0, -1) is -pi
    turn = b.op('Where', [y_neg, b.op('Neg', [pi]), pi])
    left = b.op('Where', [b.op('Less', [x, zero]), b.op('Add', [base, turn]), base])
    half = b.op('Mul', [b.op('Sign', [y]), b.const(np.asarray(math.pi / 2, dt))])
    b.op('Where', [b.op('Equal', [x, zero]), half, left], [c.out])


@converts('Logaddexp2')
def _logaddexp2(b, c):
    # max(a, b) + log2(1 + 2**-|a - b|)
    a, o = c.x(0, b, c.dtype), c.x(1, b, c.dtype)
    gap = b.op('Pow', [_scalar(b, c, 2), b.op('Neg', [b.op('Abs', [b.op('Sub', [a, o])])])])
    soft = b.op('Div', [b.op('Log', [b.op('Add', [_scalar(b, c, 1), gap])]), _scalar(b, c, math.log(2))])
    b.op('Add', [b.op('Max', [a, o]), soft], [c.out])


@converts('Ldexp')
def _ldexp(b, c):
    b.op('Mul', [c.x(0, b, c.dtype), b.op('Pow', [_scalar(b, c, 2), c.x(1, b, c.dtype)])], [c.out])


@converts('RPow')
def _rpow(b, c):
    # a number raised to a tensor: (base, exponent) as the op received them
    b.op('Pow', [c.x(1, b, c.dtype), c.x(0, b, c.dtype)], [c.out])


@converts('Xlog1py')
def _xlog1py(b, c):
    """x * log1p(y), 0 where x is 0 unless y is NaN."""
    xs, ys = c.x(0, b, c.dtype), c.x(1, b, c.dtype)
    zero = _scalar(b, c, 0)
    out = b.op('Where', [b.op('Equal', [xs, zero]), zero, b.op('Mul', [xs, b.op('Log', [b.op('Add', [ys, _scalar(b, c, 1)])])])])
    b.op('Where', [b.op('IsNaN', [ys]), _scalar(b, c, np.nan), out], [c.out])


@converts('SpecialEntr')
def _entr(b, c):
    """-x log x for x > 0, 0 at 0, -inf below 0 (NaN stays NaN)."""
    xs = c.x(0, b, c.dtype)
    zero = _scalar(b, c, 0)
    positive = b.op('Neg', [b.op('Mul', [xs, b.op('Log', [xs])])])
    out = b.op('Where', [b.op('Equal', [xs, zero]), zero, positive])
    b.op('Where', [b.op('Less', [xs, zero]), _scalar(b, c, -np.inf), out], [c.out])
