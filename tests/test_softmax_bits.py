"""float32 softmax, log_softmax and cross_entropy (class indices with weights, ignore_index and
label smoothing; class probabilities) against PyTorch 2.13's recorded bits
(tests/fixtures/softmax_bits/recorded.npz, written by its record.py on an AVX-512 CPU): last-dim
sizes 1..300, 1000 and 4096, other dims on either side of one 16-float vector, log_softmax's blocks,
softmax's split between one and two threads, exp's underflow and -inf entries."""
from pathlib import Path

import numpy as np
import pytest

import ember
import ember.nn.functional as F
import ember.ops.activation as activation
from ember._random.exact import fma32
from ember.ops import _softmax_bits
from tests.fixtures.softmax_bits.record import CASES, CE_CASES, REDUCTIONS, ce_inputs, digest, inputs

REC = np.load(Path(__file__).parent / 'fixtures' / 'softmax_bits' / 'recorded.npz')


@pytest.fixture
def recorded_width(monkeypatch):
    """ember's softmax kernels set to the vector width of the CPU the digests were recorded on."""
    monkeypatch.setattr(_softmax_bits, 'LANES', _softmax_bits.lanes_for(str(REC['cpu_capability'])))


def _check(got, want, what):
    got = got.numpy()
    assert got.dtype == np.float32
    assert np.array_equal(digest(got), want), f'{what}: not PyTorch\'s bits'


@pytest.mark.parametrize('case', range(len(CASES)))
def test_softmax_and_log_softmax_bits(case, monkeypatch, recorded_width):
    x_np = inputs(case)
    assert np.array_equal(digest(x_np), REC['input_sha'][case]), 'the seeded input changed: re-record'
    dim = CASES[case][1]
    x = ember.from_numpy(x_np)
    _check(ember.log_softmax(x, dim), REC['log_softmax_sha'][case, 0], 'log_softmax')
    for threads in (1, 2):
        monkeypatch.setattr(activation, 'intra_op_threads', lambda: threads)
        _check(ember.softmax(x, dim), REC['softmax_sha'][case, threads - 1], f'softmax, {threads} threads')
        _check(F.log_softmax(x, dim), REC['log_softmax_sha'][case, threads - 1], 'log_softmax')


def test_thread_split_changes_softmax_bits():
    """Two threads move which positions take the vector exp (why the thread count is an input)."""
    assert any(not np.array_equal(REC['softmax_sha'][c, 0], REC['softmax_sha'][c, 1]) for c in range(len(CASES)))


@pytest.mark.parametrize('case', range(len(CE_CASES)))
def test_cross_entropy_bits(case, recorded_width):
    x, target, weight, kwargs = ce_inputs(case)
    assert np.array_equal(digest(x, target, weight), REC[f'ce{case}_sha']), 'the seeded input changed'
    for reduction in REDUCTIONS:
        got = F.cross_entropy(ember.from_numpy(x), ember.tensor(target), None if weight is None else ember.from_numpy(weight),
                              reduction=reduction, **kwargs)
        np.testing.assert_array_equal(got.numpy(), REC[f'ce{case}_{reduction}'], strict=True)


def test_sleef_exp_edges():
    d = np.array([0.0, -0.0, -1e-30, -103.9, -104.0, -104.5, -np.inf, np.nan, 88.0, 101.0], np.float32)
    e = _softmax_bits.sleef_expf(d)
    assert e[0] == 1 and e[1] == 1 and e[2] == 1
    assert 0 < e[3] < 1e-44 and e[5] == 0 and e[6] == 0 and np.isnan(e[7])
    assert np.isfinite(e[8]) and e[9] == np.inf
    np.testing.assert_allclose(_softmax_bits.sleef_expf(np.linspace(-80, 80, 1001, dtype=np.float32)),
                               np.exp(np.linspace(-80, 80, 1001, dtype=np.float32)), rtol=2e-7)


def test_sleef_exp_shortcuts_give_the_step_by_step_bits(monkeypatch):
    # the gathered midpoint checks, the unchecked first step and the skipped masked scores against every
    # fused step through fma32 on its own: a spread of bit patterns (every exponent, NaN, infinities,
    # subnormals), scores of every size, short dyadic values (whose steps land on float32 midpoints,
    # so the gathered checks send them back through fma32), and a causal mask's -inf half
    rng = np.random.default_rng(11)
    bits = np.concatenate([np.arange(0, 2 ** 32, 4099, dtype=np.uint64).astype(np.uint32),
                           rng.integers(0, 2 ** 32, 100000, dtype=np.uint64).astype(np.uint32)])
    dyadic = (np.arange(-800, 800)[:, None] / 2.0 ** np.arange(12)).ravel()
    spread = np.concatenate([bits.view(np.float32), rng.uniform(-104, 100, 200000).astype(np.float32),
                             dyadic.astype(np.float32)])
    redone = []
    step_by_step = _softmax_bits._expf_core
    monkeypatch.setattr(_softmax_bits, '_expf_core', lambda d, normal: (normal and redone.append(d.size)) or step_by_step(d, normal))
    masked = rng.standard_normal((64, 64)).astype(np.float32) * 8
    masked[np.triu_indices(64, 1)] = -np.inf
    # (the dyadic values alone: few enough for the checks made in one pass after the steps)
    few = dyadic.astype(np.float32)[::5]
    assert few.size <= _softmax_bits._GATHER_LIMIT < spread.size
    for d, meets_midpoints in ((spread, True), (masked.ravel(), False), (few, True)):
        redone.clear()
        with np.errstate(all='ignore'):
            want = step_by_step(d, False)
            want[d < -104] = 0
            deferred = _softmax_bits._expf_deferred(d[np.abs(d) >= 2.0 ** -100])
        assert _softmax_bits.sleef_expf(d).tobytes() == want.tobytes()
        assert deferred.tobytes() == want[np.abs(d) >= 2.0 ** -100].tobytes()
        # (some midpoints were met and redone; the subnormal inputs' calls not counted)
        assert sum(redone) > 0 or not meets_midpoints


def test_row_max_is_numpys_max_bit_for_bit():
    rng = np.random.default_rng(12)
    for width in (1, 15, 16, 17, 64, 96, 300):
        rows = rng.standard_normal((40, width)).astype(np.float32)
        rows[1] = -np.inf
        rows[2] = 0.0
        rows[3, ::2] = -0.0
        rows[3, 1::2] = -1.0
        rows[4, width // 2] = np.nan
        rows[5] = np.float32(-0.0)
        rows[5, -1] = 0.0
        assert _softmax_bits._row_max(rows).tobytes() == rows.max(axis=1, keepdims=True).tobytes()


def test_short_rows_sum_one_value_after_another():
    # rows shorter than a vector: each row's values added in order from zero, as a scalar loop adds them
    # (values of very different sizes, so that another order would round differently; a row alone many
    # times over, as NumPy's own sum of one run pairs values up from eight on)
    rng = np.random.default_rng(13)
    for count, trials in ((1, 40), (2, 10), (3, 10), (70, 1)):
        for width in range(1, _softmax_bits.LANES):
            for _ in range(trials):
                rows = (rng.standard_normal((count, width)) *
                        10.0 ** rng.integers(-6, 6, (count, width))).astype(np.float32)
                if count > 1:
                    rows[-1] = np.float32(-0.0)
                want = np.empty(count, np.float32)
                for i, row in enumerate(rows):
                    total = np.float32(0)
                    for value in row:
                        total = np.float32(total + value)
                    want[i] = total
                assert _softmax_bits._lane_sum(rows).tobytes() == want.tobytes(), (count, width)


def test_sleef_log_is_within_an_ulp_and_keeps_edges():
    v = np.geomspace(1e-30, 1e30, 2001).astype(np.float32)
    np.testing.assert_allclose(_softmax_bits.sleef_logf(v), np.log(v.astype(np.float64)), rtol=2e-7, atol=1e-7)
    edge = _softmax_bits.sleef_logf(np.array([0.0, np.inf, -1.0, np.nan], np.float32))
    assert edge[0] == -np.inf and edge[1] == np.inf and np.isnan(edge[2]) and np.isnan(edge[3])


def test_gradients_and_other_dtypes_unchanged():
    x = ember.randn(4, 37, requires_grad=True)
    y = ember.softmax(x, 1)
    (y * ember.arange(37.0)).sum().backward()
    p = y.detach()
    g = p * (ember.arange(37.0) - (p * ember.arange(37.0)).sum(1, keepdim=True))
    assert ember.allclose(x.grad, g, atol=1e-6)
    for dt in (ember.float64, ember.float16, ember.bfloat16):
        z = ember.randn(3, 20, dtype=dt)
        assert ember.softmax(z, 1).dtype == dt and ember.log_softmax(z, 0).dtype == dt
        assert ember.allclose(ember.softmax(z.float(), 1), ember.softmax(z, 1).float(), atol=1e-2)


def test_sleef_log_deferred_checks_give_the_step_by_step_bits():
    # the log's fused steps rounded at once with their midpoint checks gathered (the few elements marked
    # redone through fma32) against every fused step through fma32: a spread of bit patterns (every
    # exponent, subnormals, NaN, infinities, negatives), short dyadic values and values next to 1
    # (whose steps land on float32 midpoints)
    rng = np.random.default_rng(12)
    bits = np.concatenate([np.arange(0, 2 ** 32, 4099, dtype=np.uint64).astype(np.uint32),
                           rng.integers(0, 2 ** 32, 100000, dtype=np.uint64).astype(np.uint32)])
    dyadic = (np.arange(1, 3000)[:, None] / 2.0 ** np.arange(0, 24, 3)).ravel()
    near_one = 1 + np.arange(-3000, 3000) * 2.0 ** -23
    marked = []
    for d in (bits.view(np.float32), dyadic.astype(np.float32), near_one.astype(np.float32)):
        ok = np.isfinite(d) & (d >= np.finfo(np.float32).tiny)
        positive = np.where(ok, d, np.float32(1))
        with np.errstate(all='ignore'):
            want = np.where(ok, _softmax_bits._logf_core(positive, fma32, exact_fma=fma32), np.log(d))
            sums = []
            _softmax_bits._logf_core(positive, _softmax_bits._marking_fma(sums))
        hits = _softmax_bits._midpoints(sums)
        marked.append(0 if hits is None else hits.sum())
        assert _softmax_bits.sleef_logf(d).tobytes() == want.astype(np.float32).tobytes()
    assert sum(marked) > 0     # (some steps met midpoints and were redone)


def test_sleef_log_unchecked_step_is_exact_for_every_mantissa():
    # the step the log leaves unchecked depends on the mantissa m in [0.75, 1.5) alone: for every float32
    # there, rounding its double sum once gives the fused result
    m = np.arange(np.float32(0.75).view(np.uint32), np.float32(1.5).view(np.uint32), dtype=np.uint32).view(np.float32)
    d_hi, d_lo = _softmax_bits._two_sum_hi_lo(np.float32(1), m)
    t = np.float32(1) / d_hi
    residual = _softmax_bits._residual(-d_hi, t, np.float32(1))
    assert fma32(-d_lo, t, residual).tobytes() == _softmax_bits._residual(-d_lo, t, residual).tobytes()
    # the steps the log leaves out: SLEEF's double-float -1 + m is m - 1 with an error term of +0, and
    # the fused step of that +0, fma(+0, t, u), gives u back (u, a product's rounding error, is never -0)
    n_hi, n_lo = _softmax_bits._two_sum_hi_lo(np.float32(-1), m)
    assert n_hi.tobytes() == (m - np.float32(1)).tobytes()
    assert n_lo.tobytes() == np.zeros_like(m).tobytes()
    x_hi = n_hi * t
    u = _softmax_bits._residual(t, n_hi, -x_hi)
    assert fma32(n_lo, t, u).tobytes() == u.tobytes()


def test_exp_steps_on_their_binades_grid_are_the_fused_steps():
    # the exp's first four fused steps, taken as one double sum on their binade's float32 grid: every step
    # stays in the binade of its constant from s = -0.35 to 0.35 (it grows with s: the two ends bound it),
    # and rounding there is fma32's for a spread of reduced arguments, dyadic ones (short: their sums sit
    # on float32 midpoints) and the ends included
    poly = _softmax_bits._POLY
    rng = np.random.default_rng(14)
    s = np.concatenate([rng.uniform(-0.35, 0.35, 200000), rng.uniform(-1, 1, 20000) * 10.0 ** rng.integers(-40, 0, 20000),
                        np.arange(-2800, 2801) / 8000, [-0.35, 0.35, 0.0, -0.0]]).astype(np.float32)
    ends = s[-4:-2]
    want, u = [], fma32(poly[0], s, poly[1])
    for c in (None,) + poly[2:5]:
        if c is not None:
            u = fma32(u, s, c)
        want.append(u)
    for step, c in enumerate(poly[1:5]):
        binade = np.frexp(c)[1]
        assert (np.frexp(want[step][-4:-2])[1] == binade).all(), (step, want[step][-4:-2], ends)
    r = s.astype(np.float64) * np.float64(poly[0])
    for step in range(4):
        if step:
            r *= s.astype(np.float64)
        r += _softmax_bits._POLY_ON_GRID[step]
        r -= _softmax_bits._POLY_GRID[step]
        assert r.astype(np.float32).tobytes() == want[step].tobytes() and (r == want[step]).all()
