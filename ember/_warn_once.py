"""Warnings PyTorch gives once per process (its ``TORCH_WARN_ONCE``): deprecation hints and the like; and
warnings that name the user's line whatever ember frames lie between (dispatch wrappers, op bindings)."""
import os
import sys
import warnings

_WARNED = set()
_EMBER_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def warn_once(message, category=UserWarning, stacklevel=2):
    """Warn with ``message`` the first time only; ``stacklevel`` counts from the caller of warn_once."""
    if message not in _WARNED:
        _WARNED.add(message)
        warnings.warn(message, category, stacklevel=stacklevel + 1)


def warn_at_user(message, category=UserWarning, _skip=1):
    """Warn as from the first caller outside ember: the line of the user's program that called the op,
    even when ``__torch_function__`` dispatch put its wrapper between them."""
    frame, level = sys._getframe(_skip), _skip + 1     # (stacklevel 1 is this function, 2 its caller)
    while frame is not None and frame.f_code.co_filename.startswith(_EMBER_DIR):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


def warn_once_at_user(message, category=UserWarning):
    """``warn_at_user`` the first time only (PyTorch's deprecation notes from inside an op)."""
    if message not in _WARNED:
        _WARNED.add(message)
        warn_at_user(message, category, _skip=2)
