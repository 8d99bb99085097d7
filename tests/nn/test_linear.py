"""Identity, Linear and Bilinear: values and gradients with fixed weights recorded from PyTorch 2.13,
PyTorch's default initialisation bounds, factory kwargs and error texts."""
import math

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F

LINEAR = [[[-0.7, 1.8499999999999999], [0.475, -0.02499999999999987]],
 [[0.9, -0.8, 0.8999999999999999], [1.9000000000000001, -1.4, 1.5]],
 [[5.0, -0.25, -0.25], [7.0, -1.0, 1.0]],
 [4.0, 6.0]]
BILINEAR = [[[-0.3999999999999999, -2.3000000000000003]],
 [[0.5999999999999999, 0.6000000000000001, 0.6000000000000002]],
 [[-0.8999999999999999, -0.9000000000000001]],
 [[[0.5, -1.0], [-1.0, 2.0], [2.0, -4.0]], [[-0.5, 1.0], [1.0, -2.0], [-2.0, 4.0]]],
 [1.0, -1.0]]
ERRORS = [['RuntimeError', 'mat1 and mat2 shapes cannot be multiplied (3x3 and 4x5)'],
 ['RuntimeError', 'expected m1 and m2 to have the same dtype, but got: double != float'],
 ['RuntimeError', 'mat1 and mat2 shapes cannot be multiplied (1x3 and 4x5)'],
 ['RuntimeError', 'mat1 and mat2 shapes cannot be multiplied (6x3 and 4x5)'],
 ['RuntimeError', 'mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)'],
 ['RuntimeError', 'bilinear(): input1 size does not match weight size: got 3 but expected 2']]


def _f64(v, grad=True):
    return ember.tensor(v, dtype=ember.float64, requires_grad=grad)


def test_linear_values_and_gradients():
    x = _f64([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
    m = nn.Linear(3, 2, dtype=ember.float64)
    m.load_state_dict({'weight': ember.tensor([[0.1, 0.2, -0.3], [0.4, -0.5, 0.6]]),
                       'bias': ember.tensor([0.05, -0.05])})
    y = m(x)
    (y * ember.tensor([[1., 2.], [3., 4.]], dtype=ember.float64)).sum().backward()
    for got, want in zip([y, x.grad, m.weight.grad, m.bias.grad], LINEAR):
        np.testing.assert_allclose(got.detach().numpy(), want, rtol=1e-6)
    assert y.grad_fn.name() == 'AddmmBackward0'


def test_linear_node_names_and_shapes():
    w = ember.randn(5, 4, requires_grad=True)
    b = ember.randn(5, requires_grad=True)
    assert F.linear(ember.randn(3, 4), w, b).grad_fn.name() == 'AddmmBackward0'
    assert F.linear(ember.randn(3, 4), w).grad_fn.name() == 'MmBackward0'
    assert F.linear(ember.randn(2, 3, 4), w, b).shape == (2, 3, 5)
    assert F.linear(ember.randn(4), w, b).shape == (5,)
    assert F.linear(ember.randn(4), w).shape == (5,)
    assert F.linear(ember.randn(0, 4), w, b).shape == (0, 5)


@pytest.mark.parametrize('call,expected', list(zip([
    lambda: F.linear(ember.randn(3, 3), ember.randn(5, 4)),
    lambda: F.linear(ember.randn(3, 4).double(), ember.randn(5, 4)),
    lambda: F.linear(ember.randn(3), ember.randn(5, 4)),
    lambda: F.linear(ember.randn(2, 3, 3), ember.randn(5, 4)),
    lambda: nn.Linear(4, 5)(ember.randn(2, 3)),
    lambda: F.bilinear(ember.randn(2, 3), ember.randn(2, 2), ember.randn(4, 2, 2)),
], ERRORS)))
def test_error_texts(call, expected):
    assert expected[0] == 'RuntimeError'
    with pytest.raises(RuntimeError) as e:
        call()
    assert str(e.value) == expected[1]


def test_linear_with_bias_dtype_mismatch():
    with pytest.raises(RuntimeError, match='mat1 and mat2 must have the same dtype, but got Double and Float'):
        F.linear(ember.randn(3, 4).double(), ember.randn(5, 4), ember.randn(5))


def test_linear_default_init_bounds():
    ember.manual_seed(0)
    m = nn.Linear(784, 512)
    bound = 1 / math.sqrt(784)       # kaiming_uniform_(a=sqrt(5)) gives the same bound as the bias
    w = m.weight.detach().numpy()
    assert w.shape == (512, 784) and m.bias.shape == (512,)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 1e-3 and abs(w.mean()) < 1e-3
    assert np.abs(m.bias.detach().numpy()).max() <= bound
    assert m.weight.dtype is ember.float32 and m.weight.requires_grad


def test_linear_factory_kwargs_and_no_bias():
    m = nn.Linear(3, 2, bias=False, dtype=ember.float64, device='cpu')
    assert m.bias is None and 'bias' in m._parameters and m.weight.dtype is ember.float64
    assert repr(m) == 'Linear(in_features=3, out_features=2, bias=False)'
    assert list(m.state_dict()) == ['weight']
    assert m(ember.ones(1, 3, dtype=ember.float64)).grad_fn.name() == 'MmBackward0'


def test_bilinear_values_and_gradients():
    x1 = _f64([[0.5, -1.0, 2.0]])
    x2 = _f64([[1.0, -2.0]])
    m = nn.Bilinear(3, 2, 2, dtype=ember.float64)
    with ember.no_grad():
        m.weight.copy_(ember.arange(12., dtype=ember.float64).reshape(2, 3, 2) / 10)
        m.bias.copy_(ember.tensor([0.5, -0.5]))
    y = m(x1, x2)
    (y * ember.tensor([[1., -1.]], dtype=ember.float64)).sum().backward()
    for got, want in zip([y, x1.grad, x2.grad, m.weight.grad, m.bias.grad], BILINEAR):
        np.testing.assert_allclose(got.detach().numpy(), want, rtol=1e-12, atol=1e-15)
    assert repr(m) == 'Bilinear(in1_features=3, in2_features=2, out_features=2, bias=True)'


def test_bilinear_init_bounds():
    m = nn.Bilinear(20, 30, 5)
    assert m.weight.abs().max().item() <= 1 / math.sqrt(20)
    assert m.bias.abs().max().item() <= 1 / math.sqrt(20)
    assert nn.Bilinear(2, 3, 4, bias=False).bias is None


def test_identity_passes_input_through():
    x = ember.ones(2)
    assert nn.Identity(54, unused='x')(x) is x
    assert repr(nn.Identity()) == 'Identity()'


def test_bias_gradient_sums_over_the_batch():
    # the bias gradient is the output gradient summed over the batch (one axis given to the float32 sum)
    net = ember.nn.Linear(2, 3)
    net(ember.ones(4, 2)).sum().backward()
    assert net.bias.grad.tolist() == [4.0, 4.0, 4.0]
