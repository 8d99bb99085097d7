"""Rewrites of the written ONNX graph that leave its results as they are (to rounding), as
PyTorch's exporter makes them in eval mode: a batch norm right after a convolution folded into
the convolution's weight and bias."""
import numpy as np


def fuse_conv_batchnorm(onnx, nodes, initializers):
    """``(nodes, initializers)`` with each Conv whose only reader is a BatchNormalization, every
    weight of both stored in ``initializers`` (``{name: array}``), replaced by one Conv: weight
    ``w * s`` and bias ``(b - mean) * s + shift`` with ``s = scale / sqrt(var + eps)``."""
    readers = {}
    for n in nodes:
        for i in n.input:
            readers[i] = readers.get(i, 0) + 1
    made = {o: n for n in nodes for o in n.output}
    fused, dropped, folded, arrays = {}, set(), set(), dict(initializers)
    for bn in nodes:
        if bn.op_type != 'BatchNormalization' or len(bn.output) != 1:
            continue
        conv = made.get(bn.input[0])
        if conv is None or conv.op_type != 'Conv' or readers.get(conv.output[0]) != 1:
            continue
        if not all(name in arrays for name in list(conv.input[1:]) + list(bn.input[1:])):
            continue
        eps = next((a.f for a in bn.attribute if a.name == 'epsilon'), 1e-5)
        scale, shift, mean, var = (arrays[name] for name in bn.input[1:])
        w = arrays[conv.input[1]]
        bias = arrays[conv.input[2]] if len(conv.input) > 2 else np.zeros(w.shape[0], w.dtype)
        # in float64, rounded once to the weights' type
        s = scale.astype(np.float64) / np.sqrt(var.astype(np.float64) + eps)
        new_w = (w * s.reshape((-1,) + (1,) * (w.ndim - 1))).astype(w.dtype)
        new_b = ((bias - mean) * s + shift).astype(w.dtype)
        w_name, b_name = f"onnx::Conv_{len(fused) * 2}_fused", f"onnx::Conv_{len(fused) * 2 + 1}_fused"
        arrays[w_name], arrays[b_name] = new_w, new_b
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in conv.attribute}
        fused[id(bn)] = onnx.helper.make_node('Conv', [conv.input[0], w_name, b_name], list(bn.output),
                                              name=conv.name, **attrs)
        dropped.add(id(conv))
        folded.update(list(conv.input[1:]) + list(bn.input[1:]))
    if not fused:
        return nodes, initializers
    nodes = [fused.get(id(n), n) for n in nodes if id(n) not in dropped]
    used = {i for n in nodes for i in n.input}
    # the folded weights go where no node reads them any more (a weight shared elsewhere stays)
    return nodes, {k: v for k, v in arrays.items() if k in used or k not in folded}
