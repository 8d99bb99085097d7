"""A traced module's ``.code`` is written as PyTorch's printer writes it: submodules and state read first,
values used once written inside the expression using them, the others named ``_0``, ``_1``, ..., long
expressions split out, a submodule's inputs named ``argument_<n>`` where its caller gave them no name.
PyTorch's text is recorded in tests/fixtures/jit/trace_code.json (tests/fixtures/jit/record_trace_code.py)."""
import json
import os

import pytest

import ember
from tests.jit.trace_code_models import codes

HERE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'fixtures', 'jit')
PYTORCH = json.load(open(os.path.join(HERE, 'trace_code.json')))
pytestmark = [pytest.mark.filterwarnings('ignore:`ember.jit.trace` is deprecated:DeprecationWarning'),
              pytest.mark.filterwarnings('ignore::ember.jit.TracerWarning')]


@pytest.fixture(scope='module')
def ember_codes():
    return codes(ember)


@pytest.mark.parametrize('name', sorted(PYTORCH))
def test_traced_code_is_printed_as_pytorch_prints_it(ember_codes, name):
    assert ember_codes[name] == PYTORCH[name]
