"""Lookups in row-wise quantized embedding tables (``torch.ops.quantized.embedding_byte``/``embedding_4bit``
and their bag forms), computed as FBGEMM computes them: each row carries a float scale and a bias
(``-zero_point * scale``, both rounded to float16 for 4-bit tables), and a bag accumulates
``acc = fma(scale, q, acc + bias)`` row by row in float32 (scale and bias first multiplied by the row's
per-sample weight). A bag always sums: PyTorch's quantized EmbeddingBag passes mode 'sum' whatever its
``mode``."""
import numpy as np

import ember

_F32 = np.float32


def _row_scale_bias(weight):
    scale = weight._scale.astype(_F32)
    bias = (weight._zero_point.astype(_F32) * scale * _F32(-1)).astype(_F32)
    if weight._qdtype.bits == 4:
        scale = scale.astype(np.float16).astype(_F32)
        bias = bias.astype(np.float16).astype(_F32)
    return scale, bias


def _fma(a, b, c):
    """float32 ``a * b + c`` with one rounding (``a * b`` is exact in float64 for the integers used here)."""
    return (a.astype(np.float64) * b.astype(np.float64) + c.astype(np.float64)).astype(_F32)


def _check_indices(indices, rows, op):
    if indices.size and (indices.min() < 0 or indices.max() >= rows):
        bad = int(np.argmax((indices < 0) | (indices >= rows)))
        raise RuntimeError(f"Index {bad} is out of bounds: {int(indices[bad])}, range 0 to {rows}")


def embedding_bag(weight, indices, offsets=None, per_sample_weights=None, include_last_offset=False,
                  op='embedding_bag_byte'):
    """Sum of the dequantized rows of ``weight`` (a per-row quantized table) over each bag."""
    from ember.backend import to_numpy
    idx = to_numpy(indices._data).astype(np.int64)
    if offsets is None:
        if idx.ndim != 2:
            raise RuntimeError(f"{op} expects offsets to be set for 1D indices.")
        starts = np.arange(0, idx.size, idx.shape[1] if idx.shape[1] else 1)
        idx = idx.reshape(-1)
        ends = np.append(starts[1:], idx.size)
    else:
        offs = to_numpy(offsets._data).astype(np.int64)
        idx = idx.reshape(-1)
        bounds = np.append(offs, idx.size) if not include_last_offset else offs
        starts, ends = bounds[:-1], bounds[1:]
    rows, dim = weight._int.shape
    _check_indices(idx, rows, op)
    scale, bias = _row_scale_bias(weight)
    psw = None if per_sample_weights is None else to_numpy(per_sample_weights._data).astype(_F32).reshape(-1)
    ints = weight._int.astype(_F32)
    out = np.zeros((len(starts), dim), _F32)
    for bag, (start, end) in enumerate(zip(starts, ends)):
        acc = np.zeros(dim, _F32)
        for k in range(start, end):
            row = idx[k]
            s, b = scale[row], bias[row]
            if psw is not None:
                s, b = _F32(s * psw[k]), _F32(b * psw[k])
            acc = _fma(np.full(dim, s, _F32), ints[row], (acc + b).astype(_F32))
        out[bag] = acc
    return ember.Tensor._make(out)


def embedding(weight, indices):
    """The dequantized rows of ``weight`` at ``indices`` (shape ``indices.shape + (dim,)``)."""
    from ember.backend import to_numpy
    idx = to_numpy(indices._data).astype(np.int64)
    rows, dim = weight._int.shape
    flat = idx.reshape(-1)
    _check_indices(flat, rows, 'embedding')
    scale, bias = _row_scale_bias(weight)
    out = _fma(scale[flat][:, None], weight._int[flat].astype(_F32), np.broadcast_to(bias[flat][:, None],
                                                                                     (flat.size, dim)))
    return ember.Tensor._make(np.ascontiguousarray(out.reshape(idx.shape + (dim,))))
