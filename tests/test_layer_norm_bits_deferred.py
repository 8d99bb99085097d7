"""LayerNorm's float32 statistics checked once at the end (``_layer_norm_bits._DeferredFma``) are those of
every fused step rounded by ``fma32`` on the spot, for data with exact ties, subnormal steps and plain values."""
import numpy as np
import pytest

from ember._random.exact import fma32
from ember.ops import _layer_norm_bits


def _data(kind, shape, rng):
    if kind == 'normal':
        return rng.standard_normal(shape).astype(np.float32)
    if kind == 'small integers':       # Welford's halvings land exactly on float32 midpoints (exact ties)
        return rng.integers(-4, 4, shape).astype(np.float32)
    if kind == 'offset':               # a large mean: each step's double sum is inexact
        return (rng.standard_normal(shape) * 1e-3 + 3e3).astype(np.float32)
    return (rng.standard_normal(shape) * 1e-30).astype(np.float32)    # steps in the subnormals


@pytest.mark.parametrize('kind', ['normal', 'small integers', 'offset', 'tiny'])
@pytest.mark.parametrize('shape', [(37, 7), (37, 128), (9, 300), (5, 2100)])
def test_deferred_checks_give_the_step_by_step_bits(kind, shape):
    x = _data(kind, shape, np.random.default_rng(len(kind) * shape[1]))
    with np.errstate(all='ignore'):
        want = _layer_norm_bits._row_moments(x, _layer_norm_bits._fma32)
        deferred = _layer_norm_bits._DeferredFma()
        got = _layer_norm_bits._row_moments(x, deferred)
        exact = deferred.exact()
    # without subnormal steps the deferred rounding is the fused one, exact ties included
    assert exact == (kind != 'tiny' or shape[1] < 8)
    if exact:
        assert all(g.tobytes() == w.tobytes() for g, w in zip(got, want))
    assert all(g.tobytes() == w.tobytes() for g, w in zip(_layer_norm_bits.row_moments(x), want))


@pytest.mark.parametrize('size', [1, 5000])       # checked at the end, and on the spot
def test_a_double_rounded_midpoint_is_caught_and_an_exact_tie_is_not(size):
    # (1 + 2**-13)(1 - 2**-12) lies halfway between two floats; minus 2**-80 the double sum rounds back
    # onto that midpoint, and rounding it again goes the wrong way
    a = np.full(size, 1 + 2 ** -13, np.float32)
    b = np.full(size, 1 - 2 ** -12, np.float32)
    lost = _layer_norm_bits._DeferredFma()
    got = lost(a, b, np.float32(-2.0 ** -80))
    assert not lost.exact() and got.tobytes() != fma32(a, b, np.float32(-2.0 ** -80)).tobytes()
    tie = _layer_norm_bits._DeferredFma()
    got = tie(a, b, np.float32(0))
    assert tie.exact() and got.tobytes() == fma32(a, b, np.float32(0)).tobytes()
    tiny = _layer_norm_bits._DeferredFma()
    tiny(a, b * np.float32(2.0 ** -140), np.float32(0))     # sums in float32's subnormals
    assert not tiny.exact()


def test_a_number_times_an_array_step_is_rounded_once():
    # the mean's steps, fma(1 / (j + 1), delta, mean), go through BLAS's saxpy where it rounds once (no
    # check needed); an operand in a strided view (a lane of the accumulators) included
    from ember.optim._blas_axpy import rounds_once
    rng = np.random.default_rng(3)
    delta = rng.standard_normal((4000, 8)).astype(np.float32)
    mean = rng.standard_normal((4000, 8)).astype(np.float32)
    step = np.float32(1) / np.float32(3)
    fast = _layer_norm_bits._DeferredFma()
    for a, b, c in ((step, delta, mean), (delta, step, mean), (step, delta[:, 2], mean[:, 5])):
        got = fast(a, b, c)
        assert got.tobytes() == fma32(a, b, c).tobytes()
        # (one rounding, not two: the unfused float32 steps differ somewhere)
        assert got.tobytes() != (np.float32(a) * b + c if np.ndim(a) == 0 else a * np.float32(b) + c).tobytes()
    assert fast.exact()
    # with saxpy used nothing is left to check at the end
    assert not fast.pending or not rounds_once()
