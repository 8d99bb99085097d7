"""Rejection samplers resolved by stream position, for tensors with few distinct parameters.

PyTorch's Poisson sampler runs element by element: element ``i`` starts at the uniform where
element ``i - 1`` stopped. Whatever an element with a given rate does from a given position is
fixed by the uniforms from there on, so for each distinct rate the outcome of starting at *every*
position of a block of uniforms is computed at once with NumPy (how many uniforms it takes and
what it returns). Walking the elements in order is then a table look-up per element instead of
the sampler's arithmetic. The numbers are PyTorch's: the tables apply the same double operations
(and the C library's ``log``/``exp``/``lgamma``) as the element-wise loop in
:mod:`ember._random.serial`, which remains the path for tensors of many distinct rates.
"""
import numpy as np

from ember._random import exact

_M53 = (1 << 53) - 1
MAX_DISTINCT = 4        # beyond this, a table over the whole block per rate costs more than the loop


class UniformBlock:
    """The generator's next ``n`` double uniforms (two words each, as PyTorch's
    ``uniform_real_distribution<double>``) as one array; :meth:`close` leaves the generator
    ``used`` uniforms along, however many were computed. The engine's state is kept every
    :data:`CHUNK` uniforms so that closing redraws less than one chunk."""

    CHUNK = 1 << 15

    def __init__(self, gen, n):
        self._bits = gen._engine._bits
        self._states = []
        words = np.empty(2 * n, np.uint64)
        for start in range(0, n, self.CHUNK):
            self._states.append(self._bits.state)
            stop = min(n, start + self.CHUNK)
            words[2 * start:2 * stop] = self._bits.random_raw(2 * (stop - start))
        self._states.append(self._bits.state)
        self.u = (((words[0::2] << np.uint64(32)) | words[1::2]) & np.uint64(_M53)).astype(np.float64)
        self.u *= 2.0 ** -53

    def close(self, used):
        chunk, rest = divmod(used, self.CHUNK)
        self._bits.state = self._states[chunk]
        if rest:
            self._bits.random_raw(2 * rest)


def _run_lengths(terms, go_on, combine):
    """A loop started at every position that folds one term per uniform (``acc = combine(acc,
    term)``, beginning with the first term) while ``go_on(acc)``: the number of terms it folds
    while going on (it stops on the next one), or -1 where the block ends before it stops.

    While most positions are still folding, all of them advance together on contiguous slices
    (the value folded from ``p`` sits at index ``p``); the few long runs left are then followed
    on their own. ``combine`` is applied in the loop's own order, so the rounding is the loop's."""
    n = terms.size
    acc = terms.copy()
    alive = go_on(acc)
    counts = alive.astype(np.int64)
    step = 1
    while np.count_nonzero(alive) * 8 > n - step and step < n:
        if alive[n - step]:             # needs the term past the block's end
            counts[n - step] = -1
        acc = combine(acc[:n - step], terms[step:])
        alive = go_on(acc)
        counts[:n - step] += alive
        step += 1
    live = np.flatnonzero(alive)
    acc = acc[live]
    while live.size:
        nxt = live + step
        inside = nxt < n
        counts[live[~inside]] = -1
        live, acc = live[inside], combine(acc[inside], terms[nxt[inside]])
        keep = go_on(acc)
        live, acc = live[keep], acc[keep]
        counts[live] += 1
        step += 1
    return counts


def _large_rate_attempts(u, rate, lgamma):
    """Hoermann's transformed rejection (rates of 10 and more) attempted at every position with
    the uniforms there and next: the count where it accepts, NaN where it rejects (the last
    position, lacking its second uniform, rejects; the walk never reads it)."""
    b = 0.931 + 2.53 * np.sqrt(rate)
    a = -0.059 + 0.02483 * b
    log_invalpha = float(exact.log(np.array([1.1239 + 1.1328 / (b - 3.4)]))[0])
    vr = 0.9277 - 3.6224 / (b - 2)
    loglam = float(exact.log(np.array([rate]))[0])
    us = u[:-1] - 0.5
    v = u[1:]
    s = 0.5 - np.abs(us)
    with np.errstate(divide='ignore', invalid='ignore', over='ignore'):
        k = np.floor((2 * a / s + b) * us + rate + 0.43)
    verdict = np.full(us.size, 2, np.int8)          # 2: the squeeze cannot tell
    verdict[v == 0.0] = 1                           # log(0) is -inf in C: accepted
    verdict[(k < 0) | ((s < 0.013) & (v > s))] = 0
    verdict[(s >= 0.07) & (v <= vr)] = 1
    verdict[s == 0.0] = 0                           # C's division gives -inf: rejected
    slow = np.flatnonzero(verdict == 2)
    if slow.size:
        ks, ss = k[slow], s[slow]
        lhs = exact.log(v[slow]) + log_invalpha - exact.log(a / (ss * ss) + b)
        distinct, where = np.unique(ks, return_inverse=True)
        lg = np.array([lgamma(x + 1.0) for x in distinct.tolist()])[where.reshape(-1)]
        verdict[slow] = lhs <= (-rate + ks * loglam) - lg
    out = np.append(np.where(verdict == 1, k, np.nan), np.nan)
    return out


def _walk_block(gen, need, where, make_tables):
    """Walk the elements (``where``: each one's table) over a block of about ``need`` uniforms
    with the tables ``make_tables(u)`` builds; a larger block when the walk runs off the end.
    Returns the outcomes as float64 and leaves the generator where PyTorch's loop would."""
    size = int(need * 1.02 + 6 * need ** 0.5) + 64
    while True:
        block = UniformBlock(gen, size)
        try:
            out, used = _walk(make_tables(block.u), where, size)
        except IndexError:
            block.close(0)
            size *= 2
            continue
        block.close(used)
        return np.array(out, dtype=np.float64)


def poisson(gen, flat, lgamma):
    """Poisson counts (float64) for the 1-d array of rates ``flat``, which holds at most
    :data:`MAX_DISTINCT` distinct rates, as PyTorch's ``sample_poisson`` draws them in turn."""
    rates, where = np.unique(flat, return_inverse=True)

    def tables(u):
        out = []
        for rate in rates.tolist():
            if rate >= 10:
                out.append((True, _large_rate_attempts(u, rate, lgamma)))
            elif rate > 0:      # multiplication of uniforms while the product stays above exp(-rate)
                enlam = float(exact.exp(np.array([-rate]))[0])
                out.append((False, _run_lengths(u, lambda prod: prod > enlam, np.multiply)))
            else:
                out.append((False, None))
        return out
    # about rate + 1 uniforms per small rate, 2.4 per large one
    return _walk_block(gen, float(np.where(flat < 10, flat + 1.0, 2.4).sum()), where.reshape(-1).tolist(), tables)


def _walk(tables, where, size):
    """Each element in turn reads its outcome at the current position from its table: either
    ``(True, outcomes)`` for attempts of two uniforms each (NaN where one is rejected), or
    ``(False, lengths)`` for runs that take ``length + 1`` uniforms and give ``length`` (-1 where
    the block is too short), or ``(False, None)`` for elements that draw nothing and give 0.
    The tables are NumPy arrays; the loop reads them as lists."""
    if len(tables) == 1:
        out, pos = _walk_one(*tables[0], len(where))
    else:
        tables = [(large, None if values is None else values.tolist()) for large, values in tables]
        out, pos = [0] * len(where), 0
        for i, g in enumerate(where):
            large, values = tables[g]
            if values is None:
                continue
            if large:
                k = values[pos]
                while k != k:           # rejected: the next attempt two uniforms on
                    pos += 2
                    k = values[pos]
                pos += 2
            else:
                k = values[pos]
                if k < 0:
                    raise IndexError
                pos += k + 1
            out[i] = k
    if pos > size:
        raise IndexError
    return out, pos


def _walk_one(large, values, n):
    """:func:`_walk` for a tensor of one parameter.  Attempts of two uniforms each start at
    every even position in turn whatever their outcome, so the elements' draws are simply the
    first n accepted attempts at even positions."""
    out = [0] * n
    pos = 0
    if values is None:
        return out, pos
    if large:
        attempts = values[0::2]
        accepted = np.flatnonzero(~np.isnan(attempts))
        if accepted.size < n:
            raise IndexError
        return attempts[accepted[:n]], 2 * (int(accepted[n - 1]) + 1) if n else 0
    values = values.tolist()
    for i in range(n):
        k = values[pos]
        if k < 0:
            raise IndexError
        out[i] = k
        pos += k + 1
    return out, pos
