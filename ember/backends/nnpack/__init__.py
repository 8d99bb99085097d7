"""NNPACK (fast convolutions on some CPUs): not part of ember, whose convolutions are its own NumPy
kernels. The switch is accepted and remembered."""
import contextlib

enabled = False


def is_available():
    return False


def set_flags(_enabled):
    """Set whether NNPACK may be used; returns the previous value as a 1-tuple."""
    global enabled
    orig = (enabled,)
    enabled = bool(_enabled)
    return orig


@contextlib.contextmanager
def flags(enabled=False):
    """NNPACK allowed or not inside a ``with`` block."""
    orig = set_flags(enabled)
    try:
        yield
    finally:
        set_flags(*orig)
