"""``torch.utils.data._utils.fetch``: the objects that turn a batch of indices into a batch of samples."""
import itertools

import numpy as np

from ember._tensor import Tensor
from ember.utils.data._collate import default_collate
from ember.utils.data.dataset import TensorDataset


class _MapDatasetFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset, self.auto_collation, self.collate_fn, self.drop_last = \
            dataset, auto_collation, collate_fn, drop_last
        # NOTE: a plain TensorDataset batched by default_collate is the rows of each tensor at the
        # batch's indices; one fancy-indexing gather per tensor replaces len(batch) row views and a
        # stack.  Subclasses (which may override __getitem__) take the general path.
        self._tensor_rows = (auto_collation and collate_fn is default_collate and type(dataset) is TensorDataset)

    def fetch(self, index):
        if not self.auto_collation:
            return self.collate_fn(self.dataset[index])
        if self._tensor_rows:
            tensors = self.dataset.tensors
            rows = np.asarray(index)
            # only plain integer index lists; without grad (stack records its own graph node)
            if rows.ndim == 1 and rows.dtype.kind in 'iu' and not any(t.requires_grad for t in tensors):
                return [_gather_rows(t, rows) for t in tensors]
        getitems = getattr(self.dataset, '__getitems__', None)
        if getitems:
            data = getitems(index)
        else:
            data = [self.dataset[i] for i in index]
        return self.collate_fn(data)


def _gather_rows(t, rows):
    arr = t._data
    if isinstance(arr, np.ndarray):
        try:
            return Tensor._make(arr[rows], t._device)
        except IndexError:
            pass    # (a row out of range: the tensor's own indexing says so, in PyTorch's words)
    from ember.ops.creation import tensor
    return t[tensor(rows, device=t.device)]


class _IterableDatasetFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset, self.auto_collation, self.collate_fn, self.drop_last = \
            dataset, auto_collation, collate_fn, drop_last
        self.dataset_iter = iter(dataset)
        self.ended = False

    def fetch(self, index):
        if self.ended:
            raise StopIteration
        if not self.auto_collation:
            return self.collate_fn(next(self.dataset_iter))
        data = list(itertools.islice(self.dataset_iter, len(index)))
        if len(data) < len(index):
            self.ended = True
        if not data or (self.drop_last and len(data) < len(index)):
            raise StopIteration
        return self.collate_fn(data)
