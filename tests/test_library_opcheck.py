"""ember.library.opcheck: the same verdicts and messages as torch.library.opcheck on operators registered
right and wrong (tests/fixtures/library/opcheck_cases.json, recorded from PyTorch by opcheck_cases.py)."""
import json
import pathlib
import warnings

import pytest

import ember
from tests.fixtures.library import opcheck_cases

RECORD = json.loads((pathlib.Path(__file__).parent / 'fixtures' / 'library' / 'opcheck_cases.json').read_text())


def _as_pytorch_words(value):
    if isinstance(value, dict):
        return {k: _as_pytorch_words(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_pytorch_words(v) for v in value]
    return value.replace('ember.Size', 'torch.Size') if isinstance(value, str) else value


@pytest.fixture(scope='module')
def results():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return _as_pytorch_words(opcheck_cases.run(ember, 'opcheck_cases'))


@pytest.mark.parametrize('case', [k for k in RECORD if k != 'errors'])
def test_verdicts_and_messages_are_pytorchs(results, case):
    assert results[case] == RECORD[case]


def test_argument_errors_are_pytorchs(results):
    assert results['errors'] == RECORD['errors']


def test_a_failure_raises_opcheck_error_from_the_check():
    @ember.library.custom_op('opcheck_test::leaky', mutates_args=())
    def leaky(x: ember.Tensor) -> ember.Tensor:
        x.zero_()
        return x + 1
    x = ember.ones(3)
    with pytest.raises(ember.library._opcheck.OpCheckError) as info:
        ember.library.opcheck(leaky, (x,), test_utils='test_schema')
    assert isinstance(info.value.__cause__, RuntimeError)
    assert x.tolist() == [1.0, 1.0, 1.0]        # the check ran on a copy


def test_repeated_outputs_compared_with_the_given_tolerances():
    calls = []

    @ember.library.custom_op('opcheck_test::noisy', mutates_args=())
    def noisy(x: ember.Tensor) -> ember.Tensor:
        calls.append(1)
        return x + 1e-4 * len(calls)
    noisy.register_fake(lambda x: ember.empty_like(x))
    with pytest.raises(ember.library._opcheck.OpCheckError, match='test_aot_dispatch_dynamic failed'):
        ember.library.opcheck(noisy, (ember.ones(3),), test_utils='test_aot_dispatch_dynamic')
    assert ember.library.opcheck(noisy, (ember.ones(3),), test_utils='test_aot_dispatch_dynamic', rtol=0,
                                 atol=1e-3) == {'test_aot_dispatch_dynamic': 'SUCCESS'}


def test_against_pytorch_directly():
    torch = pytest.importorskip('torch')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        expected = opcheck_cases.run(torch, 'opcheck_direct')
        assert _as_pytorch_words(opcheck_cases.run(ember, 'opcheck_direct')) == expected
