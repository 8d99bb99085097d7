"""Sizes that depend on a tensor's data (the rows of ``x[x > 0]`` or ``nonzero``), as export reads them.

PyTorch's export gives such a size as an unbacked symbol (``u0``); using it where the program must know its
value (a branch, ``int()``) raises ``GuardOnDataDependentSymNode`` naming the expression. ember's graphs
cannot hold symbolic sizes, so a size read from such a tensor is a ``DataDependentSize``: arithmetic on it
builds the expression, and any use that needs a value raises PyTorch's error for it."""
from ember.export._errors import GuardOnDataDependentSymNode

_ADVICE = ('consider using data-dependent friendly APIs such as guard_or_false, guard_or_true and '
           'statically_known_true.')


def guard_error(expr, size_like='u0'):
    """The error for branching on ``expr`` (text as PyTorch's symbolic shapes print it)."""
    return GuardOnDataDependentSymNode(
        f'Could not guard on data-dependent expression {expr} (unhinted: {expr}).  (Size-like symbols: '
        f'{size_like})\n\n{_ADVICE}')


def integer_error(expr, size_like='u0'):
    """The error for reading ``expr`` as a Python integer."""
    return GuardOnDataDependentSymNode(
        f'Could not extract specialized integer from data-dependent expression {expr} (unhinted: {expr}).  '
        f'(Size-like symbols: {size_like})')


def _text(value):
    return value.expr if isinstance(value, DataDependentSize) else repr(value)


class _Condition:
    """A comparison involving a data-dependent size: deciding it raises."""

    def __init__(self, expr):
        self.expr = expr

    def __bool__(self):
        raise guard_error(self.expr)

    def __repr__(self):
        return self.expr


class DataDependentSize:
    """A size known only when the program runs (``u0``); see the module's docstring.

    Example::

        >>> from ember.export._unbacked import DataDependentSize
        >>> n = DataDependentSize('u0')
        >>> n * 2 + 1
        2*u0 + 1
        >>> bool(n > 2)
        Traceback (most recent call last):
          ...
        ember.export._errors.GuardOnDataDependentSymNode: Could not guard on data-dependent expression u0 > 2 (unhinted: u0 > 2).  (Size-like symbols: u0)
        <BLANKLINE>
        consider using data-dependent friendly APIs such as guard_or_false, guard_or_true and statically_known_true.
    """

    __slots__ = ('expr',)

    def __init__(self, expr):
        self.expr = expr

    def __repr__(self):
        return self.expr

    __str__ = __repr__

    def __hash__(self):
        return hash(self.expr)

    # deciding anything about it needs its value
    def __bool__(self):
        raise guard_error(f'Ne({self.expr}, 0)')

    def __int__(self):
        raise integer_error(self.expr)

    __index__ = __int__

    def __float__(self):
        raise integer_error(self.expr)

    def __eq__(self, other):
        return _Condition(f'Eq({self.expr}, {_text(other)})')

    def __ne__(self, other):
        return _Condition(f'Ne({self.expr}, {_text(other)})')

    def __lt__(self, other):
        return _Condition(f'{self.expr} < {_text(other)}')

    def __le__(self, other):
        return _Condition(f'{self.expr} <= {_text(other)}')

    def __gt__(self, other):
        return _Condition(f'{self.expr} > {_text(other)}')

    def __ge__(self, other):
        return _Condition(f'{self.expr} >= {_text(other)}')

    # arithmetic builds the expression
    def __add__(self, other):
        if isinstance(other, int) and other < 0:
            return DataDependentSize(f'{self.expr} - {-other}')
        return DataDependentSize(f'{self.expr} + {_text(other)}')

    __radd__ = __add__

    def __sub__(self, other):
        return self + (-other) if isinstance(other, int) else DataDependentSize(f'{self.expr} - {_text(other)}')

    def __rsub__(self, other):
        return DataDependentSize(f'{_text(other)} - {self.expr}')

    def __mul__(self, other):
        return DataDependentSize(f'{_text(other)}*{self._factor()}')

    __rmul__ = __mul__

    def __floordiv__(self, other):
        return DataDependentSize(f'(({self.expr})//{_text(other)})' if ' ' in self.expr else
                                 f'({self.expr}//{_text(other)})')

    def __neg__(self):
        return DataDependentSize(f'-{self._factor()}')

    def _factor(self):
        return f'({self.expr})' if ' ' in self.expr else self.expr
