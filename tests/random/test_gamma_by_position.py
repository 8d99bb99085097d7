"""Gamma draws resolved by stream position equal PyTorch's element-by-element loop (ember's own
serial implementation of it, itself pinned to PyTorch's recorded draws), also for shapes that
repeat with a period, whether or not a cached normal is waiting."""
import numpy as np
import pytest

import ember
from ember._random import gamma_by_position, serial
from ember.ops.random import default_generator


def _serial(alpha, dt):
    stream = serial._Stream(default_generator, alpha.size * 4)
    out, used, cached = serial._gammas(alpha, dt, stream, default_generator._normal_double)
    stream.close(used, cached)
    return np.maximum(np.array(out).astype(dt), np.finfo(dt).tiny)


@pytest.mark.parametrize('shapes', [(2.5,), (0.3,), (0.1, 0.5, 2.0), (20.0, 0.01, 3.0, 7.0)])
@pytest.mark.parametrize('cached', [False, True])
def test_by_position_equals_the_element_loop(shapes, cached):
    for dt in (np.float32, np.float64):
        alpha = np.tile(np.array(shapes, dt), 301)
        ember.manual_seed(5)
        if cached:
            ember.randn(1, dtype=ember.float64)     # leaves the second Box-Muller value cached
        state, normal = default_generator.get_state(), default_generator._normal_double
        fast = gamma_by_position.standard_gamma(default_generator, alpha, len(shapes), dt).astype(dt)
        fast = np.maximum(fast, np.finfo(dt).tiny)
        after, fast_normal = default_generator.get_state(), default_generator._normal_double
        default_generator.set_state(state)
        default_generator._normal_double = normal
        assert fast.tobytes() == _serial(alpha, dt).tobytes()
        assert ember.equal(after, default_generator.get_state()) and fast_normal == default_generator._normal_double


def test_period_of_the_shapes():
    assert gamma_by_position.period(np.full(40, 2.0)) == 1
    assert gamma_by_position.period(np.tile([1.0, 2.0], 20)) is None       # longer than MAX_PERIOD
    assert gamma_by_position.period(np.full(10, 2.0)) is None              # too few to pay off
    assert gamma_by_position.period(np.append(np.full(40, 2.0), 0.0)) is None
