"""softmax's gradient with PyTorch's CPU bits: float32, and float16/bfloat16 (computed in float32).

PyTorch's SoftmaxBackward kernel computes ``output * (grad - sum(grad * output))`` from the saved output,
the subtraction and the product rounded one after the other. Only the dot product's order and roundings
are its own:

* along a contiguous last dim (``_softmax_bits.LANES`` floats a vector): a row shorter than one vector
  adds its rounded products one after another; a longer one starts a lane accumulator with the first
  vector's rounded products and adds each later vector's rounded products to it, then the values past
  the last whole vector join the first lanes, and the lanes are added as the forward's tree
  (``_softmax_bits._add_lanes``). Those last values are fused multiply-adds (rounded once) when PyTorch
  runs on one thread, and rounded products added when it runs on more, however few the rows (as measured
  against PyTorch 2.13's CPU build: its two ways of calling the loop were compiled differently);
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

from ember._random.exact import _F32_HALF_ULP_BITS, _F32_LOW_BITS, _TINY32, _TINY32_BITS, fma32
from ember.ops import _softmax_bits
from ember.ops._softmax_bits import _add_lanes, _as_3d, _lane_accumulators, _sum_in_order


def softmax_backward(grad, output, dim, threads):
    """PyTorch's float32 gradient of softmax along ``dim`` (non-negative) for the non-empty float32 arrays
    ``grad`` and ``output`` (the forward's result) of one shape, on ``threads`` intra-op threads."""
    return _backward(grad, output, dim, _softmax_bits.LANES, threads)


def half_softmax_backward(grad, output, dim, threads):
    """The same for float16 or bfloat16 arrays (both of one type), as PyTorch computes it in float32: the
    result in that type."""
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
    from zero at each position (kept dim).

    Each step adds the exact product (a double) to the float32 sum so far in double and rounds that to
    float32: the fused result, unless the double sum was itself rounded and landed on a float32 midpoint
    or among float32's subnormals. Candidates are found over all steps at once at the end (a check per
    step would triple the NumPy calls of a loop that makes ``size`` steps), kept where a two-sum shows
    their double sum inexact (exact ties are rounded right), and those positions are added again step by
    step through ``fma32``."""
    outer, size, inner = g.shape
    sums = g.astype(np.float64)
    np.multiply(sums, y, out=sums)                  # the exact products, then each step's double sum
    rounded = np.empty(g.shape, np.float32)
    # one outer position: each step a contiguous row (NumPy's calls on the 2-d slices cost several
    # times as much at a few hundred values)
    steps, kept = (sums[0], rounded[0]) if outer == 1 else (np.moveaxis(sums, 1, 0), np.moveaxis(rounded, 1, 0))
    previous = 0.0
    for i in range(size):
        np.add(steps[i], previous, out=steps[i])
        np.copyto(kept[i], steps[i], casting='unsafe')
        previous = kept[i]
    bits = sums.view(np.uint64)
    bits &= _F32_LOW_BITS
    candidates = bits == _F32_HALF_ULP_BITS
    if _has_tiny(rounded):
        candidates |= np.abs(rounded) <= _TINY32
    total = rounded[:, size - 1:]
    where = np.flatnonzero(candidates.any(axis=1))      # (outer * inner positions met by one)
    if where.size:
        o, n = np.divmod(where, inner)
        inexact = np.zeros(where.size, bool)
        for i in np.flatnonzero(candidates[o, :, n].any(axis=0)):
            product = g[o, i, n].astype(np.float64) * y[o, i, n]
            before = rounded[o, i - 1, n].astype(np.float64) if i else np.zeros(where.size)
            double_sum = product + before
            back = double_sum - product
            inexact |= candidates[o, i, n] & ((product - (double_sum - back)) + (before - back) != 0)
        o, n = o[inexact], n[inexact]
        if o.size:
            again = np.zeros(o.size, np.float32)
            for i in range(size):
                again = fma32(g[o, i, n], y[o, i, n], again)
            total[o, 0, n] = again
    return total


def _has_tiny(a):
    """Whether the float32 array ``a`` holds a value of magnitude at most float32's smallest normal: two
    reductions over its bits (the positive values' least as unsigned, the negative ones' as signed)."""
    bits = a.view(np.uint32)
    return bool(bits.min() <= _TINY32_BITS or int(bits.view(np.int32).min()) <= _TINY32_BITS - (1 << 31))
