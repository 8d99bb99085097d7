"""MIOpen (AMD GPUs' cuDNN): not part of ember. Its switch is accepted and remembered."""
from ember.backends._switches import guard_switches, set_switches, switched

immediate = False


def set_flags(_immediate=None):
    """Set MIOpen's immediate mode (``None`` leaves it); returns the previous value as a 1-tuple."""
    return set_switches(globals(), [('immediate', _immediate, bool)])


def flags(immediate=False):
    """MIOpen's immediate mode as given inside a ``with`` block, restored after it."""
    return switched(set_flags, immediate)


guard_switches(__name__, ('immediate',))
