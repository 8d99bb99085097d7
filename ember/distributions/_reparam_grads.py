"""The reparameterised sample gradients of Gamma and Dirichlet (Beta) draws, as PyTorch's CPU kernels
compute them, on NumPy arrays.

A draw x ~ Gamma(alpha) held at its quantile moves with alpha by dx/dalpha = -(dCDF/dalpha) / pdf; a
Dirichlet draw's coordinate is a Beta draw, moved the same way. Neither has a closed form, and PyTorch
uses fixed approximations (a Taylor series for small x, Rice saddle-point expansions for large
parameters, fitted rational corrections elsewhere). ember evaluates the same approximations with the
same operations in the same precisions (float32 inputs: some steps in float32, some in float64, as the
kernels mix them), so a Beta/Dirichlet/Gamma ``rsample`` gives PyTorch's gradients, not merely
gradients of equal expectation.

``_Prec`` carries one precision: its arithmetic rounds every result to that dtype, and its
transcendentals are evaluated in float64 and rounded once (the C library's float functions round
correctly in practice; NumPy's vectorised float32 ones may not).
"""
import numpy as np

_PSI_10 = 2.25175258906672110764                       # digamma(10)
_DIGAMMA_TAIL = (8.33333333333333333333E-2, -2.10927960927960927961E-2, 7.57575757575757575758E-3,
                 -4.16666666666666666667E-3, 3.96825396825396825397E-3, -8.33333333333333333333E-3,
                 8.33333333333333333333E-2)
_F32 = np.float32


class _Prec:
    """Arithmetic in one floating dtype (float32 or float64)."""

    def __init__(self, dtype):
        self.dtype = np.dtype(dtype)

    def c(self, value):
        """A literal or an array in this precision."""
        return np.asarray(value, dtype=self.dtype)

    def log(self, x):
        return np.log(np.asarray(x, np.float64)).astype(self.dtype)

    def pow(self, x, y):
        return np.power(np.asarray(x, np.float64), np.asarray(y, np.float64)).astype(self.dtype)


def digamma(x, dtype):
    """digamma of ``x`` (an array of ``dtype``), as PyTorch's sampler-gradient helper computes it: the
    recurrence steps in ``dtype``, the sum in float64, the asymptotic tail from 10 on."""
    p = _Prec(dtype)
    x = p.c(x).copy()
    with np.errstate(all='ignore'):
        shift = np.zeros(x.shape, np.float64)
        negative = x < 0
        if negative.any():
            pi = p.c(np.pi)
            shift = np.where(negative, -(pi / p.c(np.tan(np.float64(pi * x)))).astype(np.float64), 0.0)
            x = np.where(negative, p.c(1) - x, x).astype(p.dtype)
        result = np.zeros(x.shape, np.float64)
        for _ in range(10):                           # push x up to at least 10
            low = x < 10
            if not low.any():
                break
            result = np.where(low, result - (p.c(1) / x).astype(np.float64), result)
            x = np.where(low, x + p.c(1), x).astype(p.dtype)
        z = 1.0 / (x * x).astype(np.float64)
        tail = np.zeros(x.shape, np.float64)
        for coef in _DIGAMMA_TAIL:
            tail = tail * z + coef
        y = np.where(x < _F32(1e17), z * tail, 0.0)
        general = result + p.log(x).astype(np.float64) - (p.c(0.5) / x).astype(np.float64) - y + shift
        out = np.where(x == 10, result + _PSI_10 + shift, general)
        pole = (x == 0) | (negative & (x == np.floor(x)))
        out = np.where(pole, np.inf, out)
    return out.astype(p.dtype)


def standard_gamma_grad(alpha, x):
    """d x / d alpha for draws ``x`` of Gamma(``alpha``, 1) (arrays of one float dtype), in float64
    and rounded to that dtype."""
    dtype = np.result_type(alpha, x)
    a = np.asarray(alpha, np.float64)
    x = np.asarray(x, np.float64)
    a, x = np.broadcast_arrays(a, x)
    with np.errstate(all='ignore'):
        out = _rational_gamma(a, x)
        large = a > _F32(8.0)
        out = np.where(large, _saddle_gamma(a, x), out)
        small_x = x < _F32(0.8)
        out = np.where(small_x, _taylor_gamma(a, x), out)
    return out.astype(dtype)


def _taylor_gamma(a, x):
    numer = np.ones_like(x)
    denom = a.copy()
    series1 = numer / denom
    series2 = numer / (denom * denom)
    for i in range(1, 6):
        numer = numer * (-x / i)
        denom = denom + 1
        series1 = series1 + numer / denom
        series2 = series2 + numer / (denom * denom)
    pow_x_a = np.power(x, a)
    pdf = np.power(x, a - 1) * np.exp(-x)
    cdf = pow_x_a * series1
    cdf_alpha = (np.log(x) - digamma(a, np.float64)) * cdf - pow_x_a * series2
    result = -cdf_alpha / pdf
    return np.where(np.isnan(result), 0.0, result)


def _saddle_gamma(a, x):
    near = (_F32(0.9) * a <= x) & (x <= _F32(1.1) * a)
    numer_1 = 1 + 24 * a * (1 + 12 * a)
    numer_2 = 1440 * (a * a) + 6 * x * (53 - 120 * x) - 65 * x * x / a + a * (107 + 3600 * x)
    at_mean = numer_1 * numer_2 / (1244160 * (a * a) * (a * a))
    denom = np.sqrt(8 * a)
    term2 = denom / (a - x)
    term3 = np.power(x - a - a * np.log(x / a), -1.5)
    term23 = np.where(x < a, term2 - term3, term2 + term3)
    term1 = np.log(x / a) * term23 - np.sqrt(2 / a) * (a + x) / ((a - x) * (a - x))
    stirling = 1 + 1 / (12 * a) * (1 + 1 / (24 * a))
    away = -stirling * (x * term1) / denom
    return np.where(near, at_mean, away)


_GAMMA_UV = np.array([
    [0.16009398, -0.094634809, 0.025146376, -0.0030648343, 1, 0.32668115, 0.10406089, 0.0014179084],
    [0.53487893, 0.1298071, 0.065735949, -0.0015649758, 0.16639465, 0.020070113, -0.0035938915,
     -0.00058392623],
    [0.040121004, -0.0065914022, -0.0026286047, -0.0013441777, 0.017050642, -0.0021309326,
     0.00085092367, -1.5247877e-07]])


def _rational_gamma(a, x):
    u = np.log(x / a)
    v = np.log(a)
    c = [_GAMMA_UV[0, i] + u * (_GAMMA_UV[1, i] + u * _GAMMA_UV[2, i]) for i in range(8)]
    p = c[0] + v * (c[1] + v * (c[2] + v * c[3]))
    q = c[4] + v * (c[5] + v * (c[6] + v * c[7]))
    return np.exp(p / q)


def dirichlet_grad(x, alpha, total):
    """The scaled sample gradient -(dCDF/dalpha) / pdf / (1 - x) of a Beta(alpha, total - alpha) draw
    ``x`` (arrays of one float dtype), the piece a Dirichlet draw's backward is built from."""
    p = _Prec(np.result_type(x, alpha, total))
    x, alpha, total = (p.c(v) for v in np.broadcast_arrays(x, alpha, total))
    with np.errstate(all='ignore'):
        beta = total - alpha
        boundary = total * x * (p.c(1) - x)
        x64, a64, t64 = (v.astype(np.float64) for v in (x, alpha, total))
        out = _rational_beta(p, x64, a64, t64)
        mid = (alpha > 6) & (beta > 6)
        out = np.where(mid, _saddle_beta(x64, a64, t64 - a64), out)
        near_one = (x >= _F32(0.5)) & (boundary < _F32(0.75))
        out = np.where(near_one, -_beta_small_beta(p, p.c(1) - x, beta, alpha).astype(np.float64), out)
        near_zero = (x <= _F32(0.5)) & (boundary < _F32(2.5))
        out = np.where(near_zero, _beta_small_alpha(p, x, alpha, beta).astype(np.float64), out)
    return out.astype(p.dtype)


def _beta_small_alpha(p, x, alpha, beta):
    # Taylor series in x near 0, for the gradient with respect to alpha; all in the input's dtype
    one = p.c(1)
    factor = digamma(alpha, p.dtype) - digamma(alpha + beta, p.dtype) - p.log(x)
    numer = np.ones_like(x)
    series = numer / alpha * (factor + one / alpha)
    for i in range(1, 11):
        fi = p.c(i)
        numer = numer * ((fi - beta) * x / fi)
        denom = alpha + fi
        series = series + numer / denom * (factor + one / denom)
    result = x * p.pow(one - x, -beta) * series
    return np.where(np.isnan(result), p.c(0), result).astype(p.dtype)


def _beta_small_beta(p, x, alpha, beta):
    # Taylor series in x near 0, for the gradient with respect to beta; all in the input's dtype
    one = p.c(1)
    factor = digamma(alpha + beta, p.dtype) - digamma(beta, p.dtype)
    numer, betas, dbetas = np.ones_like(x), np.ones_like(x), np.zeros_like(x)
    series = factor / alpha
    for i in range(1, 9):
        fi = p.c(i)
        numer = numer * (-x / fi)
        dbetas = dbetas * (beta - fi) + betas
        betas = betas * (beta - fi)
        series = series + numer / (alpha + fi) * (dbetas + factor * betas)
    result = -p.pow(one - x, one - beta) * series
    return np.where(np.isnan(result), p.c(0), result).astype(p.dtype)


def _saddle_beta(x, a, b):
    # both parameters large: Rice's saddle-point expansion, in float64
    total = a + b
    mean = a / total
    std = np.sqrt(a * b / (total + 1)) / total
    near = (mean - 0.1 * std <= x) & (x <= mean + 0.1 * std)
    poly = 47 * x * (b * b) * (b * b) + a * (
        (43 + 20 * (16 + 27 * b) * x) * (b * b) * b + a * (
            3 * (59 + 180 * b - 90 * x) * (b * b) + a * (
                (453 + 1620 * b * (1 - x) - 455 * x) * b + a * (
                    8 * (1 - x) * (135 * b - 11)))))
    prefactor_num = (1 + 12 * a) * (1 + 12 * b) / (total * total)
    prefactor_den = 12960 * a * a * a * b * b * (1 + 12 * total)
    at_mean = prefactor_num / (1 - x) * poly / prefactor_den
    prefactor = -x / np.sqrt(2 * a * b / total)
    stirling = ((1 + 1 / (12 * a) + 1 / (288 * a * a)) * (1 + 1 / (12 * b) + 1 / (288 * b * b))
                / (1 + 1 / (12 * total) + 1 / (288 * total * total)))
    term1_num = 2 * (a * a) * (x - 1) + a * b * (x - 1) - x * (b * b)
    axbx = a * (x - 1) + b * x
    term1 = term1_num / (np.sqrt(2 * a / b) * np.power(total, 1.5) * axbx * axbx)
    term2 = 0.5 * np.log(a / (total * x))
    term3 = np.sqrt(8 * a * b / total) / (b * x + a * (x - 1))
    term4 = np.power(b * np.log(b / (total * (1 - x))) + a * np.log(a / (total * x)), -1.5)
    away = stirling * prefactor * (term1 + term2 * (term3 + np.where(x < mean, term4, -term4)))
    return np.where(near, at_mean, away)


# a fitted rational correction to x (digamma(total) - digamma(alpha)) / beta, in log x, log(alpha / x)
# and log(total) - log(alpha / x): [numerator or denominator][power of u][power of a][power of b]
_BETA_PQ = np.array([
    [[[1.003668233, -0.01061107488, -0.0657888334, 0.01201642863],
      [0.6336835991, -0.3557432599, 0.05486251648, -0.001465281033],
      [-0.03276231906, 0.004474107445, 0.002429354597, -0.0001557569013]],
     [[0.221950385, -0.3187676331, 0.01799915743, 0.01074823814],
      [-0.2951249643, 0.06219954479, 0.01535556598, 0.001550077057],
      [0.02155310298, 0.004170831599, 0.001292462449, 6.976601077e-05]],
     [[-0.05980841433, 0.008441916499, 0.01085618172, 0.002319392565],
      [0.02911413504, 0.01400243777, -0.002721828457, 0.000751041181],
      [0.005900514878, -0.001936558688, -9.495446725e-06, 5.385558597e-05]]],
    [[[1, -0.02924021934, -0.04438342661, 0.007285809825],
      [0.6357567472, -0.3473456711, 0.05454656494, -0.002407477521],
      [-0.03301322327, 0.004845219414, 0.00231480583, -0.0002307248149]],
     [[0.5925320577, -0.1757678135, 0.01505928619, 0.000564515273],
      [0.1014815858, -0.06589186703, 0.01272886114, -0.0007316646956],
      [-0.007258481865, 0.001096195486, 0.0003934994223, -4.12701925e-05]],
     [[0.06469649321, -0.0236701437, 0.002902096474, -5.896963079e-05],
      [0.001925008108, -0.002869809258, 0.0008000589141, -6.063713228e-05],
      [-0.0003477407336, 6.959756487e-05, 1.097287507e-05, -1.650964693e-06]]]])


def _rational_beta(p, x, alpha, total):
    u = np.log(x)
    a = np.log(alpha) - u
    b = np.log(total) - a
    pow_u, pow_a = (1.0, u, u * u), (1.0, a, a * a)
    num = den = 0.0
    for i in range(3):
        for j in range(3):
            ua = pow_u[i] * pow_a[j]
            cn, cd = _BETA_PQ[0, i, j], _BETA_PQ[1, i, j]
            num = num + ua * (cn[0] + b * (cn[1] + b * (cn[2] + b * cn[3])))
            den = den + ua * (cd[0] + b * (cd[1] + b * (cd[2] + b * cd[3])))
    # the digammas are taken of the inputs in their own dtype and rounded to it
    spread = digamma(total.astype(p.dtype), p.dtype).astype(np.float64) - digamma(
        alpha.astype(p.dtype), p.dtype).astype(np.float64)
    approx = x * spread / (total - alpha)
    return num / den * approx
