"""``with ember.device(d):`` sets the default device for the block, as ``torch.device`` does."""
import pytest

import ember


def test_device_block_sets_and_restores_the_default():
    with ember.device('meta') as d:
        assert d == ember.device('meta')
        assert ember.get_default_device() == ember.device('meta')
        with ember.device('cpu'):
            assert ember.get_default_device() == ember.device('cpu')
            assert ember.zeros(2).device == ember.device('cpu')
            assert ember.nn.Linear(2, 3).weight.device == ember.device('cpu')
        assert ember.get_default_device() == ember.device('meta')
    assert ember.get_default_device() == ember.device('cpu')


def test_device_block_restores_the_default_after_an_error():
    with pytest.raises(RuntimeError, match='Tensor.item'):
        with ember.device('meta'):
            ember.zeros(1).item()
    assert ember.get_default_device() == ember.device('cpu')
    assert ember.ones(1).device.type == 'cpu'
