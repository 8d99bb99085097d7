"""The shared model building blocks of ember.vision.ops.misc."""
import warnings

import numpy as np
import pytest

import ember
from ember import nn
from ember.vision import ops
from ember.vision.ops import misc


def test_conv2d_norm_activation_layout():
    block = ops.Conv2dNormActivation(3, 8, kernel_size=5, stride=2, dilation=2)
    conv, norm, act = block
    assert conv.padding == (4, 4) and conv.dilation == (2, 2) and conv.bias is None  # 'same' padding, no bias
    assert isinstance(norm, nn.BatchNorm2d) and isinstance(act, nn.ReLU) and act.inplace
    assert block.out_channels == 8 and block(ember.zeros(1, 3, 16, 16)).shape == (1, 8, 8, 8)
    bare = ops.Conv2dNormActivation(3, 4, kernel_size=(3, 5), norm_layer=None, activation_layer=None)
    assert len(bare) == 1 and bare[0].padding == (1, 2) and bare[0].bias is not None
    assert list(dict(ops.Conv3dNormActivation(2, 4).named_children())) == ["0", "1", "2"]
    with pytest.warns(UserWarning, match="Don't use ConvNormActivation directly"):
        misc.ConvNormActivation(2, 2)


def test_squeeze_excitation_gates_channels():
    se = ops.SqueezeExcitation(4, 2)
    x = ember.randn(2, 4, 3, 3)
    with ember.no_grad():
        gate = ember.sigmoid(se.fc2(ember.relu(se.fc1(x.mean((2, 3), keepdim=True)))))
    assert ember.allclose(se(x), x * gate, atol=1e-6)
    assert list(se.state_dict()) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]


def test_stochastic_depth():
    x = ember.ones(1000, 3)
    assert ops.stochastic_depth(x, 0.5, "row", training=False) is x
    assert ops.stochastic_depth(x, 0.0, "row") is x
    ember.manual_seed(0)
    rows = ops.stochastic_depth(x, 0.25, "row").numpy()
    assert set(np.unique(rows).tolist()) <= {0.0, np.float32(1 / 0.75).item()} and (rows == rows[:, :1]).all()  # whole rows kept or dropped
    assert 0.65 < (rows[:, 0] > 0).mean() < 0.85
    whole = ops.stochastic_depth(x, 0.5, "batch").numpy()
    assert len(np.unique(whole)) == 1
    assert ops.stochastic_depth(x, 1.0, "row").abs().sum().item() == 0
    with pytest.raises(ValueError, match="^drop probability has to be between 0 and 1, but got 1.5$"):
        ops.stochastic_depth(x, 1.5, "row")
    with pytest.raises(ValueError, match="^mode has to be either 'batch' or 'row', but got col$"):
        ops.stochastic_depth(x, 0.5, "col")
    layer = ops.StochasticDepth(0.2, "row")
    assert repr(layer) == "StochasticDepth(p=0.2, mode=row)"
    assert layer.eval()(x) is x


def test_frozen_batch_norm_matches_eval_batch_norm_and_drops_num_batches_tracked():
    bn = nn.BatchNorm2d(3).eval()
    with ember.no_grad():
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.normal_()
        bn.running_mean.normal_()
        bn.running_var.uniform_(0.5, 2.0)
    frozen = ops.FrozenBatchNorm2d(3)
    frozen.load_state_dict(bn.state_dict())  # carries num_batches_tracked, which is dropped
    x = ember.randn(2, 3, 4, 4)
    assert ember.allclose(frozen(x), bn(x), atol=1e-5)
    assert repr(frozen) == "FrozenBatchNorm2d(3, eps=1e-05)" and list(frozen.parameters()) == []


def test_mlp_and_permute():
    mlp = ops.MLP(4, [8, 6, 2], norm_layer=nn.LayerNorm, dropout=0.1)
    kinds = [type(m).__name__ for m in mlp]
    assert kinds == ["Linear", "LayerNorm", "ReLU", "Dropout", "Linear", "LayerNorm", "ReLU", "Dropout", "Linear",
                     "Dropout"]
    assert mlp.eval()(ember.zeros(5, 4)).shape == (5, 2)
    assert ops.Permute([0, 2, 3, 1])(ember.zeros(1, 2, 3, 4)).shape == (1, 3, 4, 2)
