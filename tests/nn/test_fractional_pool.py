"""Fractional max pooling (ember/ops/fractional_pool.py, nn.FractionalMaxPool2d/3d) against PyTorch 2.13:
tests/fixtures/nn_layers/record_fractional.py recorded fractional.json; the same seeded procedure
runs here on ember, so the windows (drawn from the generator), values, indices and gradients must agree.
"""
import json
import os

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F
from tests.fixtures.nn_layers.record_fractional import CASES, record

with open(os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'nn_layers', 'fractional.json')) as _f:
    RECORDED = json.load(_f)

_EMBER = []


@pytest.mark.parametrize('i', range(len(CASES)), ids=[c[0] for c in CASES])
def test_matches_pytorch(i):
    if not _EMBER:
        _EMBER.extend(record(ember))
    got, want = _EMBER[i], RECORDED[i]
    assert got['shape'] == want['shape'] and got['grad_fn'] == want['grad_fn']
    assert got['index'] == want['index']
    np.testing.assert_array_equal(got['out'], want['out'])
    np.testing.assert_allclose(got['grad'], want['grad'], rtol=1e-6, atol=1e-12)
    assert got['next_draw'] == want['next_draw']        # the same number of draws from the generator


def test_fixed_samples_give_the_same_windows_every_call():
    samples = ember.rand(1, 2, 2)
    m = nn.FractionalMaxPool2d(2, output_size=3, _random_samples=samples)
    x = ember.randn(1, 2, 6, 6)
    assert ember.equal(m(x), m(x)) and '_random_samples' in dict(m.named_buffers())
    assert repr(m) == 'FractionalMaxPool2d()'


def test_fractional_max_pool3d_takes_a_bare_ratio_as_pytorch_does():
    # PyTorch's 3-d spelling broadcasts a number to three ratios (its 2-d one raises, tested below)
    x = ember.arange(64.).reshape(1, 1, 4, 4, 4)
    assert F.fractional_max_pool3d(x, 2, output_ratio=0.5).shape == (1, 1, 2, 2, 2)
    assert F.fractional_max_pool3d(x, 2, output_ratio=[0.5, 0.5, 0.5, 9.0]).shape == (1, 1, 2, 2, 2)
    with pytest.raises(IndexError, match='^tuple index out of range$'):
        F.fractional_max_pool3d(x, 2, output_ratio=(0.5, 0.5))


def test_errors_match_pytorch():
    x = ember.zeros(1, 2, 5, 5)
    with pytest.raises(ValueError, match='^fractional_max_pool2d requires specifying either an output_size or an '
                                         'output_ratio$'):
        F.fractional_max_pool2d(x, 2)
    with pytest.raises(TypeError, match="^object of type 'float' has no len"):
        F.fractional_max_pool2d(x, 2, output_ratio=0.5)
    with pytest.raises(IndexError, match='^tuple index out of range$'):
        F.fractional_max_pool2d(x, 2, output_ratio=(0.5,))
    with pytest.raises(RuntimeError, match=r'^fractional_max_pool2d\(\): pool height 2 too large relative to input '
                                           r'height 5$'):
        F.fractional_max_pool2d(x, 2, output_size=5)
    with pytest.raises(RuntimeError, match=r'^fractional_max_pool3d_out\(\): pool width 2 too large relative to input '
                                           r'width 5$'):
        F.fractional_max_pool3d(ember.zeros(1, 2, 5, 5, 5), 2, output_size=(3, 3, 4))
    with pytest.raises(ValueError, match='^FractionalMaxPool2d requires specifying either an output size, or a '
                                         'pooling ratio$'):
        nn.FractionalMaxPool2d(2)
    with pytest.raises(ValueError, match='^only one of output_size and output_ratio may be specified$'):
        nn.FractionalMaxPool3d(2, output_size=2, output_ratio=0.5)
    with pytest.raises(ValueError, match=r'^output_ratio must be between 0 and 1 \(got 1.5\)$'):
        nn.FractionalMaxPool2d(2, output_ratio=1.5)
    from ember.nn.modules.pooling import FractionalMaxPool3d
    assert FractionalMaxPool3d is nn.FractionalMaxPool3d
