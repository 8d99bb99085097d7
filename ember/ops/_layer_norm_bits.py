"""float32 LayerNorm statistics and output with PyTorch's CPU bits.

PyTorch's LayerNorm kernel (its AVX2 build: vectors of 8 floats) takes each row's mean and variance
in one Welford pass over vector lanes:

* The row's whole vectors go in chunks of 16. Within a chunk each lane runs Welford from zero
  (``mean = fma(1/(j+1), x - mean, mean)``, ``m2 = fma(x - mean_old, x - mean_new, m2)``); the
  chunk's moments then merge into a stack of partial moments as a binary counter does (level ``j``
  merges up after every ``2**j`` chunks), and the levels merge into the bottom one at the end.
* The values past the last whole vector run scalar Welford (unfused), and the eight lanes merge
  into that one after another (Chan's formula, with the multiply-adds the compiler fuses there).
* ``rstd = 1 / sqrt(var + eps)`` and ``y = fma((x - mean) * rstd, weight, bias)`` in float32
  (a missing weight is one, a missing bias zero).

The chunks' Welford runs are independent, so they run side by side here (16 steps over all rows and
chunks at once); only the merges go chunk by chunk.

The arrays are small (a row's vectors), so the per-call repairs of ``fma32`` would cost more than the
arithmetic: the statistics are first computed with each fused step as a double sum rounded to
float32 (``_DeferredFma``), each call's sums checked while they are in cache. The result is the fused
one unless some sum sat on a float32 midpoint or in the subnormals (rare: then everything is
recomputed through ``fma32``).
"""
import numpy as np

from ember._random.exact import _pick, _two_sum, fma32

_F32_LOW_BITS = np.uint64(0x1FFFFFFF)            # a double's mantissa bits below float32's
_F32_HALF_ULP = np.uint64(0x10000000)            # ... holding exactly half a float32 unit
# |s| <= 2**-126 (float32's subnormals and their edge), zero aside: ((bits << 1) - 1) < this, unsigned
_TINY_LIMIT = np.uint64(int(np.float64(2.0 ** -126).view(np.uint64)) << 1)


class _DeferredFma:
    """``a * b + c`` as a double sum (the product is exact) rounded to float32, each call of many sums
    checking its own while they are in cache (a third of the time of gathering them into one large
    block checked at the end: the block no longer fits the cache), the small calls' sums gathered and
    checked at the end; ``exact()`` then tells whether every rounding was the fused one."""

    def __init__(self):
        self.inexact = False    # some sum was seen whose rounding may not be the fused one
        self.products = []      # float32 products by a power of two (exact unless they underflow)
        self.pending = []       # small calls' (sums, a, b, c): checked together at the end

    def __call__(self, a, b, c):
        if type(a) is _F and a in _HALVINGS:
            # a power of two up to one: the float32 product is exact (short of float32's subnormals,
            # checked at the end), so the float32 sum is the fused rounding
            p = b * a
            self.products.append(p.reshape(-1))
            p += c
            return p
        # a number times an array plus an array (the mean's steps): BLAS's saxpy rounds it once in one
        # pass where it was found to (see ember/optim/_blas_axpy.py), nothing to check
        scalar, vector = (a, b) if type(a) is _F else (b, a)
        if type(scalar) is _F and type(vector) is np.ndarray and np.shape(c) == vector.shape:
            out = np.array(c, order='C')
            if _saxpy()(out, scalar, np.ascontiguousarray(vector), exact=True):
                return out
        r = np.ascontiguousarray(np.multiply(a, b, dtype=np.float64))
        r += c
        rounded = r.astype(_F)
        if not self.inexact:        # (once one is found, everything is recomputed: no more checks)
            if r.size < _CHECK_ALONE:
                self.pending.append((r, a, b, c))
            else:
                self.inexact = not _rounds_as_fused(r, rounded, a, b, c)
        return rounded

    def exact(self):
        """Whether every kept sum rounds to float32 as the exact value does: none at or below float32's
        smallest normal, and those on a float32 midpoint exact there (a tie the double sum did not make)."""
        if self.inexact:
            return False
        if self.products:
            products = np.abs(np.concatenate(self.products))
            if ((products < _F(2.0 ** -126)) & (products != 0)).any():
                return False
        if not self.pending:
            return True
        bits = np.concatenate([r.reshape(-1) for r, _, _, _ in self.pending]).view(np.uint64)
        work = np.left_shift(bits, np.uint64(1))
        work -= np.uint64(1)             # zero wraps to the largest value: an exact zero is no suspect
        if (work < _TINY_LIMIT).any():
            return False
        np.bitwise_and(bits, _F32_LOW_BITS, out=work)
        found = np.flatnonzero(work == _F32_HALF_ULP)
        start = 0
        for r, a, b, c in self.pending:
            lo, hi = found.searchsorted((start, start + r.size))
            if hi > lo and not _ties_exact(r, found[lo:hi] - start, a, b, c):
                return False
            start += r.size
        return True


_CHECK_ALONE = 4096     # calls of at least this many sums are checked on the spot, smaller ones at the end
_AXPY = []


def _saxpy():
    """``ember.optim._blas_axpy.axpy_`` (imported on first use: ember.optim imports the ops)."""
    if not _AXPY:
        from ember.optim._blas_axpy import axpy_
        _AXPY.append(axpy_)
    return _AXPY[0]


_TINY32 = np.float32(2.0 ** -126)
_TINY32_BITS = int(_TINY32.view(np.uint32))
_BELOW_F32_MANTISSA = np.uint64(35)         # a double's bits above the 29 of its mantissa below float32's
_MIDPOINT_SHIFTED = np.iinfo(np.int64).min  # a float32 midpoint's 29 bits (0x10000000) shifted up by them


def _rounds_as_fused(r, rounded, a, b, c):
    """Whether the double sums ``r = a * b + c`` (C-contiguous; ``rounded``: their float32 roundings)
    round to float32 as their exact values do: none in float32's subnormals or at its smallest normal
    (zero aside), and those on a float32 midpoint exact ties, not double sums rounded onto one.
    ``r`` is overwritten. Each check is a reduction first, a mask only where it finds something."""
    # results at or below float32's smallest normal (zeros too): the positive ones' least bits as
    # unsigned, the negative ones' as signed (a sum below it rounds to at most it)
    flat = rounded.reshape(-1).view(np.uint32)
    if flat.min() <= _TINY32_BITS or int(flat.view(np.int32).min()) <= _TINY32_BITS - (1 << 31):
        small = np.abs(rounded).reshape(-1) <= _TINY32
        if (r.reshape(-1)[small] != 0).any():
            return False
    # the 29 bits below float32's mantissa shifted to the top: a midpoint's are the smallest int64
    bits = r.reshape(-1).view(np.uint64)
    low = np.left_shift(bits, _BELOW_F32_MANTISSA, out=bits).view(np.int64)
    if low.min() != _MIDPOINT_SHIFTED:
        return True
    return _ties_exact(r, np.flatnonzero(low == _MIDPOINT_SHIFTED), a, b, c)


def _ties_exact(r, idx, a, b, c):
    """Whether the double sums ``r = a * b + c`` at flat positions ``idx`` (on float32 midpoints) are
    exact (two-sum's error is zero): then rounding them again is the fused rounding of a tie."""
    shape = np.shape(r)
    _, err = _two_sum(_pick(a, shape, idx) * _pick(b, shape, idx), _pick(c, shape, idx))
    return not err.any()


def _fma32(a, b, c):
    return fma32(a, b, c)


LANES = 8               # PyTorch's LayerNorm runs its AVX2 kernel on AVX-512 CPUs too
CHUNK = 16
_F = np.float32
_STEP = tuple(_F(1) / _F(j + 1) for j in range(CHUNK))
_HALVINGS = frozenset(_F(2.0 ** -k) for k in range(64))


def _merge(fma, m0a, m1a, m2a, m0, m1, m2):
    """Chan's merge of the moments (m0a, m1a, m2a) into (m0, m1, m2), as PyTorch's vector merge
    rounds it; counts are Python ints, means and M2s float32 arrays."""
    n = m0 + m0a
    c = _F(0) if n == 0 else _F(m0a) / _F(n)
    delta = m1a - m1
    m2_sum = m2 + m2a
    c_delta = c * delta
    m0_delta = delta * _F(m0)
    return n, m1 + c_delta, fma(m0_delta, c_delta, m2_sum)


def row_moments(rows):
    """PyTorch's float32 (mean, biased variance) of each row of the C-contiguous (R, N) array."""
    fast = _DeferredFma()
    with np.errstate(over='ignore', invalid='ignore'):
        moments = _row_moments(rows, fast)
        if fast.exact():
            return moments
    return _row_moments(rows, _fma32)


def _row_moments(rows, fma):
    R, N = rows.shape
    n = N // LANES                      # whole vectors
    chunks = -(-n // CHUNK)
    depth = 1 if chunks <= 2 else (chunks - 1).bit_length()
    zero = np.zeros((R, LANES), _F)
    m0s, m1s, m2s = [0] * depth, [zero] * depth, [zero] * depth
    if n:
        padded = rows[:, :n * LANES].reshape(R, n, LANES)
        if n < chunks * CHUNK:          # (the last chunk filled up with zeros, whose steps are not taken)
            padded = np.zeros((R, chunks * CHUNK, LANES), _F)
            padded[:, :n] = rows[:, :n * LANES].reshape(R, n, LANES)
        # step j's vectors of every row and chunk, contiguous
        steps = np.ascontiguousarray(padded.reshape(R, chunks, CHUNK, LANES).transpose(2, 0, 1, 3))
        last = n - (chunks - 1) * CHUNK  # the last chunk's vectors; its later steps are not taken
        # the first step from zero moments is exact in float32: fma(1, x, 0) is x + 0, and the second
        # product is zero
        m1 = steps[0] + _F(0)
        m2 = (steps[0] - m1) * steps[0] + _F(0)
        for j in range(1, CHUNK):
            x = steps[j]
            delta = x - m1
            new_m1 = fma(_STEP[j], delta, m1)
            new_m2 = fma(delta, x - new_m1, m2)
            if j >= last:
                new_m1[:, -1], new_m2[:, -1] = m1[:, -1], m2[:, -1]
            m1, m2 = new_m1, new_m2
        for i in range(chunks):
            count = min(CHUNK, n - i * CHUNK)
            m0s[0], m1s[0], m2s[0] = _merge(fma, count, m1[:, i], m2[:, i], m0s[0], m1s[0], m2s[0])
            mask, j = i + 1, 1
            while j < depth and mask & 1 == 0:
                m0s[j], m1s[j], m2s[j] = _merge(fma, m0s[j - 1], m1s[j - 1], m2s[j - 1], m0s[j], m1s[j], m2s[j])
                m0s[j - 1], m1s[j - 1], m2s[j - 1] = 0, zero, zero
                mask >>= 1
                j += 1
        for i in range(1, depth):
            m0s[0], m1s[0], m2s[0] = _merge(fma, m0s[i], m1s[i], m2s[i], m0s[0], m1s[0], m2s[0])
    count, mean, m2 = 0, np.zeros(R, _F), np.zeros(R, _F)
    for i in range(n * LANES, N):       # the values after the last whole vector, one by one
        x = rows[:, i]
        delta = x - mean
        count += 1
        mean = mean + delta / _F(count)
        m2 = m2 + delta * (x - mean)               # (not fused here)
    for lane in range(LANES):           # then the lanes, each holding n values
        total = count + n
        c = _F(0) if total == 0 else _F(n) / _F(total)
        delta = m1s[0][:, lane] - mean
        mean = fma(c, delta, mean)
        m2 = m2 + fma(delta * delta * c, _F(count), m2s[0][:, lane])
        count = total
    return mean, m2 / _F(N)


def stats(rows, eps):
    """PyTorch's float32 LayerNorm (mean, rstd) of each row of the C-contiguous (R, N) ``rows``."""
    mean, var = row_moments(rows)
    return mean, _F(1) / np.sqrt(var + _F(eps))


def forward(rows, weight, bias, eps):
    """``(y, mean, rstd, xhat)`` of PyTorch's float32 LayerNorm over the rows of (R, N) ``rows``
    (``weight``/``bias``: (N,) float32 arrays or None; not a bias without a weight)."""
    mean, rstd = stats(rows, eps)
    xhat = rows - mean[:, None]
    xhat *= rstd[:, None]
    if weight is None:                  # PyTorch adds a zero bias (so -0 comes out +0)
        y = xhat + _F(0)
    elif bias is None:
        y = xhat * weight
        y += _F(0)
    else:
        y = fma32(xhat, weight, bias)
    return y, mean, rstd, xhat
