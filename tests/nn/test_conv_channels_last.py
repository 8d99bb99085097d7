"""Convolution answers in channels-last when its input or weight is laid out so, as PyTorch 2.13's CPU
kernels do (strides recorded from it), with the same values as in C order."""
import numpy as np

import ember
import ember.nn.functional as F

CL = ember.channels_last


def test_conv_output_follows_a_channels_last_input_or_weight():
    ember.manual_seed(0)
    x, w = ember.randn(2, 8, 4, 4), ember.randn(4, 8, 3, 3)
    assert F.conv2d(x.to(memory_format=CL), w).stride() == (16, 1, 8, 4)
    assert F.conv2d(x, w.to(memory_format=CL)).stride() == (16, 1, 8, 4)
    assert F.conv2d(x, w).stride() == (16, 4, 2, 1)
    assert F.conv2d(x.to(memory_format=CL), w, padding=1, stride=2).stride() == (16, 1, 8, 4)
    x5, w5 = ember.randn(2, 3, 4, 4, 4), ember.randn(2, 3, 2, 2, 2)
    assert F.conv3d(x5.to(memory_format=ember.channels_last_3d), w5).stride() == (54, 1, 18, 6, 2)
    assert F.conv_transpose2d(x.to(memory_format=CL), ember.randn(8, 4, 3, 3)).stride() == (144, 1, 24, 4)
    # one input channel: channels-last only through to()'s canonical strides
    assert F.conv2d(ember.randn(2, 1, 4, 4).to(memory_format=CL), ember.randn(4, 1, 3, 3)).stride() == (16, 1, 8, 4)
    assert ember.nn.Conv2d(8, 4, 3).to(memory_format=CL)(x).stride() == (16, 1, 8, 4)


def test_channels_last_conv_values_and_gradients():
    ember.manual_seed(1)
    x = ember.randn(2, 8, 4, 4).to(memory_format=CL).requires_grad_()
    w = ember.randn(4, 8, 3, 3).requires_grad_()
    out = F.conv2d(x, w)
    np.testing.assert_allclose(out.detach().numpy(), F.conv2d(x.detach().contiguous(), w.detach()).numpy(),
                               rtol=1e-6, atol=1e-6)
    (out * out).sum().backward()
    assert x.grad.stride() == (128, 1, 32, 8) and w.grad.stride() == (72, 9, 3, 1)
