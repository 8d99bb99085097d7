"""Special functions the distributions need: ember's log-gamma family, and on NumPy arrays the
regularised incomplete gamma function (SciPy is used when installed, only for speed).
"""
import math

import numpy as np

import ember

try:  # optional fast path
    import scipy.special as _sp
except ImportError:  # pragma: no cover - exercised where SciPy is absent
    _sp = None

_lgamma_scalar = np.frompyfunc(math.lgamma, 1, 1)

def _np_lgamma(x):
    if _sp is not None:
        return _sp.gammaln(x)
    with np.errstate(all='ignore'):
        out = _lgamma_scalar(np.asarray(x, dtype=np.float64)).astype(np.float64)
    return out


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


def _float(x):
    if not isinstance(x, ember.Tensor):
        x = ember.tensor(x, dtype=ember.get_default_dtype())
    elif not x.is_floating_point():
        x = x.to(ember.get_default_dtype())
    return x


# ember's own differentiable special functions; the NumPy versions above remain for the Gamma
# sampler's implicit gradient and the incomplete gamma function.
def lgamma(x):
    return ember.lgamma(_float(x))


def digamma(x):
    return ember.digamma(_float(x))


def polygamma(n, x):
    return ember.polygamma(n, _float(x))


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
    return ember.mvlgamma(x, p)
