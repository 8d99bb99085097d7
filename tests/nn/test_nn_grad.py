"""ember.nn.grad: convolution gradients agree with autograd's and are differentiable themselves
(values against PyTorch's are in tests/test_torch_nn_natives.py)."""
import numpy as np

import ember
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck


def _rand(*shape):
    return ember.tensor(np.random.default_rng(sum(shape)).standard_normal(shape), dtype=ember.float64,
                        requires_grad=True)


def test_input_and_weight_gradients_match_autograd():
    x, w = _rand(2, 4, 5, 5), _rand(6, 2, 2, 3)
    out = F.conv2d(x, w, None, (2, 1), 1, (1, 2), 2)
    go = ember.ones_like(out) * 0.5
    gx, gw = ember.autograd.grad(out, (x, w), go)
    np.testing.assert_allclose(ember.nn.grad.conv2d_input(x.shape, w, go, (2, 1), 1, (1, 2), 2).detach().numpy(),
                               gx.numpy(), atol=1e-12)
    np.testing.assert_allclose(ember.nn.grad.conv2d_weight(x, w.shape, go, (2, 1), 1, (1, 2), 2).detach().numpy(),
                               gw.numpy(), atol=1e-12)


def test_gradients_of_the_gradients():
    w, go = _rand(3, 2, 2), _rand(1, 3, 3)
    assert gradcheck(lambda w, go: ember.nn.grad.conv1d_input((1, 2, 5), w, go, 2, 1), (w, go))
    assert gradgradcheck(lambda w, go: ember.nn.grad.conv1d_input((1, 2, 5), w, go, 2, 1), (w, go))
    x, go3 = _rand(1, 1, 3, 3, 2), _rand(1, 1, 2, 2, 1)
    assert gradcheck(lambda x, go: ember.nn.grad.conv3d_weight(x, (1, 1, 2, 2, 2), go), (x, go3))


def test_no_graph_without_grad_inputs():
    g = ember.nn.grad.conv2d_weight(ember.ones(1, 1, 3, 3), (1, 1, 2, 2), ember.ones(1, 1, 2, 2))
    assert not g.requires_grad and g.grad_fn is None
