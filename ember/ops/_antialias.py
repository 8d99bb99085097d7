"""Antialiased resampling weights (``interpolate(..., antialias=True)`` and torchvision's resize).

Each output sample averages the input under a filter (triangle for bilinear, Keys' cubic with
a = -0.5 for bicubic, Lanczos-3) centred on it; when downsampling, the filter is stretched by the
scale, so every input sample contributes (Pillow's scheme, which PyTorch's antialiased kernels
follow). The result is an (n_out, n_in) matrix whose rows sum to one: resampling an axis is one
matrix product, which autograd differentiates like any other.
"""
import numpy as np


def _triangle(x):
    return np.clip(1.0 - np.abs(x), 0.0, None)


def _cubic(x, a=-0.5):
    x = np.abs(x)
    near = ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0
    far = (((x - 5.0) * x + 8.0) * x - 4.0) * a
    return np.where(x < 1.0, near, np.where(x < 2.0, far, 0.0))


def _lanczos(x, lobes=3.0):
    return np.where(np.abs(x) < lobes, np.sinc(x) * np.sinc(x / lobes), 0.0)


FILTERS = {'bilinear': (1.0, _triangle), 'bicubic': (2.0, _cubic), 'lanczos': (3.0, _lanczos)}


def filter_weights(n_in, n_out, mode, scale, stretch):
    """(n_out, n_in) weights of ``mode``'s filter widened by ``stretch``, output sample ``i`` centred at
    ``scale * (i + 0.5)`` in input coordinates."""
    half_width, kernel = FILTERS[mode]
    support = half_width * stretch
    center = scale * (np.arange(n_out, dtype=np.float64) + 0.5)
    src = np.arange(n_in)
    lo = np.maximum(np.trunc(center - support + 0.5), 0)
    hi = np.minimum(np.trunc(center + support + 0.5), n_in)
    w = kernel((src[None, :] - center[:, None] + 0.5) / stretch)
    w = np.where((src[None, :] >= lo[:, None]) & (src[None, :] < hi[:, None]), w, 0.0)
    total = w.sum(axis=1, keepdims=True)
    return w / np.where(total == 0, 1.0, total)


def interpolation_weights(n_in, n_out, mode, scale_factor, align_corners):
    """The weights ``interpolate(..., antialias=True)`` uses along one axis: the scale is the input/output
    ratio (of the corner samples' distances with ``align_corners``; ``1 / scale_factor`` when one was
    given and is used)."""
    if align_corners:
        scale = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    elif scale_factor is not None and scale_factor > 0:
        scale = 1.0 / scale_factor
    else:
        scale = n_in / n_out
    return filter_weights(n_in, n_out, mode, scale, max(scale, 1.0))
