"""ldexp's values and gradients are PyTorch's (recorded by tests/fixtures/ldexp/record.py): with an integer
exponent PyTorch's input gradient is ``grad * pow(2, other)`` computed as an integer power, 0 where the exponent
is negative and wrapped past the dtype's range; with a float exponent it is ``grad * 2**other``."""
import json
from pathlib import Path

import pytest

import ember
from tests.fixtures.ldexp.cases import CALLS, EXPONENTS, INPUT_DTYPES, error, run

RECORDED = json.loads((Path(__file__).parent / 'fixtures' / 'ldexp' / 'recorded.json').read_text())


@pytest.mark.parametrize('x_dtype', INPUT_DTYPES)
@pytest.mark.parametrize('e_dtype', list(EXPONENTS))
def test_values_and_gradients_match_pytorch(x_dtype, e_dtype):
    assert run(ember, x_dtype, e_dtype) == RECORDED['runs'][f'{x_dtype}/{e_dtype}']


@pytest.mark.parametrize('expr', CALLS)
def test_arguments_pytorch_refuses(expr):
    assert error(ember, expr) == RECORDED['errors'][expr]


def test_negative_integer_exponent_gives_no_input_gradient():
    x = ember.tensor([1.5, 2.0], requires_grad=True)
    ember.ldexp(x, ember.tensor([-1, 3])).sum().backward()
    assert x.grad.tolist() == [0.0, 8.0]
