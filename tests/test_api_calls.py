"""ember against PyTorch's recorded outcome for each call of ``tests/fixtures/api_calls/cases.py``:
the same result (dtype, shape, values to 6 significant digits) or the same error (type and text),
and the same warnings. The recording (``recorded.json``) needs no PyTorch; when PyTorch is
installed, the recording is also checked to be current."""
import json
from pathlib import Path

import pytest

import ember
from tests.fixtures.api_calls.cases import CASES
from tests.fixtures.api_calls.record import run

RECORDED = json.loads((Path(__file__).parent / 'fixtures' / 'api_calls' / 'recorded.json').read_text())['cases']


def test_every_case_is_recorded():
    assert sorted(RECORDED) == sorted(CASES)


@pytest.mark.parametrize('name', sorted(CASES))
def test_call_matches_pytorch(name):
    if name.startswith('pin_') and ember.cuda.is_available():
        pytest.skip('recorded on a machine without CUDA, where pinned memory is refused')
    assert run(ember, CASES[name]) == RECORDED[name]


def test_recording_is_current():
    torch = pytest.importorskip('torch')
    stale = [name for name in sorted(CASES) if run(torch, CASES[name]) != RECORDED[name]]
    assert not stale
