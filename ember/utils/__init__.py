"""ember.utils: helpers around the core (``ember.utils.data`` for datasets and loaders)."""
import importlib

from ember.utils import data  # noqa: F401
from ember.utils import checkpoint  # noqa: F401,E402  (ember.utils.checkpoint after a bare import, as in PyTorch)

_LAZY = ('model_zoo', 'benchmark')   # importable as attributes, loaded on first use


def __getattr__(name):
    if name in _LAZY:
        return importlib.import_module(f'ember.utils.{name}')
    raise AttributeError(f"module 'ember.utils' has no attribute '{name}'")
