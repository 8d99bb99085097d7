"""PyTorch's deprecated spellings and default arguments, pinned by outcomes recorded from PyTorch 2.13
(tests/fixtures/nn_layers/record_defaults.py prints RECORDED)."""
import warnings

import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.utils.data import random_split

RECORDED = {
    'hardtanh_positional': ('Hardtanh(min_val=-2.0, max_val=3.0)', [-2.0, -1.5, 0.0, 0.5, 2.5, 3.0],
                            [('FutureWarning', 'keyword argument `min_value` is deprecated and renamed to `min_val`'),
                             ('FutureWarning', 'keyword argument `max_value` is deprecated and renamed to `max_val`')]),
    'hardtanh_bad': 'max_val (-5.0) must be greater than min_val (-1.0)',
    'max_pool2d_with_indices': ([[[[5.0, 7.0], [13.0, 15.0]]]], [[[[5, 7], [13, 15]]]]),
    'adaptive_max_pool1d_with_indices': ([[5.0, 7.0]], [[1, 3]]),
    'random_split': [[4, 1, 7], [5, 3, 9, 0, 8, 6, 2]],
}


def test_hardtanh_deprecated_min_value_max_value_positionally():
    x = ember.tensor([-3.0, -1.5, 0.0, 0.5, 2.5, 4.0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        h = nn.Hardtanh(-1.0, 1.0, False, -2.0, 3.0)
    text, values, warned = RECORDED['hardtanh_positional']
    assert repr(h) == text
    assert h(x).tolist() == values
    assert [(w.category.__name__, str(w.message)) for w in caught] == warned


def test_hardtanh_rejects_empty_range_with_pytorch_text():
    with pytest.warns(FutureWarning), pytest.raises(AssertionError) as info:
        nn.Hardtanh(max_value=-5.0)
    assert str(info.value) == RECORDED['hardtanh_bad']


@pytest.mark.parametrize('cls', [nn.TransformerEncoderLayer, nn.TransformerDecoderLayer])
def test_transformer_layers_default_activation_is_the_relu_function(cls):
    assert cls(4, 2, 8).activation is F.relu
    assert cls(4, 2, 8, activation='gelu').activation is F.gelu


def test_transformer_default_activation_reaches_every_layer():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')   # the nested-tensor advice PyTorch also gives
        model = nn.Transformer(4, 2, 1, 1, 8)
    assert model.encoder.layers[0].activation is F.relu
    assert model.decoder.layers[0].activation is F.relu


def test_with_indices_functions_return_both_by_default():
    grid = ember.arange(16.).reshape(1, 1, 4, 4)
    values, index = F.max_pool2d_with_indices(grid, 2)
    assert (values.tolist(), index.tolist()) == RECORDED['max_pool2d_with_indices']
    values, index = F.adaptive_max_pool1d_with_indices(grid[0, :, 1], 2)
    assert (values.tolist(), index.tolist()) == RECORDED['adaptive_max_pool1d_with_indices']


def test_random_split_defaults_to_the_global_generator():
    ember.manual_seed(0)
    assert [list(s) for s in random_split(range(10), [3, 7])] == RECORDED['random_split']
