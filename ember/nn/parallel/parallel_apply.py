"""Running module replicas each in its own thread (``DataParallel``'s middle step).

The functions live in ``ember.nn.parallel._functions``; this module is where PyTorch programs import them from."""
from ember.nn.parallel._functions import get_a_var, parallel_apply  # noqa: F401

__all__ = ['get_a_var', 'parallel_apply']
