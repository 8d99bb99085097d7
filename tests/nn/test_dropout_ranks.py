"""dropout2d on inputs of other ranks behaves as PyTorch's (recorded from PyTorch 2.13, seed 0)."""
import warnings

import ember
import ember.nn.functional as F


def test_dropout2d_of_a_2d_input_drops_elements():
    # PyTorch warns and drops the 2-D input's features as they are: element by element, not whole rows
    ember.manual_seed(0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        out = F.dropout2d(ember.ones(4, 6), 0.5, training=True)
    assert out.tolist() == [[0., 0., 2., 0., 0., 0.], [2., 2., 0., 2., 2., 2.],
                            [2., 0., 2., 2., 2., 2.], [0., 0., 2., 0., 2., 0.]]
    assert 'Received a 2-D input to dropout2d' in str(caught[0].message)


def test_dropout2d_of_a_3d_input_drops_channels():
    ember.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        out = F.dropout2d(ember.ones(2, 3, 4), 0.5, training=True)
    assert out[:, :, 0].tolist() == [[0., 0., 2.], [0., 0., 0.]] and (out == out[:, :, :1]).all()
