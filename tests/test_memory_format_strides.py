"""Copies keep a tensor's layout as PyTorch's do (``preserve_format``), and ``contiguous``/
``is_contiguous`` honour the memory format they are given: strides compared with PyTorch's,
recorded in ``tests/fixtures/memory_format/recorded.json`` (no PyTorch needed)."""
import json
from pathlib import Path

import pytest

import ember
from tests.fixtures.memory_format.cases import outcomes

RECORDED = json.loads((Path(__file__).parent / 'fixtures' / 'memory_format' / 'recorded.json').read_text())['cases']
OURS = outcomes(ember)


@pytest.mark.parametrize('name', sorted(RECORDED))
def test_strides_match_pytorch(name):
    assert OURS[name] == RECORDED[name]


def test_preserved_copies_hold_the_same_values():
    x = ember.arange(24.).reshape(2, 3, 4).permute(2, 0, 1)[:, :, ::2]
    assert ember.equal(x.clone(), x) and ember.equal(x.double(), x.double().contiguous())
    assert ember.equal(ember.full_like(x, 2.), ember.full((4, 2, 2), 2.))


def test_recording_is_current():
    torch = pytest.importorskip('torch')
    assert outcomes(torch) == RECORDED
