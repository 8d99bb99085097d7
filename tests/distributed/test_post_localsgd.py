"""Post-local SGD (post_localSGD_hook, PeriodicModelAverager, PostLocalSGDOptimizer) on 2 ranks: each rank's
parameters after every step as PyTorch's recorded run (workers/post_localsgd.py)."""
import pytest

from tests.distributed._launch import passed


@pytest.mark.parametrize('check', ['post-local-sgd', 'model-averaging'])
def test_on_two_ranks(two_rank_run, check):
    assert passed(two_rank_run, check), f'{check} did not pass on every rank:\n{two_rank_run}'
