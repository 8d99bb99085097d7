"""Samplers (ember/utils/data/sampler.py); error texts recorded from PyTorch 2.13."""
import pytest

import ember
from ember.utils.data import (BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler,
                              WeightedRandomSampler)


def gen(seed):
    return ember.Generator().manual_seed(seed)


def test_sequential():
    s = SequentialSampler(range(5))
    assert list(s) == [0, 1, 2, 3, 4] and len(s) == 5


def test_sampler_base():
    with pytest.raises(NotImplementedError):
        iter(Sampler())


def test_random_sampler_permutation_and_reproducible():
    a = list(RandomSampler(range(20), generator=gen(1)))
    assert sorted(a) == list(range(20)) and a != list(range(20))
    assert a == list(RandomSampler(range(20), generator=gen(1)))
    assert a != list(RandomSampler(range(20), generator=gen(2)))
    # a generator that is kept gives a new order each epoch
    s = RandomSampler(range(20), generator=gen(1))
    assert list(s) != list(s)


def test_random_sampler_global_seed():
    ember.manual_seed(5)
    a = list(RandomSampler(range(30)))
    ember.manual_seed(5)
    assert a == list(RandomSampler(range(30)))


def test_random_sampler_num_samples_and_replacement():
    s = RandomSampler(range(4), num_samples=10, generator=gen(0))
    out = list(s)
    assert len(s) == 10 and len(out) == 10
    assert sorted(out[:8]) == [0, 0, 1, 1, 2, 2, 3, 3]  # whole permutations first, then a partial one
    r = RandomSampler(range(3), replacement=True, num_samples=50, generator=gen(0))
    out = list(r)
    assert len(out) == 50 and set(out) <= {0, 1, 2} and len(set(out)) == 3
    assert out == list(RandomSampler(range(3), replacement=True, num_samples=50, generator=gen(0)))


def test_random_sampler_errors():
    with pytest.raises(TypeError, match="^replacement should be a boolean value, but got replacement=1$"):
        RandomSampler(range(3), replacement=1)
    with pytest.raises(ValueError, match="^num_samples should be a positive integer value, but got num_samples=0$"):
        RandomSampler(range(3), num_samples=0)
    with pytest.raises(ValueError, match="^num_samples should be a positive integer value, but got num_samples=0$"):
        RandomSampler([])


def test_subset_random_sampler():
    s = SubsetRandomSampler([10, 20, 30, 40], generator=gen(3))
    out = list(s)
    assert sorted(out) == [10, 20, 30, 40] and len(s) == 4
    assert out == list(SubsetRandomSampler([10, 20, 30, 40], generator=gen(3)))


def test_weighted_random_sampler():
    s = WeightedRandomSampler([0., 1., 0., 3.], 200, generator=gen(0))
    out = list(s)
    assert len(s) == 200 and set(out) == {1, 3}
    assert 100 < out.count(3) < 190  # expected 150
    no_rep = list(WeightedRandomSampler([1., 2., 3., 4.], 4, replacement=False, generator=gen(0)))
    assert sorted(no_rep) == [0, 1, 2, 3]
    assert s.weights.dtype == ember.float64


def test_weighted_random_sampler_errors():
    with pytest.raises(ValueError, match="^num_samples should be a positive integer value, but got num_samples=True$"):
        WeightedRandomSampler([1.], True)
    with pytest.raises(ValueError, match="^replacement should be a boolean value, but got replacement=0$"):
        WeightedRandomSampler([1.], 1, replacement=0)
    with pytest.raises(ValueError, match=r"^weights should be a 1d sequence but given weights have shape \(1, 2\)$"):
        WeightedRandomSampler([[1., 2.]], 1)


def test_batch_sampler():
    assert list(BatchSampler(SequentialSampler(range(10)), 3, False)) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    assert list(BatchSampler(SequentialSampler(range(10)), 3, True)) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert len(BatchSampler(range(10), 3, False)) == 4 and len(BatchSampler(range(10), 3, True)) == 3
    assert list(BatchSampler(range(6), 3, True)) == [[0, 1, 2], [3, 4, 5]]
    with pytest.raises(ValueError, match="^batch_size should be a positive integer value, but got batch_size=0$"):
        BatchSampler(range(3), 0, False)
    with pytest.raises(ValueError, match="^batch_size should be a positive integer value, but got batch_size=True$"):
        BatchSampler(range(3), True, False)
    with pytest.raises(ValueError, match="^drop_last should be a boolean value, but got drop_last=0$"):
        BatchSampler(range(3), 2, 0)
