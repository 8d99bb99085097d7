"""SyncBatchNorm: statistics over every rank's batch (2 MPI ranks); plain BatchNorm without a process group."""
import pytest

import ember
import ember.nn as nn
from tests.distributed._launch import passed


@pytest.mark.parametrize('check', ['syncbn-train', 'syncbn-eval'])
def test_syncbn_on_two_ranks_equals_batchnorm_on_the_whole_batch(two_rank_run, check):
    assert passed(two_rank_run, check), two_rank_run


def test_without_a_process_group_it_is_batchnorm():
    ember.manual_seed(0)
    x = ember.randn(6, 4, 3, requires_grad=True)
    sync, plain = nn.SyncBatchNorm(4), nn.BatchNorm1d(4)
    a, b = sync(x), plain(x)
    assert ember.allclose(a, b)
    assert ember.allclose(sync.running_mean, plain.running_mean) and ember.allclose(sync.running_var, plain.running_var)
    assert repr(sync) == 'SyncBatchNorm(4, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)'
    with pytest.raises(ValueError, match=r'expected at least 2D input \(got 1D input\)'):
        sync(ember.ones(4))


def test_convert_sync_batchnorm_shares_parameters_and_buffers():
    bn = nn.BatchNorm2d(3)
    model = nn.Sequential(nn.Conv2d(1, 3, 1), nn.Sequential(bn, nn.ReLU()))
    model.eval()
    converted = nn.SyncBatchNorm.convert_sync_batchnorm(model)
    sync = converted[1][0]
    assert converted is model and type(sync) is nn.SyncBatchNorm and not sync.training
    assert sync.weight is bn.weight and sync.running_var is bn.running_var
    assert list(converted.state_dict()) == ['0.weight', '0.bias', '1.0.weight', '1.0.bias', '1.0.running_mean',
                                            '1.0.running_var', '1.0.num_batches_tracked']
