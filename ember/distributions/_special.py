"""Differentiable special functions the distributions need (log-gamma, digamma, polygamma,
regularised incomplete gamma).

NOTE: these are private to ember.distributions until ember exposes its own ``lgamma``/``digamma``;
they compute on NumPy arrays (SciPy is used when installed, only for speed) and carry gradients
through ``autograd.Function``, each backward being the next function of the family so that
gradients of gradients work too.
"""
import math

import numpy as np

import ember

try:  # optional fast path
    import scipy.special as _sp
except ImportError:  # pragma: no cover - exercised where SciPy is absent
    _sp = None

_lgamma_scalar = np.frompyfunc(math.lgamma, 1, 1)

# Bernoulli numbers B_2k for the asymptotic series of digamma/polygamma.
_B2K = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)


def _np_lgamma(x):
    if _sp is not None:
        return _sp.gammaln(x)
    with np.errstate(all='ignore'):
        out = _lgamma_scalar(np.asarray(x, dtype=np.float64)).astype(np.float64)
    return out


def _np_polygamma(n, x):
    """polygamma(n, x) for n >= 0 on float64 arrays (n == 0 is digamma)."""
    x = np.asarray(x, dtype=np.float64)
    if _sp is not None:
        return _sp.psi(x) if n == 0 else _sp.polygamma(n, x)
    out = np.zeros_like(x)
    with np.errstate(all='ignore'):
        if n == 0:
            # Reflection for x < 0.5: psi(x) = psi(1 - x) - pi / tan(pi x).
            neg = x < 0.5
            y = np.where(neg, 1.0 - x, x)
            acc = np.zeros_like(y)
            while True:  # shift upwards until the asymptotic series is accurate
                small = y < 10.0
                if not small.any():
                    break
                acc = acc - np.where(small, 1.0 / y, 0.0)
                y = np.where(small, y + 1.0, y)
            inv2 = 1.0 / (y * y)
            series = np.log(y) - 0.5 / y
            p = inv2
            for k, b in enumerate(_B2K, start=1):
                series = series - b / (2 * k) * p
                p = p * inv2
            out = acc + series
            out = np.where(neg, out - np.pi / np.tan(np.pi * x), out)
            out = np.where((x <= 0) & (x == np.floor(x)), np.nan, out)
            return out
        # n >= 1: psi^(n)(x) = (-1)^(n+1) n! sum_k 1/(x+k)^(n+1)
        sign = -1.0 if n % 2 == 0 else 1.0
        y = x.copy()
        acc = np.zeros_like(y)
        while True:
            small = y < 15.0
            if not small.any():
                break
            acc = acc + np.where(small, math.factorial(n) / y ** (n + 1), 0.0)
            y = np.where(small, y + 1.0, y)
        series = math.factorial(n - 1) / y ** n + math.factorial(n) / (2 * y ** (n + 1))
        for k, b in enumerate(_B2K, start=1):
            series = series + b * math.factorial(2 * k + n - 1) / math.factorial(2 * k) / y ** (2 * k + n)
        out = sign * (acc + series)
        return np.where((x <= 0) & (x == np.floor(x)), np.inf if n % 2 else np.nan, out)


def _np_gammainc(a, x):
    """Regularised lower incomplete gamma P(a, x) (series below a + 1, continued fraction above)."""
    if _sp is not None:
        return _sp.gammainc(a, x)
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    with np.errstate(all='ignore'):
        logpre = a * np.log(x) - x - _np_lgamma(a)
        # series
        term = 1.0 / a
        total = term.copy()
        ap = a.copy()
        for _ in range(500):
            ap = ap + 1
            term = term * x / ap
            total = total + term
        series = total * np.exp(logpre)
        # Lentz continued fraction for Q
        tiny = 1e-300
        b = x + 1 - a
        c = np.full_like(b, 1 / tiny)
        d = 1 / b
        h = d.copy()
        for i in range(1, 300):
            an = -i * (i - a)
            b = b + 2
            d = an * d + b
            d = np.where(np.abs(d) < tiny, tiny, d)
            c = b + an / c
            c = np.where(np.abs(c) < tiny, tiny, c)
            d = 1 / d
            h = h * d * c
        cf = 1 - np.exp(logpre) * h
        out = np.where(x < a + 1, series, cf)
        return np.where(x <= 0, 0.0, out)


def _wrap(arr, like):
    return ember.as_tensor(np.asarray(arr), dtype=like.dtype, device=like.device)


def _array(t):
    return t.detach().cpu().numpy().astype(np.float64)


class _Lgamma(ember.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _wrap(_np_lgamma(_array(x)), x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * digamma(x)


class _Polygamma(ember.autograd.Function):
    @staticmethod
    def forward(ctx, x, n):
        ctx.save_for_backward(x)
        ctx.n = n
        return _wrap(_np_polygamma(n, _array(x)), x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * polygamma(ctx.n + 1, x), None


def _float(x):
    if not isinstance(x, ember.Tensor):
        x = ember.tensor(x, dtype=ember.get_default_dtype())
    elif not x.is_floating_point():
        x = x.to(ember.get_default_dtype())
    return x


def lgamma(x):
    return _Lgamma.apply(_float(x))


def digamma(x):
    return _Polygamma.apply(_float(x), 0)


def polygamma(n, x):
    return _Polygamma.apply(_float(x), n)


def gammainc(a, x):
    """Regularised lower incomplete gamma P(a, x); differentiable in x (not in a)."""
    return _GammaincX.apply(_float(a), _float(x))


class _GammaincX(ember.autograd.Function):
    @staticmethod
    def forward(ctx, a, x):
        ctx.save_for_backward(a, x)
        return _wrap(_np_gammainc(_array(a), _array(x)), x)

    @staticmethod
    def backward(ctx, grad):
        a, x = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NotImplementedError('the incomplete gamma function is not differentiable in its first argument')
        density = ember.exp((a - 1) * ember.log(x) - x - lgamma(a))
        return None, grad * density


def betaln(a, b):
    return lgamma(a) + lgamma(b) - lgamma(a + b)


def mvlgamma(x, p):
    """Multivariate log-gamma of dimension p."""
    j = ember.arange(p, dtype=x.dtype, device=x.device)
    return p * (p - 1) / 4 * math.log(math.pi) + lgamma(x.unsqueeze(-1) - j / 2).sum(-1)


def gamma_sample_grad(alpha, x):
    """d x / d alpha for x ~ Gamma(alpha, 1) held at a fixed quantile (implicit reparameterisation):
    -(dP(alpha, x)/d alpha) / density(x), with dP/dalpha by a central difference."""
    a = alpha.astype(np.float64)
    xx = x.astype(np.float64)
    h = 1e-5 * np.maximum(a, 1.0)
    dP = (_np_gammainc(a + h, xx) - _np_gammainc(np.maximum(a - h, 1e-300), xx)) / (
        (a + h) - np.maximum(a - h, 1e-300))
    with np.errstate(all='ignore'):
        logpdf = (a - 1) * np.log(xx) - xx - _np_lgamma(a)
        out = -dP / np.exp(logpdf)
    return np.where(np.isfinite(out), out, 0.0)
