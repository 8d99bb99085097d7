"""ember.utils: helpers around the core (``ember.utils.data`` for datasets and loaders)."""
import importlib

# importable as attributes (``ember.utils.data`` after a bare ``import ember``, as in PyTorch), loaded
# on first use so that ``import ember`` does not pay for the data pipeline
_LAZY = ('data', 'checkpoint', 'model_zoo', 'benchmark')


def __getattr__(name):
    if name in _LAZY:
        return importlib.import_module(f'ember.utils.{name}')
    raise AttributeError(f"module 'ember.utils' has no attribute '{name}'")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


from typing import TYPE_CHECKING as _TYPE_CHECKING  # noqa: E402

if _TYPE_CHECKING:   # what type checkers should see of the submodules loaded on first use
    from ember.utils import checkpoint, data  # noqa: F401
