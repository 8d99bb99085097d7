"""The correctly rounded helpers the streams rely on, against exact rational arithmetic."""
from fractions import Fraction

import numpy as np

from ember._random import exact


def _round_f32(q):
    # nearest finite float32 to a rational, ties to even: try the neighbours of its double rounding
    with np.errstate(over='ignore'):
        d = np.float32(float(q))
        cands = [d, np.nextafter(d, np.float32(np.inf)), np.nextafter(d, np.float32(-np.inf))]
    cands = [c for c in cands if np.isfinite(c)]
    return min(cands, key=lambda c: (abs(Fraction(float(c)) - q), int(np.array(c).view(np.uint32)) & 1))


def _round_f64(q):
    d = float(q)
    cands = [d, np.nextafter(d, np.inf), np.nextafter(d, -np.inf)]
    return min(cands, key=lambda c: (abs(Fraction(float(c)) - q), int(np.array(c).view(np.uint64)) & 1))


def test_fma32_rounds_once_including_double_rounding_midpoints():
    rng = np.random.default_rng(0)
    a = rng.standard_normal(300).astype(np.float32)
    b = rng.standard_normal(300).astype(np.float32)
    c = rng.standard_normal(300).astype(np.float32)
    # (1 + 2**-13)(1 - 2**-12) is a float32 midpoint; a tiny c decides the rounding, which a
    # double sum would lose (it rounds back onto the midpoint)
    a[:2], b[:2] = np.float32(1 + 2 ** -13), np.float32(1 - 2 ** -12)
    c[0], c[1] = np.float32(2.0 ** -80), np.float32(-2.0 ** -80)
    got = exact.fma32(a, b, c)
    want = [_round_f32(Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z))) for x, y, z in zip(a, b, c)]
    assert got.tolist() == [float(w) for w in want]


def test_fma32_zero_sums_ties_and_subnormal_results_round_once():
    rng = np.random.default_rng(5)
    n = 4000
    # few-bit operands over wide ranges: many exact zeros (signed), exact ties, float32 subnormals
    a = (rng.integers(-8, 8, n) * 2.0 ** rng.integers(-80, 4, n)).astype(np.float32)
    b = (rng.integers(-8, 8, n) * 2.0 ** rng.integers(-80, 4, n)).astype(np.float32)
    c = (rng.integers(-64, 64, n) * 2.0 ** rng.integers(-152, 4, n)).astype(np.float32)
    c[::7] = -(a[::7].astype(np.float64) * b[::7]).astype(np.float32)   # cancellations to zero
    c[::11] = 0.0
    for bb in (b, np.float32(-0.375)):
        got = exact.fma32(a, bb, c)
        want = [_round_f32(Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z)))
                for x, y, z in zip(a, np.broadcast_to(bb, a.shape), c)]
        assert got.tolist() == [float(w) for w in want]
        zero = got == 0   # a zero's sign: as IEEE's exact sums give it, which NumPy's double sum does too
        assert np.array_equal(np.signbit(got[zero]), np.signbit((a * np.float64(bb) + c)[zero] if np.ndim(bb) == 0
                                                                else (a.astype(np.float64) * bb + c)[zero]))


def test_fma32_into_scalars_rounds_once_on_the_callers_buffers():
    rng = np.random.default_rng(9)
    n = 4000
    a = (rng.integers(-8, 8, n) * 2.0 ** rng.integers(-80, 4, n)).astype(np.float32)
    a[:1000] = rng.standard_normal(1000)
    a[1000] = np.float32(1 + 2 ** -13)
    out, work = np.empty(n, np.float32), np.empty(n)
    # a midpoint decided by a tiny c, subnormal results, cancellations to zero, a plain case
    for b, c in ((1 - 2 ** -12, 2.0 ** -80), (-0.375, 2.0 ** -140), (0.5, -2.0 ** -127), (0.37, 0.5)):
        b, c = np.float32(b), np.float32(c)
        got = exact.fma32_into(a, b, c, out, work)
        assert got is out
        want = [_round_f32(Fraction(float(x)) * Fraction(float(b)) + Fraction(float(c))) for x in a]
        assert got.tolist() == [float(w) for w in want]
        assert got.tobytes() == exact.fma32(a, b, c).tobytes()     # signs of zeros included


def test_fma32_few_rounds_once_as_fma32():
    """fma32_few (a batch's values at its targets) against exact arithmetic and fma32's bits: midpoints of
    exact sums (a power-of-two scale) and of inexact ones, subnormal results, zeros, NaN, per-row operands."""
    rng = np.random.default_rng(17)
    n = 64
    cases = []
    e = rng.random(n).astype(np.float32)
    e[:8] = (rng.integers(1, 64, 8) * 2.0 ** -rng.integers(7, 30, 8)).astype(np.float32)   # exact midpoints
    for scale in (-2.0 ** -6, -1 / 60, 2.0 ** 10, -2.0 ** -120):
        s = np.float32(scale)
        cases.append((-e, s, s))
    a = rng.standard_normal(n).astype(np.float32)
    a[:2] = np.float32(1 + 2 ** -13)         # (1 + 2**-13)(1 - 2**-12) + tiny: the double sum loses the tie
    b = rng.standard_normal(n).astype(np.float32)
    b[:2] = np.float32(1 - 2 ** -12)
    c = rng.standard_normal(n).astype(np.float32)
    c[0], c[1] = np.float32(2.0 ** -80), np.float32(-2.0 ** -80)
    cases += [(a, b, c), (a, b[0], c), (a, b, np.float32(0.25))]
    z = a.copy()
    z[5] = -c[5] / b[5]                      # a cancellation to zero
    cases.append((z, b, c))
    nan = a.copy()
    nan[3] = np.nan
    cases.append((nan, b, c))
    m = 4000    # few-bit operands over wide ranges: subnormal results, ties, zeros
    cases.append(((rng.integers(-8, 8, m) * 2.0 ** rng.integers(-80, 4, m)).astype(np.float32),
                  (rng.integers(-8, 8, m) * 2.0 ** rng.integers(-80, 4, m)).astype(np.float32),
                  (rng.integers(-64, 64, m) * 2.0 ** rng.integers(-152, 4, m)).astype(np.float32)))
    # just below a midpoint of float32's subnormals, which the double sum rounds onto (and its tie goes up)
    sub = np.full(n, np.float32((1 + 2 ** -23) * 2.0 ** -75))
    cases.append((sub, np.float32((1 - 2 ** -23) * 2.0 ** -75), np.float32(2.0 ** -130 + 2.0 ** -149)))
    for x, y, w in cases:
        got = exact.fma32_few(x, y, w)
        assert got.tobytes() == exact.fma32(x, y, w).tobytes()
        finite = np.isfinite(got)
        want = [_round_f32(Fraction(float(p)) * Fraction(float(q)) + Fraction(float(r)))
                for p, q, r in zip(x[finite], np.broadcast_to(y, x.shape)[finite], np.broadcast_to(w, x.shape)[finite])]
        assert got[finite].tolist() == [float(v) for v in want]
    x, y, w = cases[0]
    sums = np.multiply(x, y, dtype=np.float64) + w
    assert ((sums.view(np.uint64) & np.uint64(0x1FFFFFFF)) == np.uint64(0x10000000)).any()   # (midpoints occur there)
    assert exact.fma32_few(a[:2], b[:2], c[:2]).tolist() != (a[:2].astype(np.float64) * b[:2] + c[:2]).astype(
        np.float32).tolist()                    # (and the double sum alone would round the tie wrongly)


def test_fma32_rows_rounds_once_per_row_scale_and_shift(monkeypatch):
    rng = np.random.default_rng(13)
    monkeypatch.setattr(exact, '_CHUNK', 64)     # several pieces even for these small arrays
    for rows, size, period in ((12, 10, 3), (12, 10, None), (7, 5, None), (6, 100, 2), (9, 4, 3)):
        a = (rng.integers(-8, 8, (rows, size)) * 2.0 ** rng.integers(-80, 4, (rows, size))).astype(np.float32)
        a[::2] = rng.standard_normal((len(a[::2]), size))
        a[0, 0] = np.float32(1 + 2 ** -13)
        per = period or rows
        b = rng.standard_normal(per).astype(np.float32)
        c = rng.standard_normal(per).astype(np.float32)
        # a midpoint decided by a tiny shift, subnormal results of both signs, cancellations to zero
        b[0], c[0] = np.float32(1 - 2 ** -12), np.float32(-2.0 ** -80)
        if per > 2:
            b[1], c[1] = np.float32(-0.375), np.float32(2.0 ** -140)
            b[2], c[2] = np.float32(0.5), np.float32(-2.0 ** -127)
        b, c = np.tile(b, rows // per), np.tile(c, rows // per)
        a[1 % rows] = -c[1 % rows] / b[1 % rows]
        got = exact.fma32_rows(a, b, c, period)
        assert got[0, 0] != np.float32(a[0, 0] * np.float64(b[0]) + c[0])   # (the double sum rounds wrongly there)
        assert got.tobytes() == exact.fma32(a, b[:, None], c[:, None]).tobytes()   # signs of zeros included
        want = [_round_f32(Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z)))
                for x, y, z in zip(a.ravel(), np.repeat(b, size), np.repeat(c, size))]
        assert got.ravel().tolist() == [float(w) for w in want]
    assert exact.fma32_rows(np.zeros((0, 3), np.float32), b[:0], c[:0]).shape == (0, 3)


def test_fma64_rounds_once():
    rng = np.random.default_rng(1)
    a, b, c = rng.standard_normal((3, 300))
    a[0], b[0], c[0] = 1 + 2 ** -30, 1 + 2 ** -30, -1.0      # exact result needs 61 bits
    a[1], b[1], c[1] = 1 + 2 ** -52, 1 - 2 ** -53, -1.0
    got = exact.fma64(a, b, c)
    want = [_round_f64(Fraction(x) * Fraction(y) + Fraction(z)) for x, y, z in zip(a, b, c)]
    assert got.tolist() == [float(w) for w in want]


def test_libm_wrappers_handle_the_edges_as_c_does():
    assert exact.log(np.array([0.0, -1.0, 1.0])).tolist()[0] == -np.inf
    assert np.isnan(exact.log(np.array([-1.0]))[0])
    assert exact.exp(np.array([1000.0, 0.0])).tolist() == [np.inf, 1.0]
    assert exact.log1p(np.array([-1.0]))[0] == -np.inf


def test_fast_log_is_the_c_librarys_log():
    import math
    rng = np.random.default_rng(3)
    u = rng.integers(0, 2 ** 53, 200000, dtype=np.uint64).astype(np.float64) * 2.0 ** -53
    x = np.concatenate([1.0 - u, np.exp(rng.normal(0, 30, 50000)), [1.0, 2.0, 0.5, 0.0, 1e-300, 1e300]])
    want = np.array([math.log(v) if v > 0 else -math.inf for v in x.tolist()])
    assert exact.log(x).tobytes() == want.tobytes()


def test_fast_exp_is_the_c_librarys_exp():
    import math
    rng = np.random.default_rng(5)
    x = np.concatenate([rng.standard_normal(100000) * 3, rng.uniform(-760, 760, 50000),
                        rng.standard_normal(20000) * 1e-9,
                        [0.0, -0.0, 1.0, 700.0, -700.0, 709.78, 709.79, -745.2, -746.0, np.inf, -np.inf]])

    def c_exp(v):
        try:
            return math.exp(v)
        except OverflowError:
            return math.inf
    want = np.array([c_exp(v) for v in x.tolist()])
    assert exact.exp(x).tobytes() == want.tobytes()


def test_fast_log_of_subnormals_and_numbers_near_one():
    import math
    rng = np.random.default_rng(6)
    x = np.concatenate([rng.random(20000) * 1e-310, 1 + rng.integers(-2 ** 20, 2 ** 20, 50000) * 2.0 ** -52,
                        1 + rng.standard_normal(50000) * 1e-3, [np.inf, 5e-324, np.finfo(np.float64).tiny]])
    want = np.array([math.log(v) if v != math.inf else math.inf for v in x.tolist()])
    assert exact.log(x).tobytes() == want.tobytes()


def test_vectorised_log1p_of_uniforms_is_the_c_librarys():
    import math
    from ember._random.libm_log1p import log1p_neg
    rng = np.random.default_rng(4)
    u = rng.integers(0, 2 ** 53, 200000, dtype=np.uint64).astype(np.float64) * 2.0 ** -53
    edges = [0.0, 2.0 ** -53, 2.0 ** -30, 2.0 ** -29, 0.29289321881345254, 0.2928932188134524, 0.5,
             1 - 2.0 ** -53, 0.75, 1 - 2 ** -0.5]
    u = np.concatenate([u, u[:20000] * 1e-7, edges])
    want = np.array([math.log1p(-v) if v else -0.0 for v in u.tolist()])
    assert log1p_neg(u).tobytes() == want.tobytes()


def test_c_pow_of_an_array():
    import math
    x = np.linspace(1e-9, 1.0, 1001)
    assert exact.pow(x, 1 / 0.3).tolist() == [math.pow(v, 1 / 0.3) for v in x.tolist()]


_F32_OVERFLOW = Fraction(2) ** 128 - Fraction(2) ** 103     # halfway from float32's largest to 2**128


def _fused_f32(a, b, c):
    """The float32 nearest to ``a * b + c`` computed in rationals (ties to even, infinity past the largest
    float's half-way point), elementwise over the broadcast operands."""
    out = []
    for x, y, z in zip(*(np.broadcast_to(v, np.broadcast_shapes(*map(np.shape, (a, b, c)))).ravel()
                         for v in (a, b, c))):
        q = Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z))
        out.append(float(np.copysign(np.inf, float(q))) if abs(q) >= _F32_OVERFLOW else float(_round_f32(q)))
    return out


def test_fma32_broadcasts_and_rounds_once_at_midpoints_subnormals_and_overflow():
    rng = np.random.default_rng(7)
    f = np.float32
    cases = []
    # plain values, broadcast three ways (the full-shape operand first, second, last, or none at all)
    col, row = rng.standard_normal((40, 1)).astype(f), rng.standard_normal((1, 30)).astype(f)
    cases += [(col, row, rng.standard_normal(30).astype(f)), (row, col, f(0.3)),
              (f(1.75), col, rng.standard_normal((40, 30)).astype(f)), (col, f(-3.5), row)]
    # double-rounding midpoints: (1 + 2**-13)(1 - 2**-12) lies halfway between two floats, and a c far
    # below it decides the rounding; scaled over the whole exponent range, up to float32's largest
    scale = 2.0 ** rng.integers(-60, 64, 64)
    a = (np.float32(1 + 2 ** -13) * scale).astype(f)
    b = (np.float32(1 - 2 ** -12) * scale[::-1]).astype(f)
    tiny = (a.astype(np.float64) * b * 2.0 ** -40 * rng.choice([-1.0, 1.0], 64)).astype(f)
    cases.append((a, b, tiny))
    # subnormal results: few-bit operands whose products and sums land below 2**-126
    a = (rng.integers(-64, 64, 500) * 2.0 ** rng.integers(-80, -60, 500)).astype(f)
    b = (rng.integers(-64, 64, 500) * 2.0 ** rng.integers(-80, -60, 500)).astype(f)
    c = (rng.integers(-2 ** 20, 2 ** 20, 500) * 2.0 ** -149).astype(f)
    cases += [(a, b, c), (a, f(0.75), c)]
    # a subnormal result whose double sum lands on a float32 midpoint: (1 + 2**-23)(1 - 2**-23) * 2**-150
    # is 2**-150 less 2**-196, which the double sum with c (an odd number of 2**-149 near 2**-126) loses
    sub_a = np.full(4, (1 + 2 ** -23) * 2.0 ** -75, f)
    sub_b = np.array([1, 1, -1, -1], f) * f((1 - 2 ** -23) * 2.0 ** -75)
    sub_c = np.array([2 ** 23 - 1, 2 ** 23 - 3, -(2 ** 23 - 1), -(2 ** 23 - 3)], f) * f(2.0 ** -149)
    cases.append((sub_a, sub_b, sub_c))
    # overflow: a product exactly on the half-way point past the largest float (31 * 601 * 1801 is
    # 2**25 - 1), nudged either way by a c the double sum loses; and plain overflow and its edge
    big_a = np.array([18631 * 2.0 ** 52] * 2 + [np.finfo(f).max] * 3, f)
    big_b = np.array([1801 * 2.0 ** 51] * 2 + [1.0] * 3, f)
    big_c = np.array([2.0 ** -10, -2.0 ** -10, 2.0 ** 103, -2.0 ** 103, 2.0 ** 103 * (1 - 2 ** -24)], f)
    cases += [(big_a, big_b, big_c), (-big_a, big_b, -big_c)]
    for a, b, c in cases:
        with np.errstate(over='ignore'):
            got = exact.fma32(a, b, c)
        assert got.dtype == np.float32 and got.shape == np.broadcast_shapes(*map(np.shape, (a, b, c)))
        assert got.ravel().tolist() == _fused_f32(a, b, c)
    # the naive double computation is wrong on the subnormal and overflow cases above
    naive_sub = (sub_a.astype(np.float64) * sub_b + sub_c).astype(f)
    assert naive_sub[0] == f(2.0 ** -126) and exact.fma32(sub_a, sub_b, sub_c)[0] == sub_c[0]
    with np.errstate(over='ignore'):
        naive = (big_a.astype(np.float64) * big_b + big_c).astype(f)
        assert naive[1] == np.inf and exact.fma32(big_a, big_b, big_c)[1] == np.finfo(f).max
