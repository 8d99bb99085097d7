"""ember.quasirandom.SobolEngine against PyTorch 2.13's recorded points
(tests/fixtures/signal/record_sobol.py writes sobol.json): plain and scrambled sequences, equal to the bit."""
import json
import os

import numpy as np
import pytest

import ember
from ember.quasirandom import SobolEngine

with open(os.path.join(os.path.dirname(__file__), 'fixtures', 'signal', 'sobol.json')) as _f:
    _CASES = json.load(_f)


@pytest.mark.parametrize('case,expected', _CASES, ids=[f'dim{c[0][0]}-seed{c[0][2]}' for c, _ in _CASES])
def test_sobol_matches_pytorch(case, expected):
    (dim, scramble, seed), steps = case
    engine = SobolEngine(dim, scramble=scramble, seed=seed)
    got = []
    for step in steps:
        if step[0] == 'ff':
            assert engine.fast_forward(step[1]) is engine
        elif step[0] == 'reset':
            assert engine.reset() is engine
        else:
            draw = engine.draw if step[0] == 'draw' else engine.draw_base2
            points = draw(step[1], dtype=getattr(ember, step[2]))
            assert points.dtype is getattr(ember, step[2]) and points.shape == (len(points), dim)
            got.append([points[:, ::997].tolist(), points.double().sum().item()])
    for (cols, total), (want_cols, want_total) in zip(got, expected):
        assert cols == want_cols
        assert total == pytest.approx(want_total, rel=1e-12)


def test_sobol_unseeded_scramble_uses_the_default_generator():
    ember.manual_seed(3)
    a = SobolEngine(4, scramble=True).draw(4)
    ember.manual_seed(3)
    assert ember.equal(a, SobolEngine(4, scramble=True).draw(4))


def test_sobol_out_repr_and_errors():
    out = ember.empty(0)
    assert SobolEngine(2).draw(3, out=out) is out
    assert out.tolist() == [[0.0, 0.0], [0.5, 0.5], [0.75, 0.25]]
    assert repr(SobolEngine(3, scramble=True, seed=1)) == 'SobolEngine(dimension=3, scramble=True, seed=1)'
    for bad in (0, 21202):
        with pytest.raises(ValueError, match=r'^Supported range of dimensionality for SobolEngine is \[1, 21201\]$'):
            SobolEngine(bad)
    engine = SobolEngine(2).fast_forward(3)
    with pytest.raises(ValueError, match=r"require n to be a power of 2\. 3 points have been previously generated, "
                                         r"then: n=3\+2\*\*1=5\."):
        engine.draw_base2(1)
    # the points of a scrambled sequence stay in [0, 1) and are balanced per power of two
    pts = SobolEngine(6, scramble=True, seed=5).draw_base2(6).numpy()
    assert pts.min() >= 0 and pts.max() < 1
    assert np.all(np.histogram(pts[:, 0], bins=8, range=(0, 1))[0] == 8)
