"""How a quantized tensor prints: its dequantized values, then its size, dtype, scheme and parameters."""
import math

from ember import _tensor_str
from ember.quantized._qtensor import _PER_TENSOR


def qtensor_repr(q, tensor_contents=None):
    """``repr`` of a quantized tensor, as PyTorch prints it ('torch' read as 'ember')."""
    from ember.quantized._functions import dequantize
    prefix = 'tensor('
    indent = len(prefix)
    suffixes = [f'size={tuple(q.shape)}', f'dtype={q.dtype}', f'quantization_scheme={q.qscheme()}']
    if q.qscheme() in _PER_TENSOR:
        suffixes += [f'scale={q.q_scale()}', f'zero_point={q.q_zero_point()}']
    else:
        suffixes += [f'scale={q.q_per_channel_scales()!r}', f'zero_point={q.q_per_channel_zero_points()!r}',
                     f'axis={q.q_per_channel_axis()}']
    body = tensor_contents
    if body is None:
        body = _tensor_str._body(dequantize(q)._data, indent) if math.prod(q.shape) else '[]'
    return _tensor_str._add_suffixes(prefix + body, suffixes, indent)
