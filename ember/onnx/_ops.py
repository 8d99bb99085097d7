"""How each captured ember op becomes ONNX nodes: one small function per op, looked up by the op's name.

A converter gets the builder ``b`` and the call ``c`` (:class:`Call`) and writes ONNX nodes whose
last output is named ``c.out`` (``c.outs`` for several).
"""
import math

import numpy as np

CONVERTERS = {}


def converts(*names):
    def register(fn):
        for n in names:
            CONVERTERS[n] = fn
        return fn
    return register


class Call:
    """One captured node seen by its converter: ONNX names of its tensor arguments, its constants."""

    def __init__(self, node, names, dynamic):
        self.node, self._names, self.dynamic = node, names, dynamic
        self.args = node.args
        self.outs = [names[id(v)] if v is not None else '' for v in node.outputs]
        self.out = self.outs[0]
        self.dtype = node.outputs[0].example._data.dtype

    def x(self, i, b=None, dtype=None):
        """The ONNX name of argument ``i``; a Python number becomes a constant of ``dtype`` (default:
        the result's dtype); with ``dtype`` a tensor of another dtype is cast to it."""
        from ember._trace import Value
        a = self.args[i]
        if isinstance(a, Value):
            name = self._names[id(a)]
            have = a.example._data.dtype
            if dtype is not None and have != dtype:
                name = b.op('Cast', [name], to=_onnx_type(dtype))
            return name
        return b.const(np.asarray(a, dtype=self.dtype if dtype is None else dtype))

    def operand_dtype(self):
        """The dtype two tensor operands of a comparison meet in (a Python number adapts to them)."""
        from ember._trace import Value
        dts = [a.example._data.dtype for a in self.args if isinstance(a, Value)]
        return np.result_type(*dts)

    def shape(self, i):
        """Argument ``i`` (a target shape); where it follows a dynamic axis, -1 (or 1 for expand)."""
        shape = list(self.args[i])
        for pos in self.dynamic.get(i, ()):
            shape[pos] = 1 if self.node.name == 'Expand' else -1
        if self.node.name != 'Expand' and shape.count(-1) > 1:
            raise NotImplementedError(
                f"ember.onnx.export: the shape {tuple(self.args[i])} of a {self.node.name} depends on more than "
                f"one dynamic axis; export with fewer dynamic_axes")
        return shape

    def rank(self, i=0):
        return len(self.args[i].shape)


def _onnx_type(np_dtype):
    import onnx
    return onnx.helper.np_dtype_to_tensor_dtype(np.dtype(np_dtype))


def _unsupported(c, what):
    raise NotImplementedError(f"ember.onnx.export: {c.node.name} with {what} is not supported")


# ---------------------------------------------------------------- elementwise
_UNARY = {'Relu': 'Relu', 'Sigmoid': 'Sigmoid', 'Tanh': 'Tanh', 'Exp': 'Exp', 'Log': 'Log', 'Sqrt': 'Sqrt',
          'Neg': 'Neg', 'Abs': 'Abs', 'Erf': 'Erf', 'Reciprocal': 'Reciprocal', 'Sin': 'Sin', 'Cos': 'Cos',
          'Floor': 'Floor', 'Ceil': 'Ceil', 'Sign': 'Sign'}
for _name, _onnx in _UNARY.items():
    converts(_name)(lambda b, c, _onnx=_onnx: b.op(_onnx, [c.x(0)], [c.out]))


@converts('Clone', 'Contiguous', 'Alias')
def _identity(b, c):
    b.op('Identity', [c.x(0)], [c.out])


@converts('Rsqrt')
def _rsqrt(b, c):
    b.op('Reciprocal', [b.op('Sqrt', [c.x(0)])], [c.out])


_BINARY = {'Add': 'Add', 'Sub': 'Sub', 'Mul': 'Mul', 'Div': 'Div', 'Pow': 'Pow'}


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


@converts('MaskedFill')
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
    b.op('Mish', [c.x(0)], [c.out])


@converts('Softplus')
def _softplus(b, c):
    x, beta, threshold = c.args[:3]
    beta_c = b.const(np.asarray(beta, c.dtype))
    scaled = b.op('Mul', [c.x(0), beta_c])
    soft = b.op('Div', [b.op('Softplus', [scaled]), beta_c])
    # above the threshold the input itself, as PyTorch's kernel returns it
    above = b.op('Greater', [scaled, b.const(np.asarray(threshold, c.dtype))])
    b.op('Where', [above, c.x(0), soft], [c.out])


@converts('LeakyRelu')
def _leaky_relu(b, c):
    b.op('LeakyRelu', [c.x(0)], [c.out], alpha=float(c.args[1]))


@converts('Elu')
def _elu(b, c):
    alpha, scale, input_scale = c.args[1:4]
    if input_scale != 1:
        _unsupported(c, f"input_scale={input_scale}")
    if scale == 1:
        b.op('Elu', [c.x(0)], [c.out], alpha=float(alpha))
    else:  # selu
        b.op('Selu', [c.x(0)], [c.out], alpha=float(alpha), gamma=float(scale))


@converts('Hardtanh', 'Clamp')
def _clip(b, c):
    lo, hi = c.args[1], c.args[2]
    bounds = ['' if v is None else b.const(np.asarray(v, c.dtype)) for v in (lo, hi)]
    b.op('Clip', [c.x(0)] + bounds, [c.out])


@converts('Softmax', 'LogSoftmax')
def _softmax(b, c):
    b.op(c.node.name, [c.x(0)], [c.out], axis=int(c.args[1]))


# ---------------------------------------------------------------- linear algebra
@converts('MmT')
def _mm_t(b, c):
    _addmm_like(b, c, c.args[1], [c.x(0)], 1)


@converts('Mm', 'Bmm', 'Matmul', 'BatchedMatmul')
def _matmul(b, c):
    b.op('MatMul', [c.x(0), c.x(1)], [c.out])


@converts('Addmm')
def _addmm(b, c):
    bias, x, wt = c.args[:3]
    if len(c.args) > 3 and tuple(c.args[3:]) != (1, 1):
        _unsupported(c, "beta/alpha other than 1")
    _addmm_like(b, c, wt, [c.x(1)], 2, [c.x(0)])


def _addmm_like(b, c, wt, x, wt_index, bias=()):
    from ember._trace import Value
    producer = wt.producer if isinstance(wt, Value) else None
    if producer is not None and producer.name == 'T' and len(wt.shape) == 2:
        # Linear: x @ W.T (+ b) as one Gemm reading W itself
        b.op('Gemm', x + [c._names[id(producer.args[0])]] + list(bias), [c.out], transB=1)
    else:
        b.op('Gemm', x + [c.x(wt_index)] + list(bias), [c.out])


@converts('ScaledDotProductAttention')
def _attention(b, c):
    q, k, v, mask, is_causal, scale, groups = c.args
    if groups != 1:
        _unsupported(c, "grouped key/value heads")
    n, s = q.shape[-2], k.shape[-2]
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
    perm = list(range(len(k.shape)))
    perm[-2], perm[-1] = perm[-1], perm[-2]
    scores = b.op('MatMul', [c.x(0), b.op('Transpose', [c.x(1)], perm=perm)])
    scores = b.op('Mul', [scores, b.const(np.asarray(scale, c.dtype))])
    if is_causal:
        keep = np.tril(np.ones((n, s), dtype=bool))
        scores = b.op('Add', [scores, b.const(np.where(keep, 0, -np.inf).astype(c.dtype))])
    if mask is not None:
        if mask.example._data.dtype == np.bool_:  # True means: attend
            mask = b.op('Where', [c.x(3), b.const(np.asarray(0, c.dtype)), b.const(np.asarray(-np.inf, c.dtype))])
        else:
            mask = c.x(3)
        scores = b.op('Add', [scores, mask])
    b.op('MatMul', [b.op('Softmax', [scores], axis=-1), c.x(2)], [c.out])


# ---------------------------------------------------------------- shapes
@converts('View', 'UnsafeView', 'Reshape', 'ReshapeAlias')
def _reshape(b, c):
    b.op('Reshape', [c.x(0), b.ints(c.shape(1))], [c.out])


@converts('Expand')
def _expand(b, c):
    shape = [1 if d == -1 else d for d in c.shape(1)]
    b.op('Expand', [c.x(0), b.ints(shape)], [c.out])


@converts('T')
def _t(b, c):
    if c.rank() < 2:
        b.op('Identity', [c.x(0)], [c.out])
    else:
        b.op('Transpose', [c.x(0)], [c.out], perm=[1, 0])


@converts('Transpose')
def _transpose(b, c):
    perm = list(range(c.rank()))
    d0, d1 = c.args[1] % len(perm), c.args[2] % len(perm)
    perm[d0], perm[d1] = perm[d1], perm[d0]
    b.op('Transpose', [c.x(0)], [c.out], perm=perm)


@converts('Permute')
def _permute(b, c):
    b.op('Transpose', [c.x(0)], [c.out], perm=[d % c.rank() for d in c.args[1]])


@converts('Unsqueeze')
def _unsqueeze(b, c):
    b.op('Unsqueeze', [c.x(0), b.ints([c.args[1]])], [c.out])


@converts('SqueezeDim', 'Squeeze')
def _squeeze(b, c):
    dims = c.args[1] if len(c.args) > 1 else None
    if dims is None:
        dims = [i for i, d in enumerate(c.args[0].shape) if d == 1]
    dims = [d for d in (dims if isinstance(dims, (tuple, list)) else [dims]) if c.args[0].shape[d] == 1]
    if not dims:
        b.op('Identity', [c.x(0)], [c.out])
    else:
        b.op('Squeeze', [c.x(0), b.ints(dims)], [c.out])


@converts('Narrow', 'SplitPiece', 'SplitWithSizesPiece')
def _narrow(b, c):
    _, dim, start, length = c.args[:4]
    b.op('Slice', [c.x(0), b.ints([start]), b.ints([start + length]), b.ints([dim])], [c.out])


@converts('Split')
def _split(b, c):
    _, dim, sizes = c.args[:3]
    outs = [o or b.fresh('unused') for o in c.outs]
    b.op('Split', [c.x(0), b.ints(list(sizes))], outs, axis=int(dim))


@converts('Unbind')
def _unbind(b, c):
    x, dim = c.args[:2]
    n = x.shape[dim]
    pieces = b.op('Split', [c.x(0), b.ints([1] * n)], n, axis=int(dim))
    pieces = [pieces] if n == 1 else pieces
    axes = b.ints([dim])
    for piece, out in zip(pieces, c.outs):
        b.op('Squeeze', [piece, axes], [out or b.fresh('unused')])


@converts('ConstantPadNd')
def _pad(b, c):
    x, pads, value = c.args[:3]
    flat = [p[0] for p in pads] + [p[1] for p in pads]
    b.op('Pad', [c.x(0), b.ints(flat), b.const(np.asarray(value, c.dtype))], [c.out], mode='constant')


@converts('IndexSelect')
def _index_select(b, c):
    b.op('Gather', [c.x(0), c.x(2)], [c.out], axis=int(c.args[1]))


@converts('Cat')
def _cat(b, c):
    names = [c.x(i) for i in range(1, len(c.args)) if c.args[i].shape != (0,)]
    b.op('Concat', names, [c.out], axis=int(c.args[0]))


@converts('Stack')
def _stack(b, c):
    dim = int(c.args[0])
    axes = b.ints([dim if dim >= 0 else dim + len(c.args[1].shape) + 1])
    b.op('Concat', [b.op('Unsqueeze', [c.x(i), axes]) for i in range(1, len(c.args))], [c.out], axis=dim)


@converts('BasicIndex', 'SelectIndex')
def _basic_index(b, c):
    key, advanced = c.args[1]
    if advanced is not None:
        _unsupported(c, "tensor indices")
    key = key if isinstance(key, tuple) else (key,)
    shape = c.args[0].shape
    used = sum(1 for k in key if k is not None and k is not Ellipsis)
    if Ellipsis in key:
        i = key.index(Ellipsis)
        key = key[:i] + (slice(None),) * (len(shape) - used) + key[i + 1:]
    starts, ends, axes, steps, squeeze, unsqueeze = [], [], [], [], [], []
    dim = out_dim = 0
    for k in key:
        if k is None:
            unsqueeze.append(out_dim)
            out_dim += 1
            continue
        if isinstance(k, slice):
            start, stop, step = k.indices(shape[dim])
            if step < 0:
                _unsupported(c, "a negative step")
            if (start, stop, step) != (0, shape[dim], 1):
                starts.append(start), ends.append(stop), axes.append(dim), steps.append(step)
            out_dim += 1
        else:
            k = int(k) % shape[dim]
            starts.append(k), ends.append(k + 1), axes.append(dim), steps.append(1)
            squeeze.append(dim)
        dim += 1
    x = c.x(0)
    if starts:
        x = b.op('Slice', [x, b.ints(starts), b.ints(ends), b.ints(axes), b.ints(steps)])
    if squeeze:
        x = b.op('Squeeze', [x, b.ints(squeeze)])
    if unsqueeze:
        x = b.op('Unsqueeze', [x, b.ints(unsqueeze)])
    b.op('Identity', [x], [c.out])


# ---------------------------------------------------------------- reductions
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
@converts('Convolution')
def _conv(b, c):
    x, w, bias, stride, pads, dilation, transposed, output_padding, groups = c.args
    inputs = [c.x(0), c.x(1)] + ([] if bias is None else [c.x(2)])
    pads = [p[0] for p in pads] + [p[1] for p in pads]
    if transposed:
        b.op('ConvTranspose', inputs, [c.out], strides=list(stride), pads=pads, dilations=list(dilation),
             group=int(groups), output_padding=list(output_padding))
    else:
        b.op('Conv', inputs, [c.out], strides=list(stride), pads=pads, dilations=list(dilation),
             group=int(groups), kernel_shape=list(w.shape[2:]))


@converts('NativeBatchNorm')
def _batch_norm(b, c):
    x, weight, bias, mean, var, training, eps = c.args
    if training or mean is None:
        _unsupported(c, "batch statistics (export the model in eval mode)")
    ch = x.shape[1]
    scale = c.x(1) if weight is not None else b.const(np.ones(ch, c.dtype))
    shift = c.x(2) if bias is not None else b.const(np.zeros(ch, c.dtype))
    b.op('BatchNormalization', [c.x(0), scale, shift, c.x(3), c.x(4)], [c.outs[0]], epsilon=float(eps))


@converts('NativeGroupNorm')
def _group_norm(b, c):
    x, weight, bias, groups, eps = c.args
    # normalise each group of channels over its elements, then scale and shift each channel
    grouped = b.op('Reshape', [c.x(0), b.ints([0, groups, -1])])
    axes = b.ints([2])
    mean = b.op('ReduceMean', [grouped, axes], keepdims=1) if b.opset >= 18 else \
        b.op('ReduceMean', [grouped], axes=[2], keepdims=1)
    centred = b.op('Sub', [grouped, mean])
    square = b.op('Mul', [centred, centred])
    var = b.op('ReduceMean', [square, axes], keepdims=1) if b.opset >= 18 else \
        b.op('ReduceMean', [square], axes=[2], keepdims=1)
    normed = b.op('Div', [centred, b.op('Sqrt', [b.op('Add', [var, b.const(np.asarray(eps, c.dtype))])])])
    y = b.op('Reshape', [normed, b.op('Shape', [c.x(0)])])
    per_channel = b.ints([x.shape[1]] + [1] * (len(x.shape) - 2))
    if weight is not None:
        y = b.op('Mul', [y, b.op('Reshape', [c.x(1), per_channel])])
    if bias is not None:
        y = b.op('Add', [y, b.op('Reshape', [c.x(2), per_channel])])
    b.op('Identity', [y], [c.outs[0]])


@converts('NativeLayerNorm')
def _layer_norm(b, c):
    x, weight, bias, k, eps = c.args
    shape = x.shape[len(x.shape) - k:]
    scale = c.x(1) if weight is not None else b.const(np.ones(shape, c.dtype))
    inputs = [c.x(0), scale] + ([c.x(2)] if bias is not None else [])
    b.op('LayerNormalization', inputs, [c.outs[0]], axis=-k, epsilon=float(eps))


def _pool_pads(padding):
    return list(padding) * 2


@converts('MaxPoolWithIndices')
def _max_pool(b, c):
    x, kernel, stride, padding, dilation, ceil_mode, return_indices = c.args
    if return_indices:
        _unsupported(c, "return_indices=True")
    b.op('MaxPool', [c.x(0)], [c.out], kernel_shape=list(kernel), strides=list(stride),
         pads=_pool_pads(padding), dilations=list(dilation), ceil_mode=int(bool(ceil_mode)))


@converts('AvgPool')
def _avg_pool(b, c):
    x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override = c.args
    if divisor_override is not None:
        _unsupported(c, "divisor_override")
    b.op('AveragePool', [c.x(0)], [c.out], kernel_shape=list(kernel), strides=list(stride),
         pads=_pool_pads(padding), ceil_mode=int(bool(ceil_mode)), count_include_pad=int(bool(count_include_pad)))


@converts('AdaptiveAvgPool')
def _adaptive_avg_pool(b, c):
    x, out = c.args[:2]
    size = x.shape[2:]
    out = [s if o is None else o for s, o in zip(size, out)]
    if all(o == 1 for o in out):
        b.op('GlobalAveragePool', [c.x(0)], [c.out])
    elif all(s % o == 0 for s, o in zip(size, out)):
        kernel = [s // o for s, o in zip(size, out)]
        b.op('AveragePool', [c.x(0)], [c.out], kernel_shape=kernel, strides=kernel)
    else:
        _unsupported(c, f"output size {tuple(out)} not dividing the input size {tuple(size)}")


@converts('Embedding')
def _embedding(b, c):
    b.op('Gather', [c.x(0), c.x(1)], [c.out], axis=0)
