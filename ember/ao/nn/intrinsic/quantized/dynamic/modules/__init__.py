"""Dynamically quantized fused modules (``torch.ao.nn.intrinsic.quantized.dynamic.modules``)."""
from ember.ao.nn.intrinsic.quantized.dynamic.modules.linear_relu import LinearReLU  # noqa: F401

__all__ = ['LinearReLU']
