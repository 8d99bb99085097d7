"""Calls with an argument of the wrong type (``tests/fixtures/argument_errors/cases.py``) give
PyTorch's error, as recorded in ``recorded.json`` (no PyTorch needed): the same type and text.

The whole text is compared: for "received an invalid combination of arguments" errors that is the
types given, every overload as PyTorch prints it, and under those that take as many arguments as
given, why they did not match (the markup PyTorch writes when the output is not a terminal). Cases where ember still differs are listed in ``argument_errors/not_yet.txt``; the test fails when
one of them starts to match, so the list only shrinks (regenerate it with
``python -m tests.test_argument_errors --update``).
"""
import json
import sys
from pathlib import Path

import pytest

import ember
from tests.fixtures.argument_errors.cases import CASES
from tests.fixtures.argument_errors.record import outcome

_DIR = Path(__file__).parent / 'fixtures' / 'argument_errors'
RECORDED = json.loads((_DIR / 'recorded.json').read_text())['cases']
NOT_YET = frozenset((_DIR / 'not_yet.txt').read_text().split())


def matches(name):
    return outcome(ember, CASES[name]) == RECORDED[name]


def test_every_case_is_recorded():
    assert sorted(RECORDED) == sorted(CASES)
    assert NOT_YET <= set(CASES)


@pytest.mark.parametrize('name', sorted(set(CASES) - NOT_YET))
def test_argument_error_matches_pytorch(name):
    assert outcome(ember, CASES[name]) == RECORDED[name]


def test_known_gaps_still_differ():
    closed = sorted(name for name in NOT_YET if matches(name))
    assert not closed, f"these now match PyTorch; remove them from not_yet.txt: {closed}"


def test_recording_is_current():
    torch = pytest.importorskip('torch')
    stale = [name for name in sorted(CASES) if outcome(torch, CASES[name]) != RECORDED[name]]
    assert not stale


if __name__ == '__main__' and '--update' in sys.argv:
    gaps = sorted(name for name in CASES if not matches(name))
    (_DIR / 'not_yet.txt').write_text(''.join(n + '\n' for n in gaps))
    print(f'{len(CASES) - len(gaps)} of {len(CASES)} cases match PyTorch')


def test_errors_are_the_same_with_torch_function_dispatch_on():
    """Once a Tensor subclass switches ``__torch_function__`` dispatch on, every op is called through
    a dispatch wrapper: the errors stay PyTorch's (run apart: dispatch stays on for the process)."""
    import subprocess
    names = ['add_other_list', 'F_elu_list', 'sin_input_list', 'method_sum_dim_float', 'numpy_type_to',
             'numpy_type_zeros', 'sum_dim_str']
    script = ("import json, sys\nimport ember\nclass Sub(ember.Tensor):\n    pass\n"
              "from tests.test_argument_errors import CASES, outcome\n"
              f"print(json.dumps({{n: outcome(ember, CASES[n]) for n in {names!r}}}))\n")
    done = subprocess.run([sys.executable, '-c', script], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).parent.parent)
    got = json.loads(done.stdout.splitlines()[-1])
    assert got == {n: RECORDED[n] for n in names}


TERMINAL = json.loads((_DIR / 'terminal.json').read_text())['cases']


@pytest.mark.parametrize('name', sorted(set(TERMINAL) - NOT_YET))
def test_arguments_of_the_wrong_type_are_coloured_on_a_terminal(name, monkeypatch):
    """With both standard streams on a terminal PyTorch colours the diagnosis (recorded by
    ``record_terminal.py``): the arguments of the wrong type red, the others green."""
    import ember.ops._invalid_args as invalid_args
    monkeypatch.setattr(invalid_args.os, 'isatty', lambda fd: fd in (1, 2))
    assert outcome(ember, CASES[name]) == TERMINAL[name]


def test_terminal_recording_is_current():
    pytest.importorskip('torch')
    import subprocess
    done = subprocess.run([sys.executable, '-m', 'tests.fixtures.argument_errors.record_terminal'], capture_output=True,
                          text=True, check=True, cwd=Path(__file__).parent.parent, timeout=300)
    assert json.loads(done.stdout)['cases'] == TERMINAL
