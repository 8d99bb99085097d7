"""The ``ember.*`` spellings of nn functions (PyTorch's ``torch.*`` signatures) agree with the
functional forms whose rows are in the op table, and map PyTorch's integer reductions."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F


def _same(a, b):
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6, atol=1e-7)


def test_spellings_match_the_functional_forms():
    ember.manual_seed(0)
    x = ember.randn(2, 3, 6, 6)
    w = ember.randn(4, 3, 3, 3)
    _same(ember.conv2d(x, w, None, 1, 1), F.conv2d(x, w, None, 1, 1))
    _same(ember.max_pool2d(x, 2), F.max_pool2d(x, 2))
    _same(ember.max_pool1d(x[:, :, 0], 3, (), 1), F.max_pool1d(x[:, :, 0], 3, None, 1))
    _same(ember.avg_pool1d(x[:, :, 0], 2), F.avg_pool1d(x[:, :, 0], 2))
    _same(ember.dropout(x, 0.3, False), x)
    mean, var = ember.randn(3), ember.rand(3) + 0.5
    g, b = ember.randn(3), ember.randn(3)
    _same(ember.batch_norm(x, g, b, mean, var, False, 0.1, 1e-5, True), F.batch_norm(x, mean, var, g, b))
    _same(ember.instance_norm(x, g, b, None, None, True, 0.1, 1e-5, False), F.instance_norm(x, weight=g, bias=b))
    _same(ember.layer_norm(x, (6,)), F.layer_norm(x, (6,)))
    _same(ember.group_norm(x, 3), F.group_norm(x, 3))
    table = ember.randn(5, 2)
    idx = ember.tensor([[1, 4], [0, 0]])
    _same(ember.embedding(table, idx), F.embedding(idx, table))
    _same(ember.embedding(table, idx, 0), F.embedding(idx, table, padding_idx=0))
    _same(ember.constant_pad_nd(x, (1, 2), 0.5), F.pad(x, (1, 2), value=0.5))
    _same(ember.selu(x), F.selu(x))
    _same(ember.celu(x, 0.7), F.celu(x, 0.7))
    out = ember.empty(0)
    assert ember.hardshrink(x, 0.4, out=out) is out
    _same(out, F.hardshrink(x, 0.4))
    _same(ember.threshold(x, 0.1, 2.0), F.threshold(x, 0.1, 2.0))


@pytest.mark.parametrize('reduction,name', [(0, 'none'), (1, 'mean'), (2, 'sum')])
def test_integer_reductions(reduction, name):
    ember.manual_seed(1)
    a, b, t = ember.randn(4), ember.randn(4), ember.tensor([1., -1., 1., -1.])
    _same(ember.binary_cross_entropy_with_logits(a, b.sigmoid(), reduction=reduction),
          F.binary_cross_entropy_with_logits(a, b.sigmoid(), reduction=name))
    _same(ember.margin_ranking_loss(a, b, t, 0.2, reduction), F.margin_ranking_loss(a, b, t, 0.2, reduction=name))
    _same(ember.hinge_embedding_loss(a, t, 1.0, reduction), F.hinge_embedding_loss(a, t, 1.0, reduction=name))
    _same(ember.poisson_nll_loss(a, b.abs(), True, False, 1e-8, reduction),
          F.poisson_nll_loss(a, b.abs(), reduction=name))
    with pytest.raises(ValueError, match='5 is not a valid value for reduction'):
        ember.kl_div(a, b, 5)


def test_inplace_and_feature_dropout():
    x = ember.ones(2, 4, 3)
    assert ember.dropout_(x, 0.5, False) is x
    ember.manual_seed(2)
    y = ember.feature_dropout(ember.ones(2, 8, 5), 0.5, True)
    per_channel = y.numpy().reshape(2, 8, 5)
    assert all(len(set(ch.tolist())) == 1 for ch in per_channel.reshape(16, 5))  # whole channels kept or dropped
    assert set(np.unique(per_channel)) <= {0.0, 2.0}
    with pytest.raises(TypeError, match="argument 'cudnn_enabled' must be bool"):
        ember.group_norm(ember.ones(2, 4, 3), 2, cudnn_enabled='yes')
