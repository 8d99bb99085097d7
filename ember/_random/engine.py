"""The Mersenne Twister behind every CPU generator, and PyTorch's 5056-byte state tensor.

PyTorch seeds mt19937 with the low 32 bits of the seed, exactly as mt19937's own ``init_genrand``
does, so NumPy's ``MT19937`` bit generator yields the same 32-bit words once its key is set from
that seeding.  PyTorch tracks its position as ``left``/``next``; NumPy as ``pos``.  They map as
``pos = 625 - left``; right after seeding PyTorch has ``next = 0`` where NumPy has ``pos = 624``
(both twist before the next word), which is why the engine remembers the freshly seeded key.
"""
import numpy as np

STATE_SIZE = 5056
_N = 624
_MASK32 = 0xFFFFFFFF
_MAX64 = (1 << 64) - 1
_PAIRED_WORDS = 4096
_HALF_BITS = np.uint64(32)
_PAIR_ORDER = []


def _pairs_first_high():
    """Whether NumPy's 64-bit numbers from MT19937 are two consecutive words with the first one
    high (C leaves the order of the two calls in its expression open), checked once."""
    if not _PAIR_ORDER:
        words = np.random.Generator(np.random.MT19937(7)).integers(0, 1 << 32, 8, dtype=np.uint32)
        pairs = np.random.Generator(np.random.MT19937(7)).integers(0, _MAX64, 4, dtype=np.uint64, endpoint=True)
        _PAIR_ORDER.append(bool(np.array_equal(pairs >> np.uint64(32), words[0::2]) and
                                np.array_equal(pairs & np.uint64(0xFFFFFFFF), words[1::2])))
    return _PAIR_ORDER[0]


def _init_genrand(seed32):
    """The 624 state words of the reference mt19937 seeding of a 32-bit seed."""
    key = [0] * _N
    key[0] = seed32
    prev = seed32
    for i in range(1, _N):
        prev = (1812433253 * (prev ^ (prev >> 30)) + i) & _MASK32
        key[i] = prev
    return np.array(key, dtype=np.uint32)


class Engine:
    """mt19937 words on demand; ``words``/``random64`` are the only ways numbers leave it."""

    __slots__ = ('_bits', '_draw', '_fresh_key', '_seed', '_started')

    def __init__(self, seed):
        # NOTE: the bit generator is made on first use: NumPy's random module costs milliseconds to
        # import, and ember's default generator exists from ``import ember`` on
        self._started = False
        self._seed = seed

    def __getattr__(self, name):
        # (reached only while a slot below is unset: before the first use)
        if name in ('_bits', '_draw', '_fresh_key') and not self._started:
            self._start()
            return getattr(self, name)
        raise AttributeError(f"'Engine' object has no attribute '{name}'")

    def _start(self):
        self._bits = np.random.MT19937()
        # full-range integers from a Generator on the same bit generator are its raw words
        # (uint32) and its 64-bit numbers (two words, first high), written without the uint64
        # widening and recombining that ``random_raw`` would need
        self._draw = np.random.Generator(self._bits)
        self._started = True
        self.reseed(self._seed)

    def reseed(self, seed):
        if not self._started:
            self._seed = seed
            return
        key = _init_genrand(seed & _MASK32)
        self._bits.state = {'bit_generator': 'MT19937', 'state': {'key': key, 'pos': _N}}
        self._fresh_key = key

    def words(self, n):
        """``n`` 32-bit words (as uint64, so callers can do 64-bit arithmetic on them)."""
        return self._bits.random_raw(n)

    def words32(self, n):
        """``n`` 32-bit words as uint32.  From ``_PAIRED_WORDS`` on, all but an odd count's last word
        are drawn as 64-bit numbers (NumPy's cost is per number: a quarter less time for two words
        each) whose halves are put back in order, the first word being the high half, with three
        integer passes; the odd last word is drawn alone after them."""
        if n < _PAIRED_WORDS or not _pairs_first_high():
            return self._draw.integers(0, 1 << 32, n, dtype=np.uint32)
        out = np.empty(n, np.uint32)
        even = n - n % 2
        pairs = self._draw.integers(0, _MAX64, even // 2, dtype=np.uint64, endpoint=True)
        swapped = out[:even].view(np.uint64)
        np.right_shift(pairs, _HALF_BITS, swapped)
        np.left_shift(pairs, _HALF_BITS, pairs)
        np.bitwise_or(swapped, pairs, swapped)
        if even < n:
            out[even] = self._draw.integers(0, 1 << 32, dtype=np.uint32)
        return out

    def word(self):
        return int(self._bits.random_raw())

    def random64(self, n):
        """``n`` 64-bit numbers, each two words with the first one high (PyTorch's random64)."""
        return self._draw.integers(0, _MAX64, n, dtype=np.uint64, endpoint=True)

    # ---------------------------------------------------------------- saved state
    def position(self):
        """PyTorch's (left, next) for the current position."""
        st = self._bits.state['state']
        pos = int(st['pos'])
        if pos == _N and np.array_equal(st['key'], self._fresh_key):
            return 1, 0, st['key']
        return _N + 1 - pos, pos, st['key']

    def restore(self, key, left, next_):
        if not 1 <= left <= _N or not 0 <= next_ <= _N:
            raise RuntimeError("Invalid mt19937 state")
        key = np.asarray(key, dtype=np.uint32).copy()
        pos = _N + 1 - left
        self._bits.state = {'bit_generator': 'MT19937', 'state': {'key': key, 'pos': pos}}
        self._fresh_key = key if next_ == 0 and left == 1 else None


def pack_state(seed, engine, normal_double, normal_float):
    """PyTorch's CPU generator state as 5056 bytes (see the field offsets below)."""
    buf = np.zeros(STATE_SIZE, dtype=np.uint8)
    left, next_, key = engine.position()
    buf[0:8] = np.frombuffer(np.uint64(seed).tobytes(), np.uint8)
    buf[8:16] = np.frombuffer(np.array([left, 1], np.int32).tobytes(), np.uint8)     # left, seeded
    buf[16:24] = np.frombuffer(np.uint64(next_).tobytes(), np.uint8)
    buf[24:24 + 8 * _N] = np.frombuffer(key.astype(np.uint64).tobytes(), np.uint8)
    if normal_double is not None:   # the cached second Box-Muller value (normal_y), valid flag
        buf[5024:5032] = np.frombuffer(np.float64(normal_double).tobytes(), np.uint8)
        buf[5040:5044] = np.frombuffer(np.int32(1).tobytes(), np.uint8)
    if normal_float is not None:
        buf[5048:5052] = np.frombuffer(np.float32(normal_float).tobytes(), np.uint8)
        buf[5052:5056] = np.frombuffer(np.int32(1).tobytes(), np.uint8)
    return buf


def unpack_state(buf, engine):
    """Set ``engine`` from 5056 state bytes; returns (seed, cached double normal, cached float normal)."""
    buf = np.ascontiguousarray(buf, dtype=np.uint8)
    seed = int(buf[0:8].view(np.uint64)[0])
    left = int(buf[8:12].view(np.int32)[0])
    next_ = int(buf[16:24].view(np.uint64)[0])
    key = buf[24:24 + 8 * _N].view(np.uint64)
    if (key > _MASK32).any():
        raise RuntimeError("Invalid mt19937 state")
    engine.restore(key, left, next_)
    normal_double = float(buf[5024:5032].view(np.float64)[0]) if buf[5040:5044].view(np.int32)[0] else None
    normal_float = float(buf[5048:5052].view(np.float32)[0]) if buf[5052:5056].view(np.int32)[0] else None
    return seed, normal_double, normal_float
