"""quantile and nanquantile take PyTorch's steps (sort, gathers at the ranks below and above, lerp_ in place), so
their values and the input's gradient are PyTorch's bits, and q gets PyTorch's gradient (summed over the broadcast
places in ember's order: to float32 rounding) (tests/fixtures/quantile, recorded from PyTorch 2.13)."""
import json
from pathlib import Path

import numpy as np
import pytest

import ember
from tests.fixtures.quantile.cases import CASES, run

RECORDED = json.loads((Path(__file__).parent / 'fixtures' / 'quantile' / 'recorded.json').read_text())['cases']


def test_every_case_is_recorded():
    assert sorted(RECORDED) == sorted(CASES)


@pytest.mark.parametrize('name', sorted(CASES))
def test_values_and_gradients_are_pytorchs_bits(name):
    got, want = run(ember, name), RECORDED[name]
    assert {k: got[k] for k in ('shape', 'values', 'grad_input')} == \
        {k: want[k] for k in ('shape', 'values', 'grad_input')}
    if want['grad_q'] is None:      # (q reaches no weight: nearest, midpoint)
        assert got['grad_q'] is None
    else:
        np.testing.assert_allclose([float.fromhex(v) for v in got['grad_q']],
                                   [float.fromhex(v) for v in want['grad_q']], rtol=1e-6)


def test_recording_is_current():
    torch = pytest.importorskip('torch')
    assert {name: run(torch, name) for name in CASES} == RECORDED
