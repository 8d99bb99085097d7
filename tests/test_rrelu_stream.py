"""RReLU in training draws its slopes from PyTorch's CPU stream (recorded from PyTorch 2.13 by
tests/fixtures/signal/record_rrelu.py): same seed, same outputs, and the generator left where PyTorch's is."""
import json
import os

import pytest

import ember

with open(os.path.join(os.path.dirname(__file__), 'fixtures', 'signal', 'rrelu.json')) as _f:
    _R = json.load(_f)


@pytest.mark.parametrize('case,expected', _R['cases'], ids=[c[0] + str(c[1]) for c, _ in _R['cases']])
def test_rrelu_training_stream(case, expected):
    fn, seed, dtype, lower, upper, own = case
    t = ember.tensor(_R['x'], dtype=getattr(ember, dtype))
    g = ember.Generator().manual_seed(seed) if own else None
    ember.manual_seed(seed)
    if fn == 'F.rrelu':
        y = ember.nn.functional.rrelu(t, lower, upper, training=True)
    else:
        y = getattr(ember, fn)(t, lower, upper, training=True, generator=g)
        assert (y is t) == (fn == 'rrelu_')
    after = ember.rand(1, generator=g) if own else ember.rand(1)
    assert y.tolist() == expected[0]
    assert after.item() == expected[1]


def test_rrelu_gradient_is_the_slope():
    a = ember.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    ember.manual_seed(1)
    y = ember.rrelu(a, training=True)
    y.sum().backward()
    # PyTorch gives zero inputs a random slope too (its kernel tests x <= 0)
    assert a.grad[2].item() == 1.0 and a.grad[0].item() == -y[0].item()
    assert 1 / 8 <= a.grad[1].item() < 1 / 3
