"""Packed sequences (ember.nn.utils.rnn) and RNN/LSTM/GRU over them, against PyTorch 2.13.

tests/fixtures/nn_layers/record_packed.py recorded packed.json with PyTorch; here the same
procedure runs on ember and every value, index and gradient is compared.
"""
import json
import os

import numpy as np
import pytest

import ember
import ember.nn as nn
from ember.nn.utils import rnn as R
from tests.fixtures.nn_layers.record_packed import PACKS, RNNS, record
from tests.nn._recorded import same

with open(os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'nn_layers', 'packed.json')) as _f:
    RECORDED = json.load(_f)

_EMBER = {}


def ours():
    if not _EMBER:
        _EMBER.update(record(ember))
    return _EMBER


def _same(got, want, path=''):
    same(got, want, 1e-9, 1e-11, path)


@pytest.mark.parametrize('i', range(len(PACKS)))
def test_pack_and_pad_match_pytorch(i):
    _same(ours()['packs'][i], RECORDED['packs'][i])


@pytest.mark.parametrize('i', range(len(RNNS)), ids=[r[0] for r in RNNS])
def test_recurrent_modules_over_packed_batches_match_pytorch(i):
    _same(ours()['rnns'][i], RECORDED['rnns'][i])


def test_pad_pack_unpack_sequence_match_pytorch():
    _same(ours()['sequences'], RECORDED['sequences'])


def test_packed_output_equals_running_each_sequence_alone():
    ember.manual_seed(1)
    lstm = nn.LSTM(2, 3, bidirectional=True).double()
    seqs = [ember.randn(n, 2, dtype=ember.float64) for n in (4, 1, 3)]
    out, (h, _) = lstm(R.pack_sequence(seqs, enforce_sorted=False))
    for k, (s, o) in enumerate(zip(seqs, R.unpack_sequence(out))):
        alone, (h1, _) = lstm(s.unsqueeze(1))
        np.testing.assert_allclose(o.detach().numpy(), alone[:, 0].detach().numpy(), rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(h[:, k].detach().numpy(), h1[:, 0].detach().numpy(), rtol=1e-12, atol=1e-13)


def test_errors_match_pytorch():
    x = ember.zeros(4, 3, 2)
    with pytest.raises(RuntimeError, match='^`lengths` array must be sorted in decreasing order when `enforce_sorted` '
                                           'is True. You can pass `enforce_sorted=False`'):
        R.pack_padded_sequence(x, [4, 2, 3])
    with pytest.raises(RuntimeError, match="^Length of all samples has to be greater than 0, but found an element in "
                                           "'lengths' that is <= 0$"):
        R.pack_padded_sequence(x, [4, 0, 3], enforce_sorted=False)
    p = R.pack_padded_sequence(x, [4, 3, 2])
    with pytest.raises(ValueError, match='^Expected total_length to be at least the length of the longest sequence '
                                         'in input, but got total_length=2 and max sequence length being 4$'):
        R.pad_packed_sequence(p, total_length=2)
    with pytest.raises(ValueError, match='^Expected padding_side to be one of left or right, but got middle.$'):
        R.pad_sequence([ember.ones(2)], padding_side='middle')


def test_packed_sequence_conversions_and_names():
    p = R.pack_sequence([ember.ones(3, 2), ember.ones(2, 2)])
    assert isinstance(p, tuple) and p._fields == ('data', 'batch_sizes', 'sorted_indices', 'unsorted_indices')
    d = p.double()
    assert type(d) is R.PackedSequence and d.data.dtype == ember.float64 and d.batch_sizes is p.batch_sizes
    assert p.to(ember.float64).data.dtype == ember.float64 and not p.is_cuda
    assert ember.equal(R.invert_permutation(ember.tensor([2, 0, 1])), ember.tensor([1, 2, 0]))
    assert R.invert_permutation(None) is None
    from ember.nn.modules.rnn import PackedSequence
    from ember.nn.utils.rnn import pad_packed_sequence, unpad_sequence  # noqa: F401
    assert PackedSequence is R.PackedSequence and nn.utils.rnn is R
    padded = ember.arange(6.).reshape(3, 2)
    assert [t.tolist() for t in R.unpad_sequence(padded, ember.tensor([3, 1]))] == [[0., 2., 4.], [1.]]
