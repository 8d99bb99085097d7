"""DataLoader with worker processes (ember/utils/data/dataloader.py, _worker.py).

Each test keeps its datasets tiny; worker start-up (a fork) dominates their run time.
"""
import math
import os
import random
import signal
import time

import numpy as np
import pytest

import ember
from ember.utils.data import DataLoader, Dataset, IterableDataset, TensorDataset, get_worker_info


class Jittery(Dataset):
    """Item i is i, delivered after a small random delay so workers finish out of order."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        time.sleep(0.002 * ((i * 7919) % 5))
        return i


class WhoAmI(Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        info = get_worker_info()
        return {'pid': os.getpid(), 'id': info.id, 'num_workers': info.num_workers, 'seed': info.seed,
                'same_dataset': info.dataset is self, 'tag': getattr(self, 'tag', -1)}


class RandomItems(Dataset):
    """Draws from every RNG a worker has: ember's, NumPy's and Python's."""

    def __len__(self):
        return 8

    def __getitem__(self, i):
        return ember.rand(()).item(), float(np.random.rand()), random.random()


class Failing(Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 5:
            raise ValueError(f"bad item {i}")
        return i


class MissingKey(Dataset):
    def __len__(self):
        return 2

    def __getitem__(self, i):
        return {}['no_such_key']


class Killer(Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 3:
            os.kill(os.getpid(), signal.SIGKILL)
        return i


class Slow(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        time.sleep(1.0 if i == 2 else 0)
        return i


class Shards(IterableDataset):
    """range(start, end) split into contiguous shards, one per worker."""

    def __init__(self, start, end):
        self.start, self.end = start, end

    def __iter__(self):
        info = get_worker_info()
        lo, hi = self.start, self.end
        if info is not None:
            per = int(math.ceil((hi - lo) / info.num_workers))
            lo = self.start + info.id * per
            hi = min(lo + per, self.end)
        return iter(range(lo, hi))


class Unsharded(IterableDataset):
    def __iter__(self):
        return iter(range(3))


def set_tag(worker_id):
    get_worker_info().dataset.tag = 100 + worker_id


def flat(batches):
    return [i for b in batches for i in b.tolist()]


def test_order_preserved_with_two_workers():
    out = list(DataLoader(Jittery(40), batch_size=3, num_workers=2))
    assert flat(out) == list(range(40))
    assert [len(b) for b in out] == [3] * 13 + [1]


def test_same_batches_as_single_process():
    x, y = ember.randn(30, 3), ember.arange(30)

    def run(workers):
        loader = DataLoader(TensorDataset(x, y), batch_size=4, shuffle=True, num_workers=workers,
                            generator=ember.Generator().manual_seed(3))
        return list(loader)
    main, work = run(0), run(2)
    assert len(main) == len(work) == 8
    for (a, b), (c, d) in zip(main, work):
        assert ember.equal(a, c) and ember.equal(b, d) and c.dtype == a.dtype


def test_unbatched_and_in_order_false():
    assert list(DataLoader(Jittery(6), batch_size=None, num_workers=2)) == list(range(6))
    out = flat(DataLoader(Jittery(20), batch_size=2, num_workers=2, in_order=False))
    assert sorted(out) == list(range(20))


def test_worker_info_and_init_fn():
    out = list(DataLoader(WhoAmI(), batch_size=2, num_workers=2, worker_init_fn=set_tag))
    ids = [b['id'].tolist() for b in out]
    assert ids == [[0, 0], [1, 1], [0, 0], [1, 1]]  # batches go to workers round-robin
    assert all(b['num_workers'].tolist() == [2, 2] for b in out)
    assert all(b['same_dataset'].tolist() == [True, True] for b in out)
    assert [b['tag'].tolist() for b in out] == [[100, 100], [101, 101], [100, 100], [101, 101]]
    seeds = {b['id'][0].item(): b['seed'][0].item() for b in out}
    assert seeds[1] == seeds[0] + 1  # base_seed + worker_id
    pids = {b['pid'][0].item() for b in out}
    assert len(pids) == 2 and os.getpid() not in pids
    assert get_worker_info() is None


def test_worker_seeds_reproducible():
    def run():
        ember.manual_seed(123)
        return [row for b in DataLoader(RandomItems(), batch_size=2, num_workers=2) for row in zip(*b)]
    first, second = run(), run()
    assert first == second
    # workers do not repeat each other's streams: batch 0 (worker 0) differs from batch 1 (worker 1)
    assert first[0] != first[2]
    ember.manual_seed(124)
    assert run() != [row for b in DataLoader(RandomItems(), batch_size=2, num_workers=2) for row in zip(*b)]


def test_exception_reraised_with_worker_traceback():
    loader = DataLoader(Failing(), batch_size=2, num_workers=2)
    it = iter(loader)
    assert next(it).tolist() == [0, 1] and next(it).tolist() == [2, 3]
    with pytest.raises(ValueError) as info:
        next(it)
    msg = str(info.value)
    assert msg.startswith("Caught ValueError in DataLoader worker process 0.\n"
                          "Original Traceback (most recent call last):\n")
    assert 'raise ValueError(f"bad item {i}")' in msg and msg.rstrip().endswith("ValueError: bad item 5")


def test_key_error_message_is_readable():
    with pytest.raises(KeyError) as info:
        list(DataLoader(MissingKey(), num_workers=1))
    text = str(info.value)
    assert text.startswith("Caught KeyError in DataLoader worker process 0.\nOriginal Traceback")
    assert "KeyError: 'no_such_key'" in text


def test_worker_init_fn_error_is_reraised():
    def boom(worker_id):
        raise RuntimeError(f"init failed in {worker_id}")
    with pytest.raises(RuntimeError, match=r"^Caught RuntimeError in DataLoader worker process 0\.\nOriginal "
                                           r"Traceback[\s\S]*RuntimeError: init failed in 0"):
        list(DataLoader(Jittery(4), num_workers=1, worker_init_fn=boom))


def test_killed_worker_is_detected():
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"^DataLoader worker \(pid\(s\) \d+\) exited unexpectedly$"):
        list(DataLoader(Killer(), batch_size=1, num_workers=2))
    assert time.monotonic() - start < 3


def test_timeout():
    loader = DataLoader(Slow(), batch_size=1, num_workers=1, timeout=0.3)
    it = iter(loader)
    assert next(it).tolist() == [0] and next(it).tolist() == [1]
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"^DataLoader timed out after 0\.3 seconds$"):
        next(it)
    assert time.monotonic() - start < 2
    workers = it._workers
    del it
    assert not any(w.is_alive() for w in workers)


def test_persistent_workers_across_epochs():
    loader = DataLoader(WhoAmI(), batch_size=2, num_workers=2, persistent_workers=True)
    epoch1 = list(loader)
    it = loader._iterator
    epoch2 = list(loader)
    assert loader._iterator is it and all(w.is_alive() for w in it._workers)
    pids1 = sorted({p for b in epoch1 for p in b['pid'].tolist()})
    pids2 = sorted({p for b in epoch2 for p in b['pid'].tolist()})
    assert pids1 == pids2 and len(pids1) == 2
    # an epoch abandoned half-way does not leak stale batches into the next one
    part = iter(loader)
    next(part)
    assert [b['id'].tolist() for b in loader] == [[0, 0], [1, 1], [0, 0], [1, 1]]
    workers = it._workers
    del loader, it, part
    import gc
    gc.collect()
    assert not any(w.is_alive() for w in workers)


def test_workers_stop_when_iterator_is_dropped_or_exhausted():
    it = iter(DataLoader(Jittery(40), batch_size=2, num_workers=2))
    next(it)
    workers = it._workers
    assert all(w.is_alive() for w in workers)
    del it
    assert not any(w.is_alive() for w in workers)
    it = iter(DataLoader(Jittery(4), batch_size=2, num_workers=2))
    list(it)
    assert not any(w.is_alive() for w in it._workers)


def test_iterable_dataset_sharded_by_worker_info():
    out = list(DataLoader(Shards(3, 10), batch_size=2, num_workers=2))
    # worker 0 has [3, 4, 5, 6], worker 1 has [7, 8, 9]; batches alternate between them
    assert [b.tolist() for b in out] == [[3, 4], [7, 8], [5, 6], [9]]
    # unbatched: single items, converted by default_convert (ints stay ints)
    assert list(DataLoader(Shards(3, 10), batch_size=None, num_workers=2)) == [3, 7, 4, 8, 5, 9, 6]
    # without sharding each worker yields the whole stream
    assert sorted(flat(DataLoader(Unsharded(), batch_size=2, num_workers=2))) == [0, 0, 1, 1, 2, 2]


def test_iterable_dataset_persistent_workers_two_epochs():
    loader = DataLoader(Shards(0, 5), batch_size=2, num_workers=2, persistent_workers=True)
    assert sorted(flat(loader)) == list(range(5))
    assert sorted(flat(loader)) == list(range(5))


def test_non_leaf_tensor_cannot_cross_processes():
    class GradItems(Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            return ember.ones(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="Cowardly refusing to serialize non-leaf tensor which requires_grad"):
        list(DataLoader(GradItems(), batch_size=None, num_workers=1))


def test_spawn_context():
    loader = DataLoader(TensorDataset(ember.arange(6.)), batch_size=4, num_workers=1,
                        multiprocessing_context='spawn')
    assert [b[0].tolist() for b in loader] == [[0., 1., 2., 3.], [4., 5.]]
