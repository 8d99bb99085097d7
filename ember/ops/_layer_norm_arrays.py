"""LayerNorm's forward and first-order backward on NumPy arrays, in few passes.

The normalized dimensions are the rows of a ``(rows, n)`` array (``n`` is a few hundred at most in
a transformer). NumPy's reductions along such a short last axis cost several times a pass over the
data, so the row sums are matrix-vector products with a vector of ones (``_rows.py``) and the row
sums of squares and of products are row dot products; the column sums of the weight's and bias's
gradients are the same products from the left. The forward keeps ``xhat`` for the backward when a
gradient will be asked for, instead of recomputing it from ``x`` there.

float32 forwards (with a weight, or neither weight nor bias) take ``_layer_norm_bits``: PyTorch's
kernel's Welford order and rounding, so its bits.

The closed forms are those of ``norm.py``:

    y  = (x - mean) * invstd * w + b
    gx = invstd * (gxhat - mean(gxhat) - xhat * mean(gxhat * xhat)),   gxhat = g * w
    gw = sum(g * xhat),   gb = sum(g)                                    (sums over the rows)
"""
import math

import numpy as np

from ember.numerics import ENABLED as _PYTORCH_BITS
from ember.ops import _layer_norm_bits
from ember.ops._rows import column_sums, row_sums

_rowdot = getattr(np, 'vecdot', None) or (lambda a, b: np.einsum('ij,ij->i', a, b))


def fits(x, weight, bias):
    """Whether these arrays take the array path: NumPy, float32/float64, not empty."""
    return (type(x) is np.ndarray and x.dtype.kind == 'f' and x.dtype.itemsize >= 4 and x.size > 0
            and all(o is None or (type(o) is np.ndarray and o.dtype == x.dtype) for o in (weight, bias)))


def forward(x, weight, bias, k, eps, keep_xhat):
    """``(y, mean, invstd, xhat or None)`` of layer norm over the last ``k`` dimensions of ``x``;
    the statistics are 1-D, one per row."""
    n = math.prod(x.shape[x.ndim - k:])
    rows = x.reshape(-1, n)         # (a copy when x's layout allows no such view)
    if x.dtype == np.float32 and (weight is not None or bias is None) and _PYTORCH_BITS[0]:
        # PyTorch's kernel's own Welford order and rounding: its bits (``_layer_norm_bits``)
        y, mean, invstd, xhat = _layer_norm_bits.forward(
            np.ascontiguousarray(rows), None if weight is None else weight.reshape(-1),
            None if bias is None else bias.reshape(-1), eps)
        return y.reshape(x.shape), mean, invstd, (xhat if keep_xhat else None)
    dt = x.dtype.type
    mean = row_sums(rows)
    mean /= dt(n)
    xhat = np.subtract(rows, mean[:, None])
    var = _rowdot(xhat, xhat)
    var /= dt(n)
    invstd = (1.0 / np.sqrt(var + eps)).astype(x.dtype, copy=False)
    xhat *= invstd[:, None]
    if weight is not None:
        y = np.multiply(xhat, weight.reshape(-1)) if keep_xhat else np.multiply(xhat, weight.reshape(-1), out=xhat)
    else:
        y = xhat.copy() if keep_xhat else xhat
    if bias is not None:
        y += bias.reshape(-1)
    return y.reshape(x.shape), mean, invstd, (xhat if keep_xhat else None)


def backward(x, g, weight, mean, invstd, xhat, k, need):
    """``(gx, gw, gb)`` (None where ``need`` says no) of layer norm over the last ``k`` dimensions
    for the output gradient ``g``; ``mean``, ``invstd`` (1-D) and ``xhat`` (or None) as ``forward``
    gave them."""
    norm_shape = x.shape[x.ndim - k:]
    n = math.prod(norm_shape)
    dt = x.dtype.type
    g2 = g.reshape(-1, n)
    if xhat is None:
        xhat = np.subtract(x.reshape(-1, n), mean[:, None])
        xhat *= invstd[:, None]
    gx = gw = gb = None
    if need[0]:
        gxhat = g2 if weight is None else g2 * weight.reshape(-1)
        m1 = row_sums(gxhat)
        m1 /= dt(n)
        m2 = _rowdot(gxhat, xhat)
        m2 /= dt(n)
        gx = np.subtract(gxhat, m1[:, None])
        proj = np.multiply(xhat, m2[:, None], out=gxhat if gxhat is not g2 else None)
        gx -= proj
        gx *= invstd[:, None]
        gx = gx.reshape(x.shape)
    if need[1] or need[2]:
        if need[1]:
            gw = column_sums(np.multiply(g2, xhat)).reshape(norm_shape)
        if need[2]:
            gb = column_sums(g2).reshape(norm_shape)
    return gx, gw, gb
