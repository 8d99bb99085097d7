"""The old home of LinearCrossEntropyLoss, now in loss.py as PyTorch's; kept so its imports still work."""
from ember.nn.modules.linear_cross_entropy_options import LinearCrossEntropyOptions  # noqa: F401
from ember.nn.modules.loss import LinearCrossEntropyLoss  # noqa: F401

__all__ = ['LinearCrossEntropyLoss']
