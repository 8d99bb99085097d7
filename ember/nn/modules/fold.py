"""``torch.nn.modules.fold``'s names: Fold and Unfold (defined in conv.py)."""
from ember.nn.modules.conv import Fold, Unfold  # noqa: F401

__all__ = ['Fold', 'Unfold']
