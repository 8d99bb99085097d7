"""Window functions for spectral analysis (``hann_window``, ``hamming_window``, ``blackman_window``,
``bartlett_window``, ``kaiser_window``), computed in the requested dtype step by step as PyTorch
does, so float32 windows carry the same rounding.

``periodic=True`` (the default) gives the window for spectral analysis: one sample of the
``window_length + 1`` symmetric window dropped, so that it tiles without a repeated end point.
"""
import math

import numpy as np

from ember._device import as_device
from ember._tensor import Tensor
from ember.ops._registry import op


def _window(name, window_length, periodic, dtype, layout, device, requires_grad, pin_memory, make):
    from ember import backend
    from ember._dtype import get_default_dtype, to_dtype
    from ember._formats import check_layout
    from ember.ops.creation import _check_pin_memory, _pinned
    check_layout(name, layout)
    _check_pin_memory(name, pin_memory, device)
    dt = to_dtype(dtype) if dtype is not None else get_default_dtype()
    if dt.category != 2:
        raise RuntimeError(f"{name} expects floating point dtypes, got: {dt}")
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got window_length={window_length}")
    np_dtype = dt.np_dtype
    if window_length == 0:
        values = np.zeros(0, np_dtype)
    elif window_length == 1:
        values = np.ones(1, np_dtype)
    else:
        n = window_length + 1 if periodic else window_length
        values = make(n, np_dtype)[:window_length]
    dev = as_device(device)
    t = Tensor._make(values if dev.type == 'cpu' else backend.move(values, dev), dev)
    return _pinned(t, pin_memory).requires_grad_(requires_grad)


def _cosine_sum(n, np_dtype, alpha, beta):
    """``alpha - beta * cos(2πk / (n - 1))``, each step rounded to ``np_dtype``."""
    k = np.arange(n, dtype=np_dtype) * np_dtype.type(2 * math.pi / (n - 1))
    return np.cos(k) * np_dtype.type(-beta) + np_dtype.type(alpha)


@op('ember')
def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None, layout=None, device=None,
                   pin_memory=False, requires_grad=False):
    """The generalised Hamming window ``alpha - beta * cos(2πn / (N - 1))``.

    >>> ember.hamming_window(4, False)
    tensor([0.0800, 0.7700, 0.7700, 0.0800])
    """
    return _window('hamming_window', window_length, periodic, dtype, layout, device, requires_grad, pin_memory,
                   lambda n, dt: _cosine_sum(n, dt, alpha, beta))


@op('ember')
def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                requires_grad=False):
    """The Hann window ``0.5 - 0.5 * cos(2πn / (N - 1))``.

    >>> ember.hann_window(5, periodic=False)
    tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
    """
    return _window('hann_window', window_length, periodic, dtype, layout, device, requires_grad, pin_memory,
                   lambda n, dt: _cosine_sum(n, dt, 0.5, 0.5))


def _blackman(n, np_dtype):
    k = np.arange(n, dtype=np_dtype) * np_dtype.type(math.pi / (n - 1))
    return (np.cos(k * np_dtype.type(4)) * np_dtype.type(0.08) - np.cos(k * np_dtype.type(2)) * np_dtype.type(0.5)
            + np_dtype.type(0.42))


@op('ember')
def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                    requires_grad=False):
    """The Blackman window ``0.42 - 0.5 cos(2πn/(N-1)) + 0.08 cos(4πn/(N-1))``.

    Example::

        >>> ember.blackman_window(5)
        tensor([-2.9802e-08,  2.0077e-01,  8.4923e-01,  8.4923e-01,  2.0077e-01])
        >>> ember.blackman_window(4, periodic=False)
        tensor([-2.9802e-08,  6.3000e-01,  6.3000e-01, -2.9802e-08])
    """
    return _window('blackman_window', window_length, periodic, dtype, layout, device, requires_grad, pin_memory,
                   _blackman)


def _bartlett(n, np_dtype):
    w = np.arange(n, dtype=np_dtype) * np_dtype.type(2.0 / (n - 1))
    half = ((n - 1) >> 1) + 1
    w[half:] = w[half:] * np_dtype.type(-1) + np_dtype.type(2)
    return w


@op('ember')
def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None, pin_memory=False,
                    requires_grad=False):
    """The triangular Bartlett window ``1 - |2n/(N-1) - 1|``.

    >>> ember.bartlett_window(5, periodic=False)
    tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
    """
    return _window('bartlett_window', window_length, periodic, dtype, layout, device, requires_grad, pin_memory,
                   _bartlett)


@op('ember')
def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None, device=None,
                  pin_memory=False, requires_grad=False):
    """The Kaiser window ``I0(beta * sqrt(1 - ((n - a) / a)**2)) / I0(beta)``, ``a = (N - 1) / 2``.

    Example::

        >>> ember.kaiser_window(4)
        tensor([5.2773e-05, 2.1567e-01, 1.0000e+00, 2.1567e-01])
        >>> ember.kaiser_window(4, periodic=False, beta=5.0)
        tensor([0.0367, 0.7753, 0.7753, 0.0367])
    """
    def make(n, np_dtype):
        a = (n - 1) / 2.0
        ratio = (np.arange(n, dtype=np.float64) - a) / a
        return (np.i0(beta * np.sqrt(np.clip(1 - ratio * ratio, 0, None))) / np.i0(beta)).astype(np_dtype)
    return _window('kaiser_window', window_length, periodic, dtype, layout, device, requires_grad, pin_memory, make)
