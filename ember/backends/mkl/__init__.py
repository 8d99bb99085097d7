"""Intel MKL: not a library ember calls itself (its CPU kernels are NumPy's, whatever BLAS NumPy uses)."""

VERBOSE_OFF = 0
VERBOSE_ON = 1


def is_available():
    return False


class verbose:
    """``with verbose(VERBOSE_ON):`` would make MKL log each call; ember makes none through PyTorch's MKL,
    so there is nothing to log. Levels outside MKL's are refused as PyTorch refuses them."""

    def __init__(self, enable):
        self.enable = enable

    def __enter__(self):
        if self.enable not in (VERBOSE_OFF, VERBOSE_ON):
            raise AssertionError("Failed to set MKL into verbose mode. Please consider to disable this verbose scope.")
        return self

    def __exit__(self, *exc):
        return False
