"""Binds ember.ops functions to Tensor as methods and operators.

Ops bind themselves (``ember.ops._registry``): every method is the op function itself (its first
argument is the tensor), so a method and ``ember.<op>`` can never disagree, and in-place variants go
through ``ops.inplace``. What remains here is Tensor-only: operators, properties, ``new_*``.
"""
from ember._tensor import Tensor
from ember.ops._registry import bind
from ember.ops import (arith, compare, convert, creation, index, linalg, random,
                       shape, unary)

def _install():
    bind('Tensor', Tensor)  # every op registered with the 'Tensor' target, and its in-place variant

    for name in ('uniform_', 'normal_', 'bernoulli_', 'random_', 'exponential_', 'geometric_', 'log_normal_',
                 'cauchy_'):
        setattr(Tensor, name, getattr(random, name))
    Tensor.bernoulli = lambda self, p=None, generator=None: random.bernoulli(self, p, generator=generator)
    Tensor.multinomial = random.multinomial
    Tensor.new_tensor = _new_tensor
    Tensor.new_zeros = _new_filled(creation.zeros)
    Tensor.new_ones = _new_filled(creation.ones)
    Tensor.new_empty = _new_filled(creation.empty)
    Tensor.new_full = _new_full
    Tensor.T = property(_T)
    Tensor.mT = property(lambda self: shape.transpose(self, -2, -1))
    Tensor.H = property(lambda self: shape.t(self).conj() if hasattr(self, 'conj') else shape.t(self))
    Tensor.mH = property(shape.adjoint)
    from ember.ops import complex as _complex
    Tensor.real = property(_complex.real, lambda self, value: _complex.real(self).copy_(value))
    Tensor.imag = property(_complex.imag, lambda self, value: _complex.imag(self).copy_(value))
    Tensor.to = convert.to
    Tensor.nbytes = property(lambda self: self._data.nbytes)
    Tensor.itemsize = property(lambda self: self._data.itemsize)
    Tensor.layout = property(lambda self: _strided())
    Tensor.to_dense = lambda self, dtype=None, *, masked_grad=None: self if dtype is None else self.to(dtype)

    # operators
    Tensor.__add__ = arith.add
    Tensor.__radd__ = lambda self, other: arith.add(other, self)
    Tensor.__iadd__ = Tensor.add_
    Tensor.__sub__ = arith.sub
    Tensor.__rsub__ = lambda self, other: arith.sub(other, self)
    Tensor.__isub__ = Tensor.sub_
    Tensor.__mul__ = arith.mul
    Tensor.__rmul__ = lambda self, other: arith.mul(other, self)
    Tensor.__imul__ = Tensor.mul_
    Tensor.__truediv__ = arith.div
    Tensor.__rtruediv__ = lambda self, other: arith.div(other, self)
    Tensor.__itruediv__ = Tensor.div_
    Tensor.__floordiv__ = arith.floor_divide
    Tensor.__rfloordiv__ = lambda self, other: arith.floor_divide(other, self)
    Tensor.__ifloordiv__ = Tensor.floor_divide_
    Tensor.__mod__ = arith.remainder
    Tensor.__rmod__ = lambda self, other: arith.remainder(other, self)
    Tensor.__imod__ = Tensor.remainder_
    Tensor.__pow__ = arith.pow
    Tensor.__rpow__ = lambda self, other: arith.pow(other, self)
    Tensor.__ipow__ = Tensor.pow_
    Tensor.__matmul__ = linalg.matmul
    Tensor.__rmatmul__ = lambda self, other: linalg.matmul(other, self)
    Tensor.__neg__ = unary.neg
    Tensor.__pos__ = lambda self: self
    Tensor.__abs__ = unary.abs
    Tensor.__invert__ = compare.bitwise_not
    Tensor.__and__ = compare.bitwise_and
    Tensor.__rand__ = lambda self, other: compare.bitwise_and(other, self)
    Tensor.__iand__ = Tensor.bitwise_and_
    Tensor.__or__ = compare.bitwise_or
    Tensor.__ror__ = lambda self, other: compare.bitwise_or(other, self)
    Tensor.__ior__ = Tensor.bitwise_or_
    Tensor.__xor__ = compare.bitwise_xor
    Tensor.__rxor__ = lambda self, other: compare.bitwise_xor(other, self)
    Tensor.__ixor__ = Tensor.bitwise_xor_
    Tensor.__lshift__ = compare.bitwise_left_shift
    Tensor.__rshift__ = compare.bitwise_right_shift
    Tensor.__rlshift__ = lambda self, other: compare.bitwise_left_shift(other, self)
    Tensor.__rrshift__ = lambda self, other: compare.bitwise_right_shift(other, self)
    Tensor.__ilshift__ = Tensor.bitwise_left_shift_
    Tensor.__irshift__ = Tensor.bitwise_right_shift_
    Tensor.__reversed__ = lambda self: self.flip(0) if self.ndim else self
    Tensor.__eq__ = compare.eq
    Tensor.__ne__ = compare.ne
    Tensor.__lt__ = compare.lt
    Tensor.__le__ = compare.le
    Tensor.__gt__ = compare.gt
    Tensor.__ge__ = compare.ge
    Tensor.__getitem__ = index.getitem
    Tensor.__setitem__ = index.setitem


def _strided():
    import ember
    return ember.strided


def _T(self):
    if self.ndim != 2 and self.ndim != 0 and self.ndim != 1:
        import warnings
        warnings.warn("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
                      "deprecated and it will throw an error in a future release. Consider `x.mT` to transpose "
                      "batches of matrices or `x.permute(*ember.arange(x.ndim - 1, -1, -1))` to reverse the "
                      "dimensions of a tensor.", UserWarning, stacklevel=2)
    return shape.permute(self, tuple(range(self.ndim - 1, -1, -1)))


def _new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, **unexpected):
    # PyTorch's stubs list layout= and pin_memory= here, but its new_tensor refuses them: so does ember's
    for name in unexpected:
        raise TypeError(f"new_tensor() got an unexpected keyword argument '{name}'")
    return creation.tensor(data, dtype=dtype or self.dtype, device=device or self.device,
                           requires_grad=requires_grad)


def _new_filled(make):
    """``Tensor.new_zeros`` and its kin: ``make``'s tensor with this tensor's dtype and device by default."""
    def method(self, *size, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False):
        return make(*size, dtype=dtype or self.dtype, layout=layout, device=device or self.device,
                    pin_memory=pin_memory, requires_grad=requires_grad)
    method.__name__ = method.__qualname__ = 'new_' + make.__name__
    method.__doc__ = _NEW_FILLED_DOC.format(name=make.__name__, what=_NEW_FILLED_WHAT[make.__name__],
                                            example=_NEW_FILLED_EXAMPLE[make.__name__])
    return method


_NEW_FILLED_WHAT = {'zeros': 'filled with ``0``', 'ones': 'filled with ``1``',
                    'empty': 'whose contents are unspecified (zeros in ember, as with :func:`ember.empty`)'}
_NEW_FILLED_EXAMPLE = {
    'zeros': 'tensor([[0., 0., 0.],\n                [0., 0., 0.]], dtype=ember.float64)',
    'ones': 'tensor([[1., 1., 1.],\n                [1., 1., 1.]], dtype=ember.float64)',
    'empty': 'tensor([[0., 0., 0.],\n                [0., 0., 0.]], dtype=ember.float64)',
}
_NEW_FILLED_DOC = """Returns a tensor of size ``size`` {what}. By default it has the same dtype and device as this tensor.

    Args:
        size (int...): a list, tuple, or :class:`ember.Size` of integers defining the shape of the output tensor.

    Keyword args:
        dtype (:class:`ember.dtype`, optional): the desired type of the returned tensor. Default: this tensor's.
        device (:class:`ember.device`, optional): the desired device of the returned tensor. Default: this tensor's.
        requires_grad (bool, optional): whether autograd records operations on the returned tensor. Default:
            ``False``.
        layout (:class:`ember.layout`, optional): the desired layout of the returned tensor. Default:
            ``ember.strided``.
        pin_memory (bool, optional): allocate the returned tensor in pinned memory. Default: ``False``.

    Example::

        >>> t = ember.tensor((), dtype=ember.float64)
        >>> t.new_{name}((2, 3))
        {example}
    """


def _new_full(self, size, fill_value, *, dtype=None, layout=None, device=None, pin_memory=False, requires_grad=False):
    """Returns a tensor of size ``size`` filled with ``fill_value``. By default it has the same dtype and device as
    this tensor.

    Args:
        size (int...): a list, tuple, or :class:`ember.Size` of integers defining the shape of the output
            tensor.
        fill_value (scalar): the number to fill the output tensor with.

    Keyword args:
        dtype (:class:`ember.dtype`, optional): the desired type of the returned tensor. Default: this tensor's.
        device (:class:`ember.device`, optional): the desired device of the returned tensor. Default: this
            tensor's.
        requires_grad (bool, optional): whether autograd records operations on the returned tensor. Default:
            ``False``.
        layout (:class:`ember.layout`, optional): the desired layout of the returned tensor. Default:
            ``ember.strided``.
        pin_memory (bool, optional): allocate the returned tensor in pinned memory. Default: ``False``.

    Example::

        >>> t = ember.ones((2,), dtype=ember.float64)
        >>> t.new_full((3, 4), 3.141592)
        tensor([[3.1416, 3.1416, 3.1416, 3.1416],
                [3.1416, 3.1416, 3.1416, 3.1416],
                [3.1416, 3.1416, 3.1416, 3.1416]], dtype=ember.float64)
    """
    return creation.full(size, fill_value, dtype=dtype or self.dtype, layout=layout, device=device or self.device,
                         pin_memory=pin_memory, requires_grad=requires_grad)


_install()
from ember import _tensor_storage  # noqa: E402,F401  (storage methods: untyped_storage, set_, new, ...)
