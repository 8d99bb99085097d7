"""Quantized modules (``ember.ao.nn.quantized.dynamic`` holds the dynamically quantized ones)."""
from ember.ao.nn.quantized import dynamic  # noqa: F401

__all__ = ['dynamic']
