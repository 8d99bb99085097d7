"""ONNX translations: elementwise ops, activations and casts."""
import math

import numpy as np

from ._core import converts, _onnx_type, _unsupported


_UNARY = {'Relu': 'Relu', 'Sigmoid': 'Sigmoid', 'Tanh': 'Tanh', 'Exp': 'Exp', 'Log': 'Log', 'Sqrt': 'Sqrt',
          'Neg': 'Neg', 'Abs': 'Abs', 'Erf': 'Erf', 'Reciprocal': 'Reciprocal', 'Sin': 'Sin', 'Cos': 'Cos',
          'Floor': 'Floor', 'Ceil': 'Ceil', 'Sign': 'Sign',
          'Sgn': 'Sign'}   # (sgn of a real tensor is its sign; complex tensors do not export)
for _name, _onnx in _UNARY.items():
    converts(_name)(lambda b, c, _onnx=_onnx: b.op(_onnx, [c.x(0)], [c.out]))


@converts('Clone', 'Contiguous', 'Alias')
def _identity(b, c):
    b.op('Identity', [c.x(0)], [c.out])


@converts('Rsqrt')
def _rsqrt(b, c):
    b.op('Reciprocal', [b.op('Sqrt', [c.x(0)])], [c.out])


_BINARY = {'Add': 'Add', 'Sub': 'Sub', 'Mul': 'Mul', 'Div': 'Div', 'Pow': 'Pow',
           # (a tensor and a double, as ember's composites record PyTorch's Scalar overloads)
           'AddScalar': 'Add', 'SubScalar': 'Sub', 'MulScalar': 'Mul', 'DivScalar': 'Div'}


@converts(*_BINARY)
def _binary(b, c):
    # operands meet in the result's dtype (an int tensor plus a float gives a float)
    other = c.x(1, b, c.dtype)
    if len(c.args) > 2 and c.args[2] != 1:  # add/sub's alpha scales the second operand
        other = b.op('Mul', [other, b.const(np.asarray(c.args[2], dtype=c.dtype))])
    b.op(_BINARY[c.node.name], [c.x(0, b, c.dtype), other], [c.out])


@converts('RSub')
def _rsub(b, c):
    b.op('Sub', [c.x(1, b, c.dtype), c.x(0, b, c.dtype)], [c.out])


@converts('RSubScaled')
def _rsub_scaled(b, c):
    # number - alpha * tensor
    scaled = b.op('Mul', [c.x(0, b, c.dtype), b.const(np.asarray(c.args[2], dtype=c.dtype))])
    b.op('Sub', [c.x(1, b, c.dtype), scaled], [c.out])


@converts('RDiv')
def _rdiv(b, c):
    b.op('Div', [c.x(1, b, c.dtype), c.x(0, b, c.dtype)], [c.out])


@converts('PowScalar')
def _pow_scalar(b, c):
    b.op('Pow', [c.x(0, b, c.dtype), c.x(1, b, c.dtype)], [c.out])


_COMPARE = {'Eq': 'Equal', 'Lt': 'Less', 'Le': 'LessOrEqual', 'Gt': 'Greater', 'Ge': 'GreaterOrEqual'}


@converts(*_COMPARE, 'Ne')
def _compare(b, c):
    dt = c.operand_dtype()
    pair = [c.x(0, b, dt), c.x(1, b, dt)]
    if c.node.name == 'Ne':
        b.op('Not', [b.op('Equal', pair)], [c.out])
    else:
        b.op(_COMPARE[c.node.name], pair, [c.out])


@converts('Where')
def _where(b, c):
    dt = np.dtype(c.args[3])
    b.op('Where', [c.x(0, b, np.bool_), c.x(1, b, dt), c.x(2, b, dt)], [c.out])


@converts('MaskedFill', 'MaskedFillTensor')
def _masked_fill(b, c):
    b.op('Where', [c.x(1, b, np.bool_), c.x(2, b, c.dtype), c.x(0)], [c.out])


@converts('ToCopy')
def _to_copy(b, c):
    if c.args[0].example._data.dtype == c.dtype:
        b.op('Identity', [c.x(0)], [c.out])
    else:
        b.op('Cast', [c.x(0)], [c.out], to=_onnx_type(c.dtype))


@converts('Silu')
def _silu(b, c):
    b.op('Mul', [c.x(0), b.op('Sigmoid', [c.x(0)])], [c.out])


@converts('Gelu')
def _gelu(b, c):
    x, approximate = c.x(0), c.args[1]
    if b.opset >= 20:
        b.op('Gelu', [x], [c.out], approximate=approximate)
        return
    half = b.const(np.asarray(0.5, c.dtype))
    one = b.const(np.asarray(1.0, c.dtype))
    if approximate == 'tanh':  # 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
        cube = b.op('Mul', [b.op('Mul', [x, x]), x])
        inner = b.op('Add', [x, b.op('Mul', [cube, b.const(np.asarray(0.044715, c.dtype))])])
        t = b.op('Tanh', [b.op('Mul', [inner, b.const(np.asarray(math.sqrt(2 / math.pi), c.dtype))])])
    else:  # 0.5 x (1 + erf(x / sqrt(2)))
        t = b.op('Erf', [b.op('Div', [x, b.const(np.asarray(math.sqrt(2), c.dtype))])])
    b.op('Mul', [b.op('Mul', [x, half]), b.op('Add', [t, one])], [c.out])


@converts('Hardswish')
def _hardswish(b, c):
    b.op('HardSwish', [c.x(0)], [c.out])


@converts('Hardsigmoid')
def _hardsigmoid(b, c):
    b.op('HardSigmoid', [c.x(0)], [c.out], alpha=1 / 6, beta=0.5)


@converts('Mish')
def _mish(b, c):
    if b.opset >= 18:
        b.op('Mish', [c.x(0)], [c.out])
    else:  # x * tanh(softplus(x)), as ONNX defines Mish
        b.op('Mul', [c.x(0), b.op('Tanh', [b.op('Softplus', [c.x(0)])])], [c.out])


@converts('Softplus')
def _softplus(b, c):
    x, beta, threshold = c.args[:3]
    beta_c = b.const(np.asarray(beta, c.dtype))
    scaled = b.op('Mul', [c.x(0), beta_c])
    soft = b.op('Div', [b.op('Softplus', [scaled]), beta_c])
    # above the threshold the input itself, as PyTorch's kernel returns it
    above = b.op('Greater', [scaled, b.const(np.asarray(threshold, c.dtype))])
    b.op('Where', [above, c.x(0), soft], [c.out])


@converts('LeakyRelu', 'LeakyReluOfResult')
def _leaky_relu(b, c):
    b.op('LeakyRelu', [c.x(0)], [c.out], alpha=float(c.args[1]))


@converts('Elu', 'EluOfResult')
def _elu(b, c):
    alpha, scale, input_scale = c.args[1:4]
    if input_scale != 1:
        _unsupported(c, f"input_scale={input_scale}")
    if scale == 1:
        b.op('Elu', [c.x(0)], [c.out], alpha=float(alpha))
    else:  # selu
        b.op('Selu', [c.x(0)], [c.out], alpha=float(alpha), gamma=float(scale))


# clamp's variants (tensor bounds, one bound) are named apart, as PyTorch's grad_fns are
@converts('Hardtanh', 'Clamp', 'ClampTensor', 'ClampMin', 'ClampMinTensor', 'ClampMax', 'ClampMaxTensor')
def _clip(b, c):
    from ember._trace import Value
    lo, hi = c.args[1], c.args[2]
    if isinstance(lo, Value) or isinstance(hi, Value):
        # tensor bounds, elementwise: Clip takes scalars only
        y = c.x(0)
        y = y if lo is None else b.op('Max', [y, c.x(1, b, c.dtype)])
        b.op('Identity', [y if hi is None else b.op('Min', [y, c.x(2, b, c.dtype)])], [c.out])
        return
    bounds = ['' if v is None else b.const(np.asarray(v, c.dtype)) for v in (lo, hi)]
    b.op('Clip', [c.x(0)] + bounds, [c.out])


@converts('Softmax', 'LogSoftmax')
def _softmax(b, c):
    if not c.rank():  # a 0-dim input: over its one element
        one = b.op(c.node.name, [b.op('Reshape', [c.x(0), b.ints([1])])], axis=0)
        b.op('Reshape', [one, b.ints([])], [c.out])
        return
    b.op(c.node.name, [c.x(0)], [c.out], axis=int(c.args[1]))


@converts('SafeSoftmax')
def _safe_softmax(b, c):
    # softmax, zero where a row is all -inf (ONNX's Softmax gives NaN there; so would a NaN input, zeroed too)
    y = b.op('Softmax', [c.x(0)], axis=int(c.args[1]))
    b.op('Where', [b.op('IsNaN', [y]), b.const(np.asarray(0, c.dtype)), y], [c.out])


# ---------------------------------------------------------------- linear algebra


@converts('Celu', 'CeluOfResult')
def _celu(b, c):
    b.op('Celu', [c.x(0)], [c.out], alpha=float(c.args[1]))


@converts('Hardshrink', 'Softshrink')
def _shrink(b, c):
    lambd = float(c.args[1])
    b.op('Shrink', [c.x(0)], [c.out], lambd=lambd, bias=lambd if c.node.name == 'Softshrink' else 0.0)


@converts('LogSigmoid')
def _log_sigmoid(b, c):
    b.op('Neg', [b.op('Softplus', [b.op('Neg', [c.x(0)])])], [c.out])


@converts('Threshold', 'ThresholdInPlace')
def _threshold(b, c):
    above = b.op('Greater', [c.x(0), b.const(np.asarray(c.args[1], c.dtype))])
    b.op('Where', [above, c.x(0), b.const(np.asarray(c.args[2], c.dtype))], [c.out])


@converts('Prelu')
def _prelu(b, c):
    x, w = c.args[:2]
    slope = c.x(1)
    if len(x.shape) > 2 and w.shape and w.shape[0] > 1:  # one slope per channel (dim 1)
        slope = b.op('Reshape', [slope, b.ints([w.shape[0]] + [1] * (len(x.shape) - 2))])
    b.op('PRelu', [c.x(0), slope], [c.out])


@converts('Glu')
def _glu(b, c):
    first, second = b.op('Split', [c.x(0)], 2, axis=int(c.args[1]), num_outputs=2) if b.opset >= 18 else \
        b.op('Split', [c.x(0), b.ints([c.args[0].shape[c.args[1]] // 2] * 2)], 2, axis=int(c.args[1]))
    b.op('Mul', [first, b.op('Sigmoid', [second])], [c.out])


@converts('NanToNum')
def _nan_to_num(b, c):
    x, nan, posinf, neginf = c.args
    info = np.finfo(c.dtype) if c.dtype.kind == 'f' else None
    if info is None:
        b.op('Identity', [c.x(0)], [c.out])
        return
    y = c.x(0)
    y = b.op('Where', [b.op('IsNaN', [y]), b.const(np.asarray(0.0 if nan is None else nan, c.dtype)), y])
    top = info.max if posinf is None else posinf
    bottom = info.min if neginf is None else neginf
    y = b.op('Where', [b.op('IsInf', [y], detect_negative=0), b.const(np.asarray(top, c.dtype)), y])
    b.op('Where', [b.op('IsInf', [y], detect_positive=0), b.const(np.asarray(bottom, c.dtype)), y], [c.out])


_LOGIC = {'LogicalAnd': 'And', 'LogicalOr': 'Or', 'LogicalXor': 'Xor'}


@converts(*_LOGIC)
def _logical(b, c):
    b.op(_LOGIC[c.node.name], [c.x(0, b, np.bool_), c.x(1, b, np.bool_)], [c.out])


_BITWISE = {'bitwise_and': 'And', 'bitwise_or': 'Or', 'bitwise_xor': 'Xor'}


@converts(*_BITWISE)
def _bitwise(b, c):
    op_type = _BITWISE[c.node.name]
    # booleans are logic; integers (opset 18) are bitwise
    if c.dtype != np.bool_ and b.opset < 18:
        _unsupported(c, f"integer inputs at opset {b.opset} (ONNX's bitwise operators need opset 18)")
    b.op(op_type if c.dtype == np.bool_ else 'Bitwise' + op_type, [c.x(0, b, c.dtype), c.x(1, b, c.dtype)], [c.out])


@converts('bitwise_left_shift', 'bitwise_right_shift')
def _shift(b, c):
    # ONNX's BitShift takes unsigned integers only: x * 2**s, and for >> the floor of x / 2**s
    # (an arithmetic shift, as PyTorch's on signed integers), computed in int64
    x, s = c.x(0, b, np.int64), c.x(1, b, np.int64)
    power = b.op('Pow', [b.const(np.asarray(2, np.int64)), s])
    if c.node.name == 'bitwise_left_shift':
        result = b.op('Mul', [x, power])
    else:
        q = b.op('Div', [x, power])      # rounds toward zero: one less where a negative x left a remainder
        rem = b.op('Sub', [x, b.op('Mul', [q, power])])
        below = b.op('Cast', [b.op('Less', [rem, b.const(np.asarray(0, np.int64))])], to=_onnx_type(np.int64))
        result = b.op('Sub', [q, below])
    b.op('Cast', [result], [c.out], to=_onnx_type(c.dtype))

