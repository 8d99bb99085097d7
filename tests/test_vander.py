"""ember.vander's dtypes, graph and backward, as PyTorch 2.13 (values: the op table, tests/opinfo/vander.py; graph and
backward: tests/fixtures/vander, recorded from PyTorch)."""
import json
from pathlib import Path

import pytest

import ember
from tests.fixtures.api_calls.record import run
from tests.fixtures.vander.cases import CASES

RECORDED = json.loads((Path(__file__).parent / 'fixtures' / 'vander' / 'recorded.json').read_text())['cases']


def test_vander_integer_and_bool_inputs_give_int64():
    # PyTorch 2.13: integer and bool vectors promote to int64; complex keeps its dtype
    got = ember.vander(ember.tensor([1, 2, 3, 5], dtype=ember.int8), N=3)
    assert got.dtype is ember.int64
    assert got.tolist() == [[1, 1, 1], [4, 2, 1], [9, 3, 1], [25, 5, 1]]
    assert ember.vander(ember.tensor([True, False])).tolist() == [[1, 1], [0, 1]]
    assert ember.vander(ember.tensor([1 + 1j])).dtype is ember.complex64
    assert ember.vander(ember.tensor([1.0, 2.0]), 0).shape == (2, 0)


def test_every_case_is_recorded():
    assert sorted(RECORDED) == sorted(CASES)


@pytest.mark.parametrize('name', sorted(CASES))
def test_graph_and_backward_match_pytorch(name):
    # PyTorch's running product is written in place into the columns it read: CopySlices over CumprodBackward0
    # (FlipBackward0 above for decreasing powers), and a backward through it raises
    assert run(ember, CASES[name]) == RECORDED[name]


def test_recording_is_current():
    torch = pytest.importorskip('torch')
    assert {name: run(torch, source) for name, source in CASES.items()} == RECORDED
