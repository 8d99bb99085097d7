"""Rows for ember/ops/special.py (torch.special and its torch.* names).

References are SciPy's (rows skip without it) or the standard library's; the functions ember
computes in NumPy are also pinned without SciPy by PyTorch's recorded values in tests/test_special.py.
"""
import math

import numpy as np
import pytest

import ember
from tests.opinfo import Const, ErrorInput, OpInfo, Sample

S = ember.special


def _sp(name, *pre):
    """scipy.special.<name> as a reference (the test skips when SciPy is absent)."""
    def ref(*args, **kwargs):
        sp = pytest.importorskip('scipy.special')
        return np.asarray(getattr(sp, name)(*pre, *args, **kwargs))
    return ref


def _needs_scipy(fn):
    """An op computed through SciPy: its checks skip when SciPy is absent."""
    def run(*args, **kwargs):
        pytest.importorskip('scipy.special')
        return fn(*args, **kwargs)
    return run


def _u(lo, hi, *shapes):
    return lambda rng: [Sample(rng.uniform(lo, hi, s)) for s in (shapes or [(3, 4)])]


def _lgamma_samples(rng):
    return [Sample(rng.uniform(0.2, 6, (3, 4))), Sample(rng.uniform(-3.9, -3.1, 5)), Sample(rng.uniform(-0.9, -0.1, 4))]


def _np_lgamma(x):
    return np.vectorize(math.lgamma)(x)


def _polygamma_samples(rng):
    return [Sample(n, rng.uniform(0.3, 5, (2, 3))) for n in (0, 1, 2, 3)] + [Sample(1, rng.uniform(-1.9, -1.1, 3))]


def _polygamma_ref(n, x):
    sp = pytest.importorskip('scipy.special')
    return sp.polygamma(n, x)


def _mvlgamma_samples(rng):
    return [Sample(rng.uniform(0.1, 3, (2, 3)), 1), Sample(rng.uniform(1.2, 4, 4), 3)]


def _np_mvlgamma(x, p):
    return sum(_np_lgamma(x - 0.5 * j) for j in range(p)) + p * (p - 1) / 4 * math.log(math.pi)


def _zeta_samples(rng):
    return [Sample(Const(rng.uniform(1.5, 4, (2, 3))), rng.uniform(0.5, 3, (2, 3))),
            Sample(Const(np.array([2.0, 3.0, 4.0])), rng.uniform(0.5, 2, (2, 3)))]


def _gammainc_samples(rng):
    return [Sample(Const(rng.uniform(0.5, 3, (2, 3))), rng.uniform(0.2, 4, (2, 3)))]


def _xlog1py_samples(rng):
    return [Sample(rng.standard_normal((2, 3)), rng.uniform(-0.8, 3, (2, 3))),
            Sample(np.array([0.0, 1.0, 2.0]), rng.uniform(-0.5, 1, 3))]


def _np_xlog1py(x, y):
    return np.where(x == 0, 0.0, x * np.log1p(y))


def _np_entr(x):
    return -x * np.log(x)


def _poly_samples(rng):
    x = rng.uniform(-1, 1, (2, 5))
    return [Sample(x, 3), Sample(x, 0), Sample(x, np.array([0, 1, 2, 5, 8])), Sample(rng.uniform(0, 1, 4), 4)]


def _poly_ref(name):
    # scipy's eval_* for T, U, H, He, L, P; V and W from their closed forms through U
    def ref(x, n):
        sp = pytest.importorskip('scipy.special')
        n = np.asarray(n)
        shifted = name.startswith('shifted_')
        x = 2 * x - 1 if shifted else x
        kind = name.replace('shifted_', '')
        if kind == 'chebyshev_polynomial_v':   # V_n(x) = U_n(x) - U_{n-1}(x)
            return sp.eval_chebyu(n, x) - np.where(n > 0, sp.eval_chebyu(np.maximum(n - 1, 0), x), 0)
        if kind == 'chebyshev_polynomial_w':   # W_n(x) = U_n(x) + U_{n-1}(x)
            return sp.eval_chebyu(n, x) + np.where(n > 0, sp.eval_chebyu(np.maximum(n - 1, 0), x), 0)
        fn = {'chebyshev_polynomial_t': sp.eval_chebyt, 'chebyshev_polynomial_u': sp.eval_chebyu,
              'hermite_polynomial_h': sp.eval_hermite, 'hermite_polynomial_he': sp.eval_hermitenorm,
              'laguerre_polynomial_l': sp.eval_laguerre, 'legendre_polynomial_p': sp.eval_legendre}[kind]
        return fn(n, x)
    return ref


_POLYNOMIALS = ['chebyshev_polynomial_t', 'chebyshev_polynomial_u', 'chebyshev_polynomial_v',
                'chebyshev_polynomial_w', 'hermite_polynomial_h', 'hermite_polynomial_he', 'laguerre_polynomial_l',
                'legendre_polynomial_p', 'shifted_chebyshev_polynomial_t', 'shifted_chebyshev_polynomial_u',
                'shifted_chebyshev_polynomial_v', 'shifted_chebyshev_polynomial_w']

_BESSEL = [('bessel_j0', 'j0'), ('bessel_j1', 'j1'), ('bessel_y0', 'y0'), ('bessel_y1', 'y1'),
           ('modified_bessel_i0', 'i0'), ('modified_bessel_i1', 'i1'), ('modified_bessel_k0', 'k0'),
           ('modified_bessel_k1', 'k1'), ('scaled_modified_bessel_k0', 'k0e'), ('scaled_modified_bessel_k1', 'k1e')]


def _softmax_samples(rng):
    return [Sample(rng.standard_normal((3, 4)), 1), Sample(rng.standard_normal((2, 3)), 0)]


def _np_softmax(x, dim):
    e = np.exp(x - x.max(dim, keepdims=True))
    return e / e.sum(dim, keepdims=True)


OPS = [
    OpInfo('lgamma', ember.lgamma, _lgamma_samples, ref=_np_lgamma, aliases=('special.gammaln', 'gammaln')),
    OpInfo('digamma', ember.digamma, (lambda rng: [Sample(rng.uniform(0.2, 6, (3, 4))),
                                                                 Sample(rng.uniform(-2.9, -2.1, 5))]),
           ref=_sp('digamma'), aliases=('psi',), atol=1e-4),
    OpInfo('polygamma', ember.polygamma, _polygamma_samples, ref=_polygamma_ref, atol=1e-4, grad_atol=1e-4,
           error_inputs=lambda: [ErrorInput(Sample(-1, np.ones(3)), RuntimeError,
                                            'polygamma(n, x) does not support negative n.')]),
    OpInfo('mvlgamma', ember.mvlgamma, _mvlgamma_samples, ref=_np_mvlgamma, aliases=('multigammaln',),
           error_inputs=lambda: [
               ErrorInput(Sample(np.array([0.2, 2.0]), 2), RuntimeError, 'All elements must be greater than (p-1)/2'),
               ErrorInput(Sample(np.array([2.0]), 0), RuntimeError, 'p has to be greater than or equal to 1')]),
    OpInfo('special.zeta', S.zeta, _zeta_samples, ref=_sp('zeta')),
    OpInfo('igamma', _needs_scipy(ember.igamma), _gammainc_samples, ref=_sp('gammainc'), aliases=('gammainc',)),
    OpInfo('igammac', _needs_scipy(ember.igammac), _gammainc_samples, ref=_sp('gammaincc'), aliases=('gammaincc',)),
    OpInfo('special.erfcx', _needs_scipy(S.erfcx), _u(-2, 3), ref=_sp('erfcx')),
    OpInfo('special.log_ndtr', _needs_scipy(S.log_ndtr), _u(-6, 3), ref=_sp('log_ndtr')),
    OpInfo('special.ndtri', _needs_scipy(S.ndtri), _u(0.05, 0.95), ref=_sp('ndtri'), atol=1e-4),
    OpInfo('special.ndtr', S.ndtr, lambda rng: [Sample(rng.standard_normal((3, 4)) * 2)],
           ref=lambda x: 0.5 * np.vectorize(math.erfc)(-x / math.sqrt(2))),
    OpInfo('special.entr', S.entr, _u(0.1, 3), ref=_np_entr),
    OpInfo('special.xlog1py', S.xlog1py, _xlog1py_samples, ref=_np_xlog1py),
    OpInfo('i0', ember.i0, _u(-4, 4), ref=np.i0),
    OpInfo('special.i0e', _needs_scipy(S.i0e), _u(-4, 4), ref=_sp('i0e')),
    OpInfo('special.i1', _needs_scipy(S.i1), lambda rng: [Sample(rng.uniform(-4, 4, (3, 4))),
                                                          Sample(np.array([0.0, 1.0]))], ref=_sp('i1')),
    OpInfo('special.i1e', _needs_scipy(S.i1e), lambda rng: [Sample(rng.uniform(-4, 4, (3, 4))),
                                                            Sample(np.array([0.0, -1.0]))], ref=_sp('i1e')),
    OpInfo('special.airy_ai', _needs_scipy(S.airy_ai), _u(-5, 3), ref=lambda x: _sp('airy')(x)[0], grad=False),
    OpInfo('special.spherical_bessel_j0', S.spherical_bessel_j0, lambda rng: [Sample(rng.uniform(-8, 8, (3, 4))),
                                                                             Sample(np.array([0.0, 1e-9]))],
           ref=lambda x: np.where(x == 0, 1.0, np.sin(x) / np.where(x == 0, 1, x)), grad=False),
    OpInfo('special.expit', S.expit, _u(-4, 4), ref=lambda x: 1 / (1 + np.exp(-x))),
    OpInfo('special.softmax', S.softmax, _softmax_samples, ref=_np_softmax),
    OpInfo('special.log_softmax', S.log_softmax, _softmax_samples, ref=lambda x, d: np.log(_np_softmax(x, d))),
] + [OpInfo(f'special.{name}', _needs_scipy(getattr(S, name)), _u(0.1, 6), ref=_sp(fn), grad=False)
     for name, fn in _BESSEL] + [
    OpInfo(f'special.{name}', getattr(S, name), _poly_samples, ref=_poly_ref(name), grad=False, atol=1e-4)
    for name in _POLYNOMIALS]
