"""Comparisons, logical and bitwise ops, isclose/allclose/equal: results carry no gradient."""
import numpy as np

from ember._dtype import bool_
from ember._dtype import FLOAT8_NUMS
from ember._tensor import Tensor
from ember.autograd.function import Primitive
from ember.ops._barebones import NUMS as _BAREBONES, refuse as _refuse
from ember.ops._util import elementwise
from ember.ops import _argparse, _float8
from ember.ops._registry import op
from ember.ops.inplace import write_out


def _cmp(name, fn, kernel=None, operator=None):
    def forward(ctx, a, b):
        if kernel is not None and a.dtype.num in _BAREBONES:   # PyTorch orders no uint16/32/64
            raise _refuse(kernel, a.dtype.num)
        return fn(ctx.xp, a, b)
    return type(name, (Primitive,), {'node_name': name + 'Backward0', '_promote': True, '_operator': operator,
                                     'forward': staticmethod(elementwise(forward)),
                                     'backward': staticmethod(lambda ctx, g: (None, None))})


Eq = _cmp('Eq', lambda xp, a, b: xp.equal(a, b), operator='==')
Ne = _cmp('Ne', lambda xp, a, b: xp.not_equal(a, b), operator='!=')
Lt = _cmp('Lt', lambda xp, a, b: xp.less(a, b), 'lt_cpu', '<')
Le = _cmp('Le', lambda xp, a, b: xp.less_equal(a, b), 'le_cpu', '<=')
Gt = _cmp('Gt', lambda xp, a, b: xp.greater(a, b), 'gt_cpu', '>')
Ge = _cmp('Ge', lambda xp, a, b: xp.greater_equal(a, b), 'ge_cpu', '>=')


def _rel(name, cls, reflected=None, symbol=None, alias=None, example=None):
    def fn(input, other, *, out=None):
        if not isinstance(input, Tensor):
            result = (reflected or cls).apply(other, input)
        else:
            result = cls.apply(input, other)
        return result if out is None else write_out(name, result, out)
    fn.__name__ = fn.__qualname__ = name
    also = f"\n    Also available as :func:`ember.{alias}`.\n" if alias else ""
    fn.__doc__ = f"""Computes ``input {symbol} other`` element-wise, as a bool tensor.
{also}
    Args:
        input (Tensor): the tensor to compare.
        other (Tensor or float): the tensor or value to compare, broadcast against ``input``.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Returns:
        A boolean tensor that is ``True`` where ``input {symbol} other`` and ``False`` elsewhere.

    Example::

        >>> a = ember.tensor([[1, 2], [3, 4]])
        >>> b = ember.tensor([[1, 1], [4, 4]])
        >>> ember.{name}(a, b)
        tensor([[{example[0]}],
                [{example[1]}]])
    """
    return fn


eq = op('ember', 'Tensor', name='eq', inplace=True)(
    _rel('eq', Eq, symbol='==', example=(' True, False', 'False,  True')))
ne = op('ember', 'Tensor', name='ne', inplace=True, aliases=('not_equal',))(
    _rel('ne', Ne, symbol='!=', alias='not_equal', example=('False,  True', ' True, False')))
lt = op('ember', 'Tensor', name='lt', inplace=True, aliases=('less',))(
    _rel('lt', Lt, Gt, symbol='<', alias='less', example=('False, False', ' True, False')))
le = op('ember', 'Tensor', name='le', inplace=True, aliases=('less_equal',))(
    _rel('le', Le, Ge, symbol='<=', alias='less_equal', example=(' True, False', ' True,  True')))
gt = op('ember', 'Tensor', name='gt', inplace=True, aliases=('greater',))(
    _rel('gt', Gt, Lt, symbol='>', alias='greater', example=('False,  True', 'False, False')))
ge = op('ember', 'Tensor', name='ge', inplace=True, aliases=('greater_equal',))(
    _rel('ge', Ge, Le, symbol='>=', alias='greater_equal', example=(' True,  True', 'False,  True')))


def _logic(name, fn):
    def forward(ctx, a, b):
        return fn(ctx.xp, a, b)
    return type(name, (Primitive,), {'node_name': name + 'Backward0',
                                     'forward': staticmethod(elementwise(forward)),
                                     'backward': staticmethod(lambda ctx, g: (None, None))})


_LogicalAnd = _logic('LogicalAnd', lambda xp, a, b: xp.logical_and(a, b))
_LogicalOr = _logic('LogicalOr', lambda xp, a, b: xp.logical_or(a, b))
_LogicalXor = _logic('LogicalXor', lambda xp, a, b: xp.logical_xor(a, b))


@op('ember', 'Tensor', inplace=True)
def logical_and(input, other, *, out=None):
    """Computes the element-wise logical AND of ``input`` and ``other``: zeros are treated as ``False`` and
    nonzeros as ``True``.

    Args:
        input (Tensor): the input tensor.
        other (Tensor): the tensor to compute AND with.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.logical_and(ember.tensor([True, False, True]), ember.tensor([True, False, False]))
        tensor([ True, False, False])
        >>> a = ember.tensor([0, 1, 10, 0], dtype=ember.int8)
        >>> b = ember.tensor([4, 0, 1, 0], dtype=ember.int8)
        >>> ember.logical_and(a, b)
        tensor([False, False,  True, False])
    """
    if not (isinstance(input, Tensor) and isinstance(other, Tensor)):
        _argparse.refuse_from_stack()   # (NumPy would compute with a number, a list or None)
    _result = _LogicalAnd.apply(input, other)
    return _result if out is None else write_out('logical_and', _result, out)


@op('ember', 'Tensor', inplace=True)
def logical_or(input, other, *, out=None):
    """Computes the element-wise logical OR of ``input`` and ``other``: zeros are treated as ``False`` and nonzeros
    as ``True``.

    Args:
        input (Tensor): the input tensor.
        other (Tensor): the tensor to compute OR with.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.logical_or(ember.tensor([True, False, True]), ember.tensor([True, False, False]))
        tensor([ True, False,  True])
        >>> ember.logical_or(ember.tensor([0, 1, 10, 0]), ember.tensor([4, 0, 1, 0]))
        tensor([ True,  True,  True, False])
    """
    if not (isinstance(input, Tensor) and isinstance(other, Tensor)):
        _argparse.refuse_from_stack()   # (NumPy would compute with a number, a list or None)
    _result = _LogicalOr.apply(input, other)
    return _result if out is None else write_out('logical_or', _result, out)


@op('ember', 'Tensor', inplace=True)
def logical_xor(input, other, *, out=None):
    """Computes the element-wise logical XOR of ``input`` and ``other``: zeros are treated as ``False`` and
    nonzeros as ``True``.

    Args:
        input (Tensor): the input tensor.
        other (Tensor): the tensor to compute XOR with.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.logical_xor(ember.tensor([True, False, True]), ember.tensor([True, False, False]))
        tensor([False, False,  True])
        >>> ember.logical_xor(ember.tensor([0, 1, 10, 0]), ember.tensor([4, 0, 1, 0]))
        tensor([ True,  True, False, False])
    """
    if not (isinstance(input, Tensor) and isinstance(other, Tensor)):
        _argparse.refuse_from_stack()   # (NumPy would compute with a number, a list or None)
    _result = _LogicalXor.apply(input, other)
    return _result if out is None else write_out('logical_xor', _result, out)


@op('ember', 'Tensor', inplace=True)
def logical_not(input, *, out=None):
    """Computes the element-wise logical NOT of ``input``: a bool tensor that is ``True`` where ``input`` is zero.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.logical_not(ember.tensor([True, False]))
        tensor([False,  True])
        >>> ember.logical_not(ember.tensor([0., 1.5, -10.]))
        tensor([ True, False, False])
    """
    _result = Tensor._make(input._xp.logical_not(input._data), input._device)
    return _result if out is None else write_out('logical_not', _result, out)


def _bitwise(name, ufunc, operator):
    def forward(ctx, a, b):
        if any(getattr(x, 'dtype', np.dtype('i8')).kind == 'f' or isinstance(x, float) for x in (a, b)):
            if getattr(a, 'dtype', None) is not None:
                _float8.check(name, a.dtype)     # (float8_e5m2 is kind 'f' too)
            raise NotImplementedError(f'"{name}_cpu" not implemented for \'Float\'')
        try:
            return getattr(ctx.xp, ufunc)(a, b)
        except TypeError:      # (NumPy has no such loop for ml_dtypes' float8 types: PyTorch's refusal instead)
            if getattr(a, 'dtype', None) is not None:
                _float8.check(name, a.dtype)
            raise
    return type(name, (Primitive,), {'node_name': name, '_promote': True, '_operator': operator,
                                     'forward': staticmethod(elementwise(forward)),
                                     'backward': staticmethod(lambda ctx, g: (None, None))})


_And = _bitwise('bitwise_and', 'bitwise_and', '&')
_Or = _bitwise('bitwise_or', 'bitwise_or', '|')
_Xor = _bitwise('bitwise_xor', 'bitwise_xor', '^')
_Lshift = _bitwise('bitwise_left_shift', 'left_shift', '<<')
_Rshift = _bitwise('bitwise_right_shift', 'right_shift', '>>')


@op('ember', 'Tensor', inplace=True)
def bitwise_and(input, other, *, out=None):
    """Computes the bitwise AND of ``input`` and ``other``; integral or bool tensors only (for bools it is the
    logical AND).

    Args:
        input (Tensor): the input tensor.
        other (Tensor or int): the second operand.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.bitwise_and(ember.tensor([-1, -2, 3], dtype=ember.int8), ember.tensor([1, 0, 3], dtype=ember.int8))
        tensor([1, 0, 3], dtype=ember.int8)
        >>> ember.bitwise_and(ember.tensor([True, True, False]), ember.tensor([False, True, False]))
        tensor([False,  True, False])
    """
    _result = _And.apply(input, other) if isinstance(input, Tensor) else _And.apply(other, input)
    return _result if out is None else write_out('bitwise_and', _result, out)


@op('ember', 'Tensor', inplace=True)
def bitwise_or(input, other, *, out=None):
    """Computes the bitwise OR of ``input`` and ``other``; integral or bool tensors only.

    Args:
        input (Tensor): the input tensor.
        other (Tensor or int): the second operand.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.bitwise_or(ember.tensor([-1, -2, 3], dtype=ember.int8), ember.tensor([1, 0, 3], dtype=ember.int8))
        tensor([-1, -2,  3], dtype=ember.int8)
    """
    _result = _Or.apply(input, other) if isinstance(input, Tensor) else _Or.apply(other, input)
    return _result if out is None else write_out('bitwise_or', _result, out)


@op('ember', 'Tensor', inplace=True)
def bitwise_xor(input, other, *, out=None):
    """Computes the bitwise XOR of ``input`` and ``other``; integral or bool tensors only.

    Args:
        input (Tensor): the input tensor.
        other (Tensor or int): the second operand.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.bitwise_xor(ember.tensor([-1, -2, 3], dtype=ember.int8), ember.tensor([1, 0, 3], dtype=ember.int8))
        tensor([-2, -2,  0], dtype=ember.int8)
    """
    _result = _Xor.apply(input, other) if isinstance(input, Tensor) else _Xor.apply(other, input)
    return _result if out is None else write_out('bitwise_xor', _result, out)


@op('ember', 'Tensor', inplace=True)
def bitwise_left_shift(input, other, *, out=None):
    """Shifts the bits of ``input`` left by ``other`` places: ``input << other``; integral tensors only.

    Args:
        input (Tensor): the input tensor.
        other (Tensor or int): the number of places to shift by.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.bitwise_left_shift(ember.tensor([-1, -2, 3], dtype=ember.int8), ember.tensor([1, 0, 3], dtype=ember.int8))
        tensor([-2, -2, 24], dtype=ember.int8)
    """
    _result = _Lshift.apply(input, other)
    return _result if out is None else write_out('bitwise_left_shift', _result, out)


@op('ember', 'Tensor', inplace=True)
def bitwise_right_shift(input, other, *, out=None):
    """Shifts the bits of ``input`` right by ``other`` places: ``input >> other`` (arithmetic shift for signed
    types); integral tensors only.

    Args:
        input (Tensor): the input tensor.
        other (Tensor or int): the number of places to shift by.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.bitwise_right_shift(ember.tensor([-2, -7, 31], dtype=ember.int8), ember.tensor([1, 0, 3], dtype=ember.int8))
        tensor([-1, -7,  3], dtype=ember.int8)
    """
    _result = _Rshift.apply(input, other)
    return _result if out is None else write_out('bitwise_right_shift', _result, out)


@op('ember', 'Tensor', inplace=True)
def bitwise_not(input, *, out=None):
    """Computes the bitwise NOT of ``input``; integral or bool tensors only (for bools it is the logical NOT).

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.bitwise_not(ember.tensor([-1, -2, 3], dtype=ember.int8))
        tensor([ 0,  1, -4], dtype=ember.int8)
    """
    if input.dtype.category >= 2:
        if _called_as_invert():
            raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
        raise NotImplementedError(f"\"bitwise_not_cpu\" not implemented for '{_tname(input.dtype)}'")
    xp = input._xp
    _result = Tensor._make(xp.logical_not(input._data) if input.dtype is bool_ else xp.invert(input._data),
                        input._device)
    return _result if out is None else write_out('bitwise_not', _result, out)


def _called_as_invert():
    """Whether the user's code is running ``~t`` (PyTorch's operator refuses floating-point tensors with a
    TypeError of its own, before any kernel); read from the instruction the first frame outside ember runs."""
    import dis
    import sys
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get('__name__', '').partition('.')[0] == 'ember':
        frame = frame.f_back
    return frame is not None and frame.f_code.co_code[frame.f_lasti] == dis.opmap['UNARY_INVERT']


def _tname(d):
    from ember._tensor import _scalar_type_name
    return _scalar_type_name(d)


@op('ember', 'Tensor')
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    r"""Returns a bool tensor saying where ``input`` is close to ``other``: ``|input - other| <= atol + rtol *
    |other|``.

    Non-finite values are close only when equal; ``nan`` is close to ``nan`` only with ``equal_nan=True``.

    Args:
        input (Tensor): first tensor to compare.
        other (Tensor): second tensor to compare.
        rtol (float, optional): relative tolerance. Default: ``1e-05``.
        atol (float, optional): absolute tolerance. Default: ``1e-08``.
        equal_nan (bool, optional): if ``True``, two ``nan``\ s are considered equal. Default: ``False``.

    Example::

        >>> ember.isclose(ember.tensor((1., 2, 3)), ember.tensor((1 + 1e-10, 3, 4)))
        tensor([ True, False, False])
        >>> ember.isclose(ember.tensor((float('inf'), 4)), ember.tensor((float('inf'), 6)), rtol=.5)
        tensor([True, True])
    """
    if not (isinstance(input, Tensor) and isinstance(other, Tensor)):
        _argparse.refuse_from_stack()       # (NumPy would compare with a number or a list)
    if isinstance(other, Tensor) and input.dtype is not other.dtype:
        raise RuntimeError(f"{_tname(input.dtype)} did not match {_tname(other.dtype)}")
    xp = input._xp
    if input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
        _float8.check('isclose', input._data.dtype)
    b = other._data if isinstance(other, Tensor) else other
    return Tensor._make(xp.isclose(input._data, b, rtol=rtol, atol=atol, equal_nan=equal_nan), input._device)


@op('ember', 'Tensor')
def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether every element of ``input`` is close to ``other``:
    ``|input - other| <= atol + rtol * |other|``.

    Args:
        input (Tensor): the first tensor.
        other (Tensor): the second tensor.
        rtol (float): relative tolerance (default 1e-05).
        atol (float): absolute tolerance (default 1e-08).
        equal_nan (bool): treat two NaNs as equal (default False).

    Example::

        >>> ember.allclose(ember.tensor([1., 2.]), ember.tensor([1., 2.000001]))
        True
        >>> ember.allclose(ember.tensor([1.]), ember.tensor([1.1]))
        False
    """
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


@op('ember', 'Tensor')
def equal(input, other):
    """Whether ``input`` and ``other`` have the same shape and the same elements.

    Args:
        input (Tensor): the first tensor.
        other (Tensor): the second tensor.

    Example::

        >>> ember.equal(ember.tensor([1, 2]), ember.tensor([1, 2]))
        True
        >>> ember.equal(ember.tensor([1, 2]), ember.tensor([1, 2, 3]))
        False
    """
    if not (isinstance(input, Tensor) and isinstance(other, Tensor)):
        _argparse.refuse_from_stack()
    if input._data.dtype.num in FLOAT8_NUMS or other._data.dtype.num in FLOAT8_NUMS:
        # PyTorch answers tensors of two shapes first, then promotes (refusing float8 with another dtype), then
        # refuses to compare float8 elements
        if input.shape != other.shape:
            return False
        if input.dtype is not other.dtype:
            from ember._dtype import promote_types
            promote_types(input.dtype, other.dtype)
        _float8.check('equal', input._data.dtype)
    if input._device != other._device:       # the arrays of two devices cannot be compared: PyTorch's error
        raise RuntimeError("Expected all tensors to be on the same device, but found at least two devices, "
                           f"{input.device} and {other.device}!")
    return input.shape == other.shape and bool((input._data == other._data).all())


@op('ember', 'Tensor')
def isnan(input):
    """A boolean tensor: True where ``input`` is NaN.

    Args:
        input (Tensor): the input tensor.

    Example::

        >>> ember.isnan(ember.tensor([1., float('nan'), 2.]))
        tensor([False,  True, False])
    """
    try:
        xp = input._xp
    except AttributeError:      # not a tensor: PyTorch's argument error for the op called
        _argparse.refuse_from_stack()
        raise
    return Tensor._make(xp.isnan(input._data), input._device)


@op('ember', 'Tensor')
def isinf(input):
    """Tests whether each element of ``input`` is infinite (positive or negative).

    Complex values are infinite when either part is. Integer tensors are never infinite.

    Args:
        input (Tensor): the input tensor.

    Example::

        >>> ember.isinf(ember.tensor([1, float('inf'), 2, float('-inf'), float('nan')]))
        tensor([False,  True, False,  True, False])
    """
    data = input._data
    if data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
        _float8.check('isinf', data.dtype)
    return Tensor._make(input._xp.isinf(data), input._device)


@op('ember', 'Tensor')
def isposinf(input, *, out=None):
    """Tests whether each element of ``input`` is positive infinity.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.isposinf(ember.tensor([-float('inf'), float('inf'), 1.2]))
        tensor([False,  True, False])
    """
    if input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
        _float8.check('isposinf', input._data.dtype)
    _result = Tensor._make(input._xp.isposinf(input._data), input._device)
    return _result if out is None else write_out('isposinf', _result, out)


@op('ember', 'Tensor')
def isneginf(input, *, out=None):
    """Tests whether each element of ``input`` is negative infinity.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.isneginf(ember.tensor([-float('inf'), float('inf'), 1.2]))
        tensor([ True, False, False])
    """
    if input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
        _float8.check('isneginf', input._data.dtype)
    _result = Tensor._make(input._xp.isneginf(input._data), input._device)
    return _result if out is None else write_out('isneginf', _result, out)


@op('ember', 'Tensor')
def isfinite(input):
    """A boolean tensor: True where ``input`` is neither infinite nor NaN.

    Args:
        input (Tensor): the input tensor.

    Example::

        >>> ember.isfinite(ember.tensor([1., float('inf'), float('nan')]))
        tensor([ True, False, False])
    """
    data = input._data
    if data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
        _float8.check('isfinite', data.dtype)
        if data.dtype.name == 'float8_e8m0fnu':    # PyTorch's test passes its NaN too (no arithmetic)
            return Tensor._make(input._xp.ones(data.shape, bool), input._device)
    return Tensor._make(input._xp.isfinite(data), input._device)


@op('ember', 'Tensor')
def isreal(input):
    """Tests whether each element of ``input`` is real-valued: every element of a real tensor is, and a complex
    element is when its imaginary part is zero.

    Args:
        input (Tensor): the input tensor.

    Example::

        >>> ember.isreal(ember.tensor([1, 1+1j, 2+0j]))
        tensor([ True, False,  True])
    """
    return Tensor._make(input._xp.isreal(input._data), input._device)


@op('ember', 'Tensor')
def signbit(input, *, out=None):
    """Tests whether each element of ``input`` has its sign bit set (so ``-0.0`` gives ``True``).

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.signbit(ember.tensor([0.7, -1.2, 0., 2.3]))
        tensor([False,  True, False, False])
        >>> ember.signbit(ember.tensor([-0.0, 0.0]))
        tensor([ True, False])
    """
    if input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
        _float8.check('signbit', input._data.dtype)
    _result = Tensor._make(input._xp.signbit(input._data), input._device)
    return _result if out is None else write_out('signbit', _result, out)


@op('ember', 'Tensor')
def is_nonzero(input):
    """Returns ``True`` if the single-element tensor ``input`` is not zero after type conversions; raises
    ``RuntimeError`` for tensors with zero or several elements.

    Args:
        input (Tensor): the input tensor.

    Example::

        >>> ember.is_nonzero(ember.tensor([0.]))
        False
        >>> ember.is_nonzero(ember.tensor([1.5]))
        True
        >>> ember.is_nonzero(ember.tensor([False]))
        False
    """
    if input.numel() != 1:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous" if input.numel() == 0
                           else "Boolean value of Tensor with more than one value is ambiguous")
    return bool(input.item())
