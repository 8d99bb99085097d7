"""NNPACK (fast convolutions on some CPUs): not part of ember, whose convolutions are its own NumPy
kernels. The switch is accepted and remembered."""
from ember.backends._switches import set_switches, switched

enabled = False


def is_available():
    return False


def set_flags(_enabled):
    """Set whether NNPACK may be used; returns the previous value as a 1-tuple."""
    return set_switches(globals(), [('enabled', bool(_enabled), None)])


def flags(enabled=False):
    """NNPACK allowed or not inside a ``with`` block."""
    return switched(set_flags, enabled)
