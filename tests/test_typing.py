"""ember ships type information (py.typed) and its public annotations hold under mypy.

tests/type_checks/public_api.py pins, with ``assert_type``, what a type checker infers for the common
API; its last lines must be reported as errors, so the check cannot pass by inferring ``Any``.
"""
import os
import re

import pytest

import ember

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHECKED = os.path.join('tests', 'type_checks', 'public_api.py')


def test_the_package_declares_its_type_information():
    assert os.path.isfile(os.path.join(os.path.dirname(ember.__file__), 'py.typed'))


def test_mypy_infers_the_public_types():
    api = pytest.importorskip('mypy.api')
    stdout, stderr, _status = api.run(['--follow-imports=silent', '--ignore-missing-imports', '--no-incremental',
                                       '--no-error-summary', '--python-version', '3.11', CHECKED])
    with open(os.path.join(ROOT, CHECKED)) as f:
        expected = {n: line.split('# E: ')[1].strip() for n, line in enumerate(f, 1) if '# E: ' in line}
    reported = {}
    for line in stdout.splitlines():
        m = re.match(r'.*public_api\.py:(\d+): error: (.*)', line)
        if m:
            reported.setdefault(int(m.group(1)), []).append(m.group(2))
    unexpected = {n: msgs for n, msgs in reported.items() if n not in expected}
    assert not unexpected, stdout + stderr
    for n, text in expected.items():
        assert any(msg.startswith(text) for msg in reported.get(n, [])), (n, text, stdout)
