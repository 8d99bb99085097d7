"""torch._higher_order_ops' control flow operators (scan, associative_scan, map, cond, while_loop) against
PyTorch's results and errors (recorded in tests/fixtures/higher_order_ops.json by
tests/fixtures/record_higher_order_ops.py)."""
import json
import pathlib

import pytest

import ember
from ember._higher_order_ops.associative_scan import associative_scan
from ember._higher_order_ops.cond import cond
from ember._higher_order_ops.map import map
from ember._higher_order_ops.scan import scan
from ember._higher_order_ops.while_loop import while_loop
from ember.testing import assert_close
from tests.fixtures.higher_order_ops_cases import cases, outcome

RECORD = json.loads((pathlib.Path(__file__).parent / 'fixtures' / 'higher_order_ops.json').read_text())


@pytest.mark.parametrize('name', sorted(RECORD['outcomes']))
def test_outcome_is_pytorchs(name):
    assert outcome(cases(ember)[name]) == RECORD['outcomes'][name]


def test_grad_fn_names_are_pytorchs():
    x = ember.tensor([0.5, -1.0, 2.0], requires_grad=True)
    names = {
        'scan': scan(lambda c, v: (c + v, (c * 2).clone()), ember.zeros(()), x)[1].grad_fn.name(),
        'map': map(lambda v: v * 2, x).grad_fn.name(),
        'cond': cond(x.sum() > 0, lambda a: a.cos(), lambda a: a.sin(), (x,)).grad_fn.name(),
    }
    assert names == RECORD['grad_fn_names']
    # nothing that requires grad: no node
    assert scan(lambda c, v: (c + v, c.clone()), ember.zeros(()), ember.ones(3))[0].grad_fn is None


def test_gradients_reach_closed_over_parameters():
    # a scan over an LSTM cell: the gradients of the inputs, the initial state and the cell's weights are
    # those of the same loop written out
    ember.manual_seed(0)
    cell = ember.nn.LSTMCell(3, 4)
    xs = ember.randn(5, 3, requires_grad=True)
    h0 = ember.randn(4, requires_grad=True)
    c0 = ember.randn(4)

    def step(carry, x):
        h, c = cell(x, carry)
        return (h, c.clone()), h.clone()
    (h, c), ys = scan(step, (h0, c0), xs)
    grads = ember.autograd.grad(ys.sum() + h.sum(), [xs, h0, cell.weight_ih])
    carry, outs = (h0, c0), []
    for x in xs:
        carry = cell(x, carry)
        outs.append(carry[0])
    expected = ember.autograd.grad(ember.stack(outs).sum() + carry[0].sum(), [xs, h0, cell.weight_ih])
    for g, e in zip(grads, expected):
        assert_close(g, e)


def test_associative_scan_matches_cumulative_ops():
    x = ember.randn(9, 4, dtype=ember.float64)
    assert_close(associative_scan(lambda a, b: a + b, x, 0, combine_mode='generic'), x.cumsum(0))
    assert_close(associative_scan(lambda a, b: a * b, x, 1, combine_mode='generic'), x.cumprod(1))
    assert_close(associative_scan(lambda a, b: a + b, x, 0, reverse=True, combine_mode='generic'),
                 x.flip(0).cumsum(0).flip(0))


def test_scan_carry_must_keep_its_metadata():
    with pytest.raises(RuntimeError, match="Expected init and carry to have same metadata but found:\n"
                                           "pair\\[0\\] differ in 'dtype: ember.int64 vs ember.float32'"):
        scan(lambda c, x: (c + x * 1.5, c.clone()), ember.tensor(0), ember.arange(3.))
    with pytest.raises(RuntimeError, match="pair\\[0\\] differ in 'shape"):
        scan(lambda c, x: (c.sum(0), c.clone()), ember.zeros(2), ember.arange(3.))
