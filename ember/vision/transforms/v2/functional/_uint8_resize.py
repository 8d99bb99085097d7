"""Resizing uint8 images in fixed point, as PyTorch's CPU kernel for uint8 bilinear/bicubic
interpolation does (the v2 transforms resize uint8 images without converting them to float).

Each axis is one pass (width first, then height): the float weights of the (antialiased) filter are
scaled to int16 with as many fractional bits as the largest weight allows, the taps are summed in
integers with a rounding offset, shifted back and clipped to [0, 255]. Done in float, the result
can differ by one at many pixels.
"""
import numpy as np

from ember.vision.transforms._functional_tensor import _filter_weights, _resize_weights


def _float_weights(n_in, n_out, mode, antialias):
    if mode == "bicubic" and not antialias:  # PyTorch's a = -0.75 cubic with clamped taps
        return _resize_weights(n_in, n_out, mode, False)
    # without antialiasing the filter keeps its width (no stretching when downscaling)
    return _filter_weights(n_in, n_out, mode, max(n_in / n_out, 1.0) if antialias else 1.0)


def _int_weights(w):
    precision = 0
    while precision < 22 and int(0.5 + w.max() * (1 << (precision + 1))) < (1 << 15):
        precision += 1
    scaled = w * (1 << precision)
    # to int16 rounding half away from zero, as a C cast of (v + sign(v) * 0.5)
    return np.trunc(scaled + np.where(scaled < 0, -0.5, 0.5)).astype(np.int64), precision


def _pass(x, n_out, mode, antialias):
    """Resize the last axis of the uint8 array ``x`` to ``n_out``."""
    weights, precision = _int_weights(_float_weights(x.shape[-1], n_out, mode, antialias))
    acc = x.astype(np.int64) @ weights.T + (1 << (precision - 1) if precision else 0)
    return np.clip(acc >> precision, 0, 255).astype(np.uint8)


def resize_uint8(arr, out_h, out_w, mode, antialias):
    """``arr`` (..., H, W) uint8 resized to (out_h, out_w) with ``mode`` 'bilinear' or 'bicubic'."""
    if arr.shape[-1] != out_w:
        arr = _pass(arr, out_w, mode, antialias)
    if arr.shape[-2] != out_h:
        arr = np.swapaxes(_pass(np.swapaxes(arr, -1, -2), out_h, mode, antialias), -1, -2)
    return np.ascontiguousarray(arr)
