"""The old home of CTCLoss, now in loss.py as PyTorch's; kept so its imports still work."""
from ember.nn.modules.loss import CTCLoss  # noqa: F401

__all__ = ['CTCLoss']
