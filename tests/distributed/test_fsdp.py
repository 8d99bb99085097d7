"""DTensor and FSDP on 2 ranks (checked in workers/dtensor.py and workers/fsdp.py against NumPy values and
one-process training), and what runs without MPI."""
import pytest

import ember
from ember.distributed.tensor import Partial, Replicate, Shard
from ember.distributed.tensor._layout import local_box, shard_range
from tests.distributed._launch import passed

CHECKS = ['dtensor-layouts', 'dtensor-redistribute', 'dtensor-ops', 'fully_shard-equivalence', 'fully_shard-no-sync']


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
