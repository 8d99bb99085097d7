"""Datasets: the map-style and iterable-style protocols and the ready-made combinators.

A map-style dataset answers ``dataset[i]`` (and usually ``len``); an iterable-style dataset
is a stream (``iter(dataset)``).  The DataLoader asks a map-style dataset for
``__getitems__(indices)`` when it defines one, so a dataset can serve a whole batch at once.
"""
import bisect
import itertools
import math
import warnings
from typing import Generic, Iterable, TypeVar

from ember.ops.random import default_generator

T_co = TypeVar('T_co', covariant=True)
T = TypeVar('T')

__all__ = ['Dataset', 'IterableDataset', 'TensorDataset', 'StackDataset', 'ConcatDataset', 'ChainDataset',
           'Subset', 'random_split']


class Dataset(Generic[T_co]):
    """A map from keys to samples: subclasses define ``__getitem__`` (and usually ``__len__``).

    >>> class Squares(Dataset):
    ...     def __len__(self):
    ...         return 4
    ...     def __getitem__(self, i):
    ...         return i * i
    >>> [Squares()[i] for i in range(4)]
    [0, 1, 4, 9]
    """

    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    # NOTE: no default __len__ on purpose: a dataset without one must make len() raise TypeError,
    # which is how samplers and the DataLoader find out that the size is unknown.

    def __add__(self, other):
        return ConcatDataset([self, other])


class IterableDataset(Dataset[T_co]):
    """A stream of samples: subclasses define ``__iter__``.

    With ``num_workers > 0`` every worker iterates its own copy; use
    :func:`ember.utils.data.get_worker_info` inside ``__iter__`` to give each copy its shard.

    Example::

        >>> class Count(ember.utils.data.IterableDataset):
        ...     def __init__(self, n):
        ...         self.n = n
        ...     def __iter__(self):
        ...         return iter(range(self.n))
        >>> list(ember.utils.data.DataLoader(Count(5), batch_size=2))
        [tensor([0, 1]), tensor([2, 3]), tensor([4])]
    """

    def __iter__(self):
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other):
        return ChainDataset([self, other])


class TensorDataset(Dataset):
    """Samples are the ``index``-th rows of each tensor: ``(t0[i], t1[i], ...)``.

    >>> import ember
    >>> ds = TensorDataset(ember.arange(3), ember.arange(3) * 10)
    >>> ds[1]
    (tensor(1), tensor(10))
    """

    def __init__(self, *tensors):
        if any(tensors[0].size(0) != t.size(0) for t in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].size(0)


class StackDataset(Dataset):
    """Zips datasets of equal length: positional ones give tuples, keyword ones give dicts.

    Example::

        >>> ds = ember.utils.data.StackDataset(image=ember.arange(3.), label=[10, 11, 12])
        >>> ds[1]
        {'image': tensor(1.), 'label': 11}
        >>> len(ds)
        3
    """

    def __init__(self, *args, **kwargs):
        if args:
            if kwargs:
                raise ValueError("Supported either ``tuple``- (via ``args``) or"
                                 "``dict``- (via ``kwargs``) like input/output, but both types are given.")
            parts = args
        elif kwargs:
            parts = list(kwargs.values())
        else:
            raise ValueError("At least one dataset should be passed")
        self._length = len(parts[0])
        if any(self._length != len(d) for d in parts):
            raise ValueError("Size mismatch between datasets")
        self.datasets = args if args else kwargs

    def __getitem__(self, index):
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __getitems__(self, indices):
        # one column per part, each fetched batch-wise when the part supports it
        named = isinstance(self.datasets, dict)
        keys = list(self.datasets) if named else range(len(self.datasets))
        columns = [_fetch_many(self.datasets[k], indices) for k in keys]
        if named:
            return [dict(zip(keys, row)) for row in zip(*columns)]
        return [tuple(row) for row in zip(*columns)]

    def __len__(self):
        return self._length


def _fetch_many(dataset, indices):
    getitems = getattr(dataset, '__getitems__', None)
    if callable(getitems):
        items = getitems(indices)
        if len(items) != len(indices):
            raise ValueError(f"Nested dataset's output size mismatch. Expected {len(indices)}, got {len(items)}")
        return items
    return [dataset[i] for i in indices]


class ConcatDataset(Dataset):
    """The datasets one after another; index ``i`` falls into the part whose range holds it.

    Example::

        >>> ds = ember.utils.data.ConcatDataset([range(3), range(10, 12)])
        >>> len(ds)
        5
        >>> [ds[i] for i in range(len(ds))]
        [0, 1, 2, 10, 11]
        >>> ds.cumulative_sizes
        [3, 5]
    """

    @staticmethod
    def cumsum(sequence):
        return list(itertools.accumulate(len(d) for d in sequence))

    def __init__(self, datasets):
        super().__init__()
        self.datasets = list(datasets)
        if len(self.datasets) == 0:
            raise AssertionError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        part = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[part - 1] if part > 0 else 0
        return self.datasets[part][idx - start]

    @property
    def cummulative_sizes(self):
        warnings.warn("`cummulative_sizes` attribute is renamed to `cumulative_sizes`", FutureWarning,
                      stacklevel=2)
        return self.cumulative_sizes


class ChainDataset(IterableDataset):
    """Iterable datasets chained one after another, lazily.

    Example::

        >>> class Count(ember.utils.data.IterableDataset):
        ...     def __init__(self, start, stop):
        ...         self.start, self.stop = start, stop
        ...     def __iter__(self):
        ...         return iter(range(self.start, self.stop))
        >>> list(ember.utils.data.ChainDataset([Count(0, 2), Count(10, 13)]))
        [0, 1, 10, 11, 12]
    """

    def __init__(self, datasets: Iterable[Dataset]):
        super().__init__()
        self.datasets = datasets

    def __iter__(self):
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield from d

    def __len__(self):
        total = 0
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            total += len(d)
        return total


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order.

    Example::

        >>> ds = ember.utils.data.Subset(['a', 'b', 'c', 'd'], [3, 1])
        >>> len(ds)
        2
        >>> ds[0], ds[1]
        ('d', 'b')
    """

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = indices
        # A subclass that changes __getitem__ alone would be bypassed by the loader's batch path.
        if type(self).__getitem__ is not Subset.__getitem__ and type(self).__getitems__ is Subset.__getitems__:
            raise NotImplementedError(
                f"{type(self).__name__} overrides __getitem__ but not __getitems__. "
                "When subclassing Subset and overriding __getitem__, you must also override "
                "__getitems__ to ensure DataLoader works correctly with your custom logic. "
                "A simple implementation:\n\n"
                "def __getitems__(self, indices):\n"
                "    return [self.__getitem__(idx) for idx in indices]")

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices):
        return _fetch_many(self.dataset, [self.indices[i] for i in indices])

    def __len__(self):
        return len(self.indices)


def random_split(dataset, lengths, generator=default_generator):
    """Split ``dataset`` into non-overlapping random subsets of the given lengths.

    ``lengths`` may be fractions summing to 1: each split gets ``floor(frac * len(dataset))``
    items and the remainder is handed out one by one, round-robin from the first split.

    >>> import ember
    >>> a, b = random_split(range(10), [0.3, 0.7], generator=ember.Generator().manual_seed(0))
    >>> len(a), len(b)
    (3, 7)
    """
    from ember.ops.random import randperm
    if generator is None:
        generator = default_generator
    n = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        sizes = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            sizes.append(math.floor(n * frac))
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        lengths = sizes
        for i, length in enumerate(lengths):
            if length == 0:
                warnings.warn(f"Length of split at index {i} is 0. This might result in an empty dataset.",
                              stacklevel=2)
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    perm = randperm(sum(lengths), generator=generator).tolist()
    ends = itertools.accumulate(lengths)
    return [Subset(dataset, perm[end - length:end]) for end, length in zip(ends, lengths)]
