"""Strides and storage offsets of 'meta' tensors are PyTorch's: views report the strides their
view would have (transposed, permuted, sliced, expanded, as_strided), elementwise results follow
their inputs' layout, copies keep it or not as PyTorch's do, and ``view`` refuses what PyTorch's
refuses. Recorded from PyTorch by ``tests/fixtures/meta_strides/record.py`` (no PyTorch needed)."""
import json
from pathlib import Path

import pytest

import ember
from tests.fixtures.meta_strides.record import record

_RECORDED = json.loads((Path(__file__).parent / 'fixtures' / 'meta_strides' / 'recorded.json').read_text())


def test_layouts_match_recorded_pytorch():
    got = record(ember)
    assert got['cases'] == _RECORDED['torch']['cases']
    assert got['errors'] == _RECORDED['torch']['errors']


def test_recording_is_current():
    torch = pytest.importorskip('torch')
    assert record(torch) == _RECORDED['torch']


def test_layout_costs_no_memory_and_survives_ops():
    x = ember.empty(100000, 100000, device='meta')
    y = x.t()[::2].unsqueeze(0)
    assert y.stride() == (100000, 2, 100000) and y.storage_offset() == 0
    assert not any(y._data.strides)
    z = (y * 2).exp()
    assert z.shape == (1, 50000, 100000) and z.stride() == (50000, 1, 50000)   # PyTorch's
    assert z.contiguous().stride() == (5000000000, 100000, 1)
