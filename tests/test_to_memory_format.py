"""``Tensor.to(memory_format=...)`` gives a tensor that is only ambiguously in the format (a dim of
size 1) the format's canonical strides, as PyTorch 2.13 does (strides recorded from it); ``contiguous``
leaves such a tensor as it is."""
import numpy as np

import ember


def test_to_restrides_ambiguous_channels_last():
    x = ember.empty(4, 1, 4, 4)
    assert x.is_contiguous(memory_format=ember.channels_last)
    y = x.to(memory_format=ember.channels_last)
    assert y.stride() == (16, 1, 4, 1)
    assert x.contiguous(memory_format=ember.channels_last).stride() == (16, 16, 4, 1)
    assert ember.empty(4, 3, 1, 1).to(memory_format=ember.channels_last).stride() == (3, 1, 3, 3)
    assert x.to(ember.float64, memory_format=ember.channels_last).stride() == (16, 1, 4, 1)
    back = y.to(memory_format=ember.contiguous_format)
    assert back.stride() == (16, 16, 4, 1)
    assert y.contiguous().stride() == (16, 1, 4, 1)


def test_to_keeps_values_and_gradient_and_returns_self_when_canonical():
    a = ember.arange(16.).reshape(4, 1, 2, 2).requires_grad_()
    b = a.to(memory_format=ember.channels_last)
    np.testing.assert_array_equal(b.detach().numpy(), a.detach().numpy())
    (b * ember.arange(16.).reshape(4, 1, 2, 2)).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), np.arange(16.).reshape(4, 1, 2, 2))
    c = ember.empty(2, 3, 2, 2).to(memory_format=ember.channels_last)
    assert c.to(memory_format=ember.channels_last) is c
    assert ember.empty(2, 3, 4, 5, 6).to(memory_format=ember.channels_last_3d).stride() == (360, 1, 90, 18, 3)
