"""PyTorch's CPU distributions as array functions of a generator (``engine`` plus the cached
Box-Muller value), vectorised: each function consumes exactly the 32-bit words PyTorch's kernel
consumes, in the same order, and rounds where it rounds.

``gen`` below is an ``ember.Generator``; results are NumPy arrays in the requested NumPy dtype.
"""
import math

import numpy as np

from ember._random import exact
from ember._random.avx_math import log_ps, sincos_ps

_M24 = np.uint64((1 << 24) - 1)
_M53 = np.uint64((1 << 53) - 1)
_TWO_PI = 2.0 * math.pi
_TWO_PI_F32 = np.float32(2.0 * math.pi)


# ------------------------------------------------------------------------------------ uniforms
def uniform01(gen, n, np_dtype, digits=24):
    """[0, 1) uniforms: float32 from one word (24 bits; 11 for float16), float64 from a
    random64 (53 bits)."""
    if np_dtype == np.float64:
        return (gen._engine.random64(n) & _M53).astype(np.float64) * 2.0 ** -53
    mask = np.uint64((1 << digits) - 1)
    return (gen._engine.words(n) & mask).astype(np.float32) * np.float32(2.0 ** -digits)


def uniform(gen, n, low, high, np_dtype, digits=24):
    """uniform_(low, high): ``u * (high - low) + low`` fused, in the tensor's dtype."""
    u = uniform01(gen, n, np_dtype, digits)
    t = np_dtype.type
    lo, hi = t(low), t(high)
    if lo == 0 and hi == 1:
        return u
    span = hi - lo
    return exact.fma64(u, span, lo) if np_dtype == np.float64 else exact.fma32(u, span, lo)


# ------------------------------------------------------------------------------------ normals
def normal_serial(gen, n, mean, std):
    """Box-Muller one value at a time (PyTorch's path for < 16 or strided elements), as float64:
    each pair of double uniforms gives ``r cos θ`` now and ``r sin θ`` for the next value, and
    that second value stays cached in the generator between calls."""
    out = np.empty(n, np.float64)
    i = 0
    if n and gen._normal_double is not None:
        out[0] = gen._normal_double
        gen._normal_double = None
        i = 1
    pairs = (n - i + 1) // 2
    if pairs:
        u = uniform01(gen, 2 * pairs, np.dtype(np.float64))
        r = np.sqrt(-2.0 * exact.log1p(-u[1::2]))
        theta = _TWO_PI * u[0::2]
        c, s = r * exact.cos(theta), r * exact.sin(theta)
        both = np.empty(2 * pairs)
        both[0::2], both[1::2] = c, s
        out[i:] = both[:n - i]
        if (n - i) % 2:
            gen._normal_double = float(s[-1])
    return _affine64(out, mean, std)


def _affine64(v, mean, std):
    if std == 1.0 and mean == 0.0:
        return v + 0.0
    return exact.fma64(v, float(std), float(mean))


def _blocks16(d, transform):
    """Apply ``transform`` to each block of 16 (first 8 pair with last 8) of a flat array."""
    full = (d.size // 16) * 16
    blocks = d[:full].reshape(-1, 16)
    first, second = transform(blocks[:, :8], blocks[:, 8:])
    blocks[:, :8], blocks[:, 8:] = first, second


def normal_block(gen, n, mean, std, np_dtype, digits=24):
    """PyTorch's vectorised normal fill (>= 16 contiguous elements): n uniforms drawn first,
    transformed in blocks of 16; a partial last block is redrawn over the last 16 slots."""
    d = uniform01(gen, n, np_dtype, digits)
    transform = _block_f64(mean, std) if np_dtype == np.float64 else _block_f32(mean, std)
    _blocks16(d, transform)
    if n % 16:
        tail = uniform01(gen, 16, np_dtype, digits)
        _blocks16(tail, transform)
        d[n - 16:] = tail
    return d


def _block_f32(mean, std):
    mean32, std32 = np.float32(mean), np.float32(std)

    def transform(a, b):
        radius = np.sqrt(np.float32(-2.0) * log_ps(np.float32(1.0) - a))
        sin, cos = sincos_ps(_TWO_PI_F32 * b)
        n1, n2 = radius * cos, radius * sin
        if std32 == 1 and mean32 == 0:
            return n1 + np.float32(0), n2 + np.float32(0)
        return exact.fma32(n1, std32, mean32), exact.fma32(n2, std32, mean32)
    return transform


def _block_f64(mean, std):
    def transform(a, b):
        radius = np.sqrt(-2.0 * exact.log(1.0 - a))
        theta = _TWO_PI * b
        return _affine64(radius * exact.cos(theta), mean, std), _affine64(radius * exact.sin(theta), mean, std)
    return transform


def normal(gen, n, mean, std, np_dtype, contiguous=True, digits=24):
    """normal_(mean, std) of n elements of a float32/float64 tensor (``digits`` 11: float16
    uniforms, whose block transform PyTorch does in half precision; ember does it in float32)."""
    if n >= 16 and contiguous:
        return normal_block(gen, n, mean, std, np_dtype, digits)
    return normal_serial(gen, n, mean, std).astype(np_dtype)


# ------------------------------------------------------------------------------------ integers
def random_from_to(gen, n, low, span, wide):
    """``w % span + low`` as int64; ``wide`` (span >= 2**32 on 64-bit-capable dtypes) uses random64."""
    w = gen._engine.random64(n) if wide else gen._engine.words(n)
    return (w % np.uint64(span)).astype(np.int64) + np.int64(low)


def random_full_64(gen, n):
    """random_(-2**63, None): a random64 reinterpreted as int64."""
    return gen._engine.random64(n).view(np.int64)


def random_default(gen, n, kind):
    """random_() without bounds. ``kind`` is (uses random64, modulus or None for bool)."""
    wide, modulus = kind
    w = gen._engine.random64(n) if wide else gen._engine.words(n)
    if modulus is None:
        return (w & np.uint64(1)).astype(np.int64)
    return (w % np.uint64(modulus)).astype(np.int64)


def randperm(gen, n):
    """PyTorch's randperm for n < 2**32 / 20: start from 0..n-1 and for i = 0..n-2 swap r[i]
    with r[i + w_i % (n - i)].  Vectorised by resolving, for every position, which earlier swap
    last wrote it (a chain followed by pointer jumping) instead of swapping one by one."""
    if n <= 1:
        return np.arange(n, dtype=np.int64)
    steps = n - 1
    i = np.arange(steps, dtype=np.int64)
    t = i + (gen._engine.words(steps) % (np.uint64(n) - i.astype(np.uint64))).astype(np.int64)
    # group the swaps by target position, in step order: key = target * n + step (unique)
    keys = np.sort(t * n + i)
    st, si = keys // n, keys % n
    same = st[1:] == st[:-1]
    prev = np.full(steps, -1, np.int64)          # the previous step with the same target
    prev[si[1:][same]] = si[:-1][same]
    ends = np.append(~same, True)
    writer = np.full(n, -1, np.int64)            # the last step whose target is each position
    writer[st[ends]] = si[ends]
    noop = t == i                                # a step swapping with itself: use the one before
    writer[i[noop]] = prev[noop]
    # value at position j just before step j: follow writer links down to a position never written
    root = np.where(writer >= 0, writer, np.arange(n))
    while True:
        nxt = root[root]
        if np.array_equal(nxt, root):
            break
        root = nxt
    out = np.empty(n, np.int64)
    out[:steps] = np.where(prev >= 0, root[np.maximum(prev, 0)], t)
    out[steps] = root[steps]
    return out


# ------------------------------------------------------------------------------------ others
def bernoulli_scalar(gen, n, p):
    """bernoulli_(p) for a Python number p: one double uniform per element."""
    return uniform01(gen, n, np.dtype(np.float64)) < p


def bernoulli_tensor(gen, p):
    """bernoulli with per-element probabilities: float64 p compares a double uniform, other
    float dtypes a 24-bit float uniform."""
    flat = p.ravel()
    if p.dtype == np.float64:
        u = uniform01(gen, flat.size, np.dtype(np.float64))
    else:
        u = uniform01(gen, flat.size, np.dtype(np.float32))
        flat = flat.astype(np.float32)
    return (u < flat).reshape(p.shape)


def exponential(gen, n, lambd):
    """``-1/λ · log(1 - u)`` in double with the C library's log1p."""
    u = uniform01(gen, n, np.dtype(np.float64))
    return (-1.0 / lambd) * exact.log1p(-u)


def geometric(gen, n, p):
    u = uniform01(gen, n, np.dtype(np.float64))
    return np.ceil(exact.log(u) / math.log(1.0 - p))


def cauchy(gen, n, median, sigma):
    u = uniform01(gen, n, np.dtype(np.float64))
    return exact.fma64(exact.tan(math.pi * (u - 0.5)), sigma, median)


def log_normal(gen, n, mean, std):
    return exact.exp(normal_serial(gen, n, mean, std))


def multinomial_with_replacement(gen, rows, num_samples):
    """Per row: a running sum in the input dtype, divided by the total, the last entry 1; then a
    lower-bound search of one double uniform per sample."""
    out = np.empty((rows.shape[0], num_samples), np.int64)
    for r, row in enumerate(rows):     # NOTE: rows, not elements; each row has its own CDF
        cum = np.cumsum(row, dtype=row.dtype)
        cum = cum / cum[-1]
        cum[-1] = 1
        u = uniform01(gen, num_samples, np.dtype(np.float64))
        out[r] = np.searchsorted(cum.astype(np.float64), u, side='left')
    return out
