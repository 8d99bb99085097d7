"""PyTorch's CPU distributions as array functions of a generator (``engine`` plus the cached
Box-Muller value), vectorised: each function consumes exactly the 32-bit words PyTorch's kernel
consumes, in the same order, and rounds where it rounds.

``gen`` below is an ``ember.Generator``; results are NumPy arrays in the requested NumPy dtype.
"""
import math

import numpy as np

from ember._random import exact, swap_shuffle
from ember.backend import _numpy_blas
from ember._random.libm_log1p import log1p_neg
from ember._random.avx_math import NormalKernel32

_M24 = np.uint32((1 << 24) - 1)
_M53 = np.uint64((1 << 53) - 1)
_TWO_PI = 2.0 * math.pi
_STREAM_WORDS = 1 << 17   # words drawn at a time by the paths that write a run at a time


# ------------------------------------------------------------------------------------ uniforms
def uniform01(gen, n, np_dtype):
    """[0, 1) uniforms: float32 from one word (24 bits), float64 from a random64 (53 bits).
    The integers become floats in their own memory (exactly: they have at most 24 or 53 bits):
    a fresh array of that size would cost more than the conversion."""
    if np_dtype == np.float64:
        w = gen._engine.random64(n)
        w &= _M53
        u = w.view(np.float64)
        u[...] = w.view(np.int64)
        u *= 2.0 ** -53
        return u
    w = gen._engine.words32(n)
    w &= _M24
    u = w.view(np.float32)
    u[...] = w.view(np.int32)
    u *= np.float32(2.0 ** -24)
    return u


def uniform(gen, n, low, high, np_dtype, out=None):
    """uniform_(low, high) of n elements of ``np_dtype``: ``fma(u, high - low, low)`` computed in
    float64 for float64 and in float32 otherwise (then rounded to float16/bfloat16), and a value
    that rounds to ``high`` replaced by ``low`` (PyTorch keeps the range half-open that way).
    Written into ``out`` (flat, of ``np_dtype``) when given, a cache-sized run at a time."""
    out = np.empty(n, np_dtype) if out is None else out
    wide = np_dtype == np.float64
    t = np.float64 if wide else np.float32
    lo, hi = t(low), t(high)
    span = hi - lo
    bits = 53 if wide else 24
    m = _grid_offset(float(lo), float(span), bits, float(np.finfo(t).tiny))
    step = t(float(span) * 2.0 ** -bits)
    # (``step`` must be span·2**-24 exactly: not so below float32's normal range)
    in_double = (not wide and m is None and float(step) == float(span) * 2.0 ** -bits
                 and _sums_exact_in_double(float(lo), float(step), bits))
    # PyTorch compares with the bounds cast to the tensor's dtype (through float32 if narrower)
    to_value = np_dtype.type(hi) if wide else np_dtype.type(np.float32(high))
    from_value = np_dtype.type(lo) if wide else np_dtype.type(np.float32(low))
    # the values grow with the uniform: when the largest uniform's stays below the bound (the
    # usual case in float32 and float64), no value can reach it and the comparison is skipped
    u_max = np.array([1.0 - 2.0 ** -bits], t)
    fma = exact.fma64 if wide else exact.fma32
    may_reach = not fma(u_max, span, lo).astype(np_dtype)[0] < to_value
    for start in range(0, n, _STREAM_WORDS):
        dst = out[start:start + _STREAM_WORDS]
        k = dst.size
        if m is not None:
            _grid_uniform(gen, k, m, step, wide, dst)
        elif in_double:
            _double_uniform(gen, k, float(lo), float(step), dst)
        elif lo == 0 and hi == 1:
            dst[...] = uniform01(gen, k, np.dtype(t))
        elif wide:
            dst[...] = exact.fma64(uniform01(gen, k, np.dtype(np.float64)), span, lo)
        else:
            dst[...] = exact.fma32(uniform01(gen, k, np.dtype(np.float32)), span, lo)
        if may_reach:
            clamp = dst == to_value
            if clamp.any():
                dst[clamp] = from_value
    return out


def _grid_offset(lo, span, bits, tiny):
    """The integer m with ``lo == -m · span · 2**-bits`` and ``|m| <= 2**bits``, or None.  Then
    ``u · span + lo = (r - m) · step`` for a uniform's integer r and ``step = span · 2**-bits``:
    a product of two exactly representable numbers, which a plain multiply rounds once, as the
    fused multiply-add does.  Ranges -b..b (the initialisers') and 0..b are such ranges."""
    step = span * 2.0 ** -bits
    if not (step >= tiny and math.isfinite(lo)):
        return None
    q = -lo / step
    if not (q.is_integer() and abs(q) <= 2 ** bits):
        return None
    m = int(q)
    from fractions import Fraction     # (here: importing it costs milliseconds at ``import ember``)
    return m if Fraction(lo) == -m * Fraction(step) else None


def _sums_exact_in_double(lo, step, bits):
    """Whether ``r · step + lo`` is exactly a double for every integer r below ``2**bits``: all
    those values are multiples of the smaller of the two numbers' lowest set bits, and they fit
    when the largest of them is below 2**53 such units.  Then a float32 ``fma(u, span, lo)``
    (``u = r·2**-24``, ``step = span·2**-24``) is the double sum rounded once to float32."""
    if not (math.isfinite(lo) and math.isfinite(step) and step > 0):
        return False
    unit = min(_lowest_bit(step), _lowest_bit(lo) if lo else math.inf)
    from fractions import Fraction
    largest = max(abs(Fraction(lo)), abs(Fraction(lo) + (2 ** bits - 1) * Fraction(step)))
    return largest < Fraction(unit) * 2 ** 53


def _lowest_bit(x):
    """The value of the lowest set bit of the finite, nonzero float ``x``."""
    num, den = abs(x).as_integer_ratio()
    return (num & -num) / den


def _double_uniform(gen, k, lo, step, dst):
    """``dst = fma(u, span, lo)`` for k fresh float32 uniforms when ``_sums_exact_in_double``:
    the double sum ``r·step + lo`` rounded once to float32 (then to ``dst``'s dtype, as PyTorch
    rounds a float16 or bfloat16 value from its float32 result)."""
    r = gen._engine.words32(k)
    r &= _M24
    v = r.astype(np.float64)     # exact (24 bits)
    v *= step                    # exact: 24-bit times 24-bit
    v += lo                      # exact by the caller's check
    if dst.dtype == np.float32:
        dst[...] = v
    else:
        dst[...] = v.astype(np.float32)


def _grid_uniform(gen, k, m, step, wide, dst):
    """``dst = (r - m) · step`` for the integers r of k fresh uniforms (see ``_grid_offset``)."""
    if wide:
        r = gen._engine.random64(k)
        r &= _M53
        ir = r.view(np.int64)
        ir -= np.int64(m)
        v = ir.view(np.float64)
    else:
        r = gen._engine.words32(k)
        r &= _M24
        ir = r.view(np.int32)
        ir -= np.int32(m)
        v = ir.view(np.float32)
    v[...] = ir                  # exact: |r - m| <= 2**bits
    if dst.dtype == v.dtype:
        np.multiply(v, step, out=dst)
    else:
        v *= step
        dst[...] = v


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
        r = np.sqrt(-2.0 * log1p_neg(u[1::2]))
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


_CHUNK_BLOCKS = 2048   # blocks transformed per pass: the temporaries stay in cache
# the float32 kernel's chunk: more blocks share its ~100 NumPy calls' fixed costs, fewer keep the
# 44 bytes an element its passes touch in cache (4096 measured 2-5% faster than 2048, 3072 and
# 8192, as fast as 3584 and 5120)
_CHUNK_BLOCKS32 = 4096


def _blocks16(d, pairs):
    """Box-Muller on each block of 16 of a flat array (its first 8 pair with its last 8):
    ``pairs(a, b, first, second)`` writes the two halves' normals from their uniforms, run on
    contiguous copies of the halves a cache-sized run of blocks at a time."""
    blocks = d.size // 16
    chunk = max(1, min(blocks, _CHUNK_BLOCKS))
    halves = _Halves(chunk, d.dtype)
    for start in range(0, blocks, chunk):
        part = d[start * 16:min(start + chunk, blocks) * 16]
        a, b = halves.split(part)
        pairs(a, b, a, b)
        _Halves.join(a, b, part)


class _Halves:
    """Blocks of 16 numbers split into their first and last 8 (contiguous buffers), and joined
    back: NumPy on the (blocks, 8) strided views loops 8 elements at a time, which made the
    arithmetic on them several times slower than on contiguous arrays.  The copies are BLAS's
    row copy where NumPy's BLAS has one (a half of a block is a row of 8-byte items), else NumPy's
    copy of items of a half's size (one copy call per item: about 1.5 times the time)."""

    def __init__(self, blocks, dtype):
        self.first = np.empty(blocks * 8, dtype)
        self.second = np.empty(blocks * 8, dtype)
        self.item = f'V{8 * np.dtype(dtype).itemsize}'

    def split(self, src):
        k = src.size // 2
        first, second = self.first[:k], self.second[:k]
        cols = src.itemsize           # 8-byte items in a half of a block
        if not (_numpy_blas.copy_rows(src, first, k // 8, cols, 2 * cols, cols)
                and _numpy_blas.copy_rows(src[8:], second, k // 8, cols, 2 * cols, cols)):
            items = src.view(self.item)
            np.copyto(first.view(self.item), items[0::2])
            np.copyto(second.view(self.item), items[1::2])
        return first, second

    @staticmethod
    def join(first, second, dst):
        cols = dst.itemsize
        if (_numpy_blas.copy_rows(first, dst, first.size // 8, cols, cols, 2 * cols)
                and _numpy_blas.copy_rows(second, dst[8:], second.size // 8, cols, cols, 2 * cols)):
            return
        item = f'V{8 * dst.dtype.itemsize}'
        items = dst.view(item)
        np.copyto(items[0::2], first.view(item))
        np.copyto(items[1::2], second.view(item))


class _NormalBlocks32:
    """The float32 kernel on runs of blocks of 16 words, with its buffers allocated once: a
    block's first 8 words give the radii, its last 8 the angles.  A run of words (up to the
    words drawn at a time) is split into its halves in one copy each; the kernel goes over it a
    cache-sized chunk at a time, each chunk's normals scaled and joined back while in cache."""

    def __init__(self, blocks):
        self.run = max(1, min(blocks, _STREAM_WORDS // 16))
        self.chunk = min(self.run, _CHUNK_BLOCKS32) * 8
        self.kernel = NormalKernel32(self.chunk)
        self.halves = _Halves(self.run, np.uint32)
        # a chunk's cosine and sine normals side by side, so that the affine step is one call
        self.both = np.empty(2 * self.chunk, np.float32)
        self._fused = None      # buffers of the general fma(v, std, mean), made on first use

    def __call__(self, words, out, mean, std):
        """Normals of every block of ``words`` (uint32, a multiple of 16 of them) into ``out``."""
        blocks = words.size // 16
        plain = (mean == 0 and _product_stays_normal(std)) or _scales_exactly(std)
        # only a plain multiply by a nonzero std with nothing added keeps a zero sample's sign
        zeros_matter = plain and mean == 0 and std != 0
        for start in range(0, blocks, self.run):
            stop = min(start + self.run, blocks)
            wa, wb = self.halves.split(words[start * 16:stop * 16])
            at = start * 16
            for i in range(0, wa.size, self.chunk):
                j = min(i + self.chunk, wa.size)
                k = j - i
                both = self.both[:2 * k]
                zero_radius = self.kernel.pairs(wa[i:j], wb[i:j], both[:k], both[k:], zeros_matter)
                if plain:
                    _affine32_plain(both, mean, std, zero_radius)
                else:
                    both = self._affine32_fused(both, mean, std)
                _Halves.join(both[:k], both[k:], out[at + 2 * i:at + 2 * j])

    def _affine32_fused(self, v, mean, std):
        if self._fused is None:
            self._fused = (np.empty(self.both.size, np.float32), np.empty(self.both.size))
        results, work = self._fused
        return exact.fma32_into(v, std, mean, results[:v.size], work[:v.size])


def _affine32_plain(v, mean, std, zero_radius=True):
    """``v = fma(v, std, mean)`` in float32, in place, where the product is exact in float32 or
    rounded as the fused operation rounds it: with a zero mean (and a std that keeps the products
    normal) the float32 multiply rounds the product once, as the fused operation does; adding the
    zero then gives an exact zero product the sign the fused sum would.  A
    std of zero or a power of two from 1 to 2**100 makes the float32 product exact (the samples
    are below 6 in magnitude), so a float32 multiply and add round once as the fused operation
    does.  A zero mean is added only where a product can be zero: a nonzero std keeps the
    kernel's nonzero samples nonzero, and its only zero samples come from a zero radius
    (``zero_radius``, which the kernel reports)."""
    if std != 1:
        v *= std
    if mean != 0 or std == 0 or zero_radius:
        v += mean


# the smallest nonzero magnitude the kernel gives is above 2**-38 (its smallest nonzero radius,
# 2**-11.5, times its smallest nonzero sine or cosine, 2**-26.3, over all 2**24 inputs of each)
_SMALLEST_STD_KEEPING_NORMAL = 2.0 ** -80


def _product_stays_normal(std):
    """Whether every nonzero sample times ``std`` stays a normal float32 (or ``std`` is zero): then
    the float32 product is the fused operation's rounding of it, and a zero product is an exact
    zero.  Below, a product can underflow to a zero whose sign the fused sum keeps."""
    s = abs(float(std))
    return s == 0 or s >= _SMALLEST_STD_KEEPING_NORMAL


def _scales_exactly(std):
    mantissa, exponent = math.frexp(abs(float(std)))
    return mantissa in (0.0, 0.5) and (mantissa == 0.0 or 1 <= exponent <= 101)


def _normal_block32(gen, n, mean, std, padded_tail, out):
    """PyTorch's float32 block path, a cache-sized run of blocks at a time: the words of a run
    of blocks are the ones PyTorch draws for them, since it draws all n uniforms in order."""
    mean32, std32 = np.float32(mean), np.float32(std)
    full = (n // 16) * 16
    blocks = _NormalBlocks32(full // 16)
    for start in range(0, full, _STREAM_WORDS):
        stop = min(start + _STREAM_WORDS, full)
        blocks(gen._engine.words32(stop - start), out[start:stop], mean32, std32)
    rest = n % 16
    if rest:
        tail = gen._engine.words32(rest)   # the partial block's own uniforms, drawn before the redraw
        fresh = gen._engine.words32(16 - rest if padded_tail else 16)
        last = np.empty(16, np.float32)
        blocks(np.concatenate([tail, fresh]) if padded_tail else fresh, last, mean32, std32)
        out[n - 16:] = last
    return out


def normal_block(gen, n, mean, std, np_dtype, padded_tail=False, out=None):
    """PyTorch's vectorised normal fill (>= 16 contiguous elements): n uniforms drawn first,
    transformed in blocks of 16; a partial last block is redrawn over the last 16 slots.
    ``padded_tail`` (float16 and bfloat16 tensors): the last block is instead the leftover
    uniforms topped up to 16 with fresh ones, written over the last 16 slots."""
    if np_dtype != np.float64:
        return _normal_block32(gen, n, mean, std, padded_tail, np.empty(n, np.float32) if out is None else out)
    d = uniform01(gen, n, np_dtype)
    _blocks16(d, _pairs64)
    rest = n % 16
    if rest:
        tail = uniform01(gen, 16 - rest if padded_tail else 16, np_dtype)
        if padded_tail:
            tail = np.concatenate([d[n - rest:], tail])
        _blocks16(tail, _pairs64)
        d[n - 16:] = tail
    return _affine64(d, mean, std)


def _pairs64(a, b, first, second):
    radius = np.sqrt(-2.0 * exact.log(1.0 - a))
    theta = _TWO_PI * b
    first[...], second[...] = radius * exact.cos(theta), radius * exact.sin(theta)


def normal(gen, n, mean, std, np_dtype, contiguous=True, out=None):
    """normal_(mean, std) of n elements of a float32/float64 tensor (into ``out`` when given)."""
    if n >= 16 and contiguous:
        if np_dtype == np.float32:
            return _normal_block32(gen, n, mean, std, False, np.empty(n, np.float32) if out is None else out)
        vals = normal_block(gen, n, mean, std, np_dtype)
    else:
        vals = normal_serial(gen, n, mean, std).astype(np_dtype)
    if out is None:
        return vals
    out[...] = vals
    return out


# ------------------------------------------------------------------------------------ integers
def _mod32(w, m):
    """``w % m`` for 32-bit words (uint32) and a modulus below 2**32, as int64.
    NOTE: NumPy divides uint32 by a scalar several times faster than uint64."""
    m32 = np.uint32(m) if np.isscalar(m) else m.astype(np.uint32)
    return (w % m32).astype(np.int64)


def random_from_to(gen, n, low, span, wide):
    """``w % span + low`` as int64; ``wide`` draws a random64 per number instead of one word."""
    if wide:
        return (gen._engine.random64(n) % np.uint64(span)).astype(np.int64) + np.int64(low)
    out = np.empty(n, np.int64)
    np.remainder(gen._engine.words32(n), np.uint32(span), out=out, casting='unsafe')
    out += low
    return out


def random_full_64(gen, n):
    """random_(-2**63, None): a random64 reinterpreted as int64."""
    return gen._engine.random64(n).view(np.int64)


def random_int64(gen):
    """One ``empty((), int64).random_()`` draw: a random64 modulo 2**63 (PyTorch's way of
    seeding one generator from another)."""
    return int(gen._engine.random64(1)[0] % np.uint64(1 << 63))


def random_default(gen, n, kind):
    """random_() without bounds. ``kind`` is (uses random64, modulus or None for bool)."""
    wide, modulus = kind
    w = gen._engine.random64(n) if wide else gen._engine.words32(n)
    if modulus is None:
        return (w & np.uint64(1)).astype(np.int64)
    if not wide:
        return _mod32(w, modulus)
    return (w % np.uint64(modulus)).astype(np.int64)


def _sorted_by_target(t, n):
    """Steps sorted by (target, step): their targets, their step numbers, and whether each
    sorted entry has the same target as the one before it."""
    steps = np.arange(t.size, dtype=np.int64)
    shift = int(n).bit_length()
    if 2 * shift < 63:   # key = target, step packed in one int64 (unique; sorts by target, then step)
        keys = np.sort((t << shift) | steps)
        st, si = keys >> shift, keys & ((1 << shift) - 1)
    else:
        keys = np.sort(t * n + steps)
        st, si = keys // n, keys % n
    return st, si, st[1:] == st[:-1]


def _group_by_target(t, n):
    """For steps 0..len(t)-1 with targets t (< n): each step's previous step with the same target
    (-1 if none) and each position's last step targeting it (-1 if none)."""
    st, si, same = _sorted_by_target(t, n)
    prev = np.full(t.size, -1, np.int64)
    prev[si[1:][same]] = si[:-1][same]
    ends = np.append(~same, True)
    last = np.full(n, -1, np.int64)
    last[st[ends]] = si[ends]
    return prev, last


_RANDPERM_EXACT = tuple(np.dtype(d) for d in (np.int64, np.int32, np.float32, np.float64))


def randperm(gen, n, np_dtype=np.int64):
    """PyTorch's randperm for n < 2**32 / 20 (the swap loop over n - 1 words; n = 0, 1 draw
    nothing): ``swap_shuffle.randperm``, as ``np_dtype`` where that holds 0..n-1 exactly (the
    caller checks), else as int64."""
    np_dtype = np.dtype(np_dtype) if np.dtype(np_dtype) in _RANDPERM_EXACT else np.dtype(np.int64)
    if n <= 1:
        return np.arange(n, dtype=np_dtype)
    return swap_shuffle.randperm(gen._engine.words32(n - 1), n, np_dtype)


def randperm_large(gen, n):
    """PyTorch's randperm from n = 2**32 / 20 on: the inside-out shuffle with 64-bit numbers,
    for i = 0..n-1: z = r64 % (i + 1); r[i] = r[z]; r[z] = i.  Vectorised like ``randperm``:
    a position keeps the last step that targeted it, else what its own step copied."""
    i = np.arange(n, dtype=np.int64)
    z = (gen._engine.random64(n) % (i.astype(np.uint64) + np.uint64(1))).astype(np.int64)
    prev, last = _group_by_target(z, n)
    # W(p): what step p leaves at p; fixed when z_p == p or an earlier step wrote z_p after z_p's own
    value = np.where((z == i) | (prev >= 0), np.where(prev >= 0, prev, i), -1)
    value[z == i] = i[z == i]
    written = swap_shuffle.follow(z.copy(), value)
    return np.where(last >= 0, last, written)


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
    return (-1.0 / lambd) * log1p_neg(u)


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


def multinomial_without_replacement(gen, rows, num_samples):
    """Per row, the ``num_samples`` largest keys ``p / q`` with ``q`` exponential(1) draws in the
    input dtype (PyTorch's argmax or topk), largest first."""
    q = exponential(gen, rows.size, 1.0).astype(rows.dtype).reshape(rows.shape)
    return largest_first(rows / q, num_samples)


def largest_first(keys, k):
    """Indices of the ``k`` largest entries of each row, largest first, the lowest index first
    among equal keys (as PyTorch's argmax and topk on the CPU).  A partial selection finds them
    unless a row's k-th largest key is shared by another entry or a key is NaN; those rows (rare
    with continuous keys) are sorted whole."""
    neg = -keys
    n = keys.shape[1]
    if k >= n // 4 or np.isnan(neg).any():
        return np.argsort(neg, axis=1, kind='stable')[:, :k]
    part = np.argpartition(neg, k - 1, axis=1)[:, :k]
    part.sort(axis=1)                                   # ascending index: the stable tie order
    picked = np.take_along_axis(neg, part, axis=1)
    out = np.take_along_axis(part, np.argsort(picked, axis=1, kind='stable'), axis=1)
    kth = picked.max(axis=1, keepdims=True)
    tied = np.flatnonzero((neg == kth).sum(axis=1) > 1)
    if tied.size:
        out[tied] = np.argsort(neg[tied], axis=1, kind='stable')[:, :k]
    return out
