"""Misused nn modules and functions, losses, the Module API, optimizers, schedulers and data loading
(``tests/fixtures/usage_errors/``) give PyTorch's error, as recorded in ``recorded.json`` (no
PyTorch needed): the same type and text, the same warnings. And a refused call changes nothing:
the modules, optimizers, schedulers and tensors the case set up are as they were, even where
PyTorch leaves them half changed (``recorded.json`` says where: ``"unchanged": false``).

Cases where ember still differs are listed in ``usage_errors/not_yet.txt``; the test fails when
one of them starts to match, so the list only shrinks (regenerate it with
``python -m tests.test_usage_errors --update``).
"""
import json
import sys
from pathlib import Path

import pytest

import ember
from tests.fixtures.usage_errors.cases import CASES
from tests.fixtures.usage_errors.record import outcome

_DIR = Path(__file__).parent / 'fixtures' / 'usage_errors'
RECORDED = json.loads((_DIR / 'recorded.json').read_text())['cases']
NOT_YET = frozenset((_DIR / 'not_yet.txt').read_text().split())


def _as_recorded(got, name):
    """ember's outcome with ``unchanged`` read as PyTorch recorded it once ember's own is checked."""
    return {**got, 'unchanged': RECORDED[name]['unchanged']}


def matches(name):
    got = outcome(ember, CASES[name])
    return got['unchanged'] and _as_recorded(got, name) == RECORDED[name]


def test_every_case_is_recorded():
    assert sorted(RECORDED) == sorted(CASES)
    assert NOT_YET <= set(CASES)


@pytest.mark.parametrize('name', sorted(set(CASES) - NOT_YET))
def test_usage_error_matches_pytorch_and_changes_nothing(name):
    got = outcome(ember, CASES[name])
    assert got['unchanged'], 'the refused call changed the objects it was given'
    assert _as_recorded(got, name) == RECORDED[name]


@pytest.mark.parametrize('name', sorted(NOT_YET))
def test_refused_calls_still_differing_change_nothing(name):
    """Where ember's error still differs from PyTorch's, the call changes nothing all the same."""
    assert outcome(ember, CASES[name])['unchanged']


def test_known_gaps_still_differ():
    closed = sorted(name for name in NOT_YET if matches(name))
    assert not closed, f"these now match PyTorch; remove them from not_yet.txt: {closed}"


# Cases whose PyTorch outcome depends on the machine PyTorch runs on (ember gives the recorded one):
# a float16 input with a float32 weight reaches oneDNN's check where the CPU has float16 support (the recorded
# text, on an Intel machine), and the slow convolution's dtype check elsewhere ('expected scalar type Half but
# found Float', on an AMD EPYC).
MACHINE_DEPENDENT = {'conv2d_input_half_weight_float'}


def test_recording_is_current():
    torch = pytest.importorskip('torch')
    # recorded with PyTorch on two threads: embedding_bag with offsets that go back reads past its bags, and what
    # it then does (which error, or values from memory it never wrote) depends on how its threads split the bags
    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        stale = [name for name in sorted(set(CASES) - MACHINE_DEPENDENT)
                 if outcome(torch, CASES[name]) != RECORDED[name]]
    finally:
        torch.set_num_threads(threads)
    assert not stale


if __name__ == '__main__' and '--update' in sys.argv:
    gaps = sorted(name for name in CASES if not matches(name))
    (_DIR / 'not_yet.txt').write_text(''.join(n + '\n' for n in gaps))
    print(f'{len(CASES) - len(gaps)} of {len(CASES)} cases match PyTorch')
