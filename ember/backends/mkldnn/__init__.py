"""oneDNN (MKL-DNN): not a library ember calls itself (its CPU kernels are NumPy's). Its switches are
accepted and remembered, as scripts tuned for PyTorch set them, and change no result."""
from ember.backends._switches import guard_switches, set_switches, switched

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
    return set_switches(globals(), [('enabled', _enabled, bool), ('deterministic', _deterministic, bool),
                                    ('allow_tf32', _allow_tf32, bool), ('fp32_precision', _fp32_precision, None)])


def flags(enabled=False, deterministic=False, allow_tf32=True, fp32_precision='none'):
    """The switches as given inside a ``with`` block, restored after it."""
    return switched(set_flags, enabled, deterministic, allow_tf32, fp32_precision)


guard_switches(__name__, ('enabled', 'deterministic', 'allow_tf32', 'fp32_precision'))
