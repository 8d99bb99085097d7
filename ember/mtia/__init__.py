"""ember.mtia: Meta's MTIA accelerators. ember has no MTIA back end, so, as PyTorch built without MTIA,
nothing is available: the queries answer so, calls that need a device raise PyTorch's errors, and the
seeding and memory calls PyTorch defers until a device starts do nothing.

>>> ember.mtia.is_available(), ember.mtia.device_count(), ember.mtia.memory_stats()
(False, 0, {})
"""
from ember._streams import Event, Stream  # noqa: F401 - torch.mtia names the generic stream and event
from ember._tensor import Tensor  # noqa: F401 - as torch.mtia has it
from ember.mtia.memory import max_memory_allocated, memory_allocated, memory_stats, reset_peak_memory_stats
from ember.mtia import memory  # noqa: F401

__all__ = ['init', 'is_available', 'is_initialized', 'synchronize', 'device_count', 'current_device',
           'current_stream', 'default_stream', 'memory_stats', 'max_memory_allocated', 'memory_allocated',
           'reset_peak_memory_stats', 'get_device_capability', 'get_device_properties', 'record_memory_history',
           'snapshot', 'attach_out_of_memory_observer', 'empty_cache', 'set_device', 'set_stream', 'stream',
           'device', 'set_rng_state', 'get_rng_state', 'set_rng_state_all', 'get_rng_state_all', 'manual_seed',
           'manual_seed_all', 'seed', 'seed_all', 'initial_seed', 'is_bf16_supported', 'MTIAGraph', 'graph',
           'graph_pool_handle']

_NOT_COMPILED = ("Torch not compiled with MTIA enabled. Ensure you have `import mtia.host_runtime.torch_mtia."
                 "dynamic_library` in your python src file and include `//mtia/host_runtime/torch_mtia:torch_mtia` "
                 "as your target dependency!")

default_generators = ()   # one per device: there are none


class DeferredMtiaCallError(Exception):
    """A call deferred until MTIA started failed when it did (never raised in ember: MTIA never starts)."""


def _no_mtia(what):
    return RuntimeError(f"Cannot execute {what}() without MTIA backend.")


def _not_compiled():
    return AssertionError(_NOT_COMPILED)


def is_available():
    """Returns ``False``: ember has no MTIA back end."""
    return False


def is_initialized():
    """Returns ``False``: MTIA never starts in ember."""
    return False


def init():
    """Raises: ember was not built with MTIA (PyTorch's error)."""
    raise _not_compiled()


def device_count():
    """Returns ``0``: the number of MTIA devices ember can use."""
    return 0


def is_bf16_supported(including_emulation=True):
    """Returns ``True``, as PyTorch does whether or not a device is present (MTIA devices support bfloat16)."""
    return True


def is_fbcode():
    """Returns ``False``: ember is not Meta's internal build."""
    return False


def is_prod():
    """Returns ``False``: ember is not Meta's internal production build."""
    return False


def current_device():
    """Raises: there is no current MTIA device."""
    raise _no_mtia('getCurrentDevice')


def _device_call(device, what):
    # PyTorch first finds the device: the current one (which fails) or, for an index, by switching to it
    raise _no_mtia('getCurrentDevice' if device is None else what)


def synchronize(device=None):
    """Raises: there is no MTIA device to wait for."""
    _device_call(device, 'maybeExchangeDevice')


def current_stream(device=None):
    """Raises: there is no MTIA stream."""
    _device_call(device, 'getCurrentStream')


def default_stream(device=None):
    """Raises: there is no MTIA stream."""
    _device_call(device, 'getDefaultStream')


def get_device_capability(device=None):
    """Raises: there is no MTIA device."""
    _device_call(device, 'getDeviceCapability')


def get_device_properties(device=None):
    """Raises: there is no MTIA device."""
    _device_call(device, 'getDeviceProperties')


def empty_cache():
    """Raises: there is no MTIA memory cache."""
    raise _no_mtia('emptyCache')


def snapshot():
    """Raises: there is no MTIA allocator to take a snapshot of."""
    raise _no_mtia('memorySnapshot')


def record_memory_history(enabled='all', stacks='python', max_entries=0):
    """Does nothing, as in PyTorch when MTIA has not started: there is no MTIA allocator to record."""


def attach_out_of_memory_observer(observer):
    """Raises: there is no MTIA allocator to observe."""
    raise _no_mtia('attachOutOfMemoryObserver')


def set_device(device):
    """Raises for a device index (there is no MTIA device to select); a negative index does nothing."""
    index = device if isinstance(device, int) else getattr(device, 'index', 0)
    if index is None or index >= 0:
        raise _no_mtia('setCurrentDevice')


class device:
    """Context manager that would make ``device`` the current MTIA device: entering it raises, except for
    a negative index, which selects nothing."""

    def __init__(self, device):
        self.idx = device if isinstance(device, int) else getattr(device, 'index', 0)
        self.prev_idx = -1

    def __enter__(self):
        if self.idx is not None and self.idx >= 0:
            raise _no_mtia('maybeExchangeDevice')

    def __exit__(self, *exc):
        return False


def set_stream(stream):
    """Raises for a stream (ember has no MTIA streams); ``None`` does nothing."""
    if stream is not None:
        raise _not_compiled()


class StreamContext:
    """Context manager that would queue MTIA work on ``stream``: making one raises (there is no current
    MTIA device)."""

    def __init__(self, stream):
        raise _no_mtia('getCurrentDevice')


def stream(stream):
    """A :class:`StreamContext` for ``stream`` (which raises: there is no MTIA device)."""
    return StreamContext(stream)


def get_rng_state(device='mtia'):
    """Raises: there is no MTIA generator."""
    raise _not_compiled()


def set_rng_state(new_state, device='mtia'):
    """Raises: there is no MTIA generator."""
    raise _no_mtia('getCurrentDevice')


def get_rng_state_all():
    """Returns ``[]``: one state per MTIA device, and there are none."""
    return []


def set_rng_state_all(new_states):
    """Does nothing, as in PyTorch without a device (the states would be applied when MTIA starts)."""
    for _ in new_states:
        pass


def manual_seed(seed):
    """Does nothing, as in PyTorch when MTIA has not started (the seed is checked to be a number)."""
    int(seed)


def manual_seed_all(seed):
    """As :func:`manual_seed`: there are no MTIA generators."""
    int(seed)


def seed():
    """Does nothing: there is no MTIA generator."""


def seed_all():
    """Does nothing: there are no MTIA generators."""


def initial_seed():
    """Raises: there is no MTIA generator."""
    raise _not_compiled()


class MTIAGraph:
    """A captured graph of MTIA work: making one raises (there is no MTIA device)."""

    def __init__(self, keep_graph=False):
        raise _no_mtia('mtiagraphCreate')


class graph:
    """Context manager that would capture MTIA work into ``mtia_graph``: making one raises."""

    def __init__(self, mtia_graph, pool=None, stream=None):
        raise _no_mtia('getCurrentDevice')


def graph_pool_handle():
    """Raises: there is no MTIA memory pool."""
    raise _no_mtia('graphPoolHandle')
