"""Reference quantized modules (``torch.ao.nn.quantized.reference``): float modules whose weights are
quantized and dequantized as they run, what ``convert_to_reference_fx`` puts between explicit
quantize/dequantize nodes."""
from ember.ao.nn.quantized.reference.modules import Linear, Conv1d, Conv2d, Conv3d  # noqa: F401

__all__ = ['Linear', 'Conv1d', 'Conv2d', 'Conv3d']
