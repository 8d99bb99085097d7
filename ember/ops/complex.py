"""Complex-number ops: real/imag as views, view_as_real/view_as_complex, conj, angle, polar.

Gradients follow PyTorch's convention for complex inputs: a tensor's ``.grad`` is the conjugate
Wirtinger derivative of a real loss (dL/dx + i dL/dy), so a holomorphic step passes
``grad * conj(f'(z))`` back. ``real``/``imag`` are built exactly as PyTorch builds them, a select of
``view_as_real``, so they are writable views sharing memory and their graph nodes read the same.

ember has no lazy conjugate bit: ``conj()`` of a complex tensor makes the conjugated values at once
(``is_conj()`` is always False), so writing into it does not write into the original.
"""
import math

import numpy as np

from ember import _dtype
from ember._tensor import Tensor
from ember.autograd import _saved_attrs as _sa
from ember.autograd.function import Primitive, mark_replayed_view
from ember.ops._registry import op
from ember.ops.inplace import write_out
from ember.ops.shape import select


def _scalar_type_name(t):
    from ember._tensor import _scalar_type_name as dtype_name
    return dtype_name(t.dtype)


class ViewAsReal(Primitive):
    node_name = 'ViewAsRealBackward0'
    _view = True

    @staticmethod
    def forward(ctx, z):
        # a new last axis of size 1 lets NumPy reinterpret each complex as its two floats, in place
        return z[..., None].view(z.real.dtype)

    @staticmethod
    def backward(ctx, g):
        return view_as_complex(g.contiguous() if g.stride(-1) != 1 else g)


class ViewAsComplex(Primitive):
    node_name = 'ViewAsComplexBackward0'
    _view = True

    @staticmethod
    def forward(ctx, x):
        return x.view(np.complex64 if x.dtype == np.float32 else np.complex128)[..., 0]

    @staticmethod
    def backward(ctx, g):
        return view_as_real(g)


@op('ember')
def view_as_real(input):
    """A float view (..., 2) of a complex tensor: the real and imaginary parts, sharing its memory.

    Example::

        >>> ember.view_as_real(ember.tensor([1+2j, 3-4j]))
        tensor([[ 1.,  2.],
                [ 3., -4.]])
    """
    if not input.dtype.is_complex:
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return mark_replayed_view(ViewAsReal.apply(input), input, ViewAsReal.apply)


@op('ember')
def view_as_complex(input):
    """A complex view of a float tensor whose last dimension (of size 2, stride 1) holds (real, imag).

    Example::

        >>> ember.view_as_complex(ember.tensor([[1.0, 2.0], [3.0, -4.0]]))
        tensor([1.+2.j, 3.-4.j])
    """
    if input.dtype.name == 'float16':
        _dtype.complex32.refuse()       # PyTorch's result would be complex32
    if input.dtype.name not in ('float32', 'float64'):
        raise RuntimeError("view_as_complex is only supported for half, float and double tensors, but got a "
                           f"tensor of scalar type: {_scalar_type_name(input)}")
    if input.ndim == 0 or input.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    if input.stride(-1) != 1:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if any(s % 2 for s in input.stride()[:-1]):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    if input.storage_offset() % 2:
        raise RuntimeError("Tensor must have a storage_offset divisible by 2")
    return mark_replayed_view(ViewAsComplex.apply(input), input, ViewAsComplex.apply)


@op('ember')
def real(input):
    """The real part: a view for a complex tensor (writes go through), the tensor itself otherwise.

    Example::

        >>> z = ember.tensor([1 + 2j, 3 - 1j])
        >>> ember.real(z)
        tensor([1., 3.])
    """
    if not input.dtype.is_complex:
        return input
    return select(view_as_real(input), -1, 0)


@op('ember')
def imag(input):
    """The imaginary part of a complex tensor, as a view sharing its memory.

    Example::

        >>> z = ember.tensor([1 + 2j, 3 - 1j])
        >>> ember.imag(z)
        tensor([ 2., -1.])
    """
    if not input.dtype.is_complex:
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return select(view_as_real(input), -1, 1)


class ConjPhysical(Primitive):
    node_name = 'ConjPhysicalBackward0'

    @staticmethod
    def forward(ctx, z):
        return ctx.xp.conj(z)

    @staticmethod
    def backward(ctx, g):
        return conj_physical(g)


class Conj(ConjPhysical):
    node_name = 'ConjBackward0'

    @staticmethod
    def backward(ctx, g):
        return conj(g)


@op('ember', 'Tensor')
def conj(input):
    """The complex conjugate (the tensor itself when it is not complex).

    Example::

        >>> ember.conj(ember.tensor([1 + 2j, -1j]))
        tensor([1.-2.j, -0.+1.j])
    """
    return Conj.apply(input) if input.dtype.is_complex else input


@op('ember', 'Tensor', inplace=('Tensor', 'ember'))
def conj_physical(input, *, out=None):
    """The complex conjugate, always as new values (the tensor itself when it is not complex).

    Example::

        >>> ember.conj_physical(ember.tensor([1+2j, 3-4j]))
        tensor([1.-2.j, 3.+4.j])
    """
    result = ConjPhysical.apply(input) if input.dtype.is_complex else input
    return result if out is None else write_out('conj_physical', result, out)


@op('ember', 'Tensor')
def resolve_conj(input):
    """``input`` with any lazy conjugation applied; ember conjugates eagerly, so ``input`` itself.

    Example::

        >>> x = ember.tensor([1+2j])
        >>> ember.resolve_conj(x).is_conj()
        False
    """
    return input


@op('ember', 'Tensor')
def resolve_neg(input):
    """``input`` with any lazy negation applied; ember negates eagerly, so ``input`` itself.

    Example::

        >>> x = ember.tensor([1.0, -2.0])
        >>> ember.resolve_neg(x).is_neg()
        False
    """
    return input


def _no_lazy_bit(name, input):
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return False


@op('ember', 'Tensor')
def is_conj(input):
    """Whether ``input`` carries a lazy conjugate bit: never in ember (conj() conjugates at once).

    Example::

        >>> ember.is_conj(ember.tensor([1+2j]))
        False
    """
    return _no_lazy_bit('is_conj', input)


@op('ember', 'Tensor')
def is_neg(input):
    """Whether ``input`` carries a lazy negative bit: never in ember.

    Example::

        >>> ember.tensor([-1.0]).is_neg()
        False
    """
    return _no_lazy_bit('is_neg', input)


class Angle(Primitive):
    node_name = 'AngleBackward0'
    _promote = 'float'

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        if x.dtype.kind == 'c':
            return ctx.xp.angle(x)
        # real input: pi for negatives, 0 otherwise, NaN kept (NumPy's angle would give 0 for NaN)
        return ctx.xp.where(x < 0, x.dtype.type(math.pi), ctx.xp.where(x != x, x, x.dtype.type(0)))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        if not x.dtype.is_complex:
            return g * 0
        # d angle: the conjugate Wirtinger form i z / |z|^2, zero at the origin (as PyTorch)
        denom = x.abs().square()
        safe = denom + (denom == 0).to(denom.dtype)
        return (g * x * 1j * safe.reciprocal()).masked_fill(denom == 0, 0)


@op('ember', 'Tensor', inplace=True)
def angle(input, *, out=None):
    """The argument of each element (radians); for real input pi where negative, else 0.

    Example::

        >>> ember.angle(ember.tensor([-1., 1., 0.]))
        tensor([3.1416, 0.0000, 0.0000])
        >>> ember.angle(ember.tensor([1j, -1 - 1j]))
        tensor([ 1.5708, -2.3562])
    """
    result = Angle.apply(input)
    return result if out is None else write_out('angle', result, out)


class Polar(Primitive):
    node_name = 'PolarBackward0'
    saved_attrs = {'result': _sa.saved(0)}

    @staticmethod
    def forward(ctx, r, t):
        z = r * ctx.xp.exp(1j * t)
        z = z.astype(np.complex64 if r.dtype == np.float32 else np.complex128, copy=False)
        ctx.save_for_backward(z)
        return z

    @staticmethod
    def backward(ctx, g):
        # PyTorch's formulas, from the result z = r e^{it} alone: dL/dr = Re(conj(g) sgn(z)) (so a negative
        # r's is the other sign's, a zero r's 0), dL/dt = Re(conj(g) i z)
        from ember.ops.unary import sgn
        z, = ctx.saved_tensors
        gc = g.conj()
        return real(gc * sgn(z)), real(gc * (z * 1j))


@op('ember')
def polar(abs, angle, *, out=None):  # noqa: A002  (PyTorch's parameter names)
    """The complex tensor with magnitudes ``abs`` and arguments ``angle``.

    Example::

        >>> ember.polar(ember.tensor([1., 2.]), ember.tensor([0., math.pi / 2]))
        tensor([ 1.0000e+00+0.j, -8.7423e-08+2.j])
    """
    floating = ('float16', 'float32', 'float64')
    if abs.dtype.name not in floating or angle.dtype.name not in floating:
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                           f"{_scalar_type_name(abs)} and {_scalar_type_name(angle)}")
    if abs.dtype != angle.dtype:
        raise RuntimeError(f"Expected object of scalar type {_scalar_type_name(abs)} but got scalar type "
                           f"{_scalar_type_name(angle)} for second argument")
    if abs.dtype.name == 'float16':
        raise NotImplementedError('"polar_cpu" not implemented for \'Half\'')
    result = Polar.apply(abs, angle)
    return result if out is None else write_out('polar', result, out)
