"""The old home of FractionalMaxPool2d and FractionalMaxPool3d, now in pooling.py as PyTorch's; kept so its imports still work."""
from ember.nn.modules.pooling import FractionalMaxPool2d, FractionalMaxPool3d  # noqa: F401

__all__ = ['FractionalMaxPool2d', 'FractionalMaxPool3d']
