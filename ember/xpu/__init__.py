"""ember.xpu: Intel GPUs. ember has no XPU back end, so, as PyTorch built without XPU, nothing is
available: the queries answer so, and calls that need a device raise PyTorch's error."""
from ember.xpu.graphs import XPUGraph, graph, graph_pool_handle, is_current_stream_capturing, \
    make_graphed_callables
from ember.xpu.memory import *  # noqa: F401,F403
from ember.xpu.memory import __all__ as _memory_names
from ember.xpu.random import *  # noqa: F401,F403
from ember.xpu.random import __all__ as _random_names
from ember.xpu.streams import Event, Stream
from ember.xpu import graphs, memory, random, streams  # noqa: F401

__all__ = ['Event', 'Stream', 'StreamContext', 'XPUGraph', 'can_device_access_peer', 'clock_rate', 'current_device',
           'current_stream', 'default_generators', 'device', 'device_of', 'device_count', 'device_memory_used',
           'get_arch_list', 'get_device_capability', 'get_device_name', 'get_device_properties', 'get_gencode_flags',
           'get_stream_from_external', 'graph', 'graph_pool_handle', 'init', 'is_available', 'is_bf16_supported',
           'is_current_stream_capturing', 'is_initialized', 'is_tf32_supported', 'make_graphed_callables',
           'memory_usage', 'power_draw', 'set_device', 'set_stream', 'stream', 'streams', 'synchronize',
           'temperature', 'utilization'] + _memory_names + _random_names

default_generators = ()   # one per device: there are none


def _no_xpu():
    return AssertionError("Torch not compiled with XPU enabled")


def is_available():
    """Returns ``False``: ember has no XPU back end.

    Example::

        >>> ember.xpu.is_available(), ember.xpu.device_count()
        (False, 0)
    """
    return False


def device_count():
    """Returns ``0``: the number of XPU devices ember can use."""
    return 0


def is_initialized():
    """Returns ``False``: the XPU state is never initialized."""
    return False


def init():
    """Raises: ember was not built with XPU (PyTorch's error)."""
    raise _no_xpu()


def current_device():
    """Raises: there is no current XPU device."""
    raise _no_xpu()


def set_device(device):
    """Raises: there is no XPU device to select."""
    raise _no_xpu()


def synchronize(device=None):
    """Raises: there is no XPU device to wait for."""
    raise _no_xpu()


def get_device_name(device=None):
    """Raises: there is no XPU device to name."""
    raise _no_xpu()


def get_device_capability(device=None):
    """Raises: there is no XPU device."""
    raise _no_xpu()


def get_device_properties(device=None):
    """Raises: there is no XPU device."""
    raise _no_xpu()


def can_device_access_peer(device, peer):
    """Raises: there are no XPU devices."""
    raise _no_xpu()


def get_arch_list():
    """Returns ``[]``: no XPU architectures are built in."""
    return []


def get_gencode_flags():
    """Returns ``''``: no XPU architectures are built in."""
    return ''


def is_bf16_supported(including_emulation=True):
    """Returns ``False``: there is no XPU device."""
    return False


def is_tf32_supported():
    """Returns ``False``: there is no XPU device."""
    return False


def current_stream(device=None):
    """Raises: there is no XPU stream."""
    raise _no_xpu()


def get_stream_from_external(data_ptr, device=None):
    """Raises: there is no XPU device for the stream."""
    raise _no_xpu()


def set_stream(stream):
    """Make ``stream`` current: ``None`` does nothing; a stream cannot exist without XPU."""
    if stream is not None:
        raise _no_xpu()


class StreamContext:
    """Context manager that queues XPU work on ``stream``; ``None`` (the only stream there can be without
    XPU) changes nothing."""

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        if self.stream is not None:
            raise _no_xpu()

    def __exit__(self, *exc):
        return False


def stream(stream):
    """A :class:`StreamContext` for ``stream``."""
    return StreamContext(stream)


class device:
    """Context manager that makes ``device`` the current XPU device: entering it raises (PyTorch's error)."""

    def __init__(self, device):
        self.idx = device
        self.prev_idx = -1

    def __enter__(self):
        raise NotImplementedError("PyTorch was compiled without XPU support")

    def __exit__(self, *exc):
        return False


class device_of(device):
    """Context manager that makes the device of ``obj`` (an XPU tensor) current: entering it raises."""

    def __init__(self, obj):
        super().__init__(obj.get_device() if obj.is_xpu else -1)


def clock_rate(device=None):
    """Raises: there is no XPU device to read."""
    raise _no_xpu()


def device_memory_used(device=None):
    """Raises: there is no XPU device to read."""
    raise _no_xpu()


def memory_usage(device=None):
    """Raises: there is no XPU device to read."""
    raise _no_xpu()


def power_draw(device=None):
    """Raises: there is no XPU device to read."""
    raise _no_xpu()


def temperature(device=None):
    """Raises: there is no XPU device to read."""
    raise _no_xpu()


def utilization(device=None):
    """Raises: there is no XPU device to read."""
    raise _no_xpu()
