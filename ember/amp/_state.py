"""The ``ember.*`` functions that read and set autocast's thread-local state (``torch.is_autocast_enabled``,
``torch.set_autocast_dtype``, ...). The state itself and the per-op policies live in ``ember._autocast``."""
import warnings

from ember import _autocast
from ember._device import device as _device

__all__ = ['is_autocast_enabled', 'set_autocast_enabled', 'get_autocast_dtype', 'set_autocast_dtype',
           'is_autocast_cache_enabled', 'set_autocast_cache_enabled', 'clear_autocast_cache',
           'autocast_increment_nesting', 'autocast_decrement_nesting', 'is_autocast_cpu_enabled',
           'set_autocast_cpu_enabled', 'get_autocast_cpu_dtype', 'set_autocast_cpu_dtype', 'get_autocast_gpu_dtype',
           'set_autocast_gpu_dtype']


def _device_type(device_type):
    """The device type string, checked the way PyTorch parses device strings."""
    return _device(device_type).type


def is_autocast_enabled(device_type=None):
    """Whether autocast is on for ``device_type`` in this thread (no argument: CUDA, as in PyTorch)."""
    return _autocast.state.enabled.get(_device_type(device_type or 'cuda'), False)


def set_autocast_enabled(device_type, enabled=None):
    """Turn autocast on or off for ``device_type`` (``set_autocast_enabled(enabled)``: CUDA)."""
    if enabled is None:
        device_type, enabled = 'cuda', device_type
    _autocast.set_enabled(_device_type(device_type), enabled)


def get_autocast_dtype(device_type):
    """The lower-precision dtype autocast uses on ``device_type`` (bfloat16 on CPU, float16 on CUDA)."""
    return _autocast.get_dtype(_device_type(device_type))


def set_autocast_dtype(device_type, dtype):
    """Sets the lower-precision dtype that autocast regions on ``device_type`` cast to.

    Args:
        device_type (str): ``'cpu'`` or ``'cuda'``.
        dtype (:class:`ember.dtype`): ``ember.bfloat16`` or ``ember.float16``.

    Example::

        >>> ember.set_autocast_dtype('cpu', ember.float16)
        >>> ember.get_autocast_dtype('cpu')
        ember.float16
        >>> ember.set_autocast_dtype('cpu', ember.bfloat16)
    """
    _autocast.state.dtype[_device_type(device_type)] = dtype


def is_autocast_cache_enabled():
    """Whether lower-precision copies of weights are cached inside autocast regions."""
    return _autocast.state.cache_enabled


def set_autocast_cache_enabled(enabled):
    """Turns on or off the cache of lower-precision weight copies used inside autocast regions (it is cleared when
    the outermost region exits).

    Args:
        enabled (bool): whether to cache.

    Example::

        >>> ember.set_autocast_cache_enabled(False)
        >>> ember.is_autocast_cache_enabled()
        False
        >>> ember.set_autocast_cache_enabled(True)
    """
    _autocast.state.cache_enabled = bool(enabled)


def clear_autocast_cache():
    """Empties the cache of lower-precision weight copies made inside autocast regions.

    Example::

        >>> ember.clear_autocast_cache()
    """
    _autocast.clear_cache()


def autocast_increment_nesting():
    """Enter one more autocast region; returns the new depth."""
    _autocast.state.nesting += 1
    return _autocast.state.nesting


def autocast_decrement_nesting():
    """Leave an autocast region; returns the new depth (the weight cache is cleared at 0)."""
    _autocast.state.nesting -= 1
    return _autocast.state.nesting


def _deprecated(old, new):
    warnings.warn(f"torch.{old}() is deprecated. Please use torch.{new} instead.".replace('torch.', 'ember.'),
                  DeprecationWarning, stacklevel=3)


def is_autocast_cpu_enabled():
    """Deprecated: use ``ember.is_autocast_enabled('cpu')``. Returns whether autocast is enabled on the CPU, with a
    ``DeprecationWarning``.
    """
    _deprecated('is_autocast_cpu_enabled', "is_autocast_enabled('cpu')")
    return is_autocast_enabled('cpu')


def set_autocast_cpu_enabled(enabled):
    """Deprecated: use ``ember.set_autocast_enabled('cpu', enabled)``. Enables or disables autocast on the CPU,
    with a ``DeprecationWarning``.
    """
    _deprecated('set_autocast_cpu_enabled', "set_autocast_enabled('cpu', enabled)")
    set_autocast_enabled('cpu', enabled)


def get_autocast_cpu_dtype():
    """Deprecated: use ``ember.get_autocast_dtype('cpu')``. Returns the CPU autocast dtype, with a
    ``DeprecationWarning``.
    """
    _deprecated('get_autocast_cpu_dtype', "get_autocast_dtype('cpu')")
    return get_autocast_dtype('cpu')


def set_autocast_cpu_dtype(dtype):
    """Deprecated: use ``ember.set_autocast_dtype('cpu', dtype)``. Sets the CPU autocast dtype, with a
    ``DeprecationWarning``.
    """
    _deprecated('set_autocast_cpu_dtype', "set_autocast_dtype('cpu', dtype)")
    set_autocast_dtype('cpu', dtype)


def get_autocast_gpu_dtype():
    """Deprecated: use ``ember.get_autocast_dtype('cuda')``. Returns the CUDA autocast dtype, with a
    ``DeprecationWarning``.
    """
    _deprecated('get_autocast_gpu_dtype', "get_autocast_dtype('cuda')")
    return get_autocast_dtype('cuda')


def set_autocast_gpu_dtype(dtype):
    """Deprecated: use ``ember.set_autocast_dtype('cuda', dtype)``. Sets the CUDA autocast dtype, with a
    ``DeprecationWarning``.
    """
    _deprecated('set_autocast_gpu_dtype', "set_autocast_dtype('cuda', dtype)")
    set_autocast_dtype('cuda', dtype)
