"""The old home of RMSNorm, now in normalization.py as PyTorch's; kept so its imports still work."""
from ember.nn.modules.normalization import RMSNorm  # noqa: F401

__all__ = ['RMSNorm']
