"""``skip_init``: build a module without drawing its initial parameter values from the RNG."""
import inspect

from ember.nn.modules.module import Module
from ember.random import fork_rng

__all__ = ['skip_init']


def skip_init(module_cls, *args, **kwargs):
    """``module_cls(*args, **kwargs)`` whose parameters are left for the caller to fill.

    The parameter values are unspecified (as PyTorch's uninitialized memory is) and the global
    random streams are as they were before the call, so seeded code after it draws what it
    would have drawn without this module. The class must accept a ``device`` argument.

    Example::

        >>> layer = nn.utils.skip_init(nn.Linear, 3, 2)
        >>> layer.weight.shape
        ember.Size([2, 3])
        >>> _ = nn.init.zeros_(layer.weight)
        >>> layer(ember.ones(1, 3)).shape
        ember.Size([1, 2])
    """
    if not (isinstance(module_cls, type) and issubclass(module_cls, Module)):
        raise RuntimeError(f'Expected a Module; got {module_cls}')
    if 'device' not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    device = kwargs.get('device')
    # NOTE: ember has no storage-less 'meta' tensors to build on, so the module is built normally
    # and the random draws its initialisation made are rolled back
    with fork_rng(devices=[] if device is None or 'cuda' not in str(device) else None):
        return module_cls(*args, **kwargs)
