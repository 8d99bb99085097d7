"""Helpers shared by ember.cuda.amp's deprecated spellings."""
import warnings

import ember


def amp_definitely_not_available():
    """True when CUDA automatic mixed precision cannot run here: no GPU is usable (as PyTorch answers on a
    machine without CUDA)."""
    return not ember.cuda.is_available()


def _deprecated(old, new):
    warnings.warn(f"`ember.cuda.amp.{old}(args...)` is deprecated. Please use `ember.amp.{new}` instead.",
                  FutureWarning, stacklevel=3)
