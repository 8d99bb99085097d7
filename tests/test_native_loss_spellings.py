"""The top-level loss spellings (``ember.kl_div``, ``ember.binary_cross_entropy_with_logits``, ...) list
``reduction=1`` but, left out, reduce nothing, as PyTorch 2.13's do (values recorded from PyTorch)."""
import pytest

import ember

x = ember.tensor([[0., 1.], [2., -1.]])
y = ember.tensor([[0.5, 0.7], [0.1, 0.2]])
s = ember.tensor([1., -1.])

CASES = {
    'binary_cross_entropy_with_logits': (lambda: ember.binary_cross_entropy_with_logits(x, y),
                                         [[0.6931, 0.6133], [1.9269, 0.5133]]),
    'kl_div': (lambda: ember.kl_div(x, y), [[-0.3466, -0.9497], [-0.4303, -0.1219]]),
    'cosine_embedding_loss': (lambda: ember.cosine_embedding_loss(x, y, s), [0.1863, 0.0]),
    'hinge_embedding_loss': (lambda: ember.hinge_embedding_loss(x, y.sign()), [[0.0, 1.0], [2.0, -1.0]]),
    'margin_ranking_loss': (lambda: ember.margin_ranking_loss(x[0], y[0], s), [0.5, 0.3]),
    'triplet_margin_loss': (lambda: ember.triplet_margin_loss(x, y, y * 2), [0.5061, 0.9669]),
}


@pytest.mark.parametrize('name', sorted(CASES))
def test_left_out_reduction_reduces_nothing(name):
    call, expected = CASES[name]
    got, want = call(), ember.tensor(expected)
    assert got.shape == want.shape and ember.allclose(got, want, atol=1e-4)


def test_an_explicit_one_takes_the_mean():
    assert ember.kl_div(x, y, 1).item() == pytest.approx(-0.4621, abs=1e-4)
    assert ember.binary_cross_entropy_with_logits(x, y, None, None, 1).item() == pytest.approx(0.9366, abs=1e-4)
    assert ember.margin_ranking_loss(x[0], y[0], s, 0.0, 2).item() == pytest.approx(0.8, abs=1e-4)
