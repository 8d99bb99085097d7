"""Whether ember's float32 CPU kernels reproduce PyTorch's rounding bit for bit.

By default they do: softmax, log_softmax and cross_entropy, exact GELU, LayerNorm and BatchNorm
follow the order of operations and the vector math of PyTorch's CPU kernels, and the optimizers'
float32 updates round their multiply-adds once as PyTorch's do, so the same inputs give the same
float32 bits. That costs time in NumPy (GELU several times, LayerNorm two to four times, BatchNorm and
softmax about one and a half to two, an optimizer step about five times), and inside a network it
buys little: matrix
products and convolutions already differ from PyTorch's in the last bit (another BLAS adds in another
order), so the layers after them see other inputs anyway.

``set_pytorch_bits(False)`` (or the environment variable ``EMBER_PYTORCH_BITS=0``, which also reaches
scripts run unchanged with ``ember run``) trades those bits for speed: the kernels above take NumPy's
own formulas; float32 ``exp``, ``log``, ``tanh``, ``sigmoid`` and the other functions that ember
otherwise evaluates in float64 and rounds (PyTorch's bits on nearly every input) take NumPy's float32
kernels (within 3 units in the last place, 3-7 times faster); and float32/float64 ``sum`` and ``mean``
(and the losses' reductions over a batch) add in NumPy's pairwise order instead of PyTorch's (2-5
times faster). Results stay within a few
float32 units in the last place of PyTorch's (a sum: within rounding of the sum of its magnitudes).
Random numbers and the other exact paths are not affected.
"""
import contextlib
import os

__all__ = ['set_pytorch_bits', 'pytorch_bits_enabled', 'pytorch_bits']

_TRUE, _FALSE = ('1', 'true', 'yes', 'on'), ('0', 'false', 'no', 'off')


def _from_environment():
    value = os.environ.get('EMBER_PYTORCH_BITS', '1').strip().lower()
    if value not in _TRUE + _FALSE:
        raise ValueError(f"EMBER_PYTORCH_BITS must be 1 or 0 (or true/false), got {value!r}")
    return value in _TRUE


# read by the kernels at each call: a one-element list, so that the flag is one index away
ENABLED = [_from_environment()]


def set_pytorch_bits(enabled):
    """Turn bit-for-bit agreement of the float32 CPU kernels with PyTorch on (the default) or off.

    Args:
        enabled (bool): ``False`` computes softmax, log_softmax, cross_entropy, exact GELU, LayerNorm,
            BatchNorm, float32 ``exp``/``log``/``tanh``/``sigmoid`` (and the like) and sums with NumPy's
            own formulas and order, and lets the optimizers' updates round as NumPy's ufuncs (or, for plain
            ``p += -lr * g`` steps, BLAS's one-pass saxpy) do (faster; within a few units in the last place).

    Example::

        >>> ember.numerics.set_pytorch_bits(False)
        >>> ember.numerics.pytorch_bits_enabled()
        False
        >>> ember.numerics.set_pytorch_bits(True)
    """
    if not isinstance(enabled, bool):
        raise TypeError(f"set_pytorch_bits() expects a bool, got {type(enabled).__name__}")
    ENABLED[0] = enabled


def pytorch_bits_enabled():
    """Whether the float32 CPU kernels reproduce PyTorch's bits (see :func:`set_pytorch_bits`).

    Example::

        >>> ember.numerics.pytorch_bits_enabled()
        True
    """
    return ENABLED[0]


@contextlib.contextmanager
def pytorch_bits(enabled):
    """A block in which :func:`set_pytorch_bits` is ``enabled``; the setting before it comes back after.

    Example::

        >>> x = ember.randn(4, 100)
        >>> with ember.numerics.pytorch_bits(False):
        ...     y = ember.softmax(x, dim=1)
        >>> ember.allclose(y, ember.softmax(x, dim=1))
        True
    """
    before = ENABLED[0]
    set_pytorch_bits(enabled)
    try:
        yield
    finally:
        ENABLED[0] = before
