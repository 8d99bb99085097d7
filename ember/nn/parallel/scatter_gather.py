"""Splitting inputs across devices and gathering outputs back (the ends of ``DataParallel``).

The functions live in ``ember.nn.parallel._functions``; this module is where PyTorch programs import them from."""
from ember.nn.parallel._functions import scatter, scatter_kwargs, gather  # noqa: F401

__all__ = ['scatter', 'scatter_kwargs', 'gather']
