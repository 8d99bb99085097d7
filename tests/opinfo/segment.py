"""Rows for ember/ops/segment.py: segment_reduce over each reduction (lengths and offsets)."""
import numpy as np

import ember
from tests.opinfo import ErrorInput, OpInfo, Raw, Sample, distinct


def _np_segment(x, reduce, lengths, axis=0, initial=None):
    fn = {'sum': np.sum, 'mean': np.mean, 'max': np.max, 'min': np.min, 'prod': np.prod}[reduce]
    x = np.moveaxis(x, axis, 0)
    pieces, start = [], 0
    for n in np.asarray(lengths):
        part = x[start:start + n]
        if initial is not None and reduce != 'mean':
            part = np.concatenate([np.full((1,) + x.shape[1:], initial, x.dtype), part])
            pieces.append(fn(part, axis=0))
        elif reduce == 'mean' and initial is not None:
            pieces.append((part.sum(axis=0) + initial) / n)
        else:
            pieces.append(fn(part, axis=0))
        start += n
    return np.moveaxis(np.stack(pieces), 0, axis)


def _samples(reduce):
    def make(rng):
        lengths = Raw(ember.tensor([2, 1, 3]))
        return [Sample(distinct(rng, (6,)), reduce, lengths=lengths),
                Sample(distinct(rng, (6, 2)), reduce, lengths=lengths),
                Sample(distinct(rng, (3, 6)), reduce, lengths=Raw(ember.tensor([[2, 1, 3]] * 3)), axis=1),
                Sample(distinct(rng, (6,)), reduce, lengths=lengths, initial=0.5)]
    return make


def _ref(x, reduce, lengths=None, axis=0, initial=None):
    lengths = lengths.numpy() if hasattr(lengths, 'numpy') else lengths
    if lengths.ndim == 1:
        return _np_segment(x, reduce, lengths, axis, initial)
    return np.stack([_np_segment(row, reduce, ls, 0, initial) for row, ls in zip(x, lengths)])


def _errors():
    x = np.arange(6.0)
    return [ErrorInput(Sample(x, 'foo', lengths=Raw(ember.tensor([6]))), RuntimeError,
                       'reduce argument must be either sum, prod, mean, amax or amin, got foo'),
            ErrorInput(Sample(x, 'sum', lengths=Raw(ember.tensor([2, 2]))), RuntimeError,
                       'segment_reduce(): Expected all rows of lengths along axis to sum to data.size(lengths.dim()-1) '
                       'when !unsafe.'),
            ErrorInput(Sample(x, 'sum'), RuntimeError, 'segment_reduce(): Either lengths or offsets must be defined.'),
            ErrorInput(Sample(x, 'sum', lengths=Raw(ember.tensor([-1, 7]))), RuntimeError,
                       'lengths contains negative value!')]


OPS = [OpInfo(f'segment_reduce_{r}', ember.segment_reduce, _samples(r), ref=_ref,
              aliases=('segment_reduce',) if r == 'sum' else (), error_inputs=_errors if r == 'sum' else None)
       for r in ('sum', 'mean', 'max', 'min', 'prod')]
