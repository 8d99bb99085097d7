"""Fit the two polynomials of float32 GELU's kernel without PyTorch's bits (ember/ops/_gelu_fast32.py),
with mpmath as the reference.

    python scripts/fit_gelu_cdf.py      # prints the coefficient tables pasted into ember/ops/_gelu_fast32.py

GELU is ``x * Phi(x)``, ``Phi`` the standard normal distribution function. The kernel computes

* ``|x| < 2``:          ``Phi(x) = 1/2 + x * P(x^2)``, P in monomial form (Horner on ``u = x^2`` directly:
  no pass to shift ``u`` onto [-1, 1]; on [0, 4] the monomial coefficients lose under a unit of float32)
* ``2 <= |x| <= V_MAX``: ``Phi(-|x|) = exp(-x^2 / 2) * R(s)``, ``s = (2 |x| - (2 + V_MAX)) / (V_MAX - 2)``

Each polynomial is a near-minimax (Chebyshev) fit on [-1, 1] of the smallest degree whose relative error is
below 1e-8 (a sixth of float32's epsilon); P's is then expanded in ``u``.
"""
import mpmath as mp

mp.mp.dps = 50

INNER_U = 4                 # u = x^2 below 4: |x| < 2
V_MAX = 4 * mp.sqrt(2)      # beyond, Phi(x) rounds to 1 in float32 (its tail, 7.6e-9, is below half an ulp)


def inner(u):
    """(Phi(x) - 1/2) / x at u = x^2."""
    if u == 0:
        return 1 / mp.sqrt(2 * mp.pi)
    x = mp.sqrt(u)
    return mp.erf(x / mp.sqrt(2)) / (2 * x)


def tail(v):
    """Phi(-v) * exp(v^2 / 2)."""
    return mp.erfc(v / mp.sqrt(2)) / 2 * mp.exp(v * v / 2)


def fit(f, target=mp.mpf('1e-8')):
    for n in range(2, 40):
        coeffs, err = mp.chebyfit(f, [-1, 1], n, error=True)
        scale = min(abs(f(mp.mpf(-1))), abs(f(mp.mpf(1))), abs(f(mp.mpf(0))))
        if err / scale < target:
            return coeffs, err / scale
    raise RuntimeError('no degree reached the target')


def in_u(coeffs, scale, shift):
    """The polynomial ``P(s)`` (highest degree first) rewritten in ``u`` with ``s = scale * u + shift``."""
    out = [mp.mpf(0)]            # ascending powers of u
    for c in coeffs:             # Horner on polynomials: out = out * (scale u + shift) + c
        nxt = [mp.mpf(0)] * (len(out) + 1)
        for k, a in enumerate(out):
            nxt[k] += a * shift
            nxt[k + 1] += a * scale
        nxt[0] += c
        out = nxt
    while len(out) > 1 and out[-1] == 0:
        out.pop()
    return out[::-1]


def show(name, coeffs):
    print(f"{name} = (")
    for c in coeffs:
        print(f"    {mp.nstr(c, 20, min_fixed=-1, max_fixed=-1)},")
    print(")")


if __name__ == '__main__':
    coeffs, rel = fit(lambda s: inner((s + 1) * INNER_U / 2))
    print(f"# |x| < 2: degree {len(coeffs) - 1} in u = x^2, relative error {mp.nstr(rel, 3)}")
    show('_INNER', in_u(coeffs, mp.mpf(2) / INNER_U, -1))
    lo, hi = 2, V_MAX
    coeffs, rel = fit(lambda s: tail((hi + lo) / 2 + s * (hi - lo) / 2))
    print(f"# 2 <= |x| <= {mp.nstr(V_MAX, 8)}: degree {len(coeffs) - 1}, relative error {mp.nstr(rel, 3)}")
    show('_TAIL', coeffs)
