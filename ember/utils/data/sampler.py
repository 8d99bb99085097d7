"""Samplers: iterables of dataset indices (or of index lists, for BatchSampler).

Random samplers draw from an ``ember.Generator`` exactly as PyTorch's do, so a seeded run gives
PyTorch's orders.  Without a generator, each epoch seeds a fresh generator from the global one,
so ``ember.manual_seed`` alone also makes shuffling reproducible.
"""
import itertools
from typing import Generic, Iterator, TypeVar

T_co = TypeVar('T_co', covariant=True)

__all__ = ['Sampler', 'SequentialSampler', 'RandomSampler', 'SubsetRandomSampler', 'WeightedRandomSampler',
           'BatchSampler']


class Sampler(Generic[T_co]):
    """Base class: subclasses define ``__iter__`` (and ``__len__`` when the length is known).

    Example::

        >>> class EvenFirst(ember.utils.data.Sampler):
        ...     def __init__(self, data_source):
        ...         self.n = len(data_source)
        ...     def __iter__(self):
        ...         return iter(list(range(0, self.n, 2)) + list(range(1, self.n, 2)))
        ...     def __len__(self):
        ...         return self.n
        >>> list(ember.utils.data.DataLoader(ember.arange(5), sampler=EvenFirst(range(5))))
        [tensor([0]), tensor([2]), tensor([4]), tensor([1]), tensor([3])]
    """

    def __iter__(self) -> Iterator[T_co]:
        raise NotImplementedError


class SequentialSampler(Sampler[int]):
    """``0, 1, ..., len(data_source) - 1``.

    Example::

        >>> list(ember.utils.data.SequentialSampler(['a', 'b', 'c']))
        [0, 1, 2]
    """

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


def _fresh_generator():
    # NOTE: seeded from the global generator (a random_() int64 draw, as PyTorch does) so that
    # ember.manual_seed fixes the order, while every epoch still gets a different permutation.
    from ember._random.draw import random_int64
    from ember._random.generator import Generator, default_generator
    return Generator().manual_seed(random_int64(default_generator))


_CHUNK = 32   # PyTorch draws replacement samples 32 at a time; the same chunks keep the same stream


class RandomSampler(Sampler[int]):
    """A random permutation of the indices, or ``num_samples`` draws with ``replacement``.

    >>> import ember
    >>> g = ember.Generator().manual_seed(0)
    >>> sorted(RandomSampler(range(5), generator=g))
    [0, 1, 2, 3, 4]
    """

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={self.replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got "
                             f"num_samples={self.num_samples}")

    @property
    def num_samples(self):
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        from ember._random import draw
        n = len(self.data_source)
        gen = self.generator if self.generator is not None else _fresh_generator()
        total = self.num_samples
        if self.replacement:
            # lazily, chunk by chunk: num_samples may be far larger than memory
            wide = n >= (1 << 28)
            for _ in range(total // _CHUNK):
                yield from draw.random_from_to(gen, _CHUNK, 0, n, wide).tolist()
            yield from draw.random_from_to(gen, total % _CHUNK, 0, n, wide).tolist()
        else:
            for _ in range(total // n):
                yield from _perm(gen, n)
            # NOTE: PyTorch draws this last permutation even when it keeps none of it
            yield from _perm(gen, n)[:total % n]

    def __len__(self):
        return self.num_samples


def _perm(gen, n):
    from ember.ops.random import randperm
    return randperm(n, generator=gen).tolist()


class SubsetRandomSampler(Sampler[int]):
    """The given ``indices`` in a random order (without replacement).

    Example::

        >>> g = ember.Generator().manual_seed(0)
        >>> list(ember.utils.data.SubsetRandomSampler([10, 20, 30, 40], generator=g))
        [10, 20, 40, 30]
    """

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        from ember.ops.random import randperm
        for i in randperm(len(self.indices), generator=self.generator).tolist():
            yield self.indices[i]

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler[int]):
    """``num_samples`` indices into ``weights``, drawn with probability proportional to the weight.

    >>> import ember
    >>> list(WeightedRandomSampler([0., 1., 0.], 3, generator=ember.Generator().manual_seed(0)))
    [1, 1, 1]
    """

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        from ember import as_tensor, float64
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got replacement={replacement}")
        weights_tensor = as_tensor(weights, dtype=float64)
        if len(weights_tensor.shape) != 1:
            raise ValueError("weights should be a 1d sequence but given "
                             f"weights have shape {tuple(weights_tensor.shape)}")
        self.weights = weights_tensor
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self):
        from ember.ops.random import multinomial
        yield from multinomial(self.weights, self.num_samples, self.replacement, generator=self.generator).tolist()

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler[list]):
    """Groups the indices of ``sampler`` into lists of ``batch_size``.

    >>> list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=False))
    [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    >>> list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=True))
    [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    """

    def __init__(self, sampler, batch_size, drop_last):
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self):
        it = iter(self.sampler)
        while True:
            batch = list(itertools.islice(it, self.batch_size))
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                return
            yield batch

    def __len__(self):
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size
