"""oneDNN (MKL-DNN): not a library ember calls itself (its CPU kernels are NumPy's). Its switches are
accepted and remembered, as scripts tuned for PyTorch set them, and change no result."""
import contextlib

enabled = True
deterministic = False
allow_tf32 = True
fp32_precision = 'none'

VERBOSE_OFF = 0
VERBOSE_ON = 1
VERBOSE_ON_CREATION = 2


def is_available():
    return False


def is_acl_available():
    """Whether oneDNN was built with the Arm Compute Library: no (ember has no oneDNN)."""
    return False


class verbose:
    """``with verbose(VERBOSE_ON):`` would make oneDNN log each primitive it runs; ember runs none, so there
    is nothing to log. Levels outside oneDNN's are refused as PyTorch refuses them."""

    def __init__(self, level):
        self.level = level

    def __enter__(self):
        if self.level not in (VERBOSE_OFF, VERBOSE_ON, VERBOSE_ON_CREATION):
            raise AssertionError("Failed to set MKLDNN into verbose mode. Please consider to disable this verbose scope.")
        return self

    def __exit__(self, *exc):
        return False


def set_flags(_enabled=None, _deterministic=None, _allow_tf32=None, _fp32_precision='none'):
    """Set the switches given (``None`` leaves one as it is); returns the previous values, in order."""
    global enabled, deterministic, allow_tf32, fp32_precision
    orig = (enabled, deterministic, allow_tf32, fp32_precision)
    if _enabled is not None:
        enabled = bool(_enabled)
    if _deterministic is not None:
        deterministic = bool(_deterministic)
    if _allow_tf32 is not None:
        allow_tf32 = bool(_allow_tf32)
    if _fp32_precision is not None:
        fp32_precision = _fp32_precision
    return orig


@contextlib.contextmanager
def flags(enabled=False, deterministic=False, allow_tf32=True, fp32_precision='none'):
    """The switches as given inside a ``with`` block, restored after it."""
    orig = set_flags(enabled, deterministic, allow_tf32, fp32_precision)
    try:
        yield
    finally:
        set_flags(*orig)
