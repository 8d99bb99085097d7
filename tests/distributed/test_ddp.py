"""DistributedDataParallel on 2 ranks (equivalence with one process, no_sync, unused parameters,
buffers); DataParallel on the CPU (its pieces without an accelerator: tests/nn/test_data_parallel_cpu.py)."""
import pytest

import ember
import ember.nn as nn
from ember.nn.parallel import DataParallel
from tests.distributed._launch import passed

CHECKS = ['broadcast-at-construction', 'ddp-equivalence', 'bucket-launch-during-backward', 'no_sync',
          'find_unused_parameters', 'unfinished-reduction', 'broadcast_buffers', 'no_grad-forward',
          'comm-hook-allreduce', 'comm-hook-compress', 'comm-hook-custom', 'comm-hook-registration',
          'join-uneven-inputs', 'join-buffers', 'join-throw-on-early-termination']


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
