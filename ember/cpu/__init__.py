"""ember.cpu: the CPU counterpart of ``ember.cuda`` (``torch.cpu``), so that device-agnostic code can
call the same functions on either: device queries, streams and events (CPU work runs in order, so
they have nothing to wait for), the CPU's capabilities and ``ember.cpu.amp``."""
import functools

from ember.cpu import amp  # noqa: F401

__all__ = ['Event', 'Stream', 'StreamContext', 'amp', 'current_device', 'current_stream', 'device_count',
           'get_capabilities', 'is_available', 'is_initialized', 'set_device', 'stream', 'synchronize']


def is_available():
    """The CPU is always available."""
    return True


def is_initialized():
    """The CPU needs no initialisation: always True."""
    return True


def device_count():
    """The number of CPU devices (not cores): always 1."""
    return 1


def current_device():
    return 'cpu'


def set_device(device):
    """There is one CPU device: nothing to select."""


def synchronize(device=None):
    """CPU work runs synchronously: nothing to wait for."""


class Stream:
    """The CPU's stream: work runs in order at once, so waiting on it or on its events returns at once."""

    def __init__(self, priority=-1):
        self.priority = priority

    def wait_stream(self, stream):
        """Nothing to wait for on the CPU."""

    def record_event(self):
        """Nothing to record on the CPU."""

    def wait_event(self, event):
        """Nothing to wait for on the CPU."""


class Event:
    """An event on the CPU stream: always complete."""

    def query(self):
        return True

    def record(self, stream=None):
        """Nothing to record on the CPU."""

    def synchronize(self):
        """Nothing to wait for on the CPU."""

    def wait(self, stream=None):
        """Nothing to wait for on the CPU."""


_default_stream = Stream()
_current = [_default_stream]


def current_stream(device=None):
    """The stream selected by the innermost :func:`stream` block (the default CPU stream outside)."""
    return _current[0]


class StreamContext:
    """Context manager that makes ``stream`` current inside the block (``None`` changes nothing)."""

    def __init__(self, stream):
        self.stream = stream
        self.prev_stream = _default_stream

    def __enter__(self):
        if self.stream is not None:
            self.prev_stream = _current[0]
            _current[0] = self.stream

    def __exit__(self, *exc):
        if self.stream is not None:
            _current[0] = self.prev_stream


def stream(stream):
    """``with ember.cpu.stream(s):`` makes ``s`` the current CPU stream inside the block."""
    return StreamContext(stream)


# PyTorch's capability names and the flags Linux reports for them in /proc/cpuinfo
_X86_FLAGS = {
    'sse': 'sse', 'sse2': 'sse2', 'sse3': 'pni', 'ssse3': 'ssse3', 'sse4_1': 'sse4_1', 'sse4_2': 'sse4_2',
    'sse4a': 'sse4a', 'avx': 'avx', 'avx2': 'avx2', 'avx_vnni': 'avx_vnni', 'avx512_f': 'avx512f',
    'avx512_cd': 'avx512cd', 'avx512_dq': 'avx512dq', 'avx512_bw': 'avx512bw', 'avx512_vl': 'avx512vl',
    'avx512_ifma': 'avx512ifma', 'avx512_vbmi': 'avx512vbmi', 'avx512_vbmi2': 'avx512_vbmi2',
    'avx512_bitalg': 'avx512_bitalg', 'avx512_vpopcntdq': 'avx512_vpopcntdq', 'avx512_vnni': 'avx512_vnni',
    'avx512_bf16': 'avx512_bf16', 'avx512_fp16': 'avx512_fp16', 'avx512_vp2intersect': 'avx512_vp2intersect',
    'avx512_4vnniw': 'avx512_4vnniw', 'avx512_4fmaps': 'avx512_4fmaps', 'avx_vnni_int8': 'avx_vnni_int8',
    'avx_vnni_int16': 'avx_vnni_int16', 'avx_ne_convert': 'avx_ne_convert', 'amx_bf16': 'amx_bf16',
    'amx_tile': 'amx_tile', 'amx_int8': 'amx_int8', 'amx_fp16': 'amx_fp16', 'fma3': 'fma', 'fma4': 'fma4',
    'f16c': 'f16c', 'bmi': 'bmi1', 'bmi2': 'bmi2', 'popcnt': 'popcnt', 'lzcnt': 'abm', 'aes': 'aes',
    'sha': 'sha_ni', 'clflush': 'clflush', 'clflushopt': 'clflushopt', 'clwb': 'clwb',
}
_ARM_FLAGS = {
    'neon': 'asimd', 'fp16_arith': 'asimdhp', 'bf16': 'bf16', 'i8mm': 'i8mm', 'dot': 'asimddp', 'sve': 'sve',
    'sve2': 'sve2', 'sve_bf16': 'svebf16', 'sme': 'sme', 'sme2': 'sme2', 'atomics': 'atomics', 'fhm': 'asimdfhm',
    'rdm': 'asimdrdm', 'crc32': 'crc32', 'aes': 'aes', 'sha1': 'sha1', 'sha2': 'sha2', 'pmull': 'pmull',
}


def _cpuinfo_flags():
    """The feature flags Linux lists for the first CPU (empty where /proc/cpuinfo does not exist)."""
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                key, _, value = line.partition(':')
                if key.strip() in ('flags', 'Features'):
                    return set(value.split())
    except OSError:
        pass
    return set()


@functools.lru_cache(None)
def get_capabilities():
    """The CPU's architecture, logical core count and instruction-set features, as a read-only mapping
    with PyTorch's names (``'avx2'``, ``'avx512_f'``, ``'amx_tile'``, ``'neon'``, ``'sve'``, ...; each True or False).

    The features are read from the operating system (``/proc/cpuinfo`` on Linux); where it does not
    list them only ``architecture`` and ``num_logical_cores`` are present.

    Example::

        >>> caps = ember.cpu.get_capabilities()
        >>> isinstance(caps['num_logical_cores'], int)
        True
    """
    import os
    import platform
    import types
    machine = platform.machine().lower()
    architecture = {'amd64': 'x86_64', 'arm64': 'aarch64'}.get(machine, machine)
    caps = {'architecture': architecture, 'num_logical_cores': os.cpu_count() or 1}
    flags = _cpuinfo_flags()
    if flags:
        names = _X86_FLAGS if architecture in ('x86_64', 'i686', 'i386') else _ARM_FLAGS
        caps.update({name: flag in flags for name, flag in names.items()})
    return types.MappingProxyType(caps)
