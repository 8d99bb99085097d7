"""Fit the polynomial pieces ember's erf/erfc use (ember/ops/_erf.py), with mpmath as the reference.

    python scripts/fit_erf.py      # prints the coefficient tables pasted into ember/ops/_erf.py

Each piece is a near-minimax (Chebyshev) polynomial in a variable s in [-1, 1]:

* |x| < 1:     erf(x) = x * P(s),              s = 2 x^2 - 1
* 1 <= x < 8:  erfc(x) = exp(-x^2) * P(s),     s maps one of [1, 2), [2, 4), [4, 8) onto [-1, 1]
* x >= 8:      erfc(x) = exp(-x^2) / x * P(s), s = 128 / x^2 - 1  (x^2 >= 64)

and, for float32's erf alone (which needs only absolute accuracy beyond 1, and is 1 beyond 4):

* 1 <= x <= 4: erfc(x) = exp(-x^2) * P(s),     s = (2 x - 5) / 3

Degrees are the smallest that bring the piece's relative error below 1e-17 (float64) or 1e-8 (float32).
"""
import mpmath as mp

mp.mp.dps = 50


def erfcx(x):
    return mp.erfc(x) * mp.exp(x * x)


PIECES = [
    ('small', lambda s: mp.erf(mp.sqrt((s + 1) / 2)) / mp.sqrt((s + 1) / 2) if s > -1 else 2 / mp.sqrt(mp.pi)),
    ('1_2', lambda s: erfcx(mp.mpf(3) / 2 + s / 2)),
    ('2_4', lambda s: erfcx(3 + s)),
    ('4_8', lambda s: erfcx(6 + 2 * s)),
    ('8_inf', lambda s: (lambda x: erfcx(x) * x)(mp.sqrt(128 / (s + 1))) if s > -1 else 1 / mp.sqrt(mp.pi)),
]


def fit(f, target):
    for n in range(2, 40):
        coeffs, err = mp.chebyfit(f, [-1, 1], n, error=True)
        scale = min(abs(f(mp.mpf(-1))), abs(f(mp.mpf(1))), abs(f(mp.mpf(0))))
        if err / scale < target:
            return coeffs, err / scale
    raise RuntimeError('no degree reached the target')


if __name__ == '__main__':
    # float64 pieces to 1e-17, float32 pieces (evaluated in float32) to 1e-8, a sixth of its epsilon
    for suffix, target in (('64', mp.mpf('1e-17')), ('32', mp.mpf('1e-8'))):
        for name, f in PIECES:
            coeffs, rel = fit(f, target)
            print(f"# {name}: degree {len(coeffs) - 1}, relative error {mp.nstr(rel, 3)}")
            print(f"_{name.upper()}_{suffix} = (")
            for c in coeffs:
                print(f"    {mp.nstr(c, 20, min_fixed=-1, max_fixed=-1)},")
            print(")")
    # float32 erf beyond 1 in one piece: one gather instead of three on GELU's hot path
    coeffs, rel = fit(lambda s: erfcx(mp.mpf(5) / 2 + 3 * s / 2), mp.mpf('1e-8'))
    print(f"# 1_4: degree {len(coeffs) - 1}, relative error {mp.nstr(rel, 3)}")
    print("_1_4_32 = (")
    for c in coeffs:
        print(f"    {mp.nstr(c, 20, min_fixed=-1, max_fixed=-1)},")
    print(")")
