"""ember.binomial draws PyTorch's CPU stream (recorded from PyTorch 2.13 by
tests/fixtures/signal/record_binomial.py): the same seed gives the same counts and leaves the generator
where PyTorch's is."""
import json
import os

import numpy as np
import pytest

import ember

with open(os.path.join(os.path.dirname(__file__), 'fixtures', 'signal', 'binomial.json')) as _f:
    _R = json.load(_f)


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_binomial_matches_pytorch_stream(dtype):
    dt = getattr(ember, dtype)
    ember.manual_seed(4)
    got = ember.binomial(ember.tensor(_R['count'], dtype=dt), ember.tensor(_R['prob'], dtype=dt))
    assert got.dtype is dt
    want, after = _R['draws'][dtype]
    assert got.tolist() == want
    assert ember.rand(1).item() == after


def test_binomial_generator_broadcast_and_moments():
    g = ember.Generator().manual_seed(1)
    draws = ember.binomial(ember.full((4000,), 40.0, dtype=ember.float64), ember.tensor([0.25], dtype=ember.float64),
                           generator=g).numpy()
    assert draws.min() >= 0 and draws.max() <= 40 and np.all(draws == np.round(draws))
    assert abs(draws.mean() - 10) < 0.3 and abs(draws.var() - 7.5) < 0.8
    assert ember.binomial(ember.tensor([3.0]), ember.tensor([float('nan')])).isnan().all()


@pytest.mark.parametrize('count_dtype,prob_dtype,error,message', _R['errors'])
def test_binomial_errors(count_dtype, prob_dtype, error, message):
    with pytest.raises({'ValueError': ValueError, 'RuntimeError': RuntimeError,
                        'NotImplementedError': NotImplementedError}[error]) as info:
        ember.binomial(ember.tensor([10, 20], dtype=getattr(ember, count_dtype)),
                       ember.tensor([0.5, 0.5], dtype=getattr(ember, prob_dtype)))
    assert str(info.value) == message
