"""The position-tabled Poisson and binomial samplers when their first block of uniforms is too
short (they start again on a larger one) and when closing falls inside a saved chunk of the
engine's state: the same recorded PyTorch numbers and stream position as with a roomy block."""
import numpy as np
import pytest

import ember
from ember._random import by_position
from tests.random import cases
from tests.random.test_recorded import RECORDED, _same_bits

SAMPLERS = cases._samplers()
NAMES = [f'{kind} {dt}' for kind in ('poisson few rates', 'binomial few pairs') for dt in ('float32', 'float64')]


@pytest.mark.parametrize('name', NAMES)
def test_too_short_a_block_regrows(monkeypatch, name):
    real = by_position._walk_block
    sizes = []

    def tiny(gen, need, where, make_tables):
        sizes.append(need)
        return real(gen, 1.0, where, make_tables)
    monkeypatch.setattr(by_position, '_walk_block', tiny)
    monkeypatch.setattr(by_position.UniformBlock, 'CHUNK', 1000)
    got, after = cases.run(ember, SAMPLERS[name])
    assert sizes, "the tabled path was not taken"
    _same_bits(got, RECORDED[f'samplers/{name}'])
    assert after == int(RECORDED[f'samplers/{name}/after'])


def test_many_distinct_rates_keep_the_element_loop(monkeypatch):
    monkeypatch.setattr(by_position, '_walk_block', None)     # would fail if called
    ember.manual_seed(0)
    counts = ember.poisson(ember.arange(1.0, 41.0))
    assert counts.shape == (40,) and bool((counts >= 0).all())
    assert np.array_equal(counts.numpy(), np.floor(counts.numpy()))
