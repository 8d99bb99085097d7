"""The old home of the deprecated Container (now in container.py) and NLLLoss2d (loss.py), as PyTorch's;
kept so its imports still work."""
from ember.nn.modules.container import Container  # noqa: F401
from ember.nn.modules.loss import NLLLoss2d  # noqa: F401

__all__ = ['Container', 'NLLLoss2d']
