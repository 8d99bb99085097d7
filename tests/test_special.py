"""ember.special as a user meets it. The functions ember computes in NumPy are pinned here by
PyTorch's values (recorded by tests/fixtures/record_special.py, PyTorch 2.13), so they are checked
without SciPy; the op table (tests/opinfo/special.py) compares every function with SciPy and
checks the gradients."""
import math
import sys

import numpy as np
import pytest

import ember

NAN, INF = math.nan, math.inf
POLY = {}
LGAMMA = [-0.05624371649767405, 1.2655121234846454, 1.2880225246980774, 0.0, 0.0, 1.2009736023470743, 12.801827480081469, 106.63176026064346]
DIGAMMA = [1.1031566406452433, 0.03648997397857639, -4.2274535333762655, -0.5772156649015328, 0.422784335098467, 1.103156640645243, 2.251752589066721, 3.6763273740348428]
TRIGAMMA = [9.53924664493752, 8.934802200117687, 17.19732915341456, 1.6449340676383375, 0.6449340670881899, 0.33035775615183904, 0.10516633568216657, 0.025315103841291063]
POLYGAMMA3 = [1538.782144009189, 6.493939402266829, 0.4939394022668293, 0.07030584881725205, 0.0023199013042898686, 3.24414001515635e-05]
ZETA = [1.6449340668482266, 8.414398322117158, 0.010513336937295045, 0.6486616319415703]
MULTIGAMMALN = [1.737702822763097, 1.8809954616117743, 3.895898482154039, 9.140644699192542, 47.05413309782062, 332.68518665577477]
ENTR = [-INF, 0.0, 0.34657359027997264, -1.3862943611198906]
NDTR = [0.0013498980316301035, 0.5, 0.9331927987311419]
XLOG1PY = [0.0, 0.8109302162163288, NAN]
I0 = [3.289839144050123, 1.0634833707413236, 1.015686141223608, 1.2660658777520082, 2.279585302336067, 7.3782034322254795, 2815.716628466254, 1.48947747934199e+16]
POLY['chebyshev_polynomial_t'] = [-1.0, 1.0, 0.8838399999999998, 0.0]
POLY['chebyshev_polynomial_u'] = [-4.0, 1.0, 0.67968, 0.0]
POLY['chebyshev_polynomial_v'] = [-7.0, 1.0, 1.19008, 0.0]
POLY['chebyshev_polynomial_w'] = [-1.0, 1.0, 0.16927999999999985, 0.0]
POLY['hermite_polynomial_h'] = [4.0, 1.0, 38.08768, 0.0]
POLY['hermite_polynomial_he'] = [2.0, 1.0, 5.370240000000001, 0.0]
POLY['laguerre_polynomial_l'] = [5.666666666666667, 1.0, -0.3014186666666667, 0.0]
POLY['legendre_polynomial_p'] = [-1.0, 1.0, 0.2706399999999999, 0.0]
POLY['shifted_chebyshev_polynomial_t'] = [-99.0, 1.0, -0.8451199999999999, 0.0]
POLY['shifted_chebyshev_polynomial_u'] = [-204.0, 1.0, -0.9542399999999999, 0.0]
POLY['shifted_chebyshev_polynomial_v'] = [-239.0, 1.0, -1.49984, 0.0]
POLY['shifted_chebyshev_polynomial_w'] = [-169.0, 1.0, -0.40864000000000017, 0.0]
SPH_J0 = [1.0, 0.9999998333333416, 0.45464871341284085, 0.09385522838839844]


X = [-2.5, -0.5, 0.25, 1.0, 2.0, 3.5, 10.0, 40.0]
XP = [0.25, 1.0, 2.0, 3.5, 10.0, 40.0]


def _f64(v):
    return ember.tensor(v, dtype=ember.float64)


@pytest.mark.parametrize('got,expected', [
    (lambda: ember.lgamma(_f64(X)), LGAMMA),
    (lambda: ember.special.gammaln(_f64(X)), LGAMMA),
    (lambda: ember.digamma(_f64(X)), DIGAMMA),
    (lambda: ember.special.psi(_f64(X)), DIGAMMA),
    (lambda: ember.polygamma(1, _f64(X)), TRIGAMMA),
    (lambda: _f64(XP).polygamma(3), POLYGAMMA3),
    (lambda: ember.special.zeta(_f64([2.0, 3.0, 4.5, 1.5]), _f64([1.0, 0.5, 3.0, 10.0])), ZETA),
    (lambda: ember.special.multigammaln(_f64(XP) + 1.5, 3), MULTIGAMMALN),
    (lambda: ember.mvlgamma(_f64(XP) + 1.5, 3), MULTIGAMMALN),
    (lambda: ember.special.entr(_f64([-1.0, 0.0, 0.5, 2.0])), ENTR),
    (lambda: ember.special.ndtr(_f64([-3.0, 0.0, 1.5])), NDTR),
    (lambda: ember.special.xlog1py(_f64([0.0, 2.0, 0.0]), _f64([-1.0, 0.5, NAN])), XLOG1PY),
    (lambda: ember.i0(_f64(X)), I0),
    (lambda: ember.special.spherical_bessel_j0(_f64([0.0, 1e-3, 2.0, -7.0])), SPH_J0),
])
def test_numpy_functions_match_pytorch(got, expected):
    # PyTorch's own trigamma series stops at about 1e-9 relative (pi^2/6 comes out 1.6449340676...),
    # so the pin allows that; every other value agrees to 1e-10
    rtol = 1e-8 if expected is TRIGAMMA else 1e-10
    np.testing.assert_allclose(got().numpy(), expected, rtol=rtol, atol=1e-12)


@pytest.mark.parametrize('name', sorted(POLY))
def test_orthogonal_polynomials_match_pytorch(name):
    out = getattr(ember.special, name)(_f64([-1.0, -0.3, 0.4, 1.0]), ember.tensor([3, 0, 5, -1]))
    np.testing.assert_allclose(out.numpy(), POLY[name], rtol=1e-12, atol=1e-12)
    assert out.grad_fn is None


def test_inplace_and_method_forms():
    x = _f64([0.5, 2.0])
    np.testing.assert_allclose(x.clone().lgamma_().numpy(), ember.lgamma(x).numpy())
    np.testing.assert_allclose(x.clone().polygamma_(2).numpy(), ember.polygamma(2, x).numpy())
    np.testing.assert_allclose(x.clone().mvlgamma_(1).numpy(), ember.lgamma(x).numpy())
    assert ember.special.expit(x).tolist() == ember.sigmoid(x).tolist()
    assert ember.special.erfinv(x / 4).tolist() == ember.erfinv(x / 4).tolist()


def test_functions_pytorch_does_not_differentiate_record_no_graph():
    x = _f64([0.5, 2.0]).requires_grad_()
    assert ember.special.spherical_bessel_j0(x).grad_fn is None
    assert ember.special.legendre_polynomial_p(x, 2).requires_grad is False


def test_gradient_pytorch_does_not_define_raises_its_error():
    x = _f64([2.0, 3.0]).requires_grad_()
    with pytest.raises(RuntimeError, match="the derivative for 'zeta' is not implemented."):
        ember.special.zeta(x, _f64([1.0, 2.0])).sum().backward()


def test_scipy_functions_say_they_need_scipy(monkeypatch):
    monkeypatch.setitem(sys.modules, 'scipy', None)
    monkeypatch.setitem(sys.modules, 'scipy.special', None)
    with pytest.raises(ImportError, match=r'ember.special.bessel_j0 needs SciPy.*pip install scipy'):
        ember.special.bessel_j0(_f64([1.0]))
    with pytest.raises(ImportError, match=r'ember.special.erfcx needs SciPy'):
        ember.special.erfcx(_f64([1.0]))
    # the NumPy-computed functions do not need it
    np.testing.assert_allclose(ember.lgamma(_f64([3.0])).numpy(), [math.log(2.0)], rtol=1e-12)


# log Gamma near its zeros 1 and 2, recorded from PyTorch 2.13 (float64)
LGAMMA_NEAR_ZEROS = [(0.001, 6.907178885383853), (0.25, 1.2880225246980774), (0.75, 0.20328095143129538),
                     (0.999, 0.0005780385328913802), (1.0000009536743164, -5.504750066148867e-07),
                     (1.001, -0.0005763935982833062), (1.25, -0.09827183642181316), (1.75, -0.08440112102048555),
                     (1.99999, -4.227811104241674e-06), (2.00001, 4.22787559764836e-06),
                     (2.25, 0.1248717148923966), (2.5, 0.2846828704729192), (2.75, 0.47521466691493713),
                     (3.3, 0.9870985778947344), (4.5, 2.4537365708424423), (6.125, 5.002162481906205),
                     (7.9, 8.32426586800881)]


@pytest.mark.parametrize('dtype', [ember.float64, ember.float32, ember.float16, ember.bfloat16])
def test_lgamma_is_exactly_zero_at_one_and_two(dtype):
    x = ember.tensor([1.0, 2.0], dtype=dtype)
    for got in (ember.lgamma(x), x.clone().lgamma_(), ember.special.gammaln(x), ember.mvlgamma(x, 1)):
        assert got.tolist() == [0.0, 0.0] and not math.copysign(1, got[0].item()) < 0


def test_lgamma_keeps_its_relative_accuracy_near_its_zeros():
    x, expected = np.array(LGAMMA_NEAR_ZEROS).T
    got = ember.lgamma(_f64(x.tolist())).numpy()
    assert (np.abs(got - expected) <= 8 * np.spacing(np.abs(expected))).all(), got - expected


def test_lgamma_of_small_integers_is_the_log_of_a_factorial():
    # PyTorch gives log(2), log(6), ... exactly; Lanczos' sum was up to 5 ulp off (lgamma(3) != log(2))
    n = np.arange(1, 9)
    got = ember.lgamma(_f64(n.tolist())).tolist()
    assert got == [math.log(math.factorial(k - 1)) for k in n.tolist()]


def _values(t):
    return ['nan' if v != v else round(v, 5) for v in t.tolist()]


@pytest.mark.parametrize('other, value, grad', [
    # PyTorch 2.13, x = [0.7, 0, 1.5], upstream gradient [0, 1, 2]: xlogy(x, other) and its x-gradient
    (0, [-math.inf, 0.0, -math.inf], [0.0, 0.0, -math.inf]),
    (-1, ['nan', 0.0, 'nan'], [0.0, 0.0, 'nan']),
    (2.0, [0.4852, 0.0, 1.03972], [0.0, 0.69315, 1.38629]),
    (math.nan, ['nan', 'nan', 'nan'], ['nan', 0.0, 'nan']),
    (math.inf, [math.inf, 0.0, math.inf], [0.0, math.inf, math.inf]),
])
def test_xlogy_of_a_number_other(other, value, grad):
    x = ember.tensor([0.7, 0., 1.5], requires_grad=True)
    y = ember.xlogy(x, other)
    assert _values(y) == value
    assert _values(ember.autograd.grad(y, x, ember.tensor([0., 1., 2.]))[0]) == grad


@pytest.mark.parametrize('other, value, grad', [
    (-1, [-math.inf, 0.0, -math.inf], [0.0, 0.0, -math.inf]),
    (-2.5, ['nan', 0.0, 'nan'], [0.0, 0.0, 'nan']),
    (2.0, [0.76903, 0.0, 1.64792], [0.0, 1.09861, 2.19722]),
    (math.nan, ['nan', 'nan', 'nan'], ['nan', 0.0, 'nan']),
])
def test_xlog1py_of_a_number_other(other, value, grad):
    x = ember.tensor([0.7, 0., 1.5], requires_grad=True)
    y = ember.special.xlog1py(x, other)
    assert _values(y) == value
    assert _values(ember.autograd.grad(y, x, ember.tensor([0., 1., 2.]))[0]) == grad


def test_xlogy_gradient_is_zero_at_zero_input_only_where_other_is_not_positive():
    # PyTorch: xlogy(grad, other) masked where x == 0 and other <= 0 (x = 0, other = 2 keeps log 2)
    x = ember.tensor([0.7, 0., 0.], requires_grad=True)
    g, = ember.autograd.grad(ember.xlogy(x, ember.tensor([0., 2., -1.])), x, ember.tensor([0., 1., 2.]))
    assert _values(g) == [0.0, 0.69315, 0.0]
    g, = ember.autograd.grad(ember.special.xlog1py(x, ember.tensor([-1., -1., 1.])), x, ember.tensor([0., 1., 2.]))
    assert _values(g) == [0.0, 0.0, 1.38629]
