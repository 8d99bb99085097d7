"""Gamma draws of one concentration for a whole tensor, resolved by stream position.

PyTorch's ``sample_gamma`` (Marsaglia and Tsang's rejection, concentrations below 1 boosted by one
more uniform) runs element by element on the generator's double uniforms: element ``i`` starts where
element ``i - 1`` stopped, and a normal is drawn as a Box-Muller pair whose second value is cached
for the next normal. Nearly every element accepts its first normal, so two elements in a row take
``4 + 2 b`` uniforms (``b``: 1 when boosted): the first a fresh pair, its uniform, the second the
cached value and its uniform. With a single concentration, whether both elements of such a pair of
elements accept depends only on the stream position where they start, so it is computed with NumPy
for every position at once. The walk over the elements then jumps from one position where a pair
does not accept at once to the next (a few in a hundred), running PyTorch's loop one element at a
time only there, and the accepted draws are computed together at the end with the C library's
arithmetic (:mod:`ember._random.exact`, :mod:`ember._random.libm_log1p`).
"""
import math

import numpy as np

from ember._random import exact
from ember._random.by_position import UniformBlock
from ember._random.libm_log1p import log1p_neg

_TWO_PI = 2.0 * math.pi
_F32_THIRD = float(np.float32(1.0) / np.float32(3.0))    # 1.0f / 3.0f
_F32_0331 = float(np.float32(0.0331))                    # the float literal 0.0331f, widened


def constants(alpha, np_dtype):
    """(boosted, 1/alpha, d, c) of PyTorch's ``sample_gamma`` for one concentration, in its
    precision: alpha below 1 gains one (in the parameter's type), d = alpha - 1/3, c = 1/sqrt(9 d)."""
    t = np.dtype(np_dtype).type
    a = t(alpha)
    boost = bool(a < 1)
    inv = float(t(1.0) / a)
    d = float((a + t(1.0) if boost else a) - t(_F32_THIRD))
    return boost, inv, d, 1.0 / math.sqrt(9.0 * d)


class _Normals:
    """The Box-Muller pair that starts at every position of a block of uniforms (the angle from
    this uniform, the radius from the next one, as PyTorch's ``normal_distribution<double>``):
    ``cos``/``sin`` close approximations (NumPy's ``log1p``, within a few units in the last place)
    for deciding acceptance, :meth:`exact` the C library's values."""

    def __init__(self, u):
        self.u = u
        radius = np.sqrt(-2.0 * np.log1p(-u[1:]))
        theta = _TWO_PI * u[:-1]
        self.cos = radius * np.cos(theta)
        self.sin = radius * np.sin(theta)

    def exact(self, at, second):
        """The pair's first (cos) or, if ``second``, second (sin) value at positions ``at``."""
        radius = np.sqrt(-2.0 * log1p_neg(self.u[at + 1]))
        theta = _TWO_PI * self.u[at]
        return radius * (exact.sin(theta) if second else exact.cos(theta))


# The approximate normals are within 1e-13 (relative) of the exact ones, and |x| < 9, 0 < c < 0.5:
# a decision whose two sides differ by less than these margins is made again with the exact values
# (1 + c x and the squeeze bound then err by less than 1e-11; the logarithm test by less than
# 1e-11 of its terms' size).
_ABS_MARGIN = 1e-9
_REL_MARGIN = 1e-9


def _accepts(normals, at, second, w, d, c):
    """Whether the candidate normal of the pair at ``at`` (its second value if ``second``) and the
    uniform ``w`` (``1 - u``) are accepted at once; False where ``1 + c x <= 0`` (PyTorch then draws
    another normal)."""
    x = (normals.sin if second else normals.cos)[at]
    ok, unsure = _decide(x, w, d, c, careful=False)
    if unsure.size:
        ok[unsure] = _decide(normals.exact(at[unsure], second), w[unsure], d, c, careful=True)[0]
    return ok


def _decide(x, w, d, c, careful):
    """PyTorch's acceptance of ``x`` and ``w``, and (unless ``careful``: ``x`` is exact) the
    indices where ``x``'s approximation could have changed it."""
    y = c * x
    y += 1.0
    xx = x * x
    bound = xx * xx
    bound *= -_F32_0331
    bound += 1.0
    ok = w < bound
    unsure = np.abs(w - bound) < _ABS_MARGIN if not careful else None
    slow = np.flatnonzero(~ok & (y > 0))
    if slow.size:
        ys, xs = y[slow], xx[slow]
        vs = ys * ys * ys
        log = exact.log if careful else np.log
        lhs, logv = log(w[slow]), log(vs)
        rhs = 0.5 * xs + d * (1.0 - vs + logv)
        ok[slow] = lhs < rhs
        if not careful:
            size = np.abs(lhs) + 0.5 * xs + abs(d) * (np.abs(1.0 - vs) + np.abs(logv) + 4.0 * vs)
            unsure[slow] |= np.abs(lhs - rhs) <= _REL_MARGIN * size
    positive = y > 0
    ok &= positive
    if careful:
        return ok, None
    if not positive.all() or (y < _ABS_MARGIN).any():
        unsure |= np.abs(y) < _ABS_MARGIN
    return ok, np.flatnonzero(unsure)


def _next_failure(fails, stride):
    """For every position p: the first position p + k*stride (k >= 0) that is marked in ``fails``
    (the block's length when none is)."""
    n = fails.size
    rows = -(-n // stride)
    marks = np.ones(rows * stride, bool)              # past the end counts as a failure
    marks[:n] = fails
    grid = marks.reshape(rows, stride)
    first = np.where(grid, np.arange(rows)[:, None], rows)
    first = np.minimum.accumulate(first[::-1], axis=0)[::-1]
    out = first * stride + np.arange(stride)
    return np.minimum(out, n).reshape(-1)[:n]


def standard_gamma(gen, n, alpha, np_dtype):
    """``n`` draws of Gamma(alpha, 1) for one concentration ``alpha`` > 0, as float64, exactly as
    PyTorch's CPU loop draws them for a tensor filled with ``alpha``."""
    boost, inv, d, c = constants(alpha, np_dtype)
    size = int(n * (2.1 + (1.05 if boost else 0.0)) + 40 * n ** 0.5) + 64
    while True:
        block = UniformBlock(gen, size)
        try:
            out, used, cached = _walk(block.u, n, boost, inv, d, c, gen._normal_double)
        except IndexError:          # ran past the block's end: a larger one
            block.close(0)
            size *= 2
            continue
        block.close(used)
        gen._normal_double = cached
        return out


def _walk(u, n, boost, inv, d, c, cached):
    b = int(boost)
    stride = 4 + 2 * b
    normals = _Normals(u)
    w = 1.0 - u
    # a pair of elements starting at p without a cached normal: the first takes the pair's cos
    # (from p + b) and the uniform after it; the second starts at q = p + b + 3 with the sin
    last = u.size - 2 * stride
    p = np.arange(last)
    q = p + b + 3
    ok = _accepts(normals, p + b, False, w[p + b + 2], d, c) & _accepts(normals, p + b, True, w[q + b], d, c)
    jump = _next_failure(~ok, stride)
    # elements drawn one by one: (index, value); runs of pairs accepted at once: (first element,
    # start position, pairs)
    singles, runs = [], []
    scalar = _Scalar(u, boost, inv, d, c)
    i, pos = 0, 0
    while i < n:
        if cached is None and n - i >= 2:
            if pos >= last:
                raise IndexError
            pairs = min((int(jump[pos]) - pos) // stride, (n - i) // 2)
            if pairs:
                runs.append((i, pos, pairs))
                i += 2 * pairs
                pos += pairs * stride
                continue
        value, pos, cached = scalar.draw(pos, cached)
        singles.append((i, value))
        i += 1
    out = np.empty(n)
    if runs:
        first, at = _expand(np.array(runs, dtype=np.int64), stride)
        out[first] = _values(normals.exact(at + b, False), u, at, boost, inv, d, c)
        out[first + 1] = _values(normals.exact(at + b, True), u, at + b + 3, boost, inv, d, c)
    if singles:
        where, values = zip(*singles)
        out[list(where)] = values
    return out, pos, cached


def _expand(runs, stride):
    """The first element and start position of every pair in the runs (first element, start
    position, number of pairs)."""
    counts = runs[:, 2]
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    first = np.repeat(runs[:, 0], counts) + 2 * offsets
    at = np.repeat(runs[:, 1], counts) + stride * offsets
    return first, at


def _values(x, u, start, boost, inv, d, c):
    """``scale * d * v`` of accepted draws (``v = (1 + c x)**3``; ``scale = (1 - u)**(1/alpha)`` of
    the boost uniform at ``start``, else 1)."""
    y = 1.0 + c * x
    v = y * y * y
    scale = exact.pow(1.0 - u[start], inv) if boost else 1.0
    return (scale * d) * v


class _Scalar:
    """PyTorch's loop for one element from position ``pos`` and a cached normal (or None), on the
    block's uniforms (running off their end raises IndexError)."""

    def __init__(self, ul, boost, inv, d, c):
        self.u, self.boost, self.inv, self.d, self.c = ul, boost, inv, d, c

    def draw(self, pos, cached):
        u, d, c = self.u.item, self.d, self.c
        scale = 1.0
        if self.boost:
            scale = math.pow(1.0 - u(pos), self.inv)
            pos += 1
        while True:
            while True:
                if cached is not None:
                    x, cached = cached, None
                else:
                    radius = math.sqrt(-2.0 * math.log1p(-u(pos + 1)))
                    theta = _TWO_PI * u(pos)
                    x, cached = radius * math.cos(theta), radius * math.sin(theta)
                    pos += 2
                y = 1.0 + c * x
                if y > 0:
                    break
            v = y * y * y
            w = 1.0 - u(pos)
            pos += 1
            xx = x * x
            if w < 1.0 - _F32_0331 * xx * xx or math.log(w) < 0.5 * xx + d * (1.0 - v + math.log(v)):
                return scale * d * v, pos, cached
