"""Quantized transposed convolution (``quantized::conv_transpose{1,2,3}d``) with FBGEMM's arithmetic: the
integer products ``(x - x_zp) * (w - w_zp)`` scattered to their output positions and summed exactly (in
float64), then requantized with the float bias as the ordinary quantized convolution
(ember/quantized/_fbgemm.py's ``requantize``)."""
import itertools

import numpy as np

from ember.quantized._qtensor import make, _PER_TENSOR
from ember.quantized._dtypes import per_tensor_affine, quint8
from ember.quantized._fbgemm import _check_input, _bias_array, requantize

_F32 = np.float32


def conv_transpose(x, weight, bias, stride, padding, output_padding, dilation, groups, out_scale, out_zero_point):
    """quint8 ``x`` (N, C, *spatial) through the qint8 ``weight`` (C, O / groups, *kernel) transposed."""
    dims = weight._int.ndim - 2
    _check_input(x, f'quantized::conv_transpose{dims}d')
    if weight._qscheme not in _PER_TENSOR:
        raise RuntimeError("ember's quantized transposed convolutions take per-tensor weights (PyTorch's "
                           "qconfigs quantize them per tensor)")
    n, c = x._int.shape[:2]
    if c != weight._int.shape[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, expected input{list(x.shape)} "
                           f"to have {weight._int.shape[0]} channels, but got {c} channels instead")
    a = x._int.astype(np.float64) - x._zero_point
    w = weight._int.astype(np.float64) - weight._zero_point
    cg, og = c // groups, w.shape[1]
    kernel = w.shape[2:]
    spatial = a.shape[2:]
    full = [(i - 1) * s + (k - 1) * d + 1 for i, s, k, d in zip(spatial, stride, kernel, dilation)]
    out = [f - 2 * p + op for f, p, op in zip(full, padding, output_padding)]
    for axis, size in enumerate(out):
        if size <= 0:     # (a 1-d layer runs as a 2-d one of height 1: its length is axis 1)
            raise RuntimeError(f"Output dimension is zero for {axis + (dims == 1)} axis; kernel: {kernel[axis]}, "
                               f"stride: {stride[axis]}, input padding: {padding[axis]}, output padding: "
                               f"{output_padding[axis]}, dilation: {dilation[axis]}")
    acc = np.zeros((n, groups * og) + tuple(f + op for f, op in zip(full, output_padding)))
    for g in range(groups):
        ag = a[:, g * cg:(g + 1) * cg].reshape(n, cg, -1)
        for tap in itertools.product(*(range(k) for k in kernel)):
            wt = w[(slice(g * cg, (g + 1) * cg), slice(None)) + tap]           # (cg, og)
            contrib = np.einsum('ncp,co->nop', ag, wt).reshape((n, og) + spatial)
            where = tuple(slice(t * d, t * d + (i - 1) * s + 1, s)
                          for t, d, i, s in zip(tap, dilation, spatial, stride))
            acc[(slice(None), slice(g * og, (g + 1) * og)) + where] += contrib
    acc = acc[(slice(None), slice(None)) + tuple(slice(p, p + o) for p, o in zip(padding, out))]
    w_scales = np.full(groups * og, weight._scale, _F32)
    result = requantize(acc, x._scale, w_scales, _bias_array(bias), out_scale, out_zero_point, False, 1)
    return make(np.ascontiguousarray(result), quint8, per_tensor_affine, float(out_scale), int(out_zero_point),
                device=x._device)
