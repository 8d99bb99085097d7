"""DataLoader in the main process (ember/utils/data/dataloader.py); texts recorded from PyTorch 2.13."""
import warnings

import numpy as np
import pytest

import ember
from ember.utils.data import (BatchSampler, DataLoader, Dataset, IterableDataset, SequentialSampler,
                              TensorDataset, get_worker_info)


class Squares(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return {'x': np.float32(i), 'y': i * i}


class Stream(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))


def xy(n=10):
    return TensorDataset(ember.arange(n * 2, dtype=ember.float32).reshape(n, 2), ember.arange(n))


def test_batches_and_len():
    loader = DataLoader(xy(10), batch_size=4)
    assert len(loader) == 3
    batches = list(loader)
    assert [b[1].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert isinstance(batches[0], list) and batches[0][0].shape == (4, 2)
    assert batches[2][0].tolist() == [[16., 17.], [18., 19.]]
    assert batches[0][0].dtype == ember.float32 and batches[0][1].dtype == ember.int64


def test_default_batch_size_is_one():
    loader = DataLoader(xy(3))
    assert len(loader) == 3 and [b[1].tolist() for b in loader] == [[0], [1], [2]]


def test_drop_last():
    loader = DataLoader(xy(10), batch_size=4, drop_last=True)
    assert len(loader) == 2 and [b[1].tolist() for b in loader] == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_shuffle_reproducible_with_generator():
    def order(seed):
        loader = DataLoader(xy(20), batch_size=5, shuffle=True, generator=ember.Generator().manual_seed(seed))
        return [i for _, y in loader for i in y.tolist()]
    a = order(0)
    assert sorted(a) == list(range(20)) and a != list(range(20))
    assert a == order(0) and a != order(1)


def test_shuffle_reproducible_with_manual_seed():
    def epoch():
        return [i for _, y in DataLoader(xy(20), batch_size=5, shuffle=True) for i in y.tolist()]
    ember.manual_seed(11)
    a, b = epoch(), epoch()
    ember.manual_seed(11)
    assert a == epoch() and b == epoch() and a != b


def test_tensor_dataset_fast_path_matches_item_path():
    class ItemWise(TensorDataset):  # a subclass takes the per-item path
        pass
    x, y = ember.randn(13, 3, 2), ember.randint(0, 5, (13,))
    fast = list(DataLoader(TensorDataset(x, y), batch_size=4, shuffle=True, generator=ember.Generator().manual_seed(1)))
    slow = list(DataLoader(ItemWise(x, y), batch_size=4, shuffle=True, generator=ember.Generator().manual_seed(1)))
    for (fx, fy), (sx, sy) in zip(fast, slow):
        assert fx.shape == sx.shape and fx.dtype == sx.dtype and ember.equal(fx, sx) and ember.equal(fy, sy)
    assert len(fast) == len(slow) == 4
    # index lists that are not plain integers take the per-item path
    (rows,) = next(iter(DataLoader(TensorDataset(x), batch_sampler=[[slice(0, 2)]])))
    assert rows.shape == (1, 2, 3, 2) and ember.equal(rows[0], x[:2])


def test_requires_grad_data_keeps_graph():
    w = ember.ones(4, 2, requires_grad=True)
    (batch,) = next(iter(DataLoader(TensorDataset(w), batch_size=2)))
    assert batch.requires_grad and batch.grad_fn is not None


def test_dict_samples_and_custom_collate():
    batch = next(iter(DataLoader(Squares(5), batch_size=3)))
    assert batch['x'].dtype == ember.float32 and batch['x'].tolist() == [0., 1., 2.]
    assert batch['y'].tolist() == [0, 1, 4]
    sums = [b for b in DataLoader(Squares(4), batch_size=2, collate_fn=lambda s: sum(d['y'] for d in s))]
    assert sums == [1, 13]


def test_batch_size_none_uses_default_convert():
    out = list(DataLoader(Squares(2), batch_size=None))
    assert isinstance(out[1]['x'], ember.Tensor) and out[1]['x'].item() == 1.0 and out[1]['y'] == 1


def test_custom_sampler_and_batch_sampler():
    loader = DataLoader(xy(6), sampler=[5, 4, 3], batch_size=2)
    assert [b[1].tolist() for b in loader] == [[5, 4], [3]]
    loader = DataLoader(xy(6), batch_sampler=[[0, 5], [2]])
    assert len(loader) == 2 and [b[1].tolist() for b in loader] == [[0, 5], [2]]
    assert loader.batch_size is None


def test_iterable_dataset():
    loader = DataLoader(Stream(7), batch_size=3)
    assert [b.tolist() for b in loader] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [b.tolist() for b in DataLoader(Stream(7), batch_size=3, drop_last=True)] == [[0, 1, 2], [3, 4, 5]]
    assert get_worker_info() is None


def test_iterable_dataset_len():
    class Sized(Stream):
        def __len__(self):
            return 2
    loader = DataLoader(Sized(5), batch_size=2)
    assert len(loader) == 1  # ceil(2 / 2), though the stream really gives 3 batches
    with pytest.warns(UserWarning, match=r"was reported to be 2\(when accessing len\(dataloader\)\), but 3 samples"):
        list(loader)
    with pytest.raises(TypeError):
        len(DataLoader(Stream(3)))


def test_argument_errors():
    ds = xy(4)
    cases = [
        (dict(num_workers=-1), "num_workers option should be non-negative; "
                               "use num_workers=0 to disable multiprocessing."),
        (dict(timeout=-1), "timeout option should be non-negative"),
        (dict(prefetch_factor=2), "prefetch_factor option could only be specified in multiprocessing.let num_workers "
                                  "> 0 to enable multiprocessing, otherwise set prefetch_factor to None."),
        (dict(num_workers=1, prefetch_factor=-1), "prefetch_factor option should be non-negative"),
        (dict(persistent_workers=True), "persistent_workers option needs num_workers > 0"),
        (dict(sampler=[0, 1], shuffle=True), "sampler option is mutually exclusive with shuffle"),
        (dict(batch_sampler=[[0]], batch_size=2), "batch_sampler option is mutually exclusive with batch_size, "
                                                  "shuffle, sampler, and drop_last"),
        (dict(batch_sampler=[[0]], drop_last=True), "batch_sampler option is mutually exclusive with batch_size, "
                                                    "shuffle, sampler, and drop_last"),
        (dict(batch_size=None, drop_last=True), "batch_size=None option disables auto-batching and is mutually "
                                                "exclusive with drop_last"),
        (dict(multiprocessing_context='fork'), "multiprocessing_context can only be used with multi-process "
                                               "loading (num_workers > 0), but got num_workers=0"),
    ]
    for kwargs, msg in cases:
        with pytest.raises(ValueError) as info:
            DataLoader(ds, **kwargs)
        assert str(info.value) == msg, kwargs
    with pytest.raises(ValueError, match=r"^multiprocessing_context option should specify a valid start method in "):
        DataLoader(ds, num_workers=1, multiprocessing_context='nope')
    with pytest.raises(TypeError, match=r"^multiprocessing_context option should be a valid context object"):
        DataLoader(ds, num_workers=1, multiprocessing_context=3)


def test_iterable_dataset_argument_errors():
    with pytest.raises(ValueError, match="^DataLoader with IterableDataset: expected unspecified shuffle option, "
                                         "but got shuffle=True$"):
        DataLoader(Stream(3), shuffle=True)
    with pytest.raises(ValueError, match=r"^DataLoader with IterableDataset: expected unspecified sampler option, "
                                         r"but got sampler=\[0\]$"):
        DataLoader(Stream(3), sampler=[0])
    with pytest.raises(ValueError, match=r"^DataLoader with IterableDataset: expected unspecified batch_sampler "
                                         r"option, but got batch_sampler=\[\[0\]\]$"):
        DataLoader(Stream(3), batch_sampler=[[0]])
    DataLoader(Stream(3), shuffle=False)  # explicitly False is allowed


def test_attributes_frozen_after_init():
    loader = DataLoader(xy(4), batch_size=2)
    with pytest.raises(ValueError, match="^batch_size attribute should not be set after DataLoader is initialized$"):
        loader.batch_size = 3
    loader.num_workers = 0  # other attributes may change
    assert isinstance(loader.batch_sampler, BatchSampler) and isinstance(loader.sampler, SequentialSampler)


def test_pin_memory_warns_without_accelerator():
    if ember.cuda.is_available():
        pytest.skip('an accelerator is present')
    with pytest.warns(UserWarning, match="^'pin_memory' argument is set as true but no accelerator is found, "
                                         "then device pinned memory won't be used.$"):
        out = list(DataLoader(xy(4), batch_size=2, pin_memory=True))
    assert [b[1].tolist() for b in out] == [[0, 1], [2, 3]]


def test_iterator_cannot_be_pickled_and_has_len():
    import pickle
    it = iter(DataLoader(xy(5), batch_size=2))
    assert len(it) == 3
    with pytest.raises(NotImplementedError):
        pickle.dumps(it)


def test_loader_draws_one_seed_per_iterator():
    # creating an iterator consumes the global generator, as PyTorch does (a base seed for workers)
    ember.manual_seed(0)
    iter(DataLoader(xy(2)))
    after_iter = ember.rand(1).item()
    ember.manual_seed(0)
    assert ember.rand(1).item() != after_iter
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        list(DataLoader(xy(2)))
