"""nn.utils: clip_grad_norm_/clip_grad_value_ and parameters_to_vector/vector_to_parameters,
values and texts recorded from PyTorch 2.13."""
import numpy as np
import pytest

import ember
import ember.nn as nn


def _params():
    p = [nn.Parameter(ember.tensor([3., 4.])), nn.Parameter(ember.tensor([[1., -2.], [0.5, 0.]]))]
    p[0].grad = ember.tensor([3., 4.])
    p[1].grad = ember.tensor([[1., -2.], [0.5, 0.]])
    return p


def test_clip_grad_norm_values():
    p = _params()
    total = nn.utils.clip_grad_norm_(p, 1.0)
    assert repr(total) == 'tensor(5.5000)'
    np.testing.assert_allclose(p[0].grad.numpy(), [0.5454545, 0.7272727], rtol=1e-6)
    np.testing.assert_allclose(p[1].grad.numpy(), [[0.1818182, -0.3636364], [0.0909091, 0.0]], rtol=1e-6, atol=1e-7)
    # the later calls see the clipped gradients, as in the recorded PyTorch session
    assert repr(nn.utils.clip_grad_norm_(p, 1.0, norm_type='inf')) == 'tensor(0.7273)'
    assert repr(nn.utils.clip_grad_norm_(p, 0.5, norm_type=1.0)) == 'tensor(1.9091)'


def test_clip_grad_norm_small_norm_unchanged_and_generators():
    p = _params()
    total = nn.utils.clip_grad_norm_((q for q in p), 100.0)
    assert total.item() == pytest.approx(5.5)
    assert p[0].grad.tolist() == [3.0, 4.0]


def test_clip_grad_norm_edge_cases():
    assert repr(nn.utils.clip_grad_norm_([], 1.0)) == 'tensor(0.)'
    assert repr(nn.utils.clip_grad_norm_(nn.Parameter(ember.ones(1)), 1.0)) == 'tensor(0.)'   # no grad yet
    single = nn.Parameter(ember.ones(4))
    single.grad = ember.full((4,), 2.0)
    assert nn.utils.clip_grad_norm_(single, 1.0).item() == 4.0
    assert single.grad.tolist() == pytest.approx([0.5] * 4, rel=1e-5)


def test_clip_grad_norm_nonfinite():
    p = _params()
    p[0].grad = ember.tensor([float('nan'), 1.])
    with pytest.raises(RuntimeError) as e:
        nn.utils.clip_grad_norm_(p, 1.0, error_if_nonfinite=True)
    assert str(e.value) == ('The total norm of order 2.0 for gradients from `parameters` is non-finite, so it cannot be '
                            'clipped. To disable this error and scale the gradients by the non-finite norm anyway, set '
                            '`error_if_nonfinite=False`')
    assert repr(nn.utils.clip_grad_norm_(p, 1.0)) == 'tensor(nan)'


def test_clip_grad_norm_foreach_on_cpu():
    p = _params()
    with pytest.raises(RuntimeError, match="foreach=True was passed, but can't use the foreach API on cpu tensors"):
        nn.utils.clip_grad_norm_(p, 1.0, foreach=True)
    assert nn.utils.clip_grad_norm_(p, 1.0, foreach=False).item() == pytest.approx(5.5)


def test_clip_grad_value():
    p = _params()
    p[0].grad = ember.tensor([3., -4.])
    nn.utils.clip_grad_value_(p, 1.5)
    assert p[0].grad.tolist() == [1.5, -1.5]
    assert p[1].grad.tolist() == [[1.0, -1.5], [0.5, 0.0]]


def test_parameters_vector_round_trip():
    p = _params()
    v = nn.utils.parameters_to_vector(p)
    assert v.tolist() == [3.0, 4.0, 1.0, -2.0, 0.5, 0.0]
    assert v.grad_fn.name() == 'CatBackward0'
    nn.utils.vector_to_parameters(ember.arange(6.), p)
    assert p[0].tolist() == [0.0, 1.0] and p[1].tolist() == [[2.0, 3.0], [4.0, 5.0]]
    assert isinstance(p[1], nn.Parameter) and p[1].requires_grad
    with pytest.raises(TypeError, match='expected ember.Tensor, but got: list'):
        nn.utils.vector_to_parameters([1], p)


def test_clip_in_a_training_step():
    model = nn.Linear(3, 1)
    (model(ember.ones(2, 3) * 100)).sum().backward()
    total = nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5)
    assert total.item() > 0.5
    clipped = nn.utils.parameters_to_vector(p.grad for p in model.parameters()).norm().item()
    assert clipped == pytest.approx(0.5, rel=1e-4)
