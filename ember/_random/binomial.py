"""PyTorch's CPU binomial sampler, drawing exactly PyTorch's stream: BTRS (Hormann's transformed
rejection with squeeze) when ``count * min(p, 1 - p) >= 10``, inversion by geometric waiting times
below, one element at a time in C order. Float32 parameters round where PyTorch's ``float``
arithmetic rounds; the sampler's own arithmetic is double."""
import math
import struct

import numpy as np

from ember._random import by_position, exact
from ember._random.serial import _Draws

_TAIL = (0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509, 0.0166446911898211,
         0.0138761288230707, 0.0118967099458917, 0.0104112652619720, 0.00925546218271273, 0.00833056343336287)


def _stirling_tail(k):
    """log(k!) minus its Stirling approximation."""
    if k <= 9:
        return _TAIL[int(k)]
    kp1sq = (k + 1) * (k + 1)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)


def _inversion(count, prob, draws, rnd):
    logprob = rnd(math.log1p(-prob))
    geom_sum, num = 0.0, 0
    while True:
        u = draws.uniform()
        geom_sum += math.ceil(math.log(u) / logprob) if u > 0 else math.inf
        if geom_sum > count:
            return num
        num += 1


def _btrs_constants(count, prob, rnd):
    """What BTRS derives from (count, prob) before drawing: b, a, c, v_r, r, alpha and the mode m."""
    stddev = rnd(math.sqrt(rnd(rnd(count * prob) * rnd(1 - prob))))
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * prob
    c = rnd(count * prob) + 0.5
    v_r = 0.92 - 4.2 / b
    r = rnd(prob / rnd(1 - prob))
    alpha = (2.83 + 5.1 / b) * stddev
    m = math.floor(rnd(rnd(count + 1) * prob))
    return b, a, c, v_r, r, alpha, m


def _btrs(count, prob, draws, rnd):
    b, a, c, v_r, r, alpha, m = _btrs_constants(count, prob, rnd)
    while True:
        u = draws.uniform() - 0.5
        v = draws.uniform()
        us = 0.5 - abs(u)
        if us == 0.0:       # C's division gives an infinite k here, which is rejected
            continue
        k = rnd(math.floor((2 * a / us + b) * u + c))
        if k < 0 or k > count:
            continue
        if us >= 0.07 and v <= v_r:
            return k
        v = math.log(v * alpha / (a / (us * us) + b)) if v > 0 else -math.inf
        bound = ((m + 0.5) * math.log((m + 1) / (r * (count - m + 1)))
                 + (count + 1) * math.log((count - m + 1) / (count - k + 1))
                 + (k + 0.5) * math.log(r * (count - k + 1) / (k + 1))
                 + _stirling_tail(m) + _stirling_tail(count - m) - _stirling_tail(k) - _stirling_tail(count - k))
        if v <= bound:
            return k


def _one(count, prob, draws, rnd):
    if count <= 0.0 or prob <= 0.0:
        return 0.0
    if prob >= 1.0:
        return count
    if prob <= 0.5:
        if rnd(count * prob) >= 10.0:
            return _btrs(count, prob, draws, rnd)
        return _inversion(count, prob, draws, rnd)
    if prob > 0.5:
        q = rnd(1.0 - prob)
        if rnd(count * q) >= 10.0:
            return count - _btrs(count, q, draws, rnd)
        return count - _inversion(count, q, draws, rnd)
    return math.nan


_F32 = struct.Struct('f')


def _round32(x):
    """``x`` rounded to float32 as C's cast does (struct's packing is several times faster than NumPy's
    scalar conversion; a finite value past float32's range becomes an infinity, as in C)."""
    try:
        return _F32.unpack(_F32.pack(x))[0]
    except OverflowError:
        return math.copysign(math.inf, x)


def _plan(count, prob, rnd):
    """How :func:`_one` treats (count, prob): ``('const', value)`` without drawing, or
    (``'btrs'``/``'inversion'``, p, flipped) for the algorithm, the probability it runs with and
    whether the result is ``count`` minus its draw."""
    if count <= 0.0 or prob <= 0.0:
        return 'const', 0.0
    if prob >= 1.0:
        return 'const', count
    if prob <= 0.5:
        return ('btrs' if rnd(count * prob) >= 10.0 else 'inversion'), prob, False
    if prob > 0.5:
        q = rnd(1.0 - prob)
        return ('btrs' if rnd(count * q) >= 10.0 else 'inversion'), q, True
    return 'const', math.nan


def _stirling_tails(k):
    """:func:`_stirling_tail` of every element of the float array ``k`` (all >= 0)."""
    small = k <= 9
    kp1sq = (k + 1) * (k + 1)
    big = (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)
    return np.where(small, np.array(_TAIL)[np.where(small, k, 0).astype(np.int64)], big)


def _btrs_attempts(u, count, prob, rnd32):
    """BTRS attempted at every position with the uniforms there and next: k where the attempt
    accepts, NaN where it rejects (the last position rejects; the walk never reads it). The
    same double operations and C-library logarithms as :func:`_btrs`."""
    rnd = _round32 if rnd32 else (lambda x: x)
    b, a, c, v_r, r, alpha, m = _btrs_constants(count, prob, rnd)
    um = u[:-1] - 0.5
    v = u[1:]
    us = 0.5 - np.abs(um)
    with np.errstate(divide='ignore', invalid='ignore', over='ignore'):
        k = np.floor((2 * a / us + b) * um + c)
        if rnd32:
            k = k.astype(np.float32).astype(np.float64)
    verdict = np.full(um.size, 2, np.int8)              # 2: the squeeze cannot tell
    verdict[(us >= 0.07) & (v <= v_r)] = 1
    verdict[(k < 0) | (k > count)] = 0
    verdict[us == 0.0] = 0              # C's division gives an infinite k: rejected
    slow = np.flatnonzero(verdict == 2)
    if slow.size:
        ks, uss, vs = k[slow], us[slow], v[slow]
        with np.errstate(divide='ignore'):
            lhs = np.where(vs > 0, exact.log(vs * alpha / (a / (uss * uss) + b)), -np.inf)
        bound = ((m + 0.5) * math.log((m + 1) / (r * (count - m + 1)))
                 + (count + 1) * exact.log((count - m + 1) / (count - ks + 1))
                 + (ks + 0.5) * exact.log(r * (count - ks + 1) / (ks + 1))
                 + _stirling_tail(m) + _stirling_tail(count - m) - _stirling_tails(ks) - _stirling_tails(count - ks))
        verdict[slow] = lhs <= bound
    return np.append(np.where(verdict == 1, k, np.nan), np.nan)


def _distinct_pairs(counts, probs):
    """The distinct (count, prob) pairs as a list of float pairs, and each element's index into it."""
    if (counts == counts[0]).all() and (probs == probs[0]).all():
        return [(float(counts[0]), float(probs[0]))], np.zeros(counts.size, np.int64)
    cs, ci = np.unique(counts, return_inverse=True)
    ps, pi = np.unique(probs, return_inverse=True)
    codes, where = np.unique(ci.reshape(-1) * ps.size + pi.reshape(-1), return_inverse=True)
    pairs = [(float(cs[k // ps.size]), float(ps[k % ps.size])) for k in codes.tolist()]
    return pairs, where.reshape(-1)


def _waits(u, logprob):
    """Inversion's geometric waiting times ``ceil(log(u) / logprob)`` (infinite for u = 0) with the
    C library's log. NumPy's own log is within an ulp or two of it, which can move the ceiling
    only where the quotient lies within a few ulps of a whole number: those are redone exactly."""
    with np.errstate(divide='ignore', invalid='ignore'):
        q = np.log(u) / logprob
        waits = np.ceil(q)
        suspect = np.flatnonzero(np.abs(q - np.rint(q)) <= 64 * np.finfo(np.float64).eps * np.abs(q))
        waits[suspect] = np.ceil(exact.log(u[suspect]) / logprob)
    waits[u == 0] = np.inf
    return waits


def _by_position(gen, counts, probs, np_dtype):
    """:func:`binomial` for few distinct (count, prob) pairs: their outcomes from every stream
    position tabled (:mod:`ember._random.by_position`), then a look-up per element."""
    rnd32 = np_dtype == np.float32
    rnd = _round32 if rnd32 else (lambda x: x)
    pairs, where = _distinct_pairs(counts, probs)
    plans = [(n, _plan(n, p, rnd)) for n, p in pairs]

    def tables(u):
        out = []
        for n, plan in plans:
            if plan[0] == 'const':
                out.append((False, None))
            elif plan[0] == 'btrs':
                out.append((True, _btrs_attempts(u, n, plan[1], rnd32)))
            else:       # geometric waiting times summed while the sum stays within the count
                logprob = rnd(math.log1p(-plan[1]))
                waits = _waits(u, logprob)
                out.append((False, by_position._run_lengths(waits, lambda s: s <= n, np.add)))
        return out
    mean = np.minimum(counts * np.minimum(probs, 1.0 - probs), 10.0)
    draws = by_position._walk_block(gen, float(mean.clip(0).sum() + 1.3 * len(counts)) + 64,
                                    where.tolist(), tables)
    for g, (n, plan) in enumerate(plans):       # constants, and counts minus the draws when flipped
        if plan[0] == 'const':
            draws[where == g] = plan[1]
        elif plan[2]:
            draws[where == g] = n - draws[where == g]
    return draws


def binomial(gen, count, prob, np_dtype):
    """Binomial draws for the float arrays ``count`` and ``prob`` (same shape, C order)."""
    c, p = np.asarray(count, dtype=np_dtype).ravel(), np.asarray(prob, dtype=np_dtype).ravel()
    if c.size >= 32 and np.isfinite(c).all() and not np.isnan(p).any() and \
            len(_distinct_pairs(c, p)[0]) <= by_position.MAX_DISTINCT:
        out = _by_position(gen, c.astype(np.float64), p.astype(np.float64), np_dtype)
        return out.astype(np_dtype).reshape(np.shape(count))
    rnd = _round32 if np_dtype == np.float32 else (lambda x: x)
    counts = np.asarray(count, dtype=np_dtype).ravel().tolist()
    probs = np.asarray(prob, dtype=np_dtype).ravel().tolist()
    # inversion takes about n * min(p, 1 - p) + 1 uniforms, BTRS about 2.3
    mean = np.minimum(np.multiply(counts, np.minimum(probs, np.subtract(1.0, probs))), 10.0)
    draws = _Draws(gen, int(np.nan_to_num(mean).clip(0).sum() + 1.3 * len(counts)) + 64)
    try:
        out = np.array([_one(n, p, draws, rnd) for n, p in zip(counts, probs)], dtype=np.float64)
    finally:
        draws.close()
    return out.astype(np_dtype).reshape(np.shape(count))
