"""Deformable convolution v1/v2 (Dai et al. 2017, Zhu et al. 2019): each kernel tap samples the input at a
learnt offset (bilinearly), optionally scaled by a learnt mask, before the usual convolution weights.

Written with ember ops (sampling as indexing, weights from the offsets), so gradients reach the input,
offsets, mask, weight and bias without a hand-written backward.
"""
import math

import numpy as np

import ember
from ember import nn
from ember.nn import init
from ember.vision.ops._roi import pair


def _sample(flat, n_idx, g_idx, rows, cols, height, width):
    """``flat[n, g, :, rows * W + cols]`` with zeros where the tap falls off the map: ``[..., C_per_group]``."""
    inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
    index = np.where(inside, rows * width + cols, 0)
    values = flat[n_idx, g_idx, :, ember.from_numpy(index).to(flat.device)]
    return values * ember.from_numpy(inside[..., None]).to(values.dtype).to(flat.device)


def deform_conv2d(input, offset, weight, bias=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1), mask=None):
    """Deformable 2-D convolution.

    Args:
        input: ``[N, C, H, W]``.
        offset: ``[N, 2 * G * kh * kw, H_out, W_out]``, for each of G offset groups and each kernel tap
            ``(i, j)`` the (dy, dx) added to the tap's position.
        weight: ``[C_out, C / groups, kh, kw]`` (the groups of the convolution follow from C).
        bias: ``[C_out]`` or None. stride, padding, dilation: as in conv2d.
        mask: ``[N, G * kh * kw, H_out, W_out]`` modulation of each sample (deformable convolution v2), or None.
    """
    out_channels = weight.shape[0]
    stride_h, stride_w = pair(stride)
    pad_h, pad_w = pair(padding)
    dil_h, dil_w = pair(dilation)
    kh, kw = weight.shape[-2:]
    n, channels, height, width = input.shape
    n_offset_grps = offset.shape[1] // (2 * kh * kw)
    n_weight_grps = channels // weight.shape[1]
    if n_offset_grps == 0:
        raise RuntimeError("the shape of the offset tensor at dimension 1 is not valid. It should be a multiple of "
                           f"2 * weight.size[2] * weight.size[3].\nGot offset.shape[1]={offset.shape[1]}, while "
                           f"2 * weight.size[2] * weight.size[3]={2 * kh * kw}")
    out_h = (height + 2 * pad_h - (dil_h * (kh - 1) + 1)) // stride_h + 1
    out_w = (width + 2 * pad_w - (dil_w * (kw - 1) + 1)) // stride_w + 1
    if offset.shape[2:] != (out_h, out_w):
        raise RuntimeError(f"offset output dims: ({offset.shape[2]}, {offset.shape[3]}) - computed output dims: "
                           f"({out_h}, {out_w})")
    taps = kh * kw
    # tap positions without offsets: [taps, H_out, W_out] for rows and for columns
    base_y = (np.arange(out_h)[None, :, None] * stride_h - pad_h
              + (np.arange(taps) // kw)[:, None, None] * dil_h).astype(np.float64)
    base_x = (np.arange(out_w)[None, None, :] * stride_w - pad_w
              + (np.arange(taps) % kw)[:, None, None] * dil_w).astype(np.float64)
    shifts = offset.reshape(n, n_offset_grps, taps, 2, out_h, out_w)
    y = shifts[:, :, :, 0] + ember.from_numpy(base_y).to(offset.dtype).to(offset.device)
    x = shifts[:, :, :, 1] + ember.from_numpy(base_x).to(offset.dtype).to(offset.device)
    y_np, x_np = y.detach().cpu().numpy(), x.detach().cpu().numpy()
    # NOTE: a sample at or beyond one pixel outside the map reads zero, as torchvision's kernel
    valid = ember.from_numpy((y_np > -1) & (y_np < height) & (x_np > -1) & (x_np < width)).to(input.device)
    y_low, x_low = np.floor(y_np).astype(np.int64), np.floor(x_np).astype(np.int64)
    ly = (y - ember.from_numpy(y_low).to(y.dtype).to(y.device))[..., None]
    lx = (x - ember.from_numpy(x_low).to(x.dtype).to(x.device))[..., None]
    flat = input.reshape(n, n_offset_grps, channels // n_offset_grps, height * width)
    n_idx = ember.from_numpy(np.arange(n)[:, None, None, None, None]).to(input.device)
    g_idx = ember.from_numpy(np.arange(n_offset_grps)[None, :, None, None, None]).to(input.device)
    corner = lambda dy, dx: _sample(flat, n_idx, g_idx, y_low + dy, x_low + dx, height, width)  # noqa: E731
    sampled = ((1 - ly) * (1 - lx) * corner(0, 0) + (1 - ly) * lx * corner(0, 1)
               + ly * (1 - lx) * corner(1, 0) + ly * lx * corner(1, 1))
    sampled = sampled * valid[..., None].to(sampled.dtype)
    if mask is not None:
        sampled = sampled * mask.reshape(n, n_offset_grps, taps, out_h, out_w)[..., None]
    # [N, G, taps, H_out, W_out, C/G] -> columns [N, C * taps, L] ordered (channel, tap) like the weight
    columns = sampled.permute(0, 1, 5, 2, 3, 4).reshape(n, n_weight_grps, channels // n_weight_grps * taps,
                                                        out_h * out_w)
    kernel = weight.reshape(n_weight_grps, out_channels // n_weight_grps, -1)
    out = ember.matmul(kernel, columns).reshape(n, out_channels, out_h, out_w)
    return out if bias is None else out + bias.reshape(1, -1, 1, 1)


class DeformConv2d(nn.Module):
    """Module form of :func:`deform_conv2d`: ``forward(input, offset, mask=None)``."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True):
        super().__init__()
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = pair(kernel_size)
        self.stride = pair(stride)
        self.padding = pair(padding)
        self.dilation = pair(dilation)
        self.groups = groups
        self.weight = nn.Parameter(ember.empty(out_channels, in_channels // groups, *self.kernel_size))
        if bias:
            self.bias = nn.Parameter(ember.empty(out_channels))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in)
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input, offset, mask=None):
        return deform_conv2d(input, offset, self.weight, self.bias, stride=self.stride, padding=self.padding,
                             dilation=self.dilation, mask=mask)

    def __repr__(self):
        s = (f"{self.__class__.__name__}({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        s += f", padding={self.padding}" if self.padding != (0, 0) else ""
        s += f", dilation={self.dilation}" if self.dilation != (1, 1) else ""
        s += f", groups={self.groups}" if self.groups != 1 else ""
        s += ", bias=False" if self.bias is None else ""
        return s + ")"
