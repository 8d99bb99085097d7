"""PyTorch's rejection samplers (gamma, which Dirichlet draws through, and Poisson), drawing exactly
PyTorch's CPU stream.

PyTorch runs these one element at a time: each element consumes as many double uniforms and
normals as its accept/reject loop needs, so element ``i``'s draws depend on how many words every
earlier element took. The loops stay element by element here, over C-library maths (``math.log``,
``math.sqrt``, ``math.pow``... call the C library, as PyTorch's kernels do); what does not depend
on the stream position is vectorised: the uniforms are computed a block at a time with NumPy and
the per-element constants (gamma's d and c, Poisson's logarithms) as arrays. Afterwards the
generator is left exactly as far along as PyTorch's would be. Float32 parameters are rounded where
PyTorch's ``float`` arithmetic rounds.
"""
import functools
import math

import numpy as np

from ember._random import by_position, exact, gamma_by_position

_M53 = (1 << 53) - 1
_TWO_PI = 2.0 * math.pi
_F32_THIRD = float(np.float32(1.0) / np.float32(3.0))    # 1.0f / 3.0f
_F32_0331 = float(np.float32(0.0331))                    # the float literal 0.0331f, widened

@functools.cache
def _c_lgamma():
    """The C library's ``lgamma`` (Python's math.lgamma is its own code; PyTorch calls the C library's),
    looked up on first use: finding the library costs milliseconds that ``import ember`` should not pay."""
    import ctypes
    import ctypes.util
    try:
        libm = ctypes.CDLL(ctypes.util.find_library('m'))
        libm.lgamma.restype, libm.lgamma.argtypes = ctypes.c_double, (ctypes.c_double,)
        return libm.lgamma
    except (OSError, AttributeError, TypeError):            # no C maths library: the nearest we have
        return math.lgamma


class _Draws:
    """Double uniforms as PyTorch's ``uniform_real_distribution<double>`` draws them, one at a time
    from a block-computed :class:`_Stream`; :meth:`close` advances the generator by what was used."""

    def __init__(self, gen, n=4096):
        self._stream = _Stream(gen, n)
        self._u = self._stream.u
        self.pos = 0

    def uniform(self):
        if self.pos >= len(self._u):
            self._stream.grow(len(self._u))
        self.pos += 1
        return self._u[self.pos - 1]

    def close(self):
        """Leave the generator where PyTorch's would be: the words used, no more."""
        self._stream.close(self.pos, self._stream.cached_normal)


class _Stream:
    """The generator's double uniforms (two words each, as PyTorch's
    ``uniform_real_distribution<double>``), computed a block at a time with NumPy so that a
    sampler's loop only looks them up; ``grow`` appends another block, :meth:`close` leaves the
    generator ``used`` uniforms along with the given cached normal."""

    def __init__(self, gen, n):
        self._gen = gen
        self._bits = gen._engine._bits
        self._saved = self._bits.state
        self.cached_normal = gen._normal_double
        self.u = []
        self.grow(n)

    def grow(self, n):
        words = self._bits.random_raw(2 * max(n, 64))
        fresh = ((words[0::2] << np.uint64(32)) | words[1::2]) & np.uint64(_M53)
        self.u += (fresh.astype(np.float64) * 2.0 ** -53).tolist()

    def close(self, used, cached_normal):
        self._bits.state = self._saved
        if used:
            self._bits.random_raw(2 * used)
        self._gen._normal_double = cached_normal


def _gamma_constants(alpha, np_dtype):
    """Per element, what PyTorch's ``sample_gamma`` derives from alpha before drawing, in the
    parameter's precision: whether it is boosted (alpha < 1), 1/alpha, d = alpha' - 1/3 and
    c = 1/sqrt(9 d)."""
    dt = np.dtype(np_dtype).type
    boost = alpha < 1
    with np.errstate(divide='ignore', invalid='ignore'):
        inv = (dt(1.0) / alpha).astype(np.float64)
        d = (np.where(boost, alpha + dt(1.0), alpha) - dt(_F32_THIRD)).astype(np.float64)
        c = 1.0 / np.sqrt(9.0 * d)
    return boost.tolist(), inv.tolist(), d.tolist(), c.tolist()


def _gammas(alpha, np_dtype, stream, cached):
    """Marsaglia and Tsang's rejection for every element in turn, as PyTorch's ``sample_gamma``
    (alpha below 1 boosted by one more uniform).  Returns (draws, uniforms used, cached normal)."""
    boost, inv, ds, cs = _gamma_constants(alpha, np_dtype)
    flat = alpha.tolist()
    u = stream.u
    sqrt, log1p, cos, sin = math.sqrt, math.log1p, math.cos, math.sin
    out = [0.0] * len(flat)
    pos = 0
    for i, a in enumerate(flat):
        if len(u) < pos + 4:
            stream.grow(len(flat) - i + 64)
        scale = 1.0
        if boost[i]:
            if a == 0.0:
                continue
            scale = math.pow(1.0 - u[pos], inv[i])
            pos += 1
        d, c = ds[i], cs[i]
        while True:
            while True:
                if cached is not None:
                    x, cached = cached, None
                else:               # a fresh Box-Muller pair; its second value is kept
                    if len(u) < pos + 3:
                        stream.grow(len(flat) - i + 64)
                    radius = sqrt(-2.0 * log1p(-u[pos + 1]))
                    theta = _TWO_PI * u[pos]
                    x, cached = radius * cos(theta), radius * sin(theta)
                    pos += 2
                y = 1.0 + c * x
                if y > 0:
                    break
            v = y * y * y
            w = 1.0 - u[pos]
            pos += 1
            xx = x * x
            if w < 1.0 - _F32_0331 * xx * xx or \
                    math.log(w) < 0.5 * xx + d * (1.0 - v + math.log(v)):
                out[i] = scale * d * v
                break
    return out, pos, cached


def standard_gamma(gen, alpha, np_dtype):
    """Gamma(alpha, 1) for every element of the float array ``alpha`` (C order), as PyTorch's CPU
    ``_standard_gamma``: each draw in the parameter's precision, at least the dtype's tiny."""
    flat = np.asarray(alpha, dtype=np_dtype).ravel()
    k = gamma_by_position.period(flat)
    if k is not None:       # one shape, or a few repeating ones (Dirichlet, Beta): by stream position
        out = gamma_by_position.standard_gamma(gen, flat, k, np_dtype).astype(np_dtype)
        np.maximum(out, np.finfo(np_dtype).tiny, out=out)
        return out.reshape(np.shape(alpha))
    stream = _Stream(gen, int(flat.size * (2.2 + np.mean(flat < 1))) if flat.size else 0)
    used, cached = 0, gen._normal_double
    try:
        out, used, cached = _gammas(flat, np_dtype, stream, cached)
    finally:
        stream.close(used, cached)
    out = np.array(out, dtype=np.float64).astype(np_dtype)
    np.maximum(out, np.finfo(np_dtype).tiny, out=out)
    return out.reshape(np.shape(alpha))


def _poisson_constants(lam):
    """What PyTorch's ``sample_poisson`` derives from each rate before drawing (C library
    ``log``/``exp``; the same double operations as its scalar code), computed once per distinct
    rate: for the transformed rejection log(lam), b, a, log(1/alpha) and v_r; for small rates
    exp(-lam).  Yields one tuple per element."""
    rates, where = np.unique(lam, return_inverse=True)
    with np.errstate(divide='ignore', invalid='ignore', over='ignore'):
        b = 0.931 + 2.53 * np.sqrt(rates)
        a = -0.059 + 0.02483 * b
        log_invalpha = exact.log(1.1239 + 1.1328 / (b - 3.4))
        vr = 0.9277 - 3.6224 / (b - 2)
        loglam = exact.log(np.maximum(rates, 10.0))
        enlam = exact.exp(-np.minimum(rates, 10.0))
    table = list(zip(*(v.tolist() for v in (rates, loglam, b, a, log_invalpha, vr, enlam))))
    return map(table.__getitem__, where.reshape(-1).tolist())


def _poissons(lam, stream):
    """PyTorch's ``sample_poisson`` for every rate in turn: Hoermann's transformed rejection for
    rates of 10 and more, multiplication of uniforms below.  Returns (counts, uniforms used)."""
    u = stream.u
    lgamma = _c_lgamma()
    log = math.log
    out = [0] * lam.size
    pos = 0
    for i, (rate, loglam, b, a, log_invalpha, vr, enlam) in enumerate(_poisson_constants(lam)):
        if rate >= 10:
            while True:
                if len(u) < pos + 2:
                    stream.grow(2 * (lam.size - i) + 64)
                us = u[pos] - 0.5
                v = u[pos + 1]
                pos += 2
                s = 0.5 - abs(us)
                if s == 0.0:        # C's division gives -inf here, and the draw is rejected
                    continue
                k = math.floor((2 * a / s + b) * us + rate + 0.43)
                if s >= 0.07 and v <= vr:
                    break
                if k < 0 or (s < 0.013 and v > s):
                    continue
                if v == 0.0:        # log(0) = -inf in C: accepted
                    break
                if (log(v) + log_invalpha - log(a / (s * s) + b)) <= (-rate + k * loglam - lgamma(k + 1.0)):
                    break
            out[i] = k
        elif rate != 0:             # NaN rates draw one uniform and give 0, as PyTorch's loop
            count, prod = 0, 1.0
            while True:
                if pos >= len(u):
                    stream.grow(lam.size - i + 64)
                prod *= u[pos]
                pos += 1
                if prod > enlam:
                    count += 1
                else:
                    break
            out[i] = count
    return out, pos


def poisson(gen, rates):
    """Poisson counts for every element of ``rates`` (C order), as float64."""
    flat = np.asarray(rates, dtype=np.float64).ravel()
    if flat.size >= 32 and np.unique(flat).size <= by_position.MAX_DISTINCT:
        return by_position.poisson(gen, flat, _c_lgamma()).reshape(np.shape(rates))
    # about lambda + 1 uniforms per small rate, 2.3 per large one
    stream = _Stream(gen, int(np.where(flat < 10, flat + 1.1, 2.3).sum()) + 64)
    used = 0
    try:
        out, used = _poissons(flat, stream)
    finally:
        stream.close(used, stream.cached_normal)
    return np.array(out, dtype=np.float64).reshape(np.shape(rates))
