"""Backward formulas that zero part of a gradient must choose the zeros (where), not multiply by a
0/1 mask: an infinite upstream gradient times 0 is NaN. Expected values recorded from PyTorch 2.13."""
import math

import pytest

import ember
import ember.nn.functional as F

inf, nan = math.inf, math.nan

# name: (function, inputs, upstream gradient, PyTorch's input gradients)
CASES = {
    'relu': (lambda x: ember.relu(x), [[-1., 2., 0.]], [inf, inf, inf], [[0.0, inf, 0.0]]),
    'relu_nan_passes': (lambda x: ember.relu(x), [[nan, 2.]], [1., 1.], [[1.0, 1.0]]),
    'clamp': (lambda x: ember.clamp(x, -1, 1), [[-2., 0., 2.]], [inf, inf, -inf], [[0.0, inf, 0.0]]),
    'clamp_tensor_bounds': (lambda x, lo, hi: ember.clamp(x, lo, hi), [[-2., 0., 2.], [-1.] * 3, [1.] * 3],
                            [inf, inf, -inf], [[0.0, inf, 0.0], [inf, 0.0, 0.0], [0.0, 0.0, -inf]]),
    'hardtanh': (lambda x: F.hardtanh(x), [[-2., 0., 2.]], [inf, inf, -inf], [[0.0, inf, 0.0]]),
    'relu6': (lambda x: F.relu6(x), [[-1., 2., 7.]], [inf, inf, inf], [[0.0, inf, 0.0]]),
    'hardsigmoid': (lambda x: F.hardsigmoid(x), [[-5., 0., 5.]], [inf, inf, inf], [[0.0, inf, 0.0]]),
    'hardswish': (lambda x: F.hardswish(x), [[-5., 0., 5.]], [inf, inf, inf], [[0.0, inf, inf]]),
    'threshold': (lambda x: F.threshold(x, 0.5, 0.), [[0., 2.]], [inf, inf], [[0.0, inf]]),
    'hardshrink': (lambda x: F.hardshrink(x), [[0., 2.]], [inf, inf], [[0.0, inf]]),
    'softshrink': (lambda x: F.softshrink(x), [[0., 2.]], [inf, inf], [[0.0, inf]]),
    'maximum': (lambda a, b: ember.maximum(a, b), [[1., 2., 3.], [2., 2., 1.]], [inf, inf, inf],
                [[0.0, inf, inf], [inf, inf, 0.0]]),
    'minimum': (lambda a, b: ember.minimum(a, b), [[1., 2., 3.], [2., 2., 1.]], [inf, inf, inf],
                [[inf, inf, 0.0], [0.0, inf, inf]]),
    'fmax': (lambda a, b: ember.fmax(a, b), [[1., 2., 3.], [2., 2., nan]], [inf, inf, inf],
             [[0.0, inf, inf], [inf, 0.0, 0.0]]),
    'max_all': (lambda x: x.max(), [[1., 3., 3.]], inf, [[0.0, inf, inf]]),
    'smooth_l1_at_inf': (lambda x: F.smooth_l1_loss(x, ember.zeros(4), reduction='sum'),
                         [[inf, -inf, 0.5, 3.]], 1., [[1.0, -1.0, 0.5, 1.0]]),
    'huber_at_inf': (lambda x: F.huber_loss(x, ember.zeros(4), reduction='sum'),
                     [[inf, -inf, 0.5, 3.]], 1., [[1.0, -1.0, 0.5, 1.0]]),
    'smooth_l1_target_at_inf': (lambda t: F.smooth_l1_loss(ember.zeros(4), t, reduction='sum'),
                                [[inf, -inf, 0.5, 3.]], 1., [[1.0, -1.0, 0.5, 1.0]]),
    'hinge_embedding': (lambda x: F.hinge_embedding_loss(x, ember.tensor([1., -1.]), reduction='none'),
                        [[0.5, 2.]], [inf, inf], [[inf, 0.0]]),
    'multi_margin': (lambda x: F.multi_margin_loss(x, ember.tensor([0]), reduction='none'),
                     [[[5., 0., 4.5]]], [inf], [[[-inf, nan, inf]]]),
    'embedding_bag_max': (lambda w: F.embedding_bag(ember.tensor([0, 1]), w, ember.tensor([0]), mode='max'),
                          [[[1., 5.], [2., 3.]]], [[inf, inf]], [[[0.0, inf], [inf, 0.0]]]),
}


def _same(a, b):
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return (math.isnan(a) and math.isnan(b)) or a == b


@pytest.mark.parametrize('name', sorted(CASES))
def test_infinite_upstream_gradient_gives_pytorchs_values(name):
    f, inputs, g, expected = CASES[name]
    xs = [ember.tensor(v, requires_grad=True) for v in inputs]
    f(*xs).backward(ember.tensor(g))
    got = [x.grad.tolist() for x in xs]
    assert _same(got, expected), got


@pytest.mark.parametrize('name', ['relu', 'hardtanh', 'maximum', 'smooth_l1_at_inf'])
def test_same_values_while_recording_a_graph(name):
    # create_graph=True takes the differentiable (ember-op) path of the same formulas
    f, inputs, g, expected = CASES[name]
    xs = [ember.tensor(v, requires_grad=True) for v in inputs]
    got = ember.autograd.grad(f(*xs), xs, ember.tensor(g), create_graph=True)
    assert _same([t.tolist() for t in got], expected)


def test_threshold_keeps_nan_as_pytorch_does():
    assert math.isnan(F.threshold(ember.tensor([nan]), 0.5, 0.).item())
