"""Operations on quantized tensors (``torch.ops.quantized``' elementwise, pooling and normalisation kernels),
computed as PyTorch's CPU kernels compute them so that the integers agree: values are dequantized as the
vectorised kernels do (``scale * q + (-zero_point * scale)``, one rounding), combined in float32 and
quantized again as ``round(value * (1 / scale)) + zero_point`` (ties to even), clamped to the dtype.

Operations that only select or compare integers (relu, clamps, max pooling) never leave the integers.
"""
import numpy as np

from ember.quantized._qtensor import QTensor, make, _PER_TENSOR
from ember.quantized._dtypes import per_tensor_affine

_F32 = np.float32


def _check_per_tensor(q, op):
    if not isinstance(q, QTensor):
        raise RuntimeError(f"{op}: expected a quantized tensor, got a {q.dtype} tensor")
    if q._qscheme not in _PER_TENSOR:
        raise RuntimeError(f"Only per tensor quantization is supported in {op}.")


def dequantized(q):
    """float32 values of the per-tensor quantized ``q`` as the vectorised kernels compute them."""
    scale = _F32(q._scale)
    premul = _F32(scale * _F32(-q._zero_point))
    return (q._int.astype(np.float64) * np.float64(scale) + np.float64(premul)).astype(_F32)


def requantized(values, scale, zero_point, qdtype):
    """float32 ``values`` as the integers of ``qdtype`` with ``scale`` and ``zero_point``."""
    inv = _F32(1) / _F32(scale)
    with np.errstate(invalid='ignore', over='ignore'):
        ints = np.rint((values.astype(np.float64) * np.float64(inv)).astype(_F32)).astype(np.float64) + zero_point
    # clamped in float64, where qint32's limits are exact (in float32 its maximum rounds up past the type)
    return np.clip(np.nan_to_num(ints), qdtype.qmin, qdtype.qmax).astype(qdtype.storage)


def _result(ints, like, scale, zero_point):
    return make(np.ascontiguousarray(ints), like._qdtype, per_tensor_affine, float(scale), int(zero_point),
                device=like._device)


# ------------------------------------------------------------------ binary arithmetic
def _binary(name, a, b, scale, zero_point, combine, relu):
    _check_per_tensor(a, f'quantized::{name}')
    _check_per_tensor(b, f'quantized::{name}')
    if a._qdtype is not b._qdtype:
        raise RuntimeError(f"quantized::{name} operands should have same data type.")
    values = combine(dequantized(a), dequantized(b)).astype(_F32)
    if relu:
        values = np.maximum(values, _F32(0))
    return _result(requantized(values, scale, zero_point, a._qdtype), a, scale, zero_point)


def add(qa, qb, scale, zero_point):
    """``qa + qb`` requantized to ``scale``/``zero_point`` (``torch.ops.quantized.add``)."""
    return _binary('add', qa, qb, scale, zero_point, np.add, False)


def add_relu(qa, qb, scale, zero_point):
    """``relu(qa + qb)`` requantized to ``scale``/``zero_point``."""
    return _binary('add_relu', qa, qb, scale, zero_point, np.add, True)


def mul(qa, qb, scale, zero_point):
    """``qa * qb`` requantized to ``scale``/``zero_point``."""
    return _binary('mul', qa, qb, scale, zero_point, np.multiply, False)


def mul_relu(qa, qb, scale, zero_point):
    """``relu(qa * qb)`` requantized to ``scale``/``zero_point``."""
    return _binary('mul_relu', qa, qb, scale, zero_point, np.multiply, True)


def matmul(qa, qb, scale, zero_point):
    """``qa @ qb`` on the dequantized values, requantized to ``scale``/``zero_point``."""
    return _binary('matmul', qa, qb, scale, zero_point, np.matmul, False)


def add_scalar(qa, b):
    """``qa + b`` for a Python number ``b`` (``torch.ops.quantized.add_scalar``). As PyTorch's kernel: the
    number, rounded to the input's scale, moves the zero point when the range can absorb it (the integers
    stay); past the range the zero point stops at the range's end and the scale grows to cover the values."""
    _check_per_tensor(qa, 'quantized::add_scalar')
    s, z = float(qa._scale), int(qa._zero_point)
    qmin, qmax = qa._qdtype.qmin, qa._qdtype.qmax
    c_q = int(np.rint(_F32(b) / _F32(s)))
    if qmin <= z - c_q <= qmax:
        return make(qa._int.copy(), qa._qdtype, per_tensor_affine, s, z - c_q, device=qa._device)
    if z - c_q < qmin:
        scale, zero_point = (qmax - (z - c_q)) / (qmax - qmin) * s, qmin
    else:
        scale, zero_point = (z - c_q - qmin) / (qmax - qmin) * s, qmax
    # the integers measured from the moved zero point, rescaled to the wider scale
    moved = (qa._int.astype(np.int64) - (z - c_q)).astype(_F32)
    ints = np.rint((moved * _F32(_F32(s) / _F32(scale))).astype(_F32) + _F32(zero_point))
    return _result(np.clip(ints, qmin, qmax).astype(qa._int.dtype), qa, scale, zero_point)


def mul_scalar(qa, b):
    """``qa * b`` for a Python number ``b`` (``torch.ops.quantized.mul_scalar``): the integers are kept and
    the scale multiplied (by ``|b|``; a negative ``b`` mirrors the integers around the range)."""
    _check_per_tensor(qa, 'quantized::mul_scalar')
    b = float(b)
    qmin, qmax = qa._qdtype.qmin, qa._qdtype.qmax
    if b == 0.0:
        return make(np.zeros_like(qa._int), qa._qdtype, per_tensor_affine, 1.0, 0, device=qa._device)
    if b < 0:
        ints = (qmax - (qa._int.astype(np.int64) - qmin)).astype(qa._int.dtype)
        zero_point = qmax - (int(qa._zero_point) - qmin)
        return make(ints, qa._qdtype, per_tensor_affine, float(qa._scale) * -b, zero_point,
                    device=qa._device)
    return make(qa._int.copy(), qa._qdtype, per_tensor_affine, float(qa._scale) * b,
                int(qa._zero_point), device=qa._device)


def cat(tensors, scale, zero_point, dim=0):
    """The quantized tensors joined along ``dim`` and requantized to ``scale``/``zero_point``
    (``torch.ops.quantized.cat``: the inputs dequantized, joined, quantized again as
    ``quantize_per_tensor`` does)."""
    from ember._tensor import _wrap_dim
    from ember.quantized._functions import dequantize, quantize_values
    tensors = list(tensors)
    for t in tensors:
        _check_per_tensor(t, 'quantized::cat')
    first = tensors[0]
    values = np.concatenate([dequantize(t).numpy() for t in tensors], axis=_wrap_dim(dim, first._int.ndim))
    qdtype = first._qdtype
    ints = quantize_values(values, scale, zero_point, qdtype.qmin, qdtype.qmax, 'fused').astype(qdtype.storage)
    return _result(ints, first, scale, zero_point)


# ------------------------------------------------------------------ activations
def relu(q):
    """``max(q, 0)``: the integers below the zero point become the zero point."""
    return q.relu()


def clamp_values(q, lo, hi):
    """``q`` clamped to the real interval ``[lo, hi]`` (either may be None): the bounds are quantized with
    ``q``'s parameters and the integers clamped."""
    _check_per_tensor(q, 'quantized::clamp')
    from ember.quantized._functions import quantize_values
    qdtype = q._qdtype
    ints = q._int
    bounds = []
    for bound in (lo, hi):
        if bound is None:
            bounds.append(None)
        else:
            bounds.append(int(quantize_values(np.asarray(bound, _F32), q._scale, q._zero_point, qdtype.qmin,
                                              qdtype.qmax, 'fused')))
    low = qdtype.qmin if bounds[0] is None else bounds[0]
    high = qdtype.qmax if bounds[1] is None else bounds[1]
    return q._like(np.minimum(np.maximum(ints, low), high).astype(ints.dtype))


def relu6(q):
    """``min(max(q, 0), 6)`` on the integers (``torch.ops.quantized.relu6``)."""
    return clamp_values(q, 0.0, 6.0)


def hardswish(q, scale, zero_point):
    """``x * relu6(x + 3) / 6`` requantized to ``scale``/``zero_point``."""
    _check_per_tensor(q, 'quantized::hardswish')
    x = dequantized(q)
    y = (x * np.minimum(np.maximum(x + _F32(3), _F32(0)), _F32(6))).astype(_F32) / _F32(6)
    return _result(requantized(y.astype(_F32), scale, zero_point, q._qdtype), q, scale, zero_point)


def hardsigmoid(q):
    """``min(max(x + 3, 0), 6) / 6`` requantized to the fixed output parameters of PyTorch's kernel: scale
    1/256 (1/2^32 for qint32), zero point 0 (-128 for qint8, using the whole range on [0, 1])."""
    _check_per_tensor(q, 'quantized::hardsigmoid')
    scale = 2.0 ** -32 if q._qdtype.name == 'qint32' else 2.0 ** -8
    zero_point = -128 if q._qdtype.name == 'qint8' else 0
    x = dequantized(q)
    y = (np.minimum(np.maximum(x + _F32(3), _F32(0)), _F32(6)) / _F32(6)).astype(_F32)
    return _result(requantized(y, scale, zero_point, q._qdtype), q, scale, zero_point)


def _fixed_output_qparams(q, scale_bits, unsigned_zero_point):
    """The output scale and zero point a fixed-parameter kernel gives ``q``'s dtype: ``scale_bits`` bits of
    fraction over the output range (32 more for qint32), the unsigned types offset by ``unsigned_zero_point``,
    qint8 by ``unsigned_zero_point - 128``."""
    name = q._qdtype.name
    if name == 'qint32':
        return 2.0 ** -(scale_bits + 24), 0
    return 2.0 ** -scale_bits, unsigned_zero_point - (128 if name == 'qint8' else 0)


def _vectorised_and_tail(q, vector_fn, tail_fn):
    """``q``'s values, ``(int - zero_point)`` in float32, through the kernel's vectorised body (pairs of
    32-byte vectors) and its element-by-element tail, which PyTorch computes with other roundings; both
    functions take those values and ``q``'s scale."""
    flat = q._int.reshape(-1)
    body = flat.size - flat.size % (64 // flat.itemsize)
    x = (flat.astype(np.int64) - int(q._zero_point)).astype(_F32)
    out = np.empty(flat.size, _F32)
    x_scale = _F32(q._scale)
    out[:body] = vector_fn(x[:body], x_scale)
    out[body:] = tail_fn(x[body:], x_scale)
    return out


def sigmoid(q):
    """``1 / (1 + exp(-x))`` requantized to the fixed output parameters of PyTorch's kernel: scale 1/256
    (1/2^32 for qint32), zero point 0 (-128 for qint8)."""
    _check_per_tensor(q, 'quantized::sigmoid')
    scale, zero_point = _fixed_output_qparams(q, 8, 0)
    y = _vectorised_and_tail(
        q, lambda v, s: _F32(1) / (_F32(1) + np.exp(-(v * s))),
        # the tail adds the exponential to a double 1.0
        lambda v, s: (1.0 / (1.0 + np.exp(-(v * s)).astype(np.float64))).astype(_F32))
    return _result(requantized(y.reshape(q._int.shape), scale, zero_point, q._qdtype), q, scale, zero_point)


def tanh(q):
    """``tanh(x)`` requantized to the fixed output parameters of PyTorch's kernel: scale 2/256 (2/2^32 for
    qint32), zero point 128 (0 for qint8 and qint32)."""
    _check_per_tensor(q, 'quantized::tanh')
    scale, zero_point = _fixed_output_qparams(q, 7, 128)
    y = _vectorised_and_tail(q, lambda v, s: np.tanh(v * s), lambda v, s: np.tanh(v * s))
    return _result(requantized(y.reshape(q._int.shape), scale, zero_point, q._qdtype), q, scale, zero_point)


def prelu(q, weight, scale, zero_point):
    """PReLU on the integers (``quantized::prelu``): positive parts times the weight's quantized 1, negative
    parts times the quantized slope (broadcast along dimension 1), requantized with the float32 multiplier
    ``x_scale * w_scale / out_scale``."""
    _check_per_tensor(q, 'quantized::prelu')
    if weight._qdtype is not q._qdtype:
        raise RuntimeError(f"Found dtype {weight._qdtype._scalar_name} but expected {q._qdtype._scalar_name}")
    if q._int.ndim == 0:
        raise RuntimeError("qprelu: zero-dim input tensor is not allowed.")
    w_scale, w_zp = _F32(weight._scale), int(weight._zero_point)
    x_zp = int(q._zero_point)
    multiplier = _F32(_F32(q._scale) * w_scale) * (_F32(1) / _F32(scale))
    w_qmin, w_qmax = weight._qdtype.qmin, weight._qdtype.qmax
    w_one = int(np.clip(np.rint(_F32(1) * (_F32(1) / w_scale)) + w_zp, w_qmin, w_qmax)) - w_zp
    ints = q._int.astype(np.int64)
    slope = weight._int.astype(np.int64).reshape(-1) - w_zp
    if q._int.ndim > 1:
        slope = slope.reshape((1, -1) + (1,) * (q._int.ndim - 2))
    acc = (np.maximum(ints, x_zp) - x_zp) * w_one + (np.minimum(ints, x_zp) - x_zp) * slope
    out = np.rint((acc.astype(_F32) * _F32(multiplier)).astype(_F32)) + zero_point
    out = np.clip(out, q._qdtype.qmin, q._qdtype.qmax).astype(q._qdtype.storage)
    return _result(np.broadcast_to(out, q._int.shape), q, scale, zero_point)


def elementwise(q, fn, scale=None, zero_point=None):
    """``fn`` (float32 array -> float32 array) on ``q``'s values, requantized to ``scale``/``zero_point``
    (``q``'s own by default)."""
    _check_per_tensor(q, 'quantized op')
    scale = q._scale if scale is None else scale
    zero_point = q._zero_point if zero_point is None else zero_point
    y = np.asarray(fn(dequantized(q)), _F32)
    return _result(requantized(y, scale, zero_point, q._qdtype), q, scale, zero_point)


# ------------------------------------------------------------------ pooling
def max_pool(q, kernel_size, stride, padding, dilation, ceil_mode):
    """Max pooling over the last ``len(kernel_size)`` dimensions, on the integers."""
    _check_per_tensor(q, 'quantized::max_pool')
    from ember.ops.creation import tensor
    from ember.ops import pooling
    n = len(kernel_size)
    # the integers are exact in float64; pooling them with the float kernel picks the same maxima
    x = tensor(q._int.astype(np.float64))
    pool = {1: pooling.max_pool1d, 2: pooling.max_pool2d, 3: pooling.max_pool3d}[n]
    out = pool(x, list(kernel_size), list(stride), list(padding), list(dilation), ceil_mode)
    return q._like(out.numpy().astype(q._int.dtype))


def adaptive_avg_pool(q, output_size):
    """Adaptive average pooling over the last ``len(output_size)`` dimensions: each window's integers are
    summed exactly and the mean requantized with the input's parameters, as PyTorch's kernel."""
    _check_per_tensor(q, 'quantized::adaptive_avg_pool')
    ints = q._int
    n = len(output_size)
    spatial = ints.shape[-n:]
    out_size = tuple(s if o is None else o for o, s in zip(output_size, spatial))
    bounds = [[(i * s // o, -(-(i + 1) * s // o)) for i in range(o)] for o, s in zip(out_size, spatial)]
    out = np.empty(ints.shape[:-n] + out_size, ints.dtype)
    zp = int(q._zero_point)
    qdtype = q._qdtype
    import itertools
    wide = ints.astype(np.int64)
    for index in itertools.product(*[range(o) for o in out_size]):
        window = tuple(slice(*bounds[d][i]) for d, i in enumerate(index))
        block = wide[(Ellipsis,) + window]
        size = int(np.prod([b - a for a, b in (bounds[d][i] for d, i in enumerate(index))]))
        acc = block.reshape(block.shape[:-n] + (-1,)).sum(-1) - zp * size
        vals = _mean_to_int(acc, np.float64(size), zp)
        out[(Ellipsis,) + index] = np.clip(vals, qdtype.qmin, qdtype.qmax)
    return q._like(out)


def _mean_to_int(acc, divisor, zero_point):
    """Integer sums ``acc`` (zero point removed) over windows of ``divisor`` elements as output integers, the
    way PyTorch's pooling kernels round: the multiplier ``1 / divisor`` goes through ``quantize_val`` as a scale
    (inverted twice in float32) and the zero point is added before rounding."""
    multiplier = (_F32(1) / np.asarray(divisor).astype(_F32)).astype(_F32)
    multiplier = (_F32(1) / (_F32(1) / multiplier)).astype(_F32)
    return np.rint((acc.astype(_F32) * multiplier).astype(_F32) + _F32(zero_point))


def avg_pool2d(q, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    """Average pooling: each window's ``q - zero_point`` summed exactly, scaled by ``1 / divisor`` in float32
    and rounded (the output keeps the input's parameters), as PyTorch's kernel."""
    _check_per_tensor(q, 'quantized::avg_pool2d')
    from ember.ops.creation import tensor
    from ember.ops import pooling
    zp = int(q._zero_point)
    shape = q._int.shape

    def pooled(values, include_pad, divisor):
        return pooling.avg_pool2d(tensor(values), kernel_size, stride, padding, ceil_mode, include_pad,
                                  divisor).numpy()
    acc = np.rint(pooled(q._int.astype(np.float64) - zp, False, 1))
    if divisor_override:
        divisor = np.float64(divisor_override)
    else:
        ones = np.ones((1, 1) + shape[-2:])
        counts = pooled(ones, False, 1)
        divisor = counts if not count_include_pad else np.rint(counts / pooled(ones, True, None))
        divisor = divisor.reshape(divisor.shape[-2:])
    vals = _mean_to_int(acc, divisor, zp)
    qdtype = q._qdtype
    return q._like(np.clip(vals, qdtype.qmin, qdtype.qmax).astype(q._int.dtype))


# ------------------------------------------------------------------ normalisation
def batch_norm(q, weight, bias, mean, var, eps, scale, zero_point, relu=False):
    """Batch normalisation in inference: per channel (dimension 1), ``alpha * (q - zp) + beta`` with
    ``alpha``, ``beta`` folded from the statistics in float32, rounded once to the output's integers."""
    _check_per_tensor(q, 'quantized::batch_norm')
    from ember.backend import to_numpy
    c = q._int.shape[1]

    def arr(t, default):
        return np.full(c, default, _F32) if t is None else to_numpy(t.detach()._data).astype(_F32)
    w, b, m, v = arr(weight, 1), arr(bias, 0), arr(mean, 0), arr(var, 1)
    inv_sigma = (1.0 / np.sqrt((v + _F32(eps)).astype(_F32)).astype(np.float64)).astype(_F32)
    alpha = (inv_sigma * w * _F32(_F32(q._scale) / _F32(scale))).astype(_F32)
    beta = ((b - m * inv_sigma * w) / _F32(scale)).astype(_F32)
    shape = (1, c) + (1,) * (q._int.ndim - 2)
    x = (q._int.astype(np.int64) - int(q._zero_point)).astype(_F32)
    y = (x.astype(np.float64) * alpha.reshape(shape) + beta.reshape(shape)).astype(_F32)
    ints = np.rint(y) + int(zero_point)
    qdtype = q._qdtype
    ints = np.clip(ints, int(zero_point) if relu else qdtype.qmin, qdtype.qmax)
    return _result(ints.astype(qdtype.storage), q, scale, zero_point)


# ------------------------------------------------------------------ ordinary ops called on quantized tensors
# (ember/ops/_quantized_fallback.py sends the calls here, with the op's own arguments)
def _ntuple(value, n):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


def dispatch_relu(q):
    return relu(q)


def dispatch_relu_(q):
    q._int[...] = relu(q)._int
    return q


def dispatch_hardtanh(q, min_val, max_val, inplace):
    out = clamp_values(q, min_val, max_val)
    if inplace:
        q._int[...] = out._int
        return q
    return out


def dispatch_hardswish(q):
    return hardswish(q, q._scale, q._zero_point)


def dispatch_hardsigmoid(q, inplace):
    out = hardsigmoid(q)
    if inplace:     # the input takes the result's integers and its fixed scale and zero point
        q._int[...] = out._int
        q._scale, q._zero_point = out._scale, out._zero_point
        return q
    return out


def dispatch_sigmoid(q):
    return sigmoid(q)


def dispatch_tanh(q):
    return tanh(q)


def dispatch_max_pool(q, dims, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    if return_indices:
        raise NotImplementedError("max pooling of a quantized tensor does not return indices")
    kernel = _ntuple(kernel_size, dims)
    stride = kernel if stride is None or stride == [] or stride == () else _ntuple(stride, dims)
    return max_pool(q, kernel, stride, _ntuple(padding, dims), _ntuple(dilation, dims), ceil_mode)


def dispatch_avg_pool2d(q, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    kernel = _ntuple(kernel_size, 2)
    stride = kernel if stride is None or stride == [] or stride == () else _ntuple(stride, 2)
    return avg_pool2d(q, kernel, stride, _ntuple(padding, 2), ceil_mode, count_include_pad, divisor_override)


def dispatch_adaptive_avg_pool(q, dims, output_size):
    return adaptive_avg_pool(q, _ntuple(output_size, dims))


def dispatch_flatten(q, start_dim, end_dim):
    return q.flatten(start_dim, end_dim)


def dispatch_transpose(q, dim0, dim1):
    return q.transpose(dim0, dim1)


def dispatch_split(q, step, dim):
    from ember._tensor import _wrap_dim
    dim = _wrap_dim(dim, q._int.ndim)
    lead = (slice(None),) * dim
    return tuple(q[lead + (slice(start, start + step),)] for start in range(0, q._int.shape[dim], step))


def mean(q, dim=None, keepdim=False):
    """Mean of a per-tensor quantized tensor (the output keeps its parameters). Over the innermost dimensions
    of a contiguous tensor the integers are averaged as adaptive pooling does; otherwise the values are
    dequantized, averaged in float32 and quantized again."""
    _check_per_tensor(q, 'quantized::mean')
    from ember._tensor import _wrap_dim
    from ember.quantized._functions import dequantize, quantize_values
    n = q._int.ndim
    dims = tuple(range(n)) if dim is None else tuple(sorted(_wrap_dim(d, n) for d in
                                                             ((dim,) if isinstance(dim, int) else dim)))
    zp = int(q._zero_point)
    if dims == tuple(range(n - len(dims), n)) and q._int.flags.c_contiguous:
        size = int(np.prod([q._int.shape[d] for d in dims]))
        acc = q._int.astype(np.int64).sum(axis=dims, keepdims=keepdim) - zp * size
        ints = _mean_to_int(acc, np.float64(size), zp)
    else:
        values = dequantize(q).numpy().mean(axis=dims, keepdims=keepdim, dtype=_F32)
        ints = quantize_values(values, q._scale, zp, q._qdtype.qmin, q._qdtype.qmax, 'fused')
    return q._like(np.clip(ints, q._qdtype.qmin, q._qdtype.qmax).astype(q._int.dtype))
