"""Copying a module onto several devices (``DataParallel``'s replicas).

The functions live in ``ember.nn.parallel._functions``; this module is where PyTorch programs import them from."""
from ember.nn.parallel._functions import replicate  # noqa: F401

__all__ = ['replicate']
