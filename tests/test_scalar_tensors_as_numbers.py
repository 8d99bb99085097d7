"""A one-element tensor given for a Scalar parameter (``alpha=torch.tensor(2)``) is read as its Python number,
as PyTorch's parser reads it: it takes no part in type promotion. Results recorded from PyTorch 2.13."""
import pytest

import ember
import ember.nn.functional as F

t = ember.tensor
x = t([-1.0, 2.0])


@pytest.mark.parametrize('name, call, expected', [
    ('elu', lambda: F.elu(x, alpha=t(2)), [-1.2642, 2.0]),
    ('elu_', lambda: F.elu_(x.clone(), t(2)), [-1.2642, 2.0]),
    ('ELU', lambda: ember.nn.ELU(alpha=t(2))(x), [-1.2642, 2.0]),
    ('hardtanh', lambda: F.hardtanh(x, t(-1), t(1)), [-1.0, 1.0]),
    ('Hardtanh', lambda: ember.nn.Hardtanh(t(-1), t(1))(x), [-1.0, 1.0]),
    ('hardtanh_', lambda: F.hardtanh_(x.clone(), t(-1), t(1)), [-1.0, 1.0]),
    ('addcmul', lambda: ember.addcmul(x, x, x, value=t(2)), [1.0, 10.0]),
    ('addcmul_', lambda: x.clone().addcmul_(x, x, value=t(2)), [1.0, 10.0]),
    ('addcdiv', lambda: ember.addcdiv(x, x, x, value=t(2)), [1.0, 4.0]),
    ('addcdiv_', lambda: x.clone().addcdiv_(x, x, value=t(2)), [1.0, 4.0]),
    ('celu', lambda: F.celu(x, t(2.0)), [-0.7869, 2.0]),
])
def test_a_tensor_for_a_scalar_parameter_keeps_the_inputs_dtype(name, call, expected):
    result = call()
    assert result.dtype is ember.float32
    assert [round(v, 4) for v in result.tolist()] == expected
