"""Calls with an argument of the wrong type (``tests/fixtures/argument_errors/cases.py``) give
PyTorch's error, as recorded in ``recorded.json`` (no PyTorch needed): the same type and text.

For "received an invalid combination of arguments" errors only the first line (the function and the
argument types it got) is compared: the overload list after it is PyTorch's own signature syntax.
Cases where ember still differs are listed in ``argument_errors/not_yet.txt``; the test fails when
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


def comparable(result):
    """``result`` with an invalid-combination message cut to its first line."""
    text = result.get('text', '')
    if 'invalid combination of arguments' in text:
        return dict(result, text=text.split('\n')[0])
    return result


def matches(name):
    return comparable(outcome(ember, CASES[name])) == comparable(RECORDED[name])


def test_every_case_is_recorded():
    assert sorted(RECORDED) == sorted(CASES)
    assert NOT_YET <= set(CASES)


@pytest.mark.parametrize('name', sorted(set(CASES) - NOT_YET))
def test_argument_error_matches_pytorch(name):
    assert comparable(outcome(ember, CASES[name])) == comparable(RECORDED[name])


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
              "from tests.test_argument_errors import CASES, outcome, comparable\n"
              f"print(json.dumps({{n: comparable(outcome(ember, CASES[n])) for n in {names!r}}}))\n")
    done = subprocess.run([sys.executable, '-c', script], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).parent.parent)
    got = json.loads(done.stdout.splitlines()[-1])
    assert got == {n: comparable(RECORDED[n]) for n in names}
