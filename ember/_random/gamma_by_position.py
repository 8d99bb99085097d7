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
    for deciding acceptance, :meth:`exact` the C library's values (only the radius is recomputed)."""

    def __init__(self, u):
        self.u = u
        radius = np.sqrt(-2.0 * np.log1p(-u[1:]))
        theta = _TWO_PI * u[:-1]
        # the angle's cos and sin are already the C library's (exact.cos/exact.sin): kept for exact()
        self._cos = exact.cos(theta)
        self._sin = exact.sin(theta)
        self.cos = radius * self._cos
        self.sin = radius * self._sin

    def exact(self, at, second):
        """The pair's first (cos) or, if ``second``, second (sin) value at positions ``at``."""
        radius = np.sqrt(-2.0 * log1p_neg(self.u[at + 1]))
        return radius * (self._sin if second else self._cos)[at]


# The approximate normals are within 1e-13 (relative) of the exact ones, and |x| < 9, 0 < c < 0.5:
# a decision whose two sides differ by less than these margins is made again with the exact values
# (1 + c x and the squeeze bound then err by less than 1e-11; the logarithm test by less than
# 1e-11 of its terms' size).
_ABS_MARGIN = 1e-9
_REL_MARGIN = 1e-9


def _accepts(normals, x_from, second, w, d, c):
    """Whether the candidate normals of the pairs at positions ``x_from, x_from + 1, ...`` (their
    second values if ``second``) and the uniforms ``w`` (``1 - u``, one per pair) are accepted at
    once; False where ``1 + c x <= 0`` (PyTorch then draws another normal)."""
    x = (normals.sin if second else normals.cos)[x_from:x_from + w.size]
    ok, unsure = _decide(x, w, d, c, careful=False)
    if unsure.size:
        ok[unsure] = _decide(normals.exact(unsure + x_from, second), w[unsure], d, c, careful=True)[0]
    return ok


def _decide(x, w, d, c, careful):
    """PyTorch's acceptance of ``x`` and ``w``, and (unless ``careful``: ``x`` is exact) the
    indices where ``x``'s approximation could have changed it."""
    if careful:
        y = 1.0 + c * x
        xx = x * x
        ok = w < 1.0 - _F32_0331 * xx * xx
        slow = np.flatnonzero(~ok & (y > 0))
        v = y[slow] * y[slow] * y[slow]
        ok[slow] = exact.log(w[slow]) < 0.5 * xx[slow] + d * (1.0 - v + exact.log(v))
        return ok & (y > 0), None
    # the squeeze w < 1 - 0.0331 x**4 as the sign of a difference (near zero: unsure)
    cx = c * x
    gap = x * x
    gap *= gap
    gap *= _F32_0331
    gap += w
    gap -= 1.0
    ok = gap < 0
    unsure = np.abs(gap) < _ABS_MARGIN
    slow = np.flatnonzero(~ok)
    if slow.size:
        ys = 1.0 + cx[slow]
        xs = x[slow] * x[slow]
        keep = ys > 0
        slow, ys, xs = slow[keep], ys[keep], xs[keep]
        vs = ys * ys * ys
        lhs, logv = np.log(w[slow]), np.log(vs)
        rhs = 0.5 * xs + d * (1.0 - vs + logv)
        ok[slow] = lhs < rhs
        size = np.abs(lhs) + 0.5 * xs + abs(d) * (np.abs(1.0 - vs) + np.abs(logv) + 4.0 * vs)
        unsure[slow] |= np.abs(lhs - rhs) <= _REL_MARGIN * size
    low = cx < _ABS_MARGIN - 1.0                  # 1 + c x <= 0, or too close to tell
    if low.any():
        ok &= ~low
        unsure |= low
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


# Shapes repeating with a longer period go element by element.  The walk handles any period, but
# its tables cost one pass over the block per shape in the period: measured against PyTorch's
# element loop run in Python, only a single shape comes out ahead.
MAX_PERIOD = 1


def period(alpha):
    """The shortest period (at most :data:`MAX_PERIOD`) with which the flat array of shapes repeats
    (a Gamma of one shape: 1; Dirichlet or Beta samples: the number of categories), or None."""
    if alpha.size < 32 or not ((alpha > 0) & (alpha < np.inf)).all():
        return None
    for k in range(1, MAX_PERIOD + 1):
        if np.array_equal(alpha[k:], alpha[:-k]):
            return k
    return None


def standard_gamma(gen, alpha, k, np_dtype):
    """Gamma(alpha, 1) draws (float64) for the flat array ``alpha`` of positive shapes that repeat
    with period ``k``, exactly as PyTorch's CPU loop draws them."""
    n = alpha.size
    shapes = [_Shape(*constants(a, np_dtype)) for a in alpha[:k].tolist()]
    boosted = sum(sh.b for sh in shapes) / k
    size = int(n * (2.1 + 1.05 * boosted) + 40 * n ** 0.5) + 64
    while True:
        block = UniformBlock(gen, size)
        try:
            out, used, cached = _Walk(block.u, shapes).run(n, gen._normal_double)
        except IndexError:          # ran past the block's end: a larger one
            block.close(0)
            size *= 2
            continue
        block.close(used)
        gen._normal_double = cached
        return out


class _Shape:
    __slots__ = ('boost', 'b', 'inv', 'd', 'c')

    def __init__(self, boost, inv, d, c):
        self.boost, self.b, self.inv, self.d, self.c = boost, int(boost), inv, d, c


class _Walk:
    """The elements in turn over one block of uniforms, for shapes repeating with period k.

    Two elements in a row (shapes s, s + 1) that both accept their first normal, starting without a
    cached normal at position p: the first takes its boost uniform (if boosted), the pair's cos and a
    uniform; the second starts at q = p + b_s + 3, takes its boost uniform, the cached sin and a
    uniform.  A cycle is the shortest even number of elements after which the shape repeats; all
    its pairs accepting at once moves every element along by the same number of positions, so runs
    of accepting cycles are found for every start position at once."""

    def __init__(self, u, shapes):
        self.u, self.shapes, self.k = u, shapes, len(shapes)
        self.normals = _Normals(u)
        k = self.k
        self.cycle = k if k % 2 == 0 else 2 * k                 # elements in a cycle
        self.stride = [4 + shapes[s].b + shapes[(s + 1) % k].b for s in range(k)]   # a pair's
        self.cycle_stride = sum(self.stride[(2 * j) % k] for j in range(self.cycle // 2))   # from any shape
        self.last = u.size - 2 * (self.cycle_stride + 12)
        w = 1.0 - u
        m = u.size - 12
        self.pair_ok = []
        for s in range(k):
            first, second = shapes[s], shapes[(s + 1) % k]
            x_at = first.b                   # for the pair at p: p + x_at; its uniforms follow
            w1 = w[x_at + 2:x_at + 2 + m]
            w2 = w[x_at + 3 + second.b:x_at + 3 + second.b + m]
            self.pair_ok.append(_accepts(self.normals, x_at, False, w1, first.d, first.c)
                                & _accepts(self.normals, x_at, True, w2, second.d, second.c))
        self.jump = []
        for r in range(k):
            ok = np.ones(self.last, bool)
            off = 0
            for j in range(self.cycle // 2):
                s = (r + 2 * j) % k
                ok &= self.pair_ok[s][off:off + self.last]
                off += self.stride[s]
            self.jump.append(_next_failure(~ok, self.cycle_stride))

    def run(self, n, cached):
        k, cycle, cstride = self.k, self.cycle, self.cycle_stride
        # elements drawn one by one: (index, value); runs of accepted cycles: (first element,
        # start position, cycles); single accepted pairs: (first element, start position)
        singles, runs, pairs = [], [], []
        scalar = _Scalar(self.u, self.shapes)
        i, pos = 0, 0
        while i < n:
            if cached is None and n - i >= 2:
                if pos >= self.last:
                    raise IndexError
                r = i % k
                if n - i >= cycle:
                    cycles = min((int(self.jump[r][pos]) - pos) // cstride, (n - i) // cycle)
                    if cycles:
                        runs.append((i, pos, cycles))
                        i += cycle * cycles
                        pos += cstride * cycles
                        continue
                if self.pair_ok[r][pos]:
                    pairs.append((i, pos))
                    i += 2
                    pos += self.stride[r]
                    continue
            value, pos, cached = scalar.draw(i % k, pos, cached)
            singles.append((i, value))
            i += 1
        return self._values(n, runs, pairs, singles), pos, cached

    def _values(self, n, runs, pairs, singles):
        """Every element's draw: the accepted pairs' computed together, the rest as drawn."""
        k, shapes = self.k, self.shapes
        half = self.cycle // 2
        starts, at = _expand(np.array(runs, dtype=np.int64).reshape(-1, 3), self.cycle, self.cycle_stride)
        # within a cycle the pairs start at fixed offsets that depend on its first shape
        offsets = np.zeros((k, half), np.int64)
        for r in range(k):
            for j in range(1, half):
                offsets[r, j] = offsets[r, j - 1] + self.stride[(r + 2 * (j - 1)) % k]
        first = (starts[:, None] + 2 * np.arange(half)).reshape(-1)
        at = (at[:, None] + offsets[starts % k]).reshape(-1)
        extra = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        first = np.concatenate([first, extra[:, 0]])
        at = np.concatenate([at, extra[:, 1]])
        shape = first % k
        x_at = at + np.array([sh.b for sh in shapes])[shape]
        out = np.empty(n)
        out[first] = _values(self.normals.exact(x_at, False), self.u, at, shape, shapes)
        out[first + 1] = _values(self.normals.exact(x_at, True), self.u, x_at + 3, (shape + 1) % k, shapes)
        if singles:
            where, values = zip(*singles)
            out[list(where)] = values
        return out


def _expand(runs, per_run, stride):
    """The first element and start position of every cycle in the runs (first element, start
    position, number of cycles)."""
    counts = runs[:, 2]
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    first = np.repeat(runs[:, 0], counts) + per_run * offsets
    at = np.repeat(runs[:, 1], counts) + stride * offsets
    return first, at


def _values(x, u, boost_at, shape, shapes):
    """``scale * d * v`` of accepted draws with shape indices ``shape`` (``v = (1 + c x)**3``;
    ``scale = (1 - u)**(1/alpha)`` of the boost uniform at ``boost_at``, else 1)."""
    d = np.array([sh.d for sh in shapes])[shape]
    c = np.array([sh.c for sh in shapes])[shape]
    y = 1.0 + c * x
    v = y * y * y
    scale = np.ones(x.size)
    for s, sh in enumerate(shapes):
        if sh.boost:
            mine = np.flatnonzero(shape == s)
            scale[mine] = exact.pow(1.0 - u[boost_at[mine]], sh.inv)
    return (scale * d) * v


class _Scalar:
    """PyTorch's loop for one element from position ``pos`` and a cached normal (or None), on the
    block's uniforms (running off their end raises IndexError)."""

    def __init__(self, u, shapes):
        self.u, self.shapes = u, shapes

    def draw(self, shape, pos, cached):
        u, sh = self.u.item, self.shapes[shape]
        d, c = sh.d, sh.c
        scale = 1.0
        if sh.boost:
            scale = math.pow(1.0 - u(pos), sh.inv)
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
