"""Datasets and random_split (ember/utils/data/dataset.py); expected values recorded from PyTorch 2.13."""
import warnings

import pytest

import ember
from ember.utils.data import (ChainDataset, ConcatDataset, Dataset, IterableDataset, StackDataset, Subset,
                              TensorDataset, random_split)


class Range(IterableDataset):
    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi

    def __iter__(self):
        return iter(range(self.lo, self.hi))

    def __len__(self):
        return self.hi - self.lo


def test_dataset_base_errors():
    with pytest.raises(NotImplementedError, match=r"^Subclasses of Dataset should implement __getitem__\.$"):
        Dataset()[0]
    # no default __len__: len() is a TypeError
    with pytest.raises(TypeError):
        len(Dataset())


def test_tensor_dataset():
    x = ember.arange(12.).reshape(4, 3)
    y = ember.tensor([0, 1, 0, 1])
    ds = TensorDataset(x, y)
    assert len(ds) == 4
    xi, yi = ds[2]
    assert xi.tolist() == [6., 7., 8.] and yi.item() == 0
    with pytest.raises(AssertionError, match="^Size mismatch between tensors$"):
        TensorDataset(ember.zeros(3), ember.zeros(4))


def test_concat_dataset():
    c = ConcatDataset([range(3), range(4)])
    assert len(c) == 7 and c.cumulative_sizes == [3, 7]
    assert [c[i] for i in range(7)] == [0, 1, 2, 0, 1, 2, 3]
    assert c[-1] == 3
    with pytest.raises(ValueError, match="^absolute value of index should not exceed dataset length$"):
        c[-8]
    with pytest.raises(IndexError):
        c[7]
    with pytest.raises(AssertionError, match="^datasets should not be an empty iterable$"):
        ConcatDataset([])
    with pytest.raises(AssertionError, match="^ConcatDataset does not support IterableDataset$"):
        ConcatDataset([Range(0, 2)])
    with pytest.warns(FutureWarning):
        assert c.cummulative_sizes == [3, 7]


def test_dataset_add_makes_concat_and_chain():
    a = TensorDataset(ember.arange(2))
    b = TensorDataset(ember.arange(3))
    both = a + b
    assert isinstance(both, ConcatDataset) and len(both) == 5
    chain = Range(0, 2) + Range(5, 7)
    assert isinstance(chain, ChainDataset)
    assert list(chain) == [0, 1, 5, 6] and len(chain) == 4


def test_chain_rejects_map_style():
    with pytest.raises(AssertionError, match="^ChainDataset only supports IterableDataset$"):
        list(ChainDataset([range(3)]))


def test_subset():
    s = Subset(range(10, 20), [3, 1])
    assert (s[0], s[1], len(s)) == (13, 11, 2)
    assert s.__getitems__([1, 0]) == [11, 13]

    class Bad(Subset):
        def __getitem__(self, idx):
            return 0
    with pytest.raises(NotImplementedError, match="^Bad overrides __getitem__ but not __getitems__"):
        Bad(range(3), [0])


def test_stack_dataset():
    assert StackDataset([1, 2], [3, 4])[1] == (2, 4)
    assert StackDataset(a=[1, 2], b=[3, 4])[0] == {'a': 1, 'b': 3}
    assert StackDataset(a=[1, 2], b=Subset([5, 6], [1, 0])).__getitems__([0, 1]) == [{'a': 1, 'b': 6},
                                                                                    {'a': 2, 'b': 5}]
    with pytest.raises(ValueError, match="^Size mismatch between datasets$"):
        StackDataset([1], [3, 4])
    with pytest.raises(ValueError, match="^At least one dataset should be passed$"):
        StackDataset()


@pytest.mark.parametrize('n,fracs,expected', [
    (10, [0.33, 0.33, 0.34], [4, 3, 3]),          # values from PyTorch 2.13
    (11, [0.25, 0.25, 0.25, 0.25], [3, 3, 3, 2]),
    (7, [0.5, 0.5], [4, 3]),
])
def test_random_split_fractions(n, fracs, expected):
    parts = random_split(range(n), fracs, generator=ember.Generator().manual_seed(0))
    assert [len(p) for p in parts] == expected
    assert sorted(i for p in parts for i in p) == list(range(n))


def test_random_split_lengths_reproducible():
    a = random_split(range(10), [3, 7], generator=ember.Generator().manual_seed(42))
    b = random_split(range(10), [3, 7], generator=ember.Generator().manual_seed(42))
    assert [list(p) for p in a] == [list(p) for p in b]
    assert [len(p) for p in a] == [3, 7]
    assert sorted(list(a[0]) + list(a[1])) == list(range(10))
    c = random_split(range(10), [3, 7], generator=ember.Generator().manual_seed(7))
    assert [list(p) for p in a] != [list(p) for p in c]
    ember.manual_seed(3)
    d = random_split(range(10), [5, 5])
    ember.manual_seed(3)
    assert [list(p) for p in d] == [list(p) for p in random_split(range(10), [5, 5])]


def test_random_split_errors_and_warning():
    with pytest.raises(ValueError, match="^Sum of input lengths does not equal the length of the input dataset!$"):
        random_split(range(10), [3, 4])
    with pytest.raises(ValueError, match="^Sum of input lengths does not equal the length of the input dataset!$"):
        random_split(range(10), [0.5, 0.6])
    with pytest.raises(ValueError, match="^Fraction at index 0 is not between 0 and 1$"):
        random_split(range(10), [-0.5, 1.5])
    with pytest.warns(UserWarning,
                      match=r"^Length of split at index 1 is 0\. This might result in an empty dataset\.$"):
        parts = random_split(range(2), [0.1, 0.1, 0.8])
    assert [len(p) for p in parts] == [1, 0, 1]
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        random_split(range(4), [0.5, 0.5])
