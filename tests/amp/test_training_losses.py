"""Mixed-precision training programs print PyTorch's losses: the leading steps each program names bit for bit
(recorded from PyTorch 2.13 by record_training_losses.py), the rest within a few bfloat16 units."""
import json
from pathlib import Path

import pytest

import ember
from tests.amp._training_programs import programs

RECORDED = json.loads((Path(__file__).parent / 'training_losses.json').read_text())['losses']


@pytest.mark.parametrize('name', sorted(programs(ember)))
def test_losses_equal_pytorchs(name):
    run, exact = programs(ember)[name]
    got = run()
    want = [float(v) for v in RECORDED[name]]
    assert got[:exact] == want[:exact]
    assert got == pytest.approx(want, rel=3e-3)
