"""PyTorch's symbolic-size helpers (``torch.sym_int``, ``sym_max``, ``SymInt``, ...) for code that runs both
traced and eager: ember computes with real sizes, so these act on Python numbers (and tensors where PyTorch's
do) exactly as PyTorch's eager versions do, and ``SymInt``/``SymFloat``/``SymBool`` are the types no ember
value ever has (``isinstance(n, ember.SymInt)`` is False for a plain int, as in eager PyTorch)."""
import builtins
import math

__all__ = ['SymInt', 'SymFloat', 'SymBool', 'sym_int', 'sym_float', 'sym_max', 'sym_min', 'sym_not', 'sym_ite',
           'sym_sqrt', 'sym_sum', 'sym_fresh_size', 'sym_constrain_range', 'sym_constrain_range_for_size']

_INT64_MIN, _INT64_MAX = -2 ** 63, 2 ** 63 - 1


class _Symbolic:
    """Base of the symbolic number types: their values stand for sizes a compiler has not fixed."""

    def __init__(self, node):
        raise TypeError(f"ember computes with concrete sizes: {type(self).__name__} values are never made")


class SymInt(_Symbolic):
    """A symbolic int: a size that a compiler tracing a program has not fixed yet. ember runs eagerly, so its
    sizes are always plain ints and no ``SymInt`` is ever made; the class exists for ``isinstance`` checks and
    annotations in code written for PyTorch.

    Example::

        >>> isinstance(ember.ones(2, 3).shape[0], ember.SymInt)
        False
    """


class SymFloat(_Symbolic):
    """A symbolic float: a value derived from sizes a compiler has not fixed. ember runs eagerly, so such
    values are always plain floats and no ``SymFloat`` is ever made; the class exists for ``isinstance`` checks
    and annotations in code written for PyTorch.

    Example::

        >>> isinstance(ember.ones(2, 3).shape[0] / 2, ember.SymFloat)
        False
    """


class SymBool(_Symbolic):
    """A symbolic bool: a condition on sizes a compiler has not fixed. ember runs eagerly, so such conditions
    are always plain bools and no ``SymBool`` is ever made; the class exists for ``isinstance`` checks and
    annotations in code written for PyTorch.

    Example::

        >>> isinstance(ember.ones(2, 3).shape[0] == 2, ember.SymBool)
        False
    """


def sym_int(a):
    """``int(a)``, truncating toward zero as PyTorch's does for floats.

    Example::

        >>> ember.sym_int(-3.7)
        -3
    """
    if isinstance(a, float):
        return builtins.int(math.trunc(a))
    return builtins.int(a)


def sym_float(a):
    """``float(a)``.

    Example::

        >>> ember.sym_float(3)
        3.0
    """
    return builtins.float(a)


def _float_if_any(result, a, b):
    return builtins.float(result) if isinstance(a, float) or isinstance(b, float) else result


def sym_max(a, b):
    """The larger of ``a`` and ``b``; a float when either is one (``sym_max(2.0, 3)`` is 3.0).

    Example::

        >>> ember.sym_max(2.0, 3)
        3.0
    """
    return _float_if_any(builtins.max(a, b), a, b)


def sym_min(a, b):
    """The smaller of ``a`` and ``b``; a float when either is one.

    Example::

        >>> ember.sym_min(1, 1.0)
        1.0
    """
    return _float_if_any(builtins.min(a, b), a, b)


def sym_not(a):
    """``not a``.

    Example::

        >>> ember.sym_not(True)
        False
    """
    return not a


def sym_ite(b, t, f):
    """``t if b else f``.

    Example::

        >>> ember.sym_ite(2 > 1, 'yes', 'no')
        'yes'
    """
    return t if b else f


def _sym_sqrt(a):
    """``math.sqrt(a)``.

    Example::

        >>> ember.sym_sqrt(4)
        2.0
    """
    return math.sqrt(a)


sym_sqrt = _sym_sqrt   # PyTorch defines it under this private name too (its __name__)


def sym_sum(*args):
    """The sum of the values (given as one sequence or as separate arguments).

    Example::

        >>> ember.sym_sum([1, 2, 3])
        6
    """
    values = args[0] if len(args) == 1 and not isinstance(args[0], (int, float)) else args
    return builtins.sum(values)


def sym_fresh_size(expr):
    """``expr`` itself: with concrete sizes there is nothing to make fresh.

    Example::

        >>> ember.sym_fresh_size(5)
        5
    """
    return expr


def sym_constrain_range(size, *, min=None, max=None):  # noqa: A002  (PyTorch's parameter names)
    """Checks ``min <= size <= max`` (the bounds default to int64's range), raising PyTorch's error.

    Example::

        >>> ember.sym_constrain_range(5, min=6)
        Traceback (most recent call last):
        ...
        RuntimeError: Invalid value range for 5 between [6, 9223372036854775807].
    """
    low = _INT64_MIN if min is None else min
    high = _INT64_MAX if max is None else max
    if not low <= size <= high:
        raise RuntimeError(f"Invalid value range for {size} between [{low}, {high}].")


def sym_constrain_range_for_size(size, *, min=None, max=None):  # noqa: A002
    """Checks that ``size`` is a valid size: ``min`` (default 0) <= size <= ``max``.

    Example::

        >>> ember.sym_constrain_range_for_size(5, max=4)
        Traceback (most recent call last):
        ...
        RuntimeError: Invalid value range for 5 between [0, 4].
    """
    sym_constrain_range(size, min=0 if min is None else min, max=max)
