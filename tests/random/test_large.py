"""Millions of values from the vectorised paths against PyTorch 2.13's recorded digests, bit for
bit, with the stream left where PyTorch leaves it (cases in tests/random/large.py)."""
import json

import pytest

import ember
from tests.random.large import FIXTURE, LARGE, digest

with open(FIXTURE) as _f:
    RECORDED = json.load(_f)['cases']


def test_every_large_case_is_recorded():
    assert sorted(RECORDED) == sorted(LARGE)


@pytest.mark.parametrize('name', list(LARGE))
def test_large_draw_matches_pytorch(name):
    sha, after = digest(ember, LARGE[name])
    assert after == RECORDED[name]['after'], "consumed a different number of random words"
    assert sha == RECORDED[name]['sha256']
