"""The old home of AdaptiveMaxPool3d, LPPool3d and MaxUnpool3d, now in pooling.py as PyTorch's; kept so its imports still work."""
from ember.nn.modules.pooling import AdaptiveMaxPool3d, LPPool3d, MaxUnpool3d  # noqa: F401

__all__ = ['AdaptiveMaxPool3d', 'LPPool3d', 'MaxUnpool3d']
