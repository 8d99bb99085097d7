"""Warnings PyTorch gives once per process (its ``TORCH_WARN_ONCE``): deprecation hints and the like."""
import warnings

_WARNED = set()


def warn_once(message, category=UserWarning, stacklevel=2):
    """Warn with ``message`` the first time only; ``stacklevel`` counts from the caller of warn_once."""
    if message not in _WARNED:
        _WARNED.add(message)
        warnings.warn(message, category, stacklevel=stacklevel + 1)
