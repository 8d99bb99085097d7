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
    """Returns whether autocast is on for ``device_type`` in the calling thread.

    Args:
        device_type (str, optional): ``'cpu'`` or ``'cuda'``. Without it the answer is about CUDA.

    Returns:
        bool

    Example::

        >>> ember.is_autocast_enabled('cpu')
        False
        >>> with ember.autocast('cpu'):
        ...     print(ember.is_autocast_enabled('cpu'))
        True
    """
    return _autocast.state.enabled.get(_device_type(device_type or 'cuda'), False)


def set_autocast_enabled(device_type, enabled=None):
    """Turns autocast on or off for ``device_type`` in the calling thread. Prefer the :class:`ember.autocast`
    context manager, which also restores the previous state.

    Args:
        device_type (str): ``'cpu'`` or ``'cuda'``. Called with one argument, ``set_autocast_enabled(enabled)``
            sets it for CUDA.
        enabled (bool): the new state.

    Example::

        >>> ember.set_autocast_enabled('cpu', True)
        >>> (ember.ones(2, 2) @ ember.ones(2, 2)).dtype
        ember.bfloat16
        >>> ember.set_autocast_enabled('cpu', False)
        >>> (ember.ones(2, 2) @ ember.ones(2, 2)).dtype
        ember.float32
    """
    if enabled is None:
        device_type, enabled = 'cuda', device_type
    _autocast.set_enabled(_device_type(device_type), enabled)


def get_autocast_dtype(device_type):
    """Returns the lower-precision dtype that autocast regions on ``device_type`` cast to.

    Args:
        device_type (str): ``'cpu'`` (default ``ember.bfloat16``) or ``'cuda'`` (default ``ember.float16``).

    Returns:
        :class:`ember.dtype`

    Example::

        >>> ember.get_autocast_dtype('cpu')
        ember.bfloat16
        >>> ember.get_autocast_dtype('cuda')
        ember.float16
    """
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
    """Returns whether autocast regions cache the lower-precision copies they make of weights.

    Returns:
        bool: ``True`` unless turned off with :func:`ember.set_autocast_cache_enabled`.

    Example::

        >>> ember.is_autocast_cache_enabled()
        True
    """
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
    """Counts one more open autocast region and returns the new depth. :class:`ember.autocast` calls it on
    entry; code that manages autocast's state by hand pairs it with :func:`ember.autocast_decrement_nesting`.

    Returns:
        int: the number of open regions.

    Example::

        >>> ember.autocast_increment_nesting()
        1
        >>> ember.autocast_decrement_nesting()
        0
    """
    _autocast.state.nesting += 1
    return _autocast.state.nesting


def autocast_decrement_nesting():
    """Counts one autocast region as closed and returns the new depth. When it reaches 0, the caller is
    expected to clear the weight cache (:func:`ember.clear_autocast_cache`), as :class:`ember.autocast` does.

    Returns:
        int: the number of regions still open.

    Example::

        >>> with ember.autocast('cpu'):
        ...     depth = ember.autocast_increment_nesting()
        ...     print(depth, ember.autocast_decrement_nesting())
        2 1
    """
    _autocast.state.nesting -= 1
    return _autocast.state.nesting


def _deprecated(old, new):
    warnings.warn(f"torch.{old}() is deprecated. Please use torch.{new} instead.".replace('torch.', 'ember.'),
                  DeprecationWarning, stacklevel=3)


def is_autocast_cpu_enabled():
    """Deprecated: use ``ember.is_autocast_enabled('cpu')``. Returns whether autocast is enabled on the CPU, with a
    ``DeprecationWarning``.

    Returns:
        bool

    Example::

        >>> with ember.autocast('cpu'):
        ...     print(ember.is_autocast_cpu_enabled())
        True
    """
    _deprecated('is_autocast_cpu_enabled', "is_autocast_enabled('cpu')")
    return is_autocast_enabled('cpu')


def set_autocast_cpu_enabled(enabled):
    """Deprecated: use ``ember.set_autocast_enabled('cpu', enabled)``. Enables or disables autocast on the CPU,
    with a ``DeprecationWarning``.

    Args:
        enabled (bool): the new state.

    Example::

        >>> ember.set_autocast_cpu_enabled(True)
        >>> ember.is_autocast_enabled('cpu')
        True
        >>> ember.set_autocast_cpu_enabled(False)
    """
    _deprecated('set_autocast_cpu_enabled', "set_autocast_enabled('cpu', enabled)")
    set_autocast_enabled('cpu', enabled)


def get_autocast_cpu_dtype():
    """Deprecated: use ``ember.get_autocast_dtype('cpu')``. Returns the CPU autocast dtype, with a
    ``DeprecationWarning``.

    Returns:
        :class:`ember.dtype`

    Example::

        >>> ember.get_autocast_cpu_dtype()
        ember.bfloat16
    """
    _deprecated('get_autocast_cpu_dtype', "get_autocast_dtype('cpu')")
    return get_autocast_dtype('cpu')


def set_autocast_cpu_dtype(dtype):
    """Deprecated: use ``ember.set_autocast_dtype('cpu', dtype)``. Sets the CPU autocast dtype, with a
    ``DeprecationWarning``.

    Args:
        dtype (:class:`ember.dtype`): ``ember.bfloat16`` or ``ember.float16``.

    Example::

        >>> ember.set_autocast_cpu_dtype(ember.float16)
        >>> ember.get_autocast_dtype('cpu')
        ember.float16
        >>> ember.set_autocast_cpu_dtype(ember.bfloat16)
    """
    _deprecated('set_autocast_cpu_dtype', "set_autocast_dtype('cpu', dtype)")
    set_autocast_dtype('cpu', dtype)


def get_autocast_gpu_dtype():
    """Deprecated: use ``ember.get_autocast_dtype('cuda')``. Returns the CUDA autocast dtype, with a
    ``DeprecationWarning``.

    Returns:
        :class:`ember.dtype`

    Example::

        >>> ember.get_autocast_gpu_dtype()
        ember.float16
    """
    _deprecated('get_autocast_gpu_dtype', "get_autocast_dtype('cuda')")
    return get_autocast_dtype('cuda')


def set_autocast_gpu_dtype(dtype):
    """Deprecated: use ``ember.set_autocast_dtype('cuda', dtype)``. Sets the CUDA autocast dtype, with a
    ``DeprecationWarning``.

    Args:
        dtype (:class:`ember.dtype`): ``ember.float16`` or ``ember.bfloat16``.

    Example::

        >>> ember.set_autocast_gpu_dtype(ember.bfloat16)
        >>> ember.get_autocast_dtype('cuda')
        ember.bfloat16
        >>> ember.set_autocast_gpu_dtype(ember.float16)
    """
    _deprecated('set_autocast_gpu_dtype', "set_autocast_dtype('cuda', dtype)")
    set_autocast_dtype('cuda', dtype)
