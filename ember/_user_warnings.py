"""Warnings attributed to the user's line: the first frame outside ember, whatever ember frames (the
autocast and ``__torch_function__`` wrappers, module calls) lie between, which is where PyTorch's
``stacklevel`` arguments point."""
import os
import sys
import warnings

_EMBER_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def warn(message, category=UserWarning):
    """``warnings.warn(message, category)`` from the nearest caller outside ember."""
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_code.co_filename.startswith(_EMBER_DIR):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)
