"""Special functions (PyTorch's ``torch.special``) and their ``torch.*``/``Tensor`` names.

The gamma family (lgamma, digamma, polygamma, zeta, multigammaln), entr, ndtr, xlog1py, sinc-like
and the orthogonal polynomials are computed in NumPy (``_special_math``). The Bessel and Airy
functions, erfcx, log_ndtr, ndtri and the incomplete gamma functions come from SciPy, an optional
dependency (``pip install ember[scipy]``): without it they raise an ImportError that says so, never
a wrong value. Gradients are PyTorch's, written with ember ops; the functions PyTorch does not
differentiate (Bessel, Airy, polynomials) return tensors without a graph, as there.
"""
import math

import numpy as np

from ember.autograd import _saved_attrs as _sa
from ember._tensor import Tensor
from ember.autograd.function import Primitive
from ember.backend import to_numpy
from ember._dtype import FLOAT8_NUMS
from ember.ops import _argparse, _float8, _special_math as sm
from ember.ops._registry import op
_NOT_OPERANDS = tuple(_argparse.NOT_OPERANDS)
from ember.ops.inplace import write_out
from ember.ops.unary import _unary


def _scipy(name, fn):
    """scipy.special.<fn>, or an ImportError naming SciPy and the function that needs it."""
    try:
        import scipy.special
    except ImportError:
        raise ImportError(f"ember.special.{name} needs SciPy, an optional dependency: pip install scipy "
                          "(or ember[scipy])") from None
    return getattr(scipy.special, fn)


def _on_host(xp, fn, *arrays):
    """Run a NumPy/SciPy kernel on host copies of ``arrays`` (a SciPy ufunc that CuPy also has runs on
    the device instead); the result has the first array's dtype."""
    dtype = arrays[0].dtype
    if xp is not np and isinstance(fn, np.ufunc):
        from ember import backend
        on_device = backend.device_special_or_none(fn.__name__)
        if on_device is not None:
            return on_device(*arrays).astype(dtype, copy=False)
    out = np.asarray(fn(*[to_numpy(a) if xp is not np else a for a in arrays]))
    out = out.astype(dtype, copy=False)
    return out if xp is np else xp.asarray(out)


def _kernel(fn, name=None, scipy_fn=None):
    """forward(xp, x) for _unary from a float64 kernel (``fn``) or a SciPy function."""
    if scipy_fn is not None:
        return lambda xp, x: _on_host(xp, _scipy(name, scipy_fn), x)
    return lambda xp, x: _on_host(xp, fn, x)


def _safe_x(x):
    from ember.ops.index import where
    return where(x == 0, 1.0, x)


# ------------------------------------------------------------- gamma family
Lgamma = _unary('LgammaBackward0', _kernel(sm.lgamma), lambda g, x, y: g * digamma(x))
Digamma = _unary('DigammaBackward0', _kernel(sm.digamma), lambda g, x, y: g * polygamma(1, x))


class Polygamma(Primitive):
    node_name = 'PolygammaBackward0'
    saved_attrs = {'n': _sa.field('n'), 'self': _sa.saved(0)}  # grad_fn._saved_*, read lazily
    _promote = 'float'

    @staticmethod
    def forward(ctx, x, n):
        ctx.n = n
        ctx.save_for_backward(x)
        return _on_host(ctx.xp, lambda a: sm.polygamma(n, a), x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * polygamma(ctx.n + 1, x), None


@op('ember', 'Tensor', 'special.gammaln', inplace=True)
def lgamma(input, *, out=None):
    r"""Computes the natural logarithm of the absolute value of the gamma function.

    Also available as ``ember.special.gammaln``.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> ember.lgamma(ember.tensor([0.5, 3., 10.]))
        tensor([ 0.5724,  0.6931, 12.8018])
    """
    return write_out('special_lgamma', Lgamma.apply(input), out)


@op('ember', 'Tensor', 'special', 'special.psi', inplace=True)
def digamma(input, *, out=None):
    r"""Computes the digamma function, the logarithmic derivative of the gamma function.

    Also available as ``ember.special.psi`` and ``ember.special.digamma``. At zero the result is
    ``-inf``, matching the limit from the right.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> ember.digamma(ember.tensor([1., 0.5, 2.]))
        tensor([-0.5772, -1.9635,  0.4228])
    """
    return write_out('special_digamma', Digamma.apply(input), out)


@op('ember', 'special', guard=True)
def polygamma(n, input, *, out=None):
    r"""Computes the ``n``-th derivative of the digamma function.

    ``n = 0`` gives :func:`ember.digamma`. Also available as ``ember.special.polygamma``.

    Args:
        n (int): the order of the derivative, non-negative.
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> ember.polygamma(1, ember.tensor([1., 2.]))
        tensor([1.6449, 0.6449])
    """
    if n.__class__ is not int:
        _argparse.refuse_from_stack()   # (int() would take 1.5; PyTorch takes an int)
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    if isinstance(input, Tensor) and input._data.dtype.num in FLOAT8_NUMS:  # PyTorch refuses float8 here
        _float8.check_kernel(('digamma', 'trigamma')[n] if n < 2 else 'polygamma', input._data.dtype)
    return write_out('special_polygamma', Polygamma.apply(input, int(n)), out)


@op('Tensor', name='polygamma', inplace=True)
def polygamma_method(input, n):
    """``x.polygamma(n)`` is ``ember.polygamma(n, x)``, the ``n``-th derivative of the digamma function at the
    elements of ``x`` (the method form takes the tensor first).

    Args:
        n (int): the order of the derivative, at least 0.

    Example::

        >>> ember.tensor([1., 2.]).polygamma(1)
        tensor([1.6449, 0.6449])
    """
    return polygamma(n, input)


@op('ember', 'Tensor', 'special.multigammaln', inplace=True, guard=True)
def mvlgamma(input, p, *, out=None):
    r"""Computes the multivariate log-gamma function of dimension ``p``.

    It is ``p * (p - 1) / 4 * log(pi)`` plus the sum of ``lgamma(x - i / 2)`` for ``i`` from ``0`` to
    ``p - 1``; every element must be greater than ``(p - 1) / 2``. Also available as
    ``ember.special.multigammaln``.

    Args:
        input (Tensor): the input tensor.
        p (int): the dimension, at least one.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> ember.mvlgamma(ember.tensor([1.5, 3.]), p=2)
        tensor([0.4516, 1.5502])
    """
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    if not bool((input > 0.5 * (p - 1)).all()):
        raise RuntimeError("All elements must be greater than (p-1)/2")
    from ember.ops import _one_node
    return write_out('special_mvlgamma', _one_node.one_node(Mvlgamma, lambda x: _mvlgamma_value(x, p), (input,), p),
                     out)


def _mvlgamma_value(input, p):
    x = input if input.dtype.is_floating_point else input.to(_default_float())
    total = sum(lgamma(x - 0.5 * j) for j in range(p))
    return total + p * (p - 1) / 4 * math.log(math.pi)


class Mvlgamma(Primitive):
    """``mvlgamma``'s one node, as PyTorch's: the gradient is ``grad`` times the sum of
    ``digamma(x - i / 2)`` for ``i`` from ``0`` to ``p - 1``."""
    node_name = 'MvlgammaBackward0'
    saved_names = ('self',)
    saved_attrs = {'p': _sa.field('p'), 'self': _sa.saved(0)}

    @staticmethod
    def forward(ctx, x, p, value):
        ctx.p = p
        ctx.save_for_backward(x)
        return value

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * sum(digamma(x - 0.5 * j) for j in range(ctx.p)), None, None


class Zeta(Primitive):
    _profile_name = 'aten::special_zeta'
    node_name = 'SpecialZetaBackward0'
    _promote = 'float'

    @staticmethod
    def forward(ctx, x, q):
        xp = ctx.xp
        ctx.save_for_backward(x, q)
        x, q = xp.broadcast_arrays(xp.asarray(x), xp.asarray(q))
        return _on_host(xp, sm.zeta, x, q)

    @staticmethod
    def backward(ctx, g):
        x, q = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise RuntimeError("the derivative for 'zeta' is not implemented.")
        return None, g * -x * zeta(x + 1.0, q)


@op('special')
def zeta(input, other, *, out=None):
    r"""Computes the Hurwitz zeta function ``sum((k + q) ** -x for k >= 0)``.

    With ``q = 1`` this is the Riemann zeta function. The inputs broadcast; either may be a Python
    number.

    Args:
        input (Tensor or Number): the exponent ``x``, greater than one.
        other (Tensor or Number): the offset ``q``, positive.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> ember.special.zeta(ember.tensor([2., 4.]), 1.)
        tensor([1.6449, 1.0823])
    """
    if isinstance(input, _NOT_OPERANDS) or isinstance(other, _NOT_OPERANDS):
        raise TypeError("zeta(): a sequence is not a number")     # (the guard answers with PyTorch's error)
    return write_out('special_zeta', Zeta.apply(input, other), out)


# -------------------------------------------------------- incomplete gamma
def _incomplete_gamma(name, scipy_fn, sign, node):
    class IncompleteGamma(Primitive):
        node_name = node
        _promote = 'float'

        @staticmethod
        def forward(ctx, a, x):
            xp = ctx.xp
            ctx.save_for_backward(a, x)
            a, x = xp.broadcast_arrays(xp.asarray(a), xp.asarray(x))
            return _on_host(xp, _scipy(name, scipy_fn), a, x)

        @staticmethod
        def backward(ctx, g):
            a, x = ctx.saved_tensors
            if ctx.needs_input_grad[0]:
                raise RuntimeError(f"the derivative for '{node[:-len('Backward0')].lower()}: input' is not "
                                   "implemented.")
            # d/dx P(a, x) = x^(a-1) e^-x / Gamma(a)
            return None, g * (sign * ((a - 1) * x.log() - x - lgamma(a)).exp())
    return IncompleteGamma


Igamma = _incomplete_gamma('gammainc', 'gammainc', 1.0, 'IgammaBackward0')
Igammac = _incomplete_gamma('gammaincc', 'gammaincc', -1.0, 'IgammacBackward0')


@op('ember', 'Tensor', 'special.gammainc', inplace=True)
def igamma(input, other, *, out=None):
    r"""Computes the regularized lower incomplete gamma function.

    For ``a = input`` and ``x = other`` this is ``P(a, x)``, the integral of ``t ** (a - 1) * exp(-t)``
    from ``0`` to ``x`` divided by ``Gamma(a)``. The inputs broadcast. Also available as
    ``ember.special.gammainc``.

    Args:
        input (Tensor): the shape parameter ``a``, positive.
        other (Tensor): the upper limit ``x``, non-negative.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> ember.igamma(ember.tensor([1., 2.]), ember.tensor([1., 1.]))
        tensor([0.6321, 0.2642])
    """
    return write_out('special_igamma', Igamma.apply(input, other), out)


@op('ember', 'Tensor', 'special.gammaincc', inplace=True)
def igammac(input, other, *, out=None):
    r"""Computes the regularized upper incomplete gamma function ``Q(a, x) = 1 - P(a, x)``.

    See :func:`ember.igamma`. The inputs broadcast. Also available as ``ember.special.gammaincc``.

    Args:
        input (Tensor): the shape parameter ``a``, positive.
        other (Tensor): the lower limit ``x``, non-negative.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> ember.igammac(ember.tensor([1., 2.]), ember.tensor([1., 1.]))
        tensor([0.3679, 0.7358])
    """
    return write_out('special_igammac', Igammac.apply(input, other), out)


# --------------------------------------------------------- error functions
_SQRT_2PI = math.sqrt(2 * math.pi)

Erfcx = _unary('SpecialErfcxBackward0', _kernel(None, 'erfcx', 'erfcx'),
               lambda g, x, y: g * (2 * x * y - 2 / math.sqrt(math.pi)), save='xy')
LogNdtr = _unary('SpecialLogNdtrBackward0', _kernel(None, 'log_ndtr', 'log_ndtr'),
                 lambda g, x, y: g * (-0.5 * x * x - y).exp() / _SQRT_2PI, save='xy')
Ndtri = _unary('SpecialNdtriBackward0', _kernel(None, 'ndtri', 'ndtri'),
               lambda g, x, y: g * _SQRT_2PI * (0.5 * y * y).exp(), save='y')


def _entr(x):
    with np.errstate(divide='ignore', invalid='ignore'):
        return np.where(x > 0, -x * np.log(np.where(x > 0, x, 1)), np.where(x == 0, 0.0, -np.inf)) + x * 0


Entr = _unary('SpecialEntrBackward0', lambda xp, x: _on_host(xp, _entr, x), lambda g, x, y: g * -(1 + x.log()))


@op('special')
def erfcx(input, *, out=None):
    r"""Computes the scaled complementary error function ``exp(x ** 2) * erfc(x)``.

    The scaling keeps the result representable for large ``x``, where ``erfc`` underflows.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> ember.special.erfcx(ember.tensor([0., -1., 10.]))
        tensor([1.0000, 5.0090, 0.0561])
    """
    return write_out('special_erfcx', Erfcx.apply(input), out)


@op('special')
def log_ndtr(input, *, out=None):
    r"""Computes the log of the standard normal cumulative distribution function.

    Stays accurate far in the left tail, where the distribution function itself underflows.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> ember.special.log_ndtr(ember.tensor([0., -3., -40.]))
        tensor([-6.9315e-01, -6.6077e+00, -8.0461e+02])
    """
    return write_out('special_log_ndtr', LogNdtr.apply(input), out)


@op('special')
def ndtri(input, *, out=None):
    r"""Computes the inverse of the standard normal cumulative distribution function.

    Also called the quantile function: ``ndtr(ndtri(p)) == p`` for ``p`` in ``(0, 1)``; ``0`` and ``1``
    map to ``-inf`` and ``inf``.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> ember.special.ndtri(ember.tensor([0.5, 0., 1.]))
        tensor([0., -inf, inf])
    """
    return write_out('special_ndtri', Ndtri.apply(input), out)


@op('special')
def ndtr(input, *, out=None):
    r"""Computes the standard normal cumulative distribution function.

    This is the area under the standard normal density to the left of each element.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> ember.special.ndtr(ember.tensor([0., 1., -1.]))
        tensor([0.5000, 0.8413, 0.1587])
    """
    from ember.ops.unary import erf
    from ember.ops._scalar_overloads import add_number, mul_number
    x = input if input.dtype.is_floating_point else input.to(_default_float())
    # PyTorch's formula, (1 + erf(x / sqrt(2))) / 2, with its rounding and its graph (each step by a double)
    return write_out('special_ndtr', mul_number(add_number(erf(mul_number(x, math.sqrt(0.5))), 1.0), 0.5), out)


@op('special')
def entr(input, *, out=None):
    r"""Computes the elementwise entropy term ``-x * log(x)``.

    It is ``0`` at ``x = 0`` and ``-inf`` for negative ``x``.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> ember.special.entr(ember.tensor([-1., 0., 0.5, 2.]))
        tensor([   -inf,  0.0000,  0.3466, -1.3863])
    """
    return write_out('special_entr', Entr.apply(input), out)


class Xlog1py(Primitive):
    """input * log1p(other), 0 where input == 0 (unless other is NaN), as PyTorch."""
    _profile_name = 'aten::special_xlog1py'
    node_name = 'SpecialXlog1PyBackward0'
    _promote = 'float'

    @staticmethod
    def forward(ctx, x, y):
        xp = ctx.xp
        ctx.save_for_backward(x, y)
        with np.errstate(divide='ignore', invalid='ignore'):
            out = xp.where(x == 0, 0.0, x * xp.log1p(y))
        return xp.where(xp.isnan(y), xp.nan, out).astype(xp.result_type(x, y), copy=False)

    @staticmethod
    def backward(ctx, g):
        from ember.ops.index import where
        x, y = ctx.saved_tensors
        gx = gy = None
        if ctx.needs_input_grad[0]:
            # PyTorch's formula: xlog1py(g, y) (0 where g is), and 0 where x is 0 and y <= -1
            gx = xlog1py(g, y)
            if isinstance(y, Tensor):
                gx = where((x == 0) & (y <= -1), 0.0, gx)
            elif not y > -1:
                gx = where(x == 0, 0.0, gx)
        if ctx.needs_input_grad[1]:
            gy = g * x / (y + 1)
        return gx, gy


@op('special')
def xlog1py(input, other, *, out=None):
    r"""Computes ``input * log1p(other)``, with the result ``0`` wherever ``input`` is ``0``.

    The zero case holds even where ``log1p(other)`` is infinite, unless ``other`` is NaN. The
    inputs broadcast; either may be a Python number.

    Args:
        input (Tensor or Number): the multiplier.
        other (Tensor or Number): the argument of ``log1p``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> ember.special.xlog1py(ember.tensor([0., 2.]), ember.tensor([-1., 1.]))
        tensor([0.0000, 1.3863])
    """
    return write_out('special_xlog1py', Xlog1py.apply(input, other), out)


# ------------------------------------------------------------ Bessel family
I0 = _unary('I0Backward0', lambda xp, x: _on_host(xp, np.i0, x), lambda g, x, y: g * special_i1(x))
I0e = _unary('SpecialI0EBackward0', _kernel(None, 'i0e', 'i0e'),
             lambda g, x, y: g * (special_i1e(x) - x.sgn() * y), save='xy')
I1 = _unary('SpecialI1Backward0', _kernel(None, 'i1', 'i1'),
            lambda g, x, y: g * _at_zero(x, special_i0(x) - y / _safe_x(x)), save='xy')
I1e = _unary('SpecialI1EBackward0', _kernel(None, 'i1e', 'i1e'),
             lambda g, x, y: g * _at_zero(x, special_i0e(x) - y * (x.sgn() + 1 / _safe_x(x))), save='xy')


def _at_zero(x, value):
    """I1's and I1e's derivatives are 1/2 at 0 (the formula divides by x there)."""
    from ember.ops.index import where
    return where(x == 0, 0.5, value)


@op('ember', 'Tensor', 'special', inplace=('Tensor', 'ember'))
def i0(input, *, out=None):
    r"""Computes the modified Bessel function of the first kind of order zero.

    Also available as ``ember.special.i0``.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> ember.i0(ember.tensor([0., 1., 2.]))
        tensor([1.0000, 1.2661, 2.2796])
    """
    return write_out('special_i0', I0.apply(input), out)


def special_i0(input):
    return I0.apply(input)


@op('special', name='i0e')
def special_i0e(input, *, out=None):
    r"""Computes the exponentially scaled modified Bessel function ``exp(-|x|) * i0(x)``.

    The scaling keeps large arguments from overflowing.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> ember.special.i0e(ember.tensor([0., 1., 2.]))
        tensor([1.0000, 0.4658, 0.3085])
    """
    return write_out('special_i0e', I0e.apply(input), out)


@op('special', name='i1')
def special_i1(input, *, out=None):
    r"""Computes the modified Bessel function of the first kind of order one.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> ember.special.i1(ember.tensor([0., 1., 2.]))
        tensor([0.0000, 0.5652, 1.5906])
    """
    return write_out('special_i1', I1.apply(input), out)


@op('special', name='i1e')
def special_i1e(input, *, out=None):
    r"""Computes the exponentially scaled modified Bessel function ``exp(-|x|) * i1(x)``.

    The scaling keeps large arguments from overflowing.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> ember.special.i1e(ember.tensor([0., 1., 2.]))
        tensor([0.0000, 0.2079, 0.2153])
    """
    return write_out('special_i1e', I1e.apply(input), out)


def _refuse_float8(name, input):
    """PyTorch's error for these functions' kernels (``<name>_cpu``), which take no float8 dtype."""
    if isinstance(input, Tensor) and input._data.dtype.num in FLOAT8_NUMS:
        _float8.check_kernel(name + '_cpu', input._data.dtype)


def _no_graph(kernel, *args):
    """A function PyTorch does not differentiate: computed on the arrays, returned without a graph."""
    from ember._dtype import get_default_dtype
    tensors = [a for a in args if isinstance(a, Tensor)]
    device = tensors[0].device
    first = tensors[0]
    dtype = first.dtype if first.dtype.is_floating_point else get_default_dtype()
    raws = [a.detach()._data.astype(dtype.np_dtype, copy=False) if isinstance(a, Tensor) else np.asarray(a, dtype.np_dtype)
            for a in args]
    xp = first._xp if hasattr(first, '_xp') else np
    out = _on_host(xp, kernel, *raws)
    return Tensor._make(out, device)


def _scipy_unary(name, scipy_fn, summary, example, pick=None):
    def fn(input, *, out=None):
        _refuse_float8(name, input)
        kernel = _scipy(name, scipy_fn)
        run = (lambda a: kernel(a)[pick]) if pick is not None else kernel
        return write_out('special_' + name, _no_graph(run, input), out)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"""{summary}

    Computed with SciPy (``pip install scipy``); not differentiable, as in PyTorch.

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.{name}(ember.tensor([0.5, 1.0, 2.0]))
        {example}
    """
    return op('special')(fn)


airy_ai = _scipy_unary('airy_ai', 'airy', 'The Airy function ``Ai`` of each element.',
                       'tensor([0.2317, 0.1353, 0.0349])', pick=0)
bessel_j0 = _scipy_unary('bessel_j0', 'j0', 'The Bessel function of the first kind of order 0, ``J0``, of each element.',
                         'tensor([0.9385, 0.7652, 0.2239])')
bessel_j1 = _scipy_unary('bessel_j1', 'j1', 'The Bessel function of the first kind of order 1, ``J1``, of each element.',
                         'tensor([0.2423, 0.4401, 0.5767])')
bessel_y0 = _scipy_unary('bessel_y0', 'y0', 'The Bessel function of the second kind of order 0, ``Y0``, of each element.',
                         'tensor([-0.4445,  0.0883,  0.5104])')
bessel_y1 = _scipy_unary('bessel_y1', 'y1', 'The Bessel function of the second kind of order 1, ``Y1``, of each element.',
                         'tensor([-1.4715, -0.7812, -0.1070])')
modified_bessel_i0 = _scipy_unary('modified_bessel_i0', 'i0', 'The modified Bessel function of the first kind of order '
                                  '0, ``I0``, of each element.', 'tensor([1.0635, 1.2661, 2.2796])')
modified_bessel_i1 = _scipy_unary('modified_bessel_i1', 'i1', 'The modified Bessel function of the first kind of order '
                                  '1, ``I1``, of each element.', 'tensor([0.2579, 0.5652, 1.5906])')
modified_bessel_k0 = _scipy_unary('modified_bessel_k0', 'k0', 'The modified Bessel function of the second kind of '
                                  'order 0, ``K0``, of each element.', 'tensor([0.9244, 0.4210, 0.1139])')
modified_bessel_k1 = _scipy_unary('modified_bessel_k1', 'k1', 'The modified Bessel function of the second kind of '
                                  'order 1, ``K1``, of each element.', 'tensor([1.6564, 0.6019, 0.1399])')
scaled_modified_bessel_k0 = _scipy_unary('scaled_modified_bessel_k0', 'k0e', 'The exponentially scaled modified Bessel '
                                         'function of the second kind of order 0: ``exp(x) * K0(x)``.',
                                         'tensor([1.5241, 1.1445, 0.8416])')
scaled_modified_bessel_k1 = _scipy_unary('scaled_modified_bessel_k1', 'k1e', 'The exponentially scaled modified Bessel '
                                         'function of the second kind of order 1: ``exp(x) * K1(x)``.',
                                         'tensor([2.7310, 1.6362, 1.0335])')


@op('special')
def spherical_bessel_j0(input, *, out=None):
    """The spherical Bessel function of the first kind of order 0, ``sin(x) / x`` (1 at 0), elementwise. Its
    result carries no gradient (as in PyTorch).

    Args:
        input (Tensor): the input tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.spherical_bessel_j0(ember.tensor([0., 1., 2.]))
        tensor([1.0000, 0.8415, 0.4546])
    """
    _refuse_float8('spherical_bessel_j0', input)
    return write_out('special_spherical_bessel_j0', _no_graph(lambda x: np.sinc(x / np.pi), input), out)


def _polynomial(name, summary, example):
    def fn(input, n, *, out=None):
        if not isinstance(input, Tensor):
            from ember.ops.creation import tensor
            input = tensor(input, dtype=n.dtype if n.dtype.is_floating_point else None)
        _refuse_float8(name, input)
        n_raw = n.detach()._data if isinstance(n, Tensor) else n
        return write_out('special_' + name, _no_graph(lambda x: sm.polynomial(name, x, to_numpy(n_raw)), input), out)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"""{summary} of degree ``n``, evaluated at each element of ``input``.

    Not differentiable, as in PyTorch.

    Args:
        input (Tensor): the points to evaluate the polynomial at.
        n (Tensor or int): the degree (broadcast against ``input``).

    Keyword args:
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.{name}(ember.tensor([-0.5, 0.25, 1.0]), 3)
        {example}
    """
    return op('special')(fn)


for _name, _summary, _example in (
        ('chebyshev_polynomial_t', 'The Chebyshev polynomial of the first kind ``T_n``', '1.0000, -0.6875,  1.0000'),
        ('chebyshev_polynomial_u', 'The Chebyshev polynomial of the second kind ``U_n``', '1.0000, -0.8750,  4.0000'),
        ('chebyshev_polynomial_v', 'The Chebyshev polynomial of the third kind ``V_n``', '1.0000, -0.1250,  1.0000'),
        ('chebyshev_polynomial_w', 'The Chebyshev polynomial of the fourth kind ``W_n``', '1.0000, -1.6250,  7.0000'),
        ('hermite_polynomial_h', "The physicists' Hermite polynomial ``H_n``", '5.0000, -2.8750, -4.0000'),
        ('hermite_polynomial_he', "The probabilists' Hermite polynomial ``He_n``", '1.3750, -0.7344, -2.0000'),
        ('laguerre_polynomial_l', 'The Laguerre polynomial ``L_n``', '2.8958,  0.3411, -0.6667'),
        ('legendre_polynomial_p', 'The Legendre polynomial ``P_n``', '0.4375, -0.3359,  1.0000'),
        ('shifted_chebyshev_polynomial_t', 'The shifted Chebyshev polynomial of the first kind ``T*_n`` (on [0, 1])',
         '-26.,   1.,   1.'),
        ('shifted_chebyshev_polynomial_u', 'The shifted Chebyshev polynomial of the second kind ``U*_n`` (on [0, 1])',
         '-56.,   1.,   4.'),
        ('shifted_chebyshev_polynomial_v', 'The shifted Chebyshev polynomial of the third kind ``V*_n`` (on [0, 1])',
         '-71.,   1.,   1.'),
        ('shifted_chebyshev_polynomial_w', 'The shifted Chebyshev polynomial of the fourth kind ``W*_n`` (on [0, 1])',
         '-41.,   1.,   7.')):
    globals()[_name] = _polynomial(_name, _summary, f'tensor([{_example if _example.startswith("-") else " " + _example}])')


# ------------------------------------------------- the same functions as torch.*
def _register_existing():
    """torch.special names of functions ember already has: their one registry entry gains the name."""
    from ember.ops import arith, reduce, unary
    from ember.ops._registry import REGISTRY
    for name, fn in (('erf', unary.erf), ('erfc', unary.erfc), ('erfinv', unary.erfinv), ('exp2', unary.exp2),
                     ('expm1', unary.expm1), ('log1p', unary.log1p), ('logit', unary.logit),
                     ('sinc', unary.sinc), ('round', unary.round), ('expit', unary.sigmoid),
                     ('logsumexp', reduce.logsumexp), ('xlogy', arith.xlogy)):
        entry = next(e for e in REGISTRY if e.fn is fn)
        names = entry.exports.setdefault('special', [])
        if name not in names:
            names.append(name)


_register_existing()


@op('special')
def softmax(input, dim, *, dtype=None):
    r"""Computes the softmax of ``input`` along a dimension.

    Each slice along ``dim`` is exponentiated and divided by its sum, so it is non-negative and sums
    to one. The same as :func:`ember.nn.functional.softmax`.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dimension to normalise.

    Keyword args:
        dtype (ember.dtype, optional): cast ``input`` to this dtype before computing. Default: ``None``.

    Example::

        >>> ember.special.softmax(ember.tensor([1., 1., 1., 1.]), dim=0)
        tensor([0.2500, 0.2500, 0.2500, 0.2500])
    """
    from ember.ops.activation import softmax as _softmax
    return _softmax(input, dim, dtype=dtype)


@op('special')
def log_softmax(input, dim, *, dtype=None):
    r"""Computes softmax followed by a logarithm, in a numerically stable way.

    The same as :func:`ember.nn.functional.log_softmax`.

    Args:
        input (Tensor): the input tensor.
        dim (int): the dimension along which the entries sum to one after exponentiation.

    Keyword args:
        dtype (ember.dtype, optional): cast ``input`` to this dtype before computing. Default: ``None``.

    Example::

        >>> ember.special.log_softmax(ember.tensor([0., 0.]), dim=0)
        tensor([-0.6931, -0.6931])
    """
    from ember.ops.activation import log_softmax as _log_softmax
    return _log_softmax(input, dim, dtype=dtype)


def _default_float():
    from ember._dtype import get_default_dtype
    return get_default_dtype()


