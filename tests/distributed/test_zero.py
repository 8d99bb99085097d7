"""ZeroRedundancyOptimizer on 2 ranks: partition, steps equal to the plain optimizer, state_dict round trip."""
import pytest

import ember
from tests.distributed._launch import passed


@pytest.mark.parametrize('check', ['zero-partition', 'zero-step', 'zero-state_dict', 'zero-load_state_dict'])
def test_zero_redundancy_optimizer_on_two_ranks(two_rank_run, check):
    assert passed(two_rank_run, check), f'{check} did not pass on every rank:\n{two_rank_run}'


def test_unsupported_options_are_refused():
    from ember.distributed.optim import ZeroRedundancyOptimizer
    p = [ember.nn.Parameter(ember.ones(2))]
    with pytest.raises(ValueError, match='overlap_with_ddp=True is not supported'):
        ZeroRedundancyOptimizer(p, ember.optim.SGD, overlap_with_ddp=True, lr=0.1)
    with pytest.raises(ValueError, match='Default process group has not been initialized'):
        ZeroRedundancyOptimizer(p, ember.optim.SGD, lr=0.1)
