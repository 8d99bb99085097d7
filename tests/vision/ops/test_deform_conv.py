"""deform_conv2d against ordinary convolution (zero offsets), a loop-by-loop transcription of torchvision's
kernel (random offsets and masks), and gradcheck with respect to every input."""
import math

import numpy as np
import pytest

import ember
from ember.autograd import gradcheck
from ember.nn import functional as F
from ember.vision import ops


def _bilinear(plane, h, w):
    height, width = plane.shape
    if h <= -1 or height <= h or w <= -1 or width <= w:
        return 0.0
    h_low, w_low = math.floor(h), math.floor(w)
    lh, lw = h - h_low, w - w_low
    total = 0.0
    for dy, wy in ((0, 1 - lh), (1, lh)):
        for dx, wx in ((0, 1 - lw), (1, lw)):
            r, c = h_low + dy, w_low + dx
            if 0 <= r < height and 0 <= c < width:
                total += wy * wx * plane[r, c]
    return total


def reference(x, offset, weight, bias, stride, padding, dilation, mask):
    n, channels, height, width = x.shape
    out_channels, c_per_w, kh, kw = weight.shape
    groups_w = channels // c_per_w
    groups_o = offset.shape[1] // (2 * kh * kw)
    out_h, out_w = offset.shape[2:]
    out = np.zeros((n, out_channels, out_h, out_w))
    for b in range(n):
        for o in range(out_channels):
            g = o // (out_channels // groups_w)
            for oy in range(out_h):
                for ox in range(out_w):
                    total = bias[o]
                    for ci in range(c_per_w):
                        c = g * c_per_w + ci
                        go = c // (channels // groups_o)
                        for i in range(kh):
                            for j in range(kw):
                                k = i * kw + j
                                y = oy * stride[0] - padding[0] + i * dilation[0] + offset[b, go * 2 * kh * kw + 2 * k, oy, ox]
                                xx = ox * stride[1] - padding[1] + j * dilation[1] + offset[b, go * 2 * kh * kw + 2 * k + 1, oy, ox]
                                m = 1.0 if mask is None else mask[b, go * kh * kw + k, oy, ox]
                                total += weight[o, ci, i, j] * m * _bilinear(x[b, c], y, xx)
                    out[b, o, oy, ox] = total
    return out


def test_zero_offsets_are_an_ordinary_convolution():
    rng = np.random.default_rng(0)
    x = ember.tensor(rng.standard_normal((2, 4, 7, 6)))
    weight = ember.tensor(rng.standard_normal((6, 2, 3, 2)))
    bias = ember.tensor(rng.standard_normal(6))
    offset = ember.zeros(2, 2 * 6, 4, 4, dtype=ember.float64)
    got = ops.deform_conv2d(x, offset, weight, bias, stride=(2, 1), padding=(1, 0), dilation=(1, 2))
    expected = F.conv2d(x, weight, bias, stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2)
    np.testing.assert_allclose(got.numpy(), expected.numpy(), atol=1e-12)


@pytest.mark.parametrize("offset_groups,use_mask", [(1, False), (2, True)])
def test_random_offsets_and_masks_match_the_kernel(offset_groups, use_mask):
    rng = np.random.default_rng(offset_groups)
    x = rng.standard_normal((2, 4, 5, 6))
    weight, bias = rng.standard_normal((3, 4, 2, 3)), rng.standard_normal(3)
    out_h, out_w = (5 + 2 - 2) // 1 + 1, (6 + 0 - 5) // 1 + 1
    offset = rng.uniform(-2.5, 2.5, (2, offset_groups * 2 * 6, out_h, out_w))
    offset[0, 0, 0, 0] = -7.0  # far outside the map
    mask = rng.uniform(0, 1, (2, offset_groups * 6, out_h, out_w)) if use_mask else None
    got = ops.deform_conv2d(ember.tensor(x), ember.tensor(offset), ember.tensor(weight), ember.tensor(bias),
                            padding=(1, 0), dilation=(1, 2), mask=None if mask is None else ember.tensor(mask))
    np.testing.assert_allclose(got.numpy(), reference(x, offset, weight, bias, (1, 1), (1, 0), (1, 2), mask),
                               atol=1e-12)


def test_gradcheck_every_input():
    rng = np.random.default_rng(3)
    x = ember.tensor(rng.standard_normal((1, 2, 4, 4)), requires_grad=True)
    offset = ember.tensor(rng.uniform(-1.3, 1.3, (1, 8, 3, 3)), requires_grad=True)
    mask = ember.tensor(rng.uniform(0, 1, (1, 4, 3, 3)), requires_grad=True)
    weight = ember.tensor(rng.standard_normal((2, 2, 2, 2)), requires_grad=True)
    bias = ember.tensor(rng.standard_normal(2), requires_grad=True)
    assert gradcheck(lambda *a: ops.deform_conv2d(a[0], a[1], a[3], a[4], mask=a[2]), (x, offset, mask, weight, bias))


def test_module_and_errors():
    layer = ops.DeformConv2d(4, 6, 3, padding=1, groups=2, bias=False)
    assert repr(layer) == "DeformConv2d(4, 6, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), groups=2, bias=False)"
    x = ember.randn(1, 4, 5, 5)
    assert layer(x, ember.zeros(1, 18, 5, 5)).shape == (1, 6, 5, 5)
    with pytest.raises(RuntimeError, match=r"the shape of the offset tensor at dimension 1 is not valid"):
        layer(x, ember.zeros(1, 4, 5, 5))
    with pytest.raises(ValueError, match="^in_channels must be divisible by groups$"):
        ops.DeformConv2d(3, 6, 3, groups=2)
