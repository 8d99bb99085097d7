"""MIOpen (AMD GPUs' cuDNN): not part of ember. Its switch is accepted and remembered."""
import contextlib

immediate = False


def set_flags(_immediate=None):
    """Set MIOpen's immediate mode (``None`` leaves it); returns the previous value as a 1-tuple."""
    global immediate
    orig = (immediate,)
    if _immediate is not None:
        immediate = bool(_immediate)
    return orig


@contextlib.contextmanager
def flags(immediate=False):
    orig = set_flags(immediate)
    try:
        yield
    finally:
        set_flags(*orig)
