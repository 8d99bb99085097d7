"""float32 softmax gradient with PyTorch's CPU bits.

PyTorch's SoftmaxBackward kernel computes ``output * (grad - sum(grad * output))`` from the saved output,
the subtraction and the product rounded one after the other. Only the dot product's order and roundings
are its own:

* along a contiguous last dim (``_softmax_bits.LANES`` floats a vector): a row shorter than one vector
  adds its rounded products one after another; a longer one starts a lane accumulator with the first
  vector's rounded products and adds each later vector's rounded products to it, then the values past
  the last whole vector join the first lanes as fused multiply-adds (rounded once), and the lanes are
  added as the forward's tree (``_softmax_bits._add_lanes``);
* along another dim, every position adds its products one after another from zero, each step a fused
  multiply-add, whether the position is in a whole vector or not.

A 0-dim tensor is a row of one. The gradient of a row whose products are all -0 sees a sum of -0, as
PyTorch's, which starts from the first product rather than from zero.
"""
import numpy as np

from ember._random.exact import fma32
from ember.ops import _softmax_bits
from ember.ops._softmax_bits import _add_lanes, _as_3d, _lane_accumulators, _lane_sum


def softmax_backward(grad, output, dim):
    """PyTorch's float32 gradient of softmax along ``dim`` (non-negative) for the non-empty float32 arrays
    ``grad`` and ``output`` (the forward's result) of one shape."""
    if output.ndim == 0 or dim == output.ndim - 1:
        n = output.shape[-1] if output.ndim else 1
        g = np.ascontiguousarray(grad).reshape(-1, n)
        y = np.ascontiguousarray(output).reshape(-1, n)
        total = _row_dots(g, y)
        # each row's sum repeated along it: a subtraction broadcasting a column costs NumPy a call per
        # row, more than the copy (4096 rows of 64: 0.6x the time)
        total = np.repeat(total, n).reshape(g.shape) if n < 256 else total[:, None]
    else:
        g = _as_3d(grad, dim)
        y = _as_3d(output, dim)
        total = _fused_dots_from_zero(g, y)
    gx = np.subtract(g, total)
    gx *= y
    return gx.reshape(output.shape)


def _row_dots(g, y):
    """``sum(g * y)`` of each row of the (rows, n) arrays in the last-dim kernel's order."""
    p = g * y
    n = p.shape[1]
    lanes = _softmax_bits.LANES
    if n < lanes:
        total = _lane_sum(p)
    else:
        acc = _lane_accumulators(p)
        rest = n % lanes
        if rest:
            acc[:, :rest] = fma32(g[:, n - rest:], y[:, n - rest:], acc[:, :rest])
        total = _add_lanes(acc)
    zero = total == 0
    if zero.any():         # (the sums above start from +0: -0 where every product is -0)
        rows = np.flatnonzero(zero)
        products = g[rows] * y[rows]
        negative = (np.signbit(products) & (products == 0)).all(axis=1)
        total[rows[negative]] = np.float32(-0.0)
    return total


def _fused_dots_from_zero(g, y):
    """``sum(g * y)`` over axis 1 of the (outer, size, inner) arrays, one fused multiply-add after another
    from zero at each position (kept dim)."""
    total = np.zeros((g.shape[0], 1, g.shape[2]), np.float32)
    for i in range(g.shape[1]):
        total = fma32(g[:, i:i + 1], y[:, i:i + 1], total)
    return total
