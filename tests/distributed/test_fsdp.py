"""DTensor and FSDP on 2 ranks (checked in workers/dtensor.py and workers/fsdp.py against NumPy values and
one-process training), and what runs without MPI."""
import pytest

import ember
from ember.distributed.tensor import Partial, Replicate, Shard
from ember.distributed.tensor._layout import local_box, shard_range
from tests.distributed._launch import passed

CHECKS = ['dtensor-layouts', 'dtensor-redistribute', 'dtensor-ops', 'fully_shard-equivalence', 'fully_shard-matches-pytorch',
          'fully_shard-tied-weights', 'fully_shard-scalar-parameter', 'fully_shard-clip_grad_norm_', 'fully_shard-options',
          'fully_shard-no-sync',
          'fsdp1-strategies', 'fsdp1-state-dicts', 'fsdp1-clip', 'fsdp1-no_sync', 'fsdp1-checkpoint',
          'fsdp1-wrap-policies', 'sharded-grad-scaler']


@pytest.mark.parametrize('check', CHECKS)
def test_on_two_ranks(two_rank_run, check):
    assert passed(two_rank_run, check), f'{check} did not pass on every rank:\n{two_rank_run}'


def test_shards_split_as_chunk_splits():
    # ember.chunk's pieces: ceil(size / parts) each, the last ones shorter or empty
    for size in range(0, 9):
        for parts in range(1, 5):
            pieces = [len(c) for c in ember.arange(size).chunk(parts)] if size else []
            pieces += [0] * (parts - len(pieces))
            assert [shard_range(size, parts, i)[1] for i in range(parts)] == pieces, (size, parts)
    assert local_box((5, 6), (2, 2), (Shard(0), Shard(1)), (1, 0)) == ((3, 0), (2, 3))


def test_placements():
    assert Shard(1) == Shard(1) and Shard(0) != Shard(1) and Replicate() == Replicate()
    assert repr(Partial('max')) == 'Partial(max)' and Shard(0).is_shard(0) and not Shard(0).is_shard(1)
    assert {Shard(0), Shard(0), Replicate()} == {Shard(0), Replicate()}
    with pytest.raises(ValueError):
        Partial('median')


def test_fsdp_checkpoint_on_two_ranks(two_rank_run):
    assert passed(two_rank_run, 'fsdp-checkpoint'), two_rank_run


def test_pytorch_loads_the_sharded_checkpoint_ember_wrote_at_two_ranks(two_rank_run, two_rank_dir):
    # workers/fsdp.py saved a fully_shard model and its Adam state, each rank writing its rows
    torch = pytest.importorskip('torch')
    import torch.distributed.checkpoint as torch_dcp
    import warnings
    path = str(two_rank_dir / 'fsdp_ckpt')
    ember.manual_seed(0)
    sd = {'model': {k: torch.zeros(tuple(v.shape), dtype=torch.float64) for k, v in
                    ember.nn.Sequential(ember.nn.Linear(5, 7), ember.nn.Tanh(), ember.nn.Linear(7, 3))
                    .state_dict().items()}}
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        torch_dcp.load(sd, checkpoint_id=path)
    theirs = {'model': {k: ember.zeros(tuple(v.shape), dtype=ember.float64) for k, v in sd['model'].items()}}
    import ember.distributed.checkpoint as dcp
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        dcp.load(theirs, checkpoint_id=path)
    for k in sd['model']:
        assert sd['model'][k].tolist() == theirs['model'][k].tolist(), k
    assert float(sd['model']['0.weight'].abs().sum()) > 0

