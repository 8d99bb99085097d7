"""More elementwise math: sign and exponent manipulation, log-sum of two, integer gcd/lcm, angles."""
import math

import numpy as np

from ember._dtype import FLOAT8_NUMS
from ember._tensor import Tensor
from ember.autograd.function import Primitive
from ember.ops import _argparse, _float8
from ember.ops._registry import op
from ember.ops.inplace import write_out
from ember.ops._util import elementwise
from ember.ops.reduce import _named
from ember.autograd import _saved_attrs as _sa


def _where(cond, a, b):
    from ember.ops.index import where
    return where(cond, a, b)


def _require_float(name, *xs):
    for x in xs:
        if isinstance(x, Tensor) and x.dtype.category < 2:
            kind = {'int64': 'Long', 'int32': 'Int', 'int16': 'Short', 'int8': 'Char', 'uint8': 'Byte',
                    'bool': 'Bool'}[x.dtype.name]
            raise NotImplementedError(f'"{name}_cpu" not implemented for \'{kind}\'')


def _require_integer(name, *xs):
    for x in xs:
        if isinstance(x, Tensor) and x.dtype.category >= 2:
            kind = {'float32': 'Float', 'float64': 'Double', 'float16': 'Half'}.get(x.dtype.name, x.dtype.name)
            raise NotImplementedError(f'"{name}_cpu" not implemented for \'{kind}\'')


class Copysign(Primitive):
    node_name = 'CopysignBackward0'
    _promote = 'float'

    @staticmethod
    @elementwise
    def forward(ctx, a, b):
        y = ctx.xp.copysign(a, b)
        ctx.save_for_backward(a, y)
        ctx.other_shape = getattr(b, 'shape', None)
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        # d/dx |x|·sign(b) = sign(x)·sign(b) = y / x, and 0 where x is 0 (PyTorch's choice)
        gb = None if ctx.other_shape is None else g.new_zeros(ctx.other_shape)  # the sign carries none
        return _where(x == 0, 0.0, g * (y / _where(x == 0, 1.0, x))), gb


@op('ember', 'Tensor', inplace=True)
def copysign(input, other, *, out=None):
    """``|input|`` with the sign of ``other`` (a signed zero counts), in floating point.

    >>> ember.copysign(ember.tensor([1.5, -2.0]), ember.tensor([-1.0, 0.0]))
    tensor([-1.5000,  2.0000])
    """
    _result = Copysign.apply(input, other)
    return _result if out is None else write_out('copysign', _result, out)


class Heaviside(Primitive):
    node_name = 'NotImplemented'

    @staticmethod
    @elementwise
    def forward(ctx, a, b):
        return ctx.xp.heaviside(a, b).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("derivative for aten::heaviside is not implemented")


@op('ember', 'Tensor', inplace=True)
def heaviside(input, values, *, out=None):
    """0 where ``input < 0``, 1 where ``input > 0``, ``values`` where it is 0.

    >>> ember.heaviside(ember.tensor([-1.5, 0.0, 2.0]), ember.tensor([0.5]))
    tensor([0.0000, 0.5000, 1.0000])
    """
    if isinstance(values, Tensor) and isinstance(input, Tensor) and values.dtype is not input.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    if isinstance(input, Tensor) and input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
        _float8.check_kernel('heaviside_cpu', input._data.dtype)
    _result = Heaviside.apply(input, values)
    return _result if out is None else write_out('heaviside', _result, out)


class _IntegerBinary(Primitive):
    _promote = True

    @staticmethod
    def backward(ctx, g):
        return None, None


def _integer_binary(node, ufunc):
    def forward(ctx, a, b):
        return getattr(ctx.xp, ufunc)(a, b)
    return type(node, (_IntegerBinary,), {'node_name': node + 'Backward0',
                                          'forward': staticmethod(elementwise(forward))})


_Gcd = _integer_binary('Gcd', 'gcd')
_Lcm = _integer_binary('Lcm', 'lcm')


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def gcd(input, other, *, out=None):
    """Greatest common divisor of integers, elementwise (non-negative).

    >>> ember.gcd(ember.tensor([12, -18]), ember.tensor([8, 4]))
    tensor([4, 2])
    """
    _require_integer('gcd', input, other)
    _result = _Gcd.apply(input, other)
    return _result if out is None else write_out('gcd', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def lcm(input, other, *, out=None):
    """Least common multiple of integers, elementwise (non-negative).

    >>> ember.lcm(ember.tensor([12, -18]), ember.tensor([8, 4]))
    tensor([24, 36])
    """
    _require_integer('lcm', input, other)
    _result = _Lcm.apply(input, other)
    return _result if out is None else write_out('lcm', _result, out)


class _LogAddBase(Primitive):
    """``log_b(b**x + b**y)``; each input's gradient is its share ``b**x / (b**x + b**y)``, a
    sigmoid of the scaled difference (stable for any gap)."""
    _promote = True
    ufunc, log_base = 'logaddexp', 1.0

    @classmethod
    @elementwise
    def forward(cls, ctx, a, b):
        if a.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
            _float8.refuse_node(cls, a.dtype)
        ctx.save_for_backward(a, b)
        return getattr(ctx.xp, cls.ufunc)(a, b)

    @classmethod
    def backward(cls, ctx, g):
        a, b = ctx.saved_tensors
        share = ((a - b) * cls.log_base).sigmoid()
        return g * share, g * (1 - share)


class Logaddexp(_LogAddBase):
    node_name = 'LogaddexpBackward0'


class Logaddexp2(_LogAddBase):
    node_name = 'Logaddexp2Backward0'
    ufunc, log_base = 'logaddexp2', math.log(2)


@op('ember', 'Tensor')
def logaddexp(input, other, *, out=None):
    """``log(exp(input) + exp(other))`` without overflow.

    >>> ember.logaddexp(ember.tensor([0.0, 100.0]), ember.tensor([0.0, 100.0]))
    tensor([  0.6931, 100.6931])
    """
    _require_float('logaddexp', input, other)
    _result = Logaddexp.apply(input, other)
    return _result if out is None else write_out('logaddexp', _result, out)


@op('ember', 'Tensor')
def logaddexp2(input, other, *, out=None):
    """``log2(2**input + 2**other)`` without overflow.

    >>> ember.logaddexp2(ember.tensor([1.0]), ember.tensor([1.0]))
    tensor([2.])
    """
    _require_float('logaddexp2', input, other)
    _result = Logaddexp2.apply(input, other)
    return _result if out is None else write_out('logaddexp2', _result, out)


class Nextafter(Primitive):
    node_name = 'NextafterBackward0'
    _promote = True

    @staticmethod
    @elementwise
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.nextafter(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        # a step of one ulp: the identity's gradient, except where nothing moved (a == b)
        return _where(a == b, 0.0, g), (b.new_zeros(b.shape) if isinstance(b, Tensor) else None)


@op('ember', 'Tensor', inplace=True)
def nextafter(input, other, *, out=None):
    """The next floating-point value after ``input`` towards ``other``.

    >>> ember.nextafter(ember.tensor([1.0], dtype=ember.float64), ember.tensor([2.0], dtype=ember.float64)) - 1
    tensor([2.2204e-16], dtype=ember.float64)
    """
    _require_float('nextafter', input, other)
    if input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
        _float8.refuse_node(Nextafter, input._data.dtype)
    _result = Nextafter.apply(input, other)
    return _result if out is None else write_out('nextafter', _result, out)


class Ldexp(Primitive):
    node_name = 'LdexpBackward0'
    saved_attrs = {'other': _sa.saved(0), 'result': _sa.saved(1)}  # grad_fn._saved_*, read lazily
    _promote = 'float'

    @staticmethod
    @elementwise
    def forward(ctx, a, e, exponent=None):
        # ``exponent``: the exponent's array as given (``e`` is it promoted to the result's dtype). PyTorch scales
        # by an integer exponent exactly, rounding once (half types through float32); a float exponent's power
        # pow(2., other) is computed and rounded in the exponent's own dtype before the product
        xp = ctx.xp
        ctx.exponent = exponent
        if exponent is None:
            out = a * xp.exp2(e.astype(a.dtype, copy=False) if hasattr(e, 'astype') else float(e))
        elif exponent.dtype.kind in 'iub':
            ints = exponent if exponent.dtype.itemsize >= 4 else exponent.astype(np.int32)
            if a.dtype.itemsize < 4:
                from ember.ops._float8 import astype
                out = astype(xp.ldexp(astype(a, np.float32), ints), a.dtype)
            else:
                out = xp.ldexp(a, ints)
        else:
            out = a * _power_of_two(xp, e, exponent.dtype).astype(a.dtype)
        ctx.save_for_backward(e, out)   # (what PyTorch's node keeps: other and result = input * 2**other)
        return out

    @staticmethod
    def backward(ctx, g):
        e, out = ctx.saved_tensors
        exponent = ctx.exponent
        if exponent is not None and exponent.dtype.kind in 'iub':
            # PyTorch's input gradient is grad * pow(2, other): an integer power for an integer exponent, which
            # is 0 where the exponent is negative and wraps around past the dtype's range
            return g * _integer_power_of_two(Tensor._make(exponent, g._device)), None
        if exponent is not None:    # a float exponent's power as the forward rounded it, in its own dtype
            from ember._dtype import from_numpy_dtype
            scale = 2.0 ** e.to(from_numpy_dtype(exponent.dtype))
        else:
            scale = (e.to(g.dtype) if isinstance(e, Tensor) else g.new_tensor(float(e))).exp2()
        ge = g * out * math.log(2) if isinstance(e, Tensor) else None
        return g * scale, ge


def _power_of_two(xp, e, np_dtype):
    """``2 ** e`` in the float dtype ``np_dtype`` (``e`` holds values of that dtype, promoted): half types
    computed in float32 and rounded once, as PyTorch's pow."""
    if np_dtype.itemsize < 4:
        from ember.ops._float8 import astype
        return astype(xp.power(np.float32(2), e.astype(np.float32)), np_dtype)
    return xp.power(np_dtype.type(2), e.astype(np_dtype, copy=False))


def _integer_power_of_two(e):
    """``pow(2, e)`` for an integer tensor, as PyTorch's integer pow: in e's dtype, 0 for a negative power,
    wrapping as the dtype does."""
    xp, data = e._xp, e._data
    powers = xp.power(data.dtype.type(2), xp.maximum(data, 0))
    return Tensor._make(xp.where(data < 0, data.dtype.type(0), powers), e._device)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def ldexp(input, other, *, out=None):
    """``input * 2**other``, in floating point.

    >>> ember.ldexp(ember.tensor([1.0, 3.0]), ember.tensor([2, -1]))
    tensor([4.0000, 1.5000])
    """
    if not (isinstance(input, Tensor) and isinstance(other, Tensor)):     # (PyTorch's ldexp takes tensors only)
        _argparse.refuse_from_stack()
    if isinstance(input, Tensor) and input.dtype.category < 2 and isinstance(other, Tensor) \
            and other.dtype.category < 2:
        input = input.to(_default_float())
    if other.dtype.category == 0:
        raise NotImplementedError('"ldexp_cpu_exp" not implemented for \'Bool\'')
    _result = Ldexp.apply(input, other, exponent=other._data)
    return _result if out is None else write_out('ldexp', _result, out)


def _default_float():
    from ember._dtype import get_default_dtype
    return get_default_dtype()


@_sa.kept_tensor
def _frexp_exponent(node):
    """FrexpBackward0's ``exponent``: the exponent tensor frexp returned (frexp keeps it on the node)."""
    return node.__dict__['exponent_returned']


class FrexpMantissa(Primitive):
    _profile_name = 'aten::frexp'
    node_name = 'FrexpBackward0'
    saved_attrs = {'exponent': _frexp_exponent}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, x):
        mantissa, exponent = ctx.xp.frexp(x)
        ctx.exponent = exponent
        return mantissa

    @staticmethod
    def backward(ctx, g):
        return g / g.new_tensor(ctx.xp.exp2(ctx.exponent.astype(g._data.dtype)))


_Frexp = _named('frexp', ('mantissa', 'exponent'))


@op('ember', 'Tensor')
def frexp(input, *, out=None):
    """Split floats into mantissa in [0.5, 1) and integer exponent: ``input = mantissa * 2**exponent``.

    >>> ember.frexp(ember.tensor([8.0, 0.75]))
    ember.return_types.frexp(
    mantissa=tensor([0.5000, 0.7500]),
    exponent=tensor([4, 0], dtype=ember.int32))
    """
    if input.dtype.category < 2:
        raise RuntimeError("ember.frexp() only supports floating-point dtypes")
    if input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
        _float8.check_kernel('frexp_cpu', input._data.dtype)
    exponent = Tensor._make(input._xp.frexp(input._data)[1].astype('int32'), input._device)
    mantissa = FrexpMantissa.apply(input)
    if mantissa._grad_fn is not None:     # (PyTorch's node keeps the exponent tensor it returned)
        mantissa._grad_fn.__dict__['exponent_returned'] = exponent
    _result = _Frexp(mantissa, exponent)
    return _result if out is None else write_out('frexp', _result, out)


class _AngleScale(Primitive):
    _promote = 'float'
    factor = 1.0

    @classmethod
    def forward(cls, ctx, x):
        return x * x.dtype.type(cls.factor)

    @classmethod
    def backward(cls, ctx, g):
        return g * cls.factor


class Deg2Rad(_AngleScale):
    node_name = 'Deg2RadBackward0'
    factor = math.pi / 180


class Rad2Deg(_AngleScale):
    node_name = 'Rad2DegBackward0'
    factor = 180 / math.pi


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def deg2rad(input, *, out=None):
    """Degrees to radians (integers become floats).

    >>> ember.deg2rad(ember.tensor([180.0]))
    tensor([3.1416])
    """
    _result = Deg2Rad.apply(input)
    return _result if out is None else write_out('deg2rad', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def rad2deg(input, *, out=None):
    """Radians to degrees (integers become floats).

    >>> ember.rad2deg(ember.tensor([3.141592653589793]))
    tensor([180.])
    """
    _result = Rad2Deg.apply(input)
    return _result if out is None else write_out('rad2deg', _result, out)


@op('ember', 'Tensor')
def positive(input):
    """``input`` itself (unary ``+``); refused for bool tensors, as in PyTorch.

    Example::

        >>> ember.positive(ember.tensor([-1.0, 2.0]))
        tensor([-1.,  2.])
    """
    if input.dtype.name == 'bool':
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input
