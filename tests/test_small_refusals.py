"""Calls PyTorch refuses or answers differently from what ember did: a list given to ember.sum (after
``from torch import *`` it shadows Python's sum), svd's bool flags, backward through floor_divide, adaptive
pools to an empty size. Texts and shapes recorded from PyTorch 2.13."""
import pytest

import ember
import ember.nn.functional as F


@pytest.mark.parametrize('value, kind', [([1.0, 2.0], 'list'), ((ember.ones(1),), 'tuple'), (3, 'int')])
def test_sum_of_something_not_a_tensor(value, kind):
    with pytest.raises(TypeError) as info:
        ember.sum(value)
    assert str(info.value) == f"sum(): argument 'input' (position 1) must be Tensor, not {kind}"


@pytest.mark.parametrize('kwargs, text', [
    ({'some': 'a'}, "svd(): argument 'some' must be bool, not str"),
    ({'compute_uv': 1}, "svd(): argument 'compute_uv' must be bool, not int"),
])
def test_svd_flags_are_bools(kwargs, text):
    with pytest.raises(TypeError) as info:
        ember.svd(ember.eye(2), **kwargs)
    assert str(info.value) == text
    assert ember.svd(ember.eye(2), some=False).U.shape == (2, 2)


def test_floor_divide_has_no_derivative():
    a = ember.tensor([3.0], requires_grad=True)
    for result in (ember.floor_divide(a, 2), a // 2):
        assert type(result.grad_fn).__name__ == 'NotImplemented'
        with pytest.raises(RuntimeError, match=r'^derivative for aten::floor_divide is not implemented$'):
            result.sum().backward()
    ember.div(a, 2, rounding_mode='floor').sum().backward()     # (this one has a derivative: zero)
    assert a.grad.tolist() == [0.0]


def test_adaptive_pools_to_an_empty_size():
    x = ember.rand(1, 2, 4, 4, requires_grad=True)
    assert F.adaptive_avg_pool2d(x, 0).shape == (1, 2, 0, 0)
    assert F.adaptive_avg_pool2d(x, (0, 2)).shape == (1, 2, 0, 2)
    assert F.adaptive_avg_pool1d(x[0], 0).shape == (2, 4, 0)
    values, indices = F.adaptive_max_pool2d(x, (0, 2), return_indices=True)
    assert values.shape == (1, 2, 0, 2) and indices.dtype is ember.int64
    assert F.adaptive_max_pool1d(x[0], 0).shape == (2, 4, 0)
    F.adaptive_avg_pool2d(x, (0, 2)).sum().backward()
    assert x.grad.abs().sum().item() == 0.0
