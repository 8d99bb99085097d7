"""Binary arithmetic with broadcasting and PyTorch's type promotion."""
import numpy as _np

from ember.autograd import _saved_attrs as _sa
from ember._dtype import FLOAT8_NUMS
from ember._tensor import Tensor
from ember.autograd import grad_mode
from ember._grad_state import state as _grad_state
from ember.autograd.function import Primitive, unrecorded_binary, unrecorded_scalar
from ember.autograd._opmath import ALWAYS, WITH_NUMBER
from ember.ops import _argparse
from ember.ops import _float8
from ember.ops import _ties
from ember.ops._barebones import NUMS as _BAREBONES, refuse as _refuse
from ember.ops._fused_pointwise import add_scaled, addcdiv_values, addcmul_values, lerp_values
from ember.ops._util import elementwise, scalar_number
from ember.ops._registry import op
from ember.ops.inplace import write_out


def _scaled(xp, fn, a, b, alpha):
    """``fn(a, b * alpha)``; for float16/bfloat16 tensors as PyTorch: ``alpha`` rounded to their dtype,
    the rest computed in float32 and rounded once."""
    dt = getattr(a, 'dtype', None)
    if dt is not None and dt.itemsize == 2 and dt.kind in 'fV' and getattr(b, 'dtype', None) == dt:
        scale = _np.float32(_np.asarray(alpha).astype(dt))
        return fn(a.astype(_np.float32), b.astype(_np.float32) * scale).astype(dt)
    if dt is not None and dt.kind == 'f' and getattr(b, 'dtype', None) == dt and type(a) is _np.ndarray \
            and type(b) is _np.ndarray and not isinstance(alpha, complex):
        # PyTorch's kernels compute ``a + alpha * b`` as one fused multiply-add (a single rounding)
        return _fused(fn, a, b, dt.type(alpha))
    return fn(a, b * alpha)


def _fused(fn, a, b, alpha):
    """``fn(a, alpha * b)`` (``fn`` add or subtract) rounded once, as a fused multiply-add gives it."""
    return add_scaled(a, b, alpha if fn is _np.add else -alpha)


class Add(Primitive):
    node_name = 'AddBackward0'
    saved_attrs = {'alpha': _sa.field('alpha')}  # grad_fn._saved_*, read lazily
    _operator = '+'
    _scalar_edges = 2   # a number operand shows as (None, 0); alpha (the third) has no edge, as in PyTorch
    _promote = True

    @staticmethod
    @elementwise
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        out = ctx.xp.add(a, b) if alpha == 1 else _scaled(ctx.xp, ctx.xp.add, a, b, alpha)
        if out.dtype.num in _BAREBONES:   # PyTorch has no addition for uint16/32/64
            raise _refuse('add_stub', out.dtype.num)
        return out

    @staticmethod
    def backward(ctx, g):
        return g, (g if ctx.alpha == 1 else g * ctx.alpha), None


class Sub(Primitive):
    node_name = 'SubBackward0'
    saved_attrs = {'alpha': _sa.field('alpha')}  # grad_fn._saved_*, read lazily
    _operator = '-'
    _scalar_edges = 2   # a number operand shows as (None, 0); alpha (the third) has no edge, as in PyTorch
    _promote = True

    @staticmethod
    @elementwise
    def forward(ctx, a, b, alpha=1):
        if getattr(a, 'dtype', None) == bool and getattr(b, 'dtype', None) == bool:
            raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the "
                               "`^` or `logical_xor()` operator instead.")
        ctx.alpha = alpha
        out = ctx.xp.subtract(a, b) if alpha == 1 else _scaled(ctx.xp, ctx.xp.subtract, a, b, alpha)
        if out.dtype.num in _BAREBONES:
            raise _refuse('add_stub', out.dtype.num)
        return out

    @staticmethod
    def backward(ctx, g):
        return g, (-g if ctx.alpha == 1 else g * -ctx.alpha), None


class RSub(Primitive):
    """scalar - tensor (PyTorch records it as RsubBackward1)."""
    _profile_name = 'aten::rsub'
    _operator = '-'
    node_name = 'RsubBackward1'
    saved_attrs = {'alpha': _sa.const(1)}  # grad_fn._saved_*: rsub's alpha, always 1 from the operator
    _promote = True

    @staticmethod
    def forward(ctx, a, b):
        out = ctx.xp.subtract(b, a)
        if out.dtype.num in _BAREBONES:
            raise _refuse('add_stub', out.dtype.num)
        return out

    @staticmethod
    def backward(ctx, g):
        return -g, None


class RSubScaled(RSub):
    """number - alpha * tensor (``rsub(x, 2.0, alpha=3)``: PyTorch's RsubBackward1 keeping that alpha)."""
    node_name = 'RsubBackward1'
    saved_attrs = {'alpha': _sa.field('alpha')}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, a, b, alpha):
        return Sub.forward(ctx, b, a, alpha)    # (Sub's steps and rounding, as before: it keeps ctx.alpha)

    @staticmethod
    def backward(ctx, g):
        return g * -ctx.alpha, None, None


class RSubTensor(Primitive):
    """``other - alpha * input`` for two tensors (PyTorch's RsubBackward0, inputs in ``rsub``'s order)."""
    _profile_name = 'aten::rsub'
    node_name = 'RsubBackward0'
    saved_attrs = {'alpha': _sa.field('alpha')}  # grad_fn._saved_*, read lazily
    _promote = True

    @staticmethod
    @elementwise
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        return Sub.forward(ctx, b, a, alpha)

    @staticmethod
    def backward(ctx, g):
        return (-g if ctx.alpha == 1 else g * -ctx.alpha), g, None


class Mul(Primitive):
    node_name = 'MulBackward0'
    _opmath = WITH_NUMBER  # a Python number operand is applied in float32 for half inputs, as PyTorch
    _operator = '*'
    _scalar_edges = True
    _promote = True
    saved_attrs = {'other': _sa.saved(0), 'self': _sa.saved(1)}  # grad_fn._saved_*, read lazily
    _takes_donation = True

    @staticmethod
    @elementwise
    def forward(ctx, a, b):
        need_a, need_b = ctx.needs_input_grad[:2]
        if need_a or need_b:   # (nothing to save when nothing is recorded)
            ctx.save_for_backward(b if need_a else None, a if need_b else None)
        return ctx.xp.multiply(a, b)

    @staticmethod
    def float8_forward(ctx, a, b):
        # (Function.apply picks this for float8 arrays, as it picks the float32 one for half inputs)
        return _float8.binary('mul', a, b, Mul.forward(ctx, a, b))

    @staticmethod
    def backward(ctx, g):
        b, a = ctx.saved_tensors
        if g._data.dtype.kind == 'c':
            # complex: the gradient is conjugate Wirtinger (PyTorch's convention), grad * conj(other)
            b = b.conj() if isinstance(b, Tensor) else (b.conjugate() if b is not None else None)
            a = a.conj() if a is not None else None
        if not grad_mode._state.enabled:  # first order: multiply the arrays, no op dispatch
            gd, dev = g._data, g._device
            bd = None if b is None else (b._data if isinstance(b, Tensor) else b)
            if ctx._donated:
                # the engine handed over g's array: the last product needed goes into it when it is the
                # array that product would be (same dtype; the output's shape is g's)
                if a is not None and a._data.dtype == gd.dtype:
                    return (None if bd is None else Tensor._make(gd * bd, dev),
                            Tensor._make(_np.multiply(gd, a._data, out=gd), dev))
                if a is None and bd is not None and _donated_product(gd, bd):
                    return Tensor._make(_np.multiply(gd, bd, out=gd), dev), None
            return (None if bd is None else Tensor._make(gd * bd, dev),
                    None if a is None else Tensor._make(gd * a._data, dev))
        return (g * b if b is not None else None), (g * a if a is not None else None)


def _donated_product(gd, other):
    """Whether ``gd * other`` is an array of ``gd``'s dtype (and shape: ``gd`` is the output's gradient),
    so that it can be computed into ``gd``."""
    if type(other) is _np.ndarray:
        return other.dtype == gd.dtype
    # a Python number keeps a float array's dtype (NumPy's weak scalars, as PyTorch's)
    return type(other) in (int, float) and gd.dtype.kind == 'f' or type(other) is complex and gd.dtype.kind == 'c'


class Div(Primitive):
    node_name = 'DivBackward0'
    saved_attrs = {'other': _sa.saved(1), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily
    _opmath = WITH_NUMBER  # a Python number operand is applied in float32 for half inputs, as PyTorch
    _operator = '/'
    _scalar_edges = True
    _promote = 'float'

    @staticmethod
    @elementwise
    def forward(ctx, a, b):
        need_a, need_b = ctx.needs_input_grad[:2]
        ctx.save_for_backward(a if need_b else None, b)
        return ctx.xp.true_divide(a, b)

    @staticmethod
    def float8_forward(ctx, a, b):
        return _float8.binary('div', a, b, Div.forward(ctx, a, b))     # (PyTorch refuses float8 division)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        if g._data.dtype.kind == 'c':
            # holomorphic: PyTorch's gradient is conj(f') times g, i.e. the real formula conjugated
            a = a.conj() if a is not None else None
            b = b.conj() if isinstance(b, Tensor) else (b.conjugate() if hasattr(b, 'conjugate') else b)
        ga = g / b if ctx.needs_input_grad[0] else None
        gb = -g * a / (b * b) if ctx.needs_input_grad[1] else None
        return ga, gb


class RDiv(Primitive):
    """scalar / tensor."""
    _operator = '/'
    node_name = 'DivBackward0'
    _opmath = WITH_NUMBER  # a Python number operand is applied in float32 for half inputs, as PyTorch
    _promote = 'float'

    @staticmethod
    def forward(ctx, a, s):
        out = ctx.xp.true_divide(s, a)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        return -g * out / a, None


class PowScalar(Primitive):
    _profile_name = 'aten::pow'
    node_name = 'PowBackward0'
    saved_names = ('self', 'exponent')   # PyTorch's names (grad_fn._saved_exponent)
    _operator = '** or pow()'
    _promote = True

    @staticmethod
    def forward(ctx, a, e):
        ctx.save_for_backward(a, e)
        xp = ctx.xp
        if isinstance(e, int) and a.dtype.kind in 'iu' and e < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        if e == 2:
            return xp.multiply(a, a)
        if xp is _np and (a.dtype is _F64 or a.dtype is _F32) and e.__class__ in (float, int):
            return _real_power_scalar(a, e)
        if a.dtype.num in FLOAT8_NUMS:     # (the powers PyTorch allows them: 0 fills ones, 1 copies)
            return _float8.from_float32(_np.ones(a.shape, _np.float32), a.dtype) if e == 0 else a.copy()
        return xp.power(a, e)

    @staticmethod
    def backward(ctx, g):
        a, e = ctx.saved_tensors
        if e == 0:
            return g * 0, None
        if e == 2:
            return g * (a * 2), None
        return g * (e * a ** (e - 1)), None


_F32, _F64 = _np.dtype(_np.float32), _np.dtype(_np.float64)
# PyTorch's CPU kernel runs arrays shorter than two vectors (AVX-512: 16 doubles, 32 floats) element by
# element through the C library's pow, with the exponent as a double; longer ones through its vector pow,
# with the exponent in the tensor's dtype
_SCALAR_POW_SIZE = {_F64: 16, _F32: 32}
# exponents PyTorch's kernel treats by other means than pow, each rounded as its kernel rounds: a root, one
# over a root, a reciprocal, a product of three, one over a square (x ** 2, x * x, is taken before)
_SPECIAL_EXPONENTS = {0.5: _np.sqrt, -0.5: lambda a: 1 / _np.sqrt(a), -1: lambda a: 1 / a,
                      3: lambda a: a * a * a, -2: lambda a: 1 / (a * a)}


def _real_power_scalar(a, e):
    """float32/float64 ``a ** e`` rounded as PyTorch's CPU pow rounds it. NumPy's vectorised pow is one unit
    in the last place away from the C library's on about 5 % of float64 inputs (20 % of float32 ones), so
    float32 powers go through float64 and are rounded once, and short float64 arrays go through the C
    library's pow (NumPy's scalar power) as PyTorch's do."""
    special = _SPECIAL_EXPONENTS.get(e)
    if special is not None:
        with _np.errstate(divide='ignore', invalid='ignore', over='ignore'):
            return special(a)
    small = a.size < _SCALAR_POW_SIZE[a.dtype]
    if a.dtype is _F32:
        return _np.power(a.astype(_F64), float(e) if small else float(_np.float32(e))).astype(_F32)
    if small:
        e, f64 = float(e), _np.float64
        return _np.array([f64(v) ** e for v in a.ravel().tolist()], dtype=_F64).reshape(a.shape)
    return _np.power(a, e)


def _int_power(xp, a, b):
    """``a ** b``. With integer operands and negative exponents (a tensor of them: a negative scalar
    exponent is refused before), PyTorch gives integer results, 1 ** e = 1, (-1) ** e = +-1 and 0 for
    every other base, where NumPy refuses."""
    b_dtype = getattr(b, 'dtype', None)
    if b_dtype is None or b_dtype.kind != 'i':
        return xp.power(a, b)
    a_dtype = getattr(a, 'dtype', None)
    integral = a_dtype.kind in 'iu' if a_dtype is not None else isinstance(a, int)
    if not integral or not (b < 0).any():
        return xp.power(a, b)
    negative = b < 0
    out = xp.power(a, xp.where(negative, 0, b))
    odd = (b % 2) != 0
    small = xp.where(a == 1, 1, xp.where(a == -1, xp.where(odd, -1, 1), 0)).astype(out.dtype)
    return xp.where(negative, small, out)


class Pow(Primitive):
    node_name = 'PowBackward1'
    saved_attrs = {'exponent': _sa.saved(1), 'result': _sa.saved(2), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily
    _operator = '** or pow()'
    _promote = True

    @staticmethod
    @elementwise
    def forward(ctx, a, b):
        out = _int_power(ctx.xp, a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b, out = ctx.saved_tensors
        ga = g * b * a ** (b - 1) if ctx.needs_input_grad[0] else None
        gb = None
        if ctx.needs_input_grad[1]:
            from ember.ops.index import where
            gb = g * where((a == 0) & (b >= 0), 0.0, out * a.log())
        return ga, gb


class RPow(Primitive):
    """scalar ** tensor."""
    _profile_name = 'aten::pow'
    _operator = '** or pow()'
    node_name = 'PowBackward2'
    # grad_fn._saved_*, read lazily: the exponent (the tensor), the result, the base number as ``self``
    saved_attrs = {'exponent': _sa.saved(2), 'result': _sa.saved(0), 'self': _sa.number(1)}
    _promote = True

    @staticmethod
    def forward(ctx, b, s):
        out = _int_power(ctx.xp, s, b)
        ctx.save_for_backward(out, s, b)
        return out

    @staticmethod
    def backward(ctx, g):
        out, s, _ = ctx.saved_tensors
        import math
        return (g * out * math.log(s) if s != 0 else g * 0), None


def _scalar_or_tensor(x):
    return x


_BOOL = _np.dtype(bool)   # NumPy's dtypes are singletons: ``dtype is _BOOL`` is the cheapest test


def _is_bool(value):
    return type(value) is bool or getattr(getattr(value, '_data', None), 'dtype', None) is _BOOL


def _refuse_bool_subtraction(a, b):
    """PyTorch refuses ``-`` when either operand is a bool tensor (or a Python bool)."""
    if _is_bool(a) and _is_bool(b):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                           "`logical_xor()` operator instead.")
    if _is_bool(a) or _is_bool(b):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")


_ONE = 1   # the default alpha: ``alpha is _ONE`` skips the checks below on the hot path


def _check_alpha(input, other, alpha):
    """PyTorch's refusals of an ``alpha`` that the result's dtype cannot hold."""
    from ember._dtype import result_type
    result = result_type(input, other)
    if isinstance(alpha, bool):
        if result.name != 'bool':
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
    elif isinstance(alpha, float) and result.category < 2:
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    elif isinstance(alpha, complex) and not result.is_complex:
        raise RuntimeError("For non-complex input tensors, argument alpha must not be a complex number.")


@op('ember', 'Tensor', inplace=True, ufunc='add')
def add(input, other, *, alpha=1, out=None):
    """Adds ``other``, scaled by ``alpha``, to ``input``: ``out = input + alpha * other``.

    Broadcasts ``input`` and ``other`` to a common shape and promotes them to a common dtype.

    Args:
        input (Tensor): the first operand.
        other (Tensor or Number): the tensor or number to add.
        alpha (Number): the multiplier for ``other`` (default 1).
        out (Tensor, optional): the output tensor.

    Example::

        >>> a = ember.tensor([1., 2., 3.])
        >>> ember.add(a, 10)
        tensor([11., 12., 13.])
        >>> ember.add(a, ember.ones(3), alpha=2)
        tensor([3., 4., 5.])
    """
    if alpha is not _ONE:
        _check_alpha(input, other, alpha)
    if not isinstance(input, Tensor):
        return Add.apply(other, input) if alpha == 1 else Add.apply(input, other, alpha)
    if out is None and input.__class__ is Tensor and alpha is _ONE \
            and (not input._requires_grad or not _grad_state.enabled):   # (a recorded first operand: apply)
        _kind = other.__class__
        _result = unrecorded_binary(_np.add, input, other) if _kind is Tensor else \
            unrecorded_scalar(_np.add, input, other) if _kind is float or _kind is int else None
        if _result is not None:   # (Add's forward, when nothing is recorded)
            return _result
    _result = Add.apply(input, other) if alpha == 1 else Add.apply(input, other, alpha)
    return _result if out is None else write_out('add', _result, out)


@op('ember', 'Tensor', aliases=('subtract',), inplace=True, ufunc='subtract')
def sub(input, other, alpha=1, *, out=None):
    """Subtracts ``other``, scaled by ``alpha``, from ``input``: ``out = input - alpha * other``.

    Args:
        input (Tensor): the tensor to subtract from.
        other (Tensor or Number): the tensor or number to subtract.
        alpha (Number): the multiplier for ``other`` (default 1).
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.sub(ember.tensor([5., 7.]), ember.tensor([1., 2.]), alpha=2)
        tensor([3., 3.])
    """
    if alpha is not _ONE:
        _check_alpha(input, other, alpha)
    if not isinstance(input, Tensor):
        if type(input) is bool or other._data.dtype is _BOOL:
            _refuse_bool_subtraction(input, other)
        return RSub.apply(other, input) if alpha == 1 else Sub.apply(input, other, alpha)
    if input._data.dtype is _BOOL or type(other) is bool or (type(other) is Tensor and other._data.dtype is _BOOL):
        _refuse_bool_subtraction(input, other)
    if out is None and input.__class__ is Tensor and alpha is _ONE \
            and (not input._requires_grad or not _grad_state.enabled):   # (a recorded first operand: apply)
        _kind = other.__class__
        _result = unrecorded_binary(_np.subtract, input, other) if _kind is Tensor else \
            unrecorded_scalar(_np.subtract, input, other) if _kind is float or _kind is int else None
        if _result is not None:   # (Sub's forward, when nothing is recorded)
            return _result
    _result = Sub.apply(input, other) if alpha == 1 else Sub.apply(input, other, alpha)
    return _result if out is None else write_out('sub', _result, out)


@op('ember', 'Tensor')
def rsub(input, other, alpha=1):
    """Subtracts ``input`` from ``other``, scaled by ``alpha``: ``other - alpha * input`` (the reverse of
    :func:`ember.sub`).

    Args:
        input (Tensor): the input tensor.
        other (Tensor or Number): the tensor or number ``input`` is subtracted from.
        alpha (Number): the multiplier for ``input``. Default: ``1``.

    Example::

        >>> ember.rsub(ember.tensor([1., 2.]), 10)
        tensor([9., 8.])
        >>> ember.rsub(ember.tensor([1., 2.]), ember.tensor([5., 5.]), alpha=2)
        tensor([3., 1.])
    """
    if isinstance(input, Tensor) and isinstance(other, Tensor):
        if alpha is not _ONE:
            _check_alpha(other, input, alpha)
        return RSubTensor.apply(input, other, alpha)
    if isinstance(input, Tensor) and alpha != 1 and not isinstance(other, Tensor):
        _check_alpha(input, other, alpha)
        return RSubScaled.apply(input, other, alpha)
    return sub(other, input, alpha=alpha)


@op('ember', 'Tensor', aliases=('multiply',), inplace=True, ufunc='multiply')
def mul(input, other, *, out=None):
    """Multiplies ``input`` by ``other`` element by element, broadcasting both to a common shape.

    Args:
        input (Tensor): the first operand.
        other (Tensor or Number): the tensor or number to multiply by.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.mul(ember.tensor([[1.], [2.]]), ember.tensor([3., 4.]))
        tensor([[3., 4.],
                [6., 8.]])
    """
    if out is None and input.__class__ is Tensor \
            and (not input._requires_grad or not _grad_state.enabled):   # (a recorded first operand: apply)
        _kind = other.__class__
        _result = unrecorded_binary(_np.multiply, input, other) if _kind is Tensor else \
            unrecorded_scalar(_np.multiply, input, other) if _kind is float or _kind is int else None
        if _result is not None:   # (Mul's forward, when nothing is recorded)
            return _result
    # (a number first: the tensor leads; the parameters keep their values, which an argument error reads)
    _result = Mul.apply(input, other) if isinstance(input, Tensor) else Mul.apply(other, input)
    return _result if out is None else write_out('mul', _result, out)


@op('ember', 'Tensor', aliases=('divide',), inplace=True, ufunc='true_divide')
def div(input, other, *, rounding_mode=None, out=None):
    """Divides ``input`` by ``other`` element by element.

    Integer inputs give a floating-point result (true division) unless ``rounding_mode`` asks for
    ``'trunc'`` (towards zero) or ``'floor'`` (towards minus infinity).

    Args:
        input (Tensor): the dividend.
        other (Tensor or Number): the divisor.
        rounding_mode (str, optional): ``None``, ``'trunc'`` or ``'floor'``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> a = ember.tensor([7, -7])
        >>> ember.div(a, 2)
        tensor([ 3.5000, -3.5000])
        >>> ember.div(a, 2, rounding_mode='floor')
        tensor([ 3, -4])
    """
    if rounding_mode is None and out is None and input.__class__ is Tensor \
            and (not input._requires_grad or not _grad_state.enabled):   # (a recorded first operand: apply)
        _kind = other.__class__
        # (two tensors only when floating: integer ones divide in the default float dtype)
        res = unrecorded_binary(_np.true_divide, input, other) \
            if _kind is Tensor and input._data.dtype.kind in 'fc' else \
            unrecorded_scalar(_np.true_divide, input, other) if _kind is float or _kind is int else None
        if res is not None:   # (Div's forward, when nothing is recorded)
            return res
    if rounding_mode is None:
        res = Div.apply(input, other) if isinstance(input, Tensor) else RDiv.apply(other, input)
    elif rounding_mode in ('trunc', 'floor'):
        if not isinstance(input, Tensor):
            from ember.ops.creation import as_tensor
            input = as_tensor(input)
        res = DivideRounded.apply(input, other, rounding_mode)
    else:
        _argparse.refuse_from_stack()       # (a rounding_mode not a string: the parser's error first)
        raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                           f"'{rounding_mode}'")
    _result = res
    return _result if out is None else write_out('div', _result, out)


divide = div


@op('ember', 'Tensor', inplace=True, ufunc='true_divide')
def true_divide(input, other, *, out=None):
    """``input / other`` in floating point (``div`` without a rounding mode).

    Example::

        >>> ember.true_divide(ember.tensor([7, -7]), 2)
        tensor([ 3.5000, -3.5000])
    """
    return div(input, other, out=out)


@op('ember', 'Tensor', inplace=True)
def pow(input, exponent, *, out=None):
    """Raises each element of ``input`` to the power ``exponent``, element-wise.

    ``input`` and ``exponent`` broadcast against each other; either may be a number (``ember.pow(2, t)`` raises
    2 to each element). Integer tensors to negative integer powers raise an error, as in PyTorch.

    Args:
        input (Tensor or Number): the base value(s).
        exponent (Tensor or Number): the exponent value(s).

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> a = ember.tensor([0.5, -1.0, 2.0, 3.0])
        >>> ember.pow(a, 2)
        tensor([0.2500, 1.0000, 4.0000, 9.0000])
        >>> ember.pow(ember.arange(1., 5.), ember.tensor([1., 2., 3., 4.]))
        tensor([  1.,   4.,  27., 256.])
        >>> ember.pow(2, ember.arange(1., 5.))
        tensor([ 2.,  4.,  8., 16.])
    """
    if not isinstance(input, Tensor):
        return RPow.apply(exponent, input)
    if isinstance(exponent, Tensor):
        _result = Pow.apply(input, exponent)
        return _result if out is None else write_out('pow', _result, out)
    _result = PowScalar.apply(input, exponent)
    return _result if out is None else write_out('pow', _result, out)


@op('ember', 'Tensor', inplace=True)
def float_power(input, exponent, *, out=None):
    """Raises ``input`` to the power ``exponent`` element-wise in double precision: the result is ``float64``
    (``complex128`` for complex operands) whatever the inputs' dtypes.

    Args:
        input (Tensor or Number): the base value(s).
        exponent (Tensor or Number): the exponent value(s).

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> a = ember.tensor([1, 2, 3, 4])
        >>> ember.float_power(a, 2)
        tensor([ 1.,  4.,  9., 16.], dtype=ember.float64)
        >>> ember.float_power(a, ember.tensor([2., -3., 4., -5.]))
        tensor([1.0000e+00, 1.2500e-01, 8.1000e+01, 9.7656e-04], dtype=ember.float64)
    """
    input = input.double() if isinstance(input, Tensor) else input
    exponent = exponent.double() if isinstance(exponent, Tensor) else exponent
    _result = pow(input, exponent)
    return _result if out is None else write_out('float_power', _result, out)


def _floor_divide_float(xp, a, b):
    """Python's (and PyTorch's) float floor division: from ``fmod``, so ``1.0 // 0.1`` is 9.0 (the exact
    quotient is just under 10) where ``floor(1.0 / 0.1)`` would give 10.0 from the rounded quotient."""
    mod = xp.fmod(a, b)
    div = (a - mod) / b
    div = xp.where((mod != 0) & ((xp.asarray(b) < 0) != (mod < 0)), div - 1, div)
    floor = xp.floor(div)
    floor = xp.where(div - floor > 0.5, floor + 1, floor)
    quotient = xp.true_divide(a, b)
    out = xp.where(div != 0, floor, xp.copysign(xp.zeros_like(div), quotient))
    return xp.where(xp.asarray(b) == 0, quotient, out)


class _RoundedDivide(Primitive):
    """floor/trunc division: piecewise constant, so its gradient is zero."""
    _promote = True
    _opmath = WITH_NUMBER  # a Python number divides half inputs in float32, as PyTorch

    @staticmethod
    @elementwise
    def forward(ctx, a, b, mode):
        xp = ctx.xp
        ctx.b_like = (getattr(b, 'shape', ()), getattr(b, 'dtype', None))   # (for a divisor's zero gradient)
        if a.dtype.kind in 'iub' if hasattr(a, 'dtype') else False:
            if (xp.asarray(b) == 0).any():
                raise RuntimeError("ZeroDivisionError")
            q = xp.floor_divide(a, b)
            if mode == 'trunc':
                r = xp.remainder(a, b)
                q = q + ((r != 0) & ((xp.asarray(a) < 0) != (xp.asarray(b) < 0)))
            return q
        if mode == 'floor':
            return _floor_divide_float(xp, a, b)
        return xp.trunc(xp.true_divide(a, b))

    @staticmethod
    def backward(ctx, g):
        gb = None
        if len(ctx.needs_input_grad) > 1 and ctx.needs_input_grad[1]:
            # (a divisor that requires grad gets zeros too, as PyTorch's: the quotient is piecewise constant)
            gb = Tensor._make(g._xp.zeros(*ctx.b_like), g._device)
        return g * 0, gb, None


class FloorDivide(_RoundedDivide):
    """``floor_divide`` and ``//``: PyTorch gives it no derivative (``div(rounding_mode='floor')`` has one:
    zero), so a backward through it fails as PyTorch's does."""
    _operator = '//'
    node_name = 'NotImplemented'

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("derivative for aten::floor_divide is not implemented")


class DivideRounded(_RoundedDivide):
    """``div`` with a rounding mode (PyTorch names this node apart from ``floor_divide``'s)."""
    _profile_name = 'aten::div'
    node_name = 'DivBackward2'


@op('ember', 'Tensor', inplace=True)
def floor_divide(input, other, *, out=None):
    """Divides ``input`` by ``other`` element-wise and rounds the result down (toward negative infinity):
    ``floor(input / other)``, as Python's ``//`` does.

    Args:
        input (Tensor or Number): the dividend.
        other (Tensor or Number): the divisor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> a = ember.tensor([4.0, 3.0, -7.0])
        >>> b = ember.tensor([2.0, 2.0, 2.0])
        >>> ember.floor_divide(a, b)
        tensor([ 2.,  1., -4.])
        >>> ember.floor_divide(ember.tensor([7, -7]), 2)
        tensor([ 3, -4])
    """
    if not isinstance(input, Tensor):
        from ember.ops.creation import as_tensor
        input = as_tensor(input)
    _result = FloorDivide.apply(input, other, 'floor')
    return _result if out is None else write_out('floor_divide', _result, out)


def trunc_divide(input, other):
    if not isinstance(input, Tensor):
        from ember.ops.creation import as_tensor
        input = as_tensor(input)
    return DivideRounded.apply(input, other, 'trunc')


class Remainder(Primitive):
    node_name = 'RemainderBackward0'
    saved_attrs = {}  # grad_fn._saved_*: PyTorch's node keeps nothing (the divisor is a number)
    _operator = '%'
    _promote = True

    @staticmethod
    @elementwise
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        if a.dtype.kind in 'iub' and (ctx.xp.asarray(b) == 0).any():
            raise RuntimeError("ZeroDivisionError")  # NumPy would quietly give 0
        xp = ctx.xp
        if a.dtype.kind not in 'fc':
            return xp.remainder(a, b)
        # PyTorch's formula, which keeps fmod's signed zero (-2 % 2 is -0.0; NumPy gives 0.0)
        m = xp.fmod(a, b)
        return xp.where((m != 0) & ((xp.asarray(b) < 0) != (m < 0)), m + b, m)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        gb = -g * div(a, b, rounding_mode='floor') if isinstance(b, Tensor) and ctx.needs_input_grad[1] else None
        return g, gb


class RemainderTensor(Remainder):
    """``remainder`` by a tensor divisor (PyTorch names it apart from the scalar one)."""
    _profile_name = 'aten::remainder'
    node_name = 'RemainderBackward1'
    saved_attrs = {'other': _sa.saved_if_wanted(1, 1), 'self': _sa.saved_if_wanted(0, 1)}  # grad_fn._saved_*, read lazily


class Fmod(Primitive):
    node_name = 'FmodBackward0'
    saved_attrs = {}  # grad_fn._saved_*: PyTorch's node keeps nothing (the divisor is a number)
    _promote = True

    @staticmethod
    @elementwise
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        if a.dtype.kind in 'iub' and (ctx.xp.asarray(b) == 0).any():
            raise RuntimeError("ZeroDivisionError")
        return ctx.xp.fmod(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        gb = -g * trunc_divide(a, b) if isinstance(b, Tensor) and ctx.needs_input_grad[1] else None
        return g, gb


class FmodTensor(Fmod):
    """``fmod`` by a tensor divisor (PyTorch names it apart from the scalar one)."""
    _profile_name = 'aten::fmod'
    node_name = 'FmodBackward1'
    saved_attrs = {'other': _sa.saved_if_wanted(1, 1), 'self': _sa.saved_if_wanted(0, 1)}  # grad_fn._saved_*, read lazily


@op('ember', 'Tensor', inplace=True)
def remainder(input, other, *, out=None):
    """Computes Python's modulus element-wise: ``input - floor(input / other) * other``; the result has the sign of
    the divisor ``other``. See :func:`ember.fmod` for C's remainder.

    Args:
        input (Tensor or Scalar): the dividend.
        other (Tensor or Scalar): the divisor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.remainder(ember.tensor([-3., -2, -1, 1, 2, 3]), 2)
        tensor([1., -0., 1., 1., 0., 1.])
        >>> ember.remainder(ember.tensor([1, 2, 3, 4, 5]), -1.5)
        tensor([-0.5000, -1.0000,  0.0000, -0.5000, -1.0000])
    """
    if not isinstance(input, Tensor):
        from ember.ops.creation import as_tensor
        input = as_tensor(input)
    _result = (RemainderTensor if isinstance(other, Tensor) else Remainder).apply(input, other)
    return _result if out is None else write_out('remainder', _result, out)


@op('ember', 'Tensor', inplace=True)
def fmod(input, other, *, out=None):
    """Computes C's ``fmod`` element-wise: ``input - trunc(input / other) * other``; the result has the sign of the
    dividend ``input``. See :func:`ember.remainder` for Python's modulus.

    Args:
        input (Tensor): the dividend.
        other (Tensor or Scalar): the divisor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.fmod(ember.tensor([-3., -2, -1, 1, 2, 3]), 2)
        tensor([-1., -0., -1.,  1.,  0.,  1.])
        >>> ember.fmod(ember.tensor([1, 2, 3, 4, 5]), -1.5)
        tensor([1.0000, 0.5000, 0.0000, 1.0000, 0.5000])
    """
    _result = (FmodTensor if isinstance(other, Tensor) else Fmod).apply(input, other)
    return _result if out is None else write_out('fmod', _result, out)


class _MinMax(Primitive):
    _promote = True

    @staticmethod
    @elementwise
    def forward(ctx, a, b, take_max):
        xp = ctx.xp
        out = xp.maximum(a, b) if take_max else xp.minimum(a, b)
        ctx.save_for_backward(a, b)
        ctx.take_max = take_max
        return out

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        # ties share the gradient equally; a NaN (no order either way) passes it to both, as in PyTorch
        # NOTE: chosen with where, not by multiplying with 0/1 masks (0 * inf would be NaN)
        from ember.ops.index import where
        lose_a, lose_b = ((a < b), (a > b)) if ctx.take_max else ((a > b), (a < b))
        share = where(a == b, g * 0.5, g)
        return where(lose_a, 0.0, share), where(lose_b, 0.0, share), None


class Maximum(_MinMax):
    node_name = 'MaximumBackward0'


class Minimum(_MinMax):
    node_name = 'MinimumBackward0'


@op('ember', 'Tensor', inplace=True)
def maximum(input, other, *, out=None):
    """Computes the element-wise maximum of ``input`` and ``other``. A ``nan`` in either gives ``nan`` (see
    :func:`ember.fmax` to ignore ``nan``).

    Args:
        input (Tensor): the input tensor.
        other (Tensor): the second input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.maximum(ember.tensor((1, 2, -1)), ember.tensor((3, 0, 4)))
        tensor([3, 2, 4])
    """
    _result = Maximum.apply(input, other, True)
    return _result if out is None else write_out('maximum', _result, out)


@op('ember', 'Tensor', inplace=True)
def minimum(input, other, *, out=None):
    """Computes the element-wise minimum of ``input`` and ``other``. A ``nan`` in either gives ``nan`` (see
    :func:`ember.fmin` to ignore ``nan``).

    Args:
        input (Tensor): the input tensor.
        other (Tensor): the second input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.minimum(ember.tensor((1, 2, -1)), ember.tensor((3, 0, 4)))
        tensor([ 1,  0, -1])
    """
    _result = Minimum.apply(input, other, False)
    return _result if out is None else write_out('minimum', _result, out)


class _FMinMax(Primitive):
    """fmax/fmin: like maximum/minimum but a NaN loses to a number (NumPy's fmax/fmin)."""
    _promote = True

    @staticmethod
    @elementwise
    def forward(ctx, a, b, take_max):
        ctx.save_for_backward(a, b)
        ctx.take_max = take_max
        return _ties.fmax_or_fmin(ctx.xp, a, b, take_max)   # (input on a tie, as PyTorch)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        # NOTE: unlike maximum, a tie sends the whole gradient to `input` (PyTorch's formula)
        wins = ((a >= b) if ctx.take_max else (a <= b)) | b.isnan()
        from ember.ops.index import where
        return where(wins, g, 0.0), where(wins, 0.0, g), None


class Fmax(_FMinMax):
    node_name = 'FmaxBackward0'


class Fmin(_FMinMax):
    node_name = 'FminBackward0'


@op('ember', 'Tensor')
def fmax(input, other, *, out=None):
    """Computes the element-wise maximum of ``input`` and ``other``, ignoring ``nan``: where one of the two is
    ``nan`` the other is taken (``nan`` only when both are).

    Args:
        input (Tensor): the input tensor.
        other (Tensor): the second input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> a = ember.tensor([9.7, float('nan'), 3.1, float('nan')])
        >>> b = ember.tensor([-2.2, 0.5, float('nan'), float('nan')])
        >>> ember.fmax(a, b)
        tensor([9.7000, 0.5000, 3.1000,    nan])
    """
    if input.__class__ is Tensor and input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
        _float8.refuse_node(Fmax, input._data.dtype)
    _result = Fmax.apply(input, other, True)
    return _result if out is None else write_out('fmax', _result, out)


@op('ember', 'Tensor')
def fmin(input, other, *, out=None):
    """Computes the element-wise minimum of ``input`` and ``other``, ignoring ``nan``: where one of the two is
    ``nan`` the other is taken (``nan`` only when both are).

    Args:
        input (Tensor): the input tensor.
        other (Tensor): the second input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> a = ember.tensor([2.2, float('nan'), 2.1, float('nan')])
        >>> b = ember.tensor([-9.3, 0.1, float('nan'), float('nan')])
        >>> ember.fmin(a, b)
        tensor([-9.3000,  0.1000,  2.1000,     nan])
    """
    if input.__class__ is Tensor and input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
        _float8.refuse_node(Fmin, input._data.dtype)
    _result = Fmin.apply(input, other, False)
    return _result if out is None else write_out('fmin', _result, out)


class Atan2(Primitive):
    node_name = 'Atan2Backward0'
    _promote = 'float'

    @staticmethod
    @elementwise
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.arctan2(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        denom = a * a + b * b
        return g * b / denom, g * -a / denom


@op('ember', 'Tensor', aliases=('arctan2',), inplace=True)
def atan2(input, other, *, out=None):
    """Element-wise arctangent of ``input / other`` that respects the quadrant of the point ``(other, input)``: the
    signed angle in radians between the x-axis and that point, in ``[-pi, pi]``.

    Also available as :func:`ember.arctan2`.

    Args:
        input (Tensor): the y coordinates.
        other (Tensor): the x coordinates.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.atan2(ember.tensor([1., 1., -1., 0.]), ember.tensor([1., -1., -1., -2.]))
        tensor([ 0.7854,  2.3562, -2.3562,  3.1416])
    """
    _result = Atan2.apply(input, other)
    return _result if out is None else write_out('atan2', _result, out)


@op('ember', 'Tensor', inplace=True)
def hypot(input, other, *, out=None):
    """Given the legs of a right triangle, returns its hypotenuse: ``sqrt(input**2 + other**2)`` element-wise,
    without overflow for large values.

    Args:
        input (Tensor): the input tensor.
        other (Tensor): the second input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.hypot(ember.tensor([4.0]), ember.tensor([3.0, 4.0, 5.0]))
        tensor([5.0000, 5.6569, 6.4031])
    """
    if _same_float(input, other):
        _result = Hypot.apply(input, other)
    else:
        _result = (input * input + other * other).sqrt()
    return _result if out is None else write_out('hypot', _result, out)


@op('ember', 'Tensor', inplace=True)
def lerp(input, end, weight, *, out=None):
    """Linear interpolation of two tensors: ``input + weight * (end - input)``.

    Args:
        input (Tensor): the tensor with the starting points.
        end (Tensor): the tensor with the ending points.
        weight (float or Tensor): the weight for the interpolation formula.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> start = ember.arange(1., 5.)
        >>> end = ember.full([4], 10.)
        >>> ember.lerp(start, end, 0.5)
        tensor([5.5000, 6.0000, 6.5000, 7.0000])
        >>> ember.lerp(start, end, ember.full_like(start, 0.5))
        tensor([5.5000, 6.0000, 6.5000, 7.0000])
    """
    for name, other in (('end', end), ('weight', weight)):
        if isinstance(other, Tensor) and other.dtype is not input.dtype:
            raise RuntimeError(f"expected dtype {_c_name(input.dtype)} for `{name}` but got dtype "
                               f"{_c_name(other.dtype)}")
    if weight.__class__ in _argparse.NOT_OPERANDS:
        _argparse.refuse_from_stack()   # (NumPy would read lerp(x, y, [0.5]) as an array)
    if _same_float(input, end) and (not isinstance(weight, Tensor) or weight.dtype is input.dtype):
        _result = (LerpTensor if isinstance(weight, Tensor) else Lerp).apply(input, end, weight)
    else:
        _result = input + weight * (end - input)
    return _result if out is None else write_out('lerp', _result, out)


def _same_float(*tensors):
    """Whether every operand is a tensor of one floating or complex dtype: the fused nodes below then
    compute exactly what the composite would (other mixes keep the composite's promotion rules)."""
    dt = tensors[0].dtype if isinstance(tensors[0], Tensor) else None
    return dt is not None and dt.category >= 2 and all(isinstance(t, Tensor) and t.dtype is dt for t in tensors)


def _conj(t):
    return t.conj() if t.is_complex() else t


class Lerp(Primitive):
    """``input + weight * (end - input)`` as one node (LerpBackward0 for a number weight)."""
    node_name = 'LerpBackward0'
    saved_attrs = {'weight': _sa.number(2)}  # grad_fn._saved_*, read lazily
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    @elementwise
    def forward(ctx, x, end, weight):
        ctx.save_for_backward(x, end, weight)
        return lerp_values(x, end, weight)

    @staticmethod
    def backward(ctx, g):
        x, end, weight = ctx.saved_tensors
        gw = None
        if isinstance(weight, Tensor) and ctx.needs_input_grad[2]:
            gw = g * _conj(end - x)
        w = _conj(weight) if isinstance(weight, Tensor) else weight
        return g * (1 - w), g * w, gw


class LerpTensor(Lerp):
    _profile_name = 'aten::lerp'
    node_name = 'LerpBackward1'
    saved_attrs = {'end': _sa.saved(1), 'self': _sa.saved(0), 'weight': _sa.saved(2)}  # grad_fn._saved_*, read lazily


class Addcmul(Primitive):
    node_name = 'AddcmulBackward0'
    saved_attrs = {'tensor1': _sa.saved(0), 'tensor2': _sa.saved(1), 'value': _sa.field('value')}  # grad_fn._saved_*, read lazily
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    @elementwise
    def forward(ctx, x, t1, t2, value):
        ctx.save_for_backward(t1, t2)
        ctx.value = value
        return addcmul_values(x, t1, t2, value)

    @staticmethod
    def backward(ctx, g):
        t1, t2 = ctx.saved_tensors
        v = ctx.value
        g1 = g * _conj(t2) if ctx.needs_input_grad[1] else None
        g2 = g * _conj(t1) if ctx.needs_input_grad[2] else None
        if v != 1:
            g1 = None if g1 is None else g1 * v
            g2 = None if g2 is None else g2 * v
        return g, g1, g2, None


class Addcdiv(Primitive):
    node_name = 'AddcdivBackward0'
    saved_attrs = {'tensor1': _sa.saved(0), 'tensor2': _sa.saved(1), 'value': _sa.field('value')}  # grad_fn._saved_*, read lazily
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    @elementwise
    def forward(ctx, x, t1, t2, value):
        ctx.save_for_backward(t1, t2)
        ctx.value = value
        return addcdiv_values(x, t1, t2, value)

    @staticmethod
    def backward(ctx, g):
        t1, t2 = ctx.saved_tensors
        v = ctx.value
        g1 = g / _conj(t2) if ctx.needs_input_grad[1] else None
        g2 = -g * _conj(t1 / (t2 * t2)) if ctx.needs_input_grad[2] else None
        if v != 1:
            g1 = None if g1 is None else g1 * v
            g2 = None if g2 is None else g2 * v
        return g, g1, g2, None


class Hypot(Primitive):
    node_name = 'HypotBackward0'
    _opmath = ALWAYS  # several steps: half inputs run in float32, rounded once

    @staticmethod
    @elementwise
    def forward(ctx, a, b):
        y = ctx.xp.sqrt(a * a + b * b)
        ctx.save_for_backward(a, b, y)
        return y

    @staticmethod
    def backward(ctx, g):
        a, b, y = ctx.saved_tensors
        return g * a / y, g * b / y


class Xlogy(Primitive):
    """``input * log(other)``, 0 where ``input`` is 0 (unless ``other`` is NaN); ``log_other`` is
    ``other`` itself for a tensor, its logarithm for a number."""
    node_name = 'XlogyBackward0'
    _nondiff_args = (1,)   # log(other), a value of other's: other's edge is its own (slot 2)

    @staticmethod
    def forward(ctx, x, log_other, other):
        from ember.ops.unary import _log
        xp = ctx.xp
        ctx.save_for_backward(x, other)
        if hasattr(log_other, 'dtype'):
            log_other = _log(xp, log_other)
        if hasattr(x, 'dtype'):
            if x.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
                _float8.check('xlogy', x.dtype)
            r = xp.where(x == 0, x.dtype.type(0), x * log_other)
        else:
            r = xp.zeros_like(log_other) if x == 0 else x * log_other
        if hasattr(other, 'dtype'):
            r = xp.where(xp.isnan(other), other, r)
        elif other != other:        # a NaN number: NaN everywhere, as PyTorch
            r = xp.full_like(r, other)
        return r

    @staticmethod
    def backward(ctx, g):
        from ember.ops.index import where
        x, other = ctx.saved_tensors
        gx = go = None
        if isinstance(x, Tensor) and ctx.needs_input_grad[0]:
            # PyTorch's formula: xlogy(g, other) (0 where g is), and 0 where x is 0 and other <= 0
            gx = xlogy(g, other)
            if isinstance(other, Tensor):
                gx = where((x == 0) & (other <= 0), 0.0, gx)
            elif not other > 0:
                gx = where(x == 0, 0.0, gx)
        if isinstance(other, Tensor) and ctx.needs_input_grad[2]:
            go = g * x / other
        return gx, None, go


def _scalar_log(v):
    """log of a Python number as NumPy's: -inf at 0, nan below (the math module raises)."""
    with _np.errstate(divide='ignore', invalid='ignore'):
        return float(_np.log(_np.float64(v)))


class XlogyScalarOther(Xlogy):
    node_name = 'XlogyBackward2'


class XlogySelfScalar(Xlogy):
    node_name = 'XlogyBackward1'


def _c_name(d):
    """The C type name PyTorch's dtype checks print (float, double, long int...)."""
    return {'float32': 'float', 'float64': 'double', 'float16': 'c10::Half', 'int64': 'long int', 'int32': 'int',
            'int16': 'short int', 'int8': 'signed char', 'uint8': 'unsigned char', 'bool': 'bool',
            'complex64': 'c10::complex<float>', 'complex128': 'c10::complex<double>'}[d.name]


def _value_first(name, value, tensor1, rest, given_value):
    """PyTorch's deprecated ``addcmul(Number value, Tensor tensor1, Tensor tensor2)`` order, still taken (and
    warned about): the tensors and the value in the current order."""
    from ember.ops.inplace import value_first
    args, kwargs = value_first(name, (value, tensor1) + rest, {} if given_value == 1 else {'value': given_value})
    if len(args) != 2:
        raise TypeError(f"{name}() takes 3 positional arguments but {3 + len(rest)} were given")
    return args[0], args[1], kwargs.get('value', 1)


@op('ember', 'Tensor', inplace=True)
def addcmul(input, tensor1, tensor2, *deprecated, value=1, out=None):
    """Computes ``input + value * tensor1 * tensor2`` element-wise (the three tensors broadcast together).

    Args:
        input (Tensor): the tensor to be added.
        tensor1 (Tensor): the tensor to be multiplied.
        tensor2 (Tensor): the tensor to be multiplied.

    Keyword args:
        value (Number, optional): multiplier for ``tensor1 * tensor2``. Default: ``1``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> t = ember.tensor([1., 2., 3.])
        >>> ember.addcmul(t, ember.tensor([1., 1., 1.]), ember.tensor([2., 3., 4.]), value=0.5)
        tensor([2.0000, 3.5000, 5.0000])
    """
    if deprecated:
        tensor1, tensor2, value = _value_first('addcmul', tensor1, tensor2, deprecated, value)
    value = scalar_number(value)
    if _same_float(input, tensor1, tensor2):
        _result = Addcmul.apply(input, tensor1, tensor2, value)
    else:
        _result = input + value * tensor1 * tensor2 if value != 1 else input + tensor1 * tensor2
    return _result if out is None else write_out('addcmul', _result, out)


@op('ember', 'Tensor', inplace=True)
def addcdiv(input, tensor1, tensor2, *deprecated, value=1, out=None):
    """Computes ``input + value * tensor1 / tensor2`` element-wise (the three tensors broadcast together). Integer
    division is refused, as in PyTorch.

    Args:
        input (Tensor): the tensor to be added.
        tensor1 (Tensor): the numerator tensor.
        tensor2 (Tensor): the denominator tensor.

    Keyword args:
        value (Number, optional): multiplier for ``tensor1 / tensor2``. Default: ``1``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> t = ember.tensor([1., 2., 3.])
        >>> ember.addcdiv(t, ember.tensor([1., 1., 1.]), ember.tensor([2., 4., 8.]), value=2)
        tensor([2.0000, 2.5000, 3.2500])
    """
    if deprecated:
        tensor1, tensor2, value = _value_first('addcdiv', tensor1, tensor2, deprecated, value)
    value = scalar_number(value)
    if _same_float(input, tensor1, tensor2):
        _result = Addcdiv.apply(input, tensor1, tensor2, value)
    else:
        _result = input + value * (tensor1 / tensor2) if value != 1 else input + tensor1 / tensor2
    return _result if out is None else write_out('addcdiv', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def square(input, *, out=None):
    """Returns the square of each element: ``input * input``.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.square(ember.tensor([-2.0, 0.5, 3.0]))
        tensor([4.0000, 0.2500, 9.0000])
    """
    _result = PowScalar.apply(input, 2)
    return _result if out is None else write_out('square', _result, out)


@op('ember', 'Tensor', inplace=('Tensor', 'ember'), guard=True)
def xlogy(input, other, *, out=None):
    """input * log(other), defined as 0 where input == 0 (unless other is NaN), as in PyTorch.

    Example::

        >>> ember.xlogy(ember.tensor([0.0, 1.0, 2.0]), ember.tensor([0.0, 2.0, 3.0]))
        tensor([0.0000, 0.6931, 2.1972])
    """
    import math
    tensors = [t for t in (input, other) if isinstance(t, Tensor)]
    if _same_float(*tensors) and all(isinstance(t, (Tensor, int, float)) and not isinstance(t, bool)
                                     for t in (input, other)):
        node = Xlogy if len(tensors) == 2 else XlogyScalarOther if isinstance(input, Tensor) else XlogySelfScalar
        result = node.apply(input, other if isinstance(other, Tensor) else _scalar_log(other), other)
        return result if out is None else write_out('xlogy', result, out)
    from ember.ops.index import where
    log_other = other.log() if isinstance(other, Tensor) else _scalar_log(other)
    result = where(input == 0, 0.0, input * log_other)
    if isinstance(other, Tensor) and other.dtype.is_floating_point:
        result = where(other.isnan(), math.nan, result)
    elif isinstance(other, float) and math.isnan(other):
        result = where(input == input, math.nan, result)
    return result if out is None else write_out('xlogy', result, out)

