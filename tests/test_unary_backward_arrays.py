"""First-order backward formulas of sin, cos, tanh and sigmoid write into the arrays they make themselves
(one fresh array instead of two or three): the very bits of the formulas written out, for every float
dtype, layout of the incoming gradient, and 0-d tensors; and float32 transcendentals of 0-d tensors."""
import numpy as np
import pytest

import ember

FORMULAS = {
    'sin': lambda g, x, y: g * np.cos(x),
    'cos': lambda g, x, y: g * -np.sin(x),
    'tanh': lambda g, x, y: g * (1 - y * y),
    'sigmoid': lambda g, x, y: g * y * (1 - y),
}


@pytest.mark.parametrize('name', sorted(FORMULAS))
@pytest.mark.parametrize('dtype', ['float32', 'float64', 'float16'])
@pytest.mark.parametrize('shape', [(1000,), (), (3, 5)])
def test_backward_bits_are_the_formulas(name, dtype, shape):
    rng = np.random.default_rng(len(name) + len(shape))
    xd = (rng.standard_normal(shape) * 3).astype(dtype)
    gd = (rng.standard_normal(shape) * 2).astype(dtype)
    x = ember.tensor(xd, requires_grad=True)
    y = getattr(x, name)()
    y.backward(ember.tensor(gd))
    want = FORMULAS[name](gd, xd, y.detach().numpy())
    assert x.grad.numpy().tobytes() == np.asarray(want, dtype=dtype).tobytes()
    # a gradient that is a broadcast view (a sum's backward): the formula with ones
    x.grad = None
    y = getattr(x, name)()
    y.sum().backward()
    ones = np.broadcast_to(np.ones((), dtype), shape)
    want = FORMULAS[name](ones, xd, y.detach().numpy())
    assert x.grad.numpy().tobytes() == np.asarray(want, dtype=dtype).tobytes()


@pytest.mark.parametrize('name', ['exp', 'sigmoid', 'log', 'tanh'])
def test_float32_transcendentals_of_0d_tensors(name):
    # a 0-d tensor's arithmetic hands the kernels NumPy scalars, not arrays
    x = ember.tensor(0.75)
    y = getattr(x, name)()
    assert y.dtype == ember.float32 and y.shape == ()
    ref = {'exp': np.exp, 'log': np.log, 'tanh': np.tanh, 'sigmoid': lambda v: 1 / (1 + np.exp(-v))}[name]
    assert y.item() == pytest.approx(float(ref(0.75)), rel=1e-6)
    assert (-x).sigmoid().item() == pytest.approx(1 / (1 + np.exp(0.75)), rel=1e-6)
