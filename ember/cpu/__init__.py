"""ember.cpu: the CPU counterpart of ``ember.cuda`` (``torch.cpu``): device queries and ``ember.cpu.amp``."""
from ember.cpu import amp  # noqa: F401

__all__ = ['amp', 'current_device', 'device_count', 'is_available', 'synchronize']


def is_available():
    """The CPU is always available."""
    return True


def device_count():
    return 1


def current_device():
    return 'cpu'


def synchronize(device=None):
    """CPU work runs synchronously: nothing to wait for."""
