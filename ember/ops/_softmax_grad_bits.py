"""softmax's gradient with PyTorch's CPU bits: float32, and float16/bfloat16 (computed in float32).

PyTorch's SoftmaxBackward kernel computes ``output * (grad - sum(grad * output))`` from the saved output,
the subtraction and the product rounded one after the other. Only the dot product's order and roundings
are its own:

* along a contiguous last dim (``_softmax_bits.LANES`` floats a vector): a row shorter than one vector
  adds its rounded products one after another; a longer one starts a lane accumulator with the first
  vector's rounded products and adds each later vector's rounded products to it, then the values past
  the last whole vector join the first lanes, and the lanes are added as the forward's tree
  (``_softmax_bits._add_lanes``). Those last values are fused multiply-adds (rounded once) where PyTorch
  runs on one thread, and rounded products added where it has more (however few the rows: its build
  compiled the two calls of the loop differently);
* along another dim, every position adds its products one after another from zero, each step a fused
  multiply-add, whether the position is in a whole vector or not.

Half types are loaded a vector of the half type at a time, two float vectors, so the last-dim dot product
runs over twice the lanes (the tree's first step adds the two float vectors); a row shorter than that but
longer than one float vector first adds its second float vector into the first lanes, then all of one
vector one after another. The products of two half values are exact in float32, so fused or not is the
same; the result is rounded once to the half type.

A 0-dim tensor is a row of one. The gradient of a row whose products are all -0 sees a sum of -0, as
PyTorch's, which starts from the first product rather than from zero.
"""
import numpy as np

from ember._random.exact import fma32
from ember.ops import _softmax_bits
from ember.ops._softmax_bits import _add_lanes, _as_3d, _lane_accumulators, _sum_in_order


def softmax_backward(grad, output, dim, threads):
    """PyTorch's float32 gradient of softmax along ``dim`` (non-negative) for the non-empty float32 arrays
    ``grad`` and ``output`` (the forward's result) of one shape, on ``threads`` intra-op threads."""
    return _backward(grad, output, dim, _softmax_bits.LANES, threads)


def half_softmax_backward(grad, output, dim, threads):
    """The same for float16 or bfloat16 arrays (one of them for both), as PyTorch computes it in float32:
    the result in the half type."""
    gx = _backward(grad.astype(np.float32), output.astype(np.float32), dim, 2 * _softmax_bits.LANES, threads)
    return gx.astype(output.dtype)


def _backward(grad, output, dim, lanes, threads):
    if output.ndim == 0 or dim == output.ndim - 1:
        n = output.shape[-1] if output.ndim else 1
        g = np.ascontiguousarray(grad).reshape(-1, n)
        y = np.ascontiguousarray(output).reshape(-1, n)
        p = g * y
        total = _row_dots(g, y, p, lanes, fused_tail=threads == 1)
        # each row's sum repeated along it: a subtraction broadcasting a column costs NumPy a call per
        # row, more than the copy (4096 rows of 64: 0.6x the time)
        total = np.repeat(total, n).reshape(g.shape) if n < 256 else total[:, None]
        gx = np.subtract(g, total, out=p)      # (the products are spent: their array takes the result)
    else:
        g = _as_3d(grad, dim)
        y = _as_3d(output, dim)
        gx = np.subtract(g, _fused_dots_from_zero(g, y))
    gx *= y
    return gx.reshape(output.shape)


def _row_dots(g, y, p, lanes, fused_tail):
    """``sum(g * y)`` of each row of the (rows, n) arrays in the last-dim kernel's order, over ``lanes``
    (``p``: the rounded products, left as they are)."""
    n = p.shape[1]
    if n < lanes:
        floats = _softmax_bits.LANES
        if lanes > floats and n > floats:       # (half types: the second float vector into the first)
            first = p[:, :floats].copy()
            first[:, :n - floats] += p[:, floats:]
            total = _sum_in_order(first)
        else:
            total = _sum_in_order(p)
    else:
        acc = _lane_accumulators(p, lanes)
        rest = n % lanes
        if rest and fused_tail:
            acc[:, :rest] = fma32(g[:, n - rest:], y[:, n - rest:], acc[:, :rest])
        elif rest:
            acc[:, :rest] += p[:, n - rest:]
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
