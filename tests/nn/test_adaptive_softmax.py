"""nn.AdaptiveLogSoftmaxWithLoss against PyTorch 2.13 (recorded by tests/fixtures/nn_layers/record_adaptive.py)."""
import json
import os

import numpy as np
import pytest

import ember
import ember.nn as nn
from tests.fixtures.nn_layers.record_adaptive import CASES, record

with open(os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'nn_layers', 'adaptive.json')) as _f:
    RECORDED = json.load(_f)

_EMBER = []


@pytest.mark.parametrize('i', range(len(CASES)))
def test_matches_pytorch(i):
    if not _EMBER:
        _EMBER.extend(record(ember))
    got, want = _EMBER[i], RECORDED[i]
    assert got['repr'] == want['repr'] and got['predict'] == want['predict']
    for key in ('output', 'grad', 'log_prob'):
        np.testing.assert_allclose(got[key], want[key], rtol=1e-12, atol=1e-14, err_msg=key)
    assert got['loss'] == pytest.approx(want['loss'], rel=1e-12)


def test_errors_match_pytorch():
    with pytest.raises(ValueError, match='^cutoffs should be a sequence of unique, positive integers sorted in an '
                                         'increasing order, where each value is between 1 and n_classes-1$'):
        nn.AdaptiveLogSoftmaxWithLoss(4, 10, [5, 3])
    with pytest.raises(ValueError, match='^cutoffs should be a sequence of length larger than 0$'):
        nn.AdaptiveLogSoftmaxWithLoss(4, 10, [])
    m = nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3])
    with pytest.raises(RuntimeError, match=r'^Target values should be in \[0, 9\], but values in range \[2, 12\] '
                                           r'were found. $'):
        m(ember.zeros(2, 4), ember.tensor([2, 12]))
    with pytest.raises(RuntimeError, match='^Input and target should have the same size in the batch dimension.$'):
        m(ember.zeros(3, 4), ember.tensor([2, 1]))
    with pytest.raises(RuntimeError, match='^0D or 1D target tensor expected, multi-target not supported$'):
        m(ember.zeros(2, 4), ember.zeros(2, 2, dtype=ember.int64))
    from ember.nn.modules.adaptive import AdaptiveLogSoftmaxWithLoss
    assert AdaptiveLogSoftmaxWithLoss is nn.AdaptiveLogSoftmaxWithLoss
