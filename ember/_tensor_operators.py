"""Python's operators on Tensor: ``a + b``, ``2 - a``, ``a @ b``, ``a[i]``, ``~a`` and the rest.

The forward operators are the op functions themselves (``Tensor.__add__`` is ``ember.add``), so ``a + b``
pays for no extra call. The reflected ones (``2 - a`` calls ``a.__rsub__(2)``) run only when the left
operand is not a tensor: they accept what PyTorch accepts there (numbers, NumPy scalars and arrays) and
return ``NotImplemented`` for anything else, so that ``[1, 2] + a`` raises Python's own TypeError as in
PyTorch instead of quietly treating the list as a tensor.
"""
import numbers

import numpy as np

from ember._tensor import Tensor
from ember.ops import arith, compare, index, linalg, pointwise, unary
from ember.ops.inplace import is_operand

# what may stand left of a tensor in a reflected operator
_LEFT_OPERANDS = (numbers.Number, np.generic, np.ndarray)

# name, forward op, symbol, and an example's left operand and result with ember.tensor([1, 2, 4]) on the right
_REFLECTED = (
    ('__radd__', arith.add, '+', '10', 'tensor([11, 12, 14])'),
    ('__rsub__', arith.sub, '-', '10', 'tensor([9, 8, 6])'),
    ('__rmul__', arith.mul, '*', '3', 'tensor([ 3,  6, 12])'),
    ('__rfloordiv__', arith.floor_divide, '//', '9', 'tensor([9, 4, 2])'),
    ('__rmod__', arith.remainder, '%', '9', 'tensor([0, 1, 1])'),
    ('__rpow__', arith.pow, '**', '2', 'tensor([ 2,  4, 16])'),
    ('__rand__', compare.bitwise_and, '&', '6', 'tensor([0, 2, 4])'),
    ('__ror__', compare.bitwise_or, '|', '8', 'tensor([ 9, 10, 12])'),
    ('__rxor__', compare.bitwise_xor, '^', '5', 'tensor([4, 7, 1])'),
    ('__rlshift__', compare.bitwise_left_shift, '<<', '1', 'tensor([ 2,  4, 16])'),
    ('__rrshift__', compare.bitwise_right_shift, '>>', '64', 'tensor([32, 16,  4])'),
)


def _reflected(name, forward, symbol, left, result):
    def method(self, other):
        if not isinstance(other, _LEFT_OPERANDS):
            return NotImplemented
        return forward(other, self)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = (f"``other {symbol} self``, for a number (or NumPy value) ``other`` left of the tensor.\n\n"
                      f"Example::\n\n    >>> {left} {symbol} ember.tensor([1, 2, 4])\n    {result}\n")
    return method


def _operand_guarded(name, fn, doc):
    """``fn(self, other)`` as operator ``name``, giving Python NotImplemented for an ``other`` that is neither a
    tensor nor a number: Python then answers itself (``x == None`` is False) or raises its TypeError."""
    def method(self, other):
        if other.__class__ is not Tensor and not is_operand(other):
            return NotImplemented
        return fn(self, other)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = doc
    return method


def _compared(name, forward):
    symbol, value = ('==', 'False') if name == '__eq__' else ('!=', 'True')
    result = 'tensor([ True, False])' if name == '__eq__' else 'tensor([False,  True])'
    return _operand_guarded(name, forward, (
        f"``self {symbol} other``, element by element; against anything but a tensor or a number,\n"
        f"Python's own comparison (identity), as in PyTorch.\n\n"
        f"Example::\n\n    >>> ember.tensor([1, 2]) {symbol} ember.tensor([1, 3])\n    {result}\n"
        f"    >>> ember.tensor([1, 2]) {symbol} None\n    {value}\n"))


def _augmented(name, inplace):
    symbol = _AUGMENTED_SYMBOLS[name]
    return _operand_guarded(name, inplace, (
        f"In-place ``self {symbol}= other``: see :meth:`Tensor.{inplace.__name__}`.\n\n"
        f"Example::\n\n    >>> x = ember.tensor({'[12., 5.]' if symbol == '/' else '[12, 5]'})\n"
        f"    >>> x {symbol}= 3\n    >>> x\n    {_AUGMENTED_RESULTS[symbol]}\n"))


# the symbol of each augmented assignment, and what ``x = ember.tensor([12, 5]); x <symbol>= 3`` leaves in x
# (float [12., 5.] for /=, which an integer tensor cannot hold)
_AUGMENTED_SYMBOLS = {'__iadd__': '+', '__isub__': '-', '__imul__': '*', '__itruediv__': '/', '__ifloordiv__': '//',
                      '__imod__': '%', '__ipow__': '**', '__iand__': '&', '__ior__': '|', '__ixor__': '^',
                      '__ilshift__': '<<', '__irshift__': '>>'}
_AUGMENTED_RESULTS = {'+': 'tensor([15,  8])', '-': 'tensor([9, 2])', '*': 'tensor([36, 15])',
                      '/': 'tensor([4.0000, 1.6667])', '//': 'tensor([4, 1])', '%': 'tensor([0, 2])',
                      '**': 'tensor([1728,  125])', '&': 'tensor([0, 1])', '|': 'tensor([15,  7])',
                      '^': 'tensor([15,  6])', '<<': 'tensor([96, 40])', '>>': 'tensor([1, 0])'}


def _rtruediv(self, other):
    """``other / self`` for a number (or NumPy value) ``other``: computed as PyTorch does, as
    ``self.reciprocal() * other`` (so the values, to the last bit, and the ``MulBackward0`` node are PyTorch's).

    Example::

        >>> 8 / ember.tensor([1, 2, 4])
        tensor([8., 4., 2.])
    """
    if not isinstance(other, _LEFT_OPERANDS):
        return NotImplemented
    return arith.mul(unary.reciprocal(self), other)


def _rmatmul(self, other):
    """``other @ self`` for a NumPy array ``other`` left of the tensor (other types are refused, as in PyTorch).

    Example::

        >>> ember.tensor([[1., 2.], [3., 4.]]).__rmatmul__(ember.tensor([1., 1.]))
        tensor([4., 6.])
    """
    if not isinstance(other, (Tensor, np.ndarray)):
        return NotImplemented
    return linalg.matmul(other, self)


def _reversed(self):
    """The tensor reversed along dimension 0 (a 0-d tensor is returned as it is).

    Example::

        >>> reversed(ember.tensor([[1, 2], [3, 4]]))
        tensor([[3, 4],
                [1, 2]])
    """
    return self.flip(0) if self.ndim else self


def install(Tensor):
    """Bind every operator to ``Tensor`` (run once, when ember is imported)."""
    binary = (('add', arith.add, 'add_'), ('sub', arith.sub, 'sub_'), ('mul', arith.mul, 'mul_'),
              ('truediv', arith.div, 'div_'), ('floordiv', arith.floor_divide, 'floor_divide_'),
              ('mod', arith.remainder, 'remainder_'), ('pow', arith.pow, 'pow_'),
              ('and', compare.bitwise_and, 'bitwise_and_'), ('or', compare.bitwise_or, 'bitwise_or_'),
              ('xor', compare.bitwise_xor, 'bitwise_xor_'), ('lshift', compare.bitwise_left_shift,
                                                              'bitwise_left_shift_'),
              ('rshift', compare.bitwise_right_shift, 'bitwise_right_shift_'))
    for name, forward, inplace in binary:
        setattr(Tensor, f'__{name}__', forward)
        setattr(Tensor, f'__i{name}__', _augmented(f'__i{name}__', getattr(Tensor, inplace)))
    for spec in _REFLECTED:
        setattr(Tensor, spec[0], _reflected(*spec))
    Tensor.__rtruediv__ = _rtruediv
    Tensor.__matmul__ = linalg.matmul
    Tensor.__rmatmul__ = _rmatmul
    Tensor.__neg__ = unary.neg
    Tensor.__pos__ = pointwise.positive
    Tensor.__abs__ = unary.abs
    Tensor.__invert__ = compare.bitwise_not
    Tensor.__reversed__ = _reversed
    Tensor.__eq__ = _compared('__eq__', compare.eq)
    Tensor.__ne__ = _compared('__ne__', compare.ne)
    Tensor.__lt__ = compare.lt
    Tensor.__le__ = compare.le
    Tensor.__gt__ = compare.gt
    Tensor.__ge__ = compare.ge
    Tensor.__getitem__ = index.getitem
    Tensor.__setitem__ = index.setitem
