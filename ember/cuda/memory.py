"""CUDA memory statistics and limits (PyTorch's ``torch.cuda.memory``), over CuPy's memory pool.

As in PyTorch, the statistics can be read on any machine: without CUDA (no CuPy, or no GPU)
they are empty or zero, so a script that reports its GPU memory also runs on a CPU. Calls that
act on a device (a memory limit, the free memory) need one and say why when there is none.
"""
import collections
import warnings

from ember import backend
from ember.backend import cuda_runtime as _rt

__all__ = ['empty_cache', 'get_per_process_memory_fraction', 'max_memory_allocated', 'max_memory_cached',
           'max_memory_reserved', 'mem_get_info', 'memory_allocated', 'memory_cached', 'memory_reserved',
           'memory_stats', 'memory_stats_as_nested_dict', 'memory_summary', 'reset_accumulated_memory_stats',
           'reset_max_memory_allocated', 'reset_max_memory_cached', 'reset_peak_memory_stats',
           'set_per_process_memory_fraction', 'list_gpu_processes']

from ember.cuda._nvml import list_gpu_processes  # noqa: E402 - NVML's view, as torch.cuda.memory has it


def _device_index(device):
    from ember.cuda import _index
    return _index(device)


def memory_stats(device=None):
    """The memory pool's statistics for ``device`` as a flat, key-sorted dictionary, with PyTorch's key
    names (``'allocated_bytes.all.current'``, ``'reserved_bytes.all.peak'``, ...).

    ember's pool is CuPy's: it reports bytes held by tensors (allocated, also called active), bytes
    held from the driver (reserved) and their peaks, and ``num_ooms``, the allocations refused for want
    of memory; PyTorch's per-pool and per-block counts have no counterpart and are not listed. Without CUDA the dictionary is empty, as in PyTorch.

    Example::

        >>> stats = ember.cuda.memory_stats()
        >>> stats.get('allocated_bytes.all.current', 0) >= 0
        True
    """
    if not backend.cuda_available():
        return collections.OrderedDict()
    idx = _device_index(device)
    allocated, peak = _rt.allocated(idx), _rt.peak_allocated(idx)
    reserved = _rt.reserved(idx)
    stats = {
        'allocated_bytes.all.current': allocated, 'allocated_bytes.all.peak': peak,
        'active_bytes.all.current': allocated, 'active_bytes.all.peak': peak,
        'reserved_bytes.all.current': reserved, 'reserved_bytes.all.peak': max(reserved, peak),
        'inactive_split_bytes.all.current': reserved - allocated,
        'num_ooms': _rt.ooms(idx),
    }
    return collections.OrderedDict(sorted(stats.items()))


def memory_stats_as_nested_dict(device=None):
    """:func:`memory_stats` as nested dictionaries (``stats['allocated_bytes']['all']['current']``)."""
    nested = {}
    for key, value in memory_stats(device).items():
        *path, last = key.split('.')
        node = nested
        for part in path:
            node = node.setdefault(part, {})
        node[last] = value
    return nested


def memory_allocated(device=None):
    """Bytes of device memory held by tensors on ``device`` (0 without CUDA).

    Example::

        >>> ember.cuda.memory_allocated() >= 0
        True
    """
    return memory_stats(device).get('allocated_bytes.all.current', 0)


def max_memory_allocated(device=None):
    """The most bytes held by tensors at once since the program began or :func:`reset_peak_memory_stats`
    (tracked from the first call of a memory statistic on; 0 without CUDA)."""
    return memory_stats(device).get('allocated_bytes.all.peak', 0)


def memory_reserved(device=None):
    """Bytes the caching allocator holds on ``device``, in use or cached for reuse (0 without CUDA)."""
    return memory_stats(device).get('reserved_bytes.all.current', 0)


def max_memory_reserved(device=None):
    """The most bytes the caching allocator has held at once (0 without CUDA)."""
    return memory_stats(device).get('reserved_bytes.all.peak', 0)


def memory_cached(device=None):
    """Deprecated name of :func:`memory_reserved`."""
    warnings.warn("`ember.cuda.memory_cached` has been renamed to `ember.cuda.memory_reserved`", FutureWarning,
                  stacklevel=2)
    return memory_reserved(device)


def max_memory_cached(device=None):
    """Deprecated name of :func:`max_memory_reserved`."""
    warnings.warn("`ember.cuda.max_memory_cached` has been renamed to `ember.cuda.max_memory_reserved`",
                  FutureWarning, stacklevel=2)
    return max_memory_reserved(device)


def reset_peak_memory_stats(device=None):
    """Start the peak statistics (``max_memory_allocated``, ...) again from the current values."""
    backend._require_cuda()
    _rt.reset_peak(_device_index(device))


def reset_accumulated_memory_stats(device=None):
    """Reset the accumulated (historical) statistics of ``device``: ``num_ooms``, the allocations refused for
    want of memory (the peaks have :func:`reset_peak_memory_stats`)."""
    backend._require_cuda()
    _rt.reset_ooms(_device_index(device))


def reset_max_memory_allocated(device=None):
    """Deprecated: calls :func:`reset_peak_memory_stats`, which resets every peak."""
    warnings.warn("ember.cuda.reset_max_memory_allocated now calls ember.cuda.reset_peak_memory_stats, which "
                  "resets /all/ peak memory stats.", FutureWarning, stacklevel=2)
    reset_peak_memory_stats(device)


def reset_max_memory_cached(device=None):
    """Deprecated: calls :func:`reset_peak_memory_stats`, which resets every peak."""
    warnings.warn("ember.cuda.reset_max_memory_cached now calls ember.cuda.reset_peak_memory_stats, which "
                  "resets /all/ peak memory stats.", FutureWarning, stacklevel=2)
    reset_peak_memory_stats(device)


def empty_cache():
    """Release cached, unused device memory to the driver (tensors keep theirs; nothing to do without CUDA)."""
    if backend.cuda_available():
        _rt.empty_cache()


def mem_get_info(device=None):
    """``(free, total)`` bytes of memory on ``device``, as the driver reports them."""
    backend._require_cuda()
    return _rt.mem_get_info(_device_index(device))


def set_per_process_memory_fraction(fraction, device=None):
    """Limit this process's memory pool on ``device`` to ``fraction`` of the device's total memory;
    allocating beyond it raises an out-of-memory error.

    Args:
        fraction (float): between 0 and 1.
        device (ember.device or int, optional): the device; the current one when ``None``.
    """
    backend._require_cuda()
    idx = _device_index(device)
    if not isinstance(fraction, float):
        raise TypeError("Invalid type for fraction argument, must be `float`")
    if fraction < 0 or fraction > 1:
        raise ValueError(f"Invalid fraction value: {fraction}. Allowed range: 0~1")
    _rt.set_pool_fraction(idx, fraction)


def get_per_process_memory_fraction(device=None):
    """The fraction of ``device``'s memory this process may use (1.0 when no limit was set)."""
    backend._require_cuda()
    idx = _device_index(device)
    limit = _rt.pool_limit(idx)
    if limit == 0:
        return 1.0
    return limit / _rt.mem_get_info(idx)[1]


def memory_summary(device=None, abbreviated=False):
    """A printable table of :func:`memory_stats` for ``device``: current and peak bytes held by tensors
    and by the allocator. ``abbreviated`` is accepted for PyTorch's signature: ember's table is
    already the short one."""
    stats = memory_stats(device)
    rows = [('Allocated memory', 'allocated_bytes'), ('Active memory', 'active_bytes'),
            ('GPU reserved memory', 'reserved_bytes')]
    idx = _device_index(device) if backend.cuda_available() else 0
    line = '|' + '=' * 75 + '|'
    out = [line, f'|{"ember CUDA memory summary, device ID " + str(idx):^75}|', '|' + '-' * 75 + '|',
           f'| {"Metric":<33} | {"Cur Usage":>17} | {"Peak Usage":>17} |', '|' + '-' * 75 + '|']
    for title, key in rows:
        cur = stats.get(f'{key}.all.current', 0)
        peak = stats.get(f'{key}.all.peak', 0)
        out.append(f'| {title:<33} | {_format_bytes(cur):>17} | {_format_bytes(peak):>17} |')
    out.append(line)
    return '\n'.join(out) + '\n'


def _format_bytes(n):
    """Bytes in the largest unit that keeps at least 768 of the one below (``123 KiB``, ``5 MiB``)."""
    unit = 'B'
    for bigger in ('KiB', 'MiB', 'GiB', 'TiB', 'PiB'):
        if n < 768 * 1024:
            break
        n //= 1024
        unit = bigger
    return f'{n} {unit}'


# the allocator API beyond statistics, which PyTorch also keeps in torch.cuda.memory
from ember.cuda._allocator import *  # noqa: E402,F401,F403
from ember.cuda._allocator import __all__ as _allocator_names  # noqa: E402
from ember.cuda._allocator import _dump_snapshot, _record_memory_history, _snapshot  # noqa: E402,F401
from ember.cuda import is_initialized  # noqa: E402,F401 - torch.cuda.memory has it too

__all__ = __all__ + _allocator_names
