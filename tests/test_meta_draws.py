"""Factories and random draws on the 'meta' device: no values, so no memory taken for them and, for
the draws, no numbers drawn (the generator's state is left as it is, as in PyTorch). The result
shapes and dtypes below are PyTorch's (checked against it when it is installed)."""
import tracemalloc

import pytest

import ember

N = 500_000            # elements: real values would take 2 to 4 MB
LIMIT = 400_000        # bytes a meta result may take at most (bookkeeping only)

FACTORIES = {
    'randperm': lambda t: t.randperm(N, device='meta'),
    'arange': lambda t: t.arange(N, device='meta'),
    'arange_float': lambda t: t.arange(0., N / 2, 0.5, device='meta'),
    'linspace': lambda t: t.linspace(0, 1, N, device='meta'),
    'logspace': lambda t: t.logspace(0, 1, N, device='meta'),
    'empty_like': lambda t: t.empty_like(t.empty(N, device='meta')),
    'full_like': lambda t: t.full_like(t.empty(N, device='meta'), 2.),
    'rand_like': lambda t: t.rand_like(t.empty(N, device='meta')),
    'randint_like': lambda t: t.randint_like(t.empty(N, device='meta'), 5),
    'tril_indices': lambda t: t.tril_indices(2000, 1500, 3, device='meta'),
    'triu_indices': lambda t: t.triu_indices(1500, 2000, -2, device='meta'),
}
# (shape, dtype) of each result, as PyTorch gives them
FACTORY_RESULTS = {
    'randperm': ((N,), 'int64'), 'arange': ((N,), 'int64'), 'arange_float': ((N,), 'float32'),
    'linspace': ((N,), 'float32'), 'logspace': ((N,), 'float32'), 'empty_like': ((N,), 'float32'),
    'full_like': ((N,), 'float32'), 'rand_like': ((N,), 'float32'), 'randint_like': ((N,), 'float32'),
    'tril_indices': ((2, 1880244), 'int64'), 'triu_indices': ((2, 1878747), 'int64'),
}


def _probs(t):
    return t.full((100, 1000), 0.5, device='meta')


DRAWS = {
    'bernoulli': lambda t: t.bernoulli(_probs(t)),
    'bernoulli_p': lambda t: t.bernoulli(_probs(t), 0.3),
    'bernoulli_': lambda t: _probs(t).bernoulli_(0.5),
    'multinomial': lambda t: t.multinomial(_probs(t), 7, replacement=True),
    'multinomial_no_replacement': lambda t: t.multinomial(_probs(t)[0], 5),
    'normal_tensors': lambda t: t.normal(_probs(t), _probs(t)),
    'normal_tensor_float': lambda t: t.normal(_probs(t), 2.),
    'normal_float_tensor': lambda t: t.normal(0., _probs(t)),
    'normal_': lambda t: _probs(t).normal_(),
    'uniform_': lambda t: _probs(t).uniform_(),
    'exponential_': lambda t: _probs(t).exponential_(),
    'poisson': lambda t: t.poisson(_probs(t)),
    'randperm_small': lambda t: t.randperm(10, device='meta'),
    'rand': lambda t: t.rand(10, device='meta'),
}
DRAW_RESULTS = {
    'bernoulli': ((100, 1000), 'float32'), 'bernoulli_p': ((100, 1000), 'float32'),
    'bernoulli_': ((100, 1000), 'float32'), 'multinomial': ((100, 7), 'int64'),
    'multinomial_no_replacement': ((5,), 'int64'), 'normal_tensors': ((100, 1000), 'float32'),
    'normal_tensor_float': ((100, 1000), 'float32'), 'normal_float_tensor': ((100, 1000), 'float32'),
    'normal_': ((100, 1000), 'float32'), 'uniform_': ((100, 1000), 'float32'),
    'exponential_': ((100, 1000), 'float32'), 'poisson': ((100, 1000), 'float32'),
    'randperm_small': ((10,), 'int64'), 'rand': ((10,), 'float32'),
}


def _described(result):
    assert result.device.type == 'meta'
    return tuple(result.shape), str(result.dtype).split('.')[-1]


@pytest.mark.parametrize('name', sorted(FACTORIES))
def test_meta_factory_takes_no_memory(name):
    tracemalloc.start()
    try:
        result = FACTORIES[name](ember)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert _described(result) == FACTORY_RESULTS[name]
    assert peak < LIMIT


@pytest.mark.parametrize('name', sorted(DRAWS))
def test_meta_draw_leaves_the_generator_alone(name):
    ember.manual_seed(3)
    before = ember.get_rng_state()
    result = DRAWS[name](ember)
    assert bool((ember.get_rng_state() == before).all())
    assert _described(result) == DRAW_RESULTS[name]


def test_meta_draw_checks_its_arguments():
    with pytest.raises(RuntimeError, match="cannot sample n_sample > prob_dist.size"):
        ember.multinomial(ember.ones(3, device='meta'), 4)
    with pytest.raises(RuntimeError, match="bernoulli_ expects p to be in"):
        ember.bernoulli(ember.ones(3, device='meta'), 1.5)


# (PyTorch's own meta arange takes seconds at this size: its shapes are checked by the test above only)
@pytest.mark.parametrize('name', sorted(set(FACTORIES) - {'arange', 'arange_float'} | set(DRAWS)))
def test_results_are_pytorchs(name):
    torch = pytest.importorskip('torch')
    make, expected = (FACTORIES[name], FACTORY_RESULTS[name]) if name in FACTORIES else (DRAWS[name], DRAW_RESULTS[name])
    torch.manual_seed(3)
    before = torch.get_rng_state()
    assert _described(make(torch)) == expected
    assert bool((torch.get_rng_state() == before).all())
