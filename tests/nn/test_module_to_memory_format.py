"""``Module.to(memory_format=...)`` converts the 4- and 5-dimensional parameters and buffers in place,
keeping the same Parameter objects, as PyTorch's."""
import pytest

import ember
from ember import nn


def test_channels_last_converts_convolution_weights_in_place():
    m = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4))
    w = m[0].weight
    assert m.to(memory_format=ember.channels_last) is m
    assert m[0].weight is w
    assert w.is_contiguous(memory_format=ember.channels_last)
    assert w.stride() == (27, 1, 9, 3) and m[0].bias.stride() == (1,)
    m(ember.randn(2, 3, 8, 8)).sum().backward()
    assert w.grad.stride() == (27, 1, 9, 3)          # the gradient takes the parameter's layout


def test_dtype_and_format_together_and_back():
    m = nn.Conv2d(3, 4, 3).to(memory_format=ember.channels_last)
    m.to(ember.float64, memory_format=ember.contiguous_format)
    assert m.weight.dtype is ember.float64 and m.weight.stride() == (27, 9, 3, 1)


def test_five_dimensional_weights():
    m = nn.Conv3d(2, 2, 3)
    with pytest.raises(RuntimeError, match="required rank 4 tensor to use channels_last format"):
        m.to(memory_format=ember.channels_last)
    assert m.to(memory_format=ember.channels_last_3d).weight.stride() == (54, 1, 18, 6, 2)


def test_complex_dtype_warns_as_pytorch():
    with pytest.warns(UserWarning, match="Complex modules are a new feature"):
        m = nn.Linear(2, 2).to(ember.complex64)
    assert m.weight.dtype is ember.complex64
