"""Every seeded random function against PyTorch 2.13's recorded CPU results, bit for bit (the
arrays and the position of the global stream afterwards).  Record with ``python -m
tests.random.record``; the cases are in tests/random/cases.py."""
import os

import numpy as np
import pytest

import ember
from tests.random import cases

FIXTURE = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'random', 'streams.npz')
RECORDED = dict(np.load(FIXTURE))
ALL = [(group, name, case) for group, make in cases.GROUPS.items() for name, case in make().items()]


def test_every_case_is_recorded():
    assert sorted(f'{g}/{n}' for g, n, _ in ALL) == sorted(k for k in RECORDED if not k.endswith('/after'))


def _same_bits(got, want):
    assert got.dtype == want.dtype and got.shape == want.shape
    assert got.tobytes() == want.tobytes(), f"{int((got != want).sum())} of {want.size} elements differ"


@pytest.mark.parametrize('group,name,case', ALL, ids=[f'{g}: {n}' for g, n, _ in ALL])
def test_matches_pytorch_bit_for_bit(group, name, case):
    if group == 'bfloat16':
        pytest.importorskip('ml_dtypes')
    got, after = cases.run(ember, case)
    _same_bits(got, RECORDED[f'{group}/{name}'])
    assert after == int(RECORDED[f'{group}/{name}/after']), "consumed a different number of random words"
