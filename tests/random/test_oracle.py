"""Live comparisons with PyTorch (skipped when it is not installed): larger sizes than the
recorded ones, and saved states passed between the two libraries."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip('torch')


def _both(fn, seed=11):
    torch.manual_seed(seed)
    ember.manual_seed(seed)
    a, b = fn(torch), fn(ember)
    assert (torch.get_rng_state().numpy() == ember.get_rng_state().numpy()).all()
    return np.ascontiguousarray(a.numpy()), np.ascontiguousarray(b.numpy())


BIG = {
    'randn float32': lambda t: t.randn(100003),
    'randn float64': lambda t: t.randn(20011, dtype=t.float64),
    'normal_ float32': lambda t: t.empty(50001).normal_(-1.5, 0.25),
    'normal_ float64': lambda t: t.empty(20011, dtype=t.float64).normal_(-1.5, 0.25),
    'rand float32': lambda t: t.rand(100003),
    'uniform_ float64': lambda t: t.empty(20011, dtype=t.float64).uniform_(-3, 5),
    'randperm': lambda t: t.randperm(100003),
    'randint': lambda t: t.randint(-7, 12345, (50001,)),
    'bernoulli_': lambda t: t.empty(50001).bernoulli_(0.4),
    'exponential_': lambda t: t.empty(20011).exponential_(0.7),
    'dropout': lambda t: t.nn.functional.dropout(t.ones(50001), 0.3),
    'multinomial': lambda t: t.multinomial(t.rand(4, 500), 50),
    'multinomial few': lambda t: t.multinomial(t.rand(50, 1000, dtype=t.float64), 9),
    'gamma one shape': lambda t: t.distributions.Gamma(t.full((30001,), 1.7), 1.0).sample(),
    'gamma one boosted shape': lambda t: t.distributions.Gamma(t.full((30001,), 0.05, dtype=t.float64), 1.0).sample(),
}


@pytest.mark.parametrize('name', list(BIG))
def test_large_draws_match_live(name):
    a, b = _both(BIG[name])
    assert a.dtype == b.dtype and a.tobytes() == b.tobytes()


def test_states_pass_between_libraries():
    torch.manual_seed(3)
    torch.randn(3, dtype=torch.float64)   # leaves a cached Box-Muller value in the state
    torch.rand(5)
    ember.set_rng_state(ember.tensor(torch.get_rng_state().numpy()))
    assert (ember.get_rng_state().numpy() == torch.get_rng_state().numpy()).all()
    assert ember.randn(3, dtype=ember.float64).tolist() == torch.randn(3, dtype=torch.float64).tolist()
    torch.set_rng_state(torch.from_numpy(ember.get_rng_state().numpy()))
    assert ember.rand(40).tolist() == torch.rand(40).tolist()
