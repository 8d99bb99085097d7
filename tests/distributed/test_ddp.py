"""DistributedDataParallel on 2 ranks (equivalence with one process, no_sync, unused parameters,
buffers); DataParallel and its pieces on the CPU."""
import pytest

import ember
import ember.nn as nn
from ember.nn.parallel import DataParallel, data_parallel, gather, parallel_apply, replicate, scatter
from tests.distributed._launch import passed

CHECKS = ['broadcast-at-construction', 'ddp-equivalence', 'no_sync', 'find_unused_parameters', 'unfinished-reduction',
          'broadcast_buffers', 'no_grad-forward', 'comm-hook-allreduce', 'comm-hook-compress', 'comm-hook-custom',
          'comm-hook-registration', 'join-uneven-inputs', 'join-buffers', 'join-throw-on-early-termination']


@pytest.mark.parametrize('check', CHECKS)
def test_ddp_on_two_ranks(two_rank_run, check):
    assert passed(two_rank_run, check), f'{check} did not pass on every rank:\n{two_rank_run}'


def test_ddp_needs_a_process_group():
    from ember.nn.parallel import DistributedDataParallel
    with pytest.raises(ValueError, match='Default process group has not been initialized'):
        DistributedDataParallel(nn.Linear(2, 2))


def test_data_parallel_without_gpus_runs_the_module():
    ember.manual_seed(0)
    m = nn.Linear(4, 2)
    dp = DataParallel(m)
    x = ember.randn(3, 4)
    assert dp.module is m and dp.device_ids == []
    assert ember.equal(dp(x), m(x)) and list(dp.state_dict()) == ['module.weight', 'module.bias']
    assert ember.equal(data_parallel(m, x), m(x))
    assert ember.equal(nn.parallel.data_parallel(m, (x,), module_kwargs={}), m(x))


def test_scatter_replicate_apply_gather_carry_gradients_back():
    ember.manual_seed(0)
    m = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2))
    twin = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2))
    twin.load_state_dict(m.state_dict())
    x = ember.randn(6, 4)
    devices = ['cpu', 'cpu']
    chunks = scatter((x,), devices)
    assert [c[0].shape[0] for c in chunks] == [3, 3]
    replicas = replicate(m, devices)
    assert replicas[0] is not m and replicas[1][0] is not m[0] and replicas[0][0] is not replicas[1][0]
    out = gather(parallel_apply(replicas, chunks), 'cpu')
    want = twin(x)
    assert ember.allclose(out, want)
    out.pow(2).sum().backward()
    want.pow(2).sum().backward()
    for p, q in zip(m.parameters(), twin.parameters()):
        assert ember.allclose(p.grad, q.grad)
