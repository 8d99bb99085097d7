"""Reductions with ``dim`` omitted, given as None or as a list: the node each call records and the attributes it
saves are PyTorch's (recorded by tests/fixtures/dim_none_nodes/record.py). PyTorch's overload decides them:
``sum(x, None)`` binds the overload with a dim (SumBackward1, ``_saved_dim`` None), ``std(x, None)`` the one with
``unbiased`` (``_saved_correction`` 1, where ``std(x)`` keeps None)."""
import json
from pathlib import Path

import pytest

import ember
from tests.fixtures.dim_none_nodes.cases import CALLS, run

RECORDED = json.loads((Path(__file__).parent / 'fixtures' / 'dim_none_nodes' / 'recorded.json').read_text())['calls']


def _x():
    return ember.arange(12, dtype=ember.float64).reshape(3, 4).requires_grad_()


def test_every_call_form_is_recorded():
    assert set(RECORDED) == set(CALLS) and len(CALLS) > 150


@pytest.mark.parametrize('expr', CALLS)
def test_node_and_saved_attributes_match_pytorch(expr):
    assert run(ember, _x(), expr) == RECORDED[expr]


@pytest.mark.parametrize('expr', ['torch.sum(x, None)', 'x.mean(dim=None)', 'torch.std(x, None)',
                                  'torch.var_mean(x, dim=None)'])
def test_gradients_of_the_dim_none_forms_equal_the_omitted_ones(expr):
    x = _x()
    out = eval(expr, {'torch': ember, 'x': x})
    out = out[0] if isinstance(out, tuple) else out
    grad, = ember.autograd.grad(out.sum(), x)
    y = _x()
    plain = eval(expr.replace('None', '').replace('dim=, ', '').replace('dim=)', ')').replace(', )', ')'),
                 {'torch': ember, 'x': y})
    plain = plain[0] if isinstance(plain, tuple) else plain
    want, = ember.autograd.grad(plain.sum(), y)
    assert ember.equal(grad, want)
