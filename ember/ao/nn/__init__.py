"""Quantized neural network modules: ``quantized`` (static and ``dynamic``), ``intrinsic`` (fused),
``qat`` (quantization-aware training)."""
from ember.ao.nn import quantized, intrinsic, qat  # noqa: F401
