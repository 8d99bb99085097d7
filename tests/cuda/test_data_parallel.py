"""nn.DataParallel and its pieces over the two 'cuda' devices (the strict stand-in on CI, a real GPU pair
when present): the same outputs and gradients as the module alone, each replica run with its own device
current, and the pieces importable from PyTorch's module paths."""
import numpy as np
import pytest

import ember
from ember import nn
from ember.nn.parallel.parallel_apply import get_a_var, parallel_apply
from ember.nn.parallel.replicate import replicate
from ember.nn.parallel.scatter_gather import gather, scatter, scatter_kwargs


def _model():
    ember.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3)).double()


def test_data_parallel_matches_the_module_alone():
    x = ember.randn(6, 4, dtype=ember.float64, generator=ember.Generator().manual_seed(1))
    alone = _model()
    expected = alone(x)
    expected.sum().backward()

    model = _model().to('cuda:0')
    dp = nn.DataParallel(model, device_ids=[0, 1])
    out = dp(x.to('cuda:0'))
    assert out.device == ember.device('cuda', 0)
    out.sum().backward()
    np.testing.assert_allclose(out.cpu().detach().numpy(), expected.detach().numpy(), rtol=1e-12)
    for p, q in zip(model.parameters(), alone.parameters()):
        assert p.grad.device == ember.device('cuda', 0)
        np.testing.assert_allclose(p.grad.cpu().numpy(), q.grad.numpy(), rtol=1e-12)


class _Where(nn.Module):
    def forward(self, x):
        return x + ember.cuda.current_device()


def test_each_replica_runs_with_its_device_current():
    inputs = scatter((ember.zeros(4, 1, device='cuda:0'),), [0, 1])
    assert [a[0].device.index for a in inputs] == [0, 1]
    # no devices given: each replica's device comes from its first tensor input
    outs = parallel_apply([_Where(), _Where()], inputs)
    assert [o.flatten().tolist() for o in outs] == [[0.0, 0.0], [1.0, 1.0]]
    outs = parallel_apply([_Where(), _Where()], inputs, devices=[1, 0])
    assert [o.flatten().tolist() for o in outs] == [[1.0, 1.0], [0.0, 0.0]]
    merged = gather(outs, 'cuda:0')
    assert merged.device == ember.device('cuda', 0) and merged.shape == (4, 1)


def test_parallel_apply_checks_its_lengths_as_pytorch():
    with pytest.raises(AssertionError, match='The number of modules 2 is not equal to the number of kwargs_tup 1'):
        parallel_apply([_Where(), _Where()], [(), ()], kwargs_tup=({},))
    with pytest.raises(AssertionError, match='The number of modules 2 is not equal to the number of devices 3'):
        parallel_apply([_Where(), _Where()], [(), ()], devices=[0, 1, 0])


def test_scatter_kwargs_and_replicate():
    x = ember.arange(4.).view(4, 1).to('cuda:0')
    args, kwargs = scatter_kwargs((x,), {'scale': x}, [0, 1])
    assert [a[0].tolist() for a in args] == [[[0.0], [1.0]], [[2.0], [3.0]]]
    assert [k['scale'].device.index for k in kwargs] == [0, 1]
    replicas = replicate(_model().to('cuda:0'), [0, 1])
    assert [next(r.parameters()).device.index for r in replicas] == [0, 1]


def test_get_a_var_finds_the_first_tensor():
    t = ember.ones(1)
    assert get_a_var(t) is t
    assert get_a_var([1, ('a', {'k': t})]) is t
    assert get_a_var({'x': 3}) is None


def test_the_package_names_stay_the_functions():
    import ember.nn.parallel as parallel
    import ember.nn.parallel.replicate  # noqa: F401  (importing the submodule must not shadow the function)
    assert callable(parallel.replicate) and callable(parallel.scatter) and callable(parallel.parallel_apply)
