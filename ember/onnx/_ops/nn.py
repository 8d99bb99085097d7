"""ONNX translations: layers: convolution, normalisation, pooling, embedding."""
import numpy as np

from ._core import converts, reduce, _unsupported


@converts('Convolution')
def _conv(b, c):
    x, w, bias, stride, pads, dilation, transposed, output_padding, groups = c.args
    inputs = [c.x(0), c.x(1)] + ([] if bias is None else [c.x(2)])
    pads = [p[0] for p in pads] + [p[1] for p in pads]
    if transposed:
        # output_padding as a smaller end pad (onnxruntime refuses an output_padding not below the
        # stride, which PyTorch allows below the dilation too); past the full output, zeros and the bias
        n = len(stride)
        begin = [p[0] for p in c.args[4]]
        end = [p[1] - o for p, o in zip(c.args[4], output_padding)]
        extra = [max(0, -e) for e in end]
        if not any(extra):
            b.op('ConvTranspose', inputs, [c.out], strides=list(stride), pads=begin + end, dilations=list(dilation),
                 group=int(groups))
            return
        y = b.op('ConvTranspose', inputs[:2], strides=list(stride), pads=begin + [max(0, e) for e in end],
                 dilations=list(dilation), group=int(groups))
        y = b.op('Pad', [y, b.ints([0] * (n + 2) + [0, 0] + extra)])
        if bias is None:
            b.op('Identity', [y], [c.out])
        else:
            b.op('Add', [y, b.op('Reshape', [c.x(2), b.ints([-1] + [1] * n)])], [c.out])
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


def _pooled(b, c, spatial, pool):
    """``pool(data, outs)`` over a batched input, writing the results to ``outs`` (None: fresh
    names; returns the names): an unbatched input (C, spatial...) gets its batch axis for the
    pooling and loses it after."""
    x = c.args[0]
    if len(x.shape) != spatial + 1:
        pool(c.x(0), c.outs)
        return
    outs = pool(b.op('Unsqueeze', [c.x(0), b.ints([0])]), None)
    outs = outs if isinstance(outs, (list, tuple)) else [outs]
    for name, out in zip(outs, c.outs):
        if out:
            b.op('Squeeze', [name, b.ints([0])], [out])


@converts('MaxPoolWithIndices', 'MaxPool3DWithIndices')
def _max_pool(b, c):
    x, kernel, stride, padding, dilation, ceil_mode, return_indices = c.args
    attrs = dict(kernel_shape=list(kernel), strides=list(stride), pads=_pool_pads(padding), dilations=list(dilation),
                 ceil_mode=int(bool(ceil_mode)))

    def pool(data, outs):
        if not (len(c.outs) > 1 and c.outs[1]):
            return b.op('MaxPool', [data], outs[:1] if outs else 1, **attrs)
        values, flat = b.op('MaxPool', [data], [outs[0] if outs else b.fresh('MaxPool'), b.fresh('MaxPool')], **attrs)
        # ONNX counts the index over the whole input, PyTorch within each (n, c) plane
        plane = reduce(b, 'ReduceProd', b.op('Shape', [data], start=2), [0], 1)
        return values, b.op('Mod', [flat, plane], outs[1:] if outs else 1)
    _pooled(b, c, len(kernel), pool)


@converts('AvgPool', 'AvgPool3D')
def _avg_pool(b, c):
    x, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override = c.args
    if divisor_override is not None and ceil_mode:
        _unsupported(c, "divisor_override and ceil_mode together")
    attrs = dict(kernel_shape=list(kernel), strides=list(stride), pads=_pool_pads(padding), ceil_mode=int(bool(ceil_mode)))

    def pool(data, outs):
        if divisor_override is None:
            return b.op('AveragePool', [data], outs or 1, count_include_pad=int(bool(count_include_pad)), **attrs)
        # each window's sum (its mean over the whole kernel, padding counted) over the given divisor
        mean = b.op('AveragePool', [data], count_include_pad=1, **attrs)
        return b.op('Mul', [mean, b.const(np.asarray(np.prod(kernel) / divisor_override, c.dtype))], outs or 1)
    _pooled(b, c, len(kernel), pool)


@converts('AdaptiveAvgPool', 'AdaptiveAvgPool3D')
def _adaptive_avg_pool(b, c):
    x, out = c.args[:2]
    size = x.shape[len(x.shape) - len(out):]
    out = [s if o is None else o for s, o in zip(size, out)]
    if len(x.shape) != len(out) + 2:  # unbatched
        b.op('Identity', [_adaptive_windows(b, c, out, 'ReduceMean')], [c.out])
    elif all(o == 1 for o in out):
        b.op('GlobalAveragePool', [c.x(0)], [c.out])
    elif all(s % o == 0 for s, o in zip(size, out)):
        kernel = [s // o for s, o in zip(size, out)]
        b.op('AveragePool', [c.x(0)], [c.out], kernel_shape=kernel, strides=kernel)
    else:
        b.op('Identity', [_adaptive_windows(b, c, out, 'ReduceMean')], [c.out])


def _adaptive_windows(b, c, out, op_type):
    """Adaptive pooling whose windows differ in size: output ``i`` of an axis of ``n`` elements
    reduces elements ``floor(i n / o)`` to ``ceil((i + 1) n / o)``. A window is the product of one
    range per axis, so the axes are pooled one after the other (a mean of means over equal rows is
    the mean). The windows are fixed by the traced sizes."""
    x = c.args[0]
    data = c.x(0)
    rank = len(x.shape)
    for axis, o in zip(range(rank - len(out), rank), out):
        n = x.shape[axis]
        if o == n:
            continue
        parts = []
        for i in range(o):
            lo, hi = (i * n) // o, -(-((i + 1) * n) // o)
            window = b.op('Slice', [data, b.ints([lo]), b.ints([hi]), b.ints([axis])])
            parts.append(reduce(b, op_type, window, [axis], 1))
        data = b.op('Concat', parts, axis=axis)
    return data


@converts('AdaptiveMaxPool', 'AdaptiveMaxPool3D')
def _adaptive_max_pool(b, c):
    x, out = c.args[:2]   # the indices (output 1) are not written: a graph using them is refused
    size = x.shape[len(x.shape) - len(out):]
    if len(x.shape) != len(out) + 2:  # unbatched
        b.op('Identity', [_adaptive_windows(b, c, out, 'ReduceMax')], [c.outs[0]])
    elif all(o == 1 for o in out):
        b.op('GlobalMaxPool', [c.x(0)], [c.outs[0]])
    elif all(s % o == 0 for s, o in zip(size, out)):
        kernel = [s // o for s, o in zip(size, out)]
        b.op('MaxPool', [c.x(0)], [c.outs[0]], kernel_shape=kernel, strides=kernel)
    else:
        b.op('Identity', [_adaptive_windows(b, c, out, 'ReduceMax')], [c.outs[0]])


@converts('Embedding')
def _embedding(b, c):
    b.op('Gather', [c.x(0), c.x(1)], [c.out], axis=0)


@converts('PixelShuffle')
def _pixel_shuffle(b, c):
    x, r = c.args
    if len(x.shape) not in (3, 4):
        _unsupported(c, f"a {len(x.shape)}-D input (ONNX's DepthToSpace takes 4-D ones)")
    # channels are read as (C, r, r), as PyTorch's pixel_shuffle does: DepthToSpace's CRD mode
    _pooled(b, c, 2, lambda data, outs: b.op('DepthToSpace', [data], outs or 1, blocksize=int(r), mode='CRD'))


@converts('PixelUnshuffle')
def _pixel_unshuffle(b, c):
    # (N, C, H/r, r, W/r, r) -> (N, C, r, r, H/r, W/r): channels in PyTorch's (C, r, r) order
    x, r = c.args
    if len(x.shape) != 4:
        _unsupported(c, f"a {len(x.shape)}-D input")
    _, ch, h, w = x.shape
    split = b.op('Reshape', [c.x(0), b.ints([0, ch, h // r, r, w // r, r])])
    moved = b.op('Transpose', [split], perm=[0, 1, 3, 5, 2, 4])
    b.op('Reshape', [moved, b.ints([0, ch * r * r, h // r, w // r])], [c.out])


@converts('ChannelShuffle')
def _channel_shuffle(b, c):
    x, groups = c.args
    ch = x.shape[1]
    split = b.op('Reshape', [c.x(0), b.ints([0, groups, ch // groups, -1])])
    moved = b.op('Transpose', [split], perm=[0, 2, 1, 3])
    b.op('Reshape', [moved, b.op('Shape', [c.x(0)])], [c.out])


@converts('Im2Col')
def _im2col(b, c):
    """F.unfold: the padded image's spatial dims merged, every block's positions read with one
    Gather (positions computed here from the traced sizes), then the channels and the block merged."""
    x, kernel, dilation, padding, stride = c.args
    n = len(kernel)
    batched = len(x.shape) == n + 2
    data = c.x(0) if batched else b.op('Unsqueeze', [c.x(0), b.ints([0])])
    ch, size = x.shape[-n - 1], x.shape[-n:]
    padded = [s + 2 * p for s, p in zip(size, padding)]
    if any(padding):
        data = b.op('Pad', [data, b.ints([0, 0] + list(padding) + [0, 0] + list(padding))])
    blocks = [(p - d * (k - 1) - 1) // st + 1 for p, d, k, st in zip(padded, dilation, kernel, stride)]
    # position in the block (kernel offsets) x block origin, per spatial dim, then flattened row-major
    offsets = np.indices(kernel).reshape(n, -1).T * np.asarray(dilation)
    origins = np.indices(blocks).reshape(n, -1).T * np.asarray(stride)
    where = offsets[:, None, :] + origins[None, :, :]          # (prod(K), L, n)
    flat = np.ravel_multi_index(tuple(np.moveaxis(where, -1, 0)), padded).astype(np.int64)
    merged = b.op('Reshape', [data, b.ints([0, ch, int(np.prod(padded))])])
    taken = b.op('Gather', [merged, b.ints(flat)], axis=2)    # (N, C, prod(K), L)
    shape = [0, ch * int(np.prod(kernel)), int(np.prod(blocks))]
    if batched:
        b.op('Reshape', [taken, b.ints(shape)], [c.out])
    else:
        b.op('Reshape', [taken, b.ints(shape[1:])], [c.out])


@converts('Col2Im')
def _col2im(b, c):
    cols, size, kernel, dilation, padding, stride = c.args
    if len(kernel) != 2:
        _unsupported(c, f"{len(kernel)} spatial dims (ONNX's Col2Im is written for images)")
    if b.opset < 18:
        _unsupported(c, f"opset {b.opset} (ONNX's Col2Im needs opset 18)")
    data = c.x(0) if len(cols.shape) == 3 else b.op('Unsqueeze', [c.x(0), b.ints([0])])
    out = b.op('Col2Im', [data, b.ints(list(size)), b.ints(list(kernel))],
               dilations=list(dilation), pads=list(padding) * 2, strides=list(stride))
    b.op('Identity' if len(cols.shape) == 3 else 'Squeeze', [out] + ([] if len(cols.shape) == 3 else [b.ints([0])]),
         [c.out])


def _bag_scatter(b, c, rows, how, start):
    """Each row of the embeddings combined (``how``: ScatterElements' reduction) into its bag's row
    of a ``rows``-row tensor filled with ``start``."""
    emb, bag = c.args[:2]
    if how == 'max' and b.opset < 18:
        _unsupported(c, f"mode='max' at opset {b.opset} (ScatterElements' max needs opset 18)")
    filled = b.const(np.full((rows, emb.shape[1]), start, emb.example._data.dtype))
    where = b.op('Expand', [b.op('Unsqueeze', [c.x(1), b.ints([1])]), b.op('Shape', [c.x(0)])])
    return b.op('ScatterElements', [filled, where, c.x(0)], axis=0, reduction=how)


@converts('_BagSum')
def _bag_sum(b, c):
    # bags laid out by the traced input's shape (a 2-D input, or offsets fixed at export)
    rows = c.args[2].shape[0]
    scaled = b.op('Mul', [_bag_scatter(b, c, rows, 'add', 0), c.x(2)])
    b.op('Slice', [scaled, b.ints([0]), b.ints([rows - 1]), b.ints([0])], [c.out])


@converts('_BagMax')
def _bag_max(b, c):
    top = _bag_scatter(b, c, c.args[2], 'max', -np.inf)
    empty = b.op('IsInf', [top], detect_positive=0)  # empty bags give zeros
    b.op('Where', [empty, b.const(np.asarray(0, c.dtype)), top], [c.out])
