"""ONNX translations: layers: convolution, normalisation, pooling, embedding."""
import numpy as np

from ._core import converts, reduce, _unsupported


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
    ch = x.shape[1]
    scale = c.x(1) if weight is not None else b.const(np.ones(ch, c.dtype))
    shift = c.x(2) if bias is not None else b.const(np.zeros(ch, c.dtype))
    if not training:
        b.op('BatchNormalization', [c.x(0), scale, shift, c.x(3), c.x(4)], [c.outs[0]], epsilon=float(eps))
        return
    if mean is not None:
        _unsupported(c, "batch statistics and running statistics to update (export the model in eval mode)")
    # no running statistics (instance norm, or track_running_stats=False): normalise with the
    # batch's own mean and biased variance over every axis but the channels
    axes = [0] + list(range(2, len(x.shape)))
    centred = b.op('Sub', [c.x(0), reduce(b, 'ReduceMean', c.x(0), axes)])
    var = reduce(b, 'ReduceMean', b.op('Mul', [centred, centred]), axes)
    normed = b.op('Div', [centred, b.op('Sqrt', [b.op('Add', [var, b.const(np.asarray(eps, c.dtype))])])])
    per_channel = b.ints([ch] + [1] * (len(x.shape) - 2))
    y = b.op('Mul', [normed, b.op('Reshape', [scale, per_channel])])
    b.op('Add', [y, b.op('Reshape', [shift, per_channel])], [c.outs[0]])


@converts('NativeGroupNorm')
def _group_norm(b, c):
    x, weight, bias, groups, eps = c.args
    # normalise each group of channels over its elements, then scale and shift each channel
    grouped = b.op('Reshape', [c.x(0), b.ints([0, groups, -1])])
    centred = b.op('Sub', [grouped, reduce(b, 'ReduceMean', grouped, [2])])
    var = reduce(b, 'ReduceMean', b.op('Mul', [centred, centred]), [2])
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


@converts('AdaptiveMaxPool')
def _adaptive_max_pool(b, c):
    x, out = c.args[:2]   # the indices (output 1) are not written: a graph using them is refused
    size = x.shape[len(x.shape) - len(out):]
    if all(o == 1 for o in out):
        b.op('GlobalMaxPool', [c.x(0)], [c.outs[0]])
    elif all(s % o == 0 for s, o in zip(size, out)):
        kernel = [s // o for s, o in zip(size, out)]
        b.op('MaxPool', [c.x(0)], [c.outs[0]], kernel_shape=kernel, strides=kernel)
    else:
        _unsupported(c, f"output size {tuple(out)} not dividing the input size {tuple(size)}")


@converts('Embedding')
def _embedding(b, c):
    b.op('Gather', [c.x(0), c.x(1)], [c.out], axis=0)


@converts('PixelShuffle')
def _pixel_shuffle(b, c):
    x, r = c.args
    if len(x.shape) != 4:
        _unsupported(c, f"a {len(x.shape)}-D input (ONNX's DepthToSpace takes 4-D ones)")
    # channels are read as (C, r, r), as PyTorch's pixel_shuffle does: DepthToSpace's CRD mode
    b.op('DepthToSpace', [c.x(0)], [c.out], blocksize=int(r), mode='CRD')
